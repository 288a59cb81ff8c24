namespace MicroLua;

/// <summary>A Lua error that reached the host: Lua's message and, when known, a Lua stack traceback.</summary>
public sealed class LuaException : Exception
{
    /// <summary>Creates the exception with Lua's message and traceback.</summary>
    public LuaException(string message, string? luaTraceback) : base(message)
    {
        LuaTraceback = luaTraceback;
    }

    /// <summary>Creates an exception with a message.</summary>
    public LuaException(string message) : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public LuaException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates an empty exception.</summary>
    public LuaException()
    {
    }

    /// <summary>The Lua traceback ("stack traceback:\n\t...") at the point of the error.</summary>
    public string? LuaTraceback { get; }
}
