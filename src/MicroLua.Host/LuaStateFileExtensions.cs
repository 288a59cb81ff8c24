namespace MicroLua.Host;

/// <summary>Running Lua files from the host, as luaL_dofile does.</summary>
public static class LuaStateFileExtensions
{
    /// <summary>
    /// Reads the file at <paramref name="path"/> and runs it as the chunk <c>@path</c> (source
    /// text, or a binary chunk after its first byte 0x1B), with <paramref name="args"/> as what
    /// it sees as <c>...</c>, and returns its results. As luaL_loadfile, a UTF-8 byte-order mark
    /// and a first line starting with '#' (a shebang line) are skipped, line numbers kept.
    /// </summary>
    /// <exception cref="LuaException">
    /// The file could not be read (Lua's message, "cannot open PATH: No such file or
    /// directory"), did not compile, or raised an error.
    /// </exception>
    public static LuaValue[] DoFile(this LuaState lua, string path, params ReadOnlySpan<LuaValue> args)
    {
        ArgumentNullException.ThrowIfNull(lua);
        ArgumentNullException.ThrowIfNull(path);
        if (!FileLoading.TryRead(path, out byte[] bytes, out string chunkName, out string? error))
        {
            throw new LuaException(error!);
        }

        return lua.DoBuffer(bytes, chunkName, args);
    }
}
