using MicroLua.Core;

namespace MicroLua.Library;

/// <summary>Builds a library's bad-argument errors (luaL_argerror): a struct, so reporting costs nothing until it happens.</summary>
internal interface IArgumentErrors
{
    /// <summary>The error luaL_argerror raises for <paramref name="arg"/> with <paramref name="message"/>.</summary>
    Exception ArgumentError(int arg, string message);
}

/// <summary>Receives the values string.unpack produces, and raises its argument errors.</summary>
internal interface IUnpackResults : IArgumentErrors
{
    /// <summary>An integer result.</summary>
    void PushInteger(long value);

    /// <summary>A float result.</summary>
    void PushNumber(double value);

    /// <summary>A string result (a slice of the data).</summary>
    void PushString(ReadOnlySpan<byte> value);
}

/// <summary>
/// string.pack, string.packsize and string.unpack as Lua 5.4 defines them: options
/// &lt; &gt; = ![n] b B h H i[n] I[n] l L j J T f d n s[n] z x X&lt;op&gt; c[n] and space,
/// with alignment, and errors worded as lua5.4 words them.
/// </summary>
internal static class StringPack
{
    private const int MaxIntSize = 16;
    private const int NativeAlign = 8;
    private const long MaxSize = int.MaxValue; // as lua5.4: a packsize result fits an int

    private enum Kind
    {
        Int,
        Uint,
        Float,
        Double,
        Char,
        String,
        Zstr,
        Padding,
        PadAlign,
        Nop,
    }

    private ref struct FormatReader
    {
        private readonly ReadOnlySpan<byte> _fmt;
        private int _pos;
        public bool Little;
        public int MaxAlign;

        public FormatReader(ReadOnlySpan<byte> fmt)
        {
            _fmt = fmt;
            _pos = 0;
            Little = BitConverter.IsLittleEndian;
            MaxAlign = 1;
        }

        public readonly bool AtEnd => _pos >= _fmt.Length;

        private int GetNum(int def)
        {
            if (_pos >= _fmt.Length || _fmt[_pos] < '0' || _fmt[_pos] > '9')
            {
                return def;
            }
            long a = 0;
            do
            {
                a = a * 10 + (_fmt[_pos++] - '0');
            }
            while (_pos < _fmt.Length && _fmt[_pos] >= (byte)'0' && _fmt[_pos] <= (byte)'9' && a <= (int.MaxValue - 9) / 10); // as lua5.4: the size fits an int
            return (int)a;
        }

        private int GetNumLimit(int def)
        {
            int sz = GetNum(def);
            if (sz > MaxIntSize || sz <= 0)
            {
                throw new LuaError($"integral size ({sz}) out of limits [1,{MaxIntSize}]");
            }
            return sz;
        }

        private Kind GetOption(out int size)
        {
            byte opt = _fmt[_pos++];
            size = 0;
            switch (opt)
            {
                case (byte)'b': size = 1; return Kind.Int;
                case (byte)'B': size = 1; return Kind.Uint;
                case (byte)'h': size = 2; return Kind.Int;
                case (byte)'H': size = 2; return Kind.Uint;
                case (byte)'l': size = 8; return Kind.Int;
                case (byte)'L': size = 8; return Kind.Uint;
                case (byte)'j': size = 8; return Kind.Int;
                case (byte)'J': size = 8; return Kind.Uint;
                case (byte)'T': size = 8; return Kind.Uint;
                case (byte)'f': size = 4; return Kind.Float;
                case (byte)'n': size = 8; return Kind.Double;
                case (byte)'d': size = 8; return Kind.Double;
                case (byte)'i': size = GetNumLimit(4); return Kind.Int;
                case (byte)'I': size = GetNumLimit(4); return Kind.Uint;
                case (byte)'s': size = GetNumLimit(8); return Kind.String;
                case (byte)'c':
                    size = GetNum(-1);
                    if (size == -1)
                    {
                        throw new LuaError("missing size for format option 'c'");
                    }
                    return Kind.Char;
                case (byte)'z': return Kind.Zstr;
                case (byte)'x': size = 1; return Kind.Padding;
                case (byte)'X': return Kind.PadAlign;
                case (byte)' ': return Kind.Nop;
                case (byte)'<': Little = true; return Kind.Nop;
                case (byte)'>': Little = false; return Kind.Nop;
                case (byte)'=': Little = BitConverter.IsLittleEndian; return Kind.Nop;
                case (byte)'!': MaxAlign = GetNumLimit(NativeAlign); return Kind.Nop;
                default: throw new LuaError($"invalid format option '{(char)opt}'");
            }
        }

        // Option, its size and the padding needed before it at offset totalSize.
        public Kind GetDetails<TErrors>(long totalSize, out int size, out int toAlign, ref TErrors errors)
            where TErrors : IArgumentErrors
        {
            Kind k = GetOption(out size);
            int align = size;
            if (k == Kind.PadAlign)
            {
                if (_pos >= _fmt.Length)
                {
                    throw errors.ArgumentError(1, "invalid next option for option 'X'");
                }
                Kind next = GetOption(out align);
                if (next == Kind.Char || align == 0)
                {
                    throw errors.ArgumentError(1, "invalid next option for option 'X'");
                }
            }
            toAlign = 0;
            if (align > 1 && k != Kind.Char)
            {
                if (align > MaxAlign)
                {
                    align = MaxAlign;
                }
                if ((align & (align - 1)) != 0)
                {
                    throw errors.ArgumentError(1, "format asks for alignment not power of 2");
                }
                toAlign = (align - (int)(totalSize & (align - 1))) & (align - 1);
            }
            return k;
        }
    }

    /// <summary>string.pack: appends the packed values (arguments from Lua index 2) to <paramref name="output"/>.</summary>
    public static void Pack<TArgs>(ReadOnlySpan<byte> format, ref TArgs args, ByteBuilder output)
        where TArgs : IFormatArguments
    {
        var r = new FormatReader(format);
        int arg = 1;
        long total = 0;
        Span<byte> buf = stackalloc byte[MaxIntSize];
        while (!r.AtEnd)
        {
            Kind k = r.GetDetails(total, out int size, out int toAlign, ref args);
            total += toAlign + size;
            args.ChargeBytes(toAlign + size + LuaLimits.WorkBytesPerUnit); // each item counts one unit and its bytes
            output.Append(0, toAlign);
            switch (k)
            {
                case Kind.Int:
                case Kind.Uint:
                {
                    long n = args.CheckInteger(++arg);
                    if (size < 8)
                    {
                        if (k == Kind.Int)
                        {
                            long lim = 1L << (size * 8 - 1);
                            if (n < -lim || n >= lim)
                            {
                                throw args.ArgumentError(arg, "integer overflow");
                            }
                        }
                        else if ((ulong)n >= 1UL << (size * 8))
                        {
                            throw args.ArgumentError(arg, "unsigned overflow");
                        }
                    }
                    WriteInt(buf[..size], (ulong)n, r.Little, n < 0);
                    output.Append(buf[..size]);
                    break;
                }
                case Kind.Float:
                {
                    float f = (float)args.CheckNumber(++arg);
                    int bits = BitConverter.SingleToInt32Bits(f);
                    WriteInt(buf[..4], (uint)bits, r.Little, false);
                    output.Append(buf[..4]);
                    break;
                }
                case Kind.Double:
                {
                    long bits = BitConverter.DoubleToInt64Bits(args.CheckNumber(++arg));
                    WriteInt(buf[..8], (ulong)bits, r.Little, false);
                    output.Append(buf[..8]);
                    break;
                }
                case Kind.Char:
                {
                    ReadOnlySpan<byte> s = args.CheckString(++arg);
                    if (s.Length > size)
                    {
                        throw args.ArgumentError(arg, "string longer than given size");
                    }
                    output.Append(s);
                    output.Append(0, size - s.Length);
                    break;
                }
                case Kind.String:
                {
                    ReadOnlySpan<byte> s = args.CheckString(++arg);
                    if (size < 8 && (ulong)s.Length >= 1UL << (size * 8))
                    {
                        throw args.ArgumentError(arg, "string length does not fit in given size");
                    }
                    WriteInt(buf[..size], (ulong)s.Length, r.Little, false);
                    output.Append(buf[..size]);
                    args.ChargeBytes(s.Length);
                    output.Append(s);
                    total += s.Length;
                    break;
                }
                case Kind.Zstr:
                {
                    ReadOnlySpan<byte> s = args.CheckString(++arg);
                    if (s.Contains((byte)0))
                    {
                        throw args.ArgumentError(arg, "string contains zeros");
                    }
                    args.ChargeBytes(s.Length);
                    output.Append(s);
                    output.Append(0);
                    total += s.Length + 1;
                    break;
                }
                case Kind.Padding:
                    output.Append(0);
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>string.packsize: the size of a fixed-size format. <paramref name="errors"/> builds the bad-argument #1 error.</summary>
    public static long PackSize<TErrors>(ReadOnlySpan<byte> format, ref TErrors errors)
        where TErrors : IArgumentErrors
    {
        var r = new FormatReader(format);
        long total = 0;
        while (!r.AtEnd)
        {
            Kind k = r.GetDetails(total, out int size, out int toAlign, ref errors);
            if (k is Kind.String or Kind.Zstr)
            {
                throw errors.ArgumentError(1, "variable-length format");
            }
            size += toAlign;
            if (total > MaxSize - size)
            {
                throw errors.ArgumentError(1, "format result too large");
            }
            total += size;
        }
        return total;
    }

    /// <summary>string.unpack from 0-based <paramref name="position"/>; returns the 0-based position after the last item (Lua returns it + 1).</summary>
    public static int Unpack<TResults>(ReadOnlySpan<byte> format, ReadOnlySpan<byte> data, int position, ref TResults results)
        where TResults : IUnpackResults
    {
        if (position > data.Length || position < 0)
        {
            throw results.ArgumentError(3, "initial position out of string");
        }
        var r = new FormatReader(format);
        int pos = position;
        while (!r.AtEnd)
        {
            Kind k = r.GetDetails(pos, out int size, out int toAlign, ref results);
            if ((long)toAlign + size > data.Length - pos)
            {
                throw results.ArgumentError(2, "data string too short");
            }
            pos += toAlign;
            switch (k)
            {
                case Kind.Int:
                case Kind.Uint:
                    results.PushInteger(ReadInt(data.Slice(pos, size), r.Little, k == Kind.Int));
                    break;
                case Kind.Float:
                    results.PushNumber(BitConverter.Int32BitsToSingle((int)ReadInt(data.Slice(pos, 4), r.Little, false)));
                    break;
                case Kind.Double:
                    results.PushNumber(BitConverter.Int64BitsToDouble(ReadInt(data.Slice(pos, 8), r.Little, false)));
                    break;
                case Kind.Char:
                    results.PushString(data.Slice(pos, size));
                    break;
                case Kind.String:
                {
                    ulong len = (ulong)ReadInt(data.Slice(pos, size), r.Little, false);
                    if (len > (ulong)(data.Length - pos - size))
                    {
                        throw results.ArgumentError(2, "data string too short");
                    }
                    results.PushString(data.Slice(pos + size, (int)len));
                    pos += (int)len;
                    break;
                }
                case Kind.Zstr:
                {
                    int len = data[pos..].IndexOf((byte)0);
                    if (len < 0)
                    {
                        throw results.ArgumentError(2, "unfinished string for format 'z'");
                    }
                    results.PushString(data.Slice(pos, len));
                    pos += len + 1;
                    break;
                }
                default:
                    break;
            }
            pos += size;
        }
        return pos;
    }

    private static void WriteInt(Span<byte> dest, ulong v, bool little, bool negative)
    {
        for (int i = 0; i < dest.Length; i++)
        {
            byte b = i < 8 ? (byte)(v >> (8 * i)) : (negative ? (byte)0xFF : (byte)0);
            dest[little ? i : dest.Length - 1 - i] = b;
        }
    }

    private static long ReadInt(ReadOnlySpan<byte> src, bool little, bool signed)
    {
        int size = src.Length;
        ulong res = 0;
        int limit = Math.Min(size, 8);
        for (int i = limit - 1; i >= 0; i--)
        {
            res = (res << 8) | src[little ? i : size - 1 - i];
        }
        if (size < 8)
        {
            if (signed)
            {
                int shift = 64 - size * 8;
                res = (ulong)((long)(res << shift) >> shift);
            }
        }
        else if (size > 8)
        {
            byte mask = !signed || (long)res >= 0 ? (byte)0 : (byte)0xFF;
            for (int i = limit; i < size; i++)
            {
                if (src[little ? i : size - 1 - i] != mask)
                {
                    throw new LuaError($"{size}-byte integer does not fit into Lua Integer");
                }
            }
        }
        return (long)res;
    }
}
