using MicroLua.Core;
using MicroLua.Values;
using static MicroLua.Tests.Gc.GcTestKit;

namespace MicroLua.Tests.Gc;

public sealed class FinalizerTests
{
    /// <summary>Installs a finalizer hook that records the __gc values (integers) in call order.</summary>
    private static List<long> RecordCalls(LuaGlobal g, Action<Value, Value>? also = null)
    {
        var calls = new List<long>();
        g.Hooks().CallFinalizer = (gc, o) =>
        {
            calls.Add(gc.I);
            also?.Invoke(gc, o);
        };
        return calls;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FinalizersRunInReverseOrderOfMarkingOnceEach(bool stress)
    {
        using LuaState s = NewState(stress: stress);
        LuaGlobal g = s.Global;
        long baseline = Settle(s, "list");
        List<long> calls = RecordCalls(g);

        Value list = Global(s, "list", Table(g)); // keeps them until all are marked (stress mode)
        for (int i = 1; i <= 5; i++)
        {
            Value o = i == 3 ? Userdata(g, size: 8) : Table(g);
            Set(g, list, Value.Integer(i), o);
            SetFinalizer(g, o, Value.Integer(i));
        }

        Assert.Equal(5, s.Gc().FinalizableCount);
        Global(s, "list", Value.Nil);
        s.Gc().FullCollect();
        Assert.Equal([5, 4, 3, 2, 1], calls);
        AssertHeapOk(g);
        Assert.True(g.Heap.Stats.BytesInUse > baseline); // resurrected for this cycle
        s.Gc().FullCollect();
        Assert.Equal(5, calls.Count); // once each
        Assert.Equal(baseline, Settle(s));
        Assert.Equal(0, s.Gc().FinalizableCount);
    }

    [Fact]
    public void ReachableObjectsAreNotFinalized()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        List<long> calls = RecordCalls(g);
        Value o = Global(s, "o", Table(g));
        SetFinalizer(g, o, Value.Integer(1));
        SetFinalizer(g, o, Value.Integer(2)); // marked once only
        Settle(s);
        Assert.Empty(calls);
        Assert.Equal(1, s.Gc().FinalizableCount);
        Global(s, "o", Value.Nil);
        Settle(s);
        Assert.Equal([2], calls); // the __gc of the current metatable
    }

    [Fact]
    public void ObjectsReachedFromAFinalizedObjectAreIntactInItsFinalizer()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        string? seen = null;
        List<long> calls = RecordCalls(g, (_, o) =>
        {
            Value child = Get(g, o, "child");
            seen = g.ToDotNetString(Get(g, child, "text"));
        });
        Value o = Table(g);
        g.PushTemp(o);
        Value child = Table(g);
        Set(g, o, "child", child);
        Set(g, child, "text", Str(g, new string('t', 70)));
        SetFinalizer(g, o, Value.Integer(1));
        g.PopTemp();
        s.Gc().FullCollect();
        Assert.Equal([1], calls);
        Assert.Equal(new string('t', 70), seen);
        AssertHeapOk(g);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ResurrectedObjectsLiveOnWithoutASecondFinalization(bool stress)
    {
        using LuaState s = NewState(stress: stress);
        LuaGlobal g = s.Global;
        long baseline = Settle(s, "saved");
        List<long> calls = RecordCalls(g, (_, o) => Global(s, "saved", o));
        Value o = Table(g);
        g.PushTemp(o);
        Set(g, o, "payload", Str(g, "still here"));
        SetFinalizer(g, o, Value.Integer(7));
        g.PopTemp();

        s.Gc().FullCollect();
        Assert.Equal([7], calls);
        for (int i = 0; i < 3; i++)
        {
            s.Gc().FullCollect();
        }

        AssertHeapOk(g);
        Assert.Single(calls);
        Assert.Equal("still here", g.ToDotNetString(Get(g, GetGlobal(s, "saved"), "payload")));
        Global(s, "saved", Value.Nil);
        Assert.Equal(baseline, Settle(s));
        Assert.Single(calls);
    }

    [Fact]
    public void SetMetatableAgainReRegistersAResurrectedObject()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        List<long> calls = RecordCalls(g, (gc, o) =>
        {
            if (gc.I == 1)
            {
                Global(s, "saved", o);
                SetFinalizer(g, o, Value.Integer(2)); // as a finalizer calling setmetatable would
            }
        });
        Value o = Table(g);
        SetFinalizer(g, o, Value.Integer(1));
        s.Gc().FullCollect();
        Global(s, "saved", Value.Nil);
        Settle(s);
        Assert.Equal([1, 2], calls);
    }

    [Fact]
    public void GcAddedToTheMetatableLaterDoesNotCount()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        List<long> calls = RecordCalls(g);
        Value mt = Global(s, "mt", Table(g));
        Value o = Table(g);
        SetMetatableOf(g, o, mt.R);
        Set(g, mt, "__gc", Value.Integer(1)); // too late for o
        Value o2 = Table(g);
        SetMetatableOf(g, o2, mt.R); // but o2 is marked
        Settle(s);
        Assert.Equal([1], calls);
    }

    [Fact]
    public void AnErrorInAFinalizerBecomesAWarning()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        var warnings = new List<string>();
        g.Hooks().Warn = warnings.Add;
        List<long> calls = RecordCalls(g, (gc, _) =>
        {
            if (gc.I == 2)
            {
                throw new LuaError("boom");
            }
        });
        for (int i = 1; i <= 3; i++)
        {
            SetFinalizer(g, Table(g), Value.Integer(i));
        }

        s.Gc().FullCollect();
        Assert.Equal([3, 2, 1], calls); // the others still ran
        Assert.Equal(["error in __gc (boom)"], warnings);
        AssertHeapOk(g);
        Assert.Equal(0, g.Temps.Length);
    }

    [Fact]
    public void EmergencyCollectionsKeepFinalizersPending()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        List<long> calls = RecordCalls(g);
        Value o = Table(g);
        g.PushTemp(o);
        Value inner = Table(g);
        Set(g, o, "inner", inner);
        SetFinalizer(g, o, Value.Integer(1));
        g.PopTemp();

        s.Global.Collector!.FullCollect(emergency: true);
        s.Global.Collector!.FullCollect(emergency: true);
        Assert.Empty(calls);
        Assert.Equal(1, s.Gc().PendingFinalizerCount);
        AssertHeapOk(g);
        Assert.Equal(Tag.Table, Get(g, o, "inner").Tag); // kept alive while pending

        s.Gc().FullCollect();
        Assert.Equal([1], calls);
        Assert.Equal(0, s.Gc().PendingFinalizerCount);
    }

    [Fact]
    public void WithoutAHookFinalizersWait()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        SetFinalizer(g, Table(g), Value.Integer(1));
        s.Gc().FullCollect();
        s.Gc().FullCollect();
        Assert.Equal(1, s.Gc().PendingFinalizerCount);
        AssertHeapOk(g);
        List<long> calls = RecordCalls(g);
        s.Gc().FullCollect();
        Assert.Equal([1], calls);
    }

    [Fact]
    public void FinalizerThatCollectsDoesNotRecurse()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        long collections = 0;
        List<long> calls = RecordCalls(g, (_, _) =>
        {
            long before = g.Heap.Stats.Collections;
            s.Gc().FullCollect(); // ignored while finalizers run
            Assert.False(s.Gc().StepCollect(0));
            collections = g.Heap.Stats.Collections - before;
            for (int i = 0; i < 100; i++)
            {
                Str(g, "alloc in finalizer" + i);
            }

            g.CheckGC();
        });
        SetFinalizer(g, Table(g), Value.Integer(1));
        SetFinalizer(g, Table(g), Value.Integer(2));
        s.Gc().FullCollect();
        Assert.Equal([2, 1], calls);
        Assert.Equal(0, collections);
        AssertHeapOk(g);
    }

    [Fact]
    public void WeakValuesAreClearedBeforeFinalizationAndWeakKeysAfter()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        Value wv = Global(s, "wv", Table(g));
        MakeWeak(g, wv, "v");
        Value wk = Global(s, "wk", Table(g));
        MakeWeak(g, wk, "k");
        bool? valueGone = null;
        bool? keyPresent = null;
        List<long> calls = RecordCalls(g, (_, o) =>
        {
            valueGone = Get(g, wv, "x").IsNil;
            keyPresent = Get(g, wk, o).Tag == Tag.True;
        });

        Value o = Table(g);
        g.PushTemp(o);
        Set(g, wv, "x", o);
        Set(g, wk, o, Value.True);
        SetFinalizer(g, o, Value.Integer(1));
        g.PopTemp();

        s.Gc().FullCollect();
        Assert.Equal([1], calls);
        Assert.True(valueGone);
        Assert.True(keyPresent);
        s.Gc().FullCollect();
        AssertHeapOk(g);
        Value k = Value.Nil;
        Assert.False(LuaTable.Next(g, wk.R, k, out _, out _)); // removed in the next cycle
    }

    [Fact]
    public void RunAllFinalizersAtCloseCallsEveryOneNewestFirst()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        List<long> calls = RecordCalls(g, (gc, o) =>
        {
            if (gc.I == 2)
            {
                SetFinalizer(g, Table(g), Value.Integer(99)); // ignored while closing
            }
        });
        Value kept = Global(s, "kept", Table(g));
        SetFinalizer(g, kept, Value.Integer(1));
        SetFinalizer(g, Table(g), Value.Integer(2));
        Value kept3 = Global(s, "kept3", Userdata(g));
        SetFinalizer(g, kept3, Value.Integer(3));
        s.Gc().RunAllFinalizers();
        Assert.Equal([3, 2, 1], calls);
        Assert.Equal(0, s.Gc().FinalizableCount);
        s.Gc().FullCollect();
        Assert.Equal(3, calls.Count);
        AssertHeapOk(g);
    }
}
