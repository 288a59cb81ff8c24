namespace MicroLua.Tests.Library;

/// <summary>Cases written by hand: conversions checked against lua5.4 and the 5.4.8 suite, and values that are random by design.</summary>
public sealed partial class MathLibraryTests
{
    /// <summary>Strings convert as lua_tointegerx converts them (lua5.4 and the 5.4.8 suite's math.lua agree).</summary>
    [Theory]
    // Lua 5.4.8's math.lua (lines 704, 717) requires strings to convert: math.tointeger("34.0") == 34.
    [InlineData("print(math.tointeger('3'), math.tointeger('x'), math.tointeger('3.0'), math.tointeger('3.5'))", "3\tnil\t3\tnil\n")]
    public void ToInteger_String_ConvertsLikeLuaToIntegerX(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Fact]
    public void RandomSeed_NoArguments_ReturnsSeedsThatReproduceTheSequence()
    {
        const string code = "local a, b = math.randomseed() local x = math.random(1 << 40) math.randomseed(a, b) print(math.type(a), math.type(b), x == math.random(1 << 40))";
        Assert.Equal("integer\tinteger\ttrue\n", LuaRun.Output(code));
    }

    [Fact]
    public void Random_TwoStates_AreIndependent()
    {
        const string code = "math.randomseed(5) print(math.random(1000000))";
        Assert.Equal(LuaRun.Output(code), LuaRun.Output(code));
    }
}
