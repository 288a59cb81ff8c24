using System.Diagnostics;
using MicroLua.Core;
using MicroLua.Gc;
using MicroLua.Memory;
using MicroLua.Values;
using static MicroLua.Tests.Gc.GcTestKit;

namespace MicroLua.Tests.Gc;

public sealed unsafe class CollectorTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void UnreachableObjectsAreFreedToTheBaseline(bool stress)
    {
        using LuaState s = NewState(stress: stress);
        LuaGlobal g = s.Global;
        long baseline = Settle(s);
        long blocks = g.Heap.Stats.LiveBlocks;

        for (int i = 0; i < 50; i++)
        {
            Value t = Table(g);
            g.PushTemp(t);
            Set(g, t, "name" + i, Str(g, new string('x', i * 3))); // short and long strings
            Set(g, t, Value.Integer(1), Table(g, 4, 4));
            Set(g, t, Str(g, "self"), t);
            g.PopTemp();
        }

        Assert.True(g.Heap.Stats.BytesInUse > baseline);
        s.Gc().FullCollect();
        AssertHeapOk(g);
        Assert.Equal(baseline, g.Heap.Stats.BytesInUse);
        Assert.Equal(blocks, g.Heap.Stats.LiveBlocks);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReachableObjectsAreKeptIntact(bool stress)
    {
        using LuaState s = NewState(stress: stress);
        LuaGlobal g = s.Global;
        Value viaGlobals = Global(s, "kept", Table(g));
        for (int i = 1; i <= 100; i++)
        {
            Set(g, viaGlobals, Value.Integer(i), Str(g, "item" + i));
        }

        Value viaRoot = Table(g);
        int root = Root(g, viaRoot);
        Set(g, viaRoot, "long", Str(g, new string('L', 100)));
        Set(g, viaRoot, "nested", Table(g));
        Set(g, Get(g, viaRoot, "nested"), "deep", Value.Float(2.5));

        s.Gc().FullCollect();
        s.Gc().FullCollect();
        AssertHeapOk(g);

        Value t = GetGlobal(s, "kept");
        Assert.Equal(viaGlobals.R, t.R);
        for (int i = 1; i <= 100; i++)
        {
            Assert.Equal("item" + i, g.ToDotNetString(Get(g, t, Value.Integer(i))));
        }

        Assert.Equal(new string('L', 100), g.ToDotNetString(Get(g, viaRoot, "long")));
        Assert.Equal(2.5, Get(g, Get(g, viaRoot, "nested"), "deep").D);

        // Dropping the host root frees that part only.
        long before = g.Heap.Stats.BytesInUse;
        g.HostRoots[root] = Value.Nil;
        s.Gc().FullCollect();
        AssertHeapOk(g);
        Assert.True(g.Heap.Stats.BytesInUse < before);
        Assert.Equal("item7", g.ToDotNetString(Get(g, GetGlobal(s, "kept"), Value.Integer(7))));
    }

    [Fact]
    public void CyclesAreCollected()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        long baseline = Settle(s);

        Value a = Table(g);
        Root(g, a);
        Value b = Table(g);
        Set(g, a, "b", b);
        Set(g, b, "a", a);
        LuaTable.SetMetatable(g, a.R, b.R); // a cycle through a metatable too
        LuaTable.SetMetatable(g, b.R, b.R);
        Set(g, a, b, a); // a table as a key
        s.Gc().FullCollect();
        AssertHeapOk(g);
        Assert.Equal(a.R, Get(g, Get(g, a, "b"), "a").R);

        g.HostRoots.Clear();
        s.Gc().FullCollect();
        AssertHeapOk(g);
        Assert.Equal(baseline, g.Heap.Stats.BytesInUse);
    }

    [Fact]
    public void MillionNestedTablesAreMarkedAndFreedWithoutRecursion()
    {
        using LuaState s = NewState(limit: 128L * 1024 * 1024);
        LuaGlobal g = s.Global;
        long baseline = Settle(s);
        var sw = Stopwatch.StartNew();

        // t_n = { t_(n-1) }: each table holds the previous one in its array part.
        uint prev = 0;
        for (int i = 0; i < 1_000_000; i++)
        {
            uint t = LuaTable.New(g, 1, 0);
            if (prev != 0)
            {
                LuaTable.SetInt(g, t, 1, Value.Object(Tag.Table, prev));
            }

            prev = t;
        }

        int root = Root(g, Value.Object(Tag.Table, prev));
        long tables = Blocks(g, ObjType.Table);
        s.Gc().FullCollect(); // marks a million deep on the normal thread
        Assert.Equal(tables, Blocks(g, ObjType.Table));

        // The chain is intact: walk it to the end.
        int depth = 1;
        for (Value v = g.HostRoots[root]; !(v = LuaTable.Get(g, v.R, Value.Integer(1))).IsNil;)
        {
            depth++;
        }

        Assert.Equal(1_000_000, depth);
        g.HostRoots.Clear();
        s.Gc().FullCollect();
        Assert.Equal(baseline, g.Heap.Stats.BytesInUse);
        Assert.True(sw.Elapsed < TimeSpan.FromMinutes(2), $"took {sw.Elapsed}: a hang guard only (a few seconds on a quiet machine)");
        Assert.Null(g.Heap.CheckIntegrity());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ClosuresPrototypesAndUpvaluesAreTraced(bool stress)
    {
        using LuaState s = NewState(stress: stress);
        LuaGlobal g = s.Global;
        long baseline = Settle(s);

        baseline = Settle(s, "f", "h");
        uint inner = Hold(g, Proto(g, [Value.Integer(1), Str(g, "inner constant")], [], "=inner"));
        Value longConst = Str(g, new string('k', 60));
        g.PushTemp(longConst);
        uint outer = Hold(g, Proto(g, [longConst, Value.Float(1.5), Str(g, "short")], [inner], "@outer.lua"));
        g.PopTemp();
        uint up1 = Hold(g, ClosedUpvalue(g, Table(g)));
        uint up2 = Hold(g, ClosedUpvalue(g, Str(g, "upvalue string")));
        Value closure = LuaClosure(g, outer, up1, up2);
        Global(s, "f", closure);
        Value host = HostClosure(g, closure, Str(g, "host upvalue"), Value.Integer(3));
        Global(s, "h", host);
        Release(g); // from now on only the globals hold them

        long withClosures = Settle(s);
        Assert.True(withClosures > baseline);
        var c = (LuaClosureObj*)g.Heap.Ptr(GetGlobal(s, "f").R);
        var po = (ProtoObj*)g.Heap.Ptr(c->Proto);
        var k = (Value*)(g.Heap.Ptr(po->Constants) + sizeof(ObjHeader));
        Assert.Equal(new string('k', 60), g.ToDotNetString(k[0]));
        Assert.Equal("short", g.ToDotNetString(k[2]));
        Assert.Equal("@outer.lua", g.ToDotNetString(Value.Object(Tag.ShortString, po->Source)));
        var u2 = (UpValueObj*)g.Heap.Ptr(LuaClosureObj.Upvals(c)[1]);
        Assert.Equal("upvalue string", g.ToDotNetString(u2->Closed));
        var nested = (ProtoObj*)g.Heap.Ptr(*(uint*)(g.Heap.Ptr(po->Protos) + sizeof(ObjHeader)));
        Assert.Equal("=inner", g.ToDotNetString(Value.Object(Tag.ShortString, nested->Source)));

        Global(s, "f", Value.Nil);
        Assert.True(Settle(s) > baseline); // still reachable through the host closure's upvalue
        Global(s, "h", Value.Nil);
        Assert.Equal(baseline, Settle(s));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ThreadsKeepValuesBelowTopAndClearTheRest(bool stress)
    {
        using LuaState s = NewState(stress: stress);
        LuaGlobal g = s.Global;
        long baseline = Settle(s);

        baseline = Settle(s, "co");
        Value th = Value.Object(Tag.Thread, LuaThread.New(g, 8));
        Global(s, "co", th);
        Value kept = Str(g, "on the stack");
        ThreadObj* t = LuaThread.Obj(g, th.R);
        LuaThread.StackBase(g, t)[0] = kept;
        t->Top = 1;
        Value dropped = Table(g);
        t = LuaThread.Obj(g, th.R);
        LuaThread.StackBase(g, t)[1] = Value.Integer(42);
        LuaThread.StackBase(g, t)[5] = dropped; // above the top: dead

        s.Gc().FullCollect();
        AssertHeapOk(g);
        t = LuaThread.Obj(g, th.R);
        Assert.Equal("on the stack", g.ToDotNetString(LuaThread.StackBase(g, t)[0]));
        Assert.True(LuaThread.StackBase(g, t)[1].IsNil);
        Assert.True(LuaThread.StackBase(g, t)[5].IsNil);

        Global(s, "co", Value.Nil);
        Assert.Equal(baseline, Settle(s));
    }

    [Fact]
    public void OpenUpvaluesOfADeadThreadAreClosed()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        long baseline = Settle(s);

        baseline = Settle(s, "f");
        Value th = Value.Object(Tag.Thread, LuaThread.New(g, 8));
        int root = Root(g, th);
        ThreadObj* t = LuaThread.Obj(g, th.R);
        t->Top = 3;
        LuaThread.StackBase(g, t)[1] = Str(g, "captured");
        t = LuaThread.Obj(g, th.R);
        LuaThread.StackBase(g, t)[2] = Table(g);
        uint u1 = Hold(g, OpenUpvalue(g, th, 1));
        uint u2 = Hold(g, OpenUpvalue(g, th, 2));
        uint proto = Hold(g, Proto(g, [], [], "=f"));
        Global(s, "f", LuaClosure(g, proto, u1, u2));
        Release(g);

        s.Gc().FullCollect(); // thread alive: upvalues stay open
        AssertHeapOk(g);
        Assert.NotEqual(u1 + UpValueObj.ClosedUnits, ((UpValueObj*)g.Heap.Ptr(u1))->V);

        g.HostRoots[root] = Value.Nil; // the thread dies; its upvalues live on in the closure
        s.Gc().FullCollect();
        AssertHeapOk(g);
        Assert.Equal(0, Blocks(g, ObjType.Thread) - 1); // only the main thread
        var uo1 = (UpValueObj*)g.Heap.Ptr(u1);
        Assert.Equal(u1 + UpValueObj.ClosedUnits, uo1->V);
        Assert.Equal("captured", g.ToDotNetString(uo1->Closed));
        Assert.Equal(Tag.Table, ((UpValueObj*)g.Heap.Ptr(u2))->Closed.Tag);

        Global(s, "f", Value.Nil);
        Assert.Equal(baseline, Settle(s));
    }

    [Fact]
    public void UserdataIsTracedAndItsHandleReleased()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        Collector c = s.Gc();
        long baseline = Settle(s);
        baseline = Settle(s, "u");
        var freed = new List<int>();
        c.UserdataFreed = freed.Add;

        int handle = g.Handles.Add(new object());
        Value u = Global(s, "u", Userdata(g, userValues: 2, size: 13, handle: handle));
        Value mt = Table(g);
        ((UserdataObj*)g.Heap.Ptr(u.R))->Metatable = mt.R;
        UserdataObj.UserValues((UserdataObj*)g.Heap.Ptr(u.R))[1] = Str(g, "user value");
        c.FullCollect();
        AssertHeapOk(g);
        Assert.True(g.Handles.IsLive(handle));
        Assert.Equal("user value", g.ToDotNetString(UserdataObj.UserValues((UserdataObj*)g.Heap.Ptr(u.R))[1]));
        Assert.Equal(mt.R, ((UserdataObj*)g.Heap.Ptr(u.R))->Metatable);

        Global(s, "u", Value.Nil);
        Assert.Equal(baseline, Settle(s));
        Assert.False(g.Handles.IsLive(handle));
        Assert.Equal([handle], freed);
    }

    [Fact]
    public void DeadShortStringsLeaveTheStringTable()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        Settle(s);
        int count = g.Strings.Count;
        for (int i = 0; i < 1000; i++)
        {
            Str(g, "garbage" + i);
        }

        Assert.Equal(count + 1000, g.Strings.Count);
        Value keep = Str(g, "keep me");
        Root(g, keep);
        s.Gc().FullCollect();
        AssertHeapOk(g);
        Assert.Equal(count + 1, g.Strings.Count);
        Assert.Equal(keep.R, Str(g, "keep me").R); // still interned: the same block
        Assert.Equal("not enough memory", g.ToDotNetString(g.MemoryErrorString)); // fixed
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PendingBlocksAndTempsAreRoots(bool stress)
    {
        using LuaState s = NewState(stress: stress);
        LuaGlobal g = s.Global;
        uint block = g.Allocate(64, ObjType.TableArray);
        new Span<byte>(g.Heap.Ptr(block) + 8, 64).Fill(0xEE); // garbage content: must never be read
        g.PushPendingBlock(block);
        Value temp = Table(g);
        g.PushTemp(temp);
        s.Gc().FullCollect();
        Assert.Equal(ObjType.TableArray, (ObjType)g.Heap.Ptr(block)[4]);
        Assert.Equal(ObjType.Table, (ObjType)g.Heap.Ptr(temp.R)[4]);
        Assert.Null(HeapVerifier.Verify(g));
        g.PopTemp();
        g.PopPendingBlock();
        g.Free(block);
        AssertHeapOk(g);
    }

    [Fact]
    public void TypeMetatablesAreRoots()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        Value mt = Table(g);
        g.TypeMetatables[(int)LuaType.String] = mt.R;
        Set(g, mt, "__index", Table(g));
        Settle(s);
        Assert.Equal(Tag.Table, Get(g, mt, "__index").Tag);
        g.TypeMetatables[(int)LuaType.String] = 0;
    }

    [Fact]
    public void PacingSetsTheThresholdFromLiveBytes()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        Collector c = s.Gc();
        c.FullCollect();
        long live = g.Heap.Stats.BytesInUse;
        Assert.Equal(live - (live * g.GcPause / 100), g.GcDebt);

        Assert.Equal(200, c.SetPause(100));
        Assert.Equal(100, c.SetStepMul(400));
        Assert.Equal(400, g.GcStepMul);
        c.FullCollect();
        Assert.Equal(0, g.GcDebt); // pause 100: a cycle as soon as anything is allocated

        c.SetPause(200);
        c.FullCollect();
        long collections = g.Heap.Stats.Collections;
        g.CheckGC();
        Assert.Equal(collections, g.Heap.Stats.Collections); // not due yet
        while (g.GcDebt <= 0)
        {
            Str(g, new string('p', 100)); // garbage long strings
        }

        c.Stop();
        Assert.False(c.IsRunning);
        g.CheckGC();
        Assert.Equal(collections, g.Heap.Stats.Collections); // stopped
        c.Restart();
        Assert.True(c.IsRunning);
        Str(g, new string('p', 100));
        g.CheckGC();
        Assert.Equal(collections + 1, g.Heap.Stats.Collections);
        Assert.True(g.GcDebt < 0);
        Assert.Equal(g.Heap.Stats.BytesInUse, c.Count);
        AssertHeapOk(g);
    }

    [Fact]
    public void StepAndModeOptions()
    {
        using LuaState s = NewState();
        Collector c = s.Gc();
        long n = s.Global.Heap.Stats.Collections;
        c.Stop();
        Assert.True(c.StepCollect(0)); // a step completes a cycle, even when stopped
        Assert.Equal(n + 1, s.Global.Heap.Stats.Collections);
        Assert.Equal(GcMode.Incremental, c.SetGenerational(10, 50));
        Assert.Equal(GcMode.Generational, c.Mode);
        Assert.True(c.GenerationalActive);
        Assert.Equal(n + 2, s.Global.Heap.Stats.Collections); // entering generational mode collects, as Lua
        Assert.Equal(10, c.MinorMul);
        Assert.Equal(GcMode.Generational, c.SetIncremental(150, 0, 10));
        Assert.False(c.GenerationalActive);
        Assert.Equal(150, s.Global.GcPause);
        Assert.Equal(10, c.StepSize);
        Assert.Equal(GcMode.Incremental, c.Mode);
        c.FullCollect();
        Assert.Equal(n + 3, s.Global.Heap.Stats.Collections);
    }

    [Fact]
    public void SteadyStateCollectionsAllocateNoManagedMemory()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        Value t = Global(s, "t", Table(g));
        for (int i = 0; i < 200; i++)
        {
            Set(g, t, Value.Integer(i), Table(g));
        }

        Collector c = s.Gc();
        c.FullCollect();
        c.FullCollect();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            c.FullCollect();
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RemovedKeysOfOrdinaryTables(bool deadKeys)
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        s.Gc().DeadKeysInStrongTables = deadKeys;
        Value t = Global(s, "t", Table(g, 0, 8));
        Value k = Table(g);
        Set(g, t, k, Value.True);
        Set(g, t, Str(g, new string('r', 45)), Value.True); // a long string key
        Value anchoredKey = Global(s, "ak", Table(g));
        Set(g, t, anchoredKey, Value.True);
        Set(g, t, k, Value.Nil); // removed: the node keeps the key
        Set(g, t, Str(g, new string('r', 45)), Value.Nil);
        Set(g, t, anchoredKey, Value.Nil);
        long tables = Blocks(g, ObjType.Table);
        long longStrings = Blocks(g, ObjType.LongString);

        s.Gc().FullCollect();
        AssertHeapOk(g);
        Assert.Equal(deadKeys ? tables - 1 : tables, Blocks(g, ObjType.Table));
        Assert.Equal(deadKeys ? longStrings - 2 : longStrings - 1, Blocks(g, ObjType.LongString)); // the second copy is garbage anyway
        Assert.False(LuaTable.Next(g, t.R, Value.Nil, out _, out _));
        Assert.False(LuaTable.Next(g, t.R, k, out _, out _)); // a traversal can go on from a collected key
        Set(g, t, anchoredKey, Value.Integer(2)); // its node is still there, with a live key
        Assert.Equal(2, Get(g, t, anchoredKey).I);
    }

    [Fact]
    public void ExtraRootsKeepValuesAlive()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        long baseline = Settle(s);
        Value held = Table(g);
        g.PushTemp(held);
        Set(g, held, "x", Str(g, new string('e', 64)));
        g.PopTemp();
        int calls = 0;
        g.Hooks().MarkExtraRoots = m =>
        {
            calls++;
            m.MarkValue(held);
        };
        s.Gc().FullCollect();
        AssertHeapOk(g);
        Assert.Equal(2, calls); // at the start of the cycle and in its atomic phase
        Assert.Equal(new string('e', 64), g.ToDotNetString(Get(g, held, "x")));
        g.Hooks().MarkExtraRoots = null;
        Assert.Equal(baseline, Settle(s));
    }
}
