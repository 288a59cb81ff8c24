namespace MicroLua;

/// <summary>Lua's basic types, numbered as in the C API (LUA_TNIL ...).</summary>
public enum LuaType
{
    /// <summary>No value (an absent argument).</summary>
    None = -1,
    /// <summary>nil</summary>
    Nil = 0,
    /// <summary>true and false</summary>
    Boolean = 1,
    /// <summary>light userdata</summary>
    LightUserdata = 2,
    /// <summary>integers and floats</summary>
    Number = 3,
    /// <summary>byte strings</summary>
    String = 4,
    /// <summary>tables</summary>
    Table = 5,
    /// <summary>Lua and host functions</summary>
    Function = 6,
    /// <summary>full userdata</summary>
    Userdata = 7,
    /// <summary>coroutines</summary>
    Thread = 8,
}
