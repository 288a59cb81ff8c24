using System.Globalization;
using System.Text;
using System.Text.Unicode;
using MicroLua.Core;
using MicroLua.Library;

namespace MicroLua;

/// <summary>
/// A Lua value on the host side. Nil, booleans, numbers and light userdata are held inline
/// (a LuaValue of them allocates nothing); strings as .NET strings when their bytes are valid
/// UTF-8 (decoded), and as the bytes themselves otherwise, so no Lua string loses a byte on its
/// way to the host and back (<see cref="FromBytes"/>, <see cref="AsBytes"/>); tables, functions, full userdata and coroutines as a <see cref="LuaReference"/>
/// handle, which keeps the object alive until it is disposed.
/// </summary>
public readonly struct LuaValue : IEquatable<LuaValue>
{
    private readonly object? _ref;
    private readonly long _bits;
    private readonly LuaType _type;
    private readonly bool _isInteger;

    private LuaValue(LuaType type, bool isInteger, long bits, object? reference)
    {
        _type = type;
        _isInteger = isInteger;
        _bits = bits;
        _ref = reference;
    }

    /// <summary>nil.</summary>
    public static LuaValue Nil => default;

    /// <summary>
    /// A Lua string of exactly these bytes (copied). Valid UTF-8 is held as its .NET string, so
    /// such a value equals <c>FromString</c> of the same text; any other byte string is held as
    /// bytes, and <see cref="AsString"/> shows it decoded (invalid sequences as U+FFFD).
    /// </summary>
    public static LuaValue FromBytes(ReadOnlySpan<byte> bytes) =>
        new(LuaType.String, false, 0, Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : bytes.ToArray());

    /// <summary>true.</summary>
    public static LuaValue True => new(LuaType.Boolean, false, 1, null);

    /// <summary>false.</summary>
    public static LuaValue False => new(LuaType.Boolean, false, 0, null);

    /// <summary>An integer number.</summary>
    public static LuaValue FromInteger(long value) => new(LuaType.Number, true, value, null);

    /// <summary>A float number.</summary>
    public static LuaValue FromNumber(double value) => new(LuaType.Number, false, BitConverter.DoubleToInt64Bits(value), null);

    /// <summary>A boolean.</summary>
    public static LuaValue FromBoolean(bool value) => value ? True : False;

    /// <summary>A string (encoded as UTF-8 when it goes to Lua); null gives nil.</summary>
    public static LuaValue FromString(string? value) => value == null ? default : new(LuaType.String, false, 0, value);

    /// <summary>A light userdata: a bare pointer-sized value, compared by value, with no metatable of its own.</summary>
    public static LuaValue FromLightUserdata(nint pointer) => new(LuaType.LightUserdata, false, pointer, null);

    /// <summary>A reference to a Lua object; null gives nil.</summary>
    public static LuaValue FromReference(LuaReference? reference) => reference == null ? default : new(reference.Type, false, 0, reference);

    /// <summary>An integer number.</summary>
    public static implicit operator LuaValue(long value) => FromInteger(value);

    /// <summary>An integer number.</summary>
    public static implicit operator LuaValue(int value) => FromInteger(value);

    /// <summary>A float number.</summary>
    public static implicit operator LuaValue(double value) => FromNumber(value);

    /// <summary>A boolean.</summary>
    public static implicit operator LuaValue(bool value) => FromBoolean(value);

    /// <summary>A string; null gives nil.</summary>
    public static implicit operator LuaValue(string? value) => FromString(value);

    /// <summary>A reference to a Lua object; null gives nil.</summary>
    public static implicit operator LuaValue(LuaReference? reference) => FromReference(reference);

    /// <summary>The Lua type of the value (<see cref="LuaType.LightUserdata"/> for light userdata, as lua_type).</summary>
    public LuaType Type => _type;

    /// <summary>Whether the value is nil.</summary>
    public bool IsNil => _type == LuaType.Nil;

    /// <summary>Whether the value is a number.</summary>
    public bool IsNumber => _type == LuaType.Number;

    /// <summary>Whether the value is an integer number.</summary>
    public bool IsInteger => _isInteger;

    /// <summary>Whether the value is a string.</summary>
    public bool IsString => _type == LuaType.String;

    /// <summary>The handle of a table, function, userdata or coroutine; null for other values.</summary>
    public LuaReference? Reference => _ref as LuaReference;

    /// <summary>The value as an integer: integers, and floats with an exact integer value.</summary>
    /// <exception cref="InvalidCastException">The value is not a number with an integer value.</exception>
    public long ToInteger()
    {
        if (_isInteger)
        {
            return _bits;
        }

        if (_type == LuaType.Number && LuaNumber.FloatToInteger(BitConverter.Int64BitsToDouble(_bits), out long i))
        {
            return i;
        }

        throw new InvalidCastException($"{LuaTypeNames.Name(_type)} is not an integer");
    }

    /// <summary>The value as a double (integers convert).</summary>
    /// <exception cref="InvalidCastException">The value is not a number.</exception>
    public double ToNumber() => _isInteger ? _bits
        : _type == LuaType.Number ? BitConverter.Int64BitsToDouble(_bits)
        : throw new InvalidCastException($"{LuaTypeNames.Name(_type)} is not a number");

    /// <summary>Lua truthiness: false only for nil and false.</summary>
    public bool ToBoolean() => _type switch
    {
        LuaType.Nil => false,
        LuaType.Boolean => _bits != 0,
        _ => true,
    };

    /// <summary>The pointer of a light userdata.</summary>
    /// <exception cref="InvalidCastException">The value is not a light userdata.</exception>
    public nint ToPointer() => _type == LuaType.LightUserdata ? (nint)_bits : throw new InvalidCastException($"{LuaTypeNames.Name(_type)} is not a light userdata");

    /// <summary>The string, or null when the value is not a string.</summary>
    public string? AsString() => _ref as string ?? (_ref is byte[] b ? Encoding.UTF8.GetString(b) : null);

    /// <summary>
    /// A string's bytes exactly as Lua holds them (the UTF-8 of a .NET string; a byte string as
    /// it is, without decoding).
    /// </summary>
    /// <exception cref="InvalidCastException">The value is not a string.</exception>
    public ReadOnlyMemory<byte> AsBytes() => _ref switch
    {
        byte[] b => b,
        string s => Encoding.UTF8.GetBytes(s),
        _ => throw Cast("string"),
    };

    /// <summary>The bytes of a string held as bytes (not valid UTF-8), or null.</summary>
    internal byte[]? ByteString => _ref as byte[];

    /// <summary>The table handle.</summary>
    /// <exception cref="InvalidCastException">The value is not a table.</exception>
    public LuaTableRef AsTable() => _ref as LuaTableRef ?? throw Cast("table");

    /// <summary>The function handle.</summary>
    /// <exception cref="InvalidCastException">The value is not a function.</exception>
    public LuaFunction AsFunction() => _ref as LuaFunction ?? throw Cast("function");

    /// <summary>The full-userdata handle.</summary>
    /// <exception cref="InvalidCastException">The value is not a full userdata.</exception>
    public LuaUserdata AsUserdata() => _ref as LuaUserdata ?? throw Cast("userdata");

    /// <summary>The coroutine handle.</summary>
    /// <exception cref="InvalidCastException">The value is not a coroutine.</exception>
    public LuaCoroutine AsCoroutine() => _ref as LuaCoroutine ?? throw Cast("thread");

    private InvalidCastException Cast(string expected) => new($"{LuaTypeNames.Name(_type)} is not a {expected}");

    /// <summary>
    /// The value as Lua's tostring shows nil, booleans, numbers and strings ("%.14g" for
    /// floats); other values show their type name. Numbers allocate their text here, never before.
    /// </summary>
    public override string ToString() => _type switch
    {
        LuaType.Nil => "nil",
        LuaType.Boolean => _bits != 0 ? "true" : "false",
        LuaType.Number when _isInteger => _bits.ToString(CultureInfo.InvariantCulture),
        LuaType.Number => BaseLibrary.FormatNumber(Value.Float(BitConverter.Int64BitsToDouble(_bits))),
        LuaType.String => AsString()!,
        LuaType.LightUserdata => "userdata",
        _ => LuaTypeNames.Name(_type),
    };

    /// <summary>
    /// Raw equality as Lua's rawequal: numbers by value (1 == 1.0), strings by content,
    /// objects by identity (two handles to the same table are equal).
    /// </summary>
    public bool Equals(LuaValue other)
    {
        if (_type != other._type)
        {
            return false;
        }

        return _type switch
        {
            LuaType.Nil => true,
            LuaType.Number => _isInteger && other._isInteger ? _bits == other._bits : ToNumber() == other.ToNumber() && (_isInteger == other._isInteger || LuaEqualMixed(other)),
            LuaType.String => _ref is string s ? s == other._ref as string : other._ref is byte[] b && ((byte[])_ref!).AsSpan().SequenceEqual(b),
            LuaType.Boolean or LuaType.LightUserdata => _bits == other._bits,
            _ => ((LuaReference)_ref!).SameObject((LuaReference)other._ref!),
        };
    }

    /// <summary>An integer and a float are equal when the float is exactly that integer.</summary>
    private bool LuaEqualMixed(in LuaValue other)
    {
        long i = _isInteger ? _bits : other._bits;
        double d = _isInteger ? BitConverter.Int64BitsToDouble(other._bits) : BitConverter.Int64BitsToDouble(_bits);
        return LuaNumber.FloatToInteger(d, out long di) && di == i;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is LuaValue v && Equals(v);

    /// <inheritdoc/>
    public override int GetHashCode() => _type switch
    {
        LuaType.Number when _isInteger => _bits.GetHashCode(),
        LuaType.Number when LuaNumber.FloatToInteger(BitConverter.Int64BitsToDouble(_bits), out long i) => i.GetHashCode(), // 1.0 hashes as 1: they are equal
        LuaType.Number => BitConverter.Int64BitsToDouble(_bits).GetHashCode(),
        LuaType.String => _ref is byte[] b ? ByteHash(b) : _ref!.GetHashCode(),
        LuaType.Table or LuaType.Function or LuaType.Userdata or LuaType.Thread => ((LuaReference)_ref!).ObjectHashCode(),
        _ => HashCode.Combine(_type, _bits),
    };

    private static int ByteHash(byte[] b)
    {
        var h = new HashCode();
        h.AddBytes(b);
        return h.ToHashCode();
    }

    /// <summary>Raw equality (see <see cref="Equals(LuaValue)"/>).</summary>
    public static bool operator ==(LuaValue left, LuaValue right) => left.Equals(right);

    /// <summary>Raw inequality.</summary>
    public static bool operator !=(LuaValue left, LuaValue right) => !left.Equals(right);
}
