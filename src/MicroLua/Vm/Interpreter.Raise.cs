using MicroLua.Core;
using MicroLua.Values;

namespace MicroLua.Vm;

/// <summary>
/// Errors a host function raises by returning (<see cref="CallContext.Raise"/>) instead of
/// throwing. A .NET throw allocates its stack trace on every throw, a cached exception object
/// too (176 bytes thrown one frame, 640 through three more, 1,192 through ten; measured on .NET 10.0.12), so an error
/// raised and caught in Lua cannot be free if it is thrown. error() and assert() raise this
/// way, and the interpreter unwinds without an exception where nothing but its own frames lies
/// between the raise and the pcall that catches it:
/// <list type="bullet">
/// <item>the host function was called by pcall or xpcall itself (<c>pcall(error, v)</c>): the
/// call finishes with false and the error, as the catch in ProtectedCall does;</item>
/// <item>it was called by the loop's CALL, TFORCALL or TAILCALL (the only calls made with no
/// frame flags, see <see cref="RaiseFromHost"/>), and the innermost protected frame is a Lua
/// frame of the running activation (no frame flagged Fresh on the way down, none of them a
/// host frame): the unwinding is what ExecuteFrom does after its catch, and the loop goes on at
/// the frame left on top.</item>
/// </list>
/// Everywhere else (an error to the host, through host code, out of a coroutine, with the
/// debugger attached, which sees errors in ExecuteFrom's filter) the error is thrown as a
/// LuaError, exactly as a throw in the host function would have been.
/// </summary>
internal sealed partial class Interpreter
{
    /// <summary>What a host function returns after <see cref="CallContext.Raise"/>: no result count is negative.</summary>
    public const int Raised = int.MinValue;

    /// <summary>The error value of the raise under way: held only between the host function's return and its caller's look at it.</summary>
    private Value _raised;

    /// <summary>Notes <paramref name="error"/> as the raise under way and returns <see cref="Raised"/>.</summary>
    public int SetRaised(in Value error)
    {
        _raised = error;
        return Raised;
    }

    private Value TakeRaised()
    {
        Value v = _raised;
        _raised = default;
        return v;
    }

    /// <summary>The LuaError a raise of <paramref name="error"/> throws: the value itself, its text as the message.</summary>
    public LuaError RaisedError(in Value error) =>
        new(error, error.IsString ? G.ToDotNetString(error) : "(error object is not a string)");

    /// <summary>
    /// The host function of frame <paramref name="fi"/>, called with <paramref name="flags"/>,
    /// raised an error by returning. The result is CallHost's: true when a Lua frame is left on
    /// top for the loop to run (the unwinding went to a pcall of the loop's frames).
    /// </summary>
    private bool RaiseFromHost(Coroutine co, int fi, FrameFlags flags)
    {
        Value err = TakeRaised();
        ref CallFrame fr = ref co.Frames[fi];
        if ((fr.Flags & FrameFlags.Protected) != 0)
        {
            // pcall(error, v): ProtectedCall ran the host function as its protected frame.
            int handler = (fr.Flags & FrameFlags.HasHandler) != 0 ? fr.Func - 1 : -1; // xpcall's [h][f][args...]
            int returnSlot = fr.ReturnSlot;
            int nresults = fr.NResults;
            FrameFlags callerFlags = fr.Flags & ~(FrameFlags.Protected | FrameFlags.HasHandler);
            co.FrameCount = fi;
            FailProtectedCall(co, err, handler, returnSlot, nresults, callerFlags);
            return false;
        }

        // Only the loop calls with no flags (PreCall's callers), and it runs the frame left on
        // top when the call returns true; its own frames are those above the nearest Fresh one.
        if (flags == FrameFlags.None && (co.HookMask & HookMaskDebug) == 0)
        {
            for (int pf = fi - 1; pf >= 0; pf--)
            {
                FrameFlags f = co.Frames[pf].Flags;
                if ((f & FrameFlags.Lua) == 0 || (f & FrameFlags.Fresh) != 0)
                {
                    break; // the activation's entry, or host code below: the exception's way
                }

                if ((f & FrameFlags.Protected) != 0)
                {
                    RecoverAt(co, pf, err);
                    return true;
                }
            }
        }

        throw RaisedError(err);
    }
}
