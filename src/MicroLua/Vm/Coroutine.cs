using MicroLua.Core;

namespace MicroLua.Vm;

/// <summary>Status of a coroutine as coroutine.status reports it.</summary>
internal enum CoStatus : byte
{
    Suspended,
    Running,
    Normal,
    Dead,
}

/// <summary>
/// The managed half of a Lua thread: its call-frame stack and the state of a resume/yield.
/// The value stack lives in the heap (ThreadObj); frames hold stack indices into it.
/// </summary>
internal sealed class Coroutine
{
    public Coroutine(uint thread)
    {
        Frames = new CallFrame[8];
        Tbc = new int[4];
        Reset(thread);
    }

    private Coroutine(uint thread, CallFrame[] frames, int[] tbc)
    {
        Thread = thread;
        Frames = frames;
        Tbc = tbc;
    }

    /// <summary>The ThreadObj this coroutine runs on.</summary>
    public uint Thread { get; set; }

    public CallFrame[] Frames;
    public int FrameCount;

    public CoStatus Status;

    /// <summary>Nested interpreter activations that cannot be suspended (host code calling Lua).</summary>
    public int NonYieldable;

    /// <summary>Set by coroutine.yield: the top frame is the yielding host call, the last <see cref="YieldCount"/> values are its arguments.</summary>
    public bool Yielding;
    public int YieldCount;

    /// <summary>
    /// Set by a host function that yields with a continuation (CallContext.Yield, as lua_yieldk):
    /// when the coroutine is resumed, this runs in the yielding host function's frame with the
    /// resume values as its arguments, and its results are that call's results. Null for a
    /// plain yield, whose resume values are the call's results.
    /// </summary>
    public HostContinuation? Continuation;

    /// <summary>
    /// Driven by the host's async API (LuaState.CallAsync): async host functions may suspend it,
    /// and to Lua code it is the main thread (coroutine.yield raises "attempt to yield from outside a coroutine").
    /// </summary>
    public bool Async;

    /// <summary>The .NET exception behind the error the coroutine died with (a host function's), for the host's LuaException.InnerException.</summary>
    public Exception? ErrorCause;

    /// <summary>Stack indices of to-be-closed variables, innermost last.</summary>
    public int[] Tbc;
    public int TbcCount;

    /// <summary>Set by CallContext.TailCall: stack index of the function that replaces the running host function (-1 when none).</summary>
    public int PendingTailCall;

    /// <summary>The coroutine ended with an error, whose value is kept in stack slot 0.</summary>
    public bool DiedWithError;

    /// <summary>The coroutine that resumed this one.</summary>
    public Coroutine? Resumer;

    /// <summary>Whether the coroutine started running (its function is on a frame, not waiting on the stack).</summary>
    public bool Started;

    /// <summary>Events the debug hook wants (<see cref="Interpreter.HookMaskCall"/> ...); 0 when no hook is set. The interpreter runs its hooked loop while this is non-zero.</summary>
    public int HookMask;

    /// <summary>The hook function (also anchored in the registry's _HOOKKEY table, which keeps it alive).</summary>
    public Value Hook;

    /// <summary>The count of a count hook, and the instructions left until it fires.</summary>
    public int BaseHookCount;
    public int HookCount;

    /// <summary>False while a hook runs: hooks do not fire inside hooks (Lua's allowhook).</summary>
    public bool AllowHook;

    /// <summary>The instruction index of the last line event (Lua's oldpc), for "new line" detection.</summary>
    public int OldPc;

    /// <summary>While a hook runs: the hooked frame and what getinfo's 'r' reports for it (ftransfer, ntransfer).</summary>
    public int HookFrame;
    public int TransferFirst;
    public int TransferCount;

    /// <summary>The host's debugging view of this coroutine (LuaState.Debugging.cs), created when a debugger first asks.</summary>
    public object? DebugView;

    public ref CallFrame Top => ref Frames[FrameCount - 1];

    /// <summary>
    /// A copy for another state made from the same heap bytes (a snapshot): frames, to-be-closed
    /// slots and hook settings. Taken at a safe point, where no coroutine but the main one runs,
    /// so the copy has no resumer.
    /// </summary>
    public Coroutine Clone() => new(Thread, FrameCount == 0 ? [] : Frames[..FrameCount], TbcCount == 0 ? [] : Tbc[..TbcCount])
    {
        FrameCount = FrameCount,
        Status = Status,
        NonYieldable = NonYieldable,
        Yielding = Yielding,
        YieldCount = YieldCount,
        TbcCount = TbcCount,
        PendingTailCall = PendingTailCall,
        DiedWithError = DiedWithError,
        Started = Started,
        HookMask = HookMask,
        Hook = Hook,
        BaseHookCount = BaseHookCount,
        HookCount = HookCount,
        AllowHook = AllowHook,
        OldPc = OldPc,
        HookFrame = HookFrame,
        TransferFirst = TransferFirst,
        TransferCount = TransferCount,
    };

    /// <summary>
    /// Every field's initial value, for <paramref name="thread"/>: the constructor's, and how a
    /// coroutine object of a collected thread (see Interpreter.RecycleCoroutine) becomes new
    /// again, its arrays kept. (Clone copies the fields instead.)
    /// </summary>
    public void Reset(uint thread)
    {
        Thread = thread;
        FrameCount = 0;
        Status = CoStatus.Suspended;
        NonYieldable = 0;
        Yielding = false;
        YieldCount = 0;
        Continuation = null;
        Async = false;
        ErrorCause = null;
        TbcCount = 0;
        PendingTailCall = -1;
        DiedWithError = false;
        Resumer = null;
        Started = false;
        HookMask = 0;
        Hook = default;
        BaseHookCount = 0;
        HookCount = 0;
        AllowHook = true;
        OldPc = 0;
        HookFrame = -1;
        TransferFirst = 0;
        TransferCount = 0;
        DebugView = null;
    }

    public int PushFrame()
    {
        if (FrameCount == Frames.Length)
        {
            Array.Resize(ref Frames, Math.Max(8, FrameCount * 2));
        }

        return FrameCount++;
    }

    public void PushTbc(int slot)
    {
        if (TbcCount == Tbc.Length)
        {
            Array.Resize(ref Tbc, Math.Max(4, TbcCount * 2));
        }

        Tbc[TbcCount++] = slot;
    }
}

/// <summary>
/// What runs when a coroutine suspended in a host function's yield is resumed (lua_yieldk's
/// continuation function with its context): in the yielding function's frame, with the resume
/// values as arguments; what it returns finishes that call.
/// </summary>
internal abstract class HostContinuation
{
    /// <summary>The yielding host function, whose name the continuation's messages use (set by CallContext.Yield).</summary>
    public HostFunctionInfo? Info { get; set; }

    /// <summary>True while an async host function's task runs: only the async driver may resume the coroutine then.</summary>
    public virtual bool IsAwaiting => false;

    /// <summary>Runs the continuation; returns how many results it pushed (the last values pushed), as a host function does.</summary>
    public abstract int Resume(ref CallContext c);
}
