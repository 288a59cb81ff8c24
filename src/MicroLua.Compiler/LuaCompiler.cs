using MicroLua.Bytecode;

namespace MicroLua.Compiler;

/// <summary>
/// MicroLua's Lua 5.4 compiler: a one-pass lexer, parser and code generator producing the
/// same instruction shapes as the reference implementation.
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
}
