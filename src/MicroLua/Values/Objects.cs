using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MicroLua.Core;
using MicroLua.Memory;

namespace MicroLua.Values;

/// <summary>
/// The header every used heap block starts with. <see cref="SizeFlags"/> belongs to the
/// allocator; <see cref="Gc"/> to the collector; <see cref="Extra"/> is a small field each
/// object type uses for itself (a closure's upvalue count, a string's flags...).
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 8)]
internal struct ObjHeader
{
    public uint SizeFlags;
    public ObjType Type;
    public byte Gc;
    public ushort Extra;
}

/// <summary>Bits of <see cref="ObjHeader.Gc"/>.</summary>
internal static class GcBits
{
    /// <summary>Reached by the current mark phase: gray (queued) or, with <see cref="Black"/>, traversed.</summary>
    public const byte Marked = 1;
    /// <summary>The object has a __gc metamethod and is known to the collector's finalizer list.</summary>
    public const byte Finalizable = 2;
    /// <summary>Never collected (e.g. the out-of-memory message).</summary>
    public const byte Fixed = 4;
    /// <summary>The finalizer ran (or is queued); the object is ordinary garbage next time.</summary>
    public const byte Finalized = 8;
    /// <summary>Collector-private, during a cycle: an open upvalue was reached from its (live) thread.</summary>
    public const byte OpenUpvalSeen = 16;
    /// <summary>One of the two whites (unreached). New objects get the current white; after the atomic phase the other white means dead.</summary>
    public const byte White0 = 32;
    /// <summary>The other white.</summary>
    public const byte White1 = 64;
    /// <summary>Both whites.</summary>
    public const byte Whites = White0 | White1;
    /// <summary>Marked and traversed: a store of a white object into it needs a write barrier.</summary>
    public const byte Black = 128;
    /// <summary>What one cycle sets (marks, whites, the open-upvalue flag); a sweep's survivor keeps only the others and gets the current white.</summary>
    public const byte CycleBits = Marked | Black | OpenUpvalSeen | Whites;
}

/// <summary>
/// A string: bytes inline after this 16-byte header, followed by a zero byte. Short strings (up
/// to <see cref="LuaLimits.MaxShortStringLength"/> bytes) are interned, so two short strings are
/// equal exactly when they are the same block; <see cref="Next"/> chains them in their
/// string-table bucket, and their length is in the header's Extra (high byte). A long string
/// is never chained, so the same word holds its length (<see cref="LongLength"/>); it hashes
/// lazily (<see cref="HasHash"/> in Extra). Why not one length field for both: every Lua name
/// is a short string (a fresh state holds about 140), and the header's third word would make
/// each 8 bytes larger.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct StringObj
{
    [FieldOffset(0)] public ObjHeader H;
    /// <summary>A short string's chain link in its string-table bucket (0 = end).</summary>
    [FieldOffset(8)] public uint Next;
    /// <summary>A long string's length in bytes.</summary>
    [FieldOffset(8)] public uint LongLength;
    [FieldOffset(12)] public uint Hash;

    public const int DataOffset = 16;
    /// <summary>Extra bit: <see cref="Hash"/> is valid (always set for short strings).</summary>
    public const ushort HasHash = 1;
    /// <summary>Extra bit: the string is a reserved word of the lexer (unused by the runtime).</summary>
    public const ushort Reserved_ = 2;
    /// <summary>Extra holds a short string's length from this bit up (at most 255; short strings are at most 40 bytes).</summary>
    public const int ShortLengthShift = 8;

    /// <summary>The length in bytes: in Extra for a short string, <see cref="LongLength"/> for a long one.</summary>
    public readonly uint Length
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => H.Type == ObjType.ShortString ? (uint)(H.Extra >> ShortLengthShift) : LongLength;
    }

    /// <summary>The length of a string known to be short (a string-table chain holds only short strings): no test of its type.</summary>
    public readonly uint ShortLength
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (uint)(H.Extra >> ShortLengthShift);
    }

    /// <summary>The Extra of a short string of <paramref name="length"/> bytes (its hash is always set).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort ShortExtra(int length) => (ushort)(HasHash | (length << ShortLengthShift));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe byte* Data(StringObj* s) => (byte*)s + DataOffset;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe ReadOnlySpan<byte> Span(StringObj* s) => new((byte*)s + DataOffset, (int)s->Length);
}

/// <summary>
/// A table: an array part for keys 1..<see cref="ArraySize"/> and a hash part of
/// 2^<see cref="NodeLog2"/> nodes (none when <see cref="Nodes"/> is 0). See LuaTable.cs for
/// why two parts and how they resize.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 32)]
internal struct TableObj
{
    public ObjHeader H;
    public uint Metatable;
    /// <summary>A TableArray block of <see cref="ArraySize"/> Values (0 when the array part is empty).</summary>
    public uint Array;
    public uint ArraySize;
    /// <summary>A TableNodes block of 2^NodeLog2 nodes, or 0.</summary>
    public uint Nodes;
    /// <summary>Index one past the last node that may be free (free slots are searched downwards).</summary>
    public uint LastFree;
    public byte NodeLog2;
    /// <summary>Metamethod-absence cache: bit i set means the metatable has no field for fast event i.</summary>
    public byte Flags;
    /// <summary>
    /// A library table not yet filled: the library's number (LuaRuntime.LazyLibrary),
    /// 0 for every other table. Such a table has no parts; the first lookup, assignment or
    /// traversal fills it (<see cref="LuaGlobal.FillLazyTable"/>) and clears this.
    /// </summary>
    public ushort Lazy;
}

/// <summary>
/// A hash-part node: the value (a whole Value), then the key split as payload and tag so that
/// the key's padding can hold <see cref="Next"/>, the chain link (a node index offset, 0 = end).
/// Keys are written with <see cref="SetKey"/>, never as a whole Value, so Next survives.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal struct Node
{
    [FieldOffset(0)] public Value Val;
    [FieldOffset(16)] public long KeyI;
    [FieldOffset(24)] public Tag KeyTag;
    [FieldOffset(28)] public int Next;

    /// <summary>The key read as a Value (its padding bytes are not meaningful).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Value* Key(Node* n) => (Value*)((byte*)n + 16);

    /// <summary>The key as a clean Value (padding cleared).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Value GetKey(Node* n) => new() { I = n->KeyI, Tag = n->KeyTag };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void SetKey(Node* n, in Value k)
    {
        n->KeyI = k.I;
        n->KeyTag = k.Tag;
    }
}

/// <summary>
/// A Lua function: a prototype and its upvalues (references to UpValue blocks) inline after
/// the header; the count is in Extra.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 16)]
internal struct LuaClosureObj
{
    public ObjHeader H;
    public uint Proto;
    public uint Padding;

    public const int UpvalsOffset = 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe uint* Upvals(LuaClosureObj* c) => (uint*)((byte*)c + UpvalsOffset);
}

/// <summary>A .NET function with upvalues: its handle and the upvalues (Values) inline; the count is in Extra.</summary>
[StructLayout(LayoutKind.Sequential, Size = 16)]
internal struct HostClosureObj
{
    public ObjHeader H;
    public int Handle;
    public uint Padding;

    public const int UpvalsOffset = 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Value* Upvals(HostClosureObj* c) => (Value*)((byte*)c + UpvalsOffset);
}

/// <summary>
/// An upvalue. Open: <see cref="V"/> references a slot of a thread's stack and
/// <see cref="NextOpen"/> chains the thread's open upvalues by decreasing stack level.
/// Closed: V references <see cref="Closed"/>, which holds the value.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal struct UpValueObj
{
    [FieldOffset(0)] public ObjHeader H;
    /// <summary>Reference (8-byte units) of the Value this upvalue denotes.</summary>
    [FieldOffset(8)] public uint V;
    [FieldOffset(12)] public uint NextOpen;
    [FieldOffset(16)] public Value Closed;

    /// <summary>Offset of <see cref="Closed"/> in 8-byte units.</summary>
    public const uint ClosedUnits = 2;
}

/// <summary>
/// Full userdata: metatable, the count of user values (in Extra), a host handle (the .NET
/// object it wraps, or -1), then the user values and <see cref="Size"/> raw bytes.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 24)]
internal struct UserdataObj
{
    public ObjHeader H;
    public uint Metatable;
    public uint Size;
    public int Handle;
    public uint Padding;

    public const int UserValuesOffset = 24;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Value* UserValues(UserdataObj* u) => (Value*)((byte*)u + UserValuesOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe byte* Data(UserdataObj* u) => (byte*)u + UserValuesOffset + (u->H.Extra * sizeof(Value));
}

/// <summary>
/// A coroutine. The value stack is a Stack block in the heap (<see cref="StackSize"/> Values,
/// <see cref="Top"/> the first free slot); call frames live on the managed side, found
/// through <see cref="Handle"/>, because only values need tracing.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 32)]
internal struct ThreadObj
{
    public ObjHeader H;
    public uint Stack;
    public uint StackSize;
    public uint Top;
    /// <summary>The highest open upvalue (they chain downwards), or 0.</summary>
    public uint OpenUpval;
    public int Handle;
    public byte Status;
    public byte Padding1;
    public ushort Padding2;
}

/// <summary>
/// A function prototype in the heap. Its arrays are separate blocks, or, for a chunk used
/// in place, memory outside the heap (then the reference is 0 and the interpreter gets the
/// pointer from the managed side).
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 64)]
internal struct ProtoObj
{
    public ObjHeader H;
    /// <summary>Bytes block: uint instructions.</summary>
    public uint Code;
    public uint SizeCode;
    /// <summary>ValueArray block of constants.</summary>
    public uint Constants;
    public uint SizeConstants;
    /// <summary>RefArray block of nested prototypes.</summary>
    public uint Protos;
    public uint SizeProtos;
    /// <summary>Bytes block: upvalue descriptors (instack, index, kind, pad) then a RefArray of names in <see cref="UpvalNames"/>.</summary>
    public uint Upvals;
    public uint SizeUpvals;
    /// <summary>RefArray block of upvalue names (strings), or 0 when stripped.</summary>
    public uint UpvalNames;
    /// <summary>Bytes block: int line per instruction, or 0 when stripped.</summary>
    public uint LineInfo;
    /// <summary>Size in bytes of one local-variable record: name reference, start pc, end pc.</summary>
    public const int LocVarSize = 12;
    /// <summary>Bytes block of local variable records (<see cref="LocVarSize"/> bytes each: name ref, startpc, endpc), or 0.</summary>
    public uint LocVars;
    public uint SizeLocVars;
    /// <summary>The chunk name string.</summary>
    public uint Source;
    public int LineDefined;
    public int LastLineDefined;
    public byte NumParams;
    public byte IsVararg;
    public byte MaxStackSize;
    public byte Flags;
    /// <summary>
    /// Instructions in memory outside the heap (a chunk loaded in place, kept alive and pinned
    /// by the state), or 0: then <see cref="Code"/> holds them.
    /// </summary>
    public ulong InPlaceCode;
    /// <summary>Line information outside the heap (int per instruction), or 0.</summary>
    public ulong InPlaceLineInfo;
}
