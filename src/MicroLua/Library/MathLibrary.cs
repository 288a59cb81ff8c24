using System.Numerics;
using MicroLua.Core;
using MicroLua.Vm;

namespace MicroLua.Library;

/// <summary>
/// The math library of Lua 5.4. Integer and float results follow the manual: floor, ceil and
/// the integral part of modf are integers when the value fits, abs and fmod keep integers
/// integers, and random uses xoshiro256** so a seed gives the same sequence as lua5.4.
/// </summary>
internal static class MathLibrary
{
    public static void Open(LuaRuntime rt)
    {
        rt.NewLazyLibraryTable("math", LuaRuntime.LazyLibrary.Math);

        // The generator state lives in the runtime: one per state, as in Lua (a copy in a state made from a snapshot), seeded when the library opens.
        (long s1, long s2) = RandomSeedPair();
        rt.Random.Seed(s1, s2);
    }

    /// <summary>Fills the library table <paramref name="t"/> on first use (LuaRuntime.NewLazyLibraryTable).</summary>
    public static void Fill(LuaRuntime rt, uint t)
    {
        rt.Register(t, "abs", Abs, "math.abs");
        rt.Register(t, "ceil", Ceil, "math.ceil");
        rt.Register(t, "floor", Floor, "math.floor");
        rt.Register(t, "fmod", FMod, "math.fmod");
        rt.Register(t, "log", Log, "math.log");
        rt.Register(t, "max", Max, "math.max");
        rt.Register(t, "min", Min, "math.min");
        rt.Register(t, "modf", ModF, "math.modf");
        rt.Register(t, "sqrt", Sqrt, "math.sqrt");
        rt.Register(t, "exp", Exp, "math.exp");
        rt.Register(t, "sin", Sin, "math.sin");
        rt.Register(t, "cos", Cos, "math.cos");
        rt.Register(t, "tan", Tan, "math.tan");
        rt.Register(t, "asin", ASin, "math.asin");
        rt.Register(t, "acos", ACos, "math.acos");
        rt.Register(t, "atan", ATan, "math.atan");
        rt.Register(t, "deg", Deg, "math.deg");
        rt.Register(t, "rad", Rad, "math.rad");
        rt.Register(t, "tointeger", ToInteger, "math.tointeger");
        rt.Register(t, "type", Type, "math.type");
        rt.Register(t, "ult", ULt, "math.ult");
        rt.SetField(t, "pi", Value.Float(Math.PI));
        rt.SetField(t, "huge", Value.Float(double.PositiveInfinity));
        rt.SetField(t, "maxinteger", Value.Integer(long.MaxValue));
        rt.SetField(t, "mininteger", Value.Integer(long.MinValue));
        rt.Register(t, "random", Random, "math.random");
        rt.Register(t, "randomseed", RandomSeed, "math.randomseed");
    }

    /// <summary>An integral float as an integer when it fits, else as the float itself.</summary>
    private static Value IntegerIfFits(double d) =>
        d >= -9223372036854775808.0 && d < 9223372036854775808.0 ? Value.Integer((long)d) : Value.Float(d);

    private static int Abs(ref CallContext c)
    {
        Value v = c.Arg(1);
        if (v.Tag == Tag.Integer)
        {
            return c.Return(v.I < 0 ? unchecked(0 - v.I) : v.I); // mininteger wraps to itself
        }

        return c.Return(Math.Abs(c.CheckNumber(1))); // a numeric string counts as a float
    }

    private static int Floor(ref CallContext c)
    {
        Value v = c.Arg(1);
        return v.Tag == Tag.Integer ? c.Return(v) : c.Return(IntegerIfFits(Math.Floor(c.CheckNumber(1))));
    }

    private static int Ceil(ref CallContext c)
    {
        Value v = c.Arg(1);
        return v.Tag == Tag.Integer ? c.Return(v) : c.Return(IntegerIfFits(Math.Ceiling(c.CheckNumber(1))));
    }

    private static int FMod(ref CallContext c)
    {
        Value a = c.Arg(1);
        Value b = c.Arg(2);
        if (a.Tag == Tag.Integer && b.Tag == Tag.Integer)
        {
            long d = b.I;
            if (d == 0)
            {
                throw c.ArgError(2, "zero");
            }

            // d == -1 would overflow for mininteger; the remainder is 0 anyway.
            return c.Return(d == -1 ? 0L : a.I % d);
        }

        return c.Return(c.CheckNumber(1) % c.CheckNumber(2)); // C's fmod: truncated
    }

    private static int ModF(ref CallContext c)
    {
        Value v = c.Arg(1);
        if (v.Tag == Tag.Integer)
        {
            return c.Return(v, Value.Float(0.0));
        }

        double n = c.CheckNumber(1);
        double ip = n < 0 ? Math.Ceiling(n) : Math.Floor(n); // rounds toward zero
        Value first = IntegerIfFits(ip); // NaN and infinities stay floats
        double frac = n == ip ? 0.0 : n - ip; // infinities have no fractional part
        return c.Return(first, Value.Float(frac));
    }

    private static int Log(ref CallContext c)
    {
        double x = c.CheckNumber(1);
        if (c.IsNoneOrNil(2))
        {
            return c.Return(Ln(x));
        }

        double b = c.CheckNumber(2);
        double r = b switch
        {
            2.0 => x < 0 ? NegativeNaN : Math.Log2(x),
            10.0 => x < 0 ? -NegativeNaN : Math.Log10(x), // glibc's log10 gives a positive NaN here
            _ => Ln(x) / Ln(b),
        };
        return c.Return(r);
    }

    /// <summary>The NaN with the sign bit set: what the C library's invalid operations give on x86-64, printed "-nan".</summary>
    private static double NegativeNaN => BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8000000000000UL));

    /// <summary>Natural logarithm with the C library's NaN for negative arguments, so output matches lua5.4 ("-nan").</summary>
    private static double Ln(double x) => x < 0 ? NegativeNaN : Math.Log(x);

    private static int Max(ref CallContext c) => MinMax(ref c, max: true);

    private static int Min(ref CallContext c) => MinMax(ref c, max: false);

    private static int MinMax(ref CallContext c, bool max)
    {
        int n = c.ArgCount;
        if (n < 1)
        {
            throw c.ArgError(1, "value expected");
        }

        // Like lua5.4, the arguments are only compared (with <), not checked to be numbers.
        int best = 1;
        for (int i = 2; i <= n; i++)
        {
            bool better = max
                ? c.Vm.Compare(c.Coroutine, c.Arg(best), c.Arg(i), TM.Lt)
                : c.Vm.Compare(c.Coroutine, c.Arg(i), c.Arg(best), TM.Lt);
            if (better)
            {
                best = i;
            }
        }

        return c.Return(c.Arg(best));
    }

    private static int Sqrt(ref CallContext c) => c.Return(Math.Sqrt(c.CheckNumber(1)));

    private static int Exp(ref CallContext c) => c.Return(Math.Exp(c.CheckNumber(1)));

    private static int Deg(ref CallContext c) => c.Return(c.CheckNumber(1) * (180.0 / Math.PI));

    private static int Rad(ref CallContext c) => c.Return(c.CheckNumber(1) * (Math.PI / 180.0));

    private static int Sin(ref CallContext c) => c.Return(Math.Sin(c.CheckNumber(1)));

    private static int Cos(ref CallContext c) => c.Return(Math.Cos(c.CheckNumber(1)));

    private static int Tan(ref CallContext c) => c.Return(Math.Tan(c.CheckNumber(1)));

    private static int ASin(ref CallContext c) => c.Return(Math.Asin(c.CheckNumber(1)));

    private static int ACos(ref CallContext c) => c.Return(Math.Acos(c.CheckNumber(1)));

    private static int ATan(ref CallContext c)
    {
        double y = c.CheckNumber(1);
        double x = c.OptNumber(2, 1.0);
        return c.Return(Math.Atan2(y, x));
    }

    /// <summary>math.tointeger as in Lua 5.4.8: integers and integral floats convert, anything else (strings too) fails.</summary>
    private static int ToInteger(ref CallContext c)
    {
        if (LuaConvert.ToInteger(c.G, c.Arg(1), out long i))
        {
            return c.Return(i);
        }

        c.CheckAny(1);
        return c.Return(Value.Nil);
    }

    private static int Type(ref CallContext c)
    {
        c.CheckAny(1);
        Value v = c.Arg(1);
        return v.Tag switch
        {
            Tag.Integer => c.Return("integer"u8),
            Tag.Float => c.Return("float"u8),
            _ => c.Return(Value.Nil),
        };
    }

    private static int ULt(ref CallContext c)
    {
        long a = c.CheckInteger(1);
        long b = c.CheckInteger(2);
        return c.Return((ulong)a < (ulong)b);
    }

    // ---- pseudo-random numbers ----

    private static int Random(ref CallContext c)
    {
        ref Xoshiro gen = ref LuaRuntime.Of(c.Vm).Random;
        long low, up;
        switch (c.ArgCount)
        {
            case 0:
                return c.Return(gen.NextFloat()); // 53 random bits in [0, 1)
            case 1:
                low = 1;
                up = c.CheckInteger(1);
                if (up == 0)
                {
                    return c.Return(gen.NextInteger()); // all 64 bits
                }

                break;
            case 2:
                low = c.CheckInteger(1);
                up = c.CheckInteger(2);
                break;
            default:
                throw new LuaError("wrong number of arguments");
        }

        if (low > up)
        {
            throw c.ArgError(1, "interval is empty"); // lua5.4 names argument 1 in both forms
        }

        return c.Return(gen.NextInRange(low, up));
    }

    private static int RandomSeed(ref CallContext c)
    {
        ref Xoshiro gen = ref LuaRuntime.Of(c.Vm).Random;
        long n1, n2;
        if (c.ArgCount == 0)
        {
            (n1, n2) = RandomSeedPair();
        }
        else
        {
            n1 = c.CheckInteger(1);
            n2 = c.OptInteger(2, 0);
        }

        gen.Seed(n1, n2);
        return c.Return(Value.Integer(n1), Value.Integer(n2)); // the seed components used
    }

    private static (long, long) RandomSeedPair()
    {
        // Lua seeds from the time and an address; .NET's shared generator is seeded from the
        // system's random bytes without the cryptography stack (RandomNumberGenerator loads
        // OpenSSL: about 4 ms of every start).
        return (System.Random.Shared.NextInt64(long.MinValue, long.MaxValue), System.Random.Shared.NextInt64(long.MinValue, long.MaxValue));
    }
}
