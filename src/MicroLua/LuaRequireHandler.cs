namespace MicroLua;

/// <summary>
/// Finds the module <c>require</c> asks for, for an embedder that keeps its Lua modules
/// somewhere of its own (resources, a database, memory). Called by a searcher of
/// <c>package.searchers</c> placed right after the preload searcher, with the module name
/// as given to <c>require</c> (bytes decoded as UTF-8).
/// </summary>
/// <param name="moduleName">The name passed to require, e.g. "app.util".</param>
/// <returns>The module's chunk, or null when the handler has no such module (require then tries the next searcher).</returns>
public delegate LuaModuleSource? LuaRequireHandler(string moduleName);

/// <summary>A module's chunk found by a <see cref="LuaRequireHandler"/>.</summary>
/// <param name="Chunk">Lua source text (UTF-8) of the module.</param>
/// <param name="ChunkName">
/// The chunk name used in messages and tracebacks, as for <see cref="LuaState.DoBuffer(ReadOnlySpan{byte}, string)"/>:
/// "@app/util.lua" shows as a file name, "=util" as is. Without its '@' or '=' it is also the
/// second value require returns (what lua passes as the loader data, the file name).
/// </param>
public sealed record LuaModuleSource(ReadOnlyMemory<byte> Chunk, string ChunkName);
