namespace MicroLua;

/// <summary>
/// How a <see cref="LuaState"/> is set up: its memory, the libraries it opens, its limits,
/// its collector, its hash seed and the host callbacks (compiler, output, require).
/// </summary>
public sealed record LuaOptions
{
    /// <summary>
    /// Bytes the state may use: the size of its heap block, exact. The block is reserved at
    /// this size when the state is created; the operating system backs its pages with memory
    /// only when they are first touched, and the allocator fills the block from its low end,
    /// so what a process really uses follows the state's peak, not this limit.
    /// Default 512 MiB; at least 4,384 bytes (LuaLimits.MinMemoryLimit), under 4 GiB. A limit too small
    /// for the chosen libraries (the Safe libraries need 7,944 bytes) makes the constructor
    /// throw a <see cref="LuaException"/> "not enough memory".
    /// </summary>
    public long MemoryLimit { get; init; } = LuaLimits.DefaultMemoryLimit;

    /// <summary>
    /// The standard libraries to open: <see cref="LuaLibraries.Safe"/> by default (no debug,
    /// no binary chunks); <see cref="LuaLibraries.All"/> for trusted scripts.
    /// </summary>
    public LuaLibraries Libraries { get; init; } = LuaLibraries.Safe;

    /// <summary>
    /// Nested calls that go through the host (a host function calling Lua, metamethods,
    /// pcall, coroutine resumes) before "C stack overflow", as Lua's
    /// LUAI_MAXCCALLS. Default 200; between 10 and 10000. Each level uses some of the .NET
    /// stack, so a large value needs a thread with a large stack.
    /// </summary>
    public int MaxCallDepth { get; init; } = LuaLimits.MaxCCalls;

    /// <summary>
    /// Slots of one coroutine's value stack before "stack overflow" (Lua's LUAI_MAXSTACK):
    /// bounds the depth of Lua-to-Lua recursion. Default 1,000,000; between 1000 and 100,000,000.
    /// </summary>
    public int MaxStackSize { get; init; } = LuaLimits.MaxStack;

    /// <summary>Fixes the hash seed of strings and of integer, float and object table keys (for reproducible runs); null picks a random seed per state.</summary>
    public uint? HashSeed { get; init; }

    /// <summary>Debug aid: run a full collection before every allocation. Very slow; finds unanchored objects.</summary>
    public bool GcStress { get; init; }

    /// <summary>
    /// Debug aid: compact the heap (<see cref="LuaState.Compact"/>) each time the outermost call of
    /// the embedding API returns to the host, where no Lua code runs. Slow (a heap walk and a copy
    /// each time); with it, a reference some code kept across an API call without a root points at
    /// the wrong object at once, which the tests and the heap verifier then find.
    /// </summary>
    public bool CompactAtSafePoints { get; init; }

    /// <summary>Collector pause in percent (Lua's <c>setpause</c>): a cycle starts when memory in use reaches this share of the use after the last cycle.</summary>
    public int GcPause { get; init; } = LuaLimits.GcPause;

    /// <summary>
    /// The compiler that turns source text into chunks (MicroLua.Compiler's LuaCompiler.Instance).
    /// Without one the state runs only bytecode and rejects source with a clear message.
    /// </summary>
    public ILuaCompiler? Compiler { get; init; }

    /// <summary>
    /// Where print and warnings write: the bytes (Lua strings are bytes, usually UTF-8) and
    /// their kind. Null writes standard output to the process's standard output and warnings
    /// to its standard error. Can be changed later through <see cref="LuaState.Output"/>.
    /// </summary>
    public LuaOutputHandler? Output { get; init; }

    /// <summary>Collector step multiplier in percent (Lua's <c>setstepmul</c>).</summary>
    public int GcStepMultiplier { get; init; } = LuaLimits.GcStepMul;

    /// <summary>
    /// Where <c>require</c> finds modules the preload table has not: called with the module
    /// name, returns the module's chunk (source or binary) or value, or null when it has no such module.
    /// Null (the default) adds no searcher. Used only when <see cref="LuaLibraries.Package"/> is opened.
    /// </summary>
    public LuaRequireHandler? Require { get; init; }
}
