using System.Runtime.CompilerServices;
using MicroLua.Core;
using static MicroLua.Vm.Instruction;

namespace MicroLua.Vm;

/// <summary>
/// The loop's operator fast paths, one method per family over the rules of
/// <see cref="LuaArith"/> (which constant folding and the metamethod fallback call too). The
/// loop passes the operator as a constant; inlined, the rules' switches fold to the bare
/// operation, as a generic method specialised per operator would. Each returns 0 when an
/// operand is not a number (or, for bitwise operators, not an integer in Lua's strict sense):
/// the loop then runs the next instruction, the MMBIN that calls the metamethod or raises.
/// In Run one call serves an opcode's register and constant forms (a call site fewer per
/// operator keeps the loop under the JIT's limit of 922 locals, past which it stops inlining);
/// RunSplit, the loop's second copy for a build with a higher limit, has a call per form. One
/// case for all the operators, with the operator read from the opcode, measured +5% to +47%
/// instructions (a second jump table and spills): the operator must be a constant.
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
    /// MMBIN to skip) or 0. An integer zero divisor of % or // returns 0 too: the MMBIN raises
    /// (ArithMeta), so this path calls nothing and the loop keeps its registers across it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FastArith(ArithOp op, Value* ra, Value* rb, Value* rc)
    {
        if (!LuaArith.IsFloatOnly(op) && rb->Tag == Tag.Integer && rc->Tag == Tag.Integer)
        {
            if (LuaArith.TryInteger(op, rb->I, rc->I, out long r))
            {
                *ra = Value.Integer(r);
                return 1;
            }

            return 0;
        }

        if (rb->Tag == Tag.Float && rc->Tag == Tag.Float)
        {
            *ra = Value.Float(LuaArith.Float(op, rb->D, rc->D)); // two floats: two tests, not the mixed case's six
            return 1;
        }

        // Tests written out rather than through Value.IsNumber and LuaConvert.ToDouble, for the same reason.
        if (rb->Tag is not (Tag.Integer or Tag.Float) || rc->Tag is not (Tag.Integer or Tag.Float))
        {
            return 0;
        }

        double x = rb->Tag == Tag.Integer ? rb->I : rb->D;
        double y = rc->Tag == Tag.Integer ? rc->I : rc->D;
        *ra = Value.Float(LuaArith.Float(op, x, y));
        return 1;
    }

    /// <summary>R[A] := <paramref name="rb"/> op <paramref name="rc"/> for two values with integer representations; returns 1 or 0 as <see cref="FastArith"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FastBitwise(TM op, Value* ra, Value* rb, Value* rc)
    {
        if (LuaConvert.ToIntegerStrict(*rb, out long ib) && LuaConvert.ToIntegerStrict(*rc, out long ic))
        {
            *ra = Value.Integer(LuaArith.Bitwise(op, ib, ic));
            return 1;
        }

        return 0;
    }
}
