using System.Globalization;
using System.Text;
using MicroLua.Compiler;
using MicroLua.Core;

namespace MicroLua.Tests.Compiler;

/// <summary>The lexer: tokens, numerals, escapes, long brackets, line counting and lexical errors (texts from lua5.4).</summary>
public sealed class LexerTests
{
    private static Lexer Start(string src)
    {
        var lx = new Lexer(Encoding.Latin1.GetBytes(src), "=t");
        lx.NextToken();
        return lx;
    }

    private static List<int> Tokens(string src)
    {
        var lx = Start(src);
        var list = new List<int>();
        while (lx.Token != Tk.Eos)
        {
            list.Add(lx.Token);
            lx.NextToken();
        }
        return list;
    }

    [Fact]
    public void Lex_AllOperators_GiveTheirTokens()
    {
        Assert.Equal(
            [
                '+', '-', '*', '/', Tk.IDiv, '%', '^', '#', '&', '~', '|', Tk.Shl, Tk.Shr, Tk.Eq, Tk.Ne, Tk.Le, Tk.Ge,
                '<', '>', '=', '(', ')', '{', '}', '[', ']', Tk.DbColon, ';', ':', ',', '.', Tk.Concat, Tk.Dots,
            ],
            Tokens("+ - * / // % ^ # & ~ | << >> == ~= <= >= < > = ( ) { } [ ] :: ; : , . .. ..."));
    }

    [Fact]
    public void Lex_ReservedWords_AreKeywordsAndOthersNames()
    {
        string words = "and break do else elseif end false for function goto if in local nil not or repeat return then true until while";
        Assert.Equal(Enumerable.Range(Tk.And, 22), Tokens(words));
        var lx = Start("_x1 End");
        Assert.Equal(Tk.Name, lx.Token);
        Assert.Equal("_x1", lx.SValue);
        lx.NextToken();
        Assert.Equal(Tk.Name, lx.Token);
    }

    [Theory]
    [InlineData("0x1p4", 16.0)]
    [InlineData("0x.8", 0.5)]
    [InlineData("0xA.8p1", 21.0)]
    [InlineData("1e308", 1e308)]
    [InlineData("9223372036854775808", 9.2233720368547758e+18)]
    [InlineData("3.", 3.0)]
    [InlineData(".5", 0.5)]
    [InlineData("1E-2", 0.01)]
    [InlineData("0x1P-1074", 4.9406564584124654e-324)]
    [InlineData("0x1p-1075", 0.0)]
    [InlineData("0x123456789abcdef0123p0", 5.3730036427316852e+21)]
    [InlineData("2.5e-324", 4.9406564584124654e-324)]
    [InlineData("123456789012345678901234567890", 1.2345678901234568e+29)]
    [InlineData("0x3.243F6A8885A308D3p0", 3.1415926535897931)]
    public void Lex_FloatNumeral_IsCorrectlyRounded(string text, double expected)
    {
        var lx = Start(text);
        Assert.Equal(Tk.Flt, lx.Token);
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(lx.FValue));
    }

    [Theory]
    [InlineData("1e309")]
    [InlineData("0x1.fffffffffffff8p1023")]
    public void Lex_HugeFloat_IsInfinity(string text)
    {
        var lx = Start(text);
        Assert.True(double.IsPositiveInfinity(lx.FValue));
    }

    [Theory]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("0xffffffffffffffff", -1L)]
    [InlineData("0x10000000000000000", 0L)]
    [InlineData("0", 0L)]
    [InlineData("0XfF", 255L)]
    public void Lex_IntegerNumeral_HexWraps(string text, long expected)
    {
        var lx = Start(text);
        Assert.Equal(Tk.Int, lx.Token);
        Assert.Equal(expected, lx.IValue);
    }

    [Theory]
    [InlineData("'\\a\\b\\f\\n\\r\\t\\v\\\\\\\"\\''", "\a\b\f\n\r\t\v\\\"'")]
    [InlineData("'\\x41\\65\\0z'", "AA\0z")]
    [InlineData("'a\\z  \n  b'", "ab")]
    [InlineData("'\\u{48}\\u{E9}'", "H\u00C3\u00A9")]
    [InlineData("'\\u{7FFFFFFF}'", "\u00FD\u00BF\u00BF\u00BF\u00BF\u00BF")]
    [InlineData("'a\\\nb'", "a\nb")]
    [InlineData("[[\nfirst]]", "first")]
    [InlineData("[==[a]]b]=]c]==]", "a]]b]=]c")]
    [InlineData("[[a\r\nb\n\rc]]", "a\nb\nc")]
    public void Lex_String_DecodesEscapesAndBrackets(string text, string expected)
    {
        var lx = Start(text);
        Assert.Equal(Tk.String, lx.Token);
        Assert.Equal(expected, lx.SValue);
    }

    [Fact]
    public void Lex_LineEndings_EachCountOnce()
    {
        var lx = Start("a\nb\rc\r\nd\n\re\n\nf --[[x\ny]] g");
        var lines = new List<int>();
        while (lx.Token != Tk.Eos)
        {
            lines.Add(lx.Line);
            lx.NextToken();
        }
        Assert.Equal([1, 2, 3, 4, 5, 7, 8], lines);
    }

    [Fact]
    public void Lex_Comments_AreSkipped()
    {
        Assert.Equal([Tk.Name, Tk.Name], Tokens("a -- line\n--[==[ long\n ]] still ]==] b --[ not long"));
    }

    [Theory]
    [InlineData("x = 3x", "[string \"x = 3x\"]:1: malformed number near '3x'")]
    [InlineData("x = 3..4", "[string \"x = 3..4\"]:1: malformed number near '3..4'")]
    [InlineData("x = 0x", "[string \"x = 0x\"]:1: malformed number near '0x'")]
    [InlineData("x = \"abc", "[string \"x = \"abc\"]:1: unfinished string near <eof>")]
    [InlineData("x = '\\q'", "[string \"x = '\\q'\"]:1: invalid escape sequence near ''\\q'")]
    [InlineData("x = '\\300'", "[string \"x = '\\300'\"]:1: decimal escape too large near ''\\300''")]
    [InlineData("x = '\\u{80000000}'", "[string \"x = '\\u{80000000}'\"]:1: UTF-8 value too large near ''\\u{80000000'")]
    [InlineData("x = '\\u123'", "[string \"x = '\\u123'\"]:1: missing '{' near ''\\u1'")]
    [InlineData("x = '\\u{12'", "[string \"x = '\\u{12'\"]:1: missing '}' near ''\\u{12''")]
    [InlineData("x = '\\xZZ'", "[string \"x = '\\xZZ'\"]:1: hexadecimal digit expected near ''\\xZ'")]
    [InlineData("x = [[abc", "[string \"x = [[abc\"]:1: unfinished long string (starting at line 1) near <eof>")]
    [InlineData("--[[abc", "[string \"--[[abc\"]:1: unfinished long comment (starting at line 1) near <eof>")]
    [InlineData("x = [=abc", "[string \"x = [=abc\"]:1: invalid long string delimiter near '[='")]
    public void Lex_BadInput_GivesLuaMessage(string src, string expected)
    {
        Assert.Equal(expected, CompilerTestHelpers.LoadError(src));
    }

    /// <summary>A numeral through the one string-to-number rule the lexer, tonumber and the VM share.</summary>
    private static bool TryParseNumeral(string s, out double value)
    {
        bool ok = MicroLua.Core.LuaNumber.TryParseNumber(Encoding.ASCII.GetBytes(s), out long i, out double d, out bool isFloat);
        value = isFloat ? d : i;
        return ok;
    }

    [Fact]
    public void Numerals_DecimalFloats_MatchDoubleParse()
    {
        var rng = new Random(42);
        for (int i = 0; i < 2000; i++)
        {
            double d = BitConverter.Int64BitsToDouble(rng.NextInt64() & 0x7FEF_FFFF_FFFF_FFFF);
            string s = d.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
            Assert.True(TryParseNumeral(s, out double back), s);
            Assert.Equal(d, back);
        }
    }

    [Fact]
    public void Numerals_HexFloats_RoundTrip()
    {
        var rng = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            long bits = rng.NextInt64() & 0x7FEF_FFFF_FFFF_FFFF;
            double d = BitConverter.Int64BitsToDouble(bits);
            long mant = bits & 0xF_FFFF_FFFF_FFFF;
            int exp = (int)(bits >> 52);
            string s = exp == 0
                ? $"0x0.{mant:x13}p-1022"
                : $"0x1.{mant:x13}p{exp - 1023}";
            Assert.True(TryParseNumeral(s, out double back), s);
            Assert.Equal(d, back);
        }
    }

    [Fact]
    public void ChunkId_Forms_FollowLuaRules()
    {
        Assert.Equal("name", ChunkId.Format("=name"));
        Assert.Equal("file.lua", ChunkId.Format("@file.lua"));
        Assert.Equal("..." + new string('b', 56), ChunkId.Format("@" + new string('b', 70)));
        Assert.Equal("[string \"" + new string('a', 44) + "\"]", ChunkId.Format(new string('a', 44)));
        Assert.Equal("[string \"" + new string('a', 45) + "...\"]", ChunkId.Format(new string('a', 45)));
        Assert.Equal("[string \"line1...\"]", ChunkId.Format("line1\nline2"));
    }
}
