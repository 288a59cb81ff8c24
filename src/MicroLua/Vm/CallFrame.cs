using System.Runtime.CompilerServices;

namespace MicroLua.Vm;

/// <summary>What kind of call a frame is and what its return must do.</summary>
[Flags]
internal enum FrameFlags : ushort
{
    None = 0,
    /// <summary>A Lua function (else a host function).</summary>
    Lua = 1,
    /// <summary>Returning from this frame returns from the interpreter activation that pushed it.</summary>
    Fresh = 2,
    /// <summary>A protected call (pcall/xpcall): errors below unwind to here; results get a leading true.</summary>
    Protected = 4,
    /// <summary>The frame was entered by a tail call (debug information only).</summary>
    Tail = 8,
    /// <summary>A metamethod called for the caller's current instruction; its first result finishes that instruction.</summary>
    FinishOp = 16,
    /// <summary>xpcall: a message handler sits at <see cref="CallFrame.Handler"/>.</summary>
    HasHandler = 32,
    /// <summary>A __close or finalizer call: results are discarded.</summary>
    Discard = 64,
    /// <summary>A debug hook function called by the interpreter (debug.getinfo names it "hook").</summary>
    Hook = 128,
    /// <summary>
    /// A protected frame whose function failed: the pcall is closing its to-be-closed
    /// variables. As in Lua, the function is gone; only its pcall/xpcall level stays visible.
    /// </summary>
    Unwound = 256,
    /// <summary>A __gc finalizer called by the collector (debug.getinfo names it metamethod '__gc').</summary>
    Finalizer = 512,
    /// <summary>
    /// A __close method (a Lua function, flagged FinishOp too) called while a protected frame
    /// unwinds after an error: when it returns, the unwinding goes on (Interpreter.ContinueUnwind).
    /// </summary>
    CloseError = 1024,
}

/// <summary>
/// One activation on a coroutine's call-frame stack. Positions are stack indices, not
/// pointers, so that the value stack can be reallocated when it grows.
/// </summary>
internal struct CallFrame
{
    /// <summary>Stack index of the function being run (above its varargs for vararg functions).</summary>
    public int Func;
    /// <summary>First register (Func + 1).</summary>
    public int Base;
    /// <summary>Lua: Base + MaxStackSize. Host: the first free slot.</summary>
    public int Top;
    /// <summary>Where the results go: the slot the caller put the function in.</summary>
    public int ReturnSlot;
    /// <summary>Index of the next instruction (Lua frames).</summary>
    public int Pc;
    /// <summary>The LuaClosure being run, 0 for a host function.</summary>
    public uint Closure;
    /// <summary>Number of extra arguments of a vararg function.</summary>
    public int NVarargs;
    /// <summary>Results the caller wants; -1 for all of them.</summary>
    public int NResults;
    /// <summary>xpcall: stack index of the message handler.</summary>
    public int Handler;
    /// <summary>Metamethod calls (FinishOp frames) active at and below this frame: they count against the C-call limit, as Lua's do.</summary>
    public int CDepth;
    /// <summary>
    /// A CONCAT interrupted by a __concat call: one past its remaining operands (0 when none).
    /// A RETURN interrupted by a __close call: its result count (see <see cref="Interpreter"/> CloseStep).
    /// </summary>
    public int ConcatTop;
    public FrameFlags Flags;

    public readonly bool IsLua => (Flags & FrameFlags.Lua) != 0;

    /// <summary>Makes this frame the activation of a Lua function called at <paramref name="func"/>, its pc at the first instruction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StartLua(uint closure, int func, int frameSize, int nresults, int returnSlot, int depth, FrameFlags flags)
    {
        CDepth = depth;
        Func = func;
        Base = func + 1;
        Top = func + 1 + frameSize;
        ReturnSlot = returnSlot;
        Pc = 0;
        Closure = closure;
        NVarargs = 0;
        NResults = nresults;
        Handler = 0;
        ConcatTop = 0;
        Flags = FrameFlags.Lua | flags;
    }
}
