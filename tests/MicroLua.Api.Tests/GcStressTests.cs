using MicroLua.Core;

namespace MicroLua.Api.Tests;

/// <summary>The API's conversions anchor what they allocate: everything works with a collection before every allocation.</summary>
public sealed class GcStressTests
{
    [Fact]
    public void ApiOperations_UnderGcStress_KeepEveryValue()
    {
        using var lua = new Lua(new LuaOptions { GcStress = true });
        lua.State.Register("cat", c => c.Return(c.CheckString(1) + c.CheckString(2)));
        using LuaTableRef t = lua.State.CreateTable();
        for (int i = 0; i < 20; i++)
        {
            t["key" + i] = "value" + i;
        }

        lua.State["t"] = t;
        lua.State["u"] = lua.State.CreateUserdata(new object());
        Assert.Equal("value7", lua.Eval("t.key7").ToString());
        using LuaFunction f = lua.State.Load("local a, b = ... return cat(a, b), {a, b}", "=f");
        LuaValue[] r = f.Call("left-" + new string('x', 50), "right");
        Assert.Equal("left-" + new string('x', 50) + "right", r[0].ToString());
        Assert.Equal("right", r[1].AsTable()[2].ToString());
        var e = Assert.Throws<LuaException>(() => lua.Do("error({msg = 'in a table'})"));
        Assert.Equal("in a table", e.Value.AsTable()["msg"].ToString());
        using LuaCoroutine co = lua.State.CreateCoroutine(lua.Eval("function(s) return coroutine.yield(s .. '!') end").AsFunction());
        Assert.Equal("go!", co.Resume("go")[0].ToString());
        Assert.Equal("back", co.Resume("back")[0].ToString());
    }
}
