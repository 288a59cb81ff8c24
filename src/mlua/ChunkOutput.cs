#if !MLUA_NO_COMPILER
using MicroLua.Compiler;
#endif

namespace MicroLua.Cli;

/// <summary>
/// The format <c>mlua -o</c> writes: .mlu by default (aligned, runs in place), or with
/// <c>--puc</c> PUC Lua 5.4's binary chunk format, which lua5.4 also runs (docs/bytecode.md).
/// </summary>
internal static class ChunkOutput
{
    /// <summary>Set by <c>--puc</c>: write PUC Lua 5.4's format.</summary>
    public static bool Puc { get; set; }

#if !MLUA_NO_COMPILER
    /// <summary>Compiles <paramref name="source"/> to a chunk in the chosen format.</summary>
    /// <exception cref="LuaCompileException">The text is not valid Lua.</exception>
    public static byte[] Compile(byte[] source, string chunkName, bool strip, bool bigEndian) =>
        Puc ? LuaBytecode.CompilePuc(source, chunkName, strip, bigEndian)
            : LuaBytecode.Compile(source, chunkName, strip, bigEndian);
#endif
}
