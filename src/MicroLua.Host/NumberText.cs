using System.Buffers.Text;
using System.Globalization;
using MicroLua.Core;

namespace MicroLua.Host;

/// <summary>Numbers as io.write writes them: integers with "%d", floats with "%.14g" (C's LUAI_NUMFFORMAT, no ".0" added).</summary>
internal static class NumberText
{
    public static int Format(in Value v, Span<byte> dst)
    {
        if (v.Tag == Tag.Integer)
        {
            Utf8Formatter.TryFormat(v.I, dst, out int n);
            return n;
        }

        string s = FormatG14(v.D);
        for (int i = 0; i < s.Length; i++)
        {
            dst[i] = (byte)s[i];
        }

        return s.Length;
    }

    /// <summary>printf("%.14g", d) with glibc's spelling of infinities and NaNs.</summary>
    public static string FormatG14(double d)
    {
        if (double.IsNaN(d))
        {
            return BitConverter.DoubleToInt64Bits(d) < 0 ? "-nan" : "nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }

        const int precision = 14;
        // "E13" rounds correctly to 14 significant digits: d.ddddddddddddde+xxx
        string e = d.ToString("E13", CultureInfo.InvariantCulture);
        int ePos = e.IndexOf('E', StringComparison.Ordinal);
        int exp = int.Parse(e.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        bool negative = e[0] == '-';
        string digits = e[(negative ? 1 : 0)..ePos].Replace(".", "", StringComparison.Ordinal);
        var sb = new System.Text.StringBuilder(32);
        if (negative)
        {
            sb.Append('-');
        }

        if (exp < -4 || exp >= precision)
        {
            string frac = digits[1..].TrimEnd('0');
            sb.Append(digits[0]);
            if (frac.Length > 0)
            {
                sb.Append('.').Append(frac);
            }

            sb.Append('e').Append(exp < 0 ? '-' : '+').Append(Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture));
            return sb.ToString();
        }

        if (exp >= 0)
        {
            sb.Append(digits, 0, exp + 1);
            string frac = digits[(exp + 1)..].TrimEnd('0');
            if (frac.Length > 0)
            {
                sb.Append('.').Append(frac);
            }
        }
        else
        {
            string frac = (new string('0', -exp - 1) + digits).TrimEnd('0');
            sb.Append('0');
            if (frac.Length > 0)
            {
                sb.Append('.').Append(frac);
            }
        }

        return sb.ToString();
    }
}
