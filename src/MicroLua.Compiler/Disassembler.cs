using System.Globalization;
using System.Text;
using MicroLua.Bytecode;
using MicroLua.Core;
using MicroLua.Vm;
using static MicroLua.Vm.Instruction;

namespace MicroLua.Compiler;

/// <summary>
/// Text listings of compiled functions in the layout of <c>luac -l</c>: one line per
/// instruction with pc (1-based), line, opcode name and operands, nested functions after
/// their parent. Meant for tests and debugging.
/// </summary>
internal static class Disassembler
{
    private static readonly string[] s_names =
    [
        "MOVE", "LOADI", "LOADF", "LOADK", "LOADKX", "LOADFALSE", "LFALSESKIP", "LOADTRUE", "LOADNIL",
        "GETUPVAL", "SETUPVAL", "GETTABUP", "GETTABLE", "GETI", "GETFIELD", "SETTABUP", "SETTABLE", "SETI",
        "SETFIELD", "NEWTABLE", "SELF", "ADDI", "ADDK", "SUBK", "MULK", "MODK", "POWK", "DIVK", "IDIVK",
        "BANDK", "BORK", "BXORK", "SHRI", "SHLI", "ADD", "SUB", "MUL", "MOD", "POW", "DIV", "IDIV", "BAND",
        "BOR", "BXOR", "SHL", "SHR", "MMBIN", "MMBINI", "MMBINK", "UNM", "BNOT", "NOT", "LEN", "CONCAT",
        "CLOSE", "TBC", "JMP", "EQ", "LT", "LE", "EQK", "EQI", "LTI", "LEI", "GTI", "GEI", "TEST", "TESTSET",
        "CALL", "TAILCALL", "RETURN", "RETURN0", "RETURN1", "FORLOOP", "FORPREP", "TFORPREP", "TFORCALL",
        "TFORLOOP", "SETLIST", "CLOSURE", "VARARG", "VARARGPREP", "EXTRAARG",
    ];

    /// <summary>The luac-style name of an opcode ("GETTABUP").</summary>
    public static string OpName(int op) => op >= 0 && op < s_names.Length ? s_names[op] : $"OP{op}";

    /// <summary>Lists <paramref name="proto"/> and, after it, its nested functions.</summary>
    public static string Dump(FunctionProto proto)
    {
        var sb = new StringBuilder();
        DumpFunction(sb, proto, true);
        return sb.ToString();
    }

    /// <summary>Only the code of <paramref name="proto"/> (no header), one instruction per line.</summary>
    public static string DumpCode(FunctionProto proto)
    {
        var sb = new StringBuilder();
        AppendCode(sb, proto);
        return sb.ToString();
    }

    private static void DumpFunction(StringBuilder sb, FunctionProto f, bool isMain)
    {
        sb.Append(CultureInfo.InvariantCulture,
            $"{(isMain ? "main" : "function")} <{ChunkId.Format(f.Source)}:{f.LineDefined},{f.LastLineDefined}> ({f.Code.Length} instructions)\n");
        sb.Append(CultureInfo.InvariantCulture,
            $"{f.NumParams}{(f.IsVararg ? "+" : "")} params, {f.MaxStackSize} slots, {f.Upvalues.Length} upvalue{(f.Upvalues.Length == 1 ? "" : "s")}, ");
        sb.Append(CultureInfo.InvariantCulture,
            $"{f.LocalVars.Length} local{(f.LocalVars.Length == 1 ? "" : "s")}, {f.Constants.Length} constant{(f.Constants.Length == 1 ? "" : "s")}, {f.Protos.Length} function{(f.Protos.Length == 1 ? "" : "s")}\n");
        AppendCode(sb, f);
        sb.Append(CultureInfo.InvariantCulture, $"constants ({f.Constants.Length}):\n");
        for (int i = 0; i < f.Constants.Length; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\t{i}\t{FormatConstant(f.Constants[i])}\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $"locals ({f.LocalVars.Length}):\n");
        for (int i = 0; i < f.LocalVars.Length; i++)
        {
            LocalVarInfo lv = f.LocalVars[i];
            sb.Append(CultureInfo.InvariantCulture, $"\t{i}\t{lv.Name}\t{lv.StartPc + 1}\t{lv.EndPc + 1}\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $"upvalues ({f.Upvalues.Length}):\n");
        for (int i = 0; i < f.Upvalues.Length; i++)
        {
            UpvalueDesc u = f.Upvalues[i];
            sb.Append(CultureInfo.InvariantCulture, $"\t{i}\t{u.Name}\t{(u.InStack ? 1 : 0)}\t{u.Index}\n");
        }
        foreach (FunctionProto p in f.Protos)
        {
            sb.Append('\n');
            DumpFunction(sb, p, false);
        }
    }

    private static string FormatConstant(Constant c) => c.Kind switch
    {
        ConstantKind.Nil => "N\tnil",
        ConstantKind.False => "B\tfalse",
        ConstantKind.True => "B\ttrue",
        ConstantKind.Integer => "I\t" + c.Integer.ToString(CultureInfo.InvariantCulture),
        ConstantKind.Float => "F\t" + c.Float.ToString("R", CultureInfo.InvariantCulture),
        _ => "S\t\"" + Encoding.Latin1.GetString(c.String!) + "\"",
    };

    private static void AppendCode(StringBuilder sb, FunctionProto f)
    {
        for (int pc = 0; pc < f.Code.Length; pc++)
        {
            uint i = f.Code[pc];
            string line = f.LineInfo.Length > pc ? f.LineInfo[pc].ToString(CultureInfo.InvariantCulture) : "-";
            sb.Append(CultureInfo.InvariantCulture, $"\t{pc + 1}\t[{line}]\t{OpName((int)Op(i)),-9}\t{Operands(i)}\n");
        }
    }

    /// <summary>The operands of one instruction, formatted as luac prints them.</summary>
    public static string Operands(uint i)
    {
        int a = A(i), b = B(i), c = C(i);
        string k = Instruction.K(i) ? "k" : "";
        int kb = Instruction.K(i) ? 1 : 0;
        return Op(i) switch
        {
            OpCode.Move or OpCode.LoadNil or OpCode.GetUpval or OpCode.SetUpval or OpCode.Unm or OpCode.BNot
                or OpCode.Not or OpCode.Len or OpCode.Concat => $"{a} {b}",
            OpCode.LoadI or OpCode.LoadF => $"{a} {SBx(i)}",
            OpCode.LoadK or OpCode.ForLoop or OpCode.ForPrep or OpCode.TForPrep or OpCode.TForLoop
                or OpCode.Closure => $"{a} {Bx(i)}",
            OpCode.LoadKX or OpCode.LoadFalse or OpCode.LFalseSkip or OpCode.LoadTrue or OpCode.Close
                or OpCode.Tbc or OpCode.Return1 or OpCode.VarArgPrep => $"{a}",
            OpCode.GetTabUp or OpCode.GetTable or OpCode.GetI or OpCode.GetField or OpCode.NewTable
                or OpCode.AddK or OpCode.SubK or OpCode.MulK or OpCode.ModK or OpCode.PowK or OpCode.DivK
                or OpCode.IDivK or OpCode.BAndK or OpCode.BOrK or OpCode.BXorK or OpCode.Add or OpCode.Sub
                or OpCode.Mul or OpCode.Mod or OpCode.Pow or OpCode.Div or OpCode.IDiv or OpCode.BAnd
                or OpCode.BOr or OpCode.BXor or OpCode.Shl or OpCode.Shr or OpCode.MmBin or OpCode.Call
                => $"{a} {b} {c}",
            OpCode.SetTabUp or OpCode.SetTable or OpCode.SetI or OpCode.SetField or OpCode.Self
                => $"{a} {b} {c}{k}",
            OpCode.AddI or OpCode.ShrI or OpCode.ShlI => $"{a} {b} {SC(i)}",
            OpCode.MmBinI => $"{a} {SB(i)} {c} {kb}",
            OpCode.MmBinK => $"{a} {b} {c} {kb}",
            OpCode.Jmp => $"{SJ(i)}",
            OpCode.Eq or OpCode.Lt or OpCode.Le or OpCode.EqK => $"{a} {b} {kb}",
            OpCode.EqI or OpCode.LtI or OpCode.LeI or OpCode.GtI or OpCode.GeI => $"{a} {SB(i)} {kb}",
            OpCode.Test => $"{a} {kb}",
            OpCode.TestSet => $"{a} {b} {kb}",
            OpCode.TailCall or OpCode.Return or OpCode.SetList => $"{a} {b} {c}{k}",
            OpCode.Return0 => "",
            OpCode.TForCall or OpCode.VarArg => $"{a} {c}",
            OpCode.ExtraArg => $"{Ax(i)}",
            _ => $"{a} {b} {c}",
        };
    }
}
