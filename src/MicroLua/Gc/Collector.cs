using System.Diagnostics;
using System.Runtime.CompilerServices;
using MicroLua.Core;
using MicroLua.Memory;
using MicroLua.Values;

namespace MicroLua.Gc;

/// <summary>The collector modes <c>collectgarbage("incremental")</c> and <c>("generational")</c> switch between.</summary>
internal enum GcMode
{
    Incremental,
    Generational,
}

/// <summary>Where the collector is in its cycle.</summary>
internal enum GcPhase
{
    /// <summary>Between cycles: every object is white (of the current white).</summary>
    Pause,

    /// <summary>Marking: gray objects are traversed a few at a time, between the program's steps.</summary>
    Propagate,

    /// <summary>After the atomic phase: the heap is swept in address order, a few blocks at a time.</summary>
    Sweep,
}

/// <summary>
/// The garbage collector of one state: Lua 5.4's incremental tri-colour mark and sweep over
/// the heap block, with its semantics for weak tables (weak values, ephemerons), finalizers
/// (__gc, called in reverse order of registration, with resurrection) and its pacing (pause,
/// step multiplier, step size).
///
/// Colours live in each block's gc byte (<see cref="GcBits"/>): white (one of two whites),
/// gray (<see cref="GcBits.Marked"/>: reached, queued) and black (also <see cref="GcBits.Black"/>:
/// traversed). A cycle:
/// <list type="number">
/// <item>Propagate, in steps: mark the roots, then traverse gray objects a budget of work at a
/// time (an explicit gray stack: a chain of a million tables costs a deep managed array, not a
/// deep .NET stack). A table bigger than <see cref="SliceSlots"/> slots is traversed in slices,
/// so no step is long. Threads stay gray (their stacks change without barriers) and weak
/// tables wait (their weakness may change): both are traversed again in the atomic phase.
/// While the program runs between steps, write barriers keep the invariant that no black
/// object references a white one: a store into a black table turns the table gray again
/// (backward, as Lua: one test of the table's colour on the fast path); a store into another
/// black object marks the stored object (forward).</item>
/// <item>Atomic, in one step: mark the roots again, traverse the gray-again objects, remark
/// the values of open upvalues whose thread nobody reached, converge ephemerons, clear weak
/// values, separate unreached finalizable objects and resurrect them, clear weak keys, close
/// the upvalues of dead threads, and flip the current white: objects of the other white are
/// now dead, objects created from now on survive the sweep.</item>
/// <item>Sweep, in steps: free dead blocks in address order (a dead short string is unlinked
/// from the string table first; an interned string found dead but not yet swept is revived),
/// and turn the others white. Then the next cycle's threshold is set and due finalizers run.</item>
/// </list>
/// Sub-blocks (array parts, node blocks, stacks, prototype arrays) are marked by their owner;
/// those allocated while a cycle marks are born marked, since their owner may be black.
///
/// The collector allocates nothing in the heap, and on the managed side only when one of its
/// work lists outgrows its buffer, so it is safe inside a failed allocation.
///
/// What the interpreter must keep true at every allocation and <see cref="LuaGlobal.CheckGC"/>:
/// each thread's <see cref="ThreadObj.Top"/> covers every live slot (slots above it are
/// cleared to nil by each traversal); open upvalues point below the top; objects held only in C#
/// locals are anchored (temps, pending blocks, or <see cref="IRuntimeServices.MarkExtraRoots"/>);
/// every store of a reference into an existing object goes through a write barrier. Steps run
/// only at <see cref="LuaGlobal.CheckGC"/> (safe points); allocations may run full collections.
/// </summary>
internal sealed unsafe partial class Collector : IGarbageCollector, IRootMarker
{
    /// <summary>A strong table with more slots than this is traversed in slices of the step's budget.</summary>
    public const int SliceSlots = 1024;

    /// <summary>Bytes one unit of work stands for (Lua's WORK2MEM: a slot).</summary>
    private const int WorkToBytes = 16;

    private readonly LuaGlobal _g;
    private readonly Heap _heap;

    /// <summary>Interned, fixed "__mode" and "__gc".</summary>
    private uint _modeString;
    private uint _gcString;

    // The work lists are made by the constructors (a state made from a snapshot starts them empty).
    private RefList _gray;
    private RefList _grayAgain; // threads, weak tables and tables a barrier turned gray
    private RefList _weakValues; // tables whose values are weak (v and kv)
    private RefList _weakKeys; // tables whose keys are weak (k and kv)
    private RefList _ephemerons; // tables with weak keys only
    private RefList _openUpvals; // open upvalues reached this cycle
    private RefList _deadKeyTables; // strong tables with entries whose value is nil

    /// <summary>Objects marked for finalization, in the order they were marked.</summary>
    private RefList _finobj;

    /// <summary>Objects whose finalizers are due, in call order; entries before the head ran.</summary>
    private RefList _tobefnz;
    private int _tobefnzHead;

    private long _marks; // objects marked in this cycle: ephemeron convergence compares it
    private bool _closing;
    private bool _runningFinalizers;

    private GcPhase _phase;
    private bool _atomic; // inside the atomic phase: traverse everything at once
    private byte _white = GcBits.White0; // the current white

    // The table being traversed in slices (black meanwhile: a barrier turning it gray ends the slices).
    private uint _sliceTable;
    private uint _sliceNext;
    private bool _sliceAnyNil;

    private Collector(LuaGlobal g)
    {
        _g = g;
        _heap = g.Heap;
        _gray = new(256);
        _grayAgain = new(64);
        _weakValues = new(16);
        _weakKeys = new(16);
        _ephemerons = new(16);
        _openUpvals = new(16);
        _deadKeyTables = new(16);
        _finobj = new(16);
        _tobefnz = new(16);
        _heap.NewObjectGc = _white;
        _heap.NewSubBlockGc = _white;
        _modeString = InternFixed(g, "__mode"u8);
        _gcString = InternFixed(g, "__gc"u8);
    }

    /// <summary>Creates the collector of <paramref name="g"/> and installs it.</summary>
    public static Collector Attach(LuaGlobal g)
    {
        var c = new Collector(g);
        g.Collector = c;
        c.SetThreshold();
        return c;
    }

    private static uint InternFixed(LuaGlobal g, ReadOnlySpan<byte> s)
    {
        uint r = g.Strings.Intern(s);
        ((ObjHeader*)g.Heap.Ptr(r))->Gc |= GcBits.Fixed;
        return r;
    }

    /// <summary>
    /// Called with the host handle of every full userdata the sweep frees, just before the
    /// handle is released. Runs inside the collection: it must not touch the Lua heap.
    /// </summary>
    public Action<int>? UserdataFreed { get; set; }

    /// <summary>The mode last selected (see Collector.Generational.cs for the generational one).</summary>
    public GcMode Mode { get; private set; } = GcMode.Incremental;

    /// <summary>Where the current cycle is.</summary>
    public GcPhase Phase => _phase;

    /// <summary>Inside the atomic phase (the heap verifier allows black-to-white references then).</summary>
    public bool InAtomic => _atomic;

    /// <summary>The table being traversed in slices, or 0 (black, but not all of it is marked yet).</summary>
    public uint SliceTable => _sliceTable;

    /// <summary>Step size: a step is due after 2^StepSize bytes of allocation (Lua's stepsize, default 13: 8 KiB).</summary>
    public int StepSize { get; private set; } = LuaLimits.GcStepSize;

    /// <summary>Generational mode's minor multiplier: a minor collection after this % of the memory in use is allocated (default 20).</summary>
    public int MinorMul { get; private set; } = 20;

    /// <summary>Generational mode's major multiplier: a major collection once the heap is this % above its use after the last one (default 100).</summary>
    public int MajorMul { get; private set; } = 100;

    /// <summary>
    /// Manual mode: the collector never runs by itself (the host calls <see cref="StepWork"/>
    /// or <see cref="FullCollect()"/>); out of memory still collects.
    /// </summary>
    public bool Manual
    {
        get => _manual;
        set
        {
            _manual = value;
            _g.GcStopped = value || _stoppedByScript;
        }
    }

    private bool _manual;
    private bool _stoppedByScript;

    /// <summary>
    /// Incremental GC-stress: a small step at every safe point (<see cref="LuaGlobal.CheckGC"/>),
    /// and, with <see cref="LuaGlobal.GcStress"/>, before every allocation too, so that cycles
    /// interleave with every kind of store; <see cref="AfterStep"/> (the heap verifier, in tests)
    /// runs after each.
    /// </summary>
    public bool IncrementalStress { get; set; }

    /// <summary>Called after each incremental step (tests install the heap verifier). Must not touch the Lua heap.</summary>
    public Action? AfterStep { get; set; }

    /// <summary>
    /// Whether entries of ordinary tables whose value is nil stop keeping their key alive (as
    /// in Lua: the key becomes a dead key when nothing else reaches it). Off by default: until
    /// LuaTable's insertion handles dead keys in a main position, dead keys are made only in
    /// weak-key tables, and a removed key (t[k] = nil) lives until the table's next rehash.
    /// </summary>
    public bool DeadKeysInStrongTables { get; set; }

    /// <summary>Number of objects marked for finalization whose finalizer is not yet due.</summary>
    public int FinalizableCount => _finobj.Count;

    /// <summary>Number of objects whose finalizers are due but have not run.</summary>
    public int PendingFinalizerCount => _tobefnz.Count - _tobefnzHead;

    /// <summary>Total incremental steps taken (statistics).</summary>
    public long Steps { get; private set; }

    /// <summary>Time spent in incremental steps and full collections, in <see cref="Stopwatch"/> ticks (statistics).</summary>
    public long TimeTicks { get; private set; }

    /// <summary>The longest incremental step, in <see cref="Stopwatch"/> ticks (statistics).</summary>
    public long MaxStepTicks { get; private set; }

    /// <summary>Full collections run because an allocation did not fit (or by GC-stress).</summary>
    public long EmergencyCollections { get; private set; }

    // ---- collectgarbage options ----

    /// <summary><c>collectgarbage("collect")</c>: a full cycle, then due finalizers.</summary>
    public void FullCollect() => FullCollect(emergency: false);

    /// <summary>Whether finalizers are running: the collector is not reentrant, so a collection asked for now does nothing.</summary>
    public bool IsRunningFinalizers => _runningFinalizers;

    /// <summary>
    /// <c>collectgarbage("step", kbytes)</c>: with 0, one basic step; otherwise pays
    /// <paramref name="kbytes"/> KiB of allocation debt. True when the step ended a cycle. Runs
    /// even when the collector is stopped, as in Lua.
    /// </summary>
    public bool StepCollect(long kbytes)
    {
        if (_runningFinalizers || _g.InCollection)
        {
            return false;
        }

        if (Mode == GcMode.Generational)
        {
            // A minor collection is atomic: a step is one (or a major one past the threshold), a whole cycle.
            GenerationalStep();
            AfterStep?.Invoke();
            RunPendingFinalizers();
            return true;
        }

        long debt = 1;
        if (kbytes <= 0)
        {
            _g.GcDebt = 0;
            IncrementalStep();
        }
        else
        {
            debt = kbytes >= long.MaxValue / 2048 ? long.MaxValue / 2 : (kbytes * 1024) + _g.GcDebt;
            _g.GcDebt = debt;
            if (debt > 0)
            {
                IncrementalStep();
            }
        }

        return debt > 0 && _phase == GcPhase.Pause;
    }

    /// <summary>
    /// The host's step: does about <paramref name="work"/> units of work (a unit is a slot
    /// traversed or a block swept) and returns true when a cycle ended within it. Runs in
    /// any mode, also manual.
    /// </summary>
    public bool StepWork(long work)
    {
        if (_runningFinalizers || _g.InCollection)
        {
            return false;
        }

        if (Mode == GcMode.Generational)
        {
            GenerationalStep();
            AfterStep?.Invoke();
            RunPendingFinalizers();
            return true;
        }

        bool ended = RunWork(Math.Max(1, work));
        FinishStep(ended);
        return ended;
    }

    /// <summary><c>collectgarbage("stop")</c>: no automatic steps until <see cref="Restart"/> (emergency collections still run).</summary>
    public void Stop()
    {
        _stoppedByScript = true;
        _g.GcStopped = true;
    }

    /// <summary><c>collectgarbage("restart")</c>.</summary>
    public void Restart()
    {
        _stoppedByScript = false;
        _g.GcStopped = _manual;
        _g.GcDebt = 0;
    }

    /// <summary><c>collectgarbage("isrunning")</c>.</summary>
    public bool IsRunning => !_g.GcStopped;

    /// <summary><c>collectgarbage("count")</c> in bytes.</summary>
    public long Count => _heap.Stats.BytesInUse;

    /// <summary><c>collectgarbage("setpause", p)</c>: returns the previous pause.</summary>
    public int SetPause(int pause)
    {
        int old = _g.GcPause;
        _g.GcPause = Math.Max(0, pause);
        return old;
    }

    /// <summary><c>collectgarbage("setstepmul", m)</c>: returns the previous multiplier.</summary>
    public int SetStepMul(int stepMul)
    {
        int old = _g.GcStepMul;
        _g.GcStepMul = Math.Max(0, stepMul);
        return old;
    }

    /// <summary>Sets the step size (log2 of bytes, 0..40); returns the previous one.</summary>
    public int SetStepSize(int stepSize)
    {
        int old = StepSize;
        StepSize = Math.Clamp(stepSize, 0, 40);
        return old;
    }

    /// <summary><c>collectgarbage("incremental", pause, stepmul, stepsize)</c>; zero keeps a setting. Returns the previous mode.</summary>
    public GcMode SetIncremental(int pause = 0, int stepMul = 0, int stepSize = 0)
    {
        GcMode old = Mode;
        if (pause != 0)
        {
            SetPause(pause);
        }

        if (stepMul != 0)
        {
            SetStepMul(stepMul);
        }

        if (stepSize != 0)
        {
            SetStepSize(stepSize);
        }

        if (_gen && !_g.InCollection)
        {
            LeaveGenerational();
            SetThreshold();
        }

        Mode = GcMode.Incremental;
        return old;
    }

    /// <summary><c>collectgarbage("generational", minormul, majormul)</c>; zero keeps a setting. Returns the previous mode.</summary>
    public GcMode SetGenerational(int minorMul = 0, int majorMul = 0)
    {
        GcMode old = Mode;
        if (minorMul != 0)
        {
            MinorMul = minorMul;
        }

        if (majorMul != 0)
        {
            MajorMul = majorMul;
        }

        Mode = GcMode.Generational;
        if (!_gen && !_g.InCollection)
        {
            // As Lua: entering the mode collects fully (not while finalizers run: the collector is not reentrant).
            EnterGenerational(collect: !_runningFinalizers);
            if (!_runningFinalizers)
            {
                _g.Strings.ShrinkIfSparse();
                RunPendingFinalizers();
            }
        }

        return old;
    }

    // ---- IGarbageCollector ----

    /// <summary>Pays allocation debt with one incremental step (none while finalizers run).</summary>
    public void Step()
    {
        if (_runningFinalizers || _g.InCollection)
        {
            return;
        }

        if (Mode == GcMode.Generational)
        {
            GenerationalStep(forceMajor: IncrementalStress && StressMajorDue());
            if (IncrementalStress)
            {
                _g.GcDebt = 1; // every safe point steps
            }

            AfterStep?.Invoke();
            RunPendingFinalizers();
            return;
        }

        if (IncrementalStress)
        {
            FinishStep(RunWork(64));
            _g.GcDebt = 1; // every safe point steps
            return;
        }

        IncrementalStep();
    }


    public void StressCollect()
    {
        if (!IncrementalStress)
        {
            FullCollect(emergency: true);
            return;
        }

        if (Mode == GcMode.Generational)
        {
            GenerationalStep(forceMajor: StressMajorDue());
            AfterStep?.Invoke();
            return;
        }

        if (RunWork(64))
        {
            SetThreshold();
        }

        AfterStep?.Invoke();
    }

    /// <summary>
    /// A step as Lua 5.4's incremental step: the debt plus the step size, in work units, times
    /// the step multiplier; then the debt is set so that the next step comes after 2^StepSize
    /// more bytes (or, at the end of a cycle, after the pause).
    /// </summary>
    private void IncrementalStep()
    {
        long stepMul = Math.Max(1, _g.GcStepMul);
        long stepBytes = 1L << StepSize;
        long debt = Math.Max(0, _g.GcDebt) / WorkToBytes * stepMul;
        long stepWork = stepBytes / WorkToBytes * stepMul;
        long work = debt + stepWork;
        bool ended = RunWork(work);
        if (!ended)
        {
            _g.GcDebt = -stepBytes;
        }

        FinishStep(ended);
    }

    /// <summary>Runs single steps until <paramref name="work"/> is done or the cycle ends; true if it ended.</summary>
    private bool RunWork(long work)
    {
        _g.InCollection = true;
        long t0 = Stopwatch.GetTimestamp();
        try
        {
            Steps++;
            do
            {
                work -= SingleStep(work);
            }
            while (work > 0 && _phase != GcPhase.Pause);
        }
        finally
        {
            _g.InCollection = false;
            long t = Stopwatch.GetTimestamp() - t0;
            TimeTicks += t;
            MaxStepTicks = Math.Max(MaxStepTicks, t);
        }

        return _phase == GcPhase.Pause;
    }

    private void FinishStep(bool ended)
    {
        if (ended)
        {
            SetThreshold();
            _g.Strings.ShrinkIfSparse(); // may allocate a smaller bucket array, never collects
        }

        AfterStep?.Invoke();
        RunPendingFinalizers();
    }

    public void FullCollect(bool emergency)
    {
        if (_g.InCollection || (!emergency && _runningFinalizers))
        {
            return;
        }

        if (emergency)
        {
            EmergencyCollections++;
        }

        _g.InCollection = true;
        long t0 = Stopwatch.GetTimestamp();
        try
        {
            if (_gen)
            {
                MajorInCollection();
            }
            else
            {
                // Finish the cycle under way (what it found dead goes), then a whole new one.
                RunFullCycle(toOld: Mode == GcMode.Generational); // a snapshot or compaction had left the mode
            }
        }
        finally
        {
            _g.InCollection = false;
            TimeTicks += Stopwatch.GetTimestamp() - t0;
        }

        if (_gen)
        {
            SetMinorDebt();
        }
        else
        {
            SetThreshold();
        }

        if (!emergency)
        {
            _g.Strings.ShrinkIfSparse(); // may allocate a smaller bucket array, never collects
            RunPendingFinalizers();
        }
    }

    public void Barrier(uint owner, uint r)
    {
        if (_gen)
        {
            GenerationalBarrier(owner, r);
            return;
        }

        byte* h = _heap.Ptr(owner);
        if (r != 0 && IsMarked(r))
        {
            return; // not white: the invariant holds
        }

        if (_phase != GcPhase.Propagate)
        {
            h[5] &= unchecked((byte)~GcBits.Black); // sweeping: the owner turns white soon anyway
            return;
        }

        if ((ObjType)h[4] == ObjType.Table || r == 0)
        {
            h[5] &= unchecked((byte)~GcBits.Black); // backward: gray again, traversed again in the atomic phase
            _grayAgain.Add(owner);
        }
        else
        {
            MarkObject(r); // forward
        }
    }

    public void CheckFinalizer(uint obj, uint metatable)
    {
        if (_closing || obj == 0 || metatable == 0)
        {
            return;
        }

        var h = (ObjHeader*)_heap.Ptr(obj);
        if ((h->Type != ObjType.Table && h->Type != ObjType.Userdata) || (h->Gc & GcBits.Finalizable) != 0)
        {
            return;
        }

        Value* gc = LuaTable.FindShortString(_g, metatable, _gcString);
        if (gc == null || gc->IsNil)
        {
            return;
        }

        h->Gc |= GcBits.Finalizable;
        _finobj.Add(obj);
    }

    // ---- finalizers ----

    /// <summary>
    /// Runs every due finalizer, in order. Does nothing while finalizers already run (a
    /// finalizer that collects) or before the interpreter installs <see cref="LuaGlobal.Services"/>.
    /// </summary>
    public void RunPendingFinalizers()
    {
        if (_runningFinalizers || _g.Services == null || _tobefnzHead == _tobefnz.Count)
        {
            return;
        }

        _runningFinalizers = true;
        try
        {
            // The queue may grow meanwhile (an emergency cycle inside a finalizer separates more).
            while (_tobefnzHead < _tobefnz.Count)
            {
                uint obj = _tobefnz[_tobefnzHead++];
                CallFinalizer(obj);
            }

            _tobefnz.Clear();
            _tobefnzHead = 0;
        }
        finally
        {
            _runningFinalizers = false;
        }
    }

    /// <summary>
    /// At state close: calls the finalizers of every object marked for finalization, reachable
    /// or not (newest first, after those already due), as Lua does in lua_close. Objects marked
    /// for finalization from now on are ignored.
    /// </summary>
    public void RunAllFinalizers()
    {
        _closing = true;
        for (int i = _finobj.Count - 1; i >= 0; i--)
        {
            _tobefnz.Add(_finobj[i]);
        }

        _finobj.Clear();
        RunPendingFinalizers();
    }

    private void CallFinalizer(uint obj)
    {
        var h = (ObjHeader*)_heap.Ptr(obj);
        h->Gc = (byte)((h->Gc & ~GcBits.Finalizable) | GcBits.Finalized);
        bool isTable = h->Type == ObjType.Table;
        uint mt = isTable ? ((TableObj*)h)->Metatable : ((UserdataObj*)h)->Metatable;
        Value* gcSlot = mt == 0 ? null : LuaTable.FindShortString(_g, mt, _gcString);
        if (gcSlot == null || gcSlot->IsNil)
        {
            return;
        }

        Value gc = *gcSlot;
        Value o = Value.Object(isTable ? Tag.Table : Tag.Userdata, obj);
        _g.PushTemp(o); // the object left the queue: anchor it (and its finalizer) during the call
        _g.PushTemp(gc);
        try
        {
            _g.Services!.CallFinalizer(gc, o);
        }
        catch (Exception e) when (!_g.Services!.IsStop(e))
        {
            // Lua: an error in a finalizer becomes a warning; the collection goes on.
            // A stop (instruction budget, cancellation) is no error: it goes on to the host.
            _g.Services!.Warn($"error in __gc ({e.Message})");
        }
        finally
        {
            _g.PopTemp(2);
        }
    }

    // ---- the cycle ----

    /// <summary>One unit of the cycle's progress; returns the work done (at most about <paramref name="budget"/>, except the atomic phase).</summary>
    private long SingleStep(long budget)
    {
        switch (_phase)
        {
            case GcPhase.Pause:
                StartCycle();
                return 1;
            case GcPhase.Propagate:
                if (_gray.Count > 0 || _sliceTable != 0)
                {
                    return PropagateSome(budget);
                }

                if (_againRounds < MaxAgainRounds && RegrayTables())
                {
                    _againRounds++;
                    return 1;
                }

                return Atomic();
            default:
                return SweepStep(budget);
        }
    }

    /// <summary>
    /// Before the atomic phase, tables a barrier turned gray again are traversed again
    /// incrementally (up to this many rounds per cycle), so that the atomic phase only sees
    /// what the program touched since the last round.
    /// </summary>
    private const int MaxAgainRounds = 4;

    private int _againRounds;

    /// <summary>Moves the strong tables of the gray-again list to the gray list; true if there were any.</summary>
    private bool RegrayTables()
    {
        int kept = 0;
        int moved = 0;
        for (int i = 0; i < _grayAgain.Count; i++)
        {
            uint r = _grayAgain[i];
            byte* h = _heap.Ptr(r);
            if ((ObjType)h[4] == ObjType.Table && WeakMode(((TableObj*)h)->Metatable) == 0)
            {
                _gray.Add(r);
                moved++;
            }
            else
            {
                _grayAgain[kept++] = r; // threads and weak tables wait for the atomic phase
            }
        }

        _grayAgain.Count = kept;
        return moved > 0;
    }

    /// <summary>Empties the lists and the table slice of a cycle's marking.</summary>
    private void ClearWorkLists()
    {
        _gray.Clear();
        _grayAgain.Clear();
        _weakValues.Clear();
        _weakKeys.Clear();
        _ephemerons.Clear();
        _openUpvals.Clear();
        _deadKeyTables.Clear();
        _sliceTable = 0;
    }

    private void StartCycle()
    {
        _againRounds = 0;
        ClearWorkLists();
        _marks = 0;
        _heap.NewSubBlockGc = GcBits.Marked; // an owner may be black already
        _phase = GcPhase.Propagate;
        MarkRoots();
    }

    /// <summary>The atomic phase: everything that must see a quiet heap, in one step.</summary>
    private long Atomic()
    {
        _atomic = true;
        long before = _marks;
        MarkRoots();
        for (int i = 0; i < _grayAgain.Count; i++)
        {
            _gray.Add(_grayAgain[i]); // threads, weak tables and tables a barrier touched
        }

        _grayAgain.Clear();
        Propagate();
        RemarkOpenUpvalues();
        Propagate();
        ConvergeEphemerons();

        // Weak values that refer to objects about to be finalized are cleared before the
        // objects are resurrected (Lua manual 2.5.4)...
        ClearValues();
        if (SeparateUnreachedFinalizable())
        {
            Propagate();
            ConvergeEphemerons();
        }

        // ... and weak keys only afterwards, so resurrected keys stay until the next cycle.
        ClearKeys();
        ClearValues(); // tables found only through resurrected objects

        ClearDeadKeysOfStrongTables();
        CloseUpvaluesOfDeadThreads();

        // Flip: what has the old white now is dead; what is created from now on survives the sweep.
        _white ^= GcBits.Whites;
        _heap.NewObjectGc = _white;
        _heap.NewSubBlockGc = _white;
        _phase = GcPhase.Sweep;
        _heap.SweepCursor = Heap.FirstBlock;
        _atomic = false;
        return 1 + (_marks - before);
    }

    private void SetThreshold()
    {
        long live = _heap.Stats.BytesInUse;
        long threshold = live / 100 * _g.GcPause + (live % 100 * _g.GcPause / 100);
        _g.GcDebt = live - threshold;
    }

    /// <summary>
    /// Values of open upvalues whose thread was not traversed in the atomic phase (the thread
    /// is dead, or not reached yet): marked now, since stack writes have no barrier.
    /// </summary>
    private void RemarkOpenUpvalues()
    {
        for (int i = 0; i < _openUpvals.Count; i++)
        {
            uint r = _openUpvals[i];
            var u = (UpValueObj*)_heap.Ptr(r);
            if ((u->H.Gc & GcBits.OpenUpvalSeen) == 0 && u->V != r + UpValueObj.ClosedUnits && u->V != 0)
            {
                MarkValue(*(Value*)_heap.Ptr(u->V));
            }
        }
    }

    private void MarkRoots()
    {
        MarkValue(_g.Registry);
        MarkValue(_g.MainThread);
        foreach (uint mt in _g.TypeMetatables)
        {
            MarkObject(mt);
        }

        MarkValue(_g.MemoryErrorString);
        foreach (Value v in _g.HostRoots)
        {
            MarkValue(v);
        }

        foreach (Value v in _g.Temps)
        {
            MarkValue(v);
        }

        foreach (uint r in _g.PendingBlocks)
        {
            MarkBlock(r); // not yet initialised: never read
        }

        MarkBlock(_g.Strings.BucketsRef);
        for (int i = _tobefnzHead; i < _tobefnz.Count; i++)
        {
            MarkObject(_tobefnz[i]); // due finalizers keep their objects alive until they run
        }

        _g.Services?.MarkExtraRoots(this);
    }

    void IRootMarker.MarkValue(in Value v) => MarkValue(v);

    void IRootMarker.MarkObject(uint r) => MarkObject(r);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsMarked(uint r) => (_heap.Ptr(r)[5] & GcBits.Marked) != 0;

    /// <summary>Marks a value's object, if it has one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void MarkValue(in Value v)
    {
        if (v.IsCollectable)
        {
            MarkObject(v.R);
        }
    }

    /// <summary>Marks an object (gray) and queues it for traversal; a string is black at once. 0 is ignored.</summary>
    private void MarkObject(uint r)
    {
        if (r == 0)
        {
            return;
        }

        byte* h = _heap.Ptr(r);
        byte gc = h[5];
        if ((gc & GcBits.Marked) != 0)
        {
            return;
        }

        _marks++;
        var type = (ObjType)h[4];
        if (type is ObjType.ShortString or ObjType.LongString)
        {
            h[5] = (byte)((gc & ~GcBits.Whites) | GcBits.Marked | GcBits.Black);
        }
        else
        {
            h[5] = (byte)((gc & ~GcBits.Whites) | GcBits.Marked);
            _gray.Add(r);
        }
    }

    /// <summary>Marks a sub-block its owner reads itself (or a block never read). 0 is ignored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void MarkBlock(uint r)
    {
        if (r != 0)
        {
            byte* h = _heap.Ptr(r);
            h[5] = (byte)((h[5] & ~GcBits.Whites) | GcBits.Marked);
        }
    }

    /// <summary>Marks a value that weak tables treat as an object: strings are never removed from them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void MarkIfString(in Value v)
    {
        if (v.IsString)
        {
            MarkObject(v.R);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsCollectableKey(Tag t) => t >= Tag.ShortString && t != Tag.DeadKey;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsStringTag(Tag t) => t is Tag.ShortString or Tag.LongString;

    /// <summary>Whether a weak entry holding <paramref name="v"/> is to be cleared: an object (not a string) nobody reached.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsClearable(in Value v) => v.IsCollectable && !v.IsString && !IsMarked(v.R);

    /// <summary>Traverses every gray object (the atomic phase, and ephemeron convergence).</summary>
    private void Propagate()
    {
        long work = 0;
        if (_sliceTable != 0)
        {
            work += ContinueSlice(long.MaxValue);
        }

        while (_gray.Count > 0)
        {
            work += TraverseOne(_gray.Pop());
        }

        WorkDone += work;
    }

    /// <summary>Traverses gray objects until about <paramref name="budget"/> work is done; returns the work.</summary>
    private long PropagateSome(long budget)
    {
        long work = 0;
        while (work < budget)
        {
            if (_sliceTable != 0)
            {
                work += ContinueSlice(budget - work);
            }
            else if (_gray.Count > 0)
            {
                work += TraverseOne(_gray.Pop());
            }
            else
            {
                break;
            }
        }

        WorkDone += work;
        return work;
    }

    /// <summary>Traverses one gray object; returns its work (slots, as Lua counts).</summary>
    private long TraverseOne(uint r)
    {
        byte* p = _heap.Ptr(r);
        switch ((ObjType)p[4])
        {
            case ObjType.Table:
                return TraverseTable(r, (TableObj*)p);
            case ObjType.LuaClosure:
                TraverseLuaClosure((LuaClosureObj*)p);
                p[5] |= GcBits.Black;
                return 2 + ((LuaClosureObj*)p)->H.Extra;
            case ObjType.HostClosure:
                TraverseHostClosure((HostClosureObj*)p);
                p[5] |= GcBits.Black;
                return 1 + ((HostClosureObj*)p)->H.Extra;
            case ObjType.UpValue:
                TraverseUpValue(r, (UpValueObj*)p);
                p[5] |= GcBits.Black;
                return 2;
            case ObjType.Userdata:
                TraverseUserdata((UserdataObj*)p);
                p[5] |= GcBits.Black;
                return 2 + ((UserdataObj*)p)->H.Extra;
            case ObjType.Thread:
                return TraverseThread(r, (ThreadObj*)p);
            case ObjType.Proto:
                TraverseProto((ProtoObj*)p);
                p[5] |= GcBits.Black;
                var pr = (ProtoObj*)p;
                return 1 + pr->SizeConstants + pr->SizeProtos + pr->SizeUpvals + pr->SizeLocVars;
            default:
                return 1; // a sub-block handed over as a root: marked, nothing to read
        }
    }

    /// <summary>Weakness of a table from its metatable's __mode: bit 1 keys, bit 2 values.</summary>
    private int WeakMode(uint mt)
    {
        if (mt == 0)
        {
            return 0;
        }

        Value* mode = LuaTable.FindShortString(_g, mt, _modeString);
        if (mode == null || !mode->IsString)
        {
            return 0;
        }

        int m = 0;
        foreach (byte b in StringObj.Span((StringObj*)_heap.Ptr(mode->R)))
        {
            if (b == (byte)'k')
            {
                m |= 1;
            }
            else if (b == (byte)'v')
            {
                m |= 2;
            }
        }

        return m;
    }

    private long TraverseTable(uint r, TableObj* t)
    {
        int mode = WeakMode(t->Metatable);
        if (mode != 0 && !_atomic)
        {
            // Its weakness may change before the atomic phase: traverse it there.
            _grayAgain.Add(r);
            return 1;
        }

        MarkObject(t->Metatable);
        MarkBlock(t->Array);
        MarkBlock(t->Nodes);
        int count = LuaTable.NodeCount(t);
        long work = 1 + t->ArraySize + (2L * count);
        if (mode == 0 && !_atomic && work > SliceSlots)
        {
            // Black from now on: a barrier turning it gray again ends the slices.
            t->H.Gc |= GcBits.Black;
            _sliceTable = r;
            _sliceNext = 0;
            _sliceAnyNil = false;
            return 1;
        }

        t->H.Gc |= GcBits.Black;
        bool weakKeys = (mode & 1) != 0;
        bool weakValues = (mode & 2) != 0;

        if (t->ArraySize > 0)
        {
            Value* arr = LuaTable.ArrayBase(_g, t);
            uint n = t->ArraySize;
            if (weakValues)
            {
                for (uint i = 0; i < n; i++)
                {
                    MarkIfString(arr[i]);
                }
            }
            else
            {
                for (uint i = 0; i < n; i++)
                {
                    MarkValue(arr[i]); // integer keys: an ephemeron's array part is strong
                }
            }
        }

        if (weakValues)
        {
            _weakValues.Add(r);
        }

        if (weakKeys)
        {
            _weakKeys.Add(r);
        }

        if (t->Nodes == 0)
        {
            return work;
        }

        Node* nodes = LuaTable.NodeBase(_g, t);
        if (mode == 0)
        {
            if (MarkStrongNodes(nodes, 0, count))
            {
                _deadKeyTables.Add(r);
            }
        }
        else if (mode == 2)
        {
            for (int i = 0; i < count; i++)
            {
                Node* n = nodes + i;
                if (IsCollectableKey(n->KeyTag) && !n->Val.IsNil)
                {
                    MarkObject((uint)n->KeyI); // the key of an empty entry is left to die (ClearValues)
                }

                MarkIfString(n->Val);
            }
        }
        else if (mode == 3)
        {
            // String keys are left for ClearKeys: they stay only if their entry does.
            for (int i = 0; i < count; i++)
            {
                MarkIfString(nodes[i].Val);
            }
        }
        else
        {
            _ephemerons.Add(r);
            TraverseEphemeron(t);
        }

        return work;
    }

    /// <summary>
    /// Marks the keys and values of nodes [from, to) of a strong table. The keys of entries
    /// whose value is nil are either kept (the table holds them until its next rehash drops
    /// them) or left to die as dead keys; true if there was such an entry.
    /// </summary>
    private bool MarkStrongNodes(Node* nodes, int from, int to)
    {
        bool deadKeys = DeadKeysInStrongTables;
        bool anyNil = false;
        for (int i = from; i < to; i++)
        {
            Node* n = nodes + i;
            if (IsCollectableKey(n->KeyTag))
            {
                if (deadKeys && n->Val.IsNil)
                {
                    anyNil = true;
                    continue;
                }

                MarkObject((uint)n->KeyI);
            }

            MarkValue(n->Val);
        }

        return anyNil;
    }

    /// <summary>
    /// Goes on with the table traversed in slices: about <paramref name="budget"/> slots of its
    /// array part, then of its hash part. Ends when done, or when a barrier turned the table
    /// gray again (it is then traversed whole in the atomic phase).
    /// </summary>
    private long ContinueSlice(long budget)
    {
        uint r = _sliceTable;
        var t = (TableObj*)_heap.Ptr(r);
        if ((t->H.Gc & GcBits.Black) == 0)
        {
            _sliceTable = 0;
            return 1;
        }

        long work = 0;
        uint n = t->ArraySize;
        if (_sliceNext < n)
        {
            Value* arr = LuaTable.ArrayBase(_g, t);
            uint end = (uint)Math.Min(n, _sliceNext + Math.Max(1, budget));
            for (uint i = _sliceNext; i < end; i++)
            {
                MarkValue(arr[i]);
            }

            work += end - _sliceNext;
            _sliceNext = end;
            if (end < n)
            {
                return work;
            }
        }

        int count = LuaTable.NodeCount(t);
        int from = (int)(_sliceNext - n);
        if (from < count)
        {
            long room = Math.Max(1, (budget - work) / 2);
            int to = (int)Math.Min(count, from + room);
            if (MarkStrongNodes(LuaTable.NodeBase(_g, t), from, to))
            {
                _sliceAnyNil = true;
            }

            work += 2L * (to - from);
            _sliceNext = n + (uint)to;
            if (to < count)
            {
                return work;
            }
        }

        if (_sliceAnyNil)
        {
            _deadKeyTables.Add(r);
        }

        _sliceTable = 0;
        return work + 1;
    }

    /// <summary>An ephemeron's hash part: a value is marked only once its key is marked.</summary>
    private void TraverseEphemeron(TableObj* t)
    {
        Node* nodes = LuaTable.NodeBase(_g, t);
        int count = LuaTable.NodeCount(t);
        for (int i = 0; i < count; i++)
        {
            Node* n = nodes + i;
            Tag kt = n->KeyTag;
            if (IsStringTag(kt))
            {
                if (!n->Val.IsNil)
                {
                    MarkObject((uint)n->KeyI); // a string is a value, never a weak reference
                    MarkValue(n->Val);
                }
            }
            else if (!IsCollectableKey(kt))
            {
                if (kt != Tag.DeadKey)
                {
                    MarkValue(n->Val); // a plain key is always reachable
                }
            }
            else if (IsMarked((uint)n->KeyI))
            {
                MarkValue(n->Val);
            }
        }
    }

    /// <summary>Re-traverses ephemerons until a full round marks nothing new.</summary>
    private void ConvergeEphemerons()
    {
        while (true)
        {
            long before = _marks;
            for (int i = 0; i < _ephemerons.Count; i++)
            {
                TraverseEphemeron((TableObj*)_heap.Ptr(_ephemerons[i]));
                Propagate(); // may find more ephemerons: the loop bound is read each time
            }

            if (_marks == before)
            {
                return;
            }
        }
    }

    private void TraverseLuaClosure(LuaClosureObj* c)
    {
        MarkObject(c->Proto);
        uint* up = LuaClosureObj.Upvals(c);
        for (int i = 0; i < c->H.Extra; i++)
        {
            MarkObject(up[i]);
        }
    }

    private void TraverseHostClosure(HostClosureObj* c)
    {
        Value* up = HostClosureObj.Upvals(c);
        for (int i = 0; i < c->H.Extra; i++)
        {
            MarkValue(up[i]);
        }
    }

    private void TraverseUpValue(uint r, UpValueObj* u)
    {
        if (u->V == r + UpValueObj.ClosedUnits)
        {
            MarkValue(u->Closed);
        }
        else if (u->V != 0)
        {
            // Open: the value sits in a thread's stack. Mark it here too, in case the thread
            // is dead; then the upvalue is closed before the sweep frees the stack.
            MarkValue(*(Value*)_heap.Ptr(u->V));
            _openUpvals.Add(r);
        }
    }

    private void TraverseUserdata(UserdataObj* u)
    {
        MarkObject(u->Metatable);
        Value* uv = UserdataObj.UserValues(u);
        for (int i = 0; i < u->H.Extra; i++)
        {
            MarkValue(uv[i]);
        }
    }

    /// <summary>
    /// A thread's stack up to its top and its open upvalues. Outside the atomic phase the thread
    /// stays gray (its stack changes without barriers) and is traversed again there; only that
    /// traversal tells its open upvalues that their thread lives.
    /// </summary>
    private long TraverseThread(uint r, ThreadObj* t)
    {
        long work = 1;
        if (t->Stack != 0)
        {
            MarkBlock(t->Stack);
            Value* s = LuaThread.StackBase(_g, t);
            uint top = Math.Min(t->Top, t->StackSize);
            for (uint i = 0; i < top; i++)
            {
                MarkValue(s[i]);
            }

            // Slots above the top are dead: clear them so that stale values neither survive
            // nor dangle once their objects are freed.
            new Span<Value>(s + top, (int)(t->StackSize - top)).Clear();
            work += top;
        }

        for (uint uv = t->OpenUpval; uv != 0;)
        {
            var u = (UpValueObj*)_heap.Ptr(uv);
            if (_atomic)
            {
                u->H.Gc |= GcBits.OpenUpvalSeen;
            }

            MarkObject(uv);
            uv = u->NextOpen;
            work++;
        }

        if (!_atomic)
        {
            _grayAgain.Add(r);
        }
        else if (_minor)
        {
            _genThreadsNext.Add(r);
        }

        return work;
    }

    private void TraverseProto(ProtoObj* p)
    {
        MarkBlock(p->Code);
        MarkBlock(p->Upvals);
        MarkBlock(p->LineInfo);
        MarkObject(p->Source);
        if (p->Constants != 0)
        {
            MarkBlock(p->Constants);
            var k = (Value*)(_heap.Ptr(p->Constants) + sizeof(ObjHeader));
            for (uint i = 0; i < p->SizeConstants; i++)
            {
                MarkValue(k[i]);
            }
        }

        if (p->Protos != 0)
        {
            MarkBlock(p->Protos);
            var ps = (uint*)(_heap.Ptr(p->Protos) + sizeof(ObjHeader));
            for (uint i = 0; i < p->SizeProtos; i++)
            {
                MarkObject(ps[i]);
            }
        }

        if (p->UpvalNames != 0)
        {
            MarkBlock(p->UpvalNames);
            var names = (uint*)(_heap.Ptr(p->UpvalNames) + sizeof(ObjHeader));
            for (uint i = 0; i < p->SizeUpvals; i++)
            {
                MarkObject(names[i]);
            }
        }

        if (p->LocVars != 0)
        {
            MarkBlock(p->LocVars);
            var lv = (uint*)(_heap.Ptr(p->LocVars) + sizeof(ObjHeader));
            for (uint i = 0; i < p->SizeLocVars; i++)
            {
                MarkObject(lv[i * 3]); // records of (name, startpc, endpc)
            }
        }
    }

    // ---- weak tables ----

    private void ClearValues()
    {
        for (int w = 0; w < _weakValues.Count; w++)
        {
            var t = (TableObj*)_heap.Ptr(_weakValues[w]);
            if (t->ArraySize > 0)
            {
                Value* arr = LuaTable.ArrayBase(_g, t);
                for (uint i = 0; i < t->ArraySize; i++)
                {
                    if (IsClearable(arr[i]))
                    {
                        arr[i] = default;
                    }
                }
            }

            if (t->Nodes != 0)
            {
                Node* nodes = LuaTable.NodeBase(_g, t);
                int count = LuaTable.NodeCount(t);
                for (int i = 0; i < count; i++)
                {
                    Node* n = nodes + i;
                    if (IsClearable(n->Val))
                    {
                        n->Val = default;
                    }

                    if (n->Val.IsNil)
                    {
                        ClearKeyIfDead(n);
                    }
                }
            }
        }
    }

    private void ClearKeys()
    {
        for (int w = 0; w < _weakKeys.Count; w++)
        {
            var t = (TableObj*)_heap.Ptr(_weakKeys[w]);
            if (t->Nodes == 0)
            {
                continue;
            }

            Node* nodes = LuaTable.NodeBase(_g, t);
            int count = LuaTable.NodeCount(t);
            for (int i = 0; i < count; i++)
            {
                Node* n = nodes + i;
                if (!IsCollectableKey(n->KeyTag))
                {
                    continue;
                }

                if (IsStringTag(n->KeyTag))
                {
                    // A string key is never removed for weakness: it lives as long as its
                    // entry. An entry already emptied (its weak value was cleared) lets it go
                    // in this same cycle.
                    if (n->Val.IsNil)
                    {
                        ClearKeyIfDead(n);
                    }
                    else
                    {
                        MarkObject((uint)n->KeyI);
                    }
                }
                else if (!IsMarked((uint)n->KeyI))
                {
                    n->Val = default;
                    n->KeyTag = Tag.DeadKey; // the payload stays: next() can go on past it
                }
            }
        }
    }

    private void ClearDeadKeysOfStrongTables()
    {
        for (int w = 0; w < _deadKeyTables.Count; w++)
        {
            var t = (TableObj*)_heap.Ptr(_deadKeyTables[w]);
            Node* nodes = LuaTable.NodeBase(_g, t);
            int count = LuaTable.NodeCount(t);
            for (int i = 0; i < count; i++)
            {
                Node* n = nodes + i;
                if (n->Val.IsNil)
                {
                    ClearKeyIfDead(n); // strings too: a dead string key would dangle
                }
            }
        }
    }

    /// <summary>An entry without value whose key object is unreached: the key becomes a dead key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ClearKeyIfDead(Node* n)
    {
        if (IsCollectableKey(n->KeyTag) && !IsMarked((uint)n->KeyI))
        {
            n->KeyTag = Tag.DeadKey;
        }
    }

    // ---- finalization ----

    /// <summary>
    /// Moves unreached objects marked for finalization to the due queue, newest first (Lua
    /// calls finalizers in the reverse order of marking), and marks them again. True if any.
    /// </summary>
    private bool SeparateUnreachedFinalizable()
    {
        int firstNew = _tobefnz.Count;
        for (int i = _finobj.Count - 1; i >= 0; i--)
        {
            uint o = _finobj[i];
            if (!IsMarked(o))
            {
                _tobefnz.Add(o);
            }
        }

        if (_tobefnz.Count == firstNew)
        {
            return false;
        }

        int kept = 0;
        for (int i = 0; i < _finobj.Count; i++)
        {
            uint o = _finobj[i];
            if (IsMarked(o))
            {
                _finobj[kept++] = o;
            }
        }

        _finobj.Count = kept;
        for (int i = firstNew; i < _tobefnz.Count; i++)
        {
            MarkObject(_tobefnz[i]); // resurrect until the finalizer has run
        }

        return true;
    }

    /// <summary>Open upvalues whose thread nobody reached get their value copied in (as when a thread is freed).</summary>
    private void CloseUpvaluesOfDeadThreads()
    {
        for (int i = 0; i < _openUpvals.Count; i++)
        {
            uint r = _openUpvals[i];
            var u = (UpValueObj*)_heap.Ptr(r);
            if ((u->H.Gc & GcBits.OpenUpvalSeen) == 0 && u->V != r + UpValueObj.ClosedUnits)
            {
                u->Closed = *(Value*)_heap.Ptr(u->V);
                u->V = r + UpValueObj.ClosedUnits;
                u->NextOpen = 0;
            }
        }
    }

    // ---- sweep ----

    /// <summary>
    /// Sweeps about <paramref name="budget"/> blocks from the cursor, in address order: frees
    /// every block of the other (dead) white that is not fixed, and turns the others white.
    /// Freeing merges a block with free neighbours, so the next position is computed before the
    /// free (skipping a free successor, whose header the merge leaves stale). Between steps the
    /// heap keeps the cursor on a block start (<see cref="Heap.SweepCursor"/>).
    /// </summary>
    private long SweepStep(long budget)
    {
        const byte cycleBits = GcBits.CycleBits;
        byte dead = (byte)(_white ^ GcBits.Whites);
        byte white = _white;
        byte* baseP = _heap.Base;
        uint end = _heap.PoolEnd;
        uint b = _heap.SweepCursor;
        long work = 0;
        long limit = Math.Max(1, budget);
        while (b < end && work < limit)
        {
            work++;
            uint size = _heap.SizeAt(b);
            if (_heap.IsFreeAt(b))
            {
                b += size;
                continue;
            }

            byte* h = baseP + b;
            byte gc = h[5];
            if ((gc & dead) == 0 || (gc & GcBits.Fixed) != 0)
            {
                if (_sweepToOld)
                {
                    MakeOld(h, b >> 3);
                }
                else
                {
                    h[5] = (byte)((gc & ~cycleBits) | white);
                }

                b += size;
                continue;
            }

            uint next = b + size;
            if (next < end && _heap.IsFreeAt(next))
            {
                next += _heap.SizeAt(next);
            }

            FreeObject(h, b >> 3);
            b = next;
        }

        if (b >= end)
        {
            _heap.SweepCursor = 0;
            _phase = GcPhase.Pause;
            _heap.Stats.Collections++;
        }
        else
        {
            _heap.SweepCursor = b;
        }

        WorkDone += work;
        return work;
    }

    private void FreeObject(byte* h, uint r)
    {
        ReleaseObject(h, r);
        _heap.Free(r);
    }

    /// <summary>Lets go of what a dying object holds outside its block: its string-table link, its host handle.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // both sweeps' per-block path, as it was before the split
    private void ReleaseObject(byte* h, uint r)
    {
        switch ((ObjType)h[4])
        {
            case ObjType.ShortString:
                _g.Strings.Remove(r);
                break;
            case ObjType.Userdata:
                int uh = ((UserdataObj*)h)->Handle;
                if (uh >= 0)
                {
                    UserdataFreed?.Invoke(uh);
                    _g.Handles.Release(uh);
                }

                break;
            case ObjType.Thread:
                int th = ((ThreadObj*)h)->Handle;
                if (th >= 0)
                {
                    _g.Services?.ThreadFreed(th); // its coroutine object is kept for reuse
                    _g.Handles.Release(th);
                }

                break;
            default:
                break;
        }
    }

    /// <summary>A growable list of references whose buffer is kept between cycles.</summary>
    private struct RefList
    {
        private uint[] _items;

        public RefList(int capacity)
        {
            _items = capacity == 0 ? [] : new uint[capacity];
            Count = 0;
        }

        public int Count;

        public uint this[int i]
        {
            readonly get => _items[i];
            set => _items[i] = value;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(uint r)
        {
            if (Count == _items.Length)
            {
                Array.Resize(ref _items, Math.Max(16, Count * 2));
            }

            _items[Count++] = r;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public uint Pop() => _items[--Count];

        public void Clear() => Count = 0;
    }
}

