using System.Diagnostics;
using System.Runtime.CompilerServices;
using MicroLua.Core;
using MicroLua.Memory;

namespace MicroLua.Values;

/// <summary>What allocation needs from the collector, which lives in a layer above.</summary>
internal interface IGarbageCollector
{
    /// <summary>
    /// A full stop-the-world cycle. An emergency cycle runs inside a failed allocation: it
    /// runs no finalizers and resizes nothing, so it allocates nothing.
    /// </summary>
    void FullCollect(bool emergency);

    /// <summary>Pays allocation debt: called at safe points when <see cref="LuaGlobal.GcDebt"/> is positive.</summary>
    void Step();

    /// <summary>GC-stress, before an allocation: a full collection, or an incremental step (no finalizers run).</summary>
    void StressCollect();

    /// <summary>
    /// Called by setmetatable on a table or full userdata: when <paramref name="metatable"/>
    /// has a __gc field, the object is marked for finalization (once).
    /// </summary>
    void CheckFinalizer(uint obj, uint metatable);

    /// <summary>
    /// The slow path of a write barrier: the black object <paramref name="owner"/> gets a
    /// reference to <paramref name="r"/> (0: its parts were replaced). A table turns gray again
    /// (a backward barrier); any other object marks <paramref name="r"/> (a forward barrier).
    /// </summary>
    void Barrier(uint owner, uint r);
}

/// <summary>Fills a library table created empty (<see cref="TableObj.Lazy"/>): the libraries live in a layer above.</summary>
internal interface ILazyTableFiller
{
    /// <summary>Gives table <paramref name="table"/> the fields of library <paramref name="library"/> (a LuaRuntime.LazyLibrary).</summary>
    void Fill(uint table, int library);
}

/// <summary>What a collector offers to code that reports extra roots (<see cref="IRuntimeServices.MarkExtraRoots"/>).</summary>
internal interface IRootMarker
{
    /// <summary>Keeps the object a value references (if any) alive in this cycle.</summary>
    void MarkValue(in Value v);

    /// <summary>Keeps the object <paramref name="r"/> (a whole object, not a sub-block; 0 is ignored) alive in this cycle.</summary>
    void MarkObject(uint r);
}

/// <summary>
/// The state shared by all coroutines of one Lua state (Lua's global_State): the heap, the
/// string table, host handles, the roots and the allocation entry point with the collector's
/// hooks. Everything that creates an object goes through <see cref="Allocate"/>.
///
/// Rule for code that allocates: an allocation may run a full collection (GC-stress mode,
/// or the emergency collection before "not enough memory"), so every object a caller holds
/// only in a C# local must be anchored (on a Lua stack, in a table, or with
/// <see cref="PushTemp"/>) before the next allocation.
/// </summary>
internal sealed unsafe partial class LuaGlobal : IDisposable
{
    private Value[] _temps = []; // grown on first use: an idle state holds no buffers
    private int _tempCount;

    public LuaGlobal(Heap heap, uint seed, bool gcStress)
    {
        Heap = heap;
        Seed = seed;
        KeySeed = DeriveKeySeed(seed);
        GcStress = gcStress;
        Handles = new HandleTable();
        Strings = new StringTable(this);
        Strings.Initialize();
        MemoryErrorString = NewString(LuaErrors.NotEnoughMemory);
        ((ObjHeader*)Heap.Ptr(MemoryErrorString.R))->Gc |= GcBits.Fixed;
    }

    public Heap Heap { get; }

    public StringTable Strings { get; }

    public HandleTable Handles { get; set; }

    /// <summary>Seed of string hashes: random per state unless the host fixes it.</summary>
    public uint Seed { get; }

    /// <summary>
    /// Seed of the hashes of integer, float and object keys in tables, derived from
    /// <see cref="Seed"/> (so LuaOptions.HashSeed fixes it too): without it a script could
    /// compute keys that all share one hash chain. A field, read on every hashed lookup.
    /// </summary>
    public readonly ulong KeySeed;

    private static ulong DeriveKeySeed(uint seed)
    {
        // splitmix64's output step: every bit of the seed reaches every bit of the key seed
        ulong x = seed + 0x9E3779B97F4A7C15ul;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ul;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBul;
        return x ^ (x >> 31);
    }

    public IGarbageCollector? Collector { get; set; }

    /// <summary>GC-stress mode: a full collection (or, with the collector's incremental stress, a step) before every allocation.</summary>
    public bool GcStress { get; set; }

    /// <summary>True while a collection runs: allocations then never collect.</summary>
    public bool InCollection { get; set; }

    /// <summary>While positive, allocations never collect (a chunk being loaded is not yet reachable).</summary>
    public int GcBlocked { get; set; }

    /// <summary>Set while the collector is stopped (<c>collectgarbage("stop")</c>).</summary>
    public bool GcStopped { get; set; }

    /// <summary>Bytes allocated beyond the threshold of the next cycle; a cycle is due when positive.</summary>
    public long GcDebt { get; set; }

    /// <summary>Lua's pause (percent).</summary>
    public int GcPause { get; set; } = LuaLimits.GcPause;

    /// <summary>Lua's step multiplier (percent).</summary>
    public int GcStepMul { get; set; } = LuaLimits.GcStepMul;

    /// <summary>The registry table (a root).</summary>
    public Value Registry;

    /// <summary>The main coroutine (a root).</summary>
    public Value MainThread;

    /// <summary>The managed half of the main thread (a Vm.Coroutine), whose handle is <see cref="LuaThread.MainHandle"/>.</summary>
    public object? MainCoroutine;

    /// <summary>Metatables of the basic types (indexed by LuaType), for strings and, through debug.setmetatable, the others.</summary>
    public readonly uint[] TypeMetatables = new uint[9];

    /// <summary>The preallocated message of an out-of-memory error: raising it allocates nothing.</summary>
    public Value MemoryErrorString;

    /// <summary>Lua objects held by the host (roots until released); indices are handle ids.</summary>
    public readonly List<Value> HostRoots = [];

    /// <summary>
    /// The libraries' services the layers below call upward (roots, finalizers, warnings).
    /// Installed by the runtime when it wires the collector; until then objects due for
    /// finalization stay pending (and alive) and warnings are dropped.
    /// </summary>
    public IRuntimeServices? Services;

    /// <summary>
    /// The length hint (Lua 5.4 keeps one per table, its alimit; one per state costs no table a
    /// byte): the last table whose border <see cref="LuaTable.Length"/> searched in its array
    /// part, and that border. Only a guess, checked against the array before it is used, so a
    /// table freed, moved by the compactor or changed by any path never makes it wrong.
    /// </summary>
    public uint LengthHintTable;

    /// <summary>The border found for <see cref="LengthHintTable"/>.</summary>
    public uint LengthHint;

    /// <summary>Fills library tables on first use (the state's runtime); null when no library is lazy.</summary>
    public ILazyTableFiller? LazyTables;

    /// <summary>
    /// Fills the library table <paramref name="t"/> (its <see cref="TableObj.Lazy"/> is set, it
    /// has no parts): called by the first lookup, assignment or traversal, which then go on as
    /// if the table had been filled when the library opened. Collections are held off while it
    /// allocates, since a lookup's caller may hold unanchored values (a key just made); when
    /// the heap has no room it raises "not enough memory" and leaves the table empty and lazy.
    /// </summary>
    public void FillLazyTable(uint t)
    {
        var to = (TableObj*)Heap.Ptr(t);
        int library = to->Lazy;
        to->Lazy = 0; // the fill's own stores see an ordinary table
        GcBlocked++;
        try
        {
            LazyTables!.Fill(t, library);
        }
        catch
        {
            to = (TableObj*)Heap.Ptr(t);
            if (to->Nodes != 0)
            {
                Free(to->Nodes);
                to->Nodes = 0;
                to->NodeLog2 = 0;
                to->LastFree = 0;
            }

            to->Lazy = (ushort)library;
            throw;
        }
        finally
        {
            GcBlocked--;
        }
    }

    /// <summary>Called by setmetatable: marks the object for finalization when the metatable has __gc.</summary>
    public void CheckFinalizer(uint obj, uint metatable) => Collector?.CheckFinalizer(obj, metatable);

    private uint[] _pending = [];
    private int _pendingCount;

    /// <summary>
    /// Blocks allocated but not yet linked into their owner (a table's new array part while
    /// it is being resized). The collector keeps them alive without reading their contents.
    /// </summary>
    public ReadOnlySpan<uint> PendingBlocks => _pending.AsSpan(0, _pendingCount);

    public void PushPendingBlock(uint r)
    {
        if (_pendingCount == _pending.Length)
        {
            Array.Resize(ref _pending, Math.Max(8, _pendingCount * 2));
        }

        _pending[_pendingCount++] = r;
    }

    public void PopPendingBlock(int n = 1)
    {
        Debug.Assert(_pendingCount >= n);
        _pendingCount -= n;
    }

    /// <summary>
    /// Drops the anchor and pending-block buffers when nothing is in them: opening the libraries
    /// grows them, and an idle state (by the hundred thousand in a service) should not keep them.
    /// </summary>
    public void TrimScratch()
    {
        if (_tempCount == 0)
        {
            _temps = [];
        }

        if (_pendingCount == 0)
        {
            _pending = [];
        }
    }

    /// <summary>Values anchored by runtime code between allocations.</summary>
    public ReadOnlySpan<Value> Temps => _temps.AsSpan(0, _tempCount);

    /// <summary>Anchors a value until the matching <see cref="PopTemp"/>.</summary>
    public void PushTemp(in Value v)
    {
        if (_tempCount == _temps.Length)
        {
            Array.Resize(ref _temps, Math.Max(16, _tempCount * 2));
        }

        _temps[_tempCount++] = v;
    }

    public void PopTemp(int n = 1)
    {
        Debug.Assert(_tempCount >= n);
        _tempCount -= n;
    }

    /// <summary>
    /// Allocates a block for <paramref name="payloadBytes"/> bytes (after the 8-byte header).
    /// When the heap has no room, collects fully and tries again; then raises "not enough
    /// memory", leaving every existing object as it was.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Allocate(nuint payloadBytes, ObjType type)
    {
        if (GcStress && !InCollection && GcBlocked == 0)
        {
            Collector?.StressCollect();
        }

        if (AllocObserver != null && !InCollection)
        {
            AllocObserver.OnAllocate(type, payloadBytes);
        }

        uint r = Heap.TryAllocate(payloadBytes, type);
        if (r == 0)
        {
            r = AllocateSlow(payloadBytes, type);
        }

        GcDebt += Heap.BlockSize(r);
        return r;
    }

    /// <summary>The allocation freeze and profile (LuaState.Allocation.cs); null when both are off.</summary>
    internal IAllocationObserver? AllocObserver;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private uint AllocateSlow(nuint payloadBytes, ObjType type)
    {
        if (!InCollection && GcBlocked == 0 && Collector != null)
        {
            Collector.FullCollect(emergency: true);
            uint r = Heap.TryAllocate(payloadBytes, type);
            if (r != 0)
            {
                return r;
            }
        }

        throw new LuaError(LuaErrors.NotEnoughMemory) { IsMemoryError = true };
    }

    /// <summary>Counts a block allocated directly from the heap (not through <see cref="Allocate"/>) as debt.</summary>
    public void OnAllocated(uint r) => GcDebt += Heap.BlockSize(r);

    /// <summary>Runs the collector if allocation debt says a cycle is due. Call only where everything live is anchored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void CheckGC()
    {
        if (GcDebt > 0 && !GcStopped && !InCollection && GcBlocked == 0)
        {
            Collector?.Step();
        }
    }

    /// <summary>
    /// Write barrier for a store of <paramref name="v"/> into the object <paramref name="owner"/>
    /// (table stores, upvalue writes and closes, user values). Keeps the tri-colour invariant of
    /// the incremental collector: a black object never references a white one. The fast path is
    /// one test of the owner's colour, which is black only while a cycle marks (or sweeps).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteBarrier(uint owner, in Value v)
    {
        if (v.IsCollectable && (Heap.Ptr(owner)[5] & GcBits.Black) != 0) // the tag first: it is at hand, the owner's header is three loads away
        {
            Collector!.Barrier(owner, v.R);
        }
    }

    /// <summary>Write barrier for a store of a reference (a metatable, an upvalue) into <paramref name="owner"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteBarrierRef(uint owner, uint r)
    {
        if ((Heap.Ptr(owner)[5] & GcBits.Black) != 0 && r != 0)
        {
            Collector!.Barrier(owner, r);
        }
    }

    /// <summary>
    /// Barrier for a table whose parts are replaced (a resize): a black table turns gray again,
    /// so that a traversal in slices never reads parts that are gone.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void TableResized(uint t)
    {
        if ((Heap.Ptr(t)[5] & GcBits.Black) != 0)
        {
            Collector!.Barrier(t, 0);
        }
    }

    /// <summary>Frees a block (used by the sweep and by objects that replace their parts).</summary>
    public void Free(uint r) => Heap.Free(r);

    /// <summary>The string hash: seeded per state so that colliding keys cannot be chosen in advance.</summary>
    public static uint HashBytes(ReadOnlySpan<byte> s, uint seed)
    {
        uint h = seed ^ ((uint)s.Length * 0x9E3779B9u);
        foreach (byte b in s)
        {
            h = (h ^ b) * 16777619u;
        }

        h ^= h >> 15;
        h *= 0x2C1B3C6Du;
        h ^= h >> 12;
        return h;
    }

    /// <summary>A Lua string with these bytes: interned when short, a new block when long.</summary>
    public Value NewString(ReadOnlySpan<byte> s)
    {
        if (s.Length <= LuaLimits.MaxShortStringLength)
        {
            return Value.Object(Tag.ShortString, Strings.Intern(s));
        }

        uint r = NewLongString(s.Length);
        s.CopyTo(new Span<byte>(StringObj.Data((StringObj*)Heap.Ptr(r)), s.Length));
        return Value.Object(Tag.LongString, r);
    }

    /// <summary>
    /// A Lua string from runtime text (messages, names): one byte per char (Latin-1), so that
    /// bytes that went into a message come back out unchanged.
    /// </summary>
    public Value NewString(string s)
    {
        if (s.Length <= 256)
        {
            Span<byte> buf = stackalloc byte[256];
            int n = System.Text.Encoding.Latin1.GetBytes(s, buf);
            return NewString(buf[..n]);
        }

        return NewString(System.Text.Encoding.Latin1.GetBytes(s));
    }

    /// <summary>
    /// A Lua string from host text, encoded as UTF-8 (the embedding API's convention). Encoded
    /// on the stack when short, straight into the new block when long: nothing on the managed heap.
    /// </summary>
    public Value NewStringFromHost(string s)
    {
        // 3 UTF-8 bytes at most per UTF-16 unit: a short text needs no count first
        int length = s.Length <= LuaLimits.MaxShortStringLength / 3 ? 0 : System.Text.Encoding.UTF8.GetByteCount(s);
        if (length <= LuaLimits.MaxShortStringLength)
        {
            Span<byte> buf = stackalloc byte[LuaLimits.MaxShortStringLength];
            return NewString(buf[..System.Text.Encoding.UTF8.GetBytes(s, buf)]);
        }

        uint r = NewLongString(length);
        System.Text.Encoding.UTF8.GetBytes(s, new Span<byte>(StringObj.Data((StringObj*)Heap.Ptr(r)), length));
        return Value.Object(Tag.LongString, r);
    }

    /// <summary>
    /// Allocates a long string of <paramref name="length"/> bytes for the caller to fill
    /// (the terminating zero is written). Its hash is computed when first needed.
    /// </summary>
    public uint NewLongString(int length)
    {
        uint r = Allocate((nuint)(StringObj.DataOffset - sizeof(ObjHeader) + (long)length + 1), ObjType.LongString);
        var so = (StringObj*)Heap.Ptr(r);
        so->LongLength = (uint)length;
        so->Hash = 0;
        StringObj.Data(so)[length] = 0;
        return r;
    }

    /// <summary>The bytes of a string value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> StringSpan(Value v)
    {
        Debug.Assert(v.IsString);
        return StringObj.Span((StringObj*)Heap.Ptr(v.R));
    }

    /// <summary>The hash of a string value (computed and cached for long strings).</summary>
    public uint StringHash(in Value v)
    {
        var so = (StringObj*)Heap.Ptr(v.R);
        if ((so->H.Extra & StringObj.HasHash) == 0)
        {
            so->Hash = HashBytes(StringObj.Span(so), Seed);
            so->H.Extra |= StringObj.HasHash;
        }

        return so->Hash;
    }

    /// <summary>Raw equality of two strings (identity for short ones, bytes for long ones).</summary>
    public bool StringEquals(in Value a, in Value b)
    {
        if (a.R == b.R)
        {
            return true;
        }

        if (a.Tag == Tag.ShortString && b.Tag == Tag.ShortString)
        {
            return false;
        }

        return StringSpan(a).SequenceEqual(StringSpan(b));
    }

    /// <summary>The runtime text of a string value: one char per byte (Latin-1), for messages and names.</summary>
    public string ToDotNetString(in Value v) => System.Text.Encoding.Latin1.GetString(StringSpan(v));

    /// <summary>The host text of a string value: its bytes decoded as UTF-8.</summary>
    public string ToHostString(in Value v) => System.Text.Encoding.UTF8.GetString(StringSpan(v));

    /// <summary>
    /// Pins on host memory that chunks loaded in place execute from (LuaState.DoBytecodeInPlace):
    /// released with the heap, since prototypes point into that memory until then.
    /// </summary>
    public List<System.Buffers.MemoryHandle> ChunkPins => _chunkPins ??= [];

    /// <summary>Whether a chunk loaded in place pins host memory.</summary>
    public bool HasChunkPins => _chunkPins is { Count: > 0 };

    private List<System.Buffers.MemoryHandle>? _chunkPins; // made at the first pin

    public void Dispose()
    {
        Heap.Dispose();
        if (_chunkPins != null)
        {
            foreach (System.Buffers.MemoryHandle pin in _chunkPins)
            {
                pin.Dispose();
            }

            _chunkPins.Clear();
        }
    }
}
