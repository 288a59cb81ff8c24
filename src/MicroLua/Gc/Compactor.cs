using System.Buffers;
using MicroLua.Core;
using MicroLua.Memory;
using MicroLua.Values;

namespace MicroLua.Gc;

/// <summary>
/// Heap compaction on request: every used block slides toward the start of the pool, in
/// address order, so all free memory becomes one block at the end.
///
/// Why: TLSF bounds fragmentation but does not undo it. A host that frees a large structure
/// made of many small blocks interleaved with survivors has the bytes but not one run long
/// enough for a big string or a big array part; compacting gives back one run of every free
/// byte. It also lowers the high-water mark, so a snapshot taken after it copies less.
///
/// How, in one pass over the references (Lisp-2 style, with the map kept outside the heap):
/// the heap plans where each block goes (<see cref="Heap.Relocation"/>: the old offset minus
/// the free bytes below it); every reference is rewritten through the plan while all blocks
/// are still in place (inside objects, walked here type by type as the heap verifier checks
/// them, then the managed roots: <see cref="LuaGlobal.RelocateRoots"/>, the collector's, and the
/// layers above through the caller's callback and <see cref="LuaGlobal.Relocating"/>); the blocks are moved, ascending, each with one
/// memmove; the free lists are rebuilt with the one free block. Last, tables with keys hashed by
/// their reference (tables, functions, userdata and threads as keys) are rehashed in place,
/// since their keys' main positions changed. String hashes are of the bytes and do not change.
///
/// When: only where no Lua code runs and between collection cycles. A running frame holds raw
/// pointers into stacks and prototypes in C# locals, and the collector's work lists hold
/// references mid-cycle; so the caller checks the safe point (<c>LuaState.Compact</c>) and the
/// cycle under way is finished first (<see cref="Collector.FinishCycle"/>).
/// </summary>
internal static unsafe class Compactor
{
    /// <summary>What one compaction did (see <c>LuaCompactionResult</c>).</summary>
    internal readonly record struct Result(long BytesMoved, long LargestFreeBefore, long LargestFreeAfter, long FreeBlocksBefore);

    /// <summary>
    /// Compacts the heap of <paramref name="g"/>. The caller guarantees a safe point: no Lua
    /// frame active, no collection running. The cycle under way, if any, is finished first.
    /// <paramref name="relocateAbove"/> rewrites the references the layers above keep (the
    /// interpreter's, the libraries'): called, like <see cref="LuaGlobal.Relocating"/>, before
    /// anything moves.
    /// </summary>
    public static Result Compact(LuaGlobal g, Action<Func<uint, uint>> relocateAbove)
    {
        if (g.InCollection)
        {
            throw new InvalidOperationException("The heap cannot be compacted while a collection runs.");
        }

        if (g.Collector is Collector c)
        {
            c.FinishCycle(); // the work lists and the sweep cursor are empty between cycles
        }

        Heap heap = g.Heap;
        long largestBefore = heap.LargestFreeBlock();
        long freeBlocksBefore = heap.Stats.FreeBlocks;
        Heap.Relocation plan = heap.PlanCompaction();
        if (!plan.Moves)
        {
            return new Result(0, largestBefore, largestBefore, freeBlocksBefore);
        }

        var rehash = new List<uint>();
        RewriteObjects(g, plan, rehash);
        Func<uint, uint> map = plan.Map;
        g.RelocateRoots(map);
        (g.Collector as Collector)?.Relocate(map);
        relocateAbove(map);
        g.Relocating?.Invoke(map);
        long moved = heap.Slide(plan);
        Rehash(g, rehash);
        return new Result(moved, largestBefore, heap.LargestFreeBlock(), freeBlocksBefore);
    }

    /// <summary>
    /// Rewrites the references inside every used object, reading its parts at their old places
    /// (nothing has moved yet). Sub-blocks are rewritten through their owners, which know how
    /// much of them is in use. Tables whose keys are hashed by reference are noted (by their new reference).
    /// </summary>
    private static void RewriteObjects(LuaGlobal g, Heap.Relocation plan, List<uint> rehash)
    {
        Heap heap = g.Heap;
        for (Heap.BlockWalker w = heap.Walk(); w.MoveNext();)
        {
            if (w.IsFree)
            {
                continue;
            }

            uint r = w.Ref;
            byte* p = heap.Ptr(r);
            switch (w.Type)
            {
                case ObjType.ShortString:
                    ((StringObj*)p)->Next = plan.Map(((StringObj*)p)->Next); // the bucket chain
                    break;
                case ObjType.Table:
                    if (RewriteTable(g, plan, (TableObj*)p))
                    {
                        rehash.Add(plan.Map(r));
                    }

                    break;
                case ObjType.LuaClosure:
                {
                    var cl = (LuaClosureObj*)p;
                    cl->Proto = plan.Map(cl->Proto);
                    uint* up = LuaClosureObj.Upvals(cl);
                    for (int i = 0; i < cl->H.Extra; i++)
                    {
                        up[i] = plan.Map(up[i]);
                    }

                    break;
                }

                case ObjType.HostClosure:
                {
                    var cl = (HostClosureObj*)p;
                    RewriteValues(plan, HostClosureObj.Upvals(cl), cl->H.Extra);
                    break;
                }

                case ObjType.UpValue:
                {
                    var u = (UpValueObj*)p;
                    if (u->V == r + UpValueObj.ClosedUnits)
                    {
                        u->V = plan.Map(r) + UpValueObj.ClosedUnits;
                        RewriteValues(plan, &u->Closed, 1);
                    }
                    else
                    {
                        u->V = plan.Map(u->V); // a slot inside a stack block moves with the block
                        u->NextOpen = plan.Map(u->NextOpen);
                    }

                    break;
                }

                case ObjType.Userdata:
                {
                    var u = (UserdataObj*)p;
                    u->Metatable = plan.Map(u->Metatable);
                    RewriteValues(plan, UserdataObj.UserValues(u), u->H.Extra);
                    break;
                }

                case ObjType.Thread:
                {
                    var t = (ThreadObj*)p;
                    if (t->Stack != 0)
                    {
                        Value* stack = LuaThread.StackBase(g, t);
                        uint top = Math.Min(t->Top, t->StackSize);
                        RewriteValues(plan, stack, top);

                        // Above the top nothing is live (the collector clears it at each traversal):
                        // cleared here too, so no stale reference names whatever moves to its old place.
                        new Span<Value>(stack + top, (int)(t->StackSize - top)).Clear();
                    }

                    t->Stack = plan.Map(t->Stack);
                    t->OpenUpval = plan.Map(t->OpenUpval);
                    break;
                }

                case ObjType.Proto:
                    RewriteProto(g, plan, (ProtoObj*)p);
                    break;
                default:
                    break; // sub-blocks are rewritten through their owners; long strings hold no references
            }
        }

        // The string table's bucket array is owned by the managed side.
        StringTable st = g.Strings;
        var buckets = (uint*)(heap.Ptr(st.BucketsRef) + Heap.HeaderSize);
        for (int i = 0; i < st.Size; i++)
        {
            buckets[i] = plan.Map(buckets[i]);
        }

        st.Load(plan.Map(st.BucketsRef), st.Size, st.Count);
    }

    private static void RewriteValues(Heap.Relocation plan, Value* v, ulong n)
    {
        for (ulong i = 0; i < n; i++)
        {
            if (v[i].IsCollectable)
            {
                v[i].I = plan.Map(v[i].R);
            }
        }
    }

    /// <summary>Rewrites a table's parts and its metatable; true when a key is hashed by its reference (the table must be rehashed).</summary>
    private static bool RewriteTable(LuaGlobal g, Heap.Relocation plan, TableObj* t)
    {
        t->Metatable = plan.Map(t->Metatable);
        if (t->Array != 0)
        {
            RewriteValues(plan, LuaTable.ArrayBase(g, t), t->ArraySize);
            t->Array = plan.Map(t->Array);
        }

        if (t->Nodes == 0)
        {
            return false;
        }

        bool byReference = false;
        Node* nodes = LuaTable.NodeBase(g, t);
        int count = LuaTable.NodeCount(t);
        for (int i = 0; i < count; i++)
        {
            Node* n = nodes + i;
            RewriteValues(plan, &n->Val, 1);
            Tag kt = n->KeyTag;
            if (kt is Tag.ShortString or Tag.LongString)
            {
                n->KeyI = plan.Map((uint)n->KeyI); // hashed by their bytes: they stay in their chains
            }
            else if (kt >= Tag.Table)
            {
                // Hashed by reference. A dead key's old reference could name an object that moves
                // to its place: the rehash drops it (its value is nil, as a resize would).
                if (kt != Tag.DeadKey)
                {
                    n->KeyI = plan.Map((uint)n->KeyI);
                }

                byReference = true;
            }
        }

        t->Nodes = plan.Map(t->Nodes);
        return byReference;
    }

    private static void RewriteProto(LuaGlobal g, Heap.Relocation plan, ProtoObj* p)
    {
        Heap heap = g.Heap;
        if (p->Constants != 0)
        {
            RewriteValues(plan, (Value*)(heap.Ptr(p->Constants) + Heap.HeaderSize), p->SizeConstants);
        }

        if (p->Protos != 0)
        {
            RewriteRefs(plan, (uint*)(heap.Ptr(p->Protos) + Heap.HeaderSize), p->SizeProtos, 1);
        }

        if (p->UpvalNames != 0)
        {
            RewriteRefs(plan, (uint*)(heap.Ptr(p->UpvalNames) + Heap.HeaderSize), p->SizeUpvals, 1);
        }

        if (p->LocVars != 0)
        {
            RewriteRefs(plan, (uint*)(heap.Ptr(p->LocVars) + Heap.HeaderSize), p->SizeLocVars, 3); // (name, startpc, endpc)
        }

        p->Code = plan.Map(p->Code);
        p->Constants = plan.Map(p->Constants);
        p->Protos = plan.Map(p->Protos);
        p->Upvals = plan.Map(p->Upvals);
        p->UpvalNames = plan.Map(p->UpvalNames);
        p->LineInfo = plan.Map(p->LineInfo);
        p->LocVars = plan.Map(p->LocVars);
        p->Source = plan.Map(p->Source);
    }

    private static void RewriteRefs(Heap.Relocation plan, uint* refs, uint n, uint stride)
    {
        for (uint i = 0; i < n; i++)
        {
            refs[i * stride] = plan.Map(refs[i * stride]);
        }
    }

    /// <summary>Rehashes in place the tables whose keys' main positions moved with them.</summary>
    private static void Rehash(LuaGlobal g, List<uint> tables)
    {
        Node[] scratch = [];
        foreach (uint t in tables)
        {
            int count = LuaTable.NodeCount(LuaTable.Obj(g, t));
            if (scratch.Length < count)
            {
                if (scratch.Length > 0)
                {
                    ArrayPool<Node>.Shared.Return(scratch);
                }

                scratch = ArrayPool<Node>.Shared.Rent(count);
            }

            LuaTable.RehashInPlace(g, t, scratch);
        }

        if (scratch.Length > 0)
        {
            ArrayPool<Node>.Shared.Return(scratch);
        }
    }
}

/// <summary>The collector's references, rewritten by a compaction (which runs between cycles).</summary>
internal sealed unsafe partial class Collector
{
    /// <summary>
    /// Rewrites the fixed names and the finalizer lists. Between cycles the work lists mean nothing
    /// (the next cycle starts by emptying them), so they are emptied now rather than rewritten; the
    /// finalizers already called (before the head of the due list) are not read again and are dropped.
    /// </summary>
    public void Relocate(Func<uint, uint> map)
    {
        System.Diagnostics.Debug.Assert(_phase == GcPhase.Pause && !_runningFinalizers);
        ClearWorkLists();
        _modeString = map(_modeString);
        _gcString = map(_gcString);
        for (int i = 0; i < _finobj.Count; i++)
        {
            _finobj[i] = map(_finobj[i]);
        }

        int due = 0;
        for (int i = _tobefnzHead; i < _tobefnz.Count; i++)
        {
            _tobefnz[due++] = map(_tobefnz[i]);
        }

        _tobefnz.Count = due;
        _tobefnzHead = 0;
    }
}
