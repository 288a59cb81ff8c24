using System.Diagnostics;
using System.Runtime.Intrinsics.X86;
using MicroLua.Memory;
using MicroLua.Values;

namespace MicroLua.Gc;

/// <summary>
/// Generational mode, as the Lua 5.4 manual (§2.5.2) describes it: frequent minor collections
/// that traverse only young objects and the old objects the program touched since, and a major
/// (full) collection when the heap grows past the major threshold.
///
/// Ages. An object is new (allocated since the last minor collection: listed in
/// <see cref="Heap.NewObjects"/>), survival (it survived one minor collection: listed in
/// <c>_survival</c>) or old (it survived two). Young objects (new and survival) are white
/// between collections; an old object stays marked, and black unless it is a thread or the
/// program touched it, so the mark bit is the object's generation in its header, and a minor
/// collection's marking stops at old objects by itself. The lists say which young age an
/// object has, and let a minor collection sweep the young without walking the heap (the
/// sub-blocks of a dead young object are freed with it).
///
/// The invariant between collections: an old object refers to a young one only if it is
/// touched (a barrier made it gray and listed it in <c>_touched</c>), became old at the last
/// minor collection (<c>_old1</c>: it may refer to objects that only reached survival), was
/// touched before the last minor collection (<c>_touched2</c>: its young referents then may
/// still be survivals), or is a thread (stacks are written without barriers, so every thread
/// that survived is traversed at every minor collection, <c>_genThreads</c>). Each minor
/// collection traverses exactly those. Every barrier is backward in this mode: the old
/// object is remembered (turns gray, is listed), whatever its type; the stored object stays
/// young. That keeps one rule for tables, upvalues, closures and userdata, and an object the
/// barrier touched is traversed at the next two minor collections.
///
/// A minor collection is atomic: the young are few, so it is short. It uses the incremental
/// cycle's atomic phase (weak values, ephemerons, finalizer separation and resurrection, weak
/// keys, dead threads' upvalues) over what it marks, so weak tables and finalizers behave as in
/// incremental mode for young objects; old objects count as reached until a major collection.
/// A major collection leaves the generational representation (every block white), runs a whole
/// incremental cycle at once and makes every survivor old.
///
/// Leaving the mode (incremental, a snapshot, a compaction) is one pass over the heap that turns
/// every block white; entering it from incremental mode runs a full collection first (as Lua);
/// a state that left it only for a snapshot or a compaction re-enters at its next step without
/// collecting (everything in the heap becomes old).
/// </summary>
internal sealed unsafe partial class Collector
{
    /// <summary>The generational representation is in force (old objects marked, young ones listed).</summary>
    private bool _gen;

    /// <summary>A minor collection is running (threads traversed are kept for the next one).</summary>
    private bool _minor;

    /// <summary>The generational lists, made when the mode is first entered (an idle incremental state holds none).</summary>
    private Generations? _gens;

    /// <summary>What generational mode keeps between collections besides the header bits.</summary>
    private sealed class Generations
    {
        public RefList Survival = new(64);
        public RefList Old1 = new(64);
        public RefList Touched = new(64);
        public RefList Touched2 = new(64);
        public RefList Threads = new(16);
        public RefList ThreadsNext = new(16);

        /// <summary>Bytes in use after the last major collection: the base of both generational thresholds.</summary>
        public long MajorBase;
        public long Minors;
        public long Majors;
        public long StressSteps;
    }

    private ref RefList _survival => ref _gens!.Survival;
    private ref RefList _old1 => ref _gens!.Old1;
    private ref RefList _touched => ref _gens!.Touched;
    private ref RefList _touched2 => ref _gens!.Touched2;
    private ref RefList _genThreads => ref _gens!.Threads;
    private ref RefList _genThreadsNext => ref _gens!.ThreadsNext;

    /// <summary>Whether the generational representation is in force (the heap verifier checks its invariant then).</summary>
    public bool GenerationalActive => _gen;

    /// <summary>Minor collections run (statistics).</summary>
    public long MinorCollections => _gens?.Minors ?? 0;

    /// <summary>Major collections run in generational mode (statistics).</summary>
    public long MajorCollections => _gens?.Majors ?? 0;

    /// <summary>
    /// Units of work the collector did: slots traversed plus blocks swept (statistics; the
    /// share of a program the collector takes, independent of the machine's load).
    /// </summary>
    public long WorkDone { get; private set; }

    /// <summary>Young objects (new and survival), for the heap verifier.</summary>
    internal IEnumerable<uint> YoungObjects()
    {
        for (int i = 0; i < _heap.NewObjectCount; i++)
        {
            yield return _heap.NewObjects![i];
        }

        for (int i = 0; _gens != null && i < _gens.Survival.Count; i++)
        {
            yield return _gens.Survival[i];
        }
    }

    /// <summary>Old objects the next minor collection traverses (allowed to refer to young ones), for the heap verifier.</summary>
    internal IEnumerable<uint> RememberedObjects()
    {
        if (_gens == null)
        {
            yield break;
        }

        foreach (RefList l in new[] { _gens.Old1, _gens.Touched, _gens.Touched2, _gens.Threads })
        {
            for (int i = 0; i < l.Count; i++)
            {
                yield return l[i];
            }
        }
    }

    /// <summary>
    /// Switches to the generational representation: with <paramref name="collect"/>, after a
    /// full collection (as Lua does when the mode is selected); without, everything in the heap
    /// becomes old as it is.
    /// </summary>
    private void EnterGenerational(bool collect)
    {
        Debug.Assert(!_gen && !_g.InCollection);
        _g.InCollection = true;
        long t0 = Stopwatch.GetTimestamp();
        try
        {
            if (collect)
            {
                RunFullCycle(toOld: true);
            }
            else
            {
                FinishCycleInCollection();
                MakeAllOld();
            }
        }
        finally
        {
            _g.InCollection = false;
            TimeTicks += Stopwatch.GetTimestamp() - t0;
        }

        SetMinorDebt();
    }

    /// <summary>Back to the incremental representation: every block white, between cycles. No collection.</summary>
    private void LeaveGenerational()
    {
        Debug.Assert(_gen);
        const byte cycleBits = GcBits.CycleBits;
        byte white = _white;
        byte* baseP = _heap.Base;
        uint end = _heap.PoolEnd;
        long work = 0;
        for (uint b = Heap.FirstBlock; b < end; b += _heap.SizeAt(b))
        {
            work++;
            if (!_heap.IsFreeAt(b))
            {
                byte* h = baseP + b;
                h[5] = (byte)((h[5] & ~cycleBits) | white);
            }
        }

        WorkDone += work;
        _gen = false;
        _heap.NewObjects = null;
        _heap.NewObjectCount = 0;
        _heap.NewSubBlockGc = white;
        _heap.NewObjectGc = white;
        _survival.Clear();
        ClearGenerationalLists();
        ClearWorkLists();
        _phase = GcPhase.Pause;
    }

    private void ClearGenerationalLists()
    {
        _old1.Clear();
        _touched.Clear();
        _touched2.Clear();
        _genThreads.Clear();
        _genThreadsNext.Clear();
    }

    /// <summary>
    /// Every block of the heap (between cycles: all white) becomes old: marked, black except
    /// threads (listed, traversed at every minor collection) and blocks still being built
    /// (remembered, traversed at the next minor collection: their contents are stored without
    /// barriers).
    /// </summary>
    private void MakeAllOld()
    {
        Debug.Assert(_phase == GcPhase.Pause);
        BeginMakingOld();
        byte* baseP = _heap.Base;
        uint end = _heap.PoolEnd;
        long work = 0;
        for (uint b = Heap.FirstBlock; b < end; b += _heap.SizeAt(b))
        {
            work++;
            if (!_heap.IsFreeAt(b))
            {
                MakeOld(baseP + b, b >> 3);
            }
        }

        WorkDone += work;
        EndMakingOld();
    }

    /// <summary>Empties the lists before every block is made old (by <see cref="MakeAllOld"/> or by the sweep of a full cycle).</summary>
    private void BeginMakingOld()
    {
        _gens ??= new Generations();
        ClearGenerationalLists();
        _survival.Clear();
    }

    /// <summary>One block becomes old: marked; black unless it is a thread (listed instead) or a sub-block.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void MakeOld(byte* h, uint r)
    {
        const byte cycleBits = GcBits.CycleBits;
        byte gc = (byte)((h[5] & ~cycleBits) | GcBits.Marked);
        var type = (ObjType)h[4];
        if (type == ObjType.Thread)
        {
            _genThreads.Add(r);
        }
        else if (type < ObjType.TableArray)
        {
            gc |= GcBits.Black;
        }

        h[5] = gc;
    }

    /// <summary>After every block became old: blocks still being built are remembered, and the mode is in force.</summary>
    private void EndMakingOld()
    {
        ClearWorkLists();
        foreach (uint r in _g.PendingBlocks)
        {
            byte* h = _heap.Ptr(r);
            if ((h[5] & GcBits.Black) != 0)
            {
                h[5] &= unchecked((byte)~GcBits.Black);
                _touched.Add(r);
            }
        }

        _gen = true;
        _heap.NewObjects ??= new uint[1024];
        _heap.NewObjectCount = 0;
        _heap.NewSubBlockGc = GcBits.Marked; // a sub-block lives and dies with its owner
        _heap.NewObjectGc = _white;
        _gens!.MajorBase = _heap.Stats.BytesInUse;
    }

    /// <summary>
    /// The next minor collection comes after MinorMul % of the memory in use now (after this
    /// collection) is allocated. In use now, not after the last major collection: between two
    /// major collections the heap holds the old garbage that waits for the next one, and a minor
    /// collection's cost does not grow with it.
    /// </summary>
    private void SetMinorDebt()
    {
        long step = Math.Max(1L << StepSize, _heap.Stats.BytesInUse / 100 * MinorMul);
        _g.GcDebt = -step;
    }

    /// <summary>Generational GC-stress: every 64th step is a major collection, so majors interleave with the program too.</summary>
    private bool StressMajorDue()
    {
        _gens ??= new Generations();
        return ++_gens.StressSteps % 64 == 0;
    }

    /// <summary>Whether the heap grew past the major threshold: MajorMul % above its use after the last major collection.</summary>
    private bool MajorDue() => _heap.Stats.BytesInUse > _gens!.MajorBase + (_gens!.MajorBase / 100 * MajorMul);

    /// <summary>
    /// A generational step (automatic, <c>collectgarbage("step")</c> or the host's): a minor
    /// collection, followed by a major one when the heap is still past the major threshold.
    /// Enters the mode first if a snapshot or compaction left it.
    /// </summary>
    private void GenerationalStep(bool forceMajor = false)
    {
        if (!_gen)
        {
            EnterGenerational(collect: false);
            if (!forceMajor)
            {
                return;
            }
        }

        _g.InCollection = true;
        long t0 = Stopwatch.GetTimestamp();
        try
        {
            Steps++;
            if (!forceMajor)
            {
                MinorCollection();
            }

            if (forceMajor || MajorDue())
            {
                MajorInCollection();
            }
        }
        finally
        {
            _g.InCollection = false;
            long t = Stopwatch.GetTimestamp() - t0;
            TimeTicks += t;
            MaxStepTicks = Math.Max(MaxStepTicks, t);
        }

        SetMinorDebt();
    }

    /// <summary>A major collection inside a collection: a whole incremental cycle at once, then every survivor is old.</summary>
    private void MajorInCollection()
    {
        _gens!.Majors++;
        LeaveGenerational();
        RunFullCycle(toOld: true);
    }

    /// <summary>
    /// Runs a whole cycle from the pause (finishing one under way first), inside a collection.
    /// With <paramref name="toOld"/>, its sweep makes the survivors old and the generational
    /// representation is in force after it.
    /// </summary>
    private void RunFullCycle(bool toOld = false)
    {
        FinishCycleInCollection();
        SingleStep(long.MaxValue);
        if (toOld)
        {
            BeginMakingOld();
            _sweepToOld = true;
        }

        try
        {
            while (_phase != GcPhase.Pause)
            {
                SingleStep(long.MaxValue);
            }
        }
        finally
        {
            _sweepToOld = false;
        }

        if (toOld)
        {
            EndMakingOld();
        }
    }

    /// <summary>The sweep under way makes the survivors old (the last step of a major collection).</summary>
    private bool _sweepToOld;

    private void FinishCycleInCollection()
    {
        while (_phase != GcPhase.Pause)
        {
            SingleStep(long.MaxValue);
        }
    }

    /// <summary>
    /// A minor collection: marks from the roots, the threads, the old objects that became old at
    /// the last minor collection and the touched ones; marking stops at old objects. Then the
    /// atomic phase's weak-table and finalizer work, and a sweep of the young lists: dead young
    /// objects are freed, new survivors become survival, survival survivors become old.
    /// </summary>
    private void MinorCollection()
    {
        _gens!.Minors++;
        _minor = true;
        _atomic = true;
        _againRounds = 0;
        ClearWorkLists();
        _marks = 0;

        // Old objects the program may have linked to young ones: traverse them again (they are
        // marked already, so they are queued directly).
        QueueAll(ref _old1);
        QueueAll(ref _touched2);
        for (int i = 0; i < _touched.Count; i++)
        {
            _gray.Add(_touched[i]);
        }

        (_gens!.Touched, _gens.Touched2) = (_gens.Touched2, _gens.Touched); // the touched are traversed once more next time
        _touched.Clear();
        for (int i = 0; i < _genThreads.Count; i++)
        {
            uint th = _genThreads[i];
            if (IsMarked(th))
            {
                _gray.Add(th); // old; a young one is traversed only if it is reached
            }
        }

        _genThreads.Clear();
        _genThreadsNext.Clear();

        MarkRoots();
        Propagate();
        RemarkOpenUpvalues();
        Propagate();
        ConvergeEphemerons();
        ClearValues();
        if (SeparateUnreachedFinalizable())
        {
            Propagate();
            ConvergeEphemerons();
        }

        ClearKeys();
        ClearValues();
        ClearDeadKeysOfStrongTables();
        CloseUpvaluesOfDeadThreads();
        for (int i = 0; i < _openUpvals.Count; i++)
        {
            _heap.Ptr(_openUpvals[i])[5] &= unchecked((byte)~GcBits.OpenUpvalSeen);
        }

        (_gens!.Threads, _gens.ThreadsNext) = (_gens.ThreadsNext, _gens.Threads);
        _atomic = false;
        _minor = false;
        SweepYoung();
        ClearWorkLists();
        _heap.Stats.Collections++;
    }

    /// <summary>Queues every object of a list for traversal and empties it.</summary>
    private void QueueAll(ref RefList list)
    {
        for (int i = 0; i < list.Count; i++)
        {
            _gray.Add(list[i]);
        }

        list.Clear();
    }

    /// <summary>
    /// The minor collection's sweep: survivals reached become old (listed in <c>_old1</c>, so the
    /// next minor collection traverses them again: they may refer to objects that are survivals
    /// now; one marked but not traversed, as a block being built, is remembered as touched);
    /// new objects reached become survival; the others are freed with their sub-blocks.
    /// </summary>
    private void SweepYoung()
    {
        try
        {
            SweepYoungLists();
        }
        finally
        {
            _heap.EndFreeBatch();
        }
    }

    private void SweepYoungLists()
    {
        const byte cycleBits = GcBits.CycleBits;
        byte* baseP = _heap.Base;
        int ns = _survival.Count;
        for (int i = 0; i < ns; i++)
        {
            uint r = _survival[i];
            byte* h = baseP + ((ulong)r << 3);
            if (Sse.IsSupported && i + PrefetchDistance < ns)
            {
                Sse.Prefetch0(baseP + ((ulong)_survival[i + PrefetchDistance] << 3)); // the list jumps about the heap
            }

            byte gc = h[5];
            if ((gc & GcBits.Marked) == 0)
            {
                FreeYoung(h, r);
                continue;
            }

            h[5] = (byte)(gc & ~(GcBits.Whites | GcBits.OpenUpvalSeen));
            var type = (ObjType)h[4];
            if (type is ObjType.Thread or ObjType.ShortString or ObjType.LongString)
            {
                continue; // threads are traversed at every minor collection; strings refer to nothing
            }

            if ((gc & GcBits.Black) == 0)
            {
                _touched.Add(r);
            }
            else
            {
                _old1.Add(r);
            }
        }

        WorkDone += _survival.Count;
        _survival.Clear();
        uint[] news = _heap.NewObjects!;
        int n = _heap.NewObjectCount;
        byte white = _white;
        for (int i = 0; i < n; i++)
        {
            uint r = news[i];
            byte* h = baseP + ((ulong)r << 3);
            if (Sse.IsSupported && i + PrefetchDistance < n)
            {
                Sse.Prefetch0(baseP + ((ulong)news[i + PrefetchDistance] << 3));
            }

            byte gc = h[5];
            if ((gc & GcBits.Marked) == 0)
            {
                FreeYoung(h, r);
                continue;
            }

            h[5] = (byte)((gc & ~cycleBits) | white);
            _survival.Add(r);
        }

        WorkDone += n;
        _heap.NewObjectCount = 0;
    }

    /// <summary>How many list entries ahead the sweep of the young lists prefetches a header.</summary>
    private const int PrefetchDistance = 8;

    /// <summary>
    /// Frees a dead young object and the sub-blocks it owns (no sweep walks the heap in this
    /// mode), in the heap's batch: dead young objects lie mostly side by side (see <see cref="Heap.FreeInBatch"/>).
    /// </summary>
    private void FreeYoung(byte* h, uint r)
    {
        switch ((ObjType)h[4])
        {
            case ObjType.Table:
                var t = (TableObj*)h;
                FreeIfAny(t->Array);
                FreeIfAny(t->Nodes);
                break;
            case ObjType.Thread:
                FreeIfAny(((ThreadObj*)h)->Stack);
                break;
            case ObjType.Proto:
                var p = (ProtoObj*)h;
                FreeIfAny(p->Code);
                FreeIfAny(p->Constants);
                FreeIfAny(p->Protos);
                FreeIfAny(p->Upvals);
                FreeIfAny(p->UpvalNames);
                FreeIfAny(p->LineInfo);
                FreeIfAny(p->LocVars);
                break;
            default:
                break;
        }

        ReleaseObject(h, r);
        _heap.FreeInBatch(r);
    }

    private void FreeIfAny(uint r)
    {
        if (r != 0)
        {
            _heap.FreeInBatch(r);
            WorkDone++; // as the incremental sweep counts every block it frees
        }
    }

    /// <summary>The generational barrier: a young object stored into an old, black one; the old object is remembered.</summary>
    private void GenerationalBarrier(uint owner, uint r)
    {
        byte* h = _heap.Ptr(owner);
        if (r == 0 || (h[5] & GcBits.Black) == 0 || IsMarked(r))
        {
            return; // a resize changes no reference; an old object stored changes no invariant
        }

        h[5] &= unchecked((byte)~GcBits.Black);
        _touched.Add(owner);
    }
}
