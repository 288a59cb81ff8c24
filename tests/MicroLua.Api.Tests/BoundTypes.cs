namespace MicroLua.Api.Tests;

// Types bound to Lua by the generator (MicroLua.Generators, referenced as an analyzer), for BindingTests.

/// <summary>A value type of game maths: properties, operators, overloads, constants, a constructor.</summary>
[LuaUserdata]
public sealed partial class Vec2(double x, double y) : IEquatable<Vec2>
{
    public const int Dimensions = 2;

    public static readonly Vec2 Zero = new(0, 0);

    public double X { get; set; } = x;

    public double Y { get; set; } = y;

    public double Length => Math.Sqrt((X * X) + (Y * Y));

    public static Vec2 operator +(Vec2 a, Vec2 b) => new(a.X + b.X, a.Y + b.Y);

    public static Vec2 operator -(Vec2 a, Vec2 b) => new(a.X - b.X, a.Y - b.Y);

    public static Vec2 operator -(Vec2 a) => new(-a.X, -a.Y);

    public static Vec2 operator *(Vec2 a, double k) => new(a.X * k, a.Y * k);

    public static Vec2 operator *(double k, Vec2 a) => new(a.X * k, a.Y * k);

    public static bool operator ==(Vec2? a, Vec2? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(Vec2? a, Vec2? b) => !(a == b);

    public static bool operator <(Vec2 a, Vec2 b) => a.Length < b.Length;

    public static bool operator >(Vec2 a, Vec2 b) => a.Length > b.Length;

    public static bool operator <=(Vec2 a, Vec2 b) => a.Length <= b.Length;

    public static bool operator >=(Vec2 a, Vec2 b) => a.Length >= b.Length;

    public double Dot(Vec2 other) => (X * other.X) + (Y * other.Y);

    public Vec2 Scaled(double k = 2) => new(X * k, Y * k);

    public void Set(double x, double y)
    {
        X = x;
        Y = y;
    }

    public void Set(Vec2 other) => Set(other.X, other.Y);

    public (double X, double Y) Unpack() => (X, Y);

    public static double Distance(Vec2 a, Vec2 b) => (a - b).Length;

    [LuaMember("__concat")]
    public static string Concat(LuaValue a, LuaValue b) => a.ToString() + "|" + b.ToString();

    [LuaMember("__len")]
    public int Count() => Dimensions;

    [LuaIgnore]
    public static implicit operator Vec2((double X, double Y) t) => new(t.X, t.Y);

    public bool Equals(Vec2? other) => other is not null && X == other.X && Y == other.Y;

    public override bool Equals(object? obj) => Equals(obj as Vec2);

    public override int GetHashCode() => HashCode.Combine(X, Y);

    public override string ToString() => $"({X}, {Y})";
}

/// <summary>A handle-like type: indexers, a Lua name of its own, nullable and optional parameters, __close.</summary>
[LuaUserdata("Bag")]
public sealed partial class Inventory : IDisposable
{
    private readonly List<string> _names = [];
    private readonly Dictionary<string, int> _counts = [];

    public int Count => _names.Count;

    public bool Disposed { get; private set; }

    public string Owner = "nobody";

    public readonly int Capacity = 8;

    public int this[string name]
    {
        get => _counts.TryGetValue(name, out int n) ? n : 0;
        set => _counts[name] = value;
    }

    public string this[int index] => _names[index - 1];

    [LuaMember("add")]
    public void Add(string name, int count = 1)
    {
        if (!_counts.ContainsKey(name))
        {
            _names.Add(name);
        }

        _counts[name] = this[name] + count;
    }

    public int? Find(string name) => _counts.TryGetValue(name, out int n) ? n : null;

    public string Describe(string? prefix) => (prefix ?? "bag") + ":" + Count;

    public void Dispose() => Disposed = true;

    public static Inventory Create(string owner) => new() { Owner = owner };
}

/// <summary>A library: functions, constants, range and type checks.</summary>
[LuaLibrary("mathx")]
public static partial class MathX
{
    public const double Tau = 6.283185307179586;

    public const string Version = "1.0";

    public static long Add(long a, long b) => a + b;

    public static int Clamp(int x, int lo = 0, int hi = 10) => Math.Clamp(x, lo, hi);

    public static byte ToByte(byte b) => b;

    public static bool Not(bool b) => !b;

    public static int Bytes(ReadOnlySpan<byte> s) => s.Length;

    public static Vec2 Make(double x, double y) => new(x, y);

    public static double Dot(Vec2 a, Vec2 b) => a.Dot(b);

    public static Mode Next(Mode m) => m == Mode.Fast ? Mode.Slow : Mode.Fast;

    public static void Nothing()
    {
    }

    internal static int Hidden() => 1;

    [LuaMember("secret")]
    internal static int Secret() => 42;
}

/// <summary>__close from a Close method (no IDisposable).</summary>
[LuaUserdata]
public sealed partial class Door
{
    public bool Closed { get; private set; }

    public void Close() => Closed = true;
}

public enum Mode
{
    Slow = 1,
    Fast = 2,
}
