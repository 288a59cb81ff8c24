using MicroLua.Core;
using MicroLua.Memory;
using MicroLua.Values;
using static MicroLua.Tests.Gc.GcTestKit;

namespace MicroLua.Tests.Gc;

/// <summary>
/// GC-stress mode: a full (emergency) collection before every allocation. Most scenario tests
/// run in both modes through a <c>stress</c> parameter; these check the mode itself.
/// </summary>
public sealed class GcStressTests
{
    [Fact]
    public void EveryAllocationCollects()
    {
        using LuaState s = NewState(stress: true);
        LuaGlobal g = s.Global;
        long allocations = g.Heap.Stats.TotalAllocations;
        long collections = g.Heap.Stats.Collections;
        Value t = Global(s, "t", Table(g));
        for (int i = 0; i < 200; i++)
        {
            Set(g, t, Value.Integer(i), Str(g, "s" + i));
        }

        long madeAllocations = g.Heap.Stats.TotalAllocations - allocations;
        Assert.True(madeAllocations > 200);
        // Every allocation through LuaGlobal.Allocate collects; string-table resizes take
        // their block from the heap directly (they never collect), so a few go without.
        Assert.InRange(g.Heap.Stats.Collections - collections, madeAllocations - 4, madeAllocations);
        for (int i = 0; i < 200; i++)
        {
            Assert.Equal("s" + i, g.ToDotNetString(LuaTable.Get(g, t.R, Value.Integer(i))));
        }

        AssertHeapOk(g);
    }

    [Fact]
    public void NoFinalizerRunsInsideAnAllocation()
    {
        using LuaState s = NewState(stress: true);
        LuaGlobal g = s.Global;
        var calls = new List<long>();
        bool inAllocation = false;
        g.Hooks().CallFinalizer = (gc, _) =>
        {
            Assert.False(inAllocation);
            calls.Add(gc.I);
        };
        SetFinalizer(g, Table(g), Value.Integer(1));
        inAllocation = true;
        Str(g, "an allocation that collects the finalizable table");
        Str(g, "and another");
        inAllocation = false;
        Assert.Empty(calls);
        Assert.Equal(1, s.Gc().PendingFinalizerCount);
        s.Gc().FullCollect();
        Assert.Equal([1], calls);
        AssertHeapOk(g);
    }

    [Fact]
    public void TheStringTableIsNotResizedByStressCollections()
    {
        using LuaState s = NewState(stress: true);
        LuaGlobal g = s.Global;
        Value t = Global(s, "t", Table(g));
        for (int i = 0; i < 300; i++)
        {
            Set(g, t, Value.Integer(i), Str(g, "grow" + i)); // grows the string table
        }

        Global(s, "t", Value.Nil);
        int size = g.Strings.Size;
        Str(g, new string('x', 50)); // collects everything: the table is sparse now
        Assert.Equal(size, g.Strings.Size); // emergency cycles do not shrink it
        s.Gc().FullCollect();
        Assert.True(g.Strings.Size < size);
        AssertHeapOk(g);
    }

    [Fact]
    public void AnAllocationInsideACollectionDoesNotCollectAgain()
    {
        using LuaState s = NewState(stress: true);
        LuaGlobal g = s.Global;
        long collections = g.Heap.Stats.Collections;
        g.InCollection = true;
        uint r = g.Allocate(8, ObjType.Bytes);
        g.InCollection = false;
        Assert.Equal(collections, g.Heap.Stats.Collections);
        g.Free(r);
        AssertHeapOk(g);
    }
}
