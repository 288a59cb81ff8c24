using static MicroLua.Tests.Compiler.CompilerTestHelpers;

namespace MicroLua.Tests.Compiler;

/// <summary>Constant folding as Lua 5.4 does it: numbers only, no division by zero, no NaN or zero float results.</summary>
public sealed class ConstantFoldingTests
{
    [Theory]
    [InlineData("return 1 + 2", "VARARGPREP 0; LOADI 0 3; RETURN 0 2 1; RETURN 0 1 1")]
    [InlineData("return 2^10", "VARARGPREP 0; LOADF 0 1024; RETURN 0 2 1; RETURN 0 1 1")]
    [InlineData("return 7 // 2, 7 % -3", "VARARGPREP 0; LOADI 0 3; LOADI 1 -2; RETURN 0 3 1; RETURN 0 1 1")]
    [InlineData("return -(-9223372036854775807 - 1)", "VARARGPREP 0; LOADK 0 0; RETURN 0 2 1; RETURN 0 1 1")]
    [InlineData("return 3 & 1.0, ~0", "VARARGPREP 0; LOADI 0 1; LOADI 1 -1; RETURN 0 3 1; RETURN 0 1 1")]
    [InlineData("local k <const> = 10; return k * 2", "VARARGPREP 0; LOADI 0 20; RETURN 0 2 1; RETURN 0 1 1")]
    public void Fold_NumericConstants_LoadsResult(string src, string expected)
    {
        Assert.Equal(expected, Shape(Compile(src)));
    }

    [Theory]
    [InlineData("return 1 // 0", "IDIVK")]
    [InlineData("return 1 % 0", "MODK")]
    [InlineData("return 1.0 / 0", "DIVK")]
    [InlineData("return 0/0", "DIVK")]
    [InlineData("return 0.0 * -1", "MULK")]
    [InlineData("return -0.0", "UNM")]
    [InlineData("return 1.5 | 1", "BORK")]
    [InlineData("return 'a' + 1", "ADDI")]
    [InlineData("return '10' * 2", "MULK")]
    public void Fold_UnsafeOperation_IsLeftToRuntime(string src, string opcode)
    {
        Assert.Contains(opcode, Shape(Compile(src)), StringComparison.Ordinal);
    }

    [Fact]
    public void Fold_IntegerOverflow_Wraps()
    {
        var p = Compile("return 9223372036854775807 + 1");
        Assert.Equal(long.MinValue, Assert.Single(p.Constants).Integer);
    }

    [Fact]
    public void Fold_FloatModulo_FollowsLuaSign()
    {
        var p = Compile("return -4 % -5.0, 5.5 % -2");
        Assert.StartsWith("VARARGPREP 0; LOADF 0 -4; LOADK 1 0", Shape(p), StringComparison.Ordinal);
        Assert.Equal(-0.5, Assert.Single(p.Constants).Float);
    }
}
