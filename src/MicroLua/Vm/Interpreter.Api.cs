using MicroLua.Core;

namespace MicroLua.Vm;

/// <summary>The interpreter's per-state limits and the entry points the embedding API (LuaState) needs.</summary>
internal sealed unsafe partial class Interpreter
{
    /// <summary>Nested host-to-Lua activations and metamethod calls before "C stack overflow" (LuaOptions.MaxCallDepth).</summary>
    public int MaxCCalls = LuaLimits.MaxCCalls;

    /// <summary>Slots of a value stack before "stack overflow" (LuaOptions.MaxStackSize).</summary>
    public int MaxStack = LuaLimits.MaxStack;

    /// <summary>
    /// After an error caught by the host: runs the pending __close variables at or above
    /// stack slot <paramref name="level"/> with the error and closes the upvalues there, as
    /// lua_pcall does. Returns the final error value.
    /// </summary>
    public Value CloseAfterError(Coroutine co, int level, Value err) => CloseAllProtected(co, level, err);
}
