namespace MicroLua.Api.Tests;

public sealed class ErrorTests
{
    [Fact]
    public void LuaError_ReachesHost_WithValueMessageTraceback()
    {
        using var lua = new Lua();
        lua.Do("function inner() error('bad thing') end function outer() inner() end");
        var e = Assert.Throws<LuaException>(() => lua.Do("outer()"));
        Assert.Equal("test:1: bad thing", e.Message);
        Assert.Equal("test:1: bad thing", e.Value.ToString());
        Assert.NotNull(e.LuaTraceback);
        Assert.StartsWith("stack traceback:", e.LuaTraceback, StringComparison.Ordinal);
        Assert.Contains("inner", e.LuaTraceback, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorWithTable_ValueIsTheTable()
    {
        using var lua = new Lua();
        var e = Assert.Throws<LuaException>(() => lua.Do("error({code = 42})"));
        Assert.Equal("(error object is a table value)", e.Message);
        using LuaTableRef t = e.Value.AsTable();
        Assert.Equal(42L, t["code"].ToInteger());
    }

    [Fact]
    public void ErrorObjectWithToString_MessageIsItsText()
    {
        // lua.c's message handler: an error object's __tostring gives the message.
        using var lua = new Lua();
        var e = Assert.Throws<LuaException>(() => lua.Do("error(setmetatable({code = 7}, {__tostring = function(t) return 'E' .. t.code end}))"));
        Assert.Equal("E7", e.Message);
        Assert.Equal(7L, e.Value.AsTable()["code"].ToInteger());

        // a __tostring that fails or gives no string leaves the plain description
        e = Assert.Throws<LuaException>(() => lua.Do("error(setmetatable({}, {__tostring = function() error('inner') end}))"));
        Assert.Equal("(error object is a table value)", e.Message);
        e = Assert.Throws<LuaException>(() => lua.Do("error(setmetatable({}, {__tostring = function() return {} end}))"));
        Assert.Equal("(error object is a table value)", e.Message);
        e = Assert.Throws<LuaException>(() => lua.Do("error(setmetatable({}, {__tostring = function() return 1 end}))"));
        Assert.Equal("(error object is a table value)", e.Message); // lua5.4 prints the same: a number is no string here

        // a coroutine that dies with such an object, resumed from the host
        lua.Do("co = coroutine.create(function() error(setmetatable({}, {__tostring = function() return 'from co' end})) end)");
        using LuaCoroutine co = lua.State["co"].AsCoroutine();
        e = Assert.Throws<LuaException>(() => co.Resume());
        Assert.Equal("from co", e.Message);
        Assert.Equal(1L, lua.Do("return 1")[0].ToInteger()); // the state stays usable
    }

    [Fact]
    public void DotNetException_InHostFunction_IsTheInnerException()
    {
        using var lua = new Lua();
        var cause = new InvalidOperationException("host broke");
        lua.State.Register("fail", _ => throw cause);
        var e = Assert.Throws<LuaException>(() => lua.Do("local function f() fail() end f()"));
        Assert.Equal("test:1: host broke", e.Message);
        Assert.Same(cause, e.InnerException);
        // A Lua error raised by Lua code has no .NET cause.
        e = Assert.Throws<LuaException>(() => lua.Do("error('plain')"));
        Assert.Null(e.InnerException);
    }

    [Fact]
    public void CompileError_HasNoTraceback()
    {
        using var lua = new Lua();
        var e = Assert.Throws<LuaException>(() => lua.State.DoString("x = = 1", "syn"));
        Assert.Equal("[string \"syn\"]:1: unexpected symbol near '='", e.Message);
        Assert.Null(e.LuaTraceback);
        e = Assert.Throws<LuaException>(() => lua.State.Load("x = = 1", "syn"));
        Assert.Null(e.LuaTraceback);
    }

    [Fact]
    public void LuaException_ToString_IncludesTheLuaTraceback()
    {
        using var lua = new Lua();
        lua.Do("function inner() error('bad thing') end");
        var e = Assert.Throws<LuaException>(() => lua.Do("inner()"));
        string text = e.ToString();
        Assert.Contains("test:1: bad thing", text, StringComparison.Ordinal);
        Assert.Contains(e.LuaTraceback!, text, StringComparison.Ordinal);
    }

    [Fact]
    public void DotNetException_InHostFunction_IsCatchableByPcall()
    {
        using var lua = new Lua();
        lua.State.Register("fail", _ => throw new InvalidOperationException("host broke"));
        LuaValue[] r = lua.Do("return pcall(fail)");
        Assert.False(r[0].ToBoolean());
        Assert.Equal("host broke", r[1].ToString()); // called by pcall: no Lua caller, no position (as luaL_error)
        r = lua.Do("return pcall(function() fail() end)");
        Assert.Equal("test:1: host broke", r[1].ToString());
        // Uncaught, it reaches the host as a LuaException.
        var e = Assert.Throws<LuaException>(() => lua.Do("fail()"));
        Assert.Equal("test:1: host broke", e.Message);
        // The state is consistent afterwards.
        Assert.Equal(3L, lua.Eval("1 + 2").ToInteger());
        Assert.Equal(10L, lua.Eval("select('#', pcall(fail)) + 8").ToInteger());
    }

    [Fact]
    public void LuaException_FromHostFunction_KeepsItsValue()
    {
        using var lua = new Lua();
        lua.State.Register("raise", c => throw new LuaException("custom", null, c[1]));
        LuaValue[] r = lua.Do("local ok, e = pcall(raise, {tag = 'x'}) return ok, e.tag");
        Assert.False(r[0].ToBoolean());
        Assert.Equal("x", r[1].ToString());
    }

    [Fact]
    public void Cancellation_PassesThroughPcall()
    {
        using var lua = new Lua();
        lua.State.Register("stop", _ => throw new OperationCanceledException());
        Assert.Throws<OperationCanceledException>(() => lua.Do("pcall(stop)"));
        Assert.Equal(2L, lua.Eval("1 + 1").ToInteger());
    }

    [Fact]
    public void ErrorInsideCallFromHostFunction_PropagatesAsLuaError()
    {
        using var lua = new Lua();
        lua.State.Register("run", c =>
        {
            using LuaFunction f = c.CheckFunction(1);
            f.Call();
            return 0;
        });
        LuaValue[] r = lua.Do("return pcall(run, function() error('deep') end)");
        Assert.False(r[0].ToBoolean());
        Assert.Equal("test:1: deep", r[1].ToString());
        Assert.Equal(4L, lua.Eval("2 + 2").ToInteger());
    }

    [Fact]
    public void ErrorInCalledFunction_ClosesToBeClosedVariables()
    {
        using var lua = new Lua();
        lua.Do("closed = false function f() local x <close> = setmetatable({}, {__close = function() closed = true end}) error('e') end");
        using LuaFunction f = lua.State["f"].AsFunction();
        Assert.Throws<LuaException>(() => f.Call());
        Assert.True(lua.State["closed"].ToBoolean());
    }
}
