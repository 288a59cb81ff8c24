using MicroLua.Core;
using MicroLua.Vm;
using static MicroLua.Vm.Instruction;

namespace MicroLua.Bytecode;

/// <summary>
/// Checks a prototype tree before it enters a state: the memory-safety boundary between
/// chunks and the interpreter, which reads registers, constants and upvalues through
/// pointers without checks. Every chunk passes here, read from bytes or just compiled.
/// What it checks is exactly what Vm/Interpreter.Run.cs assumes:
/// <list type="bullet">
/// <item>every register operand (with the extra registers an opcode touches, as
/// R[A+3] of the numeric for or R[A+6] of TFORCALL) is below maxstacksize;</item>
/// <item>constant operands are inside the constant table and of the type the fast path
/// reads (short strings for field keys, integers for the bitwise K forms);</item>
/// <item>upvalue operands are below the function's upvalue count, and a nested
/// function's upvalues refer to registers or upvalues its parent has;</item>
/// <item>every jump lands inside the code; comparisons are followed by a JMP, arithmetic
/// by an MMBIN, LOADKX/NEWTABLE/SETLIST by their EXTRAARG; the code cannot run off its end;</item>
/// <item>an instruction that uses "up to top" (B = 0) directly follows the one that set
/// top (an open CALL, VARARG or TAILCALL), and no jump enters between them;</item>
/// <item>VARARGPREP is the first instruction of a vararg function and nowhere else;</item>
/// <item>line information has one entry per instruction, local-variable ranges lie in
/// the code and never name more registers than the function has.</item>
/// </list>
/// </summary>
internal static class Verifier
{
    /// <summary>Checks <paramref name="main"/> and everything nested in it.</summary>
    /// <exception cref="ChunkFormatException">The first problem found.</exception>
    public static void Verify(FunctionProto main) => VerifyProto(main, null, 0);

    private static void VerifyProto(FunctionProto f, FunctionProto? parent, int depth)
    {
        if (depth > ChunkFormat.MaxDepth || !StackGuard.HasRoom())
        {
            throw new ChunkFormatException("functions nested too deeply"); // by count, or by the .NET stack left
        }

        if (f.NumParams > f.MaxStackSize)
        {
            throw Bad("more parameters than registers");
        }

        if (f.Upvalues.Length > ChunkFormat.MaxUpvalues)
        {
            throw Bad("too many upvalues");
        }

        if (parent != null)
        {
            foreach (UpvalueDesc u in f.Upvalues)
            {
                if (u.InStack ? u.Index >= parent.MaxStackSize : u.Index >= parent.Upvalues.Length)
                {
                    throw Bad("upvalue out of range");
                }
            }
        }

        VerifyCode(f);
        VerifyDebugInfo(f);
        foreach (FunctionProto child in f.Protos)
        {
            VerifyProto(child, f, depth + 1);
        }
    }

    private static void VerifyDebugInfo(FunctionProto f)
    {
        int n = f.CodeSpan.Length;
        int lines = f.LineSpan.Length;
        if (lines != 0 && lines != n)
        {
            throw Bad("line information does not match the code");
        }

        if (f.LocalVars.Length == 0)
        {
            return;
        }

        // At no pc may more locals be active than there are registers (the debug library
        // reads the n-th active local from register n - 1).
        var delta = new int[n + 2];
        foreach (LocalVarInfo v in f.LocalVars)
        {
            if (v.StartPc < 0 || v.StartPc > v.EndPc || v.EndPc > n)
            {
                throw Bad("local variable range out of the code");
            }

            delta[v.StartPc]++;
            delta[v.EndPc]--;
        }

        int active = 0;
        for (int pc = 0; pc <= n; pc++)
        {
            active += delta[pc];
            if (active > f.MaxStackSize)
            {
                throw Bad("more active locals than registers");
            }
        }
    }

    private static void VerifyCode(FunctionProto f) => new CodeChecker(f).Run();

    /// <summary>The per-function checks; a ref struct so that the code can stay a span (it may lie in a mapped chunk).</summary>
    private ref struct CodeChecker
    {
        private readonly FunctionProto _f;
        private readonly ReadOnlySpan<uint> _code;
        private readonly int _n;
        private readonly int _ms;
        private readonly int _nk;
        private readonly int _nu;
        private int _firstTarget;
        private bool[] _isTarget;
        private bool[] _isConsumer;
        private bool[] _isExtraArg;

        public CodeChecker(FunctionProto proto)
        {
            _f = proto;
            _code = proto.CodeSpan;
            _n = _code.Length;
            _ms = proto.MaxStackSize;
            _nk = proto.Constants.Length;
            _nu = proto.Upvalues.Length;
            _isTarget = [];
            _isConsumer = [];
            _isExtraArg = [];
        }

        public void Run()
        {
            if (_n == 0)
            {
                throw Bad("empty function");
            }

            OpCode last = Op(_code[_n - 1]);
            if (last is not (OpCode.Return or OpCode.Return0 or OpCode.Return1 or OpCode.Jmp))
            {
                throw Bad("code may run off its end");
            }

            if (_f.IsVararg != (Op(_code[0]) == OpCode.VarArgPrep))
            {
                throw Bad("vararg function without VARARGPREP");
            }

            _firstTarget = _f.IsVararg ? 1 : 0; // running VARARGPREP twice would shift the frame again
            _isTarget = new bool[_n];
            _isConsumer = new bool[_n];
            _isExtraArg = new bool[_n];

            for (int pc = 0; pc < _n; pc++)
            {
                uint i = _code[pc];
                OpCode op = Op(i);
                int a = A(i);
                switch (op)
                {
                    case OpCode.Move:
                    case OpCode.Unm:
                    case OpCode.BNot:
                    case OpCode.Not:
                    case OpCode.Len:
                        Reg(a, pc);
                        Reg(B(i), pc);
                        break;
                    case OpCode.GetTable:
                        Reg(a, pc);
                        Reg(B(i), pc);
                        Reg(C(i), pc);
                        break;
                    case OpCode.LoadI:
                    case OpCode.LoadF:
                    case OpCode.LoadFalse:
                    case OpCode.LoadTrue:
                    case OpCode.Close:
                    case OpCode.Tbc:
                    case OpCode.Return1:
                        Reg(a, pc);
                        break;
                    case OpCode.LFalseSkip:
                        Reg(a, pc);
                        if (pc + 2 >= _n)
                        {
                            throw Bad($"code may run off its end at instruction {pc + 1}");
                        }

                        break;
                    case OpCode.LoadK:
                        Reg(a, pc);
                        Kst(Bx(i), pc);
                        break;
                    case OpCode.LoadKX:
                        Reg(a, pc);
                        ExtraArg(pc);
                        Kst(Ax(_code[pc + 1]), pc);
                        break;
                    case OpCode.LoadNil:
                        Reg(a + B(i), pc);
                        break;
                    case OpCode.GetUpval:
                    case OpCode.SetUpval:
                        Reg(a, pc);
                        Upv(B(i), pc);
                        break;
                    case OpCode.GetTabUp:
                        Reg(a, pc);
                        Upv(B(i), pc);
                        KShortString(C(i), pc);
                        break;
                    case OpCode.GetI:
                        Reg(a, pc);
                        Reg(B(i), pc);
                        break;
                    case OpCode.GetField:
                        Reg(a, pc);
                        Reg(B(i), pc);
                        KShortString(C(i), pc);
                        break;
                    case OpCode.SetTabUp:
                        Upv(a, pc);
                        KShortString(B(i), pc);
                        Rk(i, pc);
                        break;
                    case OpCode.SetTable:
                        Reg(a, pc);
                        Reg(B(i), pc);
                        Rk(i, pc);
                        break;
                    case OpCode.SetI:
                        Reg(a, pc);
                        Rk(i, pc);
                        break;
                    case OpCode.SetField:
                        Reg(a, pc);
                        KShortString(B(i), pc);
                        Rk(i, pc);
                        break;
                    case OpCode.NewTable:
                        Reg(a, pc);
                        ExtraArg(pc);
                        if (B(i) > LuaLimits.MaxNodeBits + 1
                            || (K(i) && (long)Ax(_code[pc + 1]) * (MaxC + 1) + C(i) > 1L << LuaLimits.MaxArrayBits))
                        {
                            throw Bad($"table size out of range at instruction {pc + 1}");
                        }

                        break;
                    case OpCode.Self:
                        Reg(a + 1, pc);
                        Reg(B(i), pc);
                        Rk(i, pc);
                        break;
                    case OpCode.AddI:
                    case OpCode.ShrI:
                    case OpCode.ShlI:
                        Arith(i, pc);
                        break;
                    case OpCode.AddK:
                    case OpCode.SubK:
                    case OpCode.MulK:
                    case OpCode.ModK:
                    case OpCode.PowK:
                    case OpCode.DivK:
                    case OpCode.IDivK:
                    case OpCode.BAndK:
                    case OpCode.BOrK:
                    case OpCode.BXorK:
                        {
                            Arith(i, pc);
                            Kst(C(i), pc);
                            ConstantKind kind = _f.Constants[C(i)].Kind;
                            bool bitwise = op is OpCode.BAndK or OpCode.BOrK or OpCode.BXorK;
                            if (bitwise ? kind != ConstantKind.Integer : kind is not (ConstantKind.Integer or ConstantKind.Float))
                            {
                                throw Bad($"constant of the wrong type at instruction {pc + 1}");
                            }

                            break;
                        }

                    case OpCode.Add:
                    case OpCode.Sub:
                    case OpCode.Mul:
                    case OpCode.Mod:
                    case OpCode.Pow:
                    case OpCode.Div:
                    case OpCode.IDiv:
                    case OpCode.BAnd:
                    case OpCode.BOr:
                    case OpCode.BXor:
                    case OpCode.Shl:
                    case OpCode.Shr:
                        Arith(i, pc);
                        Reg(C(i), pc);
                        break;
                    case OpCode.MmBin:
                    case OpCode.MmBinI:
                    case OpCode.MmBinK:
                        // MMBIN stores into the A of the instruction before it (which Arith checked).
                        if (pc == 0 || !IsArith(Op(_code[pc - 1])))
                        {
                            throw Bad($"MMBIN without arithmetic at instruction {pc + 1}");
                        }

                        Reg(a, pc);
                        if (op == OpCode.MmBin)
                        {
                            Reg(B(i), pc);
                        }
                        else if (op == OpCode.MmBinK)
                        {
                            Kst(B(i), pc);
                        }

                        if (C(i) < (int)TM.Add || C(i) > (int)TM.Shr)
                        {
                            throw Bad($"bad metamethod at instruction {pc + 1}");
                        }

                        break;
                    case OpCode.Concat:
                        if (B(i) < 2)
                        {
                            throw Bad($"bad concatenation at instruction {pc + 1}");
                        }

                        Reg(a + B(i) - 1, pc);
                        break;
                    case OpCode.Jmp:
                        Target(pc + 1L + SJ(i), pc);
                        break;
                    case OpCode.Eq:
                    case OpCode.Lt:
                    case OpCode.Le:
                    case OpCode.TestSet:
                        Reg(a, pc);
                        Reg(B(i), pc);
                        CondJump(pc);
                        break;
                    case OpCode.EqK:
                        Reg(a, pc);
                        Kst(B(i), pc);
                        CondJump(pc);
                        break;
                    case OpCode.EqI:
                    case OpCode.LtI:
                    case OpCode.LeI:
                    case OpCode.GtI:
                    case OpCode.GeI:
                    case OpCode.Test:
                        Reg(a, pc);
                        CondJump(pc);
                        break;
                    case OpCode.Call:
                        Reg(a, pc);
                        if (B(i) > 0)
                        {
                            Reg(a + B(i) - 1, pc);
                        }

                        if (C(i) > 1)
                        {
                            Reg(a + C(i) - 2, pc);
                        }
                        else if (C(i) == 0)
                        {
                            OpenResults(i, pc, false);
                        }

                        break;
                    case OpCode.TailCall:
                        Reg(a, pc);
                        if (B(i) > 0)
                        {
                            Reg(a + B(i) - 1, pc);
                        }

                        OpenResults(i, pc, true);
                        break;
                    case OpCode.Return:
                        if (B(i) > 1)
                        {
                            Reg(a + B(i) - 2, pc);
                        }
                        else if (a > _ms)
                        {
                            throw Bad($"register out of range at instruction {pc + 1}");
                        }

                        break;
                    case OpCode.Return0:
                        break;
                    case OpCode.ForLoop:
                        Reg(a + 3, pc);
                        Target(pc + 1L - Bx(i), pc);
                        break;
                    case OpCode.ForPrep:
                        Reg(a + 3, pc);
                        Target(pc + 2L + Bx(i), pc);
                        break;
                    case OpCode.TForPrep:
                        Reg(a + 3, pc);
                        Target(pc + 1L + Bx(i), pc);
                        break;
                    case OpCode.TForCall:
                        Reg(a + 6, pc);
                        Reg(a + 3 + C(i), pc);
                        break;
                    case OpCode.TForLoop:
                        Reg(a + 4, pc);
                        Target(pc + 1L - Bx(i), pc);
                        break;
                    case OpCode.SetList:
                        Reg(a + B(i), pc);
                        if (K(i))
                        {
                            ExtraArg(pc);
                            if ((long)Ax(_code[pc + 1]) * (MaxC + 1) + C(i) > int.MaxValue - MaxB - 1)
                            {
                                throw Bad($"table size out of range at instruction {pc + 1}");
                            }
                        }

                        break;
                    case OpCode.Closure:
                        Reg(a, pc);
                        if (Bx(i) >= _f.Protos.Length)
                        {
                            throw Bad($"function index out of range at instruction {pc + 1}");
                        }

                        break;
                    case OpCode.VarArg:
                        if (!_f.IsVararg)
                        {
                            throw Bad($"VARARG in a function without '...' at instruction {pc + 1}");
                        }

                        Reg(a, pc);
                        if (C(i) > 1)
                        {
                            Reg(a + C(i) - 2, pc);
                        }
                        else if (C(i) == 0)
                        {
                            OpenResults(i, pc, false);
                        }

                        break;
                    case OpCode.VarArgPrep:
                        if (pc != 0 || a != _f.NumParams)
                        {
                            throw Bad($"misplaced VARARGPREP at instruction {pc + 1}");
                        }

                        break;
                    case OpCode.ExtraArg:
                        if (!_isExtraArg[pc])
                        {
                            throw Bad($"misplaced EXTRAARG at instruction {pc + 1}");
                        }

                        break;
                    default:
                        throw Bad($"bad opcode at instruction {pc + 1}");
                }
            }

            // A use of top must follow its producer directly: no jump may enter it.
            for (int pc = 0; pc < _n; pc++)
            {
                uint i = _code[pc];
                bool usesTop = B(i) == 0 && Op(i) is OpCode.Call or OpCode.TailCall or OpCode.Return or OpCode.SetList;
                if (usesTop && (!_isConsumer[pc] || _isTarget[pc]))
                {
                    throw Bad($"use of top without an open result at instruction {pc + 1}");
                }
            }
        }

        private readonly void Reg(int r, int pc)
        {
            if (r >= _ms)
            {
                throw Bad($"register out of range at instruction {pc + 1}");
            }
        }

        private readonly void Kst(int x, int pc)
        {
            if (x >= _nk)
            {
                throw Bad($"constant out of range at instruction {pc + 1}");
            }
        }

        private readonly void Rk(uint i, int pc)
        {
            if (K(i))
            {
                Kst(C(i), pc);
            }
            else
            {
                Reg(C(i), pc);
            }
        }

        private readonly void KShortString(int x, int pc)
        {
            Kst(x, pc);
            Constant c = _f.Constants[x];
            if (c.Kind != ConstantKind.String || c.String!.Length > LuaLimits.MaxShortStringLength)
            {
                throw Bad($"field key is not a short string at instruction {pc + 1}");
            }
        }

        private readonly void Upv(int x, int pc)
        {
            if (x >= _nu)
            {
                throw Bad($"upvalue out of range at instruction {pc + 1}");
            }
        }

        private readonly void Target(long t, int pc)
        {
            if (t < _firstTarget || t >= _n)
            {
                throw Bad($"jump out of range at instruction {pc + 1}");
            }

            _isTarget[t] = true;
        }

        private readonly void Next(int pc, OpCode op)
        {
            if (pc + 1 >= _n || Op(_code[pc + 1]) != op)
            {
                throw Bad($"missing {op.ToString().ToUpperInvariant()} after instruction {pc + 1}");
            }
        }

        private readonly void ExtraArg(int pc)
        {
            Next(pc, OpCode.ExtraArg);
            _isExtraArg[pc + 1] = true;
        }

        private readonly void CondJump(int pc)
        {
            Next(pc, OpCode.Jmp);
            if (pc + 2 >= _n)
            {
                throw Bad($"code may run off its end at instruction {pc + 1}");
            }
        }

        private readonly void Arith(uint i, int pc)
        {
            Reg(A(i), pc);
            Reg(B(i), pc);
            if (pc + 1 >= _n || Op(_code[pc + 1]) is not (OpCode.MmBin or OpCode.MmBinI or OpCode.MmBinK))
            {
                throw Bad($"missing MMBIN after instruction {pc + 1}");
            }
        }

        // "Up to top": the instruction after an open one must use top, at or below where
        // the open one started (else the count of values would be negative).
        private readonly void OpenResults(uint i, int pc, bool tailCall)
        {
            if (pc + 1 >= _n)
            {
                throw Bad($"open result not used at instruction {pc + 1}");
            }

            uint next = _code[pc + 1];
            OpCode op = Op(next);
            bool ok = tailCall
                ? op == OpCode.Return && B(next) == 0 && A(next) <= A(i)
                : B(next) == 0 && (op == OpCode.Return ? A(next) <= A(i)
                    : op is OpCode.Call or OpCode.TailCall or OpCode.SetList && A(next) < A(i));
            if (!ok)
            {
                throw Bad($"open result not used at instruction {pc + 1}");
            }

            _isConsumer[pc + 1] = true;
        }
    }

    private static bool IsArith(OpCode op) => op is >= OpCode.AddI and <= OpCode.Shr;

    private static ChunkFormatException Bad(string why) => new($"bad code: {why}");
}
