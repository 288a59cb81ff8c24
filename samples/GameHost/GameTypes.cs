using System.Globalization;
using MicroLua;

namespace GameHost;

/// <summary>A 2D vector with the operators game code expects; Lua gets them as metamethods.</summary>
[LuaUserdata]
public sealed partial class Vector2(double x, double y)
{
    public static readonly Vector2 Zero = new(0, 0);

    public double X { get; set; } = x;

    public double Y { get; set; } = y;

    public double Length => Math.Sqrt((X * X) + (Y * Y));

    public Vector2 Normalized() => Length == 0 ? Zero : this * (1 / Length);

    public static Vector2 operator +(Vector2 a, Vector2 b) => new(a.X + b.X, a.Y + b.Y);

    public static Vector2 operator -(Vector2 a, Vector2 b) => new(a.X - b.X, a.Y - b.Y);

    public static Vector2 operator -(Vector2 a) => new(-a.X, -a.Y);

    public static Vector2 operator *(Vector2 a, double k) => new(a.X * k, a.Y * k);

    public static Vector2 operator *(double k, Vector2 a) => a * k;

    public static bool operator ==(Vector2? a, Vector2? b) => a is null ? b is null : b is not null && a.X == b.X && a.Y == b.Y;

    public static bool operator !=(Vector2? a, Vector2? b) => !(a == b);

    public override bool Equals(object? obj) => obj is Vector2 v && this == v;

    public override int GetHashCode() => HashCode.Combine(X, Y);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"({X:0.##}, {Y:0.##})");
}

/// <summary>Something in the world: a position, a velocity, health; Lua reads and changes it.</summary>
[LuaUserdata]
public sealed partial class Entity(string name, Vector2 position)
{
    public string Name { get; } = name;

    public Vector2 Position { get; set; } = position;

    public Vector2 Velocity { get; set; } = Vector2.Zero;

    public int Health { get; set; } = 100;

    public bool IsAlive => Health > 0;

    public void Update(double dt) => Position += Velocity * dt;

    public double DistanceTo(Entity other) => (other.Position - Position).Length;

    /// <summary>Takes damage; returns the health left (never below 0).</summary>
    public int Damage(int amount)
    {
        Health = Math.Max(0, Health - amount);
        return Health;
    }

    public override string ToString() => $"{Name} at {Position} ({Health} hp)";
}
