using System.Runtime.CompilerServices;

namespace MicroLua.Api.Tests;

/// <summary>Dropped handles are released; byte strings cross the boundary both ways without loss; table fields return without a handle.</summary>
public sealed class HandleAndBytesTests
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long DropHandles(LuaFunction make, int count)
    {
        long n = 0;
        for (int i = 0; i < count; i++)
        {
            n += make.Invoke().AsTable().RawLength; // a new table handle each call, never disposed
        }

        return n;
    }

    private static void CollectDotNet()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    [Fact]
    public void HundredThousandDroppedHandles_LeaveTheLuaHeapWhereItStarted()
    {
        using var lua = new Lua();
        lua.Do("function make() return {1, 2, 3, 4, 5, 6, 7, 8} end");
        using LuaFunction make = lua.State["make"].AsFunction();
        DropHandles(make, 10); // the stack and the roots' list at their working size
        CollectDotNet();
        lua.State.CollectGarbage();
        lua.State.CollectGarbage();
        long start = lua.State.MemoryStats.BytesInUse;

        Assert.Equal(800_000, DropHandles(make, 100_000));
        CollectDotNet();
        lua.State.CollectGarbage(); // releases the dropped roots on the way in, then collects
        lua.State.CollectGarbage();

        Assert.Equal(start, lua.State.MemoryStats.BytesInUse);
    }

    [Fact]
    public void ADisposedHandle_IsNotReleasedTwice()
    {
        using var lua = new Lua();
        LuaTableRef t = lua.State.CreateTable();
        t.Dispose();
        using LuaTableRef kept = lua.State.CreateTable(); // takes the slot t freed
        kept["x"] = 1;
        CollectDotNet(); // t's finalizer was suppressed: the slot stays kept's
        lua.State.CollectGarbage();
        Assert.Equal(1, kept["x"].ToInteger());
    }

    [Fact]
    public void ByteStrings_CrossBothWaysWithoutLoss()
    {
        using var lua = new Lua();
        byte[] raw = [0xFF, 0x00, 0x80, 0x41, 0xC3];
        lua.State["b"] = LuaValue.FromBytes(raw);
        Assert.True(lua.Eval("#b == 5 and b:byte(1) == 255 and b:byte(2) == 0 and b:byte(5) == 0xC3").ToBoolean());

        LuaValue back = lua.Eval("b .. '\\xFE'");
        Assert.Equal(LuaType.String, back.Type);
        Assert.Equal([0xFF, 0x00, 0x80, 0x41, 0xC3, 0xFE], back.AsBytes().ToArray());
        Assert.Equal("\uFFFD\0\uFFFDA\uFFFD\uFFFD", back.AsString()); // the text view decodes, lossy
        Assert.Equal(LuaValue.FromBytes([0xFF, 0x00, 0x80, 0x41, 0xC3, 0xFE]), back);
        Assert.Equal(LuaValue.FromBytes([0xFF, 0x00, 0x80, 0x41, 0xC3, 0xFE]).GetHashCode(), back.GetHashCode());

        lua.State["c"] = back; // and back into Lua, byte for byte
        Assert.True(lua.Eval("c == b .. '\\xFE'").ToBoolean());
    }

    [Fact]
    public void ValidUtf8Bytes_AreTheSameValueAsTheString()
    {
        LuaValue fromBytes = LuaValue.FromBytes("héllo"u8);
        Assert.Equal(LuaValue.FromString("héllo"), fromBytes);
        Assert.Equal(LuaValue.FromString("héllo").GetHashCode(), fromBytes.GetHashCode());
        Assert.Equal("héllo"u8.ToArray(), fromBytes.AsBytes().ToArray());
        Assert.Throws<InvalidCastException>(() => LuaValue.FromInteger(1).AsBytes());
    }

    [Fact]
    public void HostFunction_EchoesBytes_WithoutManagedAllocation()
    {
        using var lua = new Lua();
        lua.State.Register("echo", c => c.Return(c.CheckBytes(1)));
        using LuaFunction loop = lua.State.Load(
            "local n = ... local s = '\\xFF\\x00\\x80' local m = 0 for i = 1, n do m = m + #echo(s) end return m, echo(s) == s", "=loop");
        loop.Call(10_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        LuaValue r = loop.Invoke(100_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(300_000, r.ToInteger());
        Assert.True(loop.Call(1)[1].ToBoolean());
    }

    [Fact]
    public void IndexFunction_ReturnsMethodsWithoutHandles()
    {
        using var lua = new Lua();
        using LuaTableRef methods = lua.State.CreateTable();
        lua.Do("function area(self) return 6 end");
        methods["area"] = lua.State["area"];
        lua.State.Register("index", c => c.ReturnRawGet(methods, 2));
        using LuaFunction loop = lua.State.Load(
            "local n = ... local o = setmetatable({}, {__index = index}) local s = 0 for i = 1, n do s = s + o:area() end return s, o.missing", "=loop");
        loop.Call(10_000);
        lua.State.CollectGarbage();
        long heap = lua.State.MemoryStats.BytesInUse;
        var r = new LuaValue[2];
        LuaValue[] args = [1_000_000];
        long before = GC.GetAllocatedBytesForCurrentThread();
        int n = loop.Call(args, r);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(2, n);
        Assert.Equal(6_000_000, r[0].ToInteger());
        Assert.True(r[1].IsNil);
        lua.State.CollectGarbage();
        Assert.Equal(heap, lua.State.MemoryStats.BytesInUse);
    }
}
