using System.Security.Cryptography;
using MicroLua.Memory;
using MicroLua.Values;

namespace MicroLua;

/// <summary>
/// A Lua state: one heap block holding every Lua object, the registry and globals, and the
/// main coroutine. Single-threaded: use one state from one thread at a time; separate states
/// are independent. Dispose frees the block.
/// </summary>
public sealed unsafe class LuaState : IDisposable
{
    private readonly LuaGlobal _g;

    /// <summary>Creates a state with default options.</summary>
    public LuaState() : this(new LuaOptions())
    {
    }

    /// <summary>Creates a state whose heap is a block of <see cref="LuaOptions.MemoryLimit"/> bytes it allocates.</summary>
    public LuaState(LuaOptions options)
        : this(options, new Heap(CheckLimit(options.MemoryLimit)))
    {
    }

    /// <summary>
    /// Creates a state whose heap is memory the host owns: <paramref name="length"/> bytes at
    /// <paramref name="memory"/> (8-byte aligned), kept alive and unused by the host until the
    /// state is disposed. <see cref="LuaOptions.MemoryLimit"/> is ignored: the block is the limit.
    /// </summary>
    public LuaState(LuaOptions options, byte* memory, nuint length)
        : this(options, new Heap(memory, CheckLimit((long)length), ownsMemory: false))
    {
    }

    private LuaState(LuaOptions options, Heap heap)
    {
        Options = options;
        uint seed = options.HashSeed ?? (uint)RandomNumberGenerator.GetInt32(int.MinValue, int.MaxValue);
        _g = new LuaGlobal(heap, seed, gcStress: false)
        {
            GcPause = options.GcPause,
            GcStepMul = options.GcStepMultiplier,
        };
        Gc.Collector.Attach(_g);
        _g.Registry = Value.Object(Tag.Table, LuaTable.New(_g, 2, 0));
        _g.MainThread = Value.Object(Tag.Thread, LuaThread.New(_g, 64));
        LuaTable.SetInt(_g, _g.Registry.R, 1, _g.MainThread);
        uint globals = LuaTable.New(_g, 0, 64);
        LuaTable.SetInt(_g, _g.Registry.R, 2, Value.Object(Tag.Table, globals));
        _g.GcStress = options.GcStress;
    }

    private static nuint CheckLimit(long limit)
    {
        if (limit < LuaLimits.MinMemoryLimit || limit > LuaLimits.MaxMemoryLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), $"A memory limit is between {LuaLimits.MinMemoryLimit} bytes and 4 GiB.");
        }

        return (nuint)limit;
    }

    /// <summary>The options the state was created with.</summary>
    public LuaOptions Options { get; }

    /// <summary>Exact statistics of the state's heap.</summary>
    public MemoryStats MemoryStats => _g.Heap.Stats;

    internal LuaGlobal Global => _g;

    /// <summary>The globals table (registry[2], as in Lua).</summary>
    internal uint GlobalsTable => LuaTable.Get(_g, _g.Registry.R, Value.Integer(2)).R;

    /// <summary>Frees the heap block. The state cannot be used afterwards.</summary>
    public void Dispose() => _g.Dispose();
}
