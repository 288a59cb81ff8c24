using MicroLua.Core;

namespace MicroLua;

/// <summary>
/// A Lua error that reached the host: the error value, its message (as the standalone lua
/// prints it) and the Lua traceback at the point of the error. Also what a host function
/// may throw to raise a Lua error with a given value.
/// </summary>
public sealed class LuaException : Exception
{
    /// <summary>Creates the exception with Lua's message and traceback.</summary>
    public LuaException(string message, string? luaTraceback) : base(message)
    {
        LuaTraceback = luaTraceback;
        Value = message;
    }

    /// <summary>Creates the exception for an error value: its message, the Lua traceback, the value itself.</summary>
    public LuaException(string message, string? luaTraceback, LuaValue value) : base(message)
    {
        LuaTraceback = luaTraceback;
        Value = value;
        HasValue = true;
    }

    /// <summary>Creates the exception for an error value raised while a .NET exception (its cause) was being handled.</summary>
    internal LuaException(string message, string? luaTraceback, LuaValue value, Exception? innerException)
        : base(message, innerException)
    {
        LuaTraceback = luaTraceback;
        Value = value;
        HasValue = true;
    }

    /// <summary>Creates an exception with a message (its error value is the message).</summary>
    public LuaException(string message) : base(message)
    {
        Value = message;
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public LuaException(string message, Exception innerException) : base(message, innerException)
    {
        Value = message;
    }

    /// <summary>Creates an empty exception.</summary>
    public LuaException()
    {
        Value = Message;
    }

    /// <summary>
    /// The Lua error value: usually a string ("chunk:line: message"), but error() may raise
    /// any value (a table handle then keeps the table alive until the state is disposed).
    /// </summary>
    public LuaValue Value { get; }

    /// <summary>
    /// Whether <see cref="Value"/> is a value Lua raised (or the host chose) as it is; when
    /// false, a host function that throws this exception raises its message, which gets the
    /// position of the calling Lua code like any library error.
    /// </summary>
    public bool HasValue { get; }

    /// <summary>The Lua traceback ("stack traceback:\n\t...") at the point of the error.</summary>
    public string? LuaTraceback { get; }

    /// <summary>The .NET description followed by the Lua traceback, when there is one.</summary>
    public override string ToString() =>
        LuaTraceback is null ? base.ToString() : base.ToString() + Environment.NewLine + LuaTraceback;
}
