using MicroLua.Core;

namespace MicroLua;

/// <summary>A handle on a Lua function or a host function, callable from the host.</summary>
public sealed class LuaFunction : LuaReference
{
    internal LuaFunction(LuaState state, int slot) : base(state, slot)
    {
    }

    /// <inheritdoc/>
    public override LuaType Type => LuaType.Function;

    /// <summary>Calls the function and returns all its results.</summary>
    /// <exception cref="LuaException">The function raised an error.</exception>
    public LuaValue[] Call(params ReadOnlySpan<LuaValue> args) => State.CallToArray(Value, args);

    /// <summary>
    /// Calls the function and writes its first <c>results.Length</c> results into
    /// <paramref name="results"/> (nil when it returned fewer). Allocates nothing when the
    /// arguments and results are nil, booleans or numbers.
    /// </summary>
    /// <returns>How many results the function returned.</returns>
    /// <exception cref="LuaException">The function raised an error.</exception>
    public int Call(ReadOnlySpan<LuaValue> args, Span<LuaValue> results) => State.CallToSpan(Value, args, results);

    /// <summary>Calls the function and returns its first result (nil when it returned none). Allocation-free for numbers.</summary>
    /// <exception cref="LuaException">The function raised an error.</exception>
    public LuaValue Invoke(params ReadOnlySpan<LuaValue> args)
    {
        // A span over a local, not the collection expression [default]: netstandard2.1 lacks the
        // span constructor that keeps that on the stack, and the call would allocate an array.
        LuaValue first = default;
        State.CallToSpan(Value, args, System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref first, 1));
        return first;
    }
}
