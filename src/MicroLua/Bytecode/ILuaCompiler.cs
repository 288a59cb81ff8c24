namespace MicroLua;

using MicroLua.Bytecode;

/// <summary>
/// Turns Lua source text into a chunk. The runtime has no parser of its own: a state can
/// load source only when its host gives it a compiler (MicroLua.Compiler's LuaCompiler).
/// </summary>
public interface ILuaCompiler
{
    /// <summary>
    /// Compiles <paramref name="source"/> as the main function of a chunk named
    /// <paramref name="chunkName"/> ("@file.lua", "=stdin", or the source itself).
    /// </summary>
    /// <exception cref="LuaCompileException">The text is not a valid Lua 5.4 chunk.</exception>
    internal FunctionProto Compile(ReadOnlySpan<byte> source, string chunkName);

    /// <summary>
    /// Writes <paramref name="proto"/> as a binary chunk (string.dump; MicroLua's compiler writes
    /// PUC Lua 5.4's format, which lua5.4 also loads), without debug
    /// information when <paramref name="strip"/> is set; null when this compiler has no writer.
    /// </summary>
    internal byte[]? Dump(FunctionProto proto, bool strip) => null;
}

/// <summary>
/// A syntax or limit error found while compiling. <see cref="Exception.Message"/> is worded
/// as Lua 5.4 words it, position included: <c>[string "x = = 1"]:1: unexpected symbol near '='</c>.
/// </summary>
public sealed class LuaCompileException : Exception
{
    /// <summary>Creates the exception with Lua's full message text.</summary>
    public LuaCompileException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with Lua's full message text and a cause.</summary>
    public LuaCompileException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates an empty exception.</summary>
    public LuaCompileException()
    {
    }
}
