namespace MicroLua.Api.Tests;

/// <summary>Instruction budget and cancellation, through the public API only.</summary>
public sealed class RunawayTests
{
    [Fact]
    public void InfiniteLoop_InDoString_EndsInTheStopError()
    {
        using var lua = new Lua();
        lua.State.InstructionBudget = 1_000_000;
        var e = Assert.Throws<LuaBudgetExceededException>(() => lua.Do("while true do end"));
        Assert.Equal("instruction budget exceeded", e.Message);
    }

    [Fact]
    public void Stop_IsNotCaughtByPcall_AndTheStateStaysUsable()
    {
        using var lua = new Lua();
        lua.State.InstructionBudget = 100_000;
        Assert.Throws<LuaBudgetExceededException>(() =>
            lua.Do("caught = pcall(function() while true do end end)"));
        lua.State.InstructionBudget = null;
        Assert.True(lua.Eval("caught == nil").ToBoolean());
        Assert.Equal(6, lua.Eval("1 + 2 + 3").ToInteger());
    }

    [Fact]
    public void Stop_ReachesTheHostThroughAHostFunctionAndACall()
    {
        using var lua = new Lua();
        lua.State.Register("callback", c => c.Return(c.CheckFunction(1).Invoke()));
        using LuaFunction f = lua.State.Load("return callback(function() local n = 0 while true do n = n + 1 end end)");
        lua.State.InstructionBudget = 50_000;
        Assert.Throws<LuaBudgetExceededException>(() => f.Invoke());
        lua.State.InstructionBudget = null;
        Assert.Equal("ok", lua.Eval("'ok'").ToString());
    }

    [Fact]
    public void Budget_IsEnoughForAFiniteScript()
    {
        using var lua = new Lua();
        lua.State.InstructionBudget = 1_000_000;
        Assert.Equal(5050, lua.Eval("(function() local s = 0 for i = 1, 100 do s = s + i end return s end)()").ToInteger());
        Assert.Equal(1_000_000 - (2 + 99 * 3), lua.State.InstructionBudget); // a unit for each of the two calls, FORLOOP jumps back 3 instructions 99 times
    }

    [Fact]
    public void Cancellation_FromAnotherThread_StopsALoop()
    {
        using var lua = new Lua();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        lua.State.CancellationToken = cts.Token;
        var e = Assert.ThrowsAny<OperationCanceledException>(() => lua.Do("while true do end"));
        Assert.Equal(cts.Token, e.CancellationToken);
        lua.State.CancellationToken = CancellationToken.None;
        Assert.Equal(2, lua.Eval("1 + 1").ToInteger());
    }
}
