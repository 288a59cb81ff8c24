using MicroLua.Bytecode;

namespace MicroLua.Compiler;

/// <summary>
/// MicroLua's Lua 5.4 compiler: a one-pass lexer, parser and code generator (no syntax tree)
/// producing the same instructions as the reference implementation. It was checked against
/// <c>luac5.4 -l -l</c> (5.4.4) on the official test suite, the benchmark scripts and thousands
/// of generated and mutated programs: same opcodes, operands, lines, locals and upvalues, and
/// for invalid input the same message text as <c>load</c> gives. Every failure is a
/// <see cref="LuaCompileException"/>; nesting is bounded as Lua bounds it ("C stack overflow").
/// Message text holds source bytes as Latin-1 characters (one char per byte).
/// </summary>
public sealed class LuaCompiler : ILuaCompiler
{
    /// <summary>The shared instance (the compiler keeps no state between calls).</summary>
    public static LuaCompiler Instance { get; } = new();

    /// <summary>Compiles <paramref name="source"/> as the main function of a chunk named <paramref name="chunkName"/>.</summary>
    /// <exception cref="LuaCompileException">The text is not a valid Lua 5.4 chunk.</exception>
    internal FunctionProto Compile(ReadOnlySpan<byte> source, string chunkName)
    {
        ArgumentNullException.ThrowIfNull(chunkName);
        return Parser.Parse(source, chunkName);
    }

    /// <inheritdoc/>
    FunctionProto ILuaCompiler.Compile(ReadOnlySpan<byte> source, string chunkName) => Compile(source, chunkName);

    /// <inheritdoc/>
    byte[]? ILuaCompiler.Dump(FunctionProto proto, bool strip) => PucChunkWriter.Write(proto, strip, bigEndian: false);
}
