namespace MicroLua.Api.Tests;

public sealed class CoroutineTests
{
    [Fact]
    public void Coroutine_DrivenFromHost_YieldsAndFinishes()
    {
        using var lua = new Lua();
        using LuaFunction body = lua.Eval("function(a, b) local c = coroutine.yield(a + b) local d = coroutine.yield(c * 2) return 'done', d end").AsFunction();
        using LuaCoroutine co = lua.State.CreateCoroutine(body);
        Assert.Equal(LuaCoroutineStatus.Suspended, co.Status);
        Assert.Equal(3L, co.Resume(1, 2)[0].ToInteger());
        Assert.Equal(LuaCoroutineStatus.Suspended, co.Status);
        Assert.Equal(20L, co.Resume(10)[0].ToInteger());
        LuaValue[] last = co.Resume("x");
        Assert.Equal("done", last[0].ToString());
        Assert.Equal("x", last[1].ToString());
        Assert.Equal(LuaCoroutineStatus.Dead, co.Status);
        var e = Assert.Throws<LuaException>(() => co.Resume());
        Assert.Equal("cannot resume dead coroutine", e.Message);
    }

    [Fact]
    public void Coroutine_Error_IsLuaExceptionAndDead()
    {
        using var lua = new Lua();
        using LuaFunction body = lua.Eval("function() coroutine.yield(1) error('inside') end").AsFunction();
        using LuaCoroutine co = lua.State.CreateCoroutine(body);
        co.Resume();
        var e = Assert.Throws<LuaException>(() => co.Resume());
        Assert.Equal("test:1: inside", e.Message);
        Assert.Equal(LuaCoroutineStatus.Dead, co.Status);
    }

    [Fact]
    public void Coroutine_CreatedInLua_ResumedFromHost()
    {
        using var lua = new Lua();
        using LuaCoroutine co = lua.Eval("coroutine.create(function() for i = 1, 3 do coroutine.yield(i) end end)").AsCoroutine();
        long sum = 0;
        while (true)
        {
            LuaValue[] r = co.Resume();
            if (co.Status == LuaCoroutineStatus.Dead)
            {
                break;
            }

            sum += r[0].ToInteger();
        }

        Assert.Equal(6, sum);
    }

    [Fact]
    public void Coroutine_StatusSeenFromInside_IsRunning()
    {
        using var lua = new Lua();
        LuaCoroutine? self = null;
        lua.State.Register("probe", c => c.Return(self!.Status.ToString()));
        using LuaFunction body = lua.Eval("function() return probe() end").AsFunction();
        using LuaCoroutine co = lua.State.CreateCoroutine(body);
        self = co;
        Assert.Equal("Running", co.Resume()[0].ToString());
    }
}
