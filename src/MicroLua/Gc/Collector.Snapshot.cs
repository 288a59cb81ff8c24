using MicroLua.Values;

namespace MicroLua.Gc;

/// <summary>
/// What a snapshot keeps of the collector, and the collector of a state made from one. A
/// snapshot is taken between cycles (at a safe point of the host, never inside a collection;
/// an incremental cycle under way is finished first), so only what lasts from one cycle to the
/// next is kept: the finalizer lists, the current white and the modes.
/// Whoever changes the collector's lasting state changes <see cref="Saved"/> with it.
/// </summary>
internal sealed unsafe partial class Collector
{
    /// <summary>The lasting state of a collector between cycles.</summary>
    internal sealed class Saved
    {
        public required uint ModeString { get; init; }
        public required uint GcString { get; init; }
        public required uint[] Finalizable { get; init; }
        public required uint[] DueFinalizers { get; init; }
        public GcMode Mode { get; init; }
        public int StepSize { get; init; }
        public int MinorMul { get; init; }
        public int MajorMul { get; init; }
        public bool DeadKeysInStrongTables { get; init; }
        public byte White { get; init; }
        public bool Manual { get; init; }
    }

    /// <summary>The collector's lasting state, for a snapshot. Refused inside a collection or while finalizers run.</summary>
    public Saved Save()
    {
        if (_g.InCollection || _runningFinalizers)
        {
            throw new InvalidOperationException("A state cannot be snapshotted while its collector runs.");
        }

        if (_phase != GcPhase.Pause)
        {
            throw new InvalidOperationException("A snapshot is taken between collection cycles: call FinishCycle before copying the heap.");
        }

        return new Saved
        {
            ModeString = _modeString,
            GcString = _gcString,
            Finalizable = ToArray(_finobj, 0),
            DueFinalizers = ToArray(_tobefnz, _tobefnzHead),
            Mode = Mode,
            StepSize = StepSize,
            MinorMul = MinorMul,
            MajorMul = MajorMul,
            DeadKeysInStrongTables = DeadKeysInStrongTables,
            White = _white,
            Manual = _manual,
        };
    }

    /// <summary>
    /// Runs the incremental cycle under way, if any, to its end (what it found dead is freed); in
    /// generational mode, leaves the generational representation until the next step.
    /// </summary>
    public void FinishCycle()
    {
        if (_gen)
        {
            // The lists of young and remembered objects are not kept: the heap goes back to
            // the incremental representation, and the generational one is entered again at the
            // next step (everything then in the heap becomes old).
            LeaveGenerational();
            SetThreshold();
            return;
        }

        if (_phase == GcPhase.Pause)
        {
            return;
        }

        _g.InCollection = true;
        try
        {
            while (_phase != GcPhase.Pause)
            {
                SingleStep(long.MaxValue);
            }
        }
        finally
        {
            _g.InCollection = false;
        }

        SetThreshold();
    }

    /// <summary>The colours and pacing of a collector whose heap is a snapshot's copy, taken between cycles.</summary>
    private void StartBetweenCycles(Saved s)
    {
        // A snapshot's heap is in the incremental representation (FinishCycle left generational
        // mode): a generational state being restored drops its young and remembered lists, and
        // enters the mode again at its next step.
        _gen = false;
        _minor = false;
        _sweepToOld = false;
        _heap.NewObjects = null;
        _heap.NewObjectCount = 0;
        if (_gens != null)
        {
            _gens.Survival.Clear();
            ClearGenerationalLists();
        }

        _phase = GcPhase.Pause;
        _atomic = false;
        _sliceTable = 0;
        _white = s.White;
        _heap.NewObjectGc = _white;
        _heap.NewSubBlockGc = _white;
        Manual = s.Manual;
        // The debt stays the one saved (LuaGlobal's), as the snapshot's FinishCycle left it: a
        // copy steps when the state it copies would have, so its allocations land where that
        // state's do (a fresh threshold here made a template's copies collect at other times
        // than the state built from scratch, and their heaps differ by a block's slack).
    }

    private static uint[] ToArray(in RefList list, int from)
    {
        if (list.Count - from <= 0)
        {
            return [];
        }

        var a = new uint[list.Count - from];
        for (int i = from; i < list.Count; i++)
        {
            a[i - from] = list[i];
        }

        return a;
    }

    private Collector(LuaGlobal g, Saved s)
    {
        _g = g;
        _heap = g.Heap;
        _modeString = s.ModeString;
        _gcString = s.GcString;
        // Work lists start empty and grow at the first cycle: an idle state holds no buffers.
        _gray = new(0);
        _grayAgain = new(0);
        _weakValues = new(0);
        _weakKeys = new(0);
        _ephemerons = new(0);
        _openUpvals = new(0);
        _deadKeyTables = new(0);
        _finobj = new(0);
        _tobefnz = new(0);
        LoadLasting(s);
    }

    /// <summary>Installs in <paramref name="g"/> (a copy of a snapshot's heap) the collector the snapshot recorded.</summary>
    public static Collector AttachCopy(LuaGlobal g, Saved s)
    {
        var c = new Collector(g, s);
        g.Collector = c;
        return c;
    }

    /// <summary>Puts this collector back to what the snapshot recorded (Restore of the same state).</summary>
    public void Load(Saved s)
    {
        ClearWorkLists(); // a cycle under way in the state being restored is dropped with its heap
        _finobj.Clear();
        _tobefnz.Clear();
        _tobefnzHead = 0;
        LoadLasting(s);
    }

    /// <summary>The finalizer lists, modes, colours and pacing a snapshot recorded (the lists must be empty).</summary>
    private void LoadLasting(Saved s)
    {
        _modeString = s.ModeString; // where the snapshot's heap bytes have them
        _gcString = s.GcString;
        foreach (uint r in s.Finalizable)
        {
            _finobj.Add(r);
        }

        foreach (uint r in s.DueFinalizers)
        {
            _tobefnz.Add(r);
        }

        Mode = s.Mode;
        StepSize = s.StepSize;
        MinorMul = s.MinorMul;
        MajorMul = s.MajorMul;
        DeadKeysInStrongTables = s.DeadKeysInStrongTables;
        StartBetweenCycles(s);
    }
}
