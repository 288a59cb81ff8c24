using System.Text;
using static MicroLua.Tests.Compiler.CompilerTestHelpers;

namespace MicroLua.Tests.Compiler;

/// <summary>Compiler limits and their messages, as lua5.4 reports them; deep nesting never overflows the .NET stack.</summary>
public sealed class LimitTests
{
    [Fact]
    public void Locals_201InMain_ReportsLimit()
    {
        var sb = new StringBuilder();
        for (int i = 1; i <= 201; i++)
        {
            sb.Append("local a").Append(i).Append('\n');
        }
        string src = sb.ToString();
        Assert.Equal("[string \"local a1...\"]:202: too many local variables (limit is 200) in main function near <eof>",
            LoadError(src));
    }

    [Fact]
    public void Locals_200InMain_Compile()
    {
        string src = "local a1" + string.Concat(Enumerable.Range(2, 199).Select(i => ",a" + i));
        Assert.Null(LoadError(src));
    }

    [Fact]
    public void Upvalues_Over255_ReportsLimit()
    {
        var parts = Enumerable.Range(1, 260).Select(i => "local a" + i).ToArray();
        string sum = string.Join("+", Enumerable.Range(1, 260).Select(i => "a" + i));
        string src = "local function f() " + string.Join("\n", parts, 0, 130) + " return function() " +
            string.Join("\n", parts, 130, 130) + " return function() return " + sum + " end end end";
        Assert.Equal("[string \"local function f() local a1...\"]:259: too many upvalues (limit is 255) in function at line 259 near '+'",
            LoadError(src));
    }

    [Fact]
    public void Registers_TooMany_ReportsLimit()
    {
        string src = "local t = {} t.x = f(" + string.Join(",", Enumerable.Range(1, 300).Select(i => "f" + i)) + ")";
        string? e = LoadError(src);
        Assert.NotNull(e);
        Assert.Contains("function or expression needs too many registers", e, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(100_000)]
    public void NestedParens_Deep_ReportsCStackOverflow(int depth)
    {
        string src = new string('(', depth) + "1" + new string(')', depth);
        Assert.Equal("C stack overflow", LoadError(src));
    }

    [Theory]
    [InlineData("x = ", "{", "}")]
    [InlineData("", "do ", " end")]
    [InlineData("return ", "function() return ", " end")]
    [InlineData("x = ", "- ", "")]
    [InlineData("x = ", "not ", "")]
    [InlineData("x = ", "f(", ")")]
    [InlineData("", "if x then ", " end")]
    [InlineData("x = ", "a.b[", "]")]
    public void Nesting_Deep_ReportsCStackOverflow(string prefix, string open, string close)
    {
        var sb = new StringBuilder(prefix);
        for (int i = 0; i < 50_000; i++)
        {
            sb.Append(open);
        }
        sb.Append('1');
        for (int i = 0; i < 50_000; i++)
        {
            sb.Append(close);
        }
        Assert.Equal("C stack overflow", LoadError(sb.ToString()));
    }

    [Theory]
    [InlineData(195, true)]
    [InlineData(196, false)]
    public void NestedParens_AtLuaLimit_MatchesReference(int depth, bool compiles)
    {
        string src = "x=" + new string('(', depth) + "1" + new string(')', depth);
        Assert.Equal(compiles, LoadError(src) == null);
    }

    [Fact]
    public void Assignment_ManyTargets_ReportsCStackOverflow()
    {
        string src = string.Join(",", Enumerable.Range(0, 5000).Select(i => "a" + i)) + " = 1";
        Assert.Equal("C stack overflow", LoadError(src));
    }

    [Theory]
    [InlineData("for i = 1, 2 do ", "[string \"for i = 1, 2 do x=1 x=1 x=1 x=1 x=1 x=1 x=1 x...\"]:1: control structure too long near 'end'")]
    [InlineData("for k in f do ", "[string \"for k in f do x=1 x=1 x=1 x=1 x=1 x=1 x=1 x=1...\"]:1: control structure too long near 'end'")]
    public void ForLoop_BodyBeyondBxRange_ReportsTooLong(string head, string expected)
    {
        var sb = new StringBuilder(head);
        for (int i = 0; i < 140_000; i++)
        {
            sb.Append("x=1 ");
        }
        sb.Append(" end");
        Assert.Equal(expected, LoadError(sb.ToString()));
    }
}
