namespace MicroLua.Api.Tests;

/// <summary>The steady state of the embedding API allocates nothing on the managed heap.</summary>
public sealed class AllocationTests
{
    [Fact]
    public void CallingLuaFunction_WithThreeNumbers_AllocatesNothing()
    {
        using var lua = new Lua();
        lua.Do("function f(a, b, c) return a * b + c end");
        using LuaFunction f = lua.State["f"].AsFunction();
        double sum = 0;
        for (int i = 0; i < 10_000; i++)
        {
            sum += f.Invoke(i, 2.0, 1).ToNumber();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000_000; i++)
        {
            sum += f.Invoke(i, 2.0, 1).ToNumber();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(sum > 0);
    }

    [Fact]
    public void CallingHostFunction_FromLuaLoop_AllocatesNothing()
    {
        using var lua = new Lua();
        lua.State.Register("mad", c => c.Return((c.CheckNumber(1) * c.CheckNumber(2)) + c.CheckInteger(3)));
        using LuaFunction loop = lua.State.Load("local n = ... local s = 0 for i = 1, n do s = s + mad(i, 0.5, 1) end return s", "=loop");
        loop.Invoke(10_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        LuaValue r = loop.Invoke(1_000_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal((0.5 * 1_000_000 * 1_000_001 / 2) + 1_000_000, r.ToNumber());
    }

    [Fact]
    public void TableFieldSetAndGet_ThroughTheApi_AllocatesNothing()
    {
        using var lua = new Lua();
        using LuaTableRef t = lua.State.CreateTable();
        string longKey = new('k', 100);
        long sum = 0;
        for (int i = 0; i < 1_000; i++)
        {
            t["x"] = i;
            t[longKey] = i;
            sum += t["x"].ToInteger() + t[longKey].ToInteger();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++)
        {
            t["x"] = i;
            t["é"] = i;
            sum += t["x"].ToInteger() + t["é"].ToInteger();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(2 * 99_999, t["x"].ToInteger() + t["é"].ToInteger());
        Assert.Equal(999, t[longKey].ToInteger());
        Assert.True(sum > 0);
    }
}
