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

    /// <inheritdoc/>
    public FunctionProto Compile(ReadOnlySpan<byte> source, string chunkName)
    {
        ArgumentNullException.ThrowIfNull(chunkName);
        return Parser.Parse(source, chunkName);
    }

    /// <inheritdoc/>
    public byte[]? Dump(FunctionProto proto, bool strip) => PucChunkWriter.Write(proto, strip, bigEndian: false);
}
