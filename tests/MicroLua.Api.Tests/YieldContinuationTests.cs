namespace MicroLua.Api.Tests;

/// <summary>Host functions that yield their coroutine with a continuation (LuaCallContext.Yield, as lua_yieldk).</summary>
public sealed class YieldContinuationTests
{
    /// <summary>ask(x) yields x * 2; resumed with v, the call returns v + 100.</summary>
    private static Lua WithAsk()
    {
        var lua = new Lua();
        lua.State.Register("ask", c => c.Yield(k => k.Return(k.CheckInteger(1) + 100), c.CheckInteger(1) * 2));
        return lua;
    }

    [Fact]
    public void Yield_FromCoroutineWrap_ContinuationGetsResumeValues()
    {
        using Lua lua = WithAsk();
        LuaValue[] r = lua.Do("""
            local co = coroutine.wrap(function(a) local r = ask(a) return 'done', r end)
            local y = co(21)
            local d, r = co(5)
            return y, d, r
            """);
        Assert.Equal(42L, r[0].ToInteger());
        Assert.Equal("done", r[1].ToString());
        Assert.Equal(105L, r[2].ToInteger());
    }

    [Fact]
    public void Yield_FromHostResume_ContinuationResultsAreTheCallsResults()
    {
        using Lua lua = WithAsk();
        using LuaFunction body = lua.Eval("function(a) return ask(a) + 1, 'end' end").AsFunction();
        using LuaCoroutine co = lua.State.CreateCoroutine(body);
        Assert.Equal(6L, co.Resume(3)[0].ToInteger());
        Assert.Equal(LuaCoroutineStatus.Suspended, co.Status);
        LuaValue[] last = co.Resume(10);
        Assert.Equal(111L, last[0].ToInteger());
        Assert.Equal("end", last[1].ToString());
        Assert.Equal(LuaCoroutineStatus.Dead, co.Status);
    }

    [Fact]
    public void Yield_WithoutContinuation_ResumeValuesAreResults()
    {
        using var lua = new Lua();
        lua.State.Register("pause", c => c.Yield("paused", c.CheckInteger(1)));
        LuaValue[] r = lua.Do("""
            local co = coroutine.create(function() local a, b = pause(7) return a .. b end)
            local _, p, n = coroutine.resume(co)
            local _, s = coroutine.resume(co, 'x', 'y')
            return p, n, s
            """);
        Assert.Equal("paused", r[0].ToString());
        Assert.Equal(7L, r[1].ToInteger());
        Assert.Equal("xy", r[2].ToString());
    }

    [Fact]
    public void Yield_ContinuationYieldsAgain_ChainRuns()
    {
        using var lua = new Lua();
        LuaCallback? step = null;
        step = k => k.CheckInteger(1) >= 3 ? k.Return("finished") : k.Yield(step, k.CheckInteger(1) + 1);
        lua.State.Register("count", c => c.Yield(step, 1L));
        LuaValue[] r = lua.Do("""
            local co = coroutine.wrap(function() return count() end)
            local seen = {}
            local v = co()
            while v ~= 'finished' do seen[#seen + 1] = v; v = co(v) end
            return table.concat(seen, ','), v
            """);
        Assert.Equal("1,2,3", r[0].ToString());
        Assert.Equal("finished", r[1].ToString());
    }

    [Theory]
    [InlineData("return pcall(ask, 1)")]
    [InlineData("return pcall(function() return ask(1) end)")]
    [InlineData("return xpcall(ask, function(m) return 'handled: ' .. m end, 1)")]
    public void Yield_UnderPcall_ContinuationErrorIsCaught(string body)
    {
        using var lua = new Lua();
        lua.State.Register("ask", c => c.Yield(k => throw LuaCallContext.Error("refused " + k.CheckString(1)), 2L));
        LuaValue[] r = lua.Do($$"""
            local co = coroutine.wrap(function() {{body}} end)
            local y = co()
            local ok, e = co('x')
            return y, ok, e
            """);
        Assert.Equal(2L, r[0].ToInteger());
        Assert.False(r[1].ToBoolean());
        Assert.Contains("refused x", r[2].ToString(), StringComparison.Ordinal);
        Assert.Equal(body.Contains("xpcall", StringComparison.Ordinal), r[2].ToString()!.StartsWith("handled: ", StringComparison.Ordinal));
        Assert.Equal(3L, lua.Eval("1 + 2").ToInteger()); // the state goes on
    }

    [Fact]
    public void Yield_ContinuationResultsUnderPcall_ComeWithTrue()
    {
        using Lua lua = WithAsk();
        LuaValue[] r = lua.Do("""
            local co = coroutine.wrap(function() return pcall(ask, 4) end)
            local y = co()
            return y, co(1)
            """);
        Assert.Equal(8L, r[0].ToInteger());
        Assert.True(r[1].ToBoolean());
        Assert.Equal(101L, r[2].ToInteger());
    }

    [Fact]
    public void Yield_ContinuationThrows_ResumeReportsLuaErrorWithCause()
    {
        using var lua = new Lua();
        var cause = new InvalidOperationException("continuation broke");
        lua.State.Register("ask", c => c.Yield(_ => throw cause));
        LuaValue[] r = lua.Do("""
            local co = coroutine.create(function() ask() end)
            coroutine.resume(co)
            return coroutine.resume(co)
            """);
        Assert.False(r[0].ToBoolean());
        Assert.Equal("test:1: continuation broke", r[1].ToString());

        using LuaFunction body = lua.Eval("function() ask() end").AsFunction();
        using LuaCoroutine hosted = lua.State.CreateCoroutine(body);
        hosted.Resume();
        var e = Assert.Throws<LuaException>(() => hosted.Resume());
        Assert.Equal("test:1: continuation broke", e.Message);
        Assert.Same(cause, e.InnerException);
        Assert.Equal(LuaCoroutineStatus.Dead, hosted.Status);
    }

    [Fact]
    public void Yield_OnMainThread_IsCatchableLuaError()
    {
        using Lua lua = WithAsk();
        LuaValue[] r = lua.Do("return pcall(ask, 1)");
        Assert.False(r[0].ToBoolean());
        Assert.Equal("attempt to yield from outside a coroutine", r[1].ToString());
    }

    [Fact]
    public void Yield_AcrossCallBoundary_IsLuaError()
    {
        using Lua lua = WithAsk();
        LuaValue[] r = lua.Do("""
            local co = coroutine.wrap(function()
              return pcall(table.sort, {3, 1, 2}, function(a, b) ask(1) return a < b end)
            end)
            return co()
            """);
        Assert.False(r[0].ToBoolean());
        Assert.Contains("attempt to yield across a C-call boundary", r[1].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Yield_ThenThrow_RaisesErrorWithoutYielding()
    {
        using var lua = new Lua();
        lua.State.Register("odd", c =>
        {
            c.Yield(1L);
            throw new InvalidOperationException("changed my mind");
        });
        LuaValue[] r = lua.Do("""
            local co = coroutine.wrap(function() return pcall(odd) end)
            return co()
            """);
        Assert.False(r[0].ToBoolean());
        Assert.Equal("changed my mind", r[1].ToString());
    }

    [Fact]
    public void Yield_PendingContinuation_RefusesSnapshot()
    {
        using Lua lua = WithAsk();
        using LuaFunction body = lua.Eval("function() return ask(1) end").AsFunction();
        using LuaCoroutine co = lua.State.CreateCoroutine(body);
        co.Resume();
        Assert.Throws<InvalidOperationException>(() => lua.State.Snapshot());
        Assert.Equal(101L, co.Resume(1)[0].ToInteger());
        Assert.NotNull(lua.State.Snapshot()); // the coroutine is dead: nothing left to refuse
    }

    [Fact]
    public void Yield_FromAHostMetamethod_ResumeFinishesTheInstruction()
    {
        // askk(a, b) yields b * 2; resumed with v, its continuation returns v + 100, which is the
        // metamethod's result: the instruction that called it (ADD, LT, GETI) finishes with it.
        using var lua = new Lua();
        lua.State.Register("askk", c => c.Yield(k => k.Return(k.CheckInteger(1) + 100), c.CheckInteger(2) * 2));
        LuaValue[] r = lua.Do("""
            local m = setmetatable({}, { __add = askk, __lt = askk, __index = askk })
            local co = coroutine.wrap(function()
              local a = m + 4
              local b = m < 4 and 'lt' or 'ge'
              local c = m[3]
              return a, b, c
            end)
            local y1 = co()
            local y2 = co(1)
            local y3 = co(-100)
            local a, b, c = co(2)
            return y1, y2, y3, a, b, c
            """);
        Assert.Equal(new long[] { 8, 8, 6, 101 }, r[..4].Select(v => v.ToInteger()).ToArray());
        Assert.Equal("lt", r[4].ToString()); // the continuation returned 0, which is true in Lua
        Assert.Equal(102L, r[5].ToInteger());
    }
}
