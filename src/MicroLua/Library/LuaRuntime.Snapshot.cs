using MicroLua.Bytecode;
using MicroLua.Core;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua.Library;

/// <summary>What a snapshot keeps of the libraries' services, and those of a state made from one.</summary>
internal sealed unsafe partial class LuaRuntime
{
    internal sealed class Saved
    {
        public required uint Globals { get; init; }
        /// <summary>Type names (fixed strings; shared, never written after the state is made).</summary>
        public required Value[] TypeNames { get; init; }
        public Value IPairsIterator { get; init; }
        public Value NextFunction { get; init; }
        public Xoshiro Random { get; init; }
        public bool WarningsOn { get; init; }
    }

    public Saved Save() => new()
    {
        Globals = Globals,
        TypeNames = _typeNames,
        IPairsIterator = IPairsIterator,
        NextFunction = NextFunction,
        Random = Random,
        WarningsOn = WarningsOn,
    };

    /// <summary>The services of a heap copied from a snapshot (nothing is allocated in the heap).</summary>
    public LuaRuntime(LuaGlobal g, Interpreter vm, Saved s)
    {
        G = g;
        Vm = vm;
        Globals = s.Globals;
        g.LazyTables = this;
        Chunks = new ChunkLoader(g, vm);
        _typeNames = s.TypeNames;
        Load(s);
    }

    public void Load(Saved s)
    {
        Globals = s.Globals; // where the snapshot's heap bytes have them (a compaction may have moved them since)
        _typeNames = s.TypeNames;
        IPairsIterator = s.IPairsIterator;
        NextFunction = s.NextFunction;
        Random = s.Random;
        WarningsOn = s.WarningsOn;
    }
}
