namespace MicroLua.Api.Tests;

public sealed class UserdataTests
{
    private sealed class Counter
    {
        public int Value;
    }

    [Fact]
    public void Userdata_WithMetatable_MethodsReachTheObject()
    {
        using var lua = new Lua();
        using LuaTableRef mt = lua.State.CreateTable();
        using LuaTableRef methods = lua.State.CreateTable();
        using LuaFunction inc = lua.State.CreateFunction("inc", c =>
        {
            Counter k = c.CheckObject<Counter>(1, "Counter");
            k.Value += (int)c.OptInteger(2, 1);
            return c.Return(k.Value);
        });
        methods["inc"] = inc;
        mt["__index"] = methods;
        mt["__name"] = "Counter";
        var counter = new Counter();
        using LuaUserdata ud = lua.State.CreateUserdata(counter, mt);
        lua.State["c"] = ud;
        Assert.Equal(5L, lua.Eval("(c:inc() and c:inc(4))").ToInteger());
        Assert.Equal(5, counter.Value);
        Assert.Same(counter, ud.Target);
        Assert.Equal("userdata", lua.Eval("type(c)").ToString());
        var e = Assert.Throws<LuaException>(() => lua.Do("c.inc({})"));
        Assert.Equal("test:1: bad argument #1 to 'inc' (Counter expected, got table)", e.Message);
    }

    [Fact]
    public void Userdata_CollectedByLua_CallbackGetsTheObject()
    {
        using var lua = new Lua();
        var released = new List<object>();
        var target = new Counter();
        lua.State.CreateUserdata(target, collected: released.Add).Dispose();
        Assert.Empty(released);
        lua.State.CollectGarbage();
        Assert.Single(released);
        Assert.Same(target, released[0]);
    }

    [Fact]
    public void Userdata_GcMetamethod_RunsToo()
    {
        using var lua = new Lua();
        lua.Do("log = {} mt = {__gc = function() log[#log + 1] = 'gc' end}");
        using LuaTableRef mt = lua.State["mt"].AsTable();
        lua.State.CreateUserdata(new Counter(), mt).Dispose();
        lua.State.CollectGarbage();
        Assert.Equal("gc", lua.Eval("log[1]").ToString());
    }

    [Fact]
    public void Userdata_StillAliveAtDispose_CallbackRuns()
    {
        int n = 0;
        var lua = new Lua();
        LuaUserdata ud = lua.State.CreateUserdata(new Counter(), collected: _ => n++);
        lua.State["keep"] = ud;
        lua.Dispose();
        Assert.Equal(1, n);
    }

    [Fact]
    public void LightUserdata_RoundTrips()
    {
        using var lua = new Lua();
        lua.State["p"] = LuaValue.FromLightUserdata(0x1234);
        Assert.Equal("userdata", lua.Eval("type(p)").ToString());
        LuaValue back = lua.State["p"];
        Assert.Equal(LuaType.LightUserdata, back.Type);
        Assert.Equal(0x1234, back.ToPointer());
        Assert.True(lua.Eval("p == p").ToBoolean());
    }
}
