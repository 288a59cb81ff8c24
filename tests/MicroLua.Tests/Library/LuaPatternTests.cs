using System.Text;
using MicroLua.Core;
using MicroLua.Library;

namespace MicroLua.Tests.Library;

public sealed class LuaPatternTests
{
    // string.find as the library does it: plain search when the pattern has no specials.
    private static string Find(string subject, string pattern, int init)
    {
        byte[] s = FakeArguments.Bytes(subject);
        byte[] p = FakeArguments.Bytes(pattern);
        int start = init - 1;
        if (start > s.Length)
        {
            return "nil";
        }
        if (!LuaPattern.HasSpecials(p))
        {
            int i = LuaPattern.PlainFind(s, p, start);
            return i < 0 ? "nil" : $"#{i + 1}|#{i + p.Length}";
        }
        var m = new PatternMatch();
        try
        {
            if (!LuaPattern.Find(s, p, start, m))
            {
                return "nil";
            }
            var sb = new StringBuilder($"#{m.MatchStart + 1}|#{m.MatchEnd}");
            for (int k = 0; k < m.Level; k++)
            {
                sb.Append('|');
                if (m.GetCapture(k, out int cs, out int cl) == CaptureKind.Position)
                {
                    sb.Append('#').Append(cs + 1);
                }
                else
                {
                    sb.Append(FakeArguments.Text(s.AsSpan(cs, cl)));
                }
            }
            return sb.ToString();
        }
        catch (LuaError e)
        {
            return "error: " + e.Message;
        }
    }

    // Expected: string.find results from lua5.4 ("#n" for integers, captures after).
    [Theory]
    [InlineData("hello world", "o w", 1, "#5|#7")]
    [InlineData("hello world", "l+", 1, "#3|#4")]
    [InlineData("hello world", "l*", 1, "#1|#0")]
    [InlineData("hello world", "l-o", 1, "#3|#5")]
    [InlineData("hello", "x*", 1, "#1|#0")]
    [InlineData("hello", "h?e", 1, "#1|#2")]
    [InlineData("hello", "x?h", 1, "#1|#1")]
    [InlineData("hello", "^h", 1, "#1|#1")]
    [InlineData("hello", "^e", 1, "nil")]
    [InlineData("hello", "o$", 1, "#5|#5")]
    [InlineData("hello", "l$", 1, "nil")]
    [InlineData("hello", ".-l", 1, "#1|#3")]
    [InlineData("hello", ".*l", 1, "#1|#4")]
    [InlineData("hello", "(h)(e)", 1, "#1|#2|h|e")]
    [InlineData("hello", "()ll()", 1, "#3|#4|#3|#5")]
    [InlineData("  x", "()x()", 1, "#3|#3|#3|#4")]
    [InlineData("a^b", "^b", 1, "nil")]
    [InlineData("a^b", "a^", 1, "#1|#2")]
    [InlineData("abc$", "c$", 1, "nil")]
    [InlineData("abc$", "$$", 1, "#4|#4")]
    [InlineData("a$b", "$b", 1, "#2|#3")]
    [InlineData("abc", "%g+", 1, "#1|#3")]
    [InlineData("THE (quick) fox", "%((%a+)%)", 1, "#5|#11|quick")]
    [InlineData("x = [[a]]", "%b[]", 1, "#5|#9")]
    [InlineData("((a)(b))c", "%b()", 1, "#1|#8")]
    [InlineData("(((", "%b()", 1, "nil")]
    [InlineData("THE (quick) fox", "%f[%a]%a+%f[%A]", 5, "#6|#10")]
    [InlineData("THE (quick) fox", "%f[%a]%a+", 2, "#6|#10")]
    [InlineData("hello", "%f[%l]", 1, "#1|#0")]
    [InlineData("hello", "%f[%z]", 1, "#6|#5")]
    [InlineData("hello", "%f[%Z]", 1, "#1|#0")]
    [InlineData("hello", "%f[^%l]", 1, "#6|#5")]
    [InlineData("hello world", "(h)(e)(l)(l)(o)( )(w)(o)(r)(l)(d)", 1, "#1|#11|h|e|l|l|o| |w|o|r|l|d")]
    [InlineData("abcabc", "(abc)%1", 1, "#1|#6|abc")]
    [InlineData("abab", "(a)(b)%2", 1, "nil")]
    [InlineData("aaa", "(a*)%1", 1, "#1|#2|a")]
    [InlineData("x = 'hi'", "(['\u0022])(.-)%1", 1, "#5|#8|'|hi")]
    [InlineData("a1 B2_c3", "%w+", 1, "#1|#2")]
    [InlineData("a1 B2_c3", "%W+", 1, "#3|#3")]
    [InlineData("a1 B2", "%d", 1, "#2|#2")]
    [InlineData("a1 B2", "%D+", 1, "#1|#1")]
    [InlineData("a.b,c!", "%p+", 1, "#2|#2")]
    [InlineData("a.b,c!", "%P+", 1, "#1|#1")]
    [InlineData(" \u0009\u000A x", "%s+", 1, "#1|#4")]
    [InlineData("x \u0009", "%S+", 1, "#1|#1")]
    [InlineData("abcDEF", "%u+", 1, "#4|#6")]
    [InlineData("abcDEF", "%U+", 1, "#1|#3")]
    [InlineData("abcDEF", "%l+", 1, "#1|#3")]
    [InlineData("abcDEF", "%L+", 1, "#4|#6")]
    [InlineData("0x1Fg", "%x+", 1, "#1|#1")]
    [InlineData("0x1Fg", "%X+", 1, "#2|#2")]
    [InlineData("a\u0001\u0002b", "%c+", 1, "#2|#3")]
    [InlineData("a\u0001\u0002b", "%C+", 1, "#1|#1")]
    [InlineData("abc123", "%a+", 1, "#1|#3")]
    [InlineData("abc123", "%A+", 1, "#4|#6")]
    [InlineData("hello", "[aeiou]+", 1, "#2|#2")]
    [InlineData("hello", "[^aeiou]+", 1, "#1|#1")]
    [InlineData("a-c", "[a-]", 1, "#1|#1")]
    [InlineData("a]c", "[]]", 1, "#2|#2")]
    [InlineData("a]c", "[^]]+", 1, "#1|#1")]
    [InlineData("0123456789", "[2-5]+", 1, "#3|#6")]
    [InlineData("ab-c", "[%a-]+", 1, "#1|#4")]
    [InlineData("a%b", "[%%]", 1, "#2|#2")]
    [InlineData("ab", "[b-a]", 1, "nil")]
    [InlineData("x^y", "[%^]", 1, "#2|#2")]
    [InlineData("x^y", "[y^]+", 1, "#2|#3")]
    [InlineData("hello", "[%l%d]+", 1, "#1|#5")]
    [InlineData("hello", ".", 5, "#5|#5")]
    [InlineData("hello", ".", 6, "nil")]
    [InlineData("hello", "", 6, "#6|#5")]
    [InlineData("hello", "", 3, "#3|#2")]
    [InlineData("hello", "$", 1, "#6|#5")]
    [InlineData("", "", 1, "#1|#0")]
    [InlineData("", ".*", 1, "#1|#0")]
    [InlineData("", "^$", 1, "#1|#0")]
    [InlineData("\u0000a\u0000", "%z", 1, "#1|#1")]
    [InlineData("a\u0000b", "[\u0000]", 1, "#2|#2")]
    [InlineData("a\u0000b", ".%z.", 1, "#1|#3")]
    [InlineData("x", "x()", 1, "#1|#1|#2")]
    [InlineData("key = value", "(%w+)%s*=%s*(%w+)", 1, "#1|#11|key|value")]
    [InlineData("2024-01-15", "(%d+)-(%d+)-(%d+)", 1, "#1|#10|2024|01|15")]
    [InlineData("aaab", "a-b", 1, "#1|#4")]
    [InlineData("aaab", "^a-$", 1, "nil")]
    [InlineData("[[x]]", "%[(%b[])%]", 1, "#1|#5|[x]")]
    [InlineData("abc", "((a)(b))", 1, "#1|#2|ab|a|b")]
    [InlineData("f(a,b)", "%((.-)%)", 1, "#2|#6|a,b")]
    [InlineData("aXb", "%u", 1, "#2|#2")]
    [InlineData("caf\u00C3\u00A9", "[\u0080-\u00FF]+", 1, "#4|#5")]
    [InlineData("hello", "%", 1, "error: malformed pattern (ends with '%')")]
    [InlineData("hello", "[a", 1, "error: malformed pattern (missing ']')")]
    [InlineData("abc", "[", 1, "error: malformed pattern (missing ']')")]
    [InlineData("abc", "[^", 1, "error: malformed pattern (missing ']')")]
    [InlineData("abc", "[a%", 1, "error: malformed pattern (missing ']')")]
    [InlineData("abc", "%f", 1, "error: missing '[' after '%f' in pattern")]
    [InlineData("abc", "%fa", 1, "error: missing '[' after '%f' in pattern")]
    [InlineData("abc", "%1", 1, "error: invalid capture index %1")]
    [InlineData("abc", "(a)%2", 1, "error: invalid capture index %2")]
    [InlineData("abc", "(a%1)", 1, "error: invalid capture index %1")]
    [InlineData("abc", "%0", 1, "error: invalid capture index %0")]
    [InlineData("abc", "(a))", 1, "error: invalid pattern capture")]
    [InlineData("abc", "(a", 1, "error: unfinished capture")]
    [InlineData("abc", "%b", 1, "error: malformed pattern (missing arguments to '%b')")]
    [InlineData("abc", "%ba", 1, "error: malformed pattern (missing arguments to '%b')")]
    [InlineData("abc", "(((((((((((((((((((((((((((((((((a)))))))))))))))))))))))))))))))))", 1, "error: too many captures")]
    [InlineData("abc", "((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))", 1, "#1|#1|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?", 1, "error: pattern too complex")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)", 1, "#1|#30|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a")]
    [InlineData("abc", "(()", 1, "error: unfinished capture")]
    [InlineData("abc", "%g%", 1, "error: malformed pattern (ends with '%')")]
    [InlineData("abc", "a)", 1, "nil")]
    [InlineData("abc", "(a)(()", 1, "error: unfinished capture")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?", 1, "#1|#199")]
    [InlineData("ab", "(()a)%1", 1, "nil")]
    public void Find_Pattern_MatchesLua(string subject, string pattern, int init, string expected)
    {
        Assert.Equal(expected, Find(subject, pattern, init));
    }

    [Theory]
    [InlineData("abc", "a", "%2", long.MaxValue, "error: invalid capture index %2")]
    [InlineData("abc", "a", "%x", long.MaxValue, "error: invalid use of '%' in replacement string")]
    [InlineData("abc", "a", "%", long.MaxValue, "error: invalid use of '%' in replacement string")]
    [InlineData("abc", "(a)", "%2", long.MaxValue, "error: invalid capture index %2")]
    [InlineData("abc", "a", "%1", long.MaxValue, "abc#1")]
    [InlineData("abc", "a", "%0%0", long.MaxValue, "aabc#1")]
    [InlineData("abc", "()", "%1", long.MaxValue, "1a2b3c4#4")]
    [InlineData("abc", "", "-", long.MaxValue, "-a-b-c-#4")]
    [InlineData("abc", "^", "-", long.MaxValue, "-abc#1")]
    [InlineData("abc", "b*", "-", long.MaxValue, "-a-c-#3")]
    [InlineData("abc", "%w", "%%", long.MaxValue, "%%%#3")]
    [InlineData("hello world", "(%w+)", "<%1>", long.MaxValue, "<hello> <world>#2")]
    [InlineData("hello world", "%w+", "%0 %0", 1L, "hello hello world#1")]
    [InlineData("hello world", "(%w+) (%w+)", "%2 %1", long.MaxValue, "world hello#1")]
    [InlineData("abc", "%w", "%1", long.MaxValue, "abc#3")]
    [InlineData("abc", "(%w)", "%0%1", 2L, "aabbc#2")]
    [InlineData("abc", ".", "x", 0L, "abc#0")]
    [InlineData("abc", ".", "x", -1L, "abc#0")]
    [InlineData("aaa", "a*", "-", long.MaxValue, "-#1")]
    [InlineData("aaa", "a-", "-", long.MaxValue, "-a-a-a-#4")]
    [InlineData("hello", "l", "L", long.MaxValue, "heLLo#2")]
    [InlineData("hello", "^h", "H", long.MaxValue, "Hello#1")]
    [InlineData("hello", "^l", "L", long.MaxValue, "hello#0")]
    [InlineData("one two", "(%w+)$", "[%1]", long.MaxValue, "one [two]#1")]
    [InlineData("x", "x", "%%1", long.MaxValue, "%1#1")]
    [InlineData("abc", "(b)()", "%2", long.MaxValue, "a3c#1")]
    [InlineData("a.b", "%.", "%%", long.MaxValue, "a%b#1")]
    [InlineData("abc", "(a)(b)(c)", "%3%2%1%0", long.MaxValue, "cbaabc#1")]
    [InlineData("ab", "(()a)", "%1", long.MaxValue, "ab#1")]
    public void Gsub_StringReplacement_MatchesLua(string subject, string pattern, string replacement, long max, string expected)
    {
        var m = new PatternMatch();
        using var output = new ByteBuilder();
        var repl = new StringReplacement(FakeArguments.Bytes(replacement));
        string actual;
        try
        {
            long n = LuaPattern.Gsub(FakeArguments.Bytes(subject), FakeArguments.Bytes(pattern), max, ref repl, m, output);
            actual = FakeArguments.Text(output.WrittenSpan) + "#" + n;
        }
        catch (LuaError e)
        {
            actual = "error: " + e.Message;
        }
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("hello world from lua", "%a+", "hello|world|from|lua")]
    [InlineData("abc", "", "|||")]
    [InlineData("a^b^", "^b", "^b")]
    [InlineData("k1=v1, k2=v2", "(%w+)=(%w+)", "k1,v1|k2,v2")]
    [InlineData("aaa", "a*", "aaa")]
    [InlineData("abc", "()", "#1|#2|#3|#4")]
    [InlineData("x", "y", "")]
    public void GMatch_Iteration_MatchesLua(string subject, string pattern, string expected)
    {
        byte[] s = FakeArguments.Bytes(subject);
        byte[] p = FakeArguments.Bytes(pattern);
        var m = new PatternMatch();
        var parts = new List<string>();
        int pos = 0;
        int last = -1;
        while (LuaPattern.GMatchNext(s, p, ref pos, ref last, m))
        {
            var one = new StringBuilder();
            for (int k = 0; k < Math.Max(1, m.Level); k++)
            {
                if (k > 0)
                {
                    one.Append(',');
                }
                if (m.GetCapture(k, out int cs, out int cl) == CaptureKind.Position)
                {
                    one.Append('#').Append(cs + 1);
                }
                else
                {
                    one.Append(FakeArguments.Text(s.AsSpan(cs, cl)));
                }
            }
            parts.Add(one.ToString());
        }
        Assert.Equal(expected, string.Join("|", parts));
    }

    /// <summary>
    /// The budget units a chunk uses: one per instruction and one per matching step
    /// (LuaPattern charges its steps to the instruction budget), so a step count, not a clock,
    /// shows that a hostile pattern stays linear.
    /// </summary>
    private static long UnitsUsed(string chunk)
    {
        const long budget = 1L << 40;
        using var lua = new LuaState(new LuaOptions { Compiler = MicroLua.Compiler.LuaCompiler.Instance });
        lua.InstructionBudget = budget;
        lua.DoString(chunk);
        return budget - lua.InstructionBudget!.Value;
    }

    [Theory]
    [InlineData(".-.-.-b")]
    [InlineData(".-.-.-.-.-b")]
    [InlineData("a*a*a*a*b")]
    [InlineData("(.-)(.-)(.-)b")]
    [InlineData("%a*.-%a-.*b$")]
    public void Find_HostilePatternOnLongSubject_IsLinear(string pattern)
    {
        byte[] s = FakeArguments.Bytes(new string('a', 100_000));
        Assert.False(LuaPattern.Find(s, FakeArguments.Bytes(pattern), 0, new PatternMatch()));

        // Without the failure memo these take about n^k steps (k the number of open items);
        // with it, each (subject, pattern) state fails at most once after the threshold.
        long units = UnitsUsed($"assert(string.find(string.rep('a', 100000), '{pattern}') == nil)");
        Assert.InRange(units, 100_000, LuaPattern.MemoThreshold + 4L * 100_001 * (pattern.Length + 1));
    }

    [Fact]
    public void Find_ExponentialOptionalChain_IsPolynomial()
    {
        // Lua itself takes 2^198 steps here; with the failure memo it is 1,413,133 units, a few
        // dozen per (subject, pattern) state.
        byte[] s = FakeArguments.Bytes(new string('a', 198));
        byte[] p = FakeArguments.Bytes(string.Concat(Enumerable.Repeat("a?", 198)) + "b");
        Assert.False(LuaPattern.Find(s, p, 0, new PatternMatch()));

        long units = UnitsUsed("assert(string.find(string.rep('a', 198), string.rep('a?', 198) .. 'b') == nil)");
        Assert.InRange(units, 198, LuaPattern.MemoThreshold + 32L * 199 * (2 * 198 + 2));
    }

    [Fact]
    public void Gsub_HostilePattern_IsLinear()
    {
        byte[] s = FakeArguments.Bytes(new string('a', 20_000));
        var m = new PatternMatch();
        using var output = new ByteBuilder();
        var repl = new StringReplacement(FakeArguments.Bytes("x"));
        long n = LuaPattern.Gsub(s, FakeArguments.Bytes(".-.-b"), long.MaxValue, ref repl, m, output);
        Assert.Equal(0, n);
        Assert.Equal(20_000, output.Length);

        long units = UnitsUsed("local r, k = string.gsub(string.rep('a', 20000), '.-.-b', 'x') assert(k == 0 and #r == 20000)");
        Assert.InRange(units, 20_000, LuaPattern.MemoThreshold + 4L * 20_001 * 6);
    }

    [Fact]
    public void Find_LongSubjectSuccess_SameAsWithoutMemo()
    {
        // Enough steps to switch the memo on, then a match near the end.
        byte[] s = FakeArguments.Bytes(new string('a', 5_000) + "b");
        var m = new PatternMatch();
        Assert.True(LuaPattern.Find(s, FakeArguments.Bytes("(a-)(a-)b"), 0, m));
        Assert.Equal(0, m.MatchStart);
        Assert.Equal(5_001, m.MatchEnd);
        m.GetCapture(0, out _, out int l0);
        m.GetCapture(1, out _, out int l1);
        Assert.Equal(0, l0);
        Assert.Equal(5_000, l1);
    }

    [Theory]
    [InlineData("hello", false)]
    [InlineData("a.b", true)]
    [InlineData("a)", false)]
    [InlineData("50%", true)]
    [InlineData("x-y", true)]
    [InlineData("^x", true)]
    public void HasSpecials_Pattern_DetectsMagic(string pattern, bool expected)
    {
        Assert.Equal(expected, LuaPattern.HasSpecials(FakeArguments.Bytes(pattern)));
    }
}
