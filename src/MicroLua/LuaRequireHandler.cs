using MicroLua.Core;

namespace MicroLua;

/// <summary>
/// Finds the module <c>require</c> asks for, for an embedder that keeps its Lua modules
/// somewhere of its own (resources, a database, memory). Called by a searcher of
/// <c>package.searchers</c> placed right after the preload searcher, with the module name
/// as given to <c>require</c> (bytes decoded as UTF-8).
/// </summary>
/// <param name="moduleName">The name passed to require, e.g. "app.util".</param>
/// <returns>The module's chunk or value, or null when the handler has no such module (require then tries the next searcher).</returns>
public delegate LuaModuleSource? LuaRequireHandler(string moduleName);

/// <summary>
/// A module found by a <see cref="LuaRequireHandler"/>: a chunk that require runs (source
/// text, or a binary chunk starting with 0x1B, which the host may always give), or, made
/// with <see cref="FromValue"/>, the module's value itself.
/// </summary>
/// <param name="Chunk">The module's chunk: Lua source text (UTF-8) or a binary chunk.</param>
/// <param name="ChunkName">
/// The chunk name used in messages and tracebacks, as for <see cref="LuaState.DoBuffer(ReadOnlySpan{byte}, string)"/>:
/// "@app/util.lua" shows as a file name, "=util" as is. Without its '@' or '=' it is also the
/// second value require returns (what lua passes as the loader data, the file name).
/// </param>
public sealed record LuaModuleSource(ReadOnlyMemory<byte> Chunk, string ChunkName)
{
    /// <summary>A module whose value is <paramref name="value"/> (require returns it and stores it in package.loaded).</summary>
    public static LuaModuleSource FromValue(LuaValue value) => new(ReadOnlyMemory<byte>.Empty, "=host") { Value = value, IsValue = true };

    /// <summary>The module's value, when <see cref="IsValue"/>.</summary>
    public LuaValue Value { get; init; }

    /// <summary>Whether the module is given as a value rather than a chunk.</summary>
    public bool IsValue { get; init; }
}
