namespace MicroLua.Api.Tests;

/// <summary>The API's conversions anchor what they allocate: everything works with a collection before every allocation.</summary>
public sealed class GcStressTests
{
    [Fact]
    public void ApiOperations_UnderGcStress_KeepEveryValue() => ApiOperations(new LuaOptions { GcStress = true });

    /// <summary>
    /// The same operations with the heap compacted each time the API returns to the host: no API
    /// path keeps a heap reference across its return, and every handle follows the moves.
    /// </summary>
    [Fact]
    public void ApiOperations_WithCompactionAtSafePoints_KeepEveryValue()
    {
        ApiOperations(new LuaOptions { CompactAtSafePoints = true });
        ApiOperations(new LuaOptions { CompactAtSafePoints = true, GcStress = true });
    }

    private const string Churn = "local j = {} for i = 1, 60 do j[i] = {tostring(i)} end for i = 1, 60, 2 do j[i] = nil end keepSome = j";

    private static void ApiOperations(LuaOptions options)
    {
        using var lua = new Lua(options);
        lua.State.Register("cat", c => c.Return(c.CheckString(1) + c.CheckString(2)));
        using LuaTableRef t = lua.State.CreateTable();
        for (int i = 0; i < 20; i++)
        {
            t["key" + i] = "value" + i;
        }

        lua.State["t"] = t;
        lua.State["u"] = lua.State.CreateUserdata(new object());
        lua.Do(Churn); // holes below what the handles hold, so that a compaction moves it
        Assert.Equal("value7", lua.Eval("t.key7").ToString());
        using LuaFunction f = lua.State.Load("local a, b = ... return cat(a, b), {a, b}", "=f");
        LuaValue[] r = f.Call("left-" + new string('x', 50), "right");
        Assert.Equal("left-" + new string('x', 50) + "right", r[0].ToString());
        Assert.Equal("right", r[1].AsTable()[2].ToString());
        var e = Assert.Throws<LuaException>(() => lua.Do("error({msg = 'in a table'})"));
        Assert.Equal("in a table", e.Value.AsTable()["msg"].ToString());
        using LuaCoroutine co = lua.State.CreateCoroutine(lua.Eval("function(s) return coroutine.yield(s .. '!') end").AsFunction());
        Assert.Equal("go!", co.Resume("go")[0].ToString());
        lua.Do(Churn);
        lua.State.CollectGarbage();
        Assert.Equal("in a table", e.Value.AsTable()["msg"].ToString());
        Assert.Equal("back", co.Resume("back")[0].ToString());
        if (options.CompactAtSafePoints)
        {
            Assert.Equal(1, lua.State.MemoryStats.FreeBlocks); // the last return to the host compacted
        }
    }
}
