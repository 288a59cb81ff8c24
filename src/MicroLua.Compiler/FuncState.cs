using System.Text;
using MicroLua.Bytecode;
using MicroLua.Core;
using MicroLua.Vm;
using static MicroLua.Vm.Instruction;

namespace MicroLua.Compiler;

/// <summary>Binary operators in Lua's order: the arithmetic ones map one to one onto opcodes and metamethod events.</summary>
internal enum BinOpr
{
    Add, Sub, Mul, Mod, Pow, Div, IDiv, BAnd, BOr, BXor, Shl, Shr, Concat,
    Eq, Lt, Le, Ne, Gt, Ge, And, Or, NoBinOpr,
}

/// <summary>Unary operators.</summary>
internal enum UnOpr
{
    Minus, BNot, Not, Len, NoUnOpr,
}

/// <summary>A block's scope record (Lua's BlockCnt).</summary>
internal sealed class BlockCnt
{
    public BlockCnt? Previous;
    public int FirstLabel;
    public int FirstGoto;
    public int NActVar;
    public bool Upval;
    public bool IsLoop;
    public bool InsideTbc;
}

/// <summary>
/// The state of one function being compiled and the code generator proper (the role of Lua's
/// lcode.c): instruction emission, registers, constants, jump lists and expression discharge.
/// Jump lists are threaded through the sJ fields of the pending JMP instructions themselves.
/// </summary>
internal sealed partial class FuncState
{
    public const int NoJump = -1;
    public const int NoReg = MaxA;
    public const int MultRet = -1;
    public const int MaxShortLen = 40;
    private const int MaxIndexRk = MaxB;
    // the metamethod events MMBIN/MMBINI/MMBINK name: the VM's one numbering (BinOpr's
    // arithmetic and bitwise operators follow the same order from TM.Add; a test pins it)
    private const int TmAdd = (int)TM.Add;
    private const int TmShl = (int)TM.Shl;
    private const int TmShr = (int)TM.Shr;
    private const int TmSub = (int)TM.Sub;

    public readonly Parser P;
    public readonly FuncState? Prev;
    public BlockCnt? Bl;
    public readonly List<uint> Code = [];
    public readonly List<int> Lines = [];
    public readonly List<Constant> K = [];
    public readonly List<FunctionProto> Protos = [];
    public readonly List<UpvalueDesc> Upvalues = [];
    public readonly List<LocalVarInfo> LocVars = [];
    public int LastTarget;
    public int FirstLocal;
    public int FirstLabel;
    public int NActVar;
    public int FreeReg;
    public bool NeedClose;
    public int MaxStackSize = 2;
    public int NumParams;
    public bool IsVararg;
    public int LineDefined;
    public int LastLineDefined;

    public FuncState(Parser p, FuncState? prev)
    {
        P = p;
        Prev = prev;
    }

    public int Pc => Code.Count;

    // ---------------------------------------------------------------- emission

    public int Emit(uint i)
    {
        Code.Add(i);
        Lines.Add(P.Lex.LastLine);
        return Code.Count - 1;
    }

    public int EmitABCk(OpCode op, int a, int b, int c, bool k) => Emit(CreateABCk(op, a, b, c, k));

    public int EmitABC(OpCode op, int a, int b, int c) => Emit(CreateABC(op, a, b, c));

    public int EmitABx(OpCode op, int a, int bx) => Emit(CreateABx(op, a, bx));

    private int EmitAsBx(OpCode op, int a, int sbx) => Emit(CreateAsBx(op, a, sbx));

    private int EmitExtraArg(int a) => Emit(CreateAx(OpCode.ExtraArg, a));

    public void FixLine(int line) => Lines[^1] = line;

    private void RemoveLastInstruction()
    {
        Code.RemoveAt(Code.Count - 1);
        Lines.RemoveAt(Lines.Count - 1);
    }

    private uint PreviousInstruction => Pc > LastTarget ? Code[Pc - 1] : uint.MaxValue;

    public int GetLabel()
    {
        LastTarget = Pc;
        return Pc;
    }

    // ---------------------------------------------------------------- jumps

    private int GetJump(int pc)
    {
        int offset = SJ(Code[pc]);
        return offset == NoJump ? NoJump : pc + 1 + offset;
    }

    private void FixJump(int pc, int dest)
    {
        int offset = dest - (pc + 1);
        if (!(-OffsetSJ <= offset && offset <= MaxSJ - OffsetSJ))
        {
            throw P.Lex.SyntaxError(LuaErrors.ControlStructureTooLong);
        }
        Code[pc] = SetSJ(Code[pc], offset);
    }

    public void Concat(ref int l1, int l2)
    {
        if (l2 == NoJump)
        {
            return;
        }
        if (l1 == NoJump)
        {
            l1 = l2;
            return;
        }
        if (GetJump(l2) == NoJump)
        {
            // a single jump goes to the front: every jump of a list gets the same target, so
            // order does not matter, and long 'and'/'or' chains stay linear instead of quadratic
            FixJump(l2, l1);
            l1 = l2;
            return;
        }
        int list = l1;
        int next;
        while ((next = GetJump(list)) != NoJump)
        {
            list = next;
        }
        FixJump(list, l2);
    }

    public int Jump() => Emit(CreateSJ(OpCode.Jmp, NoJump));

    public void Ret(int first, int nret)
    {
        OpCode op = nret switch
        {
            0 => OpCode.Return0,
            1 => OpCode.Return1,
            _ => OpCode.Return,
        };
        EmitABC(op, first, nret + 1, 0);
    }

    private int CondJump(OpCode op, int a, int b, int c, bool k)
    {
        EmitABCk(op, a, b, c, k);
        return Jump();
    }

    private static bool IsTestMode(OpCode op) => op is OpCode.Eq or OpCode.Lt or OpCode.Le or OpCode.EqK or OpCode.EqI
        or OpCode.LtI or OpCode.LeI or OpCode.GtI or OpCode.GeI or OpCode.Test or OpCode.TestSet;

    private int GetJumpControl(int pc) => pc >= 1 && IsTestMode(Op(Code[pc - 1])) ? pc - 1 : pc;

    private bool PatchTestReg(int node, int reg)
    {
        int ci = GetJumpControl(node);
        uint i = Code[ci];
        if (Op(i) != OpCode.TestSet)
        {
            return false;
        }
        if (reg != NoReg && reg != B(i))
        {
            Code[ci] = SetA(i, reg);
        }
        else
        {
            Code[ci] = CreateABCk(OpCode.Test, B(i), 0, 0, Instruction.K(i));
        }
        return true;
    }

    private void RemoveValues(int list)
    {
        for (; list != NoJump; list = GetJump(list))
        {
            PatchTestReg(list, NoReg);
        }
    }

    private void PatchListAux(int list, int vtarget, int reg, int dtarget)
    {
        while (list != NoJump)
        {
            int next = GetJump(list);
            if (PatchTestReg(list, reg))
            {
                FixJump(list, vtarget);
            }
            else
            {
                FixJump(list, dtarget);
            }
            list = next;
        }
    }

    public void PatchList(int list, int target) => PatchListAux(list, target, NoReg, target);

    public void PatchToHere(int list) => PatchList(list, GetLabel());

    public void JumpTo(int target) => PatchList(Jump(), target);

    // ---------------------------------------------------------------- registers

    public void CheckStack(int n)
    {
        int newStack = FreeReg + n;
        if (newStack > MaxStackSize)
        {
            if (newStack >= MaxRegisters)
            {
                throw P.Lex.SyntaxError("function or expression needs too many registers");
            }
            MaxStackSize = newStack;
        }
    }

    public void ReserveRegs(int n)
    {
        CheckStack(n);
        FreeReg += n;
    }

    private void FreeRegister(int reg)
    {
        if (reg >= P.NVarStack(this))
        {
            FreeReg--;
        }
    }

    private void FreeRegs(int r1, int r2)
    {
        if (r1 > r2)
        {
            FreeRegister(r1);
            FreeRegister(r2);
        }
        else
        {
            FreeRegister(r2);
            FreeRegister(r1);
        }
    }

    private void FreeExp(ref ExpDesc e)
    {
        if (e.Kind == ExpKind.NonReloc)
        {
            FreeRegister(e.Info);
        }
    }

    private void FreeExps(ref ExpDesc e1, ref ExpDesc e2)
    {
        int r1 = e1.Kind == ExpKind.NonReloc ? e1.Info : -1;
        int r2 = e2.Kind == ExpKind.NonReloc ? e2.Info : -1;
        FreeRegs(r1, r2);
    }

    // ---------------------------------------------------------------- constants

    private int AddK((int, long, string?) key, Constant value)
    {
        // the cache is shared by the chunk's functions, so an entry may point at another function's slot
        if (P.KCache.TryGetValue(key, out int idx) && idx < K.Count && K[idx] == value)
        {
            return idx;
        }
        idx = K.Count;
        if (idx >= MaxAx)
        {
            throw P.Lex.SyntaxError("too many constants");
        }
        K.Add(value);
        P.KCache[key] = idx;
        return idx;
    }

    public int StringK(string s) => AddK((1, 0, s), Constant.FromString(Encoding.Latin1.GetBytes(s)));

    private int IntK(long i) => AddK((2, i, null), Constant.FromInteger(i));

    private int NumberK(double d) => AddK((3, BitConverter.DoubleToInt64Bits(d), null), Constant.FromFloat(d));

    private int BoolK(bool b) => AddK((b ? 4 : 5, 0, null), Constant.FromBoolean(b));

    private int NilK() => AddK((6, 0, null), Constant.Nil);

    private static bool FitsC(long i) => (ulong)(i + OffsetSC) <= MaxC;

    private static bool FitsBx(long i) => -OffsetSBx <= i && i <= MaxBx - OffsetSBx;

    public void Int(int reg, long i)
    {
        if (FitsBx(i))
        {
            EmitAsBx(OpCode.LoadI, reg, (int)i);
        }
        else
        {
            CodeK(reg, IntK(i));
        }
    }

    private void Float(int reg, double f)
    {
        if (LuaNumber.FloatToInteger(f, out long fi) && FitsBx(fi))
        {
            EmitAsBx(OpCode.LoadF, reg, (int)fi);
        }
        else
        {
            CodeK(reg, NumberK(f));
        }
    }

    private int CodeK(int reg, int k)
    {
        if (k <= MaxBx)
        {
            return EmitABx(OpCode.LoadK, reg, k);
        }
        int p = EmitABx(OpCode.LoadKX, reg, 0);
        EmitExtraArg(k);
        return p;
    }

    public void Nil(int from, int n)
    {
        int l = from + n - 1;
        uint prev = PreviousInstruction;
        if (prev != uint.MaxValue && Op(prev) == OpCode.LoadNil)
        {
            int pfrom = A(prev);
            int pl = pfrom + B(prev);
            if ((pfrom <= from && from <= pl + 1) || (from <= pfrom && pfrom <= l + 1))
            {
                if (pfrom < from)
                {
                    from = pfrom;
                }
                if (pl > l)
                {
                    l = pl;
                }
                uint ni = SetA(prev, from);
                Code[Pc - 1] = SetB(ni, l - from);
                return;
            }
        }
        EmitABC(OpCode.LoadNil, from, n - 1, 0);
    }

    // ---------------------------------------------------------------- expression discharge

    public void SetReturns(ref ExpDesc e, int nresults)
    {
        uint i = Code[e.Info];
        if (e.Kind == ExpKind.Call)
        {
            Code[e.Info] = SetC(i, nresults + 1);
        }
        else
        {
            i = SetC(i, nresults + 1);
            Code[e.Info] = SetA(i, FreeReg);
            ReserveRegs(1);
        }
    }

    public void SetMultRet(ref ExpDesc e) => SetReturns(ref e, MultRet);

    public void SetOneRet(ref ExpDesc e)
    {
        if (e.Kind == ExpKind.Call)
        {
            e.Kind = ExpKind.NonReloc;
            e.Info = A(Code[e.Info]);
        }
        else if (e.Kind == ExpKind.VarArg)
        {
            Code[e.Info] = SetC(Code[e.Info], 2);
            e.Kind = ExpKind.Reloc;
        }
    }

    public void DischargeVars(ref ExpDesc e)
    {
        switch (e.Kind)
        {
            case ExpKind.Const:
                {
                    ExpDesc c = P.ConstValue(e.Info);
                    c.T = e.T;
                    c.F = e.F;
                    e = c;
                    break;
                }
            case ExpKind.Local:
                e.Info = e.Ridx;
                e.Kind = ExpKind.NonReloc;
                break;
            case ExpKind.Upval:
                e.Info = EmitABC(OpCode.GetUpval, 0, e.Info, 0);
                e.Kind = ExpKind.Reloc;
                break;
            case ExpKind.IndexUp:
                e.Info = EmitABC(OpCode.GetTabUp, 0, e.IndT, e.IndIdx);
                e.Kind = ExpKind.Reloc;
                break;
            case ExpKind.IndexI:
                FreeRegister(e.IndT);
                e.Info = EmitABC(OpCode.GetI, 0, e.IndT, e.IndIdx);
                e.Kind = ExpKind.Reloc;
                break;
            case ExpKind.IndexStr:
                FreeRegister(e.IndT);
                e.Info = EmitABC(OpCode.GetField, 0, e.IndT, e.IndIdx);
                e.Kind = ExpKind.Reloc;
                break;
            case ExpKind.Indexed:
                FreeRegs(e.IndT, e.IndIdx);
                e.Info = EmitABC(OpCode.GetTable, 0, e.IndT, e.IndIdx);
                e.Kind = ExpKind.Reloc;
                break;
            case ExpKind.VarArg:
            case ExpKind.Call:
                SetOneRet(ref e);
                break;
        }
    }

    private void Discharge2Reg(ref ExpDesc e, int reg)
    {
        DischargeVars(ref e);
        switch (e.Kind)
        {
            case ExpKind.Nil:
                Nil(reg, 1);
                break;
            case ExpKind.False:
                EmitABC(OpCode.LoadFalse, reg, 0, 0);
                break;
            case ExpKind.True:
                EmitABC(OpCode.LoadTrue, reg, 0, 0);
                break;
            case ExpKind.KStr:
                CodeK(reg, StringK(e.StrVal!));
                break;
            case ExpKind.K:
                CodeK(reg, e.Info);
                break;
            case ExpKind.KFlt:
                Float(reg, e.NVal);
                break;
            case ExpKind.KInt:
                Int(reg, e.IVal);
                break;
            case ExpKind.Reloc:
                Code[e.Info] = SetA(Code[e.Info], reg);
                break;
            case ExpKind.NonReloc:
                if (reg != e.Info)
                {
                    EmitABC(OpCode.Move, reg, e.Info, 0);
                }
                break;
            default:
                return; // Jmp: nothing to do yet
        }
        e.Info = reg;
        e.Kind = ExpKind.NonReloc;
    }

    private void Discharge2AnyReg(ref ExpDesc e)
    {
        if (e.Kind != ExpKind.NonReloc)
        {
            ReserveRegs(1);
            Discharge2Reg(ref e, FreeReg - 1);
        }
    }

    private int CodeLoadBool(int a, OpCode op)
    {
        GetLabel();
        return EmitABC(op, a, 0, 0);
    }

    private bool NeedValue(int list)
    {
        for (; list != NoJump; list = GetJump(list))
        {
            if (Op(Code[GetJumpControl(list)]) != OpCode.TestSet)
            {
                return true;
            }
        }
        return false;
    }

    private void Exp2Reg(ref ExpDesc e, int reg)
    {
        Discharge2Reg(ref e, reg);
        if (e.Kind == ExpKind.Jmp)
        {
            Concat(ref e.T, e.Info);
        }
        if (e.HasJumps)
        {
            int pf = NoJump;
            int pt = NoJump;
            if (NeedValue(e.T) || NeedValue(e.F))
            {
                int fj = e.Kind == ExpKind.Jmp ? NoJump : Jump();
                pf = CodeLoadBool(reg, OpCode.LFalseSkip);
                pt = CodeLoadBool(reg, OpCode.LoadTrue);
                PatchToHere(fj);
            }
            int final = GetLabel();
            PatchListAux(e.F, final, reg, pf);
            PatchListAux(e.T, final, reg, pt);
        }
        e.F = e.T = NoJump;
        e.Info = reg;
        e.Kind = ExpKind.NonReloc;
    }

    public void Exp2NextReg(ref ExpDesc e)
    {
        DischargeVars(ref e);
        FreeExp(ref e);
        ReserveRegs(1);
        Exp2Reg(ref e, FreeReg - 1);
    }

    public int Exp2AnyReg(ref ExpDesc e)
    {
        DischargeVars(ref e);
        if (e.Kind == ExpKind.NonReloc)
        {
            if (!e.HasJumps)
            {
                return e.Info;
            }
            if (e.Info >= P.NVarStack(this))
            {
                Exp2Reg(ref e, e.Info);
                return e.Info;
            }
        }
        Exp2NextReg(ref e);
        return e.Info;
    }

    public void Exp2AnyRegUp(ref ExpDesc e)
    {
        if (e.Kind != ExpKind.Upval || e.HasJumps)
        {
            Exp2AnyReg(ref e);
        }
    }

    public void Exp2Val(ref ExpDesc e)
    {
        if (e.HasJumps)
        {
            Exp2AnyReg(ref e);
        }
        else
        {
            DischargeVars(ref e);
        }
    }

    private bool Exp2K(ref ExpDesc e)
    {
        if (!e.HasJumps)
        {
            int info;
            switch (e.Kind)
            {
                case ExpKind.True: info = BoolK(true); break;
                case ExpKind.False: info = BoolK(false); break;
                case ExpKind.Nil: info = NilK(); break;
                case ExpKind.KInt: info = IntK(e.IVal); break;
                case ExpKind.KFlt: info = NumberK(e.NVal); break;
                case ExpKind.KStr: info = StringK(e.StrVal!); break;
                case ExpKind.K: info = e.Info; break;
                default: return false;
            }
            if (info <= MaxIndexRk)
            {
                e.Kind = ExpKind.K;
                e.Info = info;
                return true;
            }
        }
        return false;
    }

    private bool Exp2RK(ref ExpDesc e)
    {
        if (Exp2K(ref e))
        {
            return true;
        }
        Exp2AnyReg(ref e);
        return false;
    }

    private void CodeABRK(OpCode op, int a, int b, ref ExpDesc ec)
    {
        bool k = Exp2RK(ref ec);
        EmitABCk(op, a, b, ec.Info, k);
    }

    public void StoreVar(ref ExpDesc v, ref ExpDesc ex)
    {
        switch (v.Kind)
        {
            case ExpKind.Local:
                FreeExp(ref ex);
                Exp2Reg(ref ex, v.Ridx);
                return;
            case ExpKind.Upval:
                {
                    int e = Exp2AnyReg(ref ex);
                    EmitABC(OpCode.SetUpval, e, v.Info, 0);
                    break;
                }
            case ExpKind.IndexUp:
                CodeABRK(OpCode.SetTabUp, v.IndT, v.IndIdx, ref ex);
                break;
            case ExpKind.IndexI:
                CodeABRK(OpCode.SetI, v.IndT, v.IndIdx, ref ex);
                break;
            case ExpKind.IndexStr:
                CodeABRK(OpCode.SetField, v.IndT, v.IndIdx, ref ex);
                break;
            case ExpKind.Indexed:
                CodeABRK(OpCode.SetTable, v.IndT, v.IndIdx, ref ex);
                break;
        }
        FreeExp(ref ex);
    }

    public void Self(ref ExpDesc e, ref ExpDesc key)
    {
        Exp2AnyReg(ref e);
        int ereg = e.Info;
        FreeExp(ref e);
        e.Info = FreeReg;
        e.Kind = ExpKind.NonReloc;
        ReserveRegs(2);
        CodeABRK(OpCode.Self, e.Info, ereg, ref key);
        FreeExp(ref key);
    }

    private void NegateCondition(ref ExpDesc e)
    {
        int pc = GetJumpControl(e.Info);
        uint i = Code[pc];
        Code[pc] = SetK(i, !Instruction.K(i));
    }

    private int JumpOnCond(ref ExpDesc e, bool cond)
    {
        if (e.Kind == ExpKind.Reloc)
        {
            uint ie = Code[e.Info];
            if (Op(ie) == OpCode.Not)
            {
                RemoveLastInstruction();
                return CondJump(OpCode.Test, B(ie), 0, 0, !cond);
            }
        }
        Discharge2AnyReg(ref e);
        FreeExp(ref e);
        return CondJump(OpCode.TestSet, NoReg, e.Info, 0, cond);
    }

    public void GoIfTrue(ref ExpDesc e)
    {
        int pc;
        DischargeVars(ref e);
        switch (e.Kind)
        {
            case ExpKind.Jmp:
                NegateCondition(ref e);
                pc = e.Info;
                break;
            case ExpKind.K:
            case ExpKind.KFlt:
            case ExpKind.KInt:
            case ExpKind.KStr:
            case ExpKind.True:
                pc = NoJump;
                break;
            default:
                pc = JumpOnCond(ref e, false);
                break;
        }
        Concat(ref e.F, pc);
        PatchToHere(e.T);
        e.T = NoJump;
    }

    public void GoIfFalse(ref ExpDesc e)
    {
        int pc;
        DischargeVars(ref e);
        switch (e.Kind)
        {
            case ExpKind.Jmp:
                pc = e.Info;
                break;
            case ExpKind.Nil:
            case ExpKind.False:
                pc = NoJump;
                break;
            default:
                pc = JumpOnCond(ref e, true);
                break;
        }
        Concat(ref e.T, pc);
        PatchToHere(e.F);
        e.F = NoJump;
    }

    private void CodeNot(ref ExpDesc e)
    {
        switch (e.Kind)
        {
            case ExpKind.Nil:
            case ExpKind.False:
                e.Kind = ExpKind.True;
                break;
            case ExpKind.K:
            case ExpKind.KFlt:
            case ExpKind.KInt:
            case ExpKind.KStr:
            case ExpKind.True:
                e.Kind = ExpKind.False;
                break;
            case ExpKind.Jmp:
                NegateCondition(ref e);
                break;
            case ExpKind.Reloc:
            case ExpKind.NonReloc:
                Discharge2AnyReg(ref e);
                FreeExp(ref e);
                e.Info = EmitABC(OpCode.Not, 0, e.Info, 0);
                e.Kind = ExpKind.Reloc;
                break;
        }
        (e.F, e.T) = (e.T, e.F);
        RemoveValues(e.F);
        RemoveValues(e.T);
    }

    private bool IsKstr(in ExpDesc e) =>
        e.Kind == ExpKind.K && !e.HasJumps && e.Info <= MaxB &&
        K[e.Info].Kind == ConstantKind.String && K[e.Info].String!.Length <= MaxShortLen;

    public static bool IsKint(in ExpDesc e) => e.Kind == ExpKind.KInt && !e.HasJumps;

    private static bool IsCint(in ExpDesc e) => IsKint(e) && (ulong)e.IVal <= MaxC;

    private static bool IsSCint(in ExpDesc e) => IsKint(e) && FitsC(e.IVal);

    private static bool IsSCnumber(in ExpDesc e, out int pi, out bool isFloat)
    {
        long i;
        pi = 0;
        isFloat = false;
        if (e.Kind == ExpKind.KInt)
        {
            i = e.IVal;
        }
        else if (e.Kind == ExpKind.KFlt && LuaNumber.FloatToInteger(e.NVal, out i))
        {
            isFloat = true;
        }
        else
        {
            return false;
        }
        if (!e.HasJumps && FitsC(i))
        {
            pi = (int)i + OffsetSC;
            return true;
        }
        return false;
    }

    public void Indexed(ref ExpDesc t, ref ExpDesc k)
    {
        if (k.Kind == ExpKind.KStr)
        {
            k.Info = StringK(k.StrVal!);
            k.Kind = ExpKind.K;
        }
        if (t.Kind == ExpKind.Upval && !IsKstr(k))
        {
            // A key made of jumps (1 < 2) must get its value first: its code jumps over
            // anything emitted in between, so the upvalue load would be skipped.
            if (k.Kind == ExpKind.Jmp || k.HasJumps)
            {
                Exp2AnyReg(ref k);
            }
            Exp2AnyReg(ref t);
        }
        if (t.Kind == ExpKind.Upval)
        {
            t.IndT = t.Info;
            t.IndIdx = k.Info;
            t.Kind = ExpKind.IndexUp;
        }
        else
        {
            t.IndT = t.Kind == ExpKind.Local ? t.Ridx : t.Info;
            if (IsKstr(k))
            {
                t.IndIdx = k.Info;
                t.Kind = ExpKind.IndexStr;
            }
            else if (IsCint(k))
            {
                t.IndIdx = (int)k.IVal;
                t.Kind = ExpKind.IndexI;
            }
            else
            {
                t.IndIdx = Exp2AnyReg(ref k);
                t.Kind = ExpKind.Indexed;
            }
        }
    }

    public void SetList(int baseReg, int nelems, int toStore)
    {
        if (toStore == MultRet)
        {
            toStore = 0;
        }
        if (nelems <= MaxC)
        {
            EmitABC(OpCode.SetList, baseReg, toStore, nelems);
        }
        else
        {
            int extra = nelems / (MaxC + 1);
            nelems %= MaxC + 1;
            EmitABCk(OpCode.SetList, baseReg, toStore, nelems, true);
            EmitExtraArg(extra);
        }
        FreeReg = baseReg + 1;
    }

    public void SetTableSize(int pc, int ra, int asize, int hsize)
    {
        int rb = hsize != 0 ? CeilLog2((uint)hsize) + 1 : 0;
        int extra = asize / (MaxC + 1);
        int rc = asize % (MaxC + 1);
        Code[pc] = CreateABCk(OpCode.NewTable, ra, rb, rc, extra > 0);
        Code[pc + 1] = CreateAx(OpCode.ExtraArg, extra);
    }

    private static int CeilLog2(uint x)
    {
        int l = 0;
        x--;
        while (x >= 256)
        {
            l += 8;
            x >>= 8;
        }
        return l + (x == 0 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount(x));
    }

    /// <summary>Lua's luaK_exp2const: the value of a constant expression, for compile-time constant locals.</summary>
    public bool Exp2Const(in ExpDesc e, out ExpDesc value)
    {
        value = default;
        if (e.HasJumps)
        {
            return false;
        }
        switch (e.Kind)
        {
            case ExpKind.False:
            case ExpKind.True:
            case ExpKind.Nil:
            case ExpKind.KStr:
            case ExpKind.KInt:
            case ExpKind.KFlt:
                value = new ExpDesc(e.Kind, 0) { IVal = e.IVal, NVal = e.NVal, StrVal = e.StrVal };
                return true;
            case ExpKind.Const:
                value = P.ConstValue(e.Info);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Final pass (Lua's luaK_finish): return flags for vararg/closing functions and jump threading.</summary>
    public void Finish()
    {
        for (int i = 0; i < Pc; i++)
        {
            uint ins = Code[i];
            switch (Op(ins))
            {
                case OpCode.Return0:
                case OpCode.Return1:
                    if (!(NeedClose || IsVararg))
                    {
                        break;
                    }
                    ins = (ins & ~0x7Fu) | (uint)OpCode.Return;
                    goto case OpCode.Return;
                case OpCode.Return:
                case OpCode.TailCall:
                    if (NeedClose)
                    {
                        ins = SetK(ins, true);
                    }
                    if (IsVararg)
                    {
                        ins = SetC(ins, NumParams + 1);
                    }
                    Code[i] = ins;
                    break;
                case OpCode.Jmp:
                    FixJump(i, FinalTarget(i));
                    break;
            }
        }
    }

    private int FinalTarget(int i)
    {
        for (int count = 0; count < 100; count++)
        {
            uint ins = Code[i];
            if (Op(ins) != OpCode.Jmp)
            {
                break;
            }
            i += SJ(ins) + 1;
        }
        return i;
    }
}
