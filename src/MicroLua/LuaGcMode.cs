namespace MicroLua;

/// <summary>How a state's collector is driven (<see cref="LuaState.GcMode"/>).</summary>
public enum LuaGcMode
{
    /// <summary>
    /// Lua 5.4's incremental mode (the default): a cycle advances in steps interleaved with the
    /// program, paced by allocation (<see cref="LuaState.GcPause"/>, <see cref="LuaState.GcStepMultiplier"/>,
    /// <see cref="LuaState.GcStepSize"/>).
    /// </summary>
    Incremental,

    /// <summary>
    /// Lua 5.4's generational mode (<c>collectgarbage("generational")</c>): frequent minor
    /// collections of the young objects, each done at once, and a full (major) collection when
    /// the heap grows past its threshold. Less collector work for programs whose objects mostly
    /// die young, but a major collection is one long pause (see docs/memory.md).
    /// </summary>
    Generational,

    /// <summary>
    /// The collector never runs by itself: the host calls <see cref="LuaState.GcStep(long)"/>
    /// or <see cref="LuaState.GcStep(TimeSpan)"/> (for example once per frame) or
    /// <see cref="LuaState.CollectGarbage"/>. An allocation that does not fit still runs a full
    /// collection first. Scripts cannot leave it with <c>collectgarbage("restart")</c>.
    /// </summary>
    Manual,
}
