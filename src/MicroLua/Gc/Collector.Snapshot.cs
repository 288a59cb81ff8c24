using MicroLua.Values;

namespace MicroLua.Gc;

/// <summary>
/// What a snapshot keeps of the collector, and the collector of a state made from one. A
/// snapshot is taken between cycles (at a safe point of the host, never inside a collection),
/// so only what lasts from one cycle to the next is kept: the finalizer lists and the modes.
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
    }

    /// <summary>The collector's lasting state, for a snapshot. Refused inside a collection or while finalizers run.</summary>
    public Saved Save()
    {
        if (_g.InCollection || _runningFinalizers)
        {
            throw new InvalidOperationException("A state cannot be snapshotted while its collector runs.");
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
        };
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
        _weakValues = new(0);
        _weakKeys = new(0);
        _ephemerons = new(0);
        _openUpvals = new(0);
        _deadKeyTables = new(0);
        _finobj = new(0);
        _tobefnz = new(0);
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
        _finobj.Clear();
        _tobefnz.Clear();
        _tobefnzHead = 0;
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
    }
}
