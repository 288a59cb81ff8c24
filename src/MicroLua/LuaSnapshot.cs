using MicroLua.Core;
using MicroLua.Library;
using MicroLua.Memory;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua;

/// <summary>
/// A whole Lua state at one moment: its heap as bytes (up to the highest block it ever used,
/// not the reserved limit) and the small managed side needed to rebuild it (roots, the handle
/// table, the collector's finalizer lists, the options). Made by <see cref="LuaState.Snapshot"/>;
/// <see cref="LuaState.Restore"/> puts a state back to it, <see cref="LuaState.FromSnapshot(LuaSnapshot, LuaOptions?)"/>
/// makes new states from it, and <see cref="WriteImage"/> / <see cref="ReadImage"/> store it
/// as bytes. Immutable once made: many threads may make states from one snapshot at once.
///
/// Host functions and the .NET objects userdata wrap are shared by reference between the
/// states made from one snapshot (each state has its own userdata blocks that wrap the same
/// object); coroutines are copied.
/// </summary>
public sealed partial class LuaSnapshot
{
    internal LuaSnapshot()
    {
    }

    /// <summary>The options of the state (memory limit, libraries, limits, callbacks).</summary>
    public LuaOptions Options { get; internal init; } = null!;

    /// <summary>Bytes of heap the snapshot holds (its copy of the block, up to the high-water mark).</summary>
    public long HeapBytes => Head.Length + Tail.Length;

    internal nuint HeapLength { get; init; }

    internal byte[] Head { get; init; } = null!;

    internal byte[] Tail { get; init; } = null!;

    internal uint HighWater { get; init; }

    internal MemoryStats.Counts Stats { get; init; }

    internal LuaGlobal.Saved Global { get; init; } = null!;

    internal Interpreter.Saved Vm { get; init; } = null!;

    internal LuaRuntime.Saved Runtime { get; init; } = null!;

    internal Gc.Collector.Saved Gc { get; init; } = null!;

    /// <summary>Values the host held (LuaReference slots) when the snapshot was taken: Restore gives them back.</summary>
    internal Value[] HostRoots { get; init; } = [];
}
