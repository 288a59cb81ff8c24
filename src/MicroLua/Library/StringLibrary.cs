using MicroLua.Core;
using MicroLua.Memory;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua.Library;

/// <summary>
/// The string library and the string metatable (methods on strings through __index).
/// Strings are bytes; positions are 1-based and negative positions count from the end.
/// </summary>
internal static unsafe partial class StringLibrary
{
    /// <summary>Largest string the library builds (rep, format, gsub): beyond it "resulting string too large".</summary>
    public const long MaxStringSize = int.MaxValue - 64;

    public static void Open(LuaRuntime rt)
    {
        uint t = rt.NewLazyLibraryTable("string", LuaRuntime.LazyLibrary.String);

        // The metatable of strings: string methods through __index (the first method call fills the library's table).
        uint mt = LuaTable.New(rt.G, 0, 1);
        rt.G.TypeMetatables[(int)LuaType.String] = mt;
        rt.SetField(mt, "__index", Value.Object(Tag.Table, t));
    }

    /// <summary>Fills the library table <paramref name="t"/> on first use (LuaRuntime.NewLazyLibraryTable).</summary>
    public static void Fill(LuaRuntime rt, uint t)
    {
        rt.Register(t, "byte", Byte, "string.byte");
        rt.Register(t, "char", Char, "string.char");
        rt.Register(t, "dump", Dump, "string.dump");
        rt.Register(t, "len", Len, "string.len");
        rt.Register(t, "lower", Lower, "string.lower");
        rt.Register(t, "rep", Rep, "string.rep");
        rt.Register(t, "reverse", Reverse, "string.reverse");
        rt.Register(t, "sub", Sub, "string.sub");
        rt.Register(t, "upper", Upper, "string.upper");
        OpenEngines(rt, t);
    }

    static partial void OpenEngines(LuaRuntime rt, uint table);

    /// <summary>Lua's position rules: a negative position counts from the end; the result is clipped to [0, len].</summary>
    public static long PosRelative(long pos, int len)
    {
        if (pos >= 0)
        {
            return pos;
        }

        if (-pos > len)
        {
            return 0;
        }

        return len + pos + 1;
    }

    /// <summary>Start positions: negative from the end, 0 or less than -len becomes 1.</summary>
    private static long StartPos(long pos, int len)
    {
        if (pos > 0)
        {
            return pos;
        }

        if (pos == 0)
        {
            return 1;
        }

        if (pos < -(long)len)
        {
            return 1;
        }

        return len + pos + 1;
    }

    /// <summary>End positions: beyond len becomes len, negative from the end.</summary>
    private static long EndPos(long pos, int len)
    {
        if (pos > len)
        {
            return len;
        }

        if (pos >= 0)
        {
            return pos;
        }

        if (pos < -(long)len)
        {
            return 0;
        }

        return len + pos + 1;
    }

    private static int Len(ref CallContext c) => c.Return((long)c.CheckString(1).Length);

    private static int Sub(ref CallContext c)
    {
        ReadOnlySpan<byte> s = c.CheckString(1);
        long i = StartPos(c.CheckInteger(2), s.Length);
        long j = EndPos(c.OptInteger(3, -1), s.Length);
        if (i > j)
        {
            return c.Return(""u8);
        }

        Value sv = c.Arg(1);
        c.ChargeBytes(j - i + 1);
        return c.Return(c.G.StringSpan(sv).Slice((int)i - 1, (int)(j - i + 1)));
    }

    private static int Upper(ref CallContext c) => MapCase(ref c, static (src, dst) =>
    {
        for (int i = 0; i < src.Length; i++)
        {
            byte b = src[i];
            dst[i] = b is >= (byte)'a' and <= (byte)'z' ? (byte)(b - 32) : b;
        }
    });

    private static int Lower(ref CallContext c) => MapCase(ref c, static (src, dst) =>
    {
        for (int i = 0; i < src.Length; i++)
        {
            byte b = src[i];
            dst[i] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b;
        }
    });

    /// <summary>string.upper/lower: the C locale's case mapping, byte by byte, into the new string itself.</summary>
    private static int MapCase(ref CallContext c, SpanAction map)
    {
        Value s = c.CheckStringValue(1);
        int n = c.G.StringSpan(s).Length;
        c.ChargeByteLoop(n);
        return c.Return(NewStringFrom(c.G, s, n, map));
    }

    private static int Reverse(ref CallContext c)
    {
        Value s = c.CheckStringValue(1);
        int n = c.G.StringSpan(s).Length;
        c.ChargeBytes(n);
        Value r = NewStringFrom(c.G, s, n, static (src, dst) =>
        {
            src.CopyTo(dst);
            dst.Reverse();
        });
        return c.Return(r);
    }

    /// <summary>Builds a new string of <paramref name="length"/> bytes from <paramref name="source"/> (kept anchored meanwhile).</summary>
    private static Value NewStringFrom(LuaGlobal g, in Value source, int length, SpanAction fill)
    {
        if (length <= LuaLimits.MaxShortStringLength)
        {
            Span<byte> tmp = stackalloc byte[length];
            fill(g.StringSpan(source), tmp);
            return g.NewString(tmp);
        }

        g.PushTemp(source);
        uint r;
        try
        {
            r = g.NewLongString(length);
        }
        finally
        {
            g.PopTemp();
        }

        fill(g.StringSpan(source), new Span<byte>(StringObj.Data((StringObj*)g.Heap.Ptr(r)), length));
        return Value.Object(Tag.LongString, r);
    }

    private delegate void SpanAction(ReadOnlySpan<byte> src, Span<byte> dst);

    private static int Rep(ref CallContext c)
    {
        Value s = c.CheckStringValue(1);
        long n = c.CheckInteger(2);
        Value sep = c.IsNoneOrNil(3) ? default : c.CheckStringValue(3);
        int ls = c.G.StringSpan(s).Length;
        int lsep = sep.IsNil ? 0 : c.G.StringSpan(sep).Length;
        if (n <= 0 || ls + lsep == 0)
        {
            return c.Return(""u8); // nothing to repeat: done at once, however large n is
        }

        if ((ls + lsep) > MaxStringSize / n)
        {
            LuaErrors.ThrowResultingStringTooLarge();
        }

        long total = (ls * n) + (lsep * (n - 1));
        c.ChargeBytes(total + n); // the bytes, each piece copied counted as one byte more
        int len = (int)total;
        bool small = len <= LuaLimits.MaxShortStringLength;
        uint r = small ? 0 : c.G.NewLongString(len);
        Span<byte> dst = small
            ? stackalloc byte[LuaLimits.MaxShortStringLength]
            : new Span<byte>(StringObj.Data((StringObj*)c.G.Heap.Ptr(r)), len);
        ReadOnlySpan<byte> src = c.G.StringSpan(c.Arg(1));
        ReadOnlySpan<byte> sp = sep.IsNil ? default : c.G.StringSpan(c.Arg(3));
        int pos = 0;
        for (long k = 0; k < n; k++)
        {
            src.CopyTo(dst[pos..]);
            pos += ls;
            if (k < n - 1 && lsep > 0)
            {
                sp.CopyTo(dst[pos..]);
                pos += lsep;
            }
        }

        return small ? c.Return((ReadOnlySpan<byte>)dst[..len]) : c.Return(Value.Object(Tag.LongString, r));
    }

    private static int Byte(ref CallContext c)
    {
        ReadOnlySpan<byte> s = c.CheckString(1);
        long pi = c.OptInteger(2, 1);
        long i = StartPos(pi, s.Length);
        long j = EndPos(c.IsNoneOrNil(3) ? pi : c.CheckInteger(3), s.Length);
        if (i > j)
        {
            return 0;
        }

        if (j - i >= int.MaxValue)
        {
            LuaErrors.ThrowStringSliceTooLong();
        }

        int n = (int)(j - i + 1);
        if (n == 1)
        {
            c.ChargeWork(1); // as CheckStack charges it
            return c.Return(Value.Integer(s[(int)i - 1])); // s:byte(i), the common case: no room to make
        }

        c.CheckStack(n, LuaErrors.StringSliceTooLong);
        for (int k = 0; k < n; k++)
        {
            c.Push(Value.Integer(c.G.StringSpan(c.Arg(1))[(int)i - 1 + k]));
        }

        return n;
    }

    private static int Char(ref CallContext c)
    {
        int n = c.ArgCount;
        c.ChargeWork(n);
        const int onStack = 256; // characters built without a managed buffer
        Span<byte> buf = n <= onStack ? stackalloc byte[onStack] : new byte[n];
        for (int i = 1; i <= n; i++)
        {
            long v = c.CheckInteger(i);
            if ((ulong)v > 255)
            {
                throw c.ArgError(i, LuaErrors.ValueOutOfRange);
            }

            buf[i - 1] = (byte)v;
        }

        return c.Return((ReadOnlySpan<byte>)buf[..n]);
    }

    /// <summary>
    /// string.dump: the writer lives with the compiler (the runtime has none of its own), so a
    /// state without a compiler cannot dump, and host functions never can.
    /// </summary>
    private static int Dump(ref CallContext c)
    {
        c.CheckFunction(1);
        Value f = c.Arg(1);
        byte[]? chunk = f.Tag == Tag.LuaClosure ? LuaRuntime.Of(c.Vm).Chunks.Dump(f.R, c.ToBoolean(2)) : null;
        if (chunk == null)
        {
            throw new LuaError("unable to dump given function");
        }

        return c.Return(chunk);
    }
}
