using MicroLua.Bytecode;

namespace MicroLua.Compiler;

/// <summary>
/// Compiles Lua source to chunks (docs/bytecode.md): .mlu chunks, what <c>mlua -o</c> writes
/// and a runtime can run in place, or PUC Lua 5.4 chunks, what <c>luac5.4</c>,
/// <c>string.dump</c> and <c>mlua -o --puc</c> write. A runtime without a compiler loads both.
/// </summary>
public static class LuaBytecode
{
    /// <summary>Compiles <paramref name="source"/> as a main chunk named <paramref name="chunkName"/> and writes it as a chunk.</summary>
    /// <param name="source">The Lua source text.</param>
    /// <param name="chunkName">The chunk name ("@file.lua", "=name", or the source).</param>
    /// <param name="strip">Leave out debug information (line numbers, local and upvalue names, source name).</param>
    /// <param name="bigEndian">Write the big-endian form (read anywhere; used in place only on big-endian hosts).</param>
    /// <exception cref="LuaCompileException">The text is not a valid Lua 5.4 chunk.</exception>
    public static byte[] Compile(ReadOnlySpan<byte> source, string chunkName, bool strip = false, bool bigEndian = false) =>
        Write(LuaCompiler.Instance.Compile(source, chunkName), strip, bigEndian);

    /// <summary>Writes a compiled function as a chunk.</summary>
    /// <param name="proto">The main function of the chunk.</param>
    /// <param name="strip">Leave out debug information.</param>
    /// <param name="bigEndian">Write the big-endian form.</param>
    internal static byte[] Write(FunctionProto proto, bool strip = false, bool bigEndian = false)
    {
        ArgumentNullException.ThrowIfNull(proto);
        return ChunkWriter.Write(proto, strip, bigEndian);
    }

    /// <summary>Compiles <paramref name="source"/> as a main chunk and writes it in PUC Lua 5.4's format (as luac5.4 does).</summary>
    /// <param name="source">The Lua source text.</param>
    /// <param name="chunkName">The chunk name ("@file.lua", "=name", or the source).</param>
    /// <param name="strip">Leave out debug information (line numbers, local and upvalue names, source name).</param>
    /// <param name="bigEndian">Write what a big-endian PUC Lua reads (this build reads only its own byte order).</param>
    /// <exception cref="LuaCompileException">The text is not a valid Lua 5.4 chunk.</exception>
    public static byte[] CompilePuc(ReadOnlySpan<byte> source, string chunkName, bool strip = false, bool bigEndian = false) =>
        WritePuc(LuaCompiler.Instance.Compile(source, chunkName), strip, bigEndian);

    /// <summary>Writes a compiled function as a PUC Lua 5.4 binary chunk.</summary>
    /// <param name="proto">The main function of the chunk.</param>
    /// <param name="strip">Leave out debug information.</param>
    /// <param name="bigEndian">Write the big-endian form.</param>
    internal static byte[] WritePuc(FunctionProto proto, bool strip = false, bool bigEndian = false)
    {
        ArgumentNullException.ThrowIfNull(proto);
        return PucChunkWriter.Write(proto, strip, bigEndian);
    }
}
