using System.Globalization;
using MicroLua.Library;
using MicroLua.Values;

namespace MicroLua;

/// <summary>
/// A Lua value handed to the host: nil, a boolean, a number, a string; other values are
/// described by their type name.
/// </summary>
public readonly struct LuaValue : IEquatable<LuaValue>
{
    private readonly long _integer;
    private readonly double _number;
    private readonly string? _string;

    private LuaValue(LuaType type, bool isInteger, long i, double d, string? s)
    {
        Type = type;
        IsInteger = isInteger;
        _integer = i;
        _number = d;
        _string = s;
    }

    /// <summary>The Lua type of the value.</summary>
    public LuaType Type { get; }

    /// <summary>Whether the value is an integer number.</summary>
    public bool IsInteger { get; }

    /// <summary>Whether the value is nil.</summary>
    public bool IsNil => Type == LuaType.Nil;

    /// <summary>The value as an integer (numbers with an integer value).</summary>
    public long ToInteger() => IsInteger ? _integer : Type == LuaType.Number && _number == Math.Floor(_number) ? (long)_number : throw new InvalidCastException($"{Type} is not an integer");

    /// <summary>The value as a double.</summary>
    public double ToNumber() => IsInteger ? _integer : Type == LuaType.Number ? _number : throw new InvalidCastException($"{Type} is not a number");

    /// <summary>The value as a boolean (Lua truthiness).</summary>
    public bool ToBoolean() => Type switch
    {
        LuaType.Nil => false,
        LuaType.Boolean => _integer != 0,
        _ => true,
    };

    /// <summary>The value as Lua's tostring would show nil, booleans, numbers and strings.</summary>
    public override string ToString() => Type switch
    {
        LuaType.Nil => "nil",
        LuaType.Boolean => _integer != 0 ? "true" : "false",
        LuaType.Number or LuaType.String => _string!,
        _ => _string ?? LuaTypeNames.Name(Type),
    };

    internal static LuaValue From(LuaRuntime rt, Value v) => v.Tag switch
    {
        Tag.Nil => default,
        Tag.False => new LuaValue(LuaType.Boolean, false, 0, 0, null),
        Tag.True => new LuaValue(LuaType.Boolean, false, 1, 0, null),
        Tag.Integer => new LuaValue(LuaType.Number, true, v.I, v.I, v.I.ToString(CultureInfo.InvariantCulture)),
        Tag.Float => new LuaValue(LuaType.Number, false, 0, v.D, BaseLibrary.FormatNumber(v)),
        Tag.ShortString or Tag.LongString => new LuaValue(LuaType.String, false, 0, 0, rt.G.ToHostString(v)),
        _ => new LuaValue(v.Type, false, 0, 0, LuaTypeNames.Name(v.Type)),
    };

    /// <inheritdoc/>
    public bool Equals(LuaValue other) => Type == other.Type && IsInteger == other.IsInteger && _integer == other._integer && _number.Equals(other._number) && _string == other._string;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is LuaValue v && Equals(v);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Type, _integer, _number, _string);

    /// <summary>Value equality.</summary>
    public static bool operator ==(LuaValue left, LuaValue right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(LuaValue left, LuaValue right) => !left.Equals(right);
}
