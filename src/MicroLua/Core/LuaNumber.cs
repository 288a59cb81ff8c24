using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace MicroLua.Core;

/// <summary>How <see cref="LuaNumber.TryFloatToInteger"/> treats a float with a fractional part.</summary>
internal enum FloatToIntMode
{
    /// <summary>Only integral values convert (Lua's F2Ieq).</summary>
    Exact,

    /// <summary>Take the floor (F2Ifloor).</summary>
    Floor,

    /// <summary>Take the ceiling (F2Iceil).</summary>
    Ceil,
}

/// <summary>
/// The one place where numbers become text and text becomes numbers, byte for byte as Lua 5.4
/// on glibc does it. It lives in Values (below Vm and Library) because tostring, concatenation
/// and string coercion in arithmetic need it as much as string.format does.
/// <para>
/// Floats are converted exactly: the slow path works on the double's exact binary value with
/// <see cref="BigInteger"/> and rounds half-to-even, as glibc's printf does, so "%.99f" of 1e308
/// prints the full expansion. The fast path for up to 15 significant digits uses .NET's
/// shortest round-trip digits: a double is within half an ulp (relative 2^-53) of its shortest
/// digits D, and half the spacing of a 15-digit grid is at least 5e-16 relative, so when D has at
/// most P &lt;= 15 digits (and the double is normal), rounding the exact value to P digits gives D. Every tostring of a
/// "short" number (0.1, 3.25, 1e300) takes this path without allocating.
/// </para>
/// </summary>
internal static class LuaNumber
{
    /// <summary>A buffer this long holds any single float conversion of <see cref="FormatFloatSpec"/> (width and precision at most 99).</summary>
    public const int MaxFormattedLength = 512;

    /// <summary>A buffer this long holds any <see cref="FormatFloat"/> or <see cref="FormatInteger"/> result.</summary>
    public const int MaxNumberTextLength = 48;

    /// <summary>A printf conversion specification (flags, width, precision) for <see cref="FormatFloatSpec"/>.</summary>
    internal struct Spec
    {
        /// <summary>'-': pad on the right.</summary>
        public bool LeftAlign;

        /// <summary>'+': always print a sign.</summary>
        public bool ForceSign;

        /// <summary>' ': a space where a plus sign would be.</summary>
        public bool SpaceSign;

        /// <summary>'#': alternate form.</summary>
        public bool Alternate;

        /// <summary>'0': pad with zeros after the sign.</summary>
        public bool ZeroPad;

        /// <summary>Minimum field width (0 = none).</summary>
        public int Width;

        /// <summary>Precision, or -1 when not given.</summary>
        public int Precision;
    }

    // ---------------------------------------------------------------- number -> text

    /// <summary>Writes an integer in decimal (tostring of an integer); returns the length.</summary>
    public static int FormatInteger(long value, Span<byte> dest)
    {
        value.TryFormat(dest, out int n, default, CultureInfo.InvariantCulture);
        return n;
    }

    /// <summary>
    /// Writes a float as tostring does: "%.14g", plus ".0" when the result looks like an integer.
    /// Gives "inf", "-inf", "nan" and "-nan" (the sign bit of a NaN shows, as glibc prints it).
    /// Returns the length; <paramref name="dest"/> needs <see cref="MaxNumberTextLength"/> bytes.
    /// </summary>
    public static int FormatFloat(double value, Span<byte> dest)
    {
        var spec = new Spec { Precision = 14 };
        int n = FormatFloatSpec(value, (byte)'g', spec, dest);
        for (int i = 0; i < n; i++)
        {
            byte c = dest[i];
            if (c == '.' || c == 'e' || c == 'n' || c == 'i')
            {
                return n; // has a dot, an exponent, or is inf/nan
            }
        }
        dest[n] = (byte)'.';
        dest[n + 1] = (byte)'0';
        return n + 2;
    }

    /// <summary>
    /// printf for one float conversion: <paramref name="conversion"/> is one of e E f F g G a A,
    /// output byte-identical to glibc. Returns the length written to <paramref name="dest"/>,
    /// which needs <see cref="MaxFormattedLength"/> bytes when width and precision are at most 99.
    /// </summary>
    public static int FormatFloatSpec(double value, byte conversion, in Spec spec, Span<byte> dest)
    {
        bool upper = conversion is (byte)'E' or (byte)'F' or (byte)'G' or (byte)'A';
        byte conv = (byte)(conversion | 0x20);
        bool negative = BitConverter.DoubleToInt64Bits(value) < 0;
        Span<byte> sign = stackalloc byte[3];
        int signLen = 0;
        if (negative)
        {
            sign[signLen++] = (byte)'-';
        }
        else if (spec.ForceSign)
        {
            sign[signLen++] = (byte)'+';
        }
        else if (spec.SpaceSign)
        {
            sign[signLen++] = (byte)' ';
        }

        Span<byte> body = stackalloc byte[MaxFormattedLength];
        int bodyLen;
        bool zeroPad = spec.ZeroPad && !spec.LeftAlign;
        if (!double.IsFinite(value))
        {
            ReadOnlySpan<byte> word = double.IsNaN(value) ? (upper ? "NAN"u8 : "nan"u8) : (upper ? "INF"u8 : "inf"u8);
            word.CopyTo(body);
            bodyLen = 3;
            zeroPad = false;
        }
        else
        {
            double a = Math.Abs(value);
            if (conv == 'a')
            {
                sign[signLen++] = (byte)'0';
                sign[signLen++] = upper ? (byte)'X' : (byte)'x';
                bodyLen = FormatHexBody(a, spec.Precision, spec.Alternate, upper, body);
            }
            else
            {
                int precision = spec.Precision < 0 ? 6 : spec.Precision;
                bodyLen = conv switch
                {
                    (byte)'e' => FormatExpBody(a, precision, spec.Alternate, upper, body),
                    (byte)'f' => FormatFixedBody(a, precision, spec.Alternate, body),
                    _ => FormatGeneralBody(a, precision, spec.Alternate, upper, body),
                };
            }
        }

        int total = signLen + bodyLen;
        int pad = spec.Width > total ? spec.Width - total : 0;
        int pos = 0;
        if (pad > 0 && !spec.LeftAlign && !zeroPad)
        {
            dest[..pad].Fill((byte)' ');
            pos = pad;
        }
        sign[..signLen].CopyTo(dest[pos..]);
        pos += signLen;
        if (pad > 0 && zeroPad)
        {
            dest.Slice(pos, pad).Fill((byte)'0');
            pos += pad;
        }
        body[..bodyLen].CopyTo(dest[pos..]);
        pos += bodyLen;
        if (pad > 0 && spec.LeftAlign)
        {
            dest.Slice(pos, pad).Fill((byte)' ');
            pos += pad;
        }
        return pos;
    }

    // %e body for a finite non-negative value.
    private static int FormatExpBody(double a, int precision, bool alternate, bool upper, Span<byte> body)
    {
        Span<byte> digits = stackalloc byte[precision + 1];
        int exp10 = SignificantDigits(a, precision + 1, digits);
        return WriteExp(digits, exp10, precision, alternate, upper, body);
    }

    private static int WriteExp(ReadOnlySpan<byte> digits, int exp10, int fracDigits, bool alternate, bool upper, Span<byte> body)
    {
        int pos = 0;
        body[pos++] = digits[0];
        if (fracDigits > 0 || alternate)
        {
            body[pos++] = (byte)'.';
        }
        digits.Slice(1, fracDigits).CopyTo(body[pos..]);
        pos += fracDigits;
        body[pos++] = upper ? (byte)'E' : (byte)'e';
        body[pos++] = exp10 < 0 ? (byte)'-' : (byte)'+';
        int e = Math.Abs(exp10);
        if (e >= 100)
        {
            body[pos++] = (byte)('0' + e / 100);
        }
        body[pos++] = (byte)('0' + e / 10 % 10);
        body[pos++] = (byte)('0' + e % 10);
        return pos;
    }

    // %f body for a finite non-negative value.
    private static int FormatFixedBody(double a, int precision, bool alternate, Span<byte> body)
    {
        Span<byte> digits = stackalloc byte[MaxFormattedLength];
        int n = FixedDigits(a, precision, digits); // round(a * 10^precision) in decimal, no leading zeros ("0" for zero)
        int pos = 0;
        int intLen = n - precision;
        if (intLen <= 0)
        {
            body[pos++] = (byte)'0';
        }
        else
        {
            digits[..intLen].CopyTo(body);
            pos = intLen;
        }
        if (precision > 0 || alternate)
        {
            body[pos++] = (byte)'.';
        }
        if (precision > 0)
        {
            int zeros = intLen < 0 ? -intLen : 0;
            body.Slice(pos, Math.Min(zeros, precision)).Fill((byte)'0');
            pos += Math.Min(zeros, precision);
            int rest = precision - Math.Min(zeros, precision);
            digits.Slice(n - rest, rest).CopyTo(body[pos..]);
            pos += rest;
        }
        return pos;
    }

    // %g body: choose %e or %f style by the exponent after rounding to P significant digits.
    private static int FormatGeneralBody(double a, int precision, bool alternate, bool upper, Span<byte> body)
    {
        int p = precision == 0 ? 1 : precision;
        Span<byte> digits = stackalloc byte[p];
        int x = SignificantDigits(a, p, digits);
        int last = p; // number of significant digits kept
        if (!alternate)
        {
            while (last > 1 && digits[last - 1] == '0')
            {
                last--;
            }
        }
        if (x < -4 || x >= p)
        {
            return WriteExp(digits, x, alternate ? p - 1 : last - 1, alternate, upper, body);
        }
        // fixed style with p - 1 - x fraction digits: same rounding position as the digits above
        int pos = 0;
        int fracDigits = alternate ? p - 1 - x : Math.Max(0, last - 1 - x);
        if (x >= 0)
        {
            digits[..(x + 1)].CopyTo(body);
            pos = x + 1;
        }
        else
        {
            body[pos++] = (byte)'0';
        }
        if (fracDigits > 0 || alternate)
        {
            body[pos++] = (byte)'.';
        }
        for (int i = 0; i < fracDigits; i++)
        {
            int di = x + 1 + i; // index into digits of this fraction position
            body[pos++] = di < 0 ? (byte)'0' : digits[di];
        }
        return pos;
    }

    // %a body (after "0x") for a finite non-negative value.
    private static int FormatHexBody(double a, int precision, bool alternate, bool upper, Span<byte> body)
    {
        long bits = BitConverter.DoubleToInt64Bits(a);
        int bexp = (int)(bits >> 52) & 0x7FF;
        ulong frac = (ulong)bits & 0xFFFFFFFFFFFFFUL;
        int lead;
        int exp;
        if (bexp == 0)
        {
            lead = 0;
            exp = frac == 0 ? 0 : -1022;
        }
        else
        {
            lead = 1;
            exp = bexp - 1023;
        }
        int nd; // hex fraction digits to print
        if (precision < 0)
        {
            nd = 13;
            while (nd > 0 && ((frac >> (4 * (13 - nd))) & 0xF) == 0)
            {
                nd--;
            }
        }
        else
        {
            nd = precision;
            if (precision < 13)
            {
                int drop = 4 * (13 - precision);
                ulong kept = frac >> drop;
                ulong rem = frac & ((1UL << drop) - 1);
                ulong half = 1UL << (drop - 1);
                if (rem > half || (rem == half && ((precision == 0 ? (ulong)lead : kept) & 1) != 0))
                {
                    kept++;
                    if (kept >> (4 * precision) != 0)
                    {
                        lead++;
                        kept &= (1UL << (4 * precision)) - 1;
                    }
                }
                frac = kept << drop;
            }
        }
        string hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        int pos = 0;
        body[pos++] = (byte)hex[lead];
        if (nd > 0 || alternate)
        {
            body[pos++] = (byte)'.';
        }
        for (int i = 0; i < nd; i++)
        {
            body[pos++] = i < 13 ? (byte)hex[(int)((frac >> (4 * (12 - i))) & 0xF)] : (byte)'0';
        }
        body[pos++] = upper ? (byte)'P' : (byte)'p';
        body[pos++] = exp < 0 ? (byte)'-' : (byte)'+';
        exp = Math.Abs(exp);
        exp.TryFormat(body[pos..], out int w, default, CultureInfo.InvariantCulture);
        return pos + w;
    }

    /// <summary>
    /// Rounds the finite, non-negative <paramref name="a"/> to <c>digits.Length</c> significant
    /// decimal digits (half to even on the exact value) and writes them as ASCII; returns the
    /// decimal exponent of the first digit. Zero gives all '0' and exponent 0.
    /// </summary>
    internal static int SignificantDigits(double a, Span<byte> digits) => SignificantDigits(a, digits.Length, digits);

    private static int SignificantDigits(double a, int p, Span<byte> digits)
    {
        if (a == 0)
        {
            digits[..p].Fill((byte)'0');
            return 0;
        }
        if (p <= 15 && a >= MinNormal && TryShortestDigits(a, p, digits, out int e))
        {
            return e;
        }
        Decompose(a, out ulong m, out int e2);
        int x = (int)Math.Floor(Math.Log10(a));
        while (true)
        {
            // scaled = a * 10^(p-1-x) as num/den
            int s = p - 1 - x;
            BigInteger num = m;
            BigInteger den = BigInteger.One;
            if (e2 >= 0)
            {
                num <<= e2;
            }
            else
            {
                den <<= -e2;
            }
            if (s >= 0)
            {
                num *= BigInteger.Pow(10, s);
            }
            else
            {
                den *= BigInteger.Pow(10, -s);
            }
            BigInteger q = BigInteger.DivRem(num, den, out BigInteger r);
            BigInteger lo = BigInteger.Pow(10, p - 1);
            if (q < lo)
            {
                x--;
                continue;
            }
            BigInteger hi = lo * 10;
            if (q >= hi)
            {
                x++;
                continue;
            }
            int cmp = (r * 2).CompareTo(den);
            if (cmp > 0 || (cmp == 0 && !q.IsEven))
            {
                q += 1;
                if (q == hi)
                {
                    q = lo;
                    x++;
                }
            }
            WriteBigDigits(q, digits[..p]);
            return x;
        }
    }

    // Shortest round-trip digits from .NET; usable when they fit in p <= 15 digits (see the type comment).
    private static bool TryShortestDigits(double a, int p, Span<byte> digits, out int exp10)
    {
        Span<byte> text = stackalloc byte[40];
        exp10 = 0;
        if (!a.TryFormat(text, out int n, "R", CultureInfo.InvariantCulture))
        {
            return false;
        }
        int count = 0;
        int pointAt = -1;
        int firstNonZero = -1;
        int i = 0;
        int exp = 0;
        Span<byte> d = stackalloc byte[24];
        for (; i < n; i++)
        {
            byte c = text[i];
            if (c == '.')
            {
                pointAt = count;
            }
            else if (c >= '0' && c <= '9')
            {
                if (firstNonZero < 0 && c != '0')
                {
                    firstNonZero = count;
                }
                if (count < d.Length)
                {
                    d[count] = c;
                }
                count++;
            }
            else if (c == 'E')
            {
                exp = int.Parse(text[(i + 1)..n], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                break;
            }
            else
            {
                return false;
            }
        }
        if (firstNonZero < 0 || count > d.Length)
        {
            return false;
        }
        if (pointAt < 0)
        {
            pointAt = count;
        }
        int last = count;
        while (last > firstNonZero + 1 && d[last - 1] == '0')
        {
            last--;
        }
        int sig = last - firstNonZero;
        if (sig > p)
        {
            return false;
        }
        exp10 = pointAt - firstNonZero - 1 + exp;
        d[firstNonZero..last].CopyTo(digits);
        digits[sig..p].Fill((byte)'0');
        return true;
    }

    /// <summary>Writes round(a * 10^frac) (half to even, exact) in decimal; returns the digit count ("0" for zero).</summary>
    private static int FixedDigits(double a, int frac, Span<byte> dest)
    {
        if (a == 0)
        {
            dest[0] = (byte)'0';
            return 1;
        }
        Decompose(a, out ulong m, out int e2);
        if (TryFixedDigits128(m, e2, frac, dest, out int written))
        {
            return written;
        }
        if (e2 >= 0)
        {
            BigInteger big = (new BigInteger(m) << e2) * BigInteger.Pow(10, frac);
            return WriteBigDigits(big, dest);
        }
        BigInteger num = new BigInteger(m) * BigInteger.Pow(10, frac);
        BigInteger den = BigInteger.One << -e2;
        BigInteger q = BigInteger.DivRem(num, den, out BigInteger r);
        int cmp = (r * 2).CompareTo(den);
        if (cmp > 0 || (cmp == 0 && !q.IsEven))
        {
            q += 1;
        }
        return WriteBigDigits(q, dest);
    }

    /// <summary>
    /// <see cref="FixedDigits"/> in a 128-bit integer of four 32-bit limbs (little-endian, on
    /// the stack; the same code on every target) when m * 10^frac, shifted by a positive e2,
    /// fits: the common %f / %.2f cases, exact and without BigInteger's allocations. Rounding
    /// is the same half-to-even on the exact remainder.
    /// </summary>
    private static bool TryFixedDigits128(ulong m, int e2, int frac, Span<byte> dest, out int written)
    {
        written = 0;
        if (frac > 22 || e2 < -127 || (e2 >= 0 && 53 + e2 + ((frac * 10) + 2) / 3 > 127))
        {
            return false; // m (53 bits) * 10^frac (frac * log2(10) bits), shifted by a positive e2, might not fit
        }

        Span<uint> n = stackalloc uint[4]; // zeroed
        n[0] = (uint)m;
        n[1] = (uint)(m >> 32);
        for (int i = 0; i < frac; i++)
        {
            ulong carry = 0;
            for (int j = 0; j < 4; j++)
            {
                ulong t = ((ulong)n[j] * 10) + carry;
                n[j] = (uint)t;
                carry = t >> 32;
            }
        }

        if (e2 >= 0)
        {
            ShiftLeft128(n, e2);
        }
        else
        {
            int shift = -e2;
            bool half = Bit128(n, shift - 1);
            bool below = false;
            for (int bit = 0; bit < shift - 1 && !below; bit++)
            {
                below = Bit128(n, bit);
            }

            ShiftRight128(n, shift);
            if (half && (below || (n[0] & 1) != 0))
            {
                for (int j = 0; j < 4 && ++n[j] == 0; j++)
                {
                    // carry into the next limb
                }
            }
        }

        Span<byte> rev = stackalloc byte[40];
        int count = 0;
        do
        {
            ulong rem = 0;
            for (int j = 3; j >= 0; j--)
            {
                ulong cur = (rem << 32) | n[j];
                n[j] = (uint)(cur / 10);
                rem = cur % 10;
            }

            rev[count++] = (byte)('0' + (int)rem);
        }
        while ((n[0] | n[1] | n[2] | n[3]) != 0);
        for (int i = 0; i < count; i++)
        {
            dest[i] = rev[count - 1 - i];
        }

        written = count;
        return true;
    }

    private static bool Bit128(ReadOnlySpan<uint> n, int bit) => (n[bit >> 5] & (1u << (bit & 31))) != 0;

    private static void ShiftLeft128(Span<uint> n, int shift)
    {
        for (; shift >= 32; shift -= 32)
        {
            n[3] = n[2];
            n[2] = n[1];
            n[1] = n[0];
            n[0] = 0;
        }

        if (shift > 0)
        {
            for (int j = 3; j > 0; j--)
            {
                n[j] = (n[j] << shift) | (n[j - 1] >> (32 - shift));
            }

            n[0] <<= shift;
        }
    }

    private static void ShiftRight128(Span<uint> n, int shift)
    {
        for (; shift >= 32; shift -= 32)
        {
            n[0] = n[1];
            n[1] = n[2];
            n[2] = n[3];
            n[3] = 0;
        }

        if (shift > 0)
        {
            for (int j = 0; j < 3; j++)
            {
                n[j] = (n[j] >> shift) | (n[j + 1] << (32 - shift));
            }

            n[3] >>= shift;
        }
    }

    private static int WriteBigDigits(BigInteger q, Span<byte> dest)
    {
        if (q.IsZero)
        {
            dest[0] = (byte)'0';
            return 1;
        }
        string s = q.ToString(CultureInfo.InvariantCulture);
        for (int i = 0; i < s.Length; i++)
        {
            dest[i] = (byte)s[i];
        }
        return s.Length;
    }

    // a = m * 2^e2 exactly, a finite and positive.
    private static void Decompose(double a, out ulong m, out int e2)
    {
        long bits = BitConverter.DoubleToInt64Bits(a);
        int bexp = (int)(bits >> 52) & 0x7FF;
        m = (ulong)bits & 0xFFFFFFFFFFFFFUL;
        if (bexp == 0)
        {
            e2 = -1074;
        }
        else
        {
            m |= 1UL << 52;
            e2 = bexp - 1075;
        }
    }

    // ---------------------------------------------------------------- text -> number

    /// <summary>
    /// Lua's string-to-number conversion (lua_stringtonumber): optional surrounding whitespace,
    /// optional sign, decimal or hexadecimal integer (decimal overflow gives a float, hexadecimal
    /// wraps around), decimal float with exponent, hexadecimal float with binary exponent.
    /// "inf", "nan" and strings with embedded zeros are not numbers.
    /// </summary>
    public static bool TryParseNumber(ReadOnlySpan<byte> s, out long i, out double d, out bool isFloat)
    {
        i = 0;
        d = 0;
        isFloat = false;
        if (TryParseIntegerLiteral(s, out i))
        {
            return true;
        }
        if (TryParseFloat(s, out d))
        {
            isFloat = true;
            return true;
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsSpace(byte c) => c == ' ' || (c >= '\t' && c <= '\r');

    private static int HexValue(byte c)
    {
        if (c >= '0' && c <= '9')
        {
            return c - '0';
        }
        int l = c | 0x20;
        return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
    }

    /// <summary>The index after leading whitespace and an optional sign (Lua's l_str2int prologue).</summary>
    private static int SkipSpaceAndSign(ReadOnlySpan<byte> s, out bool negative)
    {
        int p = 0;
        while (p < s.Length && IsSpace(s[p]))
        {
            p++;
        }
        negative = p < s.Length && s[p] == '-';
        if (p < s.Length && (s[p] == '-' || s[p] == '+'))
        {
            p++;
        }
        return p;
    }

    /// <summary>True if only whitespace follows index <paramref name="p"/>.</summary>
    private static bool OnlySpaceFrom(ReadOnlySpan<byte> s, int p)
    {
        while (p < s.Length && IsSpace(s[p]))
        {
            p++;
        }
        return p == s.Length;
    }

    private static bool TryParseIntegerLiteral(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        int n = s.Length;
        int p = SkipSpaceAndSign(s, out bool neg);
        ulong a = 0;
        bool any = false;
        if (p + 1 < n && s[p] == '0' && (s[p + 1] | 0x20) == 'x')
        {
            p += 2;
            while (p < n)
            {
                int h = HexValue(s[p]);
                if (h < 0)
                {
                    break;
                }
                a = a * 16 + (ulong)h;
                any = true;
                p++;
            }
        }
        else
        {
            const ulong maxBy10 = (ulong)long.MaxValue / 10;
            const int maxLastDigit = (int)((ulong)long.MaxValue % 10);
            while (p < n && s[p] >= '0' && s[p] <= '9')
            {
                int digit = s[p] - '0';
                if (a >= maxBy10 && (a > maxBy10 || digit > maxLastDigit + (neg ? 1 : 0)))
                {
                    return false; // overflow: let the float reader take it
                }
                a = a * 10 + (ulong)digit;
                any = true;
                p++;
            }
        }
        if (!any || !OnlySpaceFrom(s, p))
        {
            return false;
        }
        value = neg ? (long)(0 - a) : (long)a;
        return true;
    }

    private static bool TryParseFloat(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        int p = 0;
        int n = s.Length;
        while (p < n && IsSpace(s[p]))
        {
            p++;
        }
        int end = n;
        while (end > p && IsSpace(s[end - 1]))
        {
            end--;
        }
        ReadOnlySpan<byte> t = s[p..end];
        if (t.IsEmpty)
        {
            return false;
        }
        bool neg = false;
        int q = 0;
        if (t[0] == '-' || t[0] == '+')
        {
            neg = t[0] == '-';
            q = 1;
        }
        if (q + 1 < t.Length && t[q] == '0' && (t[q + 1] | 0x20) == 'x')
        {
            if (!TryParseHexFloat(t[(q + 2)..], out value))
            {
                return false;
            }
            if (neg)
            {
                value = -value;
            }
            return true;
        }
        // validate the decimal syntax strtod accepts (minus inf/nan): digits [. digits] [e [sign] digits]
        int k = q;
        int mant = 0;
        while (k < t.Length && t[k] >= '0' && t[k] <= '9')
        {
            k++;
            mant++;
        }
        if (k < t.Length && t[k] == '.')
        {
            k++;
            while (k < t.Length && t[k] >= '0' && t[k] <= '9')
            {
                k++;
                mant++;
            }
        }
        if (mant == 0)
        {
            return false;
        }
        if (k < t.Length && (t[k] | 0x20) == 'e')
        {
            k++;
            if (k < t.Length && (t[k] == '-' || t[k] == '+'))
            {
                k++;
            }
            int ed = 0;
            while (k < t.Length && t[k] >= '0' && t[k] <= '9')
            {
                k++;
                ed++;
            }
            if (ed == 0)
            {
                return false;
            }
        }
        if (k != t.Length)
        {
            return false;
        }
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    // Hex float body after "0x": hexdigits [. hexdigits] [p [sign] decdigits], correctly rounded.
    private static bool TryParseHexFloat(ReadOnlySpan<byte> t, out double value)
    {
        value = 0;
        ulong mant = 0;
        int exp2 = 0;
        bool sticky = false;
        int digits = 0;
        int k = 0;
        bool seenPoint = false;
        for (; k < t.Length; k++)
        {
            byte c = t[k];
            if (c == '.')
            {
                if (seenPoint)
                {
                    break;
                }
                seenPoint = true;
                continue;
            }
            int h = HexValue(c);
            if (h < 0)
            {
                break;
            }
            digits++;
            if (mant >> 56 == 0)
            {
                mant = mant * 16 + (ulong)h;
                if (seenPoint)
                {
                    exp2 -= 4;
                }
            }
            else
            {
                sticky |= h != 0; // beyond 60 significant bits: only whether anything is left matters
                if (!seenPoint)
                {
                    exp2 += 4;
                }
            }
        }
        if (digits == 0)
        {
            return false;
        }
        if (k < t.Length && (t[k] | 0x20) == 'p')
        {
            k++;
            bool eneg = false;
            if (k < t.Length && (t[k] == '-' || t[k] == '+'))
            {
                eneg = t[k] == '-';
                k++;
            }
            int ed = 0;
            long e = 0;
            while (k < t.Length && t[k] >= '0' && t[k] <= '9')
            {
                if (e < 100000)
                {
                    e = e * 10 + (t[k] - '0');
                }
                k++;
                ed++;
            }
            if (ed == 0)
            {
                return false;
            }
            exp2 = (int)Math.Clamp(exp2 + (eneg ? -e : e), -200000, 200000);
        }
        if (k != t.Length)
        {
            return false;
        }
        value = RoundBinary(mant, exp2, sticky);
        return true;
    }

    // mant * 2^exp2 (+ a sticky bit below), rounded to the nearest double, ties to even.
    private static double RoundBinary(ulong mant, int exp2, bool sticky)
    {
        if (mant == 0)
        {
            return 0.0;
        }
        int len = 64 - BitOperations.LeadingZeroCount(mant);
        int topExp = len - 1 + exp2; // value in [2^topExp, 2^(topExp+1))
        if (topExp > 1100)
        {
            return double.PositiveInfinity;
        }
        int keep = topExp >= -1022 ? 53 : 53 - (-1022 - topExp);
        int shift = len - keep;
        if (shift > 0)
        {
            ulong kept;
            bool roundBit;
            bool rest;
            if (shift > 64)
            {
                return 0.0;
            }
            if (shift == 64)
            {
                kept = 0;
                roundBit = (mant >> 63) != 0;
                rest = (mant << 1) != 0 || sticky;
            }
            else
            {
                kept = mant >> shift;
                roundBit = ((mant >> (shift - 1)) & 1) != 0;
                rest = (shift > 1 && (mant & ((1UL << (shift - 1)) - 1)) != 0) || sticky;
            }
            if (roundBit && (rest || (kept & 1) != 0))
            {
                kept++;
            }
            return Math.ScaleB(kept, exp2 + shift);
        }
        return Math.ScaleB(mant, exp2); // exact (at most 53 bits, no sticky possible with < 57 bits)
    }

    /// <summary>
    /// tonumber(s, base): an integer in base 2..36 (letters in either case), optional '-' or '+',
    /// surrounding whitespace; wraps around on overflow as Lua does.
    /// </summary>
    public static bool TryParseInteger(ReadOnlySpan<byte> s, int radix, out long value)
    {
        value = 0;
        int n = s.Length;
        int p = SkipSpaceAndSign(s, out bool neg);
        ulong a = 0;
        bool any = false;
        while (p < n)
        {
            byte c = s[p];
            int digit;
            if (c >= '0' && c <= '9')
            {
                digit = c - '0';
            }
            else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
            {
                digit = (c | 0x20) - 'a' + 10;
            }
            else
            {
                break;
            }
            if (digit >= radix)
            {
                return false;
            }
            a = unchecked(a * (ulong)radix + (ulong)digit);
            any = true;
            p++;
        }
        if (!any || !OnlySpaceFrom(s, p))
        {
            return false;
        }
        value = neg ? (long)(0 - a) : (long)a;
        return true;
    }

    // ---------------------------------------------------------------- float <-> integer

    /// <summary>
    /// Converts a float to an integer: true only when the (possibly floored/ceiled) value is
    /// within the integer range. NaN and infinities never convert.
    /// </summary>
    public static bool TryFloatToInteger(double d, FloatToIntMode mode, out long value)
    {
        double f = Math.Floor(d);
        if (f != d)
        {
            if (mode == FloatToIntMode.Exact)
            {
                value = 0;
                return false;
            }
            if (mode == FloatToIntMode.Ceil)
            {
                f += 1;
            }
        }
        // the range check is exact: -2^63 and 2^63 are doubles; NaN fails both comparisons
        if (f >= -9223372036854775808.0 && f < 9223372036854775808.0)
        {
            value = (long)f;
            return true;
        }
        value = 0;
        return false;
    }

    /// <summary>
    /// Exact conversion: true only if <paramref name="d"/> is integral and in range (then a
    /// table key is that integer). The hot form of <see cref="TryFloatToInteger"/> with
    /// <see cref="FloatToIntMode.Exact"/>: tables normalise keys with it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool FloatToInteger(double d, out long value)
    {
        // -2^63 <= d < 2^63 and integral; NaN fails the range test
        if (d >= -9223372036854775808.0 && d < 9223372036854775808.0)
        {
            value = (long)d;
            return value == d;
        }

        value = 0;
        return false;
    }

    private const double TwoTo63 = 9223372036854775808.0;

    // Below this, doubles are subnormal and the relative-ulp argument of the fast path does not hold.
    private const double MinNormal = 2.2250738585072014e-308;

    /// <summary>
    /// The order of <paramref name="i"/> and <paramref name="f"/>, exactly (no rounding of
    /// <paramref name="i"/> to double): -1 when i &lt; f, 0 when equal, 1 when i &gt; f, 2 when f
    /// is NaN (unordered). The one rule under the four mixed comparisons below.
    /// </summary>
    public static int CompareExact(long i, double f)
    {
        if (double.IsNaN(f))
        {
            return 2;
        }

        if (f >= TwoTo63)
        {
            return -1;
        }

        if (f < -TwoTo63)
        {
            return 1;
        }

        long floor = (long)Math.Floor(f); // -2^63 <= floor(f) < 2^63 here
        if (i != floor)
        {
            return i < floor ? -1 : 1; // i < floor <= f, or i >= floor + 1 > f
        }

        return f > floor ? -1 : 0; // i == floor(f): below f when f has a fraction
    }

    /// <summary>i &lt; f, exactly.</summary>
    public static bool LessThan(long i, double f) => CompareExact(i, f) == -1;

    /// <summary>i &lt;= f, exactly.</summary>
    public static bool LessEqual(long i, double f) => CompareExact(i, f) is -1 or 0;

    /// <summary>f &lt; i, exactly.</summary>
    public static bool LessThan(double f, long i) => CompareExact(i, f) == 1;

    /// <summary>f &lt;= i, exactly.</summary>
    public static bool LessEqual(double f, long i) => CompareExact(i, f) is 0 or 1;

    /// <summary>i == f, exactly.</summary>
    public static bool Equal(long i, double f) => FloatToInteger(f, out long fi) && fi == i;
}
