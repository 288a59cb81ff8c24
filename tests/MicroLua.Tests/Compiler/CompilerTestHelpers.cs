using System.Text;
using System.Text.RegularExpressions;
using MicroLua.Bytecode;
using MicroLua.Compiler;
using MicroLua.Core;

namespace MicroLua.Tests.Compiler;

internal static partial class CompilerTestHelpers
{
    public static FunctionProto Compile(string source) =>
        LuaCompiler.Instance.Compile(Encoding.Latin1.GetBytes(source), source);

    /// <summary>The message <c>load(source)</c> gives, or null when the source compiles.</summary>
    public static string? LoadError(string source)
    {
        try
        {
            Compile(source);
            return null;
        }
        catch (LuaCompileException e)
        {
            return e.Message;
        }
    }

    /// <summary>Every instruction of every function, "OPNAME operands" joined by "; " (luac -l order).</summary>
    public static string Shape(FunctionProto p)
    {
        var parts = new List<string>();
        foreach (Match m in InstructionLine().Matches(Disassembler.Dump(p)))
        {
            parts.Add((m.Groups[1].Value + " " + m.Groups[2].Value.Trim()).Trim());
        }
        return string.Join("; ", parts);
    }

    // Built at run time, not [GeneratedRegex]: the generated matcher names System.Buffers.SearchValues,
    // which tests/MicroLua.Netstandard.InternalTests also sees as the netstandard2.1 runtime's
    // internal stand-in (CS0433).
    private static readonly Regex s_instructionLine = new(@"^\t\d+\t\[[-\d]+\]\t(\S+)\s*\t(.*)$", RegexOptions.Multiline);

    private static Regex InstructionLine() => s_instructionLine;
}
