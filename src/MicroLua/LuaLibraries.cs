namespace MicroLua;

/// <summary>The standard libraries a state opens (see <see cref="LuaOptions.Libraries"/>).</summary>
[Flags]
public enum LuaLibraries
{
    /// <summary>No library: an empty globals table.</summary>
    None = 0,
    /// <summary>The basic functions (print, pairs, pcall, load ...).</summary>
    Base = 1,
    /// <summary>coroutine</summary>
    Coroutine = 2,
    /// <summary>string, and the string metatable</summary>
    String = 4,
    /// <summary>table</summary>
    Table = 8,
    /// <summary>math</summary>
    Math = 16,
    /// <summary>utf8</summary>
    Utf8 = 32,
    /// <summary>debug (hooks are stored but not called)</summary>
    Debug = 64,
    /// <summary>package and require (preload, <see cref="LuaOptions.Require"/>; files come with MicroLua.Host).</summary>
    Package = 128,
    /// <summary>Every library of the runtime assembly (io and os come from MicroLua.Host).</summary>
    All = Base | Coroutine | String | Table | Math | Utf8 | Debug | Package,
}
