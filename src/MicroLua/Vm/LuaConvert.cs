using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using MicroLua.Core;
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
            return LuaNumber.FloatToInteger(v.D, out i);
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
        if (LuaNumber.TryParseNumber(s, out long i, out double d, out bool isFloat))
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

        return LuaNumber.FormatFloat(v.D, dst);
    }
}
