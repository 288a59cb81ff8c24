using MicroLua.Core;

namespace MicroLua;

/// <summary>Status of a coroutine, as coroutine.status reports it.</summary>
public enum LuaCoroutineStatus
{
    /// <summary>Not started, or stopped in a yield: can be resumed.</summary>
    Suspended,
    /// <summary>Running (it is the coroutine whose code called the host).</summary>
    Running,
    /// <summary>Active but not running: it resumed another coroutine.</summary>
    Normal,
    /// <summary>Finished its body or stopped with an error.</summary>
    Dead,
}

/// <summary>A handle on a Lua coroutine (a thread), driven from the host with <see cref="Resume"/>.</summary>
public sealed class LuaCoroutine : LuaReference
{
    internal LuaCoroutine(LuaState state, int slot) : base(state, slot)
    {
    }

    /// <inheritdoc/>
    public override LuaType Type => LuaType.Thread;

    /// <summary>The coroutine's status.</summary>
    public LuaCoroutineStatus Status => State.CoroutineStatus(Value);

    /// <summary>
    /// Starts or continues the coroutine (as coroutine.resume): the first resume passes the
    /// arguments to its body, later ones are the results of the yield it stopped in. Returns
    /// the values it yielded, or its body's results when it finished (status dead).
    /// </summary>
    /// <exception cref="LuaException">The coroutine raised an error (it is dead afterwards), or it cannot be resumed (dead, running).</exception>
    public LuaValue[] Resume(params ReadOnlySpan<LuaValue> args) => State.Resume(Value, args);
}
