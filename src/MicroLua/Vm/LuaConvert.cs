using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using MicroLua.Values;

namespace MicroLua.Vm;

/// <summary>
/// Conversions the interpreter performs: string-to-number coercion, float-to-integer
/// conversion for bitwise operators and indices, and numbers as text (integers in
/// decimal, floats as "%.14g" with ".0" added when they look like integers).
/// </summary>
internal static class LuaConvert
{
    /// <summary>The number a value denotes: itself, or a string that reads as a number.</summary>
    public static bool TryToNumber(LuaGlobal g, in Value v, out Value n)
    {
        if (v.IsNumber)
        {
            n = v;
            return true;
        }

        if (v.IsString && TryParseNumber(g.StringSpan(v), out n))
        {
            return true;
        }

        n = default;
        return false;
    }

    /// <summary>A number as a double (integers converted).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToDouble(in Value v) => v.Tag == Tag.Integer ? v.I : v.D;

    /// <summary>Integer value of an integer or of a float with an exact integer value (no strings).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool ToIntegerStrict(in Value v, out long i)
    {
        if (v.Tag == Tag.Integer)
        {
            i = v.I;
            return true;
        }

        if (v.Tag == Tag.Float)
        {
            return LuaNumberKey.FloatToIntegerKey(v.D, out i);
        }

        i = 0;
        return false;
    }

    /// <summary>Integer value with string coercion (for bitwise operands and library arguments).</summary>
    public static bool ToInteger(LuaGlobal g, in Value v, out long i)
    {
        if (ToIntegerStrict(v, out i))
        {
            return true;
        }

        if (v.IsString && TryParseNumber(g.StringSpan(v), out Value n))
        {
            return ToIntegerStrict(n, out i);
        }

        return false;
    }

    /// <summary>Lua's string-to-number conversion (lua_stringtonumber): decimal and hex, integers and floats.</summary>
    public static bool TryParseNumber(ReadOnlySpan<byte> s, out Value result)
    {
        if (TempParse(s, out long i, out double d, out bool isFloat))
        {
            result = isFloat ? Value.Float(d) : Value.Integer(i);
            return true;
        }

        result = default;
        return false;
    }

    /// <summary>Writes a number as tostring does; returns the byte count (at most 64).</summary>
    public static int FormatNumber(in Value v, Span<byte> dst)
    {
        if (v.Tag == Tag.Integer)
        {
            Utf8Formatter.TryFormat(v.I, dst, out int n);
            return n;
        }

        return TempFormatFloat(v.D, dst);
    }

    // Temporary conversions until the exact engines (Library/LuaNumber) are merged.
    private static bool TempParse(ReadOnlySpan<byte> s, out long i, out double d, out bool isFloat)
    {
        i = 0;
        d = 0;
        isFloat = false;
        string t = System.Text.Encoding.Latin1.GetString(s).Trim(' ', '\t', '\n', '\r', '\v', '\f');
        bool neg = false;
        string u = t;
        if (u.StartsWith('-') || u.StartsWith('+'))
        {
            neg = u[0] == '-';
            u = u[1..];
        }

        if (u.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && u.Length > 2 && ulong.TryParse(u.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong h))
        {
            i = neg ? -(long)h : (long)h;
            return true;
        }

        if (u.Length > 0 && char.IsAsciiDigit(u[0]) && u.All(char.IsAsciiDigit))
        {
            if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out i))
            {
                return true;
            }
        }

        if (u.Length == 0 || u.Contains("inf", StringComparison.OrdinalIgnoreCase) || u.Contains("nan", StringComparison.OrdinalIgnoreCase) || u.Contains(','))
        {
            return false;
        }

        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out d))
        {
            isFloat = true;
            return true;
        }

        return false;
    }

    private static int TempFormatFloat(double d, Span<byte> dst)
    {
        string s;
        if (double.IsNaN(d))
        {
            s = BitConverter.DoubleToInt64Bits(d) < 0 ? "-nan" : "nan";
        }
        else if (double.IsInfinity(d))
        {
            s = d > 0 ? "inf" : "-inf";
        }
        else
        {
            string e = d.ToString("E13", CultureInfo.InvariantCulture); // d.ddddddddddddde+xxx
            int ePos = e.IndexOf('E');
            int exp = int.Parse(e.AsSpan(ePos + 1), CultureInfo.InvariantCulture);
            if (exp < -4 || exp >= 14)
            {
                string mant = e[..ePos].TrimEnd('0').TrimEnd('.');
                s = mant + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
            }
            else
            {
                s = d.ToString("F" + Math.Max(0, 13 - exp), CultureInfo.InvariantCulture);
                if (s.Contains('.'))
                {
                    s = s.TrimEnd('0').TrimEnd('.');
                }

                if (s == "-0" && BitConverter.DoubleToInt64Bits(d) >= 0)
                {
                    s = "0";
                }
            }

            if (s.IndexOfAny(['.', 'e', 'n', 'i']) < 0)
            {
                s += ".0";
            }
        }

        return System.Text.Encoding.ASCII.GetBytes(s, dst);
    }
}
