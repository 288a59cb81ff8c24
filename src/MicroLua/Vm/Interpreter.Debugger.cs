using System.Runtime.CompilerServices;
using MicroLua.Core;
using MicroLua.Values;

namespace MicroLua.Vm;

/// <summary>What an attached host debugger receives from the interpreter (LuaState.Debugging.cs implements it).</summary>
internal interface IDebugEvents
{
    /// <summary>The top frame of <paramref name="co"/> (a Lua frame) is about to run an instruction that starts <paramref name="line"/>.</summary>
    void Line(Coroutine co, int line);

    /// <summary>A tail call just replaced the top frame of <paramref name="co"/>.</summary>
    void TailCall(Coroutine co);

    /// <summary>An error is about to unwind <paramref name="co"/>; its frames are still in place.</summary>
    void Error(Coroutine co, LuaError e, bool caught);
}

/// <summary>
/// Which line events reach the debugger: all of them (while it steps or pauses) or those on
/// the listed line numbers (its breakpoints' lines). Checked by the interpreter before it calls
/// out, so that a line without a breakpoint costs an array lookup. Written by the debugger's
/// threads, read by the interpreter's.
/// </summary>
internal sealed class DebugLineFilter
{
    public volatile bool[] Lines = [];
    public volatile bool All;

    /// <summary>The filter of an interpreter no debugger is attached to: shared by every state, never written (a debugger brings its own).</summary>
    public static readonly DebugLineFilter None = new();
}

/// <summary>
/// The host debugger's events. A debugger is one more hook kind: <see cref="HookMaskDebug"/>
/// in every coroutine's mask (set on all of them when it attaches and on each new one while it
/// stays) makes the interpreter run its hooked loop, whose line tracking
/// (<see cref="TraceExec"/>) then calls <see cref="IDebugEvents.Line"/> at each new line. It
/// coexists with debug.sethook: the script's hook and the debugger see the same events. With no
/// debugger attached nothing here runs and the unhooked loop is unchanged.
/// </summary>
internal sealed unsafe partial class Interpreter
{
    /// <summary>The hook-mask bit of an attached host debugger (never set by debug.sethook, never reported by debug.gethook).</summary>
    public const int HookMaskDebug = 16;

    /// <summary>The attached debugger, or null.</summary>
    public IDebugEvents? Debugger { get; set; }

    /// <summary>The attached debugger's line filter.</summary>
    public DebugLineFilter DebugFilter { get; set; } = DebugLineFilter.None;

    /// <summary>The last error reported, so that an error rethrown through nested activations is reported once.</summary>
    private LuaError? _debugLastError;

    /// <summary>Whether the debugger's filter lets line events of <paramref name="line"/> through.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool DebugWants(int line)
    {
        DebugLineFilter f = DebugFilter;
        if (f.All)
        {
            return true;
        }

        bool[] lines = f.Lines;
        return (uint)line < (uint)lines.Length && lines[line];
    }

    /// <summary>
    /// The hooked loop's shortcut when only a debugger listens: an instruction on a line the
    /// debugger does not want needs no call out, only the line tracking's "last pc".
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool DebugSkips(Coroutine co, ProtoObj* p, int npc)
    {
        DebugLineFilter f = DebugFilter;
        if (f.All)
        {
            return false;
        }

        bool[] lines = f.Lines;
        int line = CurrentLine(p, npc);
        if ((uint)line < (uint)lines.Length && lines[line])
        {
            return false;
        }

        co.OldPc = npc;
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DebugLine(Coroutine co, int line)
    {
        if (DebugWants(line) && co.AllowHook && Debugger is { } d)
        {
            RunDebugger(co, d, 0, line, null);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DebugTailCall(Coroutine co)
    {
        if (co.AllowHook && Debugger is { } d)
        {
            d.TailCall(co); // bookkeeping only: the debugger does not stop here
        }
    }

    /// <summary>
    /// Called from the exception filter of <c>ExecuteFrom</c>, so before .NET unwinds anything:
    /// an attached debugger sees the frames that raised the error, whether or not this
    /// activation catches it. Always false (it only looks).
    /// </summary>
    private bool SeeErrorForDebugger(Coroutine co, LuaError e)
    {
        if ((co.HookMask & HookMaskDebug) != 0)
        {
            DebugError(co, e);
        }

        return false;
    }

    /// <summary>An error seen by <see cref="ExecuteFrom"/> before it unwinds anything: tells the debugger whether a protected frame of the coroutine will catch it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DebugError(Coroutine co, LuaError e)
    {
        if (!co.AllowHook || Debugger is not { } d || ReferenceEquals(e, _debugLastError))
        {
            return;
        }

        _debugLastError = e;
        bool caught = co != Main; // coroutine.resume catches what the coroutine does not
        for (int fi = co.FrameCount - 1; fi >= 0 && !caught; fi--)
        {
            caught = (co.Frames[fi].Flags & FrameFlags.Protected) != 0;
        }

        RunDebugger(co, d, 1, 0, e, caught);
    }

    /// <summary>
    /// Calls the debugger as a hook is called: with hooks off on the coroutine (so code the
    /// debugger evaluates raises no events) and, for a Lua top frame, the stack top above all of
    /// its registers (so that such code leaves them alone and the collector sees them).
    /// </summary>
    private void RunDebugger(Coroutine co, IDebugEvents d, int kind, int line, LuaError? e, bool caught = false)
    {
        int top = GetTop(co);
        ref CallFrame fr = ref co.Frames[co.FrameCount - 1];
        if (fr.IsLua && fr.Top > top)
        {
            EnsureStack(co, fr.Top + 1);
            SetTop(co, fr.Top);
        }

        co.AllowHook = false;
        try
        {
            if (kind == 0)
            {
                d.Line(co, line);
            }
            else
            {
                d.Error(co, e!, caught);
            }
        }
        finally
        {
            co.AllowHook = true;
            SetTop(co, top);
        }
    }
}
