using System.Text;
using MicroLua.Core;
using MicroLua.Library;

namespace MicroLua.Tests.Library;

public sealed class StringPackTests
{
    private sealed class Results : IUnpackResults
    {
        public readonly List<string> Values = [];

        public void PushInteger(long value) => Values.Add("#" + value.ToString(System.Globalization.CultureInfo.InvariantCulture));

        public void PushNumber(double value)
        {
            Span<byte> buf = stackalloc byte[64];
            var spec = new MicroLua.Core.LuaNumber.Spec { Precision = -1 };
            Values.Add(FakeArguments.Text(buf[..MicroLua.Core.LuaNumber.FormatFloatSpec(value, (byte)'a', spec, buf)]));
        }

        public void PushString(ReadOnlySpan<byte> value) => Values.Add(FakeArguments.Text(value));

        public Exception ArgumentError(int arg, string message) => new LuaError($"bad argument #{arg} to 'unpack' ({message})");
    }

    // Expected: hex of string.pack(...) from lua5.4, or its error.
    [Theory]
    [InlineData("01000000", "i4", 1L)]
    [InlineData("00000001", ">i4", 1L)]
    [InlineData("feff", "<i2", -2L)]
    [InlineData("80", "b", -128L)]
    [InlineData("ff", "B", 255L)]
    [InlineData("e803", "h", 1000L)]
    [InlineData("ffff", ">H", 65535L)]
    [InlineData("0000000000000080", "j", long.MinValue)]
    [InlineData("ffffffffffffffff", "J", -1L)]
    [InlineData("0500000000000000", "T", 5L)]
    [InlineData("fdffffffffffffffffffffffffffffff", "i16", -3L)]
    [InlineData("00000000000000000000000000000007", ">I16", 7L)]
    [InlineData("ffffff", "i3", -1L)]
    [InlineData("0000000001", "I5", 4294967296.0d)]
    [InlineData("0000c03f", "f", 1.5d)]
    [InlineData("3fb999999999999a", ">d", 0.10000000000000001d)]
    [InlineData("0000000000000080", "n", -0.0)]
    [InlineData("0300000000000000616263", "s", "abc")]
    [InlineData("00026869", ">s2", "hi")]
    [InlineData("7a7a00", "z", "zz")]
    [InlineData("6162000000", "c5", "ab")]
    [InlineData("00", "x")]
    [InlineData("0100000002000000", "!4 b i4", 1L, 2L)]
    [InlineData("01000000000000000000000000000440", "!8 b d", 1L, 2.5d)]
    [InlineData("010002", "!2 b Xi4 b", 1L, 2L)]
    [InlineData("030000000171", "<!4 i2 Xi4 s1", 3L, "q")]
    [InlineData("01", "bXh", 1L)]
    [InlineData("0100000000000000", "!b Xj", 1L)]
    [InlineData("error: bad argument #2 to 'pack' (integer overflow)", "i1", 200L)]
    [InlineData("error: bad argument #2 to 'pack' (unsigned overflow)", "I1", 256L)]
    [InlineData("error: integral size (17) out of limits [1,16]", "i17", 1L)]
    [InlineData("error: invalid format option 'y'", "y", 1L)]
    [InlineData("error: bad argument #1 to 'pack' (format asks for alignment not power of 2)", "!3i4", 1L)]
    [InlineData("error: bad argument #2 to 'pack' (string length does not fit in given size)", "s1", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    [InlineData("error: bad argument #2 to 'pack' (string contains zeros)", "z", "a\u0000b")]
    [InlineData("error: bad argument #1 to 'pack' (invalid next option for option 'X')", "Xz", 1L)]
    [InlineData("error: bad argument #1 to 'pack' (invalid next option for option 'X')", "X", 1L)]
    [InlineData("error: missing size for format option 'c'", "c", "a")]
    [InlineData("error: bad argument #2 to 'pack' (string longer than given size)", "c2", "abc")]
    [InlineData("error: integral size (0) out of limits [1,16]", "i0", 1L)]
    [InlineData("error: invalid format option '9'", "c99999999999999999999", "x")]
    [InlineData("error: bad argument #2 to 'pack' (unsigned overflow)", "I1", -1L)]
    public void Pack_Format_MatchesLua(string expected, string format, params object?[] args)
    {
        var fake = new FakeArguments("pack", args ?? [null]);
        using var output = new ByteBuilder();
        string actual;
        try
        {
            StringPack.Pack(FakeArguments.Bytes(format), ref fake, output);
            actual = Convert.ToHexString(output.WrittenSpan).ToLowerInvariant();
        }
        catch (LuaError e)
        {
            actual = "error: " + e.Message;
        }
        Assert.Equal(expected, actual);
    }

    // Expected: string.unpack results from lua5.4 ("#n" integers, "%a" floats, final position last).
    [Theory]
    [InlineData("i4", "\u00FB\u00FF\u00FF\u00FF", 1, "#-5|#5")]
    [InlineData(">I2", "\u0001\u0002", 1, "#258|#3")]
    [InlineData("<i2 >i2", "\u0001\u0002\u0001\u0002", 1, "#513|#258|#5")]
    [InlineData("i16", "\u00FD\u00FF\u00FF\u00FF\u00FF\u00FF\u00FF\u00FF\u00FF\u00FF\u00FF\u00FF\u00FF\u00FF\u00FF\u00FF", 1, "#-3|#17")]
    [InlineData("i9", "\u00FF\u00FF\u00FF\u00FF\u00FF\u00FF\u00FF\u00FF\u00FF", 1, "#-1|#10")]
    [InlineData("i9", "\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0001", 1, "error: 9-byte integer does not fit into Lua Integer")]
    [InlineData("I9", "\u00FF\u00FF\u00FF\u00FF\u00FF\u00FF\u00FF\u00FF\u00FF", 1, "error: 9-byte integer does not fit into Lua Integer")]
    [InlineData("f d n", "\u0000\u0000\u00C0?\u009A\u0099\u0099\u0099\u0099\u0099\u00B9?\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u00C0", 1, "0x1.8p+0|0x1.999999999999ap-4|-0x1p+1|#21")]
    [InlineData("s1 z c3", "\u0003abcxy\u0000pqr", 1, "abc|xy|pqr|#11")]
    [InlineData("!4 b i4", "\u0001\u0000\u0000\u0000\u0002\u0000\u0000\u0000", 1, "#1|#2|#9")]
    [InlineData("i4", "ab", 1, "error: bad argument #2 to 'unpack' (data string too short)")]
    [InlineData("z", "abc", 1, "error: bad argument #2 to 'unpack' (unfinished string for format 'z')")]
    [InlineData("s1", "\u0005ab", 1, "error: bad argument #2 to 'unpack' (data string too short)")]
    [InlineData("b", "\u0001\u0002\u0003", 3, "#3|#4")]
    [InlineData("b", "\u0001", 2, "error: bad argument #2 to 'unpack' (data string too short)")]
    [InlineData("b", "\u0001", 3, "error: bad argument #3 to 'unpack' (initial position out of string)")]
    [InlineData("i3", "\u00FF\u00FF\u007F", 1, "#8388607|#4")]
    [InlineData("xxb", "\u0001\u0002\u0003", 1, "#3|#4")]
    public void Unpack_Data_MatchesLua(string format, string data, int init, string expected)
    {
        var results = new Results();
        string actual;
        try
        {
            int end = StringPack.Unpack(FakeArguments.Bytes(format), FakeArguments.Bytes(data), init - 1, ref results);
            results.Values.Add("#" + (end + 1));
            actual = string.Join("|", results.Values);
        }
        catch (LuaError e)
        {
            actual = "error: " + e.Message;
        }
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("i4", "4")]
    [InlineData("!8 b d", "16")]
    [InlineData("s", "error: bad argument #1 to 'packsize' (variable-length format)")]
    [InlineData("z", "error: bad argument #1 to 'packsize' (variable-length format)")]
    [InlineData("c10 x", "11")]
    [InlineData("!4 b Xi8", "4")]
    [InlineData("i17", "error: integral size (17) out of limits [1,16]")]
    public void PackSize_Format_MatchesLua(string format, string expected)
    {
        string actual;
        try
        {
            var errors = new PackSizeErrors();
            actual = StringPack.PackSize(FakeArguments.Bytes(format), ref errors)
                .ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (LuaError e)
        {
            actual = "error: " + e.Message;
        }
        Assert.Equal(expected, actual);
    }

    private struct PackSizeErrors : IArgumentErrors
    {
        public readonly Exception ArgumentError(int arg, string message) => new LuaError($"bad argument #{arg} to 'packsize' ({message})");
    }
}
