using System.Runtime.CompilerServices;

using MicroLua.Core;

namespace MicroLua.Core;

/// <summary>
/// The one check that bounds C# recursion by the .NET stack actually left, not only by a
/// count: a .NET stack overflow kills the process and can never be caught, and the host's
/// thread may have 1 MiB of stack or less (Windows' default; a thread the host made
/// smaller). Every place where the runtime recurses in C# on behalf of a script calls it:
/// <c>Interpreter.Call</c> (library callbacks, metamethods
/// called from library code, __gc, __close, hooks, xpcall handlers), coroutine resume,
/// every entry of the embedding API (a host function re-entering DoString), and the
/// compiler's nesting counter.
/// </summary>
/// <remarks>
/// <see cref="RuntimeHelpers.TryEnsureSufficientExecutionStack"/> answers from the thread's
/// real stack bounds (about 128 KiB must be left on 64-bit .NET, 64 KiB on 32-bit): that
/// reserve is the room left for what runs after a refusal — throwing the error, the catch
/// of the pcall that handles it, building its message. Measured: one Lua -> library -> Lua
/// level (gsub, sort, tostring calling back) costs about 3 KiB of stack in a Release build
/// and 10 KiB in a Debug one, a host function re-entering DoString about the same, so on a
/// 1 MiB thread the guard stops such a recursion at about 80 levels in Debug, before the
/// count of <c>Interpreter.MaxCCalls</c> (200) would.
/// </remarks>
internal static class StackGuard
{
    /// <summary>Whether enough .NET stack is left to go one level deeper.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool HasRoom() => RuntimeHelpers.TryEnsureSufficientExecutionStack();

    /// <summary>Raises Lua's "C stack overflow" unless enough .NET stack is left to go one level deeper.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Ensure()
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            ThrowOverflow();
        }
    }

    /// <summary>The error of a refused level: Lua's "C stack overflow".</summary>
    public static LuaError Overflow() => LuaError.Runtime(LuaErrors.CStackOverflow);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowOverflow() => throw Overflow();
}
