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
        if (a.Tag == Tag.Integer && b.Tag == Tag.Integer && op is not (ArithOp.Pow or ArithOp.Div))
        {
            long x = a.I, y = b.I;
            return Value.Integer(op switch
            {
                ArithOp.Add => x + y,
                ArithOp.Sub => x - y,
                ArithOp.Mul => x * y,
                ArithOp.Mod => IMod(x, y),
                _ => IDiv(x, y),
            });
        }

        double d1 = a.Tag == Tag.Integer ? a.I : a.D;
        double d2 = b.Tag == Tag.Integer ? b.I : b.D;
        return Value.Float(op switch
        {
            ArithOp.Add => d1 + d2,
            ArithOp.Sub => d1 - d2,
            ArithOp.Mul => d1 * d2,
            ArithOp.Mod => FMod(d1, d2),
            ArithOp.Pow => d2 == 2 ? d1 * d1 : Math.Pow(d1, d2),
            ArithOp.Div => d1 / d2,
            _ => Math.Floor(d1 / d2),
        });
    }

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
