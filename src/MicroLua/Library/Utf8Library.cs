using MicroLua.Core;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua.Library;

/// <summary>
/// The utf8 library of Lua 5.4. Lua's UTF-8 is the original one of up to six bytes (code
/// points up to 2^31 - 1): utf8.char writes it, and the decoders read it in lax mode. Strict
/// mode (the default) also rejects code points above U+10FFFF and surrogates. Overlong
/// encodings are invalid in both modes. Positions are byte positions, negative ones counting
/// from the end.
/// </summary>
internal static unsafe class Utf8Library
{
    private const long MaxUtf = 0x7FFFFFFF;
    private const long MaxUnicode = 0x10FFFF;

    /// <summary>"[\0-\x7F\xC2-\xFD][\x80-\xBF]*": one lead byte and its continuation bytes (raw bytes, not UTF-16 text).</summary>
    private static ReadOnlySpan<byte> CharPattern => [(byte)'[', 0, (byte)'-', 0x7F, 0xC2, (byte)'-', 0xFD, (byte)']', (byte)'[', 0x80, (byte)'-', 0xBF, (byte)']', (byte)'*'];

    public static void Open(LuaRuntime rt) => rt.NewLazyLibraryTable("utf8", LuaRuntime.LazyLibrary.Utf8);

    /// <summary>Fills the library table <paramref name="t"/> on first use (LuaRuntime.NewLazyLibraryTable).</summary>
    public static void Fill(LuaRuntime rt, uint t)
    {
        rt.Register(t, "char", Char, "utf8.char");
        // The two iterators are upvalues of codes, in the heap: a state filled in any order, or read from an image, finds its own.
        Value strict = rt.NewSharedHostFunction("for iterator", CodesStrict);
        Value lax = rt.NewSharedHostFunction("for iterator", CodesLax);
        rt.SetField(t, "codes", rt.NewHostClosure("utf8.codes", Codes, [strict, lax]));
        rt.Register(t, "codepoint", CodePoint, "utf8.codepoint");
        rt.Register(t, "len", Len, "utf8.len");
        rt.Register(t, "offset", Offset, "utf8.offset");
        rt.SetField(t, "charpattern", rt.G.NewString(CharPattern));
    }

    private static bool IsContinuation(byte b) => (b & 0xC0) == 0x80;

    /// <summary>Byte <paramref name="i"/> of <paramref name="s"/>, or 0 past the end (as a C string's terminator).</summary>
    private static byte At(ReadOnlySpan<byte> s, long i) => i < s.Length ? s[(int)i] : (byte)0;

    /// <summary>A relative string position made absolute (0 when it is before the start).</summary>
    private static long PosRelative(long pos, int len)
    {
        if (pos >= 0)
        {
            return pos;
        }

        if (unchecked(0UL - (ulong)pos) > (ulong)len)
        {
            return 0;
        }

        return len + pos + 1;
    }

    /// <summary>
    /// Decodes the sequence starting at byte <paramref name="i"/>; returns its length in bytes,
    /// or 0 when it is invalid (a bad lead or continuation byte, an overlong form, or in strict
    /// mode a surrogate or a value above U+10FFFF).
    /// </summary>
    private static int Decode(ReadOnlySpan<byte> s, int i, bool strict, out long code)
    {
        int c = At(s, i);
        code = c;
        if (c < 0x80)
        {
            return 1;
        }

        // The number of leading one bits after the first is the count of continuation bytes.
        int count = 0;
        long res = 0;
        for (; (c & 0x40) != 0; c <<= 1)
        {
            count++;
            int cc = At(s, i + count);
            if (!IsContinuation((byte)cc))
            {
                return 0;
            }

            res = (res << 6) | (uint)(cc & 0x3F);
        }

        res |= (long)(c & 0x7F) << (count * 5); // the lead byte's payload bits
        if (count == 0 || count > 5 || res > MaxUtf || res < MinForLength(count))
        {
            return 0; // lone continuation byte, too long, or overlong
        }

        if (strict && (res > MaxUnicode || (res >= 0xD800 && res <= 0xDFFF)))
        {
            return 0;
        }

        code = res;
        return count + 1;
    }

    /// <summary>The smallest code point that needs <paramref name="count"/> continuation bytes.</summary>
    private static long MinForLength(int count) => count switch
    {
        1 => 0x80,
        2 => 0x800,
        3 => 0x10000,
        4 => 0x200000,
        _ => 0x4000000,
    };

    /// <summary>Longest encoding of one code point up to 0x7FFFFFFF (Lua 5.4's extended UTF-8).</summary>
    private const int MaxEncodedLength = 6;

    /// <summary>Writes the (extended) UTF-8 form of <paramref name="x"/>, up to six bytes, at the start of <paramref name="dst"/>; returns its length.</summary>
    private static int Encode(Span<byte> dst, long x)
    {
        if (x < 0x80)
        {
            dst[0] = (byte)x;
            return 1;
        }

        Span<byte> tail = stackalloc byte[MaxEncodedLength];
        int n = 0;
        long firstMax = 0x3F; // payload that still fits in the lead byte
        do
        {
            tail[n++] = (byte)(0x80 | (x & 0x3F));
            x >>= 6;
            firstMax >>= 1;
        }
        while (x > firstMax);

        dst[0] = (byte)((~firstMax << 1) | x); // lead: n + 1 one bits, then the payload
        for (int k = n - 1; k >= 0; k--)
        {
            dst[n - k] = tail[k];
        }

        return n + 1;
    }

    private static int Char(ref CallContext c)
    {
        int n = c.ArgCount;
        c.ChargeWork(n); // the characters encoded
        const int onStack = 64; // code points encoded without a managed buffer
        Span<byte> buffer = n <= onStack ? stackalloc byte[onStack * MaxEncodedLength] : new byte[(long)n * MaxEncodedLength];
        int length = 0;
        for (int i = 1; i <= n; i++)
        {
            long code = c.CheckInteger(i);
            if ((ulong)code > MaxUtf)
            {
                throw c.ArgError(i, LuaErrors.ValueOutOfRange);
            }

            length += Encode(buffer[length..], code);
        }

        return c.Return((ReadOnlySpan<byte>)buffer[..length]);
    }

    private static int Len(ref CallContext c)
    {
        ReadOnlySpan<byte> s = c.CheckString(1);
        int len = s.Length;
        long posi = PosRelative(c.OptInteger(2, 1), len);
        long posj = PosRelative(c.OptInteger(3, -1), len);
        bool lax = c.ToBoolean(4);
        if (!(posi >= 1 && posi - 1 <= len))
        {
            throw c.ArgError(2, "initial position out of bounds");
        }

        if (!(posj - 1 < len))
        {
            throw c.ArgError(3, "final position out of bounds");
        }

        s = c.G.StringSpan(c.Arg(1)); // the checks above may have converted numbers
        c.ChargeByteLoop(posj - posi + 1); // the bytes decoded
        long count = 0;
        for (long p = posi - 1; p < posj;)
        {
            int size = Decode(s, (int)p, !lax, out _);
            if (size == 0)
            {
                c.Push(Value.Nil);
                c.Push(Value.Integer(p + 1));
                return 2;
            }

            p += size;
            count++;
        }

        return c.Return(count);
    }

    private static int CodePoint(ref CallContext c)
    {
        ReadOnlySpan<byte> s = c.CheckString(1);
        int len = s.Length;
        long posi = PosRelative(c.OptInteger(2, 1), len);
        long pose = PosRelative(c.OptInteger(3, posi), len);
        bool lax = c.ToBoolean(4);
        if (posi < 1)
        {
            throw c.ArgError(2, "out of bounds");
        }

        if (pose > len)
        {
            throw c.ArgError(3, "out of bounds");
        }

        if (posi > pose)
        {
            return 0;
        }

        if (pose - posi >= int.MaxValue)
        {
            LuaErrors.ThrowStringSliceTooLong();
        }

        c.CheckStack(pose - posi + 1, LuaErrors.StringSliceTooLong); // at most one value per byte, as Lua
        s = c.G.StringSpan(c.Arg(1));
        int count = 0;
        for (long p = posi - 1; p < pose;)
        {
            int size = Decode(s, (int)p, !lax, out long code);
            if (size == 0)
            {
                LuaErrors.ThrowInvalidUtf8Code();
            }

            c.Push(Value.Integer(code));
            count++;
            p += size;
        }

        return count;
    }

    private static int Offset(ref CallContext c)
    {
        ReadOnlySpan<byte> s = c.CheckString(1);
        int len = s.Length;
        long n = c.CheckInteger(2);
        long posi = PosRelative(c.OptInteger(3, n >= 0 ? 1 : len + 1), len) - 1;
        if (posi < 0 || posi > len)
        {
            throw c.ArgError(3, "position out of bounds");
        }

        s = c.G.StringSpan(c.Arg(1));
        long start = posi;
        if (n == 0)
        {
            // Start of the character that contains byte posi.
            while (posi > 0 && IsContinuation(At(s, posi)))
            {
                posi--;
            }

            c.ChargeByteLoop(start - posi); // the bytes walked
            return c.Return(posi + 1);
        }

        if (IsContinuation(At(s, posi)))
        {
            throw new LuaError("initial position is a continuation byte");
        }

        if (n < 0)
        {
            while (n < 0 && posi > 0)
            {
                do
                {
                    posi--;
                }
                while (posi > 0 && IsContinuation(At(s, posi)));
                n++;
            }
        }
        else
        {
            n--; // the character at posi is the first
            while (n > 0 && posi < len)
            {
                do
                {
                    posi++;
                }
                while (IsContinuation(At(s, posi)));
                n--;
            }
        }

        c.ChargeByteLoop(Math.Abs(posi - start)); // the bytes walked
        return n == 0 ? c.Return(posi + 1) : c.Return(Value.Nil);
    }

    /// <summary>utf8.codes: the iterator (host functions are handles, so one pair per state, captured here), the string and 0.</summary>
    private static int Codes(ref CallContext c)
    {
        ReadOnlySpan<byte> s = c.CheckString(1);
        bool lax = c.ToBoolean(2);
        if (IsContinuation(At(s, 0)))
        {
            throw c.ArgError(1, LuaErrors.InvalidUtf8Code);
        }

        Value* iterators = HostClosureObj.Upvals((HostClosureObj*)c.G.Heap.Ptr(c.StackAt(c.Base - 1).R)); // [strict, lax]
        c.Push(iterators[lax ? 1 : 0]);
        c.Push(c.Arg(1));
        c.Push(Value.Integer(0));
        return 3;
    }

    /// <summary>The iterator of utf8.codes: from the character at control position i (0 at the start), the next one's position and code.</summary>
    private static int CodesStrict(ref CallContext c) => CodesStep(ref c, strict: true);

    private static int CodesLax(ref CallContext c) => CodesStep(ref c, strict: false);

    private static int CodesStep(ref CallContext c, bool strict)
    {
        ReadOnlySpan<byte> s = c.CheckString(1);
        ulong p = (ulong)c.CheckInteger(2);
        int len = s.Length;
        if (p < (ulong)len)
        {
            while (IsContinuation(At(s, (long)p)))
            {
                p++; // skip the rest of the previous character
            }
        }

        if (p >= (ulong)len)
        {
            return 0; // done (this also covers a negative control value)
        }

        int size = Decode(s, (int)p, strict, out long code);
        if (size == 0 || IsContinuation(At(s, (long)p + size)))
        {
            LuaErrors.ThrowInvalidUtf8Code();
        }

        return c.Return(Value.Integer((long)p + 1), Value.Integer(code));
    }
}
