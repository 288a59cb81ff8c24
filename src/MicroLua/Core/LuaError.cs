namespace MicroLua.Core;

/// <summary>
/// A Lua error on its way to the nearest protected call. Library code and the pure engines
/// (patterns, format, pack) throw it with Lua's message text; the interpreter adds the
/// "chunkname:line:" position where Lua would (luaL_error adds the position of the calling
/// Lua function) and turns it into the Lua error value that pcall returns.
/// </summary>
internal sealed class LuaError : Exception
{
    /// <summary>Creates an error whose value is any Lua value (error(v) with a non-string v, or a message already positioned).</summary>
    public LuaError(in Value value, string description) : base(description)
    {
        Value = value;
        HasValue = true;
        HasPosition = true;
    }

    /// <summary>The error value, when it is not just <see cref="Exception.Message"/>.</summary>
    public Value Value { get; }

    /// <summary>Whether <see cref="Value"/> holds the error value.</summary>
    public bool HasValue { get; }

    /// <summary>Traceback captured where the error was raised (for the host), when known.</summary>
    public string? LuaTraceback { get; set; }

    public LuaError(string message) : base(message)
    {
    }

    public LuaError(string message, Exception inner) : base(message, inner)
    {
    }

    public LuaError()
    {
    }

    /// <summary>
    /// An error raised by the VM itself (arithmetic, indexing, comparison ...), as Lua's
    /// luaG_runerror: it gets a position only when a Lua function is running, never the
    /// caller's position as errors raised by library functions (luaL_error) do.
    /// </summary>
    public static LuaError Runtime(string message) => new(message) { IsRuntime = true };

    /// <summary>Raised by the VM rather than by a library function (see <see cref="Runtime"/>).</summary>
    public bool IsRuntime { get; init; }

    /// <summary>Whether the message already carries its position, so no "chunk:line:" is added.</summary>
    public bool HasPosition { get; init; }

    /// <summary>An out-of-memory error: its value is the state's preallocated message.</summary>
    public bool IsMemoryError { get; init; }

    /// <summary>An error raised while the stack is already past its limit: no handler can run.</summary>
    public bool IsStackOverflow { get; init; }
}
