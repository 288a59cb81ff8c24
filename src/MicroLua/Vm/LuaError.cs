namespace MicroLua.Vm;

/// <summary>
/// A Lua error on its way to the nearest protected call. Library code and the pure engines
/// (patterns, format, pack) throw it with Lua's message text; the interpreter adds the
/// "chunkname:line:" position where Lua would (luaL_error adds the position of the calling
/// Lua function) and turns it into the Lua error value that pcall returns.
/// </summary>
internal sealed class LuaError : Exception
{
    public LuaError(string message) : base(message)
    {
    }

    public LuaError(string message, Exception inner) : base(message, inner)
    {
    }

    public LuaError()
    {
    }

    /// <summary>Whether the message already carries its position, so no "chunk:line:" is added.</summary>
    public bool HasPosition { get; init; }

    /// <summary>An out-of-memory error: its value is the state's preallocated message.</summary>
    public bool IsMemoryError { get; init; }
}
