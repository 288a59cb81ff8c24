using System.Runtime.CompilerServices;
using MicroLua.Core;
using static MicroLua.Vm.Instruction;

namespace MicroLua.Vm;

/// <summary>
/// An arithmetic operator as the loop's fast paths see it. Each opcode family (register,
/// constant) is one generic call, <see cref="Interpreter"/>'s Arith&lt;TOp&gt;; the JIT
/// compiles it once per operator struct, so the calls on <c>default(TOp)</c> inline to the
/// bare operation and the branches an operator does not use disappear. These are instance
/// methods, not static abstract members, so the same code builds for netstandard2.1.
/// </summary>
internal interface IArithOp
{
    /// <summary>The operator, for the general rule (<see cref="LuaArith.Arith"/>).</summary>
    ArithOp Op { get; }

    /// <summary>Whether two integers give an integer (false for / and ^, which always work in floats).</summary>
    bool HasInteger { get; }

    /// <summary>The integer result; false when the general rule decides (a zero divisor, which raises).</summary>
    bool Integer(long a, long b, out long r);

    /// <summary>The float result for two numbers converted to float.</summary>
    double Float(double a, double b);
}

/// <summary>A bitwise operator on two integers (operands already converted by Lua's strict rule).</summary>
internal interface IBitwiseOp
{
    long Apply(long a, long b);
}

internal struct AddOp : IArithOp
{
    public ArithOp Op => ArithOp.Add;

    public bool HasInteger => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Integer(long a, long b, out long r)
    {
        r = a + b;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Float(double a, double b) => a + b;
}

internal struct SubOp : IArithOp
{
    public ArithOp Op => ArithOp.Sub;

    public bool HasInteger => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Integer(long a, long b, out long r)
    {
        r = a - b;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Float(double a, double b) => a - b;
}

internal struct MulOp : IArithOp
{
    public ArithOp Op => ArithOp.Mul;

    public bool HasInteger => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Integer(long a, long b, out long r)
    {
        r = a * b;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Float(double a, double b) => a * b;
}

/// <summary>Modulo: every divisor but zero stays on the fast path (<see cref="LuaArith.TryIMod"/>); zero raises through the general rule.</summary>
internal struct ModOp : IArithOp
{
    public ArithOp Op => ArithOp.Mod;

    public bool HasInteger => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Integer(long a, long b, out long r) => LuaArith.TryIMod(a, b, out r);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Float(double a, double b) => LuaArith.FMod(a, b);
}

/// <summary>Floor division: as <see cref="ModOp"/>, through <see cref="LuaArith.TryIDiv"/>.</summary>
internal struct IDivOp : IArithOp
{
    public ArithOp Op => ArithOp.IDiv;

    public bool HasInteger => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Integer(long a, long b, out long r) => LuaArith.TryIDiv(a, b, out r);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Float(double a, double b) => Math.Floor(a / b);
}

internal struct DivOp : IArithOp
{
    public ArithOp Op => ArithOp.Div;

    public bool HasInteger => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Integer(long a, long b, out long r)
    {
        r = 0;
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Float(double a, double b) => a / b;
}

internal struct PowOp : IArithOp
{
    public ArithOp Op => ArithOp.Pow;

    public bool HasInteger => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Integer(long a, long b, out long r)
    {
        r = 0;
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Float(double a, double b) => b == 2 ? a * a : Math.Pow(a, b);
}

internal struct BAndOp : IBitwiseOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Apply(long a, long b) => a & b;
}

internal struct BOrOp : IBitwiseOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Apply(long a, long b) => a | b;
}

internal struct BXorOp : IBitwiseOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Apply(long a, long b) => a ^ b;
}

internal struct ShlOp : IBitwiseOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Apply(long a, long b) => LuaArith.ShiftLeft(a, b);
}

internal struct ShrOp : IBitwiseOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Apply(long a, long b) => LuaArith.ShiftLeft(a, b == long.MinValue ? long.MaxValue : -b);
}

/// <summary>
/// The loop's operator fast paths, one definition per family. Each returns false when an
/// operand is not a number (or, for bitwise operators, not an integer in Lua's strict sense):
/// the loop then runs the next instruction, the MMBIN that calls the metamethod or raises.
/// One call serves an opcode's register and constant forms (a call site fewer per operator
/// keeps the loop under the JIT's limit of 512 locals, past which it stops inlining).
/// </summary>
internal sealed unsafe partial class Interpreter
{
    /// <summary>
    /// The second operand of an arithmetic or bitwise opcode: K[C] for the constant forms
    /// (ADDK to BXORK, numbered below ADD), R[C] for the register forms.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Value* ArithOperand(ulong i, Value* @base, Value* k) => Op(i) >= OpCode.Add ? SlotC(@base, i) : SlotC(k, i);

    /// <summary>
    /// R[A] := <paramref name="rb"/> op <paramref name="rc"/> for two numbers; returns 1 (the
    /// MMBIN to skip) or 0. Only the
    /// integer rule that may raise (a zero divisor) saves <paramref name="pc"/> first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Arith<TOp>(Value* ra, Value* rb, Value* rc, CallFrame[] frames, int fi, uint* pc, uint* code)
        where TOp : struct, IArithOp
    {
        TOp op = default; // one local, not one per call: the loop is near the JIT's limit of locals for inlining
        if (op.HasInteger && rb->Tag == Tag.Integer && rc->Tag == Tag.Integer)
        {
            if (op.Integer(rb->I, rc->I, out long r))
            {
                *ra = Value.Integer(r);
                return 1;
            }

            frames[fi].Pc = PcOf(pc, code); // errors need the position
            *ra = LuaArith.Arith(op.Op, *rb, *rc);
            return 1;
        }

        if (rb->Tag == Tag.Float && rc->Tag == Tag.Float)
        {
            *ra = Value.Float(op.Float(rb->D, rc->D)); // two floats: two tests, not the mixed case's six
            return 1;
        }

        // Tests written out rather than through Value.IsNumber and LuaConvert.ToDouble, for the same reason.
        if (rb->Tag is not (Tag.Integer or Tag.Float) || rc->Tag is not (Tag.Integer or Tag.Float))
        {
            return 0;
        }

        double x = rb->Tag == Tag.Integer ? rb->I : rb->D;
        double y = rc->Tag == Tag.Integer ? rc->I : rc->D;
        *ra = Value.Float(op.Float(x, y));
        return 1;
    }

    /// <summary>R[A] := <paramref name="rb"/> op <paramref name="rc"/> for two values with integer representations; returns 1 or 0 as <see cref="Arith{TOp}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Bitwise<TOp>(Value* ra, Value* rb, Value* rc)
        where TOp : struct, IBitwiseOp
    {
        if (LuaConvert.ToIntegerStrict(*rb, out long ib) && LuaConvert.ToIntegerStrict(*rc, out long ic))
        {
            *ra = Value.Integer(default(TOp).Apply(ib, ic));
            return 1;
        }

        return 0;
    }
}
