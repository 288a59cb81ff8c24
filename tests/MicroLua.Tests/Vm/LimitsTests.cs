using System.Text;
using MicroLua.Compiler;
using MicroLua.Core;

namespace MicroLua.Tests.Vm;

/// <summary>The instruction budget and the cancellation token stop runaway scripts; Lua code cannot catch the stop.</summary>
public sealed class LimitsTests
{
    private static LuaState NewState(StringBuilder? output = null, bool gcStress = false) => new(new LuaOptions
    {
        Compiler = LuaCompiler.Instance,
        GcStress = gcStress,
        Output = (bytes, kind) => output?.Append(Encoding.Latin1.GetString(bytes)),
    });

    [Theory]
    [InlineData("while true do end")]
    [InlineData("local i = 0 repeat i = i + 1 until false")]
    [InlineData("::top:: goto top")]
    [InlineData("for i = 1, math.maxinteger do end")]
    [InlineData("for k in function() return 1 end do end")]
    [InlineData("print(pcall(function() while true do end end))")]
    [InlineData("print(xpcall(function() while true do end end, function(m) return m end))")]
    [InlineData("local co = coroutine.create(function() while true do end end) print(coroutine.resume(co))")]
    [InlineData("local f = coroutine.wrap(function() while true do end end) print(pcall(f))")]
    [InlineData("local function f(n) return 1 + f(n + 1) end print(pcall(f, 1))")]
    [InlineData("local function f(n) if n > 100 then return 0 end return f(n + 1) + f(n + 1) end print(pcall(f, 1))")]
    [InlineData("local function f() return f() end f()")]
    [InlineData("do local x <close> = setmetatable({}, {__close = function() print('closed') end}) while true do end end")]
    [InlineData("print(pcall(string.gsub, 'aaaa', 'a', function() while true do end end))")]
    [InlineData("local t = setmetatable({}, {__index = function() while true do end end}) print(pcall(function() return t.x end))")]
    public void Budget_RunawayScript_StopsWithBudgetExceeded(string code)
    {
        var output = new StringBuilder();
        using LuaState lua = NewState(output);
        lua.InstructionBudget = 100_000;
        var e = Assert.Throws<LuaBudgetExceededException>(() => lua.DoString(code));
        Assert.Equal("instruction budget exceeded", e.Message);
        Assert.Equal("", output.ToString()); // nothing after the stop ran: no print, no __close
        Assert.Equal(0, lua.InstructionBudget);
    }

    [Fact]
    public void Budget_AfterStop_StateIsUsableWithANewBudget()
    {
        var output = new StringBuilder();
        using LuaState lua = NewState(output);
        lua.DoString("x = 0; function spin() local t = {} while true do x = x + 1 end end");
        lua.InstructionBudget = 10_000;
        Assert.Throws<LuaBudgetExceededException>(() => lua.DoString("local a, b, c = 1, 2, 3; spin()"));
        Assert.Throws<LuaBudgetExceededException>(() => lua.DoString("return 1")); // the budget is spent: even a call stops

        lua.InstructionBudget = 1_000_000;
        LuaValue[] r = lua.DoString("local s = 0 for i = 1, 100 do s = s + i end return s, x > 0");
        Assert.Equal(5050, r[0].ToInteger());
        Assert.True(r[1].ToBoolean());
        Assert.Equal(1_000_000 - (1 + 99 * 3), lua.InstructionBudget!.Value); // one unit for the call, then FORLOOP jumps back 3 instructions 99 times

        lua.InstructionBudget = null;
        Assert.Null(lua.InstructionBudget);
        lua.DoString("local co = coroutine.wrap(function(a) local b = coroutine.yield(a) return a + b end) print(co(1), co(2))");
        Assert.Equal("1\t3\n", output.ToString());
    }

    [Fact]
    public void Budget_StopInsideCoroutine_KillsTheCoroutineOnly()
    {
        var output = new StringBuilder();
        using LuaState lua = NewState(output);
        lua.DoString("co = coroutine.create(function() coroutine.yield(1) while true do end end); print(coroutine.resume(co))");
        lua.InstructionBudget = 5_000;
        Assert.Throws<LuaBudgetExceededException>(() => lua.DoString("coroutine.resume(co)"));
        lua.InstructionBudget = null;
        lua.DoString("print(coroutine.status(co), coroutine.running())");
        Assert.StartsWith("true\t1\ndead\tthread: ", output.ToString());
        Assert.EndsWith("\ttrue\n", output.ToString());
    }

    [Fact]
    public void Budget_OpenUpvaluesOfAStoppedChunk_AreClosed()
    {
        var output = new StringBuilder();
        using LuaState lua = NewState(output);
        lua.InstructionBudget = 5_000;
        Assert.Throws<LuaBudgetExceededException>(() => lua.DoString("local v = 'kept'; get = function() return v end; while true do end"));
        lua.InstructionBudget = null;
        lua.DoString("local a, b, c, d = 1, 2, 3, 4; print(get())");
        Assert.Equal("kept\n", output.ToString());
    }

    [Fact]
    public void Budget_GcStress_StopAndRerun()
    {
        using LuaState lua = NewState(gcStress: true);
        lua.InstructionBudget = 2_000;
        Assert.Throws<LuaBudgetExceededException>(() => lua.DoString("local t = {} while true do t[#t + 1] = {} end"));
        lua.InstructionBudget = 100_000;
        Assert.Equal(10, lua.DoString("local t = {} for i = 1, 10 do t[i] = {} end return #t")[0].ToInteger());
    }

    [Fact]
    public void Budget_CountsBackEdgesByDistance()
    {
        using LuaState lua = NewState();
        lua.InstructionBudget = 1_000_000;
        lua.DoString("for i = 1, 1000 do end");
        long used = 1_000_000 - lua.InstructionBudget!.Value;
        Assert.InRange(used, 1000, 1010); // FORLOOP jumps back one instruction per iteration
    }

    /// <summary>
    /// Cancels <paramref name="cts"/> from a thread of its own once the script has called
    /// the global <c>running()</c>: no timer (the thread pool's timer can be late by seconds
    /// on a loaded machine) and no wall-clock assertion.
    /// </summary>
    private static Thread CancelWhenRunning(LuaState lua, CancellationTokenSource cts)
    {
        var running = new ManualResetEventSlim();
        lua.Register("running", call =>
        {
            running.Set();
            return 0;
        });
        var canceller = new Thread(() =>
        {
            running.Wait();
            cts.Cancel();
        }) { IsBackground = true };
        canceller.Start();
        return canceller;
    }

    [Fact]
    public void Cancellation_FromAnotherThread_StopsTheLoop()
    {
        using LuaState lua = NewState();
        using var cts = new CancellationTokenSource();
        lua.CancellationToken = cts.Token;
        Thread canceller = CancelWhenRunning(lua, cts);
        var e = Assert.ThrowsAny<OperationCanceledException>(() => lua.DoString("print(pcall(function() running() while true do end end))"));
        Assert.Equal(cts.Token, e.CancellationToken);
        canceller.Join();

        lua.CancellationToken = CancellationToken.None;
        Assert.Equal(3, lua.DoString("return 1 + 2")[0].ToInteger());
    }

    [Fact]
    public void Cancellation_RecursionWithoutLoops_Stops()
    {
        using LuaState lua = NewState();
        using var cts = new CancellationTokenSource();
        lua.CancellationToken = cts.Token;
        Thread canceller = CancelWhenRunning(lua, cts);
        Assert.ThrowsAny<OperationCanceledException>(() =>
            lua.DoString("running() local function f(n) if n > 40 then return 0 end return f(n + 1) + f(n + 1) end f(1)")); // 2^41 calls: never ends by itself
        canceller.Join();
    }

    [Fact]
    public void Cancellation_FinalizerCannotCatchTheStop()
    {
        var output = new StringBuilder();
        using LuaState lua = NewState(output);
        using var cts = new CancellationTokenSource();
        lua.CancellationToken = cts.Token;
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            lua.DoString("setmetatable({}, {__gc = function() while true do end end}) collectgarbage() print('after')"));
        Assert.Equal("", output.ToString());
    }
}
