using System.Diagnostics;
using System.Runtime.CompilerServices;
using MicroLua.Core;
using MicroLua.Values;

namespace MicroLua.Vm;

/// <summary>The fast loop: no hook checks are compiled into it (see <see cref="Interpreter"/>'s Run).</summary>
internal struct Unhooked
{
}

/// <summary>The hooked loop: checks line and count events at every instruction, call and return events at frame changes.</summary>
internal struct Hooked
{
}

/// <summary>
/// Debug hooks and the stop of runaway scripts.
///
/// Hooks: the loop is one generic method compiled twice. Run&lt;Unhooked&gt; has no hook code
/// at all; Run&lt;Hooked&gt; checks line and count events at each instruction fetch (Lua's
/// "trap") and fires call and return events when frames change. A coroutine runs the
/// hooked loop while its <see cref="Coroutine.HookMask"/> is non-zero; the loop compares
/// the mask with its own kind at every frame change and after host calls (where
/// debug.sethook can have changed it) and, when they disagree, saves pc and returns to
/// <see cref="ExecuteFrom"/>, which re-enters the other one. So the cost without hooks is a
/// load and compare per call and return.
///
/// Budget and cancellation: <see cref="Fuel"/> counts down at loop back edges (by the jump
/// distance) and at calls of Lua functions (by one). When it reaches zero the slow path
/// <see cref="Refuel"/> charges what was used to the budget, polls the cancellation token,
/// and either throws the stop or issues more fuel (at most <see cref="PollInterval"/> when a
/// token is set). The stop exceptions are not LuaErrors, so no protected call catches them.
/// </summary>
internal sealed unsafe partial class Interpreter
{
    public const int HookMaskCall = 1, HookMaskReturn = 2, HookMaskLine = 4, HookMaskCount = 8;

    private const int EvCall = 0, EvReturn = 1, EvLine = 2, EvCount = 3, EvTailCall = 4;

    private uint[] _hookNames = [];

    /// <summary>The hook event names, in event order (fixed strings of every state).</summary>
    internal static readonly string[] HookNameList = ["call", "return", "line", "count", "tail call"];

    private void InitHookNames()
    {
        string[] names = HookNameList;
        _hookNames = new uint[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            Value s = G.NewString(names[i]);
            ((ObjHeader*)G.Heap.Ptr(s.R))->Gc |= GcBits.Fixed;
            _hookNames[i] = s.R;
        }
    }

    // ---- hooks ----

    /// <summary>Sets (or, with mask 0, removes) the hook of <paramref name="co"/>, as lua_sethook.</summary>
    public static void SetHook(Coroutine co, in Value hook, int mask, int count)
    {
        int debug = co.HookMask & HookMaskDebug; // an attached debugger's events are not the script's to remove
        if (mask == 0)
        {
            co.Hook = default;
            co.HookMask = debug;
            co.BaseHookCount = 0;
            co.HookCount = 0;
            return;
        }

        co.Hook = hook;
        co.HookMask = mask | debug;
        co.BaseHookCount = count;
        co.HookCount = count;
    }

    /// <summary>
    /// Calls the hook of <paramref name="co"/> for event <paramref name="ev"/> with the top frame
    /// as the hooked function: hook(eventname, line or nil), with hooks off meanwhile. Values
    /// of the hooked Lua frame (its registers up to its top) are left untouched.
    /// </summary>
    private void CallHook(Coroutine co, int ev, int line, int ftransfer, int ntransfer)
    {
        if (!co.AllowHook || !co.Hook.IsFunction)
        {
            return;
        }

        int fi = co.FrameCount - 1;
        ref CallFrame fr = ref co.Frames[fi];
        int top = GetTop(co);
        int slot = fr.IsLua ? Math.Max(top, fr.Top) : top;
        EnsureStack(co, slot + 3);
        Value* st = StackOf(co);
        st[slot] = co.Hook;
        st[slot + 1] = Value.Object(Tag.ShortString, _hookNames[ev]);
        st[slot + 2] = line >= 0 ? Value.Integer(line) : Value.Nil;
        SetTop(co, slot + 3);
        int savedHookFrame = co.HookFrame;
        co.AllowHook = false;
        co.HookFrame = fi;
        co.TransferFirst = ftransfer;
        co.TransferCount = ntransfer;
        try
        {
            Call(co, slot, 0, FrameFlags.Hook);
        }
        finally
        {
            co.AllowHook = true;
            co.HookFrame = savedHookFrame;
            co.TransferFirst = 0;
            co.TransferCount = 0;
        }

        SetTop(co, top);
    }

    /// <summary>Entry of the Lua function in frame <paramref name="fi"/> (the top frame): the call hook ("call" or "tail call").</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void HookLuaCall(Coroutine co, int fi)
    {
        co.OldPc = 0;
        if ((co.HookMask & HookMaskDebug) != 0 && (co.Frames[fi].Flags & FrameFlags.Tail) != 0)
        {
            DebugTailCall(co);
        }

        if ((co.HookMask & HookMaskCall) == 0 || !co.AllowHook)
        {
            return;
        }

        ref CallFrame fr = ref co.Frames[fi];
        int savedPc = fr.Pc;
        if (savedPc == 0)
        {
            fr.Pc = 1; // as Lua: the hook sees the first instruction as the current one
        }

        ProtoObj* p = Proto(ProtoOfClosure(fr.Closure));
        CallHook(co, (fr.Flags & FrameFlags.Tail) != 0 ? EvTailCall : EvCall, -1, 1, p->NumParams);
        co.Frames[fi].Pc = savedPc;
    }

    /// <summary>
    /// Return of the function in the top frame (index <paramref name="fi"/>) with
    /// <paramref name="n"/> results from stack index <paramref name="first"/>: the return hook,
    /// then the caller's line tracking resumes at its call instruction.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void HookReturn(Coroutine co, int fi, int first, int n)
    {
        if ((co.HookMask & HookMaskReturn) != 0 && co.AllowHook)
        {
            CallHook(co, EvReturn, -1, first - co.Frames[fi].Func, n);
        }

        if (fi > 0 && co.Frames[fi - 1].IsLua)
        {
            co.OldPc = co.Frames[fi - 1].Pc - 1;
        }
    }

    /// <summary>The return event of a host function that yielded, when its coroutine is resumed (its results are the top <paramref name="n"/> values).</summary>
    public void HookYieldReturn(Coroutine co, int n)
    {
        if (co.HookMask != 0)
        {
            HookReturn(co, co.FrameCount - 1, GetTop(co) - n, n);
        }
    }

    /// <summary>Call hook of a host function whose frame <paramref name="fi"/> was just pushed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void HookHostCall(Coroutine co, int fi)
    {
        if ((co.HookMask & HookMaskCall) != 0 && co.AllowHook)
        {
            ref CallFrame fr = ref co.Frames[fi];
            CallHook(co, EvCall, -1, 1, GetTop(co) - fr.Base);
        }
    }

    /// <summary>
    /// Line and count events before instruction <paramref name="npc"/> of the top frame (its
    /// saved pc already points past it), as Lua's luaG_traceexec: a line event when the
    /// instruction starts a new line or the loop jumped back; a count event every count
    /// instructions. Inside a hook no event fires, but instructions still count and the
    /// line tracking still moves, as in Lua.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void TraceExec(Coroutine co, ProtoObj* p, int npc)
    {
        if (npc == 0 && p->IsVararg != 0)
        {
            return; // hooks start after VARARGPREP
        }

        int mask = co.HookMask;
        if ((mask & HookMaskCount) != 0 && --co.HookCount == 0)
        {
            co.HookCount = co.BaseHookCount;
            CallHook(co, EvCount, -1, 0, 0);
        }

        if ((mask & (HookMaskLine | HookMaskDebug)) != 0)
        {
            if ((mask & HookMaskLine) == 0 && !DebugFilter.All && !DebugWants(CurrentLine(p, npc)))
            {
                co.OldPc = npc; // only a debugger listens, and not to this line
                return;
            }

            int oldpc = co.OldPc < p->SizeCode ? co.OldPc : 0;
            int line = CurrentLine(p, npc);
            if (npc <= oldpc || CurrentLine(p, oldpc) != line)
            {
                if ((mask & HookMaskLine) != 0)
                {
                    CallHook(co, EvLine, line, 0, 0);
                }

                if ((mask & HookMaskDebug) != 0)
                {
                    DebugLine(co, line);
                }
            }

            co.OldPc = npc;
        }
    }

    // ---- instruction budget and cancellation ----

    /// <summary>Counted instructions between two polls of the cancellation token.</summary>
    private const long PollInterval = 4096;

    /// <summary>Counted instructions left before the slow check (<see cref="Refuel"/>); decremented by the loop and calls.</summary>
    public long Fuel = long.MaxValue;

    private long _fuelIssued = long.MaxValue;
    private long _budget;
    private bool _hasBudget;
    private CancellationToken _cancellation;

    /// <summary>The remaining instruction budget, null for none (LuaState.InstructionBudget).</summary>
    public long? Budget
    {
        get => _hasBudget ? Math.Max(0, _budget - (_fuelIssued - Fuel)) : null;
        set
        {
            _hasBudget = value.HasValue;
            _budget = value ?? 0;
            IssueFuel();
        }
    }

    /// <summary>The token that stops the running chunk (LuaState.CancellationToken).</summary>
    public CancellationToken Cancellation
    {
        get => _cancellation;
        set
        {
            ChargeFuel();
            _cancellation = value;
            IssueFuel();
        }
    }

    /// <summary>Moves the fuel used since it was issued into the budget.</summary>
    private void ChargeFuel()
    {
        if (_hasBudget)
        {
            _budget -= _fuelIssued - Fuel;
        }

        _fuelIssued = Fuel;
    }

    private void IssueFuel()
    {
        long fuel = _hasBudget ? Math.Max(0, _budget) : long.MaxValue;
        if (_cancellation.CanBeCanceled)
        {
            fuel = Math.Min(fuel, PollInterval);
        }

        Fuel = fuel;
        _fuelIssued = fuel;
    }

    /// <summary>The fuel ran out: stop (budget spent or token cancelled) or issue more.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Refuel()
    {
        if (PendingStop != null)
        {
            throw PendingStop;
        }

        ChargeFuel();
        _cancellation.ThrowIfCancellationRequested();
        if (_hasBudget && _budget <= 0)
        {
            _budget = 0;
            IssueFuel();
            throw new LuaBudgetExceededException();
        }

        IssueFuel();
    }

    /// <summary>
    /// Charges <paramref name="units"/> of work done outside the instruction loop (a library
    /// loop over elements, bytes or pattern steps; the rates are <see cref="LuaLimits"/>'s
    /// WorkBytesPerUnit and docs/architecture.md, "Stopping runaway scripts") against the
    /// same fuel as Lua instructions, so the budget and the cancellation token stop it too.
    /// One subtraction and compare; the slow path is <see cref="Refuel"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ChargeWork(long units)
    {
        Debug.Assert(units >= 0);
        if ((Fuel -= units) <= 0)
        {
            Refuel();
        }
    }

    /// <summary>Charges <paramref name="bytes"/> bytes produced, copied or scanned (one unit per <see cref="LuaLimits.WorkBytesPerUnit"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ChargeBytes(long bytes) => ChargeWork(bytes / LuaLimits.WorkBytesPerUnit);

    /// <summary>Charges <paramref name="bytes"/> bytes handled one at a time (one unit per <see cref="LuaLimits.ByteLoopBytesPerUnit"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ChargeByteLoop(long bytes) => ChargeWork(bytes / LuaLimits.ByteLoopBytesPerUnit);

    /// <summary>Whether <paramref name="e"/> is a stop (budget, cancellation, the state disposed), which no Lua handler may catch.</summary>
    public static bool IsStop(Exception e) => e is LuaBudgetExceededException or OperationCanceledException or StateDisposedStop;

    /// <summary>A stop asked for while Lua runs (<see cref="RequestStop"/>), raised at the next point where fuel is counted.</summary>
    public Exception? PendingStop { get; private set; }

    /// <summary>Stops the running script at its next call or back edge with <paramref name="stop"/> (null: cancels the request).</summary>
    public void RequestStop(Exception? stop)
    {
        PendingStop = stop;
        if (stop != null)
        {
            Fuel = 0;
        }
        else
        {
            IssueFuel();
        }
    }

    /// <summary>
    /// After a stop passed through the activation that called the function at
    /// <paramref name="func"/> with frames from <paramref name="entry"/>: drops those frames
    /// and values (closing upvalues that point at them; pending __close handlers are not run,
    /// no Lua code runs after a stop) so the state is usable again.
    /// </summary>
    private void ResetAfterStop(Coroutine co, int entry, int func, int temps)
    {
        CloseUpvals(co, func);
        while (co.TbcCount > 0 && co.Tbc[co.TbcCount - 1] >= func)
        {
            co.TbcCount--;
        }

        co.FrameCount = Math.Min(co.FrameCount, entry);
        co.Yielding = false;
        co.Continuation = null;
        co.PendingTailCall = -1;
        co.AllowHook = true;
        co.HookFrame = -1;
        SetTop(co, func);
        int extra = G.Temps.Length - temps;
        if (extra > 0)
        {
            G.PopTemp(extra);
        }
    }

    /// <summary>A coroutine a stop passed through: it cannot be resumed any more.</summary>
    public void KillAfterStop(Coroutine co)
    {
        ResetAfterStop(co, 0, 0, G.Temps.Length);
        co.Status = CoStatus.Dead;
        co.DiedWithError = false;
    }
}
