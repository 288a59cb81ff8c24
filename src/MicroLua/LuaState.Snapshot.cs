using MicroLua.Core;
using MicroLua.Library;
using MicroLua.Memory;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua;

/// <summary>Snapshot, restore and fork: a state is one block of offsets plus a small managed side, so it can be copied as bytes.</summary>
public sealed unsafe partial class LuaState
{
    /// <summary>
    /// Captures the whole state (see <see cref="LuaSnapshot"/>). Only where no Lua code runs:
    /// not from inside a host function, a hook or a coroutine.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// Lua code is running; or the state holds what cannot be shared between states: a .NET object
    /// in its handle table that is not a host function, a userdata object or a coroutine (open
    /// files of MicroLua.Host's io library, for example), a library that keeps per-state host
    /// objects (MicroLua.Host's io and os), chunks loaded in place (their code lies outside the heap), or a coroutine
    /// suspended with a host continuation (<see cref="LuaCallContext.Yield(LuaCallback?, ReadOnlySpan{LuaValue})"/>, an async host function's await).
    /// </exception>
    public LuaSnapshot Snapshot()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckSnapshotPoint("snapshotted");
        if (_rt.SnapshotRefusal is { } why)
        {
            throw new InvalidOperationException(why);
        }

        if (_g.HasChunkPins)
        {
            throw new InvalidOperationException("A state that ran chunks loaded in place cannot be snapshotted: their code lies in host memory outside the heap (load them with Load instead).");
        }

        _rt.Collector.FinishCycle(); // the copy starts between cycles: no gray list or slice to carry over
        HandleTable handles = _g.Handles.Freeze(static o => o switch
        {
            HostFunctionInfo or HostObject => o,
            Coroutine { Continuation: not null } => throw new InvalidOperationException(
                "A state with a coroutine suspended in a host function's yield with a continuation (or awaiting an async host function) cannot be snapshotted: the continuation is .NET code bound to this state."),
            Coroutine co => co.Clone(),
            _ => throw new InvalidOperationException(
                $"A state holding a {o.GetType().Name} cannot be snapshotted: only host functions, userdata objects and coroutines can be shared between states (open files cannot)."),
        });
        Heap heap = _g.Heap;
        byte[] head = GC.AllocateUninitializedArray<byte>((int)heap.CopyLength);
        byte[] tail = new byte[Heap.TailBytes];
        heap.CopyTo(head, tail);
        return new LuaSnapshot
        {
            Options = Options with { MemoryLimit = (long)heap.Length, HashSeed = _g.Seed, GcPause = _g.GcPause, GcStepMultiplier = _g.GcStepMul },
            HeapLength = heap.Length,
            Head = head,
            Tail = tail,
            HighWater = heap.HighWater,
            Stats = heap.Stats.Save(),
            Global = _g.Save(handles),
            Vm = _vm.Save(),
            Runtime = _rt.Save(),
            Gc = _rt.Collector.Save(),
            HostRoots = [.. _g.HostRoots],
        };
    }

    /// <summary>
    /// Puts the state back to <paramref name="snapshot"/>: a snapshot of this state, or of the state
    /// (or snapshot) this one was made from. Handles the host took before the snapshot refer to
    /// the same objects again; handles taken after it refer to nil. Userdata made after the
    /// snapshot are dropped without their collection callbacks.
    /// </summary>
    /// <exception cref="InvalidOperationException">Lua code is running.</exception>
    /// <exception cref="ArgumentException">The snapshot is not of this state's family.</exception>
    public void Restore(LuaSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckSnapshotPoint("restored");
        Gc.Collector.Saved gc = snapshot.Gc;
        if (snapshot.HeapLength != _g.Heap.Length || !_vm.SharesNamesWith(snapshot.Vm)
            || snapshot.Global.Seed != _g.Seed)
        {
            throw new ArgumentException("The snapshot is not of this state, nor of the state or snapshot it was made from.", nameof(snapshot));
        }

        Heap heap = _g.Heap;
        heap.CopyFrom(snapshot.Head, snapshot.Tail, snapshot.HighWater);
        heap.Stats.Load(snapshot.Stats);
        _g.Load(snapshot.Global);
        _g.Handles = OwnHandles(snapshot.Global.Handles);
        _rt.Collector.Load(gc);
        _vm.Load(snapshot.Vm);
        _rt.Load(snapshot.Runtime);
        List<Value> roots = _g.HostRoots;
        for (int i = 0; i < roots.Count; i++)
        {
            roots[i] = i < snapshot.HostRoots.Length ? snapshot.HostRoots[i] : default;
        }

        _collected?.Clear();
    }

    /// <summary>
    /// A new state that is a copy of <paramref name="snapshot"/>, in a block of its own. With
    /// <paramref name="options"/>, its callbacks (output, compiler, require) and call limits are
    /// taken from them; the memory limit, libraries, hash seed and collector settings are always
    /// the snapshot's, because the heap bytes depend on them.
    /// </summary>
    public static LuaState FromSnapshot(LuaSnapshot snapshot, LuaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        LuaOptions o = SnapshotOptions(snapshot, options);
        return new LuaState(snapshot, o, Heap.ForCopy(snapshot.HeapLength));
    }

    /// <summary>
    /// <see cref="FromSnapshot(LuaSnapshot, LuaOptions?)"/> into memory the host owns: <paramref name="length"/>
    /// bytes at <paramref name="memory"/> (8-byte aligned, the snapshot's memory limit long), kept
    /// alive and unused by the host until the state is disposed.
    /// </summary>
    /// <exception cref="ArgumentException">The block is not the snapshot's size or not aligned.</exception>
    public static LuaState FromSnapshot(LuaSnapshot snapshot, LuaOptions? options, byte* memory, nuint length)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if ((length & ~(nuint)(Heap.Align - 1)) != snapshot.HeapLength)
        {
            throw new ArgumentException($"A state from this snapshot needs a block of {snapshot.HeapLength} bytes.", nameof(length));
        }

        return new LuaState(snapshot, SnapshotOptions(snapshot, options), Heap.ForCopy(memory, length));
    }

    /// <summary>A new state that is a copy of this one now (a snapshot and a state made from it).</summary>
    /// <exception cref="InvalidOperationException">As for <see cref="Snapshot"/>.</exception>
    public LuaState Fork() => FromSnapshot(Snapshot());

    private static LuaOptions SnapshotOptions(LuaSnapshot s, LuaOptions? options) =>
        options == null || ReferenceEquals(options, s.Options) ? s.Options
        : CheckOptions(options) with
        {
            MemoryLimit = s.Options.MemoryLimit,
            Libraries = s.Options.Libraries,
            HashSeed = s.Options.HashSeed,
            GcPause = s.Options.GcPause,
            GcStepMultiplier = s.Options.GcStepMultiplier,
        };

    private void CheckSnapshotPoint(string what)
    {
        if (!_vm.AtSafePoint || _g.InCollection)
        {
            throw new InvalidOperationException($"A state can be {what} only where no Lua code runs (not from a host function, a hook or a coroutine).");
        }
    }

    /// <summary>A handle table sharing the snapshot's arrays, with copies of its coroutines (each state runs its own).</summary>
    private static HandleTable OwnHandles(HandleTable frozen)
    {
        var t = new HandleTable(frozen);
        for (int i = 0; i < frozen.Capacity; i++)
        {
            if (frozen.At(i) is Coroutine co)
            {
                t.Replace(i, co.Clone());
            }
        }

        return t;
    }

    /// <summary>
    /// A state whose heap is a copy of the snapshot's (see <see cref="FromSnapshot(LuaSnapshot, LuaOptions?)"/>),
    /// or, with <paramref name="s"/> null, a state built from scratch in <paramref name="heap"/>.
    /// With <paramref name="ownFamily"/> the copy is a family of its own (a state the public
    /// constructor made from a template): a snapshot of one such state does not restore another.
    /// </summary>
    private LuaState(LuaSnapshot? s, LuaOptions options, Heap heap, bool ownFamily = false)
    {
        Options = options;
        (_g, _vm, _rt) = s == null ? BuildFromScratch(options, heap) : BuildFromSnapshot(s, options, heap, ownFamily);
    }

    private (LuaGlobal, Interpreter, LuaRuntime) BuildFromSnapshot(LuaSnapshot s, LuaOptions options, Heap heap, bool ownFamily)
    {
        try
        {
            heap.CopyFrom(s.Head, s.Tail, s.HighWater);
            heap.Stats.Load(s.Stats);
        }
        catch
        {
            heap.Dispose();
            throw;
        }

        var g = new LuaGlobal(heap, s.Global, OwnHandles(s.Global.Handles));
        Gc.Collector.AttachCopy(g, s.Gc);
        var vm = new Interpreter(g, s.Vm, ownFamily)
        {
            MaxCCalls = options.MaxCallDepth,
            MaxStack = options.MaxStackSize,
        };
        var rt = new LuaRuntime(g, vm, s.Runtime)
        {
            Output = options.Output,
            Owner = this,
            HostSearcher = HostSearcher(options.Require),
        };
        rt.Chunks.Compiler = options.Compiler;
        rt.Chunks.AllowBinaryChunks = (options.Libraries & LuaLibraries.BinaryChunks) != 0;
        rt.WireCollector();
        rt.Collector.UserdataFreed = OnUserdataFreed;
        g.GcStress = options.GcStress;
        return (g, vm, rt);
    }
}
