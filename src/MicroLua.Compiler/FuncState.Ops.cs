using MicroLua.Core;
using MicroLua.Vm;
using static MicroLua.Vm.Instruction;

namespace MicroLua.Compiler;

/// <summary>Operators: constant folding, immediate and constant operands, comparisons (Lua's lcode.c operator half).</summary>
internal sealed partial class FuncState
{
    private static bool ToNumeral(in ExpDesc e) => !e.HasJumps && e.Kind is ExpKind.KInt or ExpKind.KFlt;

    public void Prefix(UnOpr op, ref ExpDesc e, int line)
    {
        DischargeVars(ref e);
        switch (op)
        {
            case UnOpr.Minus:
            case UnOpr.BNot:
                {
                    ExpDesc zero = ExpDesc.Int(0);
                    if (ConstFolding(op == UnOpr.Minus ? TM.Unm : TM.BNot, ref e, in zero))
                    {
                        break;
                    }
                    CodeUnExpVal(op == UnOpr.Minus ? OpCode.Unm : OpCode.BNot, ref e, line);
                    break;
                }
            case UnOpr.Len:
                CodeUnExpVal(OpCode.Len, ref e, line);
                break;
            case UnOpr.Not:
                CodeNot(ref e);
                break;
        }
    }

    private void CodeUnExpVal(OpCode op, ref ExpDesc e, int line)
    {
        int r = Exp2AnyReg(ref e);
        FreeExp(ref e);
        e.Info = EmitABC(op, 0, r, 0);
        e.Kind = ExpKind.Reloc;
        FixLine(line);
    }

    public void Infix(BinOpr op, ref ExpDesc v)
    {
        DischargeVars(ref v);
        switch (op)
        {
            case BinOpr.And:
                GoIfTrue(ref v);
                break;
            case BinOpr.Or:
                GoIfFalse(ref v);
                break;
            case BinOpr.Concat:
                Exp2NextReg(ref v);
                break;
            case BinOpr.Eq:
            case BinOpr.Ne:
                if (!ToNumeral(v))
                {
                    Exp2RK(ref v);
                }
                break;
            case BinOpr.Lt:
            case BinOpr.Le:
            case BinOpr.Gt:
            case BinOpr.Ge:
                if (!IsSCnumber(v, out _, out _))
                {
                    Exp2AnyReg(ref v);
                }
                break;
            default:
                if (!ToNumeral(v))
                {
                    Exp2AnyReg(ref v);
                }
                break;
        }
    }

    public void Posfix(BinOpr opr, ref ExpDesc e1, ref ExpDesc e2, int line)
    {
        DischargeVars(ref e2);
        if (opr <= BinOpr.Shr && ConstFolding((TM)((int)TM.Add + (int)opr), ref e1, in e2))
        {
            return;
        }
        switch (opr)
        {
            case BinOpr.And:
                Concat(ref e2.F, e1.F);
                e1 = e2;
                break;
            case BinOpr.Or:
                Concat(ref e2.T, e1.T);
                e1 = e2;
                break;
            case BinOpr.Concat:
                Exp2NextReg(ref e2);
                CodeConcat(ref e1, ref e2, line);
                break;
            case BinOpr.Add:
            case BinOpr.Mul:
                CodeCommutative(opr, ref e1, ref e2, line);
                break;
            case BinOpr.Sub:
                if (FinishBinExpNeg(ref e1, ref e2, OpCode.AddI, line, TmSub))
                {
                    break;
                }
                CodeArith(opr, ref e1, ref e2, false, line);
                break;
            case BinOpr.Div:
            case BinOpr.IDiv:
            case BinOpr.Mod:
            case BinOpr.Pow:
                CodeArith(opr, ref e1, ref e2, false, line);
                break;
            case BinOpr.BAnd:
            case BinOpr.BOr:
            case BinOpr.BXor:
                CodeBitwise(opr, ref e1, ref e2, line);
                break;
            case BinOpr.Shl:
                if (IsSCint(e1))
                {
                    (e1, e2) = (e2, e1);
                    CodeBinI(OpCode.ShlI, ref e1, ref e2, true, line, TmShl);
                }
                else if (!FinishBinExpNeg(ref e1, ref e2, OpCode.ShrI, line, TmShl))
                {
                    CodeBinExpVal(opr, ref e1, ref e2, line);
                }
                break;
            case BinOpr.Shr:
                if (IsSCint(e2))
                {
                    CodeBinI(OpCode.ShrI, ref e1, ref e2, false, line, TmShr);
                }
                else
                {
                    CodeBinExpVal(opr, ref e1, ref e2, line);
                }
                break;
            case BinOpr.Eq:
            case BinOpr.Ne:
                CodeEq(opr, ref e1, ref e2);
                break;
            case BinOpr.Gt:
            case BinOpr.Ge:
                (e1, e2) = (e2, e1);
                CodeOrder(opr - BinOpr.Gt + BinOpr.Lt, ref e1, ref e2);
                break;
            case BinOpr.Lt:
            case BinOpr.Le:
                CodeOrder(opr, ref e1, ref e2);
                break;
        }
    }

    private void CodeConcat(ref ExpDesc e1, ref ExpDesc e2, int line)
    {
        uint ie2 = PreviousInstruction;
        if (ie2 != uint.MaxValue && Op(ie2) == OpCode.Concat)
        {
            int n = B(ie2);
            FreeExp(ref e2);
            uint ni = SetA(ie2, e1.Info);
            Code[Pc - 1] = SetB(ni, n + 1);
        }
        else
        {
            EmitABC(OpCode.Concat, e1.Info, 2, 0);
            FreeExp(ref e2);
            FixLine(line);
        }
    }

    private void FinishBinExpVal(ref ExpDesc e1, ref ExpDesc e2, OpCode op, int v2, bool flip, int line, OpCode mmop, int evt)
    {
        int v1 = Exp2AnyReg(ref e1);
        int pc = EmitABCk(op, 0, v1, v2, false);
        FreeExps(ref e1, ref e2);
        e1.Info = pc;
        e1.Kind = ExpKind.Reloc;
        FixLine(line);
        EmitABCk(mmop, v1, v2, evt, flip);
        FixLine(line);
    }

    private void CodeBinExpVal(BinOpr opr, ref ExpDesc e1, ref ExpDesc e2, int line)
    {
        OpCode op = (OpCode)((int)OpCode.Add + (int)opr);
        int v2 = Exp2AnyReg(ref e2);
        FinishBinExpVal(ref e1, ref e2, op, v2, false, line, OpCode.MmBin, TmAdd + (int)opr);
    }

    private void CodeBinI(OpCode op, ref ExpDesc e1, ref ExpDesc e2, bool flip, int line, int evt)
    {
        int v2 = (int)e2.IVal + OffsetSC;
        FinishBinExpVal(ref e1, ref e2, op, v2, flip, line, OpCode.MmBinI, evt);
    }

    private void CodeBinK(BinOpr opr, ref ExpDesc e1, ref ExpDesc e2, bool flip, int line)
    {
        int v2 = e2.Info;
        OpCode op = (OpCode)((int)OpCode.AddK + (int)opr);
        FinishBinExpVal(ref e1, ref e2, op, v2, flip, line, OpCode.MmBinK, TmAdd + (int)opr);
    }

    private bool FinishBinExpNeg(ref ExpDesc e1, ref ExpDesc e2, OpCode op, int line, int evt)
    {
        if (!IsKint(e2))
        {
            return false;
        }
        long i2 = e2.IVal;
        if (!(FitsC(i2) && FitsC(-i2)))
        {
            return false;
        }
        int v2 = (int)i2;
        FinishBinExpVal(ref e1, ref e2, op, -v2 + OffsetSC, false, line, OpCode.MmBinI, evt);
        Code[Pc - 1] = SetB(Code[Pc - 1], v2 + OffsetSC);
        return true;
    }

    private void CodeArith(BinOpr opr, ref ExpDesc e1, ref ExpDesc e2, bool flip, int line)
    {
        if (ToNumeral(e2) && Exp2K(ref e2))
        {
            CodeBinK(opr, ref e1, ref e2, flip, line);
        }
        else
        {
            if (flip)
            {
                (e1, e2) = (e2, e1);
            }
            CodeBinExpVal(opr, ref e1, ref e2, line);
        }
    }

    private void CodeCommutative(BinOpr opr, ref ExpDesc e1, ref ExpDesc e2, int line)
    {
        bool flip = false;
        if (ToNumeral(e1))
        {
            (e1, e2) = (e2, e1);
            flip = true;
        }
        if (opr == BinOpr.Add && IsSCint(e2))
        {
            CodeBinI(OpCode.AddI, ref e1, ref e2, flip, line, TmAdd);
        }
        else
        {
            CodeArith(opr, ref e1, ref e2, flip, line);
        }
    }

    private void CodeBitwise(BinOpr opr, ref ExpDesc e1, ref ExpDesc e2, int line)
    {
        bool flip = false;
        if (e1.Kind == ExpKind.KInt)
        {
            (e1, e2) = (e2, e1); // e2 is the constant operand
            flip = true;
        }
        if (e2.Kind == ExpKind.KInt && Exp2K(ref e2))
        {
            CodeBinK(opr, ref e1, ref e2, flip, line);
            return;
        }
        if (flip)
        {
            (e1, e2) = (e2, e1); // back to the original order
        }
        // All-register opcodes. No code for a numeral operand before this point: the other
        // operand may still have jumps to its end (1 ~ (2 or 3)), which would skip it.
        CodeBinExpVal(opr, ref e1, ref e2, line);
    }

    private void CodeOrder(BinOpr opr, ref ExpDesc e1, ref ExpDesc e2)
    {
        int r1, r2;
        OpCode op;
        if (IsSCnumber(e2, out int im, out bool isFloat))
        {
            r1 = Exp2AnyReg(ref e1);
            r2 = im;
            op = opr == BinOpr.Lt ? OpCode.LtI : OpCode.LeI;
        }
        else if (IsSCnumber(e1, out im, out isFloat))
        {
            r1 = Exp2AnyReg(ref e2);
            r2 = im;
            op = opr == BinOpr.Lt ? OpCode.GtI : OpCode.GeI;
        }
        else
        {
            r1 = Exp2AnyReg(ref e1);
            r2 = Exp2AnyReg(ref e2);
            op = opr == BinOpr.Lt ? OpCode.Lt : OpCode.Le;
        }
        FreeExps(ref e1, ref e2);
        e1.Info = CondJump(op, r1, r2, isFloat ? 1 : 0, true);
        e1.Kind = ExpKind.Jmp;
    }

    private void CodeEq(BinOpr opr, ref ExpDesc e1, ref ExpDesc e2)
    {
        int r2;
        OpCode op;
        if (e1.Kind != ExpKind.NonReloc)
        {
            (e1, e2) = (e2, e1);
        }
        int r1 = Exp2AnyReg(ref e1);
        if (IsSCnumber(e2, out int im, out bool isFloat))
        {
            op = OpCode.EqI;
            r2 = im;
        }
        else if (Exp2RK(ref e2))
        {
            op = OpCode.EqK;
            r2 = e2.Info;
        }
        else
        {
            op = OpCode.Eq;
            r2 = Exp2AnyReg(ref e2);
        }
        FreeExps(ref e1, ref e2);
        e1.Info = CondJump(op, r1, r2, isFloat ? 1 : 0, opr == BinOpr.Eq);
        e1.Kind = ExpKind.Jmp;
    }

    // ---------------------------------------------------------------- constant folding

    /// <summary>
    /// Folds an operation on two numeric constants (the second is 0 for a unary one), as Lua
    /// does, with the VM's own arithmetic (LuaArith): never division or modulo by zero, never
    /// a bitwise operation on a non-integral value, never a NaN or zero float result.
    /// </summary>
    private static bool ConstFolding(TM op, ref ExpDesc e1, in ExpDesc e2)
    {
        if (!ToNumeral(e1) || !ToNumeral(e2))
        {
            return false;
        }
        Value a = e1.Kind == ExpKind.KInt ? Value.Integer(e1.IVal) : Value.Float(e1.NVal);
        Value b = e2.Kind == ExpKind.KInt ? Value.Integer(e2.IVal) : Value.Float(e2.NVal);
        Value r;
        switch (op)
        {
            case TM.BAnd or TM.BOr or TM.BXor or TM.Shl or TM.Shr or TM.BNot:
                if (!ToIntegerStrict(a, out long x) || !ToIntegerStrict(b, out long y))
                {
                    return false;
                }
                r = Value.Integer(LuaArith.Bitwise(op, x, y));
                break;
            case TM.Unm:
                r = a.Tag == Tag.Integer ? Value.Integer(unchecked(0 - a.I)) : Value.Float(-a.D);
                break;
            default:
                if (op is TM.Div or TM.IDiv or TM.Mod && (b.Tag == Tag.Integer ? b.I == 0 : b.D == 0))
                {
                    return false;
                }
                r = LuaArith.Arith((ArithOp)(op - TM.Add), a, b);
                break;
        }
        if (r.Tag == Tag.Integer)
        {
            e1.Kind = ExpKind.KInt;
            e1.IVal = r.I;
            return true;
        }
        if (double.IsNaN(r.D) || r.D == 0)
        {
            return false;
        }
        e1.Kind = ExpKind.KFlt;
        e1.NVal = r.D;
        return true;
    }

    private static bool ToIntegerStrict(in Value v, out long i)
    {
        if (v.Tag == Tag.Integer)
        {
            i = v.I;
            return true;
        }
        return LuaNumber.FloatToInteger(v.D, out i);
    }
}
