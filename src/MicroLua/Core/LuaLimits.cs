namespace MicroLua;

/// <summary>
/// Every tunable of the runtime in one place (Lua's luaconf.h), each with what it bounds and why.
/// </summary>
internal static class LuaLimits
{
    /// <summary>Strings up to this many bytes are interned (Lua's LUAI_MAXSHORTLEN): equality of short strings is one compare.</summary>
    public const int MaxShortStringLength = 40;

    /// <summary>Default heap size when the host sets no limit: reserved up front, touched as used.</summary>
    public const long DefaultMemoryLimit = 512L * 1024 * 1024;

    /// <summary>
    /// Smallest heap a state accepts, the real minimum: the allocator's control structure (2,048
    /// bytes), a state without libraries (2,328 bytes: registry, globals, main thread and its
    /// 40-slot stack, the interpreter's fixed names, the string table) and the pool's 8-byte
    /// sentinel. Such a state runs <c>local x = 1</c> from 4,744 bytes. Libraries need more
    /// (measured: Safe 7,944, All 7,976, and about 350 more to run
    /// <c>print(1)</c>); a state whose libraries do not fit throws a LuaException "not enough
    /// memory". StateFootprintTests pins these figures.
    /// </summary>
    public const long MinMemoryLimit = 4384;

    /// <summary>Largest heap: the allocator keeps byte offsets in 32 bits.</summary>
    public const long MaxMemoryLimit = 4L * 1024 * 1024 * 1024 - 64;

    /// <summary>
    /// Slots of the main thread's value stack when the state is created (Lua's BASIC_STACK_SIZE,
    /// 2 × LUA_MINSTACK): enough for a small chunk and a host call's 20 guaranteed slots; it
    /// grows on demand.
    /// </summary>
    public const int BasicStackSize = 40;

    /// <summary>
    /// Initial number of string-table buckets (a power of two, Lua's MINSTRTABSIZE). With
    /// <see cref="StringTableLoad"/> a fresh state's names (about 140 with the Safe libraries,
    /// 200 with mlua's) fit without a resize.
    /// </summary>
    public const int MinStringTableSize = 128;

    /// <summary>
    /// Interned strings per bucket before the string table doubles (Lua's is 1). Two keeps the
    /// bucket array of a small state at half the size (a fresh state's 512 bytes instead of
    /// 1 KB) for one more hash compare per lookup on average; a lookup compares the stored hash
    /// before any byte.
    /// </summary>
    public const int StringTableLoad = 2;

    /// <summary>
    /// Coroutine objects (the managed half of a thread: its frame array and to-be-closed list,
    /// about 580 bytes) a state keeps from collected threads for coroutine.create to reuse, so
    /// that a program making coroutines in a loop makes no managed garbage. A cycle frees the
    /// threads of the whole loop at once: the pool has to hold that many to cover the next
    /// cycle's creations (LibraryAllocationTests' coroutine.create loop allocates nothing with
    /// this size), and what it holds is bounded by the most threads that were ever alive together. Objects whose arrays grew past <see cref="PooledCoroutineFrames"/> frames
    /// are not kept.
    /// </summary>
    public const int CoroutinePoolSize = 4096;

    /// <summary>Largest frame array a pooled coroutine object keeps (see <see cref="CoroutinePoolSize"/>); its initial size is 8.</summary>
    public const int PooledCoroutineFrames = 64;

    /// <summary>Nested C#-level calls (host function, metamethod, parser level) before "C stack overflow" (Lua's LUAI_MAXCCALLS).</summary>
    public const int MaxCCalls = 200;

    /// <summary>Slots of a Lua value stack before "stack overflow" (Lua's LUAI_MAXSTACK).</summary>
    public const int MaxStack = 1_000_000;

    /// <summary>Collector pause in percent (Lua's LUAI_GCPAUSE): the next cycle starts when use reaches this share of the use after the last one.</summary>
    public const int GcPause = 200;

    /// <summary>Collector step multiplier in percent (Lua's LUAI_GCMUL).</summary>
    public const int GcStepMul = 100;

    /// <summary>Collector step size, log2 of bytes (Lua's LUAI_GCSTEPSIZE): a step is due after 2^13 = 8 KiB of allocation.</summary>
    public const int GcStepSize = 10;

    /// <summary>Bits of the largest array part: 2^MaxArrayBits Values (Lua's MAXABITS bound for 32-bit sizes).</summary>
    public const int MaxArrayBits = 26;

    /// <summary>Bits of the largest hash part.</summary>
    public const int MaxNodeBits = 26;

    /// <summary>Depth of __index/__newindex chains before "'__index' chain too long; possible loop" (Lua's MAXTAGLOOP).</summary>
    public const int MaxTagLoop = 2000;

    /// <summary>Instructions all finalizers together may run at Dispose (lua_close would wait forever for a __gc that loops; Dispose must end).</summary>
    public const long CloseFinalizerBudget = 10_000_000;

    /// <summary>
    /// Bytes of string a library function (or CONCAT) may produce, copy or scan per unit of
    /// the instruction budget: about the cost of one counted instruction. Elements moved,
    /// values pushed, comparisons and pattern-matching steps count one unit each.
    /// </summary>
    public const int WorkBytesPerUnit = 64;

    /// <summary>Bytes per budget unit for work that handles one byte at a time (case mapping, UTF-8 decoding).</summary>
    public const int ByteLoopBytesPerUnit = 8;
}
