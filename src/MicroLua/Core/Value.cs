using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MicroLua.Core;

/// <summary>
/// The type tag of a <see cref="Value"/>: Lua 5.4's types with their variants. Tags from
/// <see cref="ShortString"/> up reference a heap block and equal that block's ObjType, so
/// "is collectable" is one compare, and so is "is false" (nil and false are 0 and 1).
/// </summary>
internal enum Tag : byte
{
    Nil = 0,
    False = 1,
    True = 2,
    Integer = 3,
    Float = 4,
    /// <summary>A raw pointer-sized value the host gave (light userdata).</summary>
    LightUserdata = 5,
    /// <summary>A .NET function without upvalues: the payload is its index in the host handle table.</summary>
    HostFunction = 6,
    ShortString = 8,
    LongString = 9,
    Table = 10,
    LuaClosure = 11,
    /// <summary>A .NET function with upvalues: a heap block holding the handle and the upvalues.</summary>
    HostClosure = 12,
    Userdata = 13,
    Thread = 14,
    /// <summary>A key whose value was collected, left in a table so that next can go on past it.</summary>
    DeadKey = 15,
}

/// <summary>
/// A Lua value: an 8-byte payload (integer, double, heap reference, handle index or light
/// pointer) and a type tag, 16 bytes in all. Values are plain unmanaged data: they live in
/// the heap (stacks, tables, constants) and the VM reads them through pointers; copying one
/// is a 16-byte load and store with no write barrier.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct Value
{
    [FieldOffset(0)] public long I;
    [FieldOffset(0)] public double D;
    [FieldOffset(0)] public uint R;
    [FieldOffset(8)] public Tag Tag;

    /// <summary>The tag with the seven bytes after it, which are always zero: the constructors write the value in two stores.</summary>
    [FieldOffset(8)] private ulong _tagWord;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Value Make(long payload, Tag tag)
    {
        Unsafe.SkipInit(out Value v);
        v.I = payload;
        v._tagWord = (ulong)tag;
        return v;
    }

    public static Value Nil => default;
    public static Value False
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Make(0, Tag.False);
    }

    public static Value True
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Make(0, Tag.True);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Value Integer(long i) => Make(i, Tag.Integer);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Value Float(double d) => Make(BitConverter.DoubleToInt64Bits(d), Tag.Float);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Value Boolean(bool b) => Make(0, b ? Tag.True : Tag.False);

    /// <summary>A value referencing the heap object <paramref name="r"/> of kind <paramref name="tag"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Value Object(Tag tag, uint r) => Make(r, tag);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Value HostFunction(int handle) => Make(handle, Tag.HostFunction);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Value LightUserdata(nint p) => Make(p, Tag.LightUserdata);

    public readonly bool IsNil
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Tag == Tag.Nil;
    }

    public readonly bool IsFalsy
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Tag <= Tag.False;
    }

    public readonly bool IsInteger => Tag == Tag.Integer;
    public readonly bool IsFloat => Tag == Tag.Float;
    public readonly bool IsNumber
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Tag is Tag.Integer or Tag.Float;
    }

    public readonly bool IsString
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Tag is Tag.ShortString or Tag.LongString;
    }

    public readonly bool IsTable => Tag == Tag.Table;
    public readonly bool IsFunction => Tag is Tag.LuaClosure or Tag.HostFunction or Tag.HostClosure;

    /// <summary>Whether the payload is a heap reference the collector must trace.</summary>
    public readonly bool IsCollectable => Tag >= Tag.ShortString && Tag != Tag.DeadKey;

    /// <summary>Raw identity: same tag and same payload (what rawequal means for all but long strings and floats).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool SameRaw(in Value other) => Tag == other.Tag && I == other.I;

    /// <summary>The basic type of this value (what <c>type</c> returns).</summary>
    public readonly LuaType Type => TypeOf(Tag);

    public static LuaType TypeOf(Tag tag) => tag switch
    {
        Tag.Nil => LuaType.Nil,
        Tag.False or Tag.True => LuaType.Boolean,
        Tag.Integer or Tag.Float => LuaType.Number,
        Tag.ShortString or Tag.LongString => LuaType.String,
        Tag.Table => LuaType.Table,
        Tag.LuaClosure or Tag.HostFunction or Tag.HostClosure => LuaType.Function,
        Tag.Userdata or Tag.LightUserdata => LuaType.Userdata,
        Tag.Thread => LuaType.Thread,
        _ => LuaType.None,
    };

    public override readonly string ToString() => Tag switch
    {
        Tag.Integer => $"Integer {I}",
        Tag.Float => $"Float {D}",
        _ => $"{Tag} {I}",
    };
}

internal static class LuaTypeNames
{
    private static readonly string[] s_names =
        ["no value", "nil", "boolean", "userdata", "number", "string", "table", "function", "userdata", "thread"];

    /// <summary>The name Lua prints for a basic type ("nil", "number", "no value", ...).</summary>
    public static string Name(LuaType t) => s_names[(int)t + 1];
}
