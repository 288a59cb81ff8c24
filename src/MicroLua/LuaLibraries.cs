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
    /// <summary>debug (sethook's call, return, line and count hooks run as in Lua)</summary>
    Debug = 64,
    /// <summary>package and require (preload, <see cref="LuaOptions.Require"/>; files come with MicroLua.Host).</summary>
    Package = 128,
    /// <summary>
    /// Not a library: lets scripts load precompiled (binary) chunks with load, loadfile,
    /// dofile and require. A crafted binary chunk can break the interpreter's assumptions, so
    /// only trusted hosts allow it. The host's own loads (<see cref="LuaState.Load(ReadOnlySpan{byte}, string)"/>,
    /// <see cref="LuaState.DoBuffer(ReadOnlySpan{byte}, string)"/>) always accept binary chunks.
    /// </summary>
    BinaryChunks = 256,
    /// <summary>
    /// The sandbox default: base, coroutine, string, table, math, utf8 and package (with
    /// require through the preload table and <see cref="LuaOptions.Require"/> only); no debug,
    /// no binary chunks, and (from MicroLua.Host) no io and only os.clock/time/date/difftime,
    /// through LuaHostLibraries.OpenSafe.
    /// </summary>
    Safe = Base | Coroutine | String | Table | Math | Utf8 | Package,
    /// <summary>Every library of the runtime assembly and binary chunks, for trusted scripts (io and os come from MicroLua.Host).</summary>
    All = Base | Coroutine | String | Table | Math | Utf8 | Debug | Package | BinaryChunks,
}
