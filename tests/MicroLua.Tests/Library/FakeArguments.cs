using System.Text;
using MicroLua.Core;
using MicroLua.Library;

namespace MicroLua.Tests.Library;

/// <summary>
/// Test double for the engines' argument interface: values are C# objects (long, double, string
/// as Latin-1 bytes, bool, null for nil, anything else is "other"). Index 1 is the format string,
/// as in Lua, so values start at 2. The strings "nan:+" and "nan:-" stand for NaNs with that sign.
/// </summary>
internal sealed class FakeArguments : IFormatArguments
{
    private readonly object?[] _values;
    private readonly string _function;
    private byte[] _last = [];

    public FakeArguments(string function, params object?[] values)
    {
        _function = function;
        _values = new object?[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            _values[i] = values[i] switch
            {
                "nan:+" => BitConverter.Int64BitsToDouble(0x7FF8000000000000),
                "<table>" => new object(),
                "nan:-" => BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8000000000000)),
                int n => (long)n,
                var v => v,
            };
        }
    }

    public static byte[] Bytes(string s) => Encoding.Latin1.GetBytes(s);

    public static string Text(ReadOnlySpan<byte> b) => Encoding.Latin1.GetString(b);

    public int Count => _values.Length + 1;

    private object? Get(int arg) => _values[arg - 2];

    public FormatArgKind KindOf(int arg)
    {
        if (arg > Count)
        {
            return FormatArgKind.None;
        }
        return Get(arg) switch
        {
            null => FormatArgKind.Nil,
            false => FormatArgKind.False,
            true => FormatArgKind.True,
            long => FormatArgKind.Integer,
            double => FormatArgKind.Float,
            string => FormatArgKind.String,
            _ => FormatArgKind.Other,
        };
    }

    public long CheckInteger(int arg)
    {
        object? v = arg > Count ? null : Get(arg);
        switch (v)
        {
            case long l:
                return l;
            case double d:
                if (LuaNumber.FloatToInteger(d, out long r))
                {
                    return r;
                }
                throw ArgumentError(arg, "number has no integer representation");
            case string s when LuaNumber.TryParseNumber(Bytes(s), out long i, out double f, out bool isFloat):
                if (!isFloat)
                {
                    return i;
                }
                if (LuaNumber.FloatToInteger(f, out long r2))
                {
                    return r2;
                }
                throw ArgumentError(arg, "number has no integer representation");
            default:
                throw TypeError(arg, "number");
        }
    }

    public double CheckNumber(int arg)
    {
        object? v = arg > Count ? null : Get(arg);
        switch (v)
        {
            case long l:
                return l;
            case double d:
                return d;
            case string s when LuaNumber.TryParseNumber(Bytes(s), out long i, out double f, out bool isFloat):
                return isFloat ? f : i;
            default:
                throw TypeError(arg, "number");
        }
    }

    public ReadOnlySpan<byte> CheckString(int arg)
    {
        object? v = arg > Count ? null : Get(arg);
        return v switch
        {
            string s => _last = Bytes(s),
            long or double => ToDisplayString(arg),
            _ => throw TypeError(arg, "string"),
        };
    }

    public ReadOnlySpan<byte> ToDisplayString(int arg)
    {
        object? v = Get(arg);
        Span<byte> buf = stackalloc byte[64];
        _last = v switch
        {
            null => Bytes("nil"),
            bool b => Bytes(b ? "true" : "false"),
            long l => buf[..LuaNumber.FormatInteger(l, buf)].ToArray(),
            double d => buf[..LuaNumber.FormatFloat(d, buf)].ToArray(),
            string s => Bytes(s),
            _ => Bytes("table: 0x1234"),
        };
        return _last;
    }

    public ulong ToPointer(int arg) => KindOf(arg) == FormatArgKind.Other ? 0x1234UL : 0;

    public Exception ArgumentError(int arg, string message) => new LuaError($"bad argument #{arg} to '{_function}' ({message})");

    /// <summary>Bytes the engine charged to the budget.</summary>
    public long ChargedBytes { get; private set; }

    public void ChargeBytes(long bytes) => ChargedBytes += bytes;

    private LuaError TypeError(int arg, string expected)
    {
        string got = arg > Count ? "no value" : KindOf(arg) switch
        {
            FormatArgKind.Nil => "nil",
            FormatArgKind.True or FormatArgKind.False => "boolean",
            FormatArgKind.String => "string",
            FormatArgKind.Integer or FormatArgKind.Float => "number",
            _ => "table",
        };
        return new LuaError($"bad argument #{arg} to '{_function}' ({expected} expected, got {got})");
    }
}
