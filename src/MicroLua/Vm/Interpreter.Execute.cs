using System.Runtime.CompilerServices;
using MicroLua.Core;

namespace MicroLua.Vm;

internal sealed unsafe partial class Interpreter
{
    /// <summary>
    /// Runs the Lua frame on top of <paramref name="co"/> (pushed with FrameFlags.Fresh) and
    /// every frame it pushes, until that frame returns. Errors unwind to the nearest protected
    /// frame above the entry point; past it they propagate to the caller as LuaError.
    /// </summary>
    public void Execute(Coroutine co) => ExecuteFrom(co, co.FrameCount - 1);

    /// <summary>As <see cref="Execute"/>, with protected frames from index <paramref name="entry"/> up belonging to this activation.</summary>
    public void ExecuteFrom(Coroutine co, int entry)
    {
        while (true)
        {
            LuaError error;
            try
            {
                if (co.HookMask != 0 ? Run<Hooked>(co) : SplitOperandForms ? RunSplit<Unhooked>(co) : Run<Unhooked>(co))
                {
                    return;
                }

                continue; // the hook mask changed: run the other loop from the saved pc
            }
            catch (LuaError e) when (!co.Yielding && (SeeErrorForDebugger(co, e) || ProtectedFrameOf(co, entry) >= 0))
            {
                // Only an error this activation handles is caught (an error going further passes
                // the filter and is never rethrown, see SeeStop); it is handled after the catch
                // block, once .NET has unwound the stack of the throw.
                error = e;
            }

            Recover(co, entry, error);
            if (co.FrameCount <= entry)
            {
                return; // the protected frame was the entry frame: its results are in place
            }
        }
    }

    /// <summary>
    /// Whether the loop without hooks is RunSplit (Interpreter.Run.cs compiled with
    /// MLUA_SPLIT_LOOP): a case for each operand form (register, constant) of the arithmetic
    /// and bitwise operators, one test of the opcode fewer per operation. Its ten more inlined
    /// call sites take the loop past the code generator's default limit of locals for inlining
    /// (0.9 of JitMaxLocalsToTrack, whose default is 1,024), so the switch MicroLua.Interpreter.SplitOperandForms
    /// is for a build that raises that limit: mlua's NativeAOT build sets both (mlua.csproj).
    /// The JIT never compiles RunSplit otherwise.
    /// </summary>
    internal static readonly bool SplitOperandForms = AppContext.TryGetSwitch("MicroLua.Interpreter.SplitOperandForms", out bool on) && on;

    /// <summary>An integer for loop counts its back edges against the budget in blocks of this many (a power of 2).</summary>
    private const int ForBlock = 1024;

    /// <summary>Collects if debt says so, treating <paramref name="top"/> as the live top of the running Lua frame.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckGCAt(Coroutine co, int top)
    {
        if (G.GcDebt > 0)
        {
            CheckGCSlow(co, top);
        }
    }

    /// <summary>
    /// A collection step with the stack cut at <paramref name="top"/>, as Lua's checkGC: the
    /// registers above it are dead temporaries (the collector clears them), so an object left
    /// there by an earlier call is not kept alive.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CheckGCSlow(Coroutine co, int top)
    {
        int saved = GetTop(co);
        SetTop(co, top);
        try
        {
            G.CheckGC();
        }
        finally
        {
            SetTop(co, saved);
        }
    }
}
