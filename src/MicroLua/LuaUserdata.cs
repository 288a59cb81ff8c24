using MicroLua.Core;

namespace MicroLua;

/// <summary>A handle on a full userdata: a Lua object that may wrap a .NET object and have a metatable.</summary>
public sealed class LuaUserdata : LuaReference
{
    internal LuaUserdata(LuaState state, int slot) : base(state, slot)
    {
    }

    /// <inheritdoc/>
    public override LuaType Type => LuaType.Userdata;

    /// <summary>The .NET object the userdata wraps (null for a userdata created by other means, such as an io file).</summary>
    public object? Target => State.UserdataTarget(Value);

    /// <summary>The metatable, or null (a new handle each time: dispose it). Set null to remove it.</summary>
    public LuaTableRef? Metatable
    {
        get => State.GetMetatable(Value);
        set => State.SetMetatable(Value, value);
    }
}
