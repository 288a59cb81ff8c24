using MicroLua.Core;
using MicroLua.Gc;
using MicroLua.Memory;
using MicroLua.Values;
using static MicroLua.Tests.Gc.GcTestKit;

namespace MicroLua.Tests.Gc;

/// <summary>The verifier must catch what it claims to catch: each test breaks one thing.</summary>
public sealed unsafe class HeapVerifierTests
{
    private static string Broken(LuaState s)
    {
        string? e = HeapVerifier.Verify(s.Global);
        Assert.NotNull(e);
        Assert.Throws<InvalidOperationException>(() => HeapVerifier.Check(s.Global));
        return e;
    }

    [Fact]
    public void AFreshStateIsSound()
    {
        using LuaState s = NewState();
        AssertHeapOk(s.Global);
        HeapVerifier.Check(s.Global);
    }

    /// <summary>Steps the collector until the table <paramref name="t"/> is black, while the cycle still marks.</summary>
    private static void StepUntilBlack(LuaState s, Value t)
    {
        for (int i = 0; i < 100000; i++)
        {
            if (s.Gc().Phase == GcPhase.Propagate && (s.Global.Heap.Ptr(t.R)[5] & GcBits.Black) != 0)
            {
                return;
            }

            s.Gc().StepWork(1);
        }

        Assert.Fail("the table never turned black");
    }

    [Fact]
    public void BlackTableReferringToWhiteObject_IsCaught()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        Value t = Table(g, 1, 0);
        Root(g, t);
        StepUntilBlack(s, t);
        Value u = Table(g); // white: born after the table was traversed
        LuaTable.ArrayBase(g, LuaTable.Obj(g, t.R))[0] = u; // a store without its barrier
        Assert.Contains("refers to white Table", Broken(s));
    }

    [Fact]
    public void BlackTableStoreThroughBarrier_IsSound()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        Value t = Table(g, 1, 0);
        Root(g, t);
        StepUntilBlack(s, t);
        LuaTable.SetInt(g, t.R, 1, Table(g)); // the backward barrier turns the table gray again
        Assert.Equal(0, g.Heap.Ptr(t.R)[5] & GcBits.Black);
        AssertHeapOk(g);
        while (!s.Gc().StepWork(1000))
        {
            AssertHeapOk(g);
        }

        Assert.Equal(Tag.Table, LuaTable.Get(g, t.R, Value.Integer(1)).Tag);
        AssertHeapOk(g);
    }

    [Fact]
    public void MetatableOfTheWrongType()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        Value t = Global(s, "t", Table(g));
        Value str = Global(s, "s", Str(g, "not a table"));
        LuaTable.Obj(g, t.R)->Metatable = str.R;
        Assert.Contains("expected Table", Broken(s));
    }

    [Fact]
    public void ValueTagThatDisagreesWithItsBlock()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        Value t = Global(s, "t", Table(g));
        Value str = Global(s, "s", Str(g, "a string"));
        Set(g, t, "x", Value.Object(Tag.Table, str.R));
        Assert.Contains("refers to a ShortString block", Broken(s));
    }

    [Fact]
    public void ReferenceIntoTheMiddleOfABlock()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        Value t = Global(s, "t", Table(g));
        Set(g, t, "x", Value.Object(Tag.Table, t.R + 1));
        Assert.Contains("not the start of a live block", Broken(s));
    }

    [Fact]
    public void ReferenceToAFreedBlock()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        Value t = Global(s, "t", Table(g));
        Value garbage = Table(g);
        Set(g, t, "x", garbage);
        g.Free(garbage.R); // a dangling reference, as a missed root would leave
        Assert.Contains("not the start of a live block", Broken(s));
    }

    [Fact]
    public void ABlockLeftMarked()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        Value t = Global(s, "t", Table(g));
        ((ObjHeader*)g.Heap.Ptr(t.R))->Gc |= GcBits.Marked;
        Assert.Contains("still marked", Broken(s));
    }

    [Fact]
    public void ASubBlockWithTwoOwners()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        Value a = Global(s, "a", Table(g, 4, 0));
        Value b = Global(s, "b", Table(g, 4, 0));
        uint orphan = LuaTable.Obj(g, b.R)->Array;
        LuaTable.Obj(g, b.R)->Array = LuaTable.Obj(g, a.R)->Array;
        g.Free(orphan);
        Assert.Contains("second owner", Broken(s));
    }

    [Fact]
    public void AnArrayPartTooSmallForItsSize()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        Value a = Global(s, "a", Table(g, 4, 0));
        LuaTable.Obj(g, a.R)->ArraySize = 1000;
        Assert.Contains("holds", Broken(s));
    }

    [Fact]
    public void AShortStringOutsideTheStringTable()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        uint r = g.Allocate(16, ObjType.ShortString);
        var so = (StringObj*)g.Heap.Ptr(r);
        so->Hash = LuaGlobal.HashBytes("z"u8, g.Seed);
        so->Next = 0;
        so->H.Extra = StringObj.ShortExtra(1);
        StringObj.Data(so)[0] = (byte)'z';
        StringObj.Data(so)[1] = 0;
        Assert.Contains("not interned", Broken(s));
    }

    [Fact]
    public void AnOpenUpvalueOutsideAnyStack()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        Value th = Global(s, "co", Value.Object(Tag.Thread, LuaThread.New(g, 4)));
        uint u = Hold(g, OpenUpvalue(g, th, 1));
        AssertHeapOk(g);
        ((UpValueObj*)g.Heap.Ptr(u))->V = th.R + 1; // inside the thread object, not its stack
        Assert.Contains("open upvalue", Broken(s)); // caught from the thread or from the upvalue
    }

    [Fact]
    public void AThreadTopBeyondItsStack()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        LuaThread.Obj(g, g.MainThread.R)->Top = 100_000;
        Assert.Contains("beyond its stack size", Broken(s));
    }

    [Fact]
    public void ANodeChainLeavingTheHashPart()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        Value t = Global(s, "t", Table(g, 0, 4));
        Set(g, t, "x", Value.True);
        TableObj* to = LuaTable.Obj(g, t.R);
        LuaTable.NodeBase(g, to)[0].Next = 50;
        Assert.Contains("chains outside", Broken(s));
    }

    [Fact]
    public void AClosureWithoutItsPrototypeOrWithAWrongUpvalue()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        uint p = Hold(g, Proto(g, [Str(g, "k")], [], "=p"));
        Value f = Global(s, "f", LuaClosure(g, p, ClosedUpvalue(g, Value.Integer(1))));
        AssertHeapOk(g);
        var c = (LuaClosureObj*)g.Heap.Ptr(f.R);
        uint saved = LuaClosureObj.Upvals(c)[0];
        LuaClosureObj.Upvals(c)[0] = p;
        Assert.Contains("expected UpValue", Broken(s));
        LuaClosureObj.Upvals(c)[0] = saved;
        c->Proto = 0;
        Assert.Contains("is absent", Broken(s));
    }

    [Fact]
    public void APrototypeConstantThatDangles()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        uint p = Hold(g, Proto(g, [Value.Integer(1), Value.Integer(2)], [], "=p"));
        AssertHeapOk(g);
        var po = (ProtoObj*)g.Heap.Ptr(p);
        ((Value*)(g.Heap.Ptr(po->Constants) + sizeof(ObjHeader)))[1] = Value.Object(Tag.LongString, p);
        Assert.Contains("constant of prototype", Broken(s));
    }

    [Fact]
    public void AnOrphanSubBlockAfterAFullCollection()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        uint orphan = Hold(g, g.Allocate(32, ObjType.ValueArray)); // kept by a root, owned by nobody
        new Span<byte>(g.Heap.Ptr(orphan) + 8, 32).Clear();
        s.Gc().FullCollect();
        Assert.Null(HeapVerifier.Verify(g));
        Assert.Contains("has no owner", HeapVerifier.Verify(g, afterFullCollection: true));
        Release(g);
        s.Gc().FullCollect();
        Assert.Null(HeapVerifier.Verify(g, afterFullCollection: true));
    }
}
