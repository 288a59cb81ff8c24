using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace MicroLua.Core;

/// <summary>
/// The home of every error message raised from more than one place, in Lua 5.4's exact
/// wording, and the helpers that raise them. A message used once stays at its one call site;
/// one that a second place needs moves here, so the wording cannot drift between them.
/// </summary>
internal static class LuaErrors
{
    /// <summary>The .NET stack or the C-call count ran out (Lua's "C stack overflow", luaE_checkcstack).</summary>
    public const string CStackOverflow = "C stack overflow";

    /// <summary>The value stack reached its limit (luaD_growstack).</summary>
    public const string StackOverflow = "stack overflow";

    /// <summary>An error while handling an error, or a stack overflow while handling one.</summary>
    public const string ErrorInErrorHandling = "error in error handling";

    /// <summary>An allocation failed even after a full collection; also the state's preallocated error value.</summary>
    public const string NotEnoughMemory = "not enough memory";

    public const string IndexChainTooLong = "'__index' chain too long; possible loop";

    public const string NewIndexChainTooLong = "'__newindex' chain too long; possible loop";

    public const string ForStepIsZero = "'for' step is zero";

    public const string TableOverflow = "table overflow";

    /// <summary>More results than the stack can take (string.byte, utf8.codepoint).</summary>
    public const string StringSliceTooLong = "string slice too long";

    public const string ResultingStringTooLarge = "resulting string too large";

    public const string InvalidUtf8Code = "invalid UTF-8 code";

    public const string InvalidOrderFunction = "invalid order function for sorting";

    public const string NoIntegerRepresentation = "number has no integer representation";

    /// <summary>An integer argument outside what the function takes (string.char, utf8.char, LuaCallContext.CheckInteger with bounds).</summary>
    public const string ValueOutOfRange = "value out of range";

    /// <summary>string.unpack's results past the stack's room.</summary>
    public const string TooManyResults = "too many results";

    /// <summary>A jump or a loop body past the instruction format's reach (the compiler).</summary>
    public const string ControlStructureTooLong = "control structure too long";

    /// <summary>An io operation on a closed file (MicroLua.Host).</summary>
    public const string ClosedFile = "attempt to use a closed file";

    /// <summary>"attempt to index a T value" without variable information (indexing from library or host code).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static LuaError IndexError(string typeName) => LuaError.Runtime($"attempt to index a {typeName} value");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowForStepIsZero() => throw LuaError.Runtime(ForStepIsZero);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowTableOverflow() => throw new LuaError(TableOverflow);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowStringSliceTooLong() => throw new LuaError(StringSliceTooLong);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowResultingStringTooLarge() => throw new LuaError(ResultingStringTooLarge);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowInvalidUtf8Code() => throw new LuaError(InvalidUtf8Code);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowInvalidOrderFunction() => throw new LuaError(InvalidOrderFunction);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowClosedFile() => throw new LuaError(ClosedFile);

    /// <summary>The error no handler may run for: raised while the stack is already past its limit.</summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowErrorInErrorHandling() => throw new LuaError(ErrorInErrorHandling) { IsStackOverflow = true };
}
