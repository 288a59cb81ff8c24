using MicroLua.Core;
using MicroLua.Memory;

namespace MicroLua.Values;

/// <summary>What a snapshot keeps of the shared state, and the shared state of a state made from one.</summary>
internal sealed unsafe partial class LuaGlobal
{
    /// <summary>The managed half of the shared state: roots, the string table's fields, collector settings, handles.</summary>
    internal sealed class Saved
    {
        public required uint Seed { get; init; }
        public required Value Registry { get; init; }
        public required Value MainThread { get; init; }
        public required Value MemoryErrorString { get; init; }
        public required uint[] TypeMetatables { get; init; }
        public required uint StringBuckets { get; init; }
        public required int StringSize { get; init; }
        public required int StringCount { get; init; }
        /// <summary>A frozen table (coroutines in it are copies); states made from the snapshot share its arrays.</summary>
        public required HandleTable Handles { get; init; }
        public long GcDebt { get; init; }
        public int GcPause { get; init; }
        public int GcStepMul { get; init; }
        public bool GcStopped { get; init; }
    }

    /// <summary>The managed half, for a snapshot; <paramref name="handles"/> is the frozen handle table.</summary>
    public Saved Save(HandleTable handles) => new()
    {
        Seed = Seed,
        Registry = Registry,
        MainThread = MainThread,
        MemoryErrorString = MemoryErrorString,
        TypeMetatables = (uint[])TypeMetatables.Clone(),
        StringBuckets = Strings.BucketsRef,
        StringSize = Strings.Size,
        StringCount = Strings.Count,
        Handles = handles,
        GcDebt = GcDebt,
        GcPause = GcPause,
        GcStepMul = GcStepMul,
        GcStopped = GcStopped,
    };

    /// <summary>The shared state of a heap copied from a snapshot: nothing is allocated in the heap.</summary>
    public LuaGlobal(Heap heap, Saved s, HandleTable handles)
    {
        Heap = heap;
        Seed = s.Seed;
        Handles = handles;
        Strings = new StringTable(this);
        Load(s);
    }

    /// <summary>Puts the managed half back to what the snapshot recorded (the heap bytes are already back).</summary>
    public void Load(Saved s)
    {
        Registry = s.Registry;
        MainThread = s.MainThread;
        MemoryErrorString = s.MemoryErrorString;
        s.TypeMetatables.CopyTo(TypeMetatables, 0);
        Strings.Load(s.StringBuckets, s.StringSize, s.StringCount);
        GcDebt = s.GcDebt;
        GcPause = s.GcPause;
        GcStepMul = s.GcStepMul;
        GcStopped = s.GcStopped;
        _tempCount = 0;
        _pendingCount = 0;
    }
}
