using System.Runtime.CompilerServices;

namespace MicroLua.Core;

/// <summary>Arithmetic operators in MMBIN order (Add = TM.Add - TM.Add ...).</summary>
internal enum ArithOp
{
    Add,
    Sub,
    Mul,
    Mod,
    Pow,
    Div,
    IDiv,
}

/// <summary>
/// Lua 5.4 number semantics: integer wraparound, floor division and modulo for integers and
/// floats, exact comparisons between integers and floats, shifts that yield 0 past 63 bits.
/// </summary>
internal static class LuaArith
{
    /// <summary>An arithmetic operation on two numbers (integers stay integers except for / and ^).</summary>
    public static Value Arith(ArithOp op, in Value a, in Value b)
    {
        if (a.Tag == Tag.Integer && b.Tag == Tag.Integer && !IsFloatOnly(op))
        {
            if (!TryInteger(op, a.I, b.I, out long r))
            {
                r = op == ArithOp.Mod ? IMod(a.I, b.I) : IDiv(a.I, b.I); // a zero divisor: these raise
            }

            return Value.Integer(r);
        }

        double d1 = a.Tag == Tag.Integer ? a.I : a.D;
        double d2 = b.Tag == Tag.Integer ? b.I : b.D;
        return Value.Float(Float(op, d1, d2));
    }

    /// <summary>Whether the operator works in floats even on two integers (/ and ^).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsFloatOnly(ArithOp op) => op is ArithOp.Pow or ArithOp.Div;

    /// <summary>
    /// The integer rule of + - * % and //, wrapping around; false for a zero divisor of % and
    /// //, which the caller raises. The one definition, for the loop's fast path, for
    /// <see cref="Arith"/> and so for constant folding. Not for / and ^ (<see cref="IsFloatOnly"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryInteger(ArithOp op, long x, long y, out long r)
    {
        switch (op)
        {
            case ArithOp.Add:
                r = x + y;
                return true;
            case ArithOp.Sub:
                r = x - y;
                return true;
            case ArithOp.Mul:
                r = x * y;
                return true;
            case ArithOp.Mod:
                return TryIMod(x, y, out r);
            default:
                return TryIDiv(x, y, out r);
        }
    }

    /// <summary>The float rule of every operator: the one definition, as <see cref="TryInteger"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Float(ArithOp op, double x, double y) => op switch
    {
        ArithOp.Add => x + y,
        ArithOp.Sub => x - y,
        ArithOp.Mul => x * y,
        ArithOp.Mod => FMod(x, y),
        ArithOp.Pow => y == 2 ? x * x : Math.Pow(x, y),
        ArithOp.Div => x / y,
        _ => Math.Floor(x / y),
    };

    /// <summary>Integer floor division; "attempt to divide by zero" for a zero divisor.</summary>
    public static long IDiv(long x, long y)
    {
        if (!TryIDiv(x, y, out long q))
        {
            throw LuaError.Runtime("attempt to divide by zero");
        }

        return q;
    }

    /// <summary>
    /// Integer floor division, false for a zero divisor (which the caller raises): the one
    /// definition, for the loop's fast path and for <see cref="IDiv"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryIDiv(long x, long y, out long q)
    {
        if ((ulong)y + 1u <= 1u)
        {
            q = unchecked(0 - x); // y == -1: minint / -1 would overflow; y == 0: q unused
            return y != 0;
        }

        q = x / y;
        if ((x ^ y) < 0 && q * y != x)
        {
            q--; // operands of different signs and a remainder: round down, not toward zero
        }

        return true;
    }

    /// <summary>Integer modulo with the sign of the divisor; "attempt to perform 'n%%0'" for a zero divisor.</summary>
    public static long IMod(long x, long y)
    {
        if (!TryIMod(x, y, out long r))
        {
            throw LuaError.Runtime("attempt to perform 'n%0'");
        }

        return r;
    }

    /// <summary>Integer modulo, false for a zero divisor (which the caller raises): the one definition, as <see cref="TryIDiv"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryIMod(long x, long y, out long r)
    {
        if ((ulong)y + 1u <= 1u)
        {
            r = 0; // x % -1 == 0 (and minint % -1 would overflow); y == 0: r unused
            return y != 0;
        }

        r = x % y;
        if (r != 0 && (r ^ y) < 0)
        {
            r += y; // the remainder takes the divisor's sign
        }

        return true;
    }

    /// <summary>Float modulo as Lua defines it: a - floor(a/b)*b computed with fmod and a sign fix.</summary>
    public static double FMod(double a, double b)
    {
        double m = a % b; // C's fmod: the truncated remainder
        if ((m > 0) ? b < 0 : (m < 0 && b > 0))
        {
            m += b; // the remainder and the divisor have different signs: floor, not truncate
        }

        return m;
    }

    /// <summary>x shifted left by n (right when n is negative); 0 when |n| >= 64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ShiftLeft(long x, long n)
    {
        if (n < 0)
        {
            return n <= -64 ? 0 : (long)((ulong)x >> (int)-n);
        }

        return n >= 64 ? 0 : (long)((ulong)x << (int)n);
    }

    /// <summary>The bitwise rule of every operator (BNOT: the default, on <paramref name="a"/>); the one definition, for the loop, the fallback and folding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Bitwise(TM e, long a, long b) => e switch
    {
        TM.BAnd => a & b,
        TM.BOr => a | b,
        TM.BXor => a ^ b,
        TM.Shl => ShiftLeft(a, b),
        TM.Shr => ShiftLeft(a, b == long.MinValue ? long.MaxValue : -b),
        _ => ~a,
    };

    public static bool NumberEquals(in Value a, in Value b)
    {
        if (a.Tag == Tag.Integer && b.Tag == Tag.Integer)
        {
            return a.I == b.I;
        }

        if (a.Tag == Tag.Float && b.Tag == Tag.Float)
        {
            return a.D == b.D;
        }

        // Mixed: equal only when the float has exactly the integer's value.
        long i = a.Tag == Tag.Integer ? a.I : b.I;
        double d = a.Tag == Tag.Float ? a.D : b.D;
        return LuaNumber.FloatToInteger(d, out long di) && di == i;
    }

    public static bool LessThan(in Value a, in Value b)
    {
        if (a.Tag == Tag.Integer)
        {
            return b.Tag == Tag.Integer ? a.I < b.I : LuaNumber.LessThan(a.I, b.D);
        }

        return b.Tag == Tag.Float ? a.D < b.D : LuaNumber.LessThan(a.D, b.I);
    }

    public static bool LessEqual(in Value a, in Value b)
    {
        if (a.Tag == Tag.Integer)
        {
            return b.Tag == Tag.Integer ? a.I <= b.I : LuaNumber.LessEqual(a.I, b.D);
        }

        return b.Tag == Tag.Float ? a.D <= b.D : LuaNumber.LessEqual(a.D, b.I);
    }
}
