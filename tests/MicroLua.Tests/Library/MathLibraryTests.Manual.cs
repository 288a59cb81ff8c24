namespace MicroLua.Tests.Library;

/// <summary>Cases not produced by lua5.4.4: 5.4.8 semantics, and values that are random by design.</summary>
public sealed partial class MathLibraryTests
{
    [Theory]
    [InlineData("print(math.tointeger('3'), math.tointeger('x'), math.tointeger('3.0'))", "nil\tnil\tnil\n")]
    public void ToInteger_String_Fails(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

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
