using System.Globalization;
using MicroLua.Core;

namespace MicroLua.Library;

/// <summary>The Lua type of one argument, as much as string.format and string.pack need to know it.</summary>
internal enum FormatArgKind
{
    /// <summary>No argument at this index (past the top).</summary>
    None,

    /// <summary>nil.</summary>
    Nil,

    /// <summary>false.</summary>
    False,

    /// <summary>true.</summary>
    True,

    /// <summary>An integer number.</summary>
    Integer,

    /// <summary>A float number.</summary>
    Float,

    /// <summary>A string.</summary>
    String,

    /// <summary>Any other value (table, function, userdata, thread).</summary>
    Other,
}

/// <summary>
/// How the engines see the arguments of a library call, free of VM types; the VM adapter
/// implements it over its call context. Argument indices are Lua's (the format string of
/// string.format is #1, its first value #2), so the adapter can build "bad argument #n to
/// 'format' (...)" itself, including the method-call renumbering luaL_argerror does.
/// </summary>
internal interface IFormatArguments : IArgumentErrors
{
    /// <summary>Index of the last argument (Lua's top).</summary>
    int Count { get; }

    /// <summary>The type of argument <paramref name="arg"/>.</summary>
    FormatArgKind KindOf(int arg);

    /// <summary>luaL_checkinteger: an integer, a float with an exact integer value or a convertible string; otherwise throws the bad-argument error.</summary>
    long CheckInteger(int arg);

    /// <summary>luaL_checknumber: a number or a convertible string; otherwise throws the bad-argument error.</summary>
    double CheckNumber(int arg);

    /// <summary>luaL_checklstring: the bytes of a string (numbers are converted); otherwise throws. Valid until the next call on this object.</summary>
    ReadOnlySpan<byte> CheckString(int arg);

    /// <summary>luaL_tolstring: the text of any value (honours __tostring and __name). Valid until the next call on this object.</summary>
    ReadOnlySpan<byte> ToDisplayString(int arg);

    /// <summary>lua_topointer: the identity of a table, function, userdata, thread or string; 0 for values without one.</summary>
    ulong ToPointer(int arg);

    /// <summary>Charges <paramref name="bytes"/> bytes of output to the instruction budget before they are produced (may stop the script).</summary>
    void ChargeBytes(long bytes);
}

/// <summary>
/// The engine of string.format. The format string is parsed and every conversion checked as
/// Lua 5.4.4 does: per-conversion flag sets, width and precision of at most two digits, '%q'
/// without modifiers; float conversions go through <see cref="LuaNumber.FormatFloatSpec"/>.
/// </summary>
internal static class StringFormat
{
    // getformat: a conversion spec spans these characters, then the conversion letter
    private const string SpecChars = "-+ #0123456789.";

    // MAX_FORMAT (32) - 10: a spec this long (with the conversion letter) is "too long"
    private const int MaxSpecLength = 22;

    /// <summary>Appends string.format(<paramref name="format"/>, ...) to <paramref name="output"/>; arguments start at Lua index 2.</summary>
    public static void Format<TArgs>(ReadOnlySpan<byte> format, ref TArgs args, ByteBuilder output)
        where TArgs : IFormatArguments
    {
        int arg = 1;
        int i = 0;
        Span<byte> item = stackalloc byte[LuaNumber.MaxFormattedLength];
        while (i < format.Length)
        {
            byte c = format[i++];
            if (c != '%')
            {
                output.Append(c);
                continue;
            }
            if (i < format.Length && format[i] == '%')
            {
                output.Append((byte)'%');
                i++;
                continue;
            }
            if (++arg > args.Count)
            {
                throw args.ArgumentError(arg, "no value");
            }
            int specStart = i;
            while (i < format.Length && SpecChars.Contains((char)format[i], StringComparison.Ordinal))
            {
                i++;
            }
            if (i - specStart + 1 >= MaxSpecLength)
            {
                throw new LuaError("invalid format (too long)");
            }
            byte conv = i < format.Length ? format[i] : (byte)0;
            ReadOnlySpan<byte> spec = format[specStart..i]; // between '%' and the conversion letter
            ReadOnlySpan<byte> form = format[(specStart - 1)..Math.Min(i + 1, format.Length)]; // as Lua shows it
            i++;
            switch (conv)
            {
                case (byte)'c':
                {
                    LuaNumber.Spec s = CheckSpec(form, spec, "-", false);
                    item[0] = (byte)args.CheckInteger(arg);
                    AppendPadded(output, item[..1], s);
                    break;
                }
                case (byte)'d':
                case (byte)'i':
                {
                    LuaNumber.Spec s = CheckSpec(form, spec, "-+0 ", true);
                    long v = args.CheckInteger(arg);
                    AppendInteger(output, v < 0 ? (ulong)(-(v + 1)) + 1 : (ulong)v, v < 0, 10, false, s, item);
                    break;
                }
                case (byte)'u':
                {
                    LuaNumber.Spec s = CheckSpec(form, spec, "-0", true);
                    AppendInteger(output, (ulong)args.CheckInteger(arg), false, 10, false, s, item);
                    break;
                }
                case (byte)'o':
                case (byte)'x':
                case (byte)'X':
                {
                    LuaNumber.Spec s = CheckSpec(form, spec, "-#0", true);
                    ulong v = (ulong)args.CheckInteger(arg);
                    AppendInteger(output, v, false, conv == 'o' ? 8 : 16, conv == 'X', s, item);
                    break;
                }
                case (byte)'a':
                case (byte)'A':
                case (byte)'e':
                case (byte)'E':
                case (byte)'f':
                case (byte)'g':
                case (byte)'G':
                {
                    LuaNumber.Spec s = CheckSpec(form, spec, "-+#0 ", true);
                    double v = args.CheckNumber(arg);
                    int n = LuaNumber.FormatFloatSpec(v, conv, s, item);
                    output.Append(item[..n]);
                    break;
                }
                case (byte)'p':
                {
                    LuaNumber.Spec s = CheckSpec(form, spec, "-", false);
                    ulong p = args.ToPointer(arg);
                    if (p == 0)
                    {
                        AppendPadded(output, "(null)"u8, s);
                    }
                    else
                    {
                        item[0] = (byte)'0';
                        item[1] = (byte)'x';
                        p.TryFormat(item[2..], out int n, "x", CultureInfo.InvariantCulture);
                        AppendPadded(output, item[..(n + 2)], s);
                    }
                    break;
                }
                case (byte)'q':
                {
                    if (form.Length != 2)
                    {
                        throw new LuaError("specifier '%q' cannot have modifiers");
                    }
                    AppendQuoted(ref args, arg, output);
                    break;
                }
                case (byte)'s':
                {
                    ReadOnlySpan<byte> str = args.ToDisplayString(arg);
                    if (form.Length == 2)
                    {
                        output.Append(str); // no modifiers: keep the whole string, zeros included
                        break;
                    }
                    if (str.Contains((byte)0))
                    {
                        throw args.ArgumentError(arg, "string contains zeros");
                    }
                    LuaNumber.Spec s = CheckSpec(form, spec, "-", true);
                    if (!spec.Contains((byte)'.') && str.Length >= 100)
                    {
                        output.Append(str); // no precision and long: no padding can apply
                        break;
                    }
                    if (s.Precision >= 0 && str.Length > s.Precision)
                    {
                        str = str[..s.Precision];
                    }
                    AppendPadded(output, str, s);
                    break;
                }
                default:
                    throw new LuaError($"invalid conversion '{FormText(form)}' to 'format'");
            }
        }
    }

    private static string FormText(ReadOnlySpan<byte> form)
    {
        int z = form.IndexOf((byte)0); // Lua builds the message from a C string
        if (z >= 0)
        {
            form = form[..z];
        }
        var chars = new char[form.Length];
        for (int i = 0; i < form.Length; i++)
        {
            chars[i] = (char)form[i];
        }
        return new string(chars);
    }

    // checkformat: flags from the allowed set, up to two width digits, '.' and up to two precision digits.
    private static LuaNumber.Spec CheckSpec(ReadOnlySpan<byte> form, ReadOnlySpan<byte> spec, string flags, bool precision)
    {
        var s = new LuaNumber.Spec { Precision = -1 };
        int k = 0;
        while (k < spec.Length && flags.Contains((char)spec[k], StringComparison.Ordinal))
        {
            switch (spec[k])
            {
                case (byte)'-': s.LeftAlign = true; break;
                case (byte)'+': s.ForceSign = true; break;
                case (byte)' ': s.SpaceSign = true; break;
                case (byte)'#': s.Alternate = true; break;
                default: s.ZeroPad = true; break;
            }
            k++;
        }
        if (k < spec.Length && spec[k] != '0')
        {
            for (int d = 0; d < 2 && k < spec.Length && IsDigit(spec[k]); d++)
            {
                s.Width = s.Width * 10 + (spec[k++] - '0');
            }
            if (k < spec.Length && spec[k] == '.' && precision)
            {
                k++;
                s.Precision = 0;
                for (int d = 0; d < 2 && k < spec.Length && IsDigit(spec[k]); d++)
                {
                    s.Precision = s.Precision * 10 + (spec[k++] - '0');
                }
            }
        }
        if (k != spec.Length)
        {
            throw new LuaError($"invalid conversion specification: '{FormText(form)}'");
        }
        return s;
    }

    private static bool IsDigit(byte c) => c >= '0' && c <= '9';

    private static void AppendPadded(ByteBuilder output, ReadOnlySpan<byte> text, in LuaNumber.Spec s)
    {
        int pad = s.Width - text.Length;
        if (pad > 0 && !s.LeftAlign)
        {
            output.Append((byte)' ', pad);
        }
        output.Append(text);
        if (pad > 0 && s.LeftAlign)
        {
            output.Append((byte)' ', pad);
        }
    }

    // printf %d/%u/%o/%x/%X for a magnitude and sign.
    private static void AppendInteger(ByteBuilder output, ulong magnitude, bool negative, int radix, bool upper, in LuaNumber.Spec s, Span<byte> scratch)
    {
        Span<byte> digits = stackalloc byte[24];
        int nd = 0;
        string hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        for (ulong m = magnitude; m != 0; m /= (ulong)radix)
        {
            digits[nd++] = (byte)hex[(int)(m % (ulong)radix)];
        }
        if (magnitude == 0 && s.Precision != 0)
        {
            digits[nd++] = (byte)'0';
        }
        int minDigits = Math.Max(s.Precision, nd);
        if (radix == 8 && s.Alternate && (nd == 0 || digits[nd - 1] != '0') && minDigits <= nd)
        {
            minDigits = nd + 1; // '#' with octal: the first digit is a zero
        }
        int pos = 0;
        if (negative)
        {
            scratch[pos++] = (byte)'-';
        }
        else if (radix == 10 && s.ForceSign)
        {
            scratch[pos++] = (byte)'+';
        }
        else if (radix == 10 && s.SpaceSign)
        {
            scratch[pos++] = (byte)' ';
        }
        if (radix == 16 && s.Alternate && magnitude != 0)
        {
            scratch[pos++] = (byte)'0';
            scratch[pos++] = upper ? (byte)'X' : (byte)'x';
        }
        int prefix = pos;
        int total = prefix + minDigits;
        int pad = s.Width > total ? s.Width - total : 0;
        bool zeroPad = s.ZeroPad && !s.LeftAlign && s.Precision < 0;
        if (pad > 0 && !s.LeftAlign && !zeroPad)
        {
            output.Append((byte)' ', pad);
        }
        output.Append(scratch[..prefix]);
        if (pad > 0 && zeroPad)
        {
            output.Append((byte)'0', pad);
        }
        output.Append((byte)'0', minDigits - nd);
        for (int k = nd - 1; k >= 0; k--)
        {
            output.Append(digits[k]);
        }
        if (pad > 0 && s.LeftAlign)
        {
            output.Append((byte)' ', pad);
        }
    }

    private static void AppendQuoted<TArgs>(ref TArgs args, int arg, ByteBuilder output)
        where TArgs : IFormatArguments
    {
        switch (args.KindOf(arg))
        {
            case FormatArgKind.String:
                AppendQuotedString(args.CheckString(arg), output);
                break;
            case FormatArgKind.Integer:
            {
                long v = args.CheckInteger(arg);
                if (v == long.MinValue)
                {
                    output.Append("0x8000000000000000"u8); // "%lld" would not read back as an integer
                }
                else
                {
                    Span<byte> buf = stackalloc byte[24];
                    output.Append(buf[..LuaNumber.FormatInteger(v, buf)]);
                }
                break;
            }
            case FormatArgKind.Float:
            {
                double v = args.CheckNumber(arg);
                if (double.IsPositiveInfinity(v))
                {
                    output.Append("1e9999"u8);
                }
                else if (double.IsNegativeInfinity(v))
                {
                    output.Append("-1e9999"u8);
                }
                else if (double.IsNaN(v))
                {
                    output.Append("(0/0)"u8);
                }
                else
                {
                    Span<byte> buf = stackalloc byte[LuaNumber.MaxFormattedLength];
                    var s = new LuaNumber.Spec { Precision = -1 };
                    output.Append(buf[..LuaNumber.FormatFloatSpec(v, (byte)'a', s, buf)]);
                }
                break;
            }
            case FormatArgKind.Nil:
                output.Append("nil"u8);
                break;
            case FormatArgKind.True:
                output.Append("true"u8);
                break;
            case FormatArgKind.False:
                output.Append("false"u8);
                break;
            default:
                throw args.ArgumentError(arg, "value has no literal form");
        }
    }

    /// <summary>Appends a string as %q writes it: a Lua literal that reads back to the same bytes.</summary>
    public static void AppendQuotedString(ReadOnlySpan<byte> s, ByteBuilder output)
    {
        output.Append((byte)'"');
        for (int i = 0; i < s.Length; i++)
        {
            byte c = s[i];
            if (c == '"' || c == '\\' || c == '\n')
            {
                output.Append((byte)'\\');
                output.Append(c);
            }
            else if (c < 32 || c == 127)
            {
                bool digitNext = i + 1 < s.Length && IsDigit(s[i + 1]);
                output.Append((byte)'\\');
                if (digitNext)
                {
                    output.Append((byte)('0' + c / 100));
                    output.Append((byte)('0' + c / 10 % 10));
                    output.Append((byte)('0' + c % 10));
                }
                else
                {
                    if (c >= 100)
                    {
                        output.Append((byte)('0' + c / 100));
                    }
                    if (c >= 10)
                    {
                        output.Append((byte)('0' + c / 10 % 10));
                    }
                    output.Append((byte)('0' + c % 10));
                }
            }
            else
            {
                output.Append(c);
            }
        }
        output.Append((byte)'"');
    }
}
