using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using MicroLua.Core;
using MicroLua.Memory;

namespace MicroLua.Values;

/// <summary>
/// The library numbers a table may wait for (<see cref="TableObj.Lazy"/>) in this process: the
/// core libraries always, MicroLua.Host's once it defines them. The heap verifier refuses
/// any other number, so an image cannot name a fill that does not exist.
/// </summary>
internal static class LazyLibraries
{
    private static int s_defined = 0b111_1110; // coroutine, string, table, math, utf8, debug (LuaRuntime.LazyLibrary)

    public static void Define(int library) => Interlocked.Or(ref s_defined, 1 << library);

    public static bool IsDefined(int library) => library is > 0 and < 31 && (Volatile.Read(ref s_defined) & (1 << library)) != 0;
}

/// <summary>
/// Lua tables, as Lua's design has them: an array part holding keys 1..n in a plain Value
/// array, and a hash part of 2^k nodes for every other key.
///
/// Why two parts: most tables used as arrays then cost 16 bytes a slot and an index is a
/// bounds check and a load; everything else hashes. The split is chosen at each rehash: the
/// array part gets the largest n (a power of two) such that more than half of the slots
/// 1..n would be in use; every other key goes to the hash part. A rehash happens only when
/// a new key finds the hash part full, so growth is amortised.
///
/// The hash part is a chained scatter table with Brent's variation: each key has a main
/// position (its hash modulo the size); a colliding key takes a free node found by scanning
/// downwards from <see cref="TableObj.LastFree"/>, and a key that sits outside its own main
/// position is moved out for the owner. Chains thus stay short and need no allocation.
///
/// A border (what # returns) is any n with t[n] ~= nil and t[n+1] == nil (or 0 when t[1] is
/// nil); with holes, any border is valid, and the search here finds one in O(log n).
///
/// Keys that are floats with an integral value are stored as integers (t[1.0] is t[1]).
/// Assigning nil leaves the key in its node with a nil value, so <see cref="Next"/> can go on
/// from a key whose value was cleared during a traversal.
/// </summary>
internal static unsafe class LuaTable
{
    private const int MaxArraySize = 1 << LuaLimits.MaxArrayBits;

    /// <summary>Creates an empty table with room for <paramref name="narr"/> array items and <paramref name="nhash"/> other keys.</summary>
    public static uint New(LuaGlobal g, int narr = 0, int nhash = 0)
    {
        uint t = g.Allocate((nuint)(sizeof(TableObj) - sizeof(ObjHeader)), ObjType.Table);
        var to = Obj(g, t);
        to->Metatable = 0;
        to->Array = 0;
        to->ArraySize = 0;
        to->Nodes = 0;
        to->LastFree = 0;
        to->NodeLog2 = 0;
        to->Flags = 0;
        to->Lazy = 0;
        if (narr > 0 || nhash > 0)
        {
            g.PushTemp(Value.Object(Tag.Table, t));
            try
            {
                Resize(g, t, Math.Min(narr, MaxArraySize), nhash);
            }
            finally
            {
                g.PopTemp();
            }
        }

        return t;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TableObj* Obj(LuaGlobal g, uint t) => (TableObj*)g.Heap.Ptr(t);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Value* ArrayBase(LuaGlobal g, TableObj* t) => ArrayBase(g.Heap.Base, t);

    /// <summary>As <see cref="ArrayBase(LuaGlobal, TableObj*)"/> for a caller that holds the heap's base <paramref name="hb"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Value* ArrayBase(byte* hb, TableObj* t) => (Value*)(Heap.Ptr(hb, t->Array) + sizeof(ObjHeader));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Node* NodeBase(LuaGlobal g, TableObj* t) => NodeBase(g.Heap.Base, t);

    /// <summary>As <see cref="NodeBase(LuaGlobal, TableObj*)"/> for a caller that holds the heap's base <paramref name="hb"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Node* NodeBase(byte* hb, TableObj* t) => (Node*)(Heap.Ptr(hb, t->Nodes) + sizeof(ObjHeader));

    /// <summary>Number of nodes in the hash part (0 when there is none).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int NodeCount(TableObj* t) => t->Nodes == 0 ? 0 : 1 << t->NodeLog2;

    /// <summary>The metatable reference (0 for none).</summary>
    public static uint GetMetatable(LuaGlobal g, uint t) => Obj(g, t)->Metatable;

    public static void SetMetatable(LuaGlobal g, uint t, uint mt)
    {
        Obj(g, t)->Metatable = mt;
        g.WriteBarrierRef(t, mt);
    }

    // ---- lookup ----

    /// <summary>
    /// The slot holding the value of <paramref name="key"/>, or null when the key has none.
    /// A slot may hold nil (a cleared entry); callers treat that as absent.
    /// </summary>
    public static Value* Find(LuaGlobal g, uint t, in Value key)
    {
        switch (key.Tag)
        {
            case Tag.Integer:
                return FindInt(g, t, key.I);
            case Tag.ShortString:
                return FindShortString(g, t, key.R);
            case Tag.Nil:
                return null;
            case Tag.Float:
                if (LuaNumber.FloatToInteger(key.D, out long i))
                {
                    return FindInt(g, t, i);
                }

                return double.IsNaN(key.D) ? null : FindGeneric(g, t, key);
            default:
                return FindGeneric(g, t, key);
        }
    }

    /// <summary>The value of <paramref name="key"/> (nil when absent).</summary>
    public static Value Get(LuaGlobal g, uint t, in Value key)
    {
        Value* slot = Find(g, t, key);
        return slot == null ? default : *slot;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Value* FindInt(LuaGlobal g, uint t, long key) => FindInt(g, g.Heap.Base, t, key);

    /// <summary>
    /// As <see cref="FindInt(LuaGlobal, uint, long)"/> for the interpreter loop, which holds the
    /// heap's base <paramref name="hb"/> (one load instead of three).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Value* FindInt(LuaGlobal g, byte* hb, uint t, long key)
    {
        TableObj* to = (TableObj*)Heap.Ptr(hb, t);
        if ((ulong)(key - 1) < to->ArraySize)
        {
            return ArrayBase(hb, to) + (key - 1); // integer key in array part
        }

        if (to->Nodes == 0)
        {
            return to->Lazy == 0 ? null : FindAfterFill(g, t, Value.Integer(key));
        }

        Node* nodes = NodeBase(hb, to);
        Node* n = nodes + (HashInt(g.KeySeed, key) & ((1u << to->NodeLog2) - 1));
        while (true)
        {
            if (n->KeyTag == Tag.Integer && n->KeyI == key)
            {
                return &n->Val;
            }

            if (n->Next == 0)
            {
                return null;
            }

            n += n->Next;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Value* FindShortString(LuaGlobal g, uint t, uint s)
    {
        byte* hb = g.Heap.Base;
        TableObj* to = (TableObj*)Heap.Ptr(hb, t);
        if (to->Nodes == 0)
        {
            return to->Lazy == 0 ? null : FindAfterFill(g, t, Value.Object(Tag.ShortString, s));
        }

        return FindShortStringUnfilled(hb, t, s); // the node part again: a compare that keeps one copy of the walk
    }

    /// <summary>
    /// As <see cref="FindShortString(LuaGlobal, uint, uint)"/> for the interpreter loop, which
    /// holds the heap's base <paramref name="hb"/> (one load instead of three), except that a
    /// library table still waiting for its fill (<see cref="TableObj.Lazy"/>) answers null
    /// without filling: the loop's slow paths look again through the filling lookups
    /// (<see cref="Find"/>), and the fast path has no call in it, so no value of the loop
    /// lives across one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Value* FindShortStringUnfilled(byte* hb, uint t, uint s)
    {
        TableObj* to = (TableObj*)Heap.Ptr(hb, t);
        if (to->Nodes == 0)
        {
            return null;
        }

        uint hash = ((StringObj*)Heap.Ptr(hb, s))->Hash;
        Node* n = NodeBase(hb, to) + (hash & ((1u << to->NodeLog2) - 1));
        while (true)
        {
            if (n->KeyTag == Tag.ShortString && n->KeyI == s)
            {
                return &n->Val;
            }

            if (n->Next == 0)
            {
                return null;
            }

            n += n->Next;
        }
    }

    private static Value* FindGeneric(LuaGlobal g, uint t, in Value key)
    {
        TableObj* to = Obj(g, t);
        if (to->Nodes == 0)
        {
            return to->Lazy == 0 ? null : FindAfterFill(g, t, key);
        }

        Node* n = MainPosition(g, to, key);
        while (true)
        {
            if (KeyEquals(g, n, key))
            {
                return &n->Val;
            }

            if (n->Next == 0)
            {
                return null;
            }

            n += n->Next;
        }
    }

    /// <summary>A lookup in a library table not yet filled: fills it (allocating, with collections held off, so the caller's unanchored values stay) and looks again.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Value* FindAfterFill(LuaGlobal g, uint t, Value key)
    {
        g.FillLazyTable(t);
        return Find(g, t, key);
    }

    private static bool KeyEquals(LuaGlobal g, Node* n, in Value key)
    {
        if (n->KeyTag != key.Tag)
        {
            return false;
        }

        if (n->KeyI == key.I)
        {
            return true;
        }

        return key.Tag == Tag.LongString && g.StringEquals(*Node.Key(n), key);
    }

    // ---- hashing ----

    /// <summary>
    /// The hash of a 64-bit key (an integer, a float's bits, an object's offset), keyed by the
    /// state's <see cref="LuaGlobal.KeySeed"/>. Two multiplications around a fold: with a single
    /// xorshift-multiply round, keys that differ only in matching bits of both halves share a
    /// chain whatever the seed (the fold cancels the difference, and a multiplication carries
    /// differences only upwards); with the seeded multiplication first, where a difference lands
    /// depends on carries from the unknown seed, and the fold and second multiplication bring
    /// every bit to the bits the index is taken from.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint HashInt(ulong seed, long i)
    {
        ulong x = ((ulong)i ^ seed) * 0x9E3779B97F4A7C15ul;
        x ^= x >> 32;
        x *= 0xBF58476D1CE4E5B9ul;
        return (uint)(x >> 32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // a switch on the tag, the common arm a load: a call cost as much as the hash
    private static uint HashKey(LuaGlobal g, in Value key) => key.Tag switch
    {
        Tag.Integer => HashInt(g.KeySeed, key.I),
        Tag.ShortString => ((StringObj*)g.Heap.Ptr(key.R))->Hash,
        Tag.LongString => g.StringHash(key),
        Tag.False => 0,
        Tag.True => 1,
        _ => HashInt(g.KeySeed, key.I ^ ((long)key.Tag << 56)),
    };

    private static Node* MainPosition(LuaGlobal g, TableObj* to, in Value key) =>
        NodeBase(g, to) + (HashKey(g, key) & ((1u << to->NodeLog2) - 1));

    /// <summary>
    /// The longest walk from a key's main position to its node in the hash part of
    /// <paramref name="t"/> (1 when every key is at its main position; 0 when the part is
    /// empty): the cost of the slowest lookup, for the tests of hash flooding.
    /// </summary>
    public static int LongestChain(LuaGlobal g, uint t)
    {
        TableObj* to = Obj(g, t);
        int longest = 0;
        Node* nodes = NodeBase(g, to);
        for (int i = 0; i < NodeCount(to); i++)
        {
            Node* target = nodes + i;
            if (to->Nodes == 0 || target->KeyTag is Tag.Nil or Tag.DeadKey)
            {
                continue;
            }

            int steps = 1;
            for (Node* n = MainPosition(g, to, *Node.Key(target)); n != target && n->Next != 0; n += n->Next)
            {
                steps++;
            }

            longest = Math.Max(longest, steps);
        }

        return longest;
    }

    // ---- stores ----

    /// <summary>
    /// Raw assignment t[key] = value. Raises Lua's "index is nil" / "index is NaN" for such
    /// keys with a non-nil value. May allocate (a rehash).
    /// </summary>
    public static void Set(LuaGlobal g, uint t, Value key, in Value value)
    {
        if (key.Tag == Tag.Float && LuaNumber.FloatToInteger(key.D, out long ik))
        {
            key = Value.Integer(ik);
        }

        SetAt(g, t, key, Find(g, t, key), value);
    }

    /// <summary>
    /// <see cref="Set"/> after the caller's own lookup: <paramref name="slot"/> is
    /// <c>Find(g, t, key)</c> (null when the key is absent), and <paramref name="key"/> is not a
    /// float with an integer value (Set's normalisation). The interpreter's store after a miss
    /// (a new key) looks the key up once instead of twice.
    /// </summary>
    public static void SetAt(LuaGlobal g, uint t, in Value key, Value* slot, in Value value)
    {
        Debug.Assert(key.Tag != Tag.Float || !LuaNumber.FloatToInteger(key.D, out _), "a float key with an integer value is stored as the integer");
        if (slot != null)
        {
            if (slot->IsNil)
            {
                g.WriteBarrier(t, key); // an empty entry's key may be unmarked: the table holds it again
            }

            *slot = value;
            if (key.IsString)
            {
                Obj(g, t)->Flags = 0;
            }

            g.WriteBarrier(t, value);
            return;
        }

        SetAbsent(g, t, key, value);
    }

    /// <summary>
    /// <see cref="SetAt"/> for a key the caller's lookup found absent (a null slot): inserts it
    /// unless <paramref name="value"/> is nil; raises for a nil or NaN key. The interpreter's
    /// raw store after its own miss comes here, so the key is not looked up a second time.
    /// </summary>
    public static void SetAbsent(LuaGlobal g, uint t, in Value key, in Value value)
    {
        Debug.Assert(key.IsNil || (key.Tag == Tag.Float && double.IsNaN(key.D)) || Find(g, t, key) == null, "the key is absent");
        if (value.IsNil)
        {
            return;
        }

        if (key.IsNil)
        {
            throw LuaError.Runtime("table index is nil");
        }

        if (key.Tag == Tag.Float && double.IsNaN(key.D))
        {
            throw LuaError.Runtime("table index is NaN");
        }

        NewKey(g, t, key, value);
    }

    /// <summary>
    /// Raw t[dst + j] = t[src + j] for j from 0 to <paramref name="n"/> - 1, with overlapping
    /// ranges moved as by a copy first (table.insert and table.remove shifting a list): one
    /// block move when both ranges lie in the array part. False, with nothing moved, otherwise.
    /// The values stay in the same table, so none needs a barrier, but a table being traversed
    /// in slices turns gray again (a value moved below the traversal's position is seen).
    /// </summary>
    public static bool TryMoveInArray(LuaGlobal g, uint t, long src, long dst, long n)
    {
        TableObj* to = Obj(g, t);
        ulong size = to->ArraySize;
        if (n <= 0 || (ulong)(src - 1) >= size || (ulong)(dst - 1) >= size || (ulong)n > size - (ulong)Math.Max(src, dst) + 1)
        {
            return false;
        }

        Value* arr = ArrayBase(g, to);
        Buffer.MemoryCopy(arr + (src - 1), arr + (dst - 1), (long)(size - (ulong)(dst - 1)) * sizeof(Value), n * sizeof(Value));
        g.TableResized(t);
        return true;
    }

    /// <summary>Raw assignment t[key] = value for an integer key.</summary>
    public static void SetInt(LuaGlobal g, uint t, long key, in Value value)
    {
        Value* slot = FindInt(g, t, key);
        if (slot != null)
        {
            *slot = value;
            g.WriteBarrier(t, value);
        }
        else if (!value.IsNil)
        {
            NewKey(g, t, Value.Integer(key), value);
        }
    }

    /// <summary>Inserts a key known to be absent (already normalised and valid).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into its two callers, one frame fewer per new key
    private static void NewKey(LuaGlobal g, uint t, in Value key, in Value value)
    {
        TableObj* to = Obj(g, t);
        if (to->Nodes == 0 || !TryInsertNode(g, to, key, value))
        {
            Rehash(g, t, key);
            Set(g, t, key, value); // the key fits now, in one part or the other
            return;
        }

        if (key.IsString)
        {
            to->Flags = 0;
        }

        g.WriteBarrier(t, key);
        g.WriteBarrier(t, value);
    }

    /// <summary>Places a new key in the hash part; false when there is no free node.</summary>
    private static bool TryInsertNode(LuaGlobal g, TableObj* to, in Value key, in Value value)
    {
        Node* nodes = NodeBase(g, to);
        Node* mp = MainPosition(g, to, key);
        if (!mp->Val.IsNil)
        {
            Node* f = GetFreePosition(to, nodes);
            if (f == null)
            {
                return false;
            }

            Node* other = MainPosition(g, to, *Node.Key(mp));
            if (other != mp)
            {
                // The colliding node is out of its main position: move it to the free node
                // and give the new key its main position.
                while (other + other->Next != mp)
                {
                    other += other->Next;
                }

                other->Next = (int)(f - other);
                *f = *mp;
                if (mp->Next != 0)
                {
                    f->Next += (int)(mp - f);
                    mp->Next = 0;
                }

                mp->Val = default;
            }
            else
            {
                // The colliding node is in its own main position: chain the new key after it.
                f->Next = mp->Next != 0 ? (int)(mp + mp->Next - f) : 0;
                mp->Next = (int)(f - mp);
                mp = f;
            }
        }

        // Either a fresh node, or the main position held an entry whose value is gone (a
        // removed or collected key): it is reused in place, keeping its chain link.
        Node.SetKey(mp, key);
        mp->Val = value;
        return true;
    }

    private static Node* GetFreePosition(TableObj* to, Node* nodes)
    {
        while (to->LastFree > 0)
        {
            to->LastFree--;
            Node* n = nodes + to->LastFree;
            if (n->KeyTag == Tag.Nil)
            {
                return n;
            }
        }

        return null;
    }

    // ---- resizing ----

    /// <summary>Chooses new sizes for both parts from the keys in use plus <paramref name="extraKey"/>, and resizes.</summary>
    private static void Rehash(LuaGlobal g, uint t, in Value extraKey)
    {
        Span<int> nums = stackalloc int[LuaLimits.MaxArrayBits + 1];
        nums.Clear();
        TableObj* to = Obj(g, t);
        int arrayKeys = CountArray(g, to, nums);
        int total = arrayKeys;
        total += CountHash(g, to, nums, ref arrayKeys);
        if (extraKey.Tag == Tag.Integer && CountIntKey(extraKey.I, nums))
        {
            arrayKeys++;
        }

        total++;
        int arraySize = ComputeArraySize(nums, ref arrayKeys);
        Resize(g, t, arraySize, total - arrayKeys);
    }

    private static bool CountIntKey(long key, Span<int> nums)
    {
        if ((ulong)(key - 1) < MaxArraySize)
        {
            nums[CeilLog2((uint)key)]++;
            return true;
        }

        return false;
    }

    private static int CeilLog2(uint x) => x <= 1 ? 0 : 32 - BitOperations.LeadingZeroCount(x - 1);

    private static int CountArray(LuaGlobal g, TableObj* to, Span<int> nums)
    {
        int used = 0;
        if (to->ArraySize == 0)
        {
            return 0;
        }

        Value* arr = ArrayBase(g, to);
        // nums[b] counts keys in (2^(b-1), 2^b]
        uint i = 1;
        for (int b = 0, twoToB = 1; b <= LuaLimits.MaxArrayBits; b++, twoToB *= 2)
        {
            uint limit = (uint)Math.Min(twoToB, to->ArraySize);
            if (i > limit)
            {
                if (i > to->ArraySize)
                {
                    break;
                }

                continue;
            }

            int count = 0;
            for (; i <= limit; i++)
            {
                if (!arr[i - 1].IsNil)
                {
                    count++;
                }
            }

            nums[b] += count;
            used += count;
        }

        return used;
    }

    private static int CountHash(LuaGlobal g, TableObj* to, Span<int> nums, ref int arrayKeys)
    {
        int total = 0;
        int n = NodeCount(to);
        if (n == 0)
        {
            return 0;
        }

        Node* nodes = NodeBase(g, to);
        for (int i = 0; i < n; i++)
        {
            if (!nodes[i].Val.IsNil)
            {
                if (nodes[i].KeyTag == Tag.Integer && CountIntKey(nodes[i].KeyI, nums))
                {
                    arrayKeys++;
                }

                total++;
            }
        }

        return total;
    }

    /// <summary>
    /// The largest power of two n such that more than half of the slots 1..n would be used;
    /// <paramref name="arrayKeys"/> becomes the number of integer keys that go to the array part.
    /// </summary>
    private static int ComputeArraySize(Span<int> nums, ref int arrayKeys)
    {
        int a = 0;
        int na = 0;
        int optimal = 0;
        for (int b = 0, twoToB = 1; b <= LuaLimits.MaxArrayBits && twoToB > 0 && arrayKeys > twoToB / 2; b++, twoToB *= 2)
        {
            a += nums[b];
            if (a > twoToB / 2)
            {
                optimal = twoToB;
                na = a;
            }
        }

        arrayKeys = na;
        return optimal;
    }

    /// <summary>
    /// Gives the table an array part of <paramref name="arraySize"/> slots and a hash part with
    /// room for <paramref name="hashCount"/> keys, moving every entry. New parts are allocated
    /// before anything moves, so running out of memory leaves the table as it was.
    /// </summary>
    public static void Resize(LuaGlobal g, uint t, int arraySize, int hashCount)
    {
        if (hashCount < 0 || arraySize < 0 || arraySize > MaxArraySize)
        {
            LuaErrors.ThrowTableOverflow();
        }

        int log2 = 0;
        int nodeCount = 0;
        if (hashCount > 0)
        {
            log2 = CeilLog2((uint)hashCount);
            if (log2 > LuaLimits.MaxNodeBits)
            {
                LuaErrors.ThrowTableOverflow();
            }

            nodeCount = 1 << log2;
        }

        TableObj* to = Obj(g, t);
        uint oldArray = to->Array;
        uint oldArraySize = to->ArraySize;
        uint oldNodes = to->Nodes;
        int oldNodeCount = NodeCount(to);

        uint newArray = oldArray;
        if ((uint)arraySize != oldArraySize)
        {
            newArray = arraySize == 0 ? 0 : g.Allocate((nuint)arraySize * (nuint)sizeof(Value), ObjType.TableArray);
        }

        uint newNodes = 0;
        if (nodeCount > 0)
        {
            if (newArray != oldArray && newArray != 0)
            {
                g.PushPendingBlock(newArray);
            }

            try
            {
                newNodes = g.Allocate((nuint)nodeCount * (nuint)sizeof(Node), ObjType.TableNodes);
            }
            catch (LuaError)
            {
                if (newArray != oldArray && newArray != 0)
                {
                    g.Free(newArray);
                }

                throw;
            }
            finally
            {
                if (newArray != oldArray && newArray != 0)
                {
                    g.PopPendingBlock();
                }
            }
        }

        // From here on nothing allocates. A collection may have run during the allocations
        // (and cleared weak entries), so re-read the table.
        to = Obj(g, t);
        g.TableResized(t);
        Value* oldArr = oldArraySize == 0 ? null : (Value*)(g.Heap.Ptr(oldArray) + sizeof(ObjHeader));
        if (newArray != oldArray && newArray != 0)
        {
            Value* na = (Value*)(g.Heap.Ptr(newArray) + sizeof(ObjHeader));
            uint keep = Math.Min(oldArraySize, (uint)arraySize);
            if (keep > 0)
            {
                Buffer.MemoryCopy(oldArr, na, (long)keep * sizeof(Value), (long)keep * sizeof(Value));
            }

            new Span<Value>(na + keep, arraySize - (int)keep).Clear();
        }

        if (newNodes != 0)
        {
            new Span<Node>(g.Heap.Ptr(newNodes) + sizeof(ObjHeader), nodeCount).Clear();
        }

        to->Array = newArray;
        to->ArraySize = (uint)arraySize;
        to->Nodes = newNodes;
        to->NodeLog2 = (byte)log2;
        to->LastFree = (uint)nodeCount;

        // Re-insert array items beyond the new array size, then the old hash part.
        for (uint i = (uint)arraySize; i < oldArraySize; i++)
        {
            if (!oldArr[i].IsNil)
            {
                Reinsert(g, to, Value.Integer(i + 1), oldArr[i]);
            }
        }

        if (oldNodes != 0)
        {
            Node* on = (Node*)(g.Heap.Ptr(oldNodes) + sizeof(ObjHeader));
            for (int i = 0; i < oldNodeCount; i++)
            {
                if (!on[i].Val.IsNil)
                {
                    Reinsert(g, to, Node.GetKey(&on[i]), on[i].Val);
                }
            }
        }

        if (oldArray != newArray && oldArray != 0)
        {
            g.Free(oldArray);
        }

        if (oldNodes != 0)
        {
            g.Free(oldNodes);
        }
    }

    /// <summary>
    /// Places every entry of the hash part again, in the same nodes block: for the compactor,
    /// after keys hashed by their reference (tables, functions, userdata, threads) moved and so
    /// changed main position. Entries whose value is nil are dropped, as a resize drops them.
    /// Allocates nothing; <paramref name="scratch"/> holds at least the part's nodes.
    /// </summary>
    public static void RehashInPlace(LuaGlobal g, uint t, Span<Node> scratch)
    {
        TableObj* to = Obj(g, t);
        int count = NodeCount(to);
        var part = new Span<Node>(NodeBase(g, to), count);
        part.CopyTo(scratch);
        part.Clear();
        to->LastFree = (uint)count;
        for (int i = 0; i < count; i++)
        {
            ref Node n = ref scratch[i];
            if (!n.Val.IsNil)
            {
                bool ok = TryInsertNode(g, to, new Value { I = n.KeyI, Tag = n.KeyTag }, n.Val);
                Debug.Assert(ok, "a part of the same size has room for every entry");
            }
        }
    }

    private static void Reinsert(LuaGlobal g, TableObj* to, in Value key, in Value value)
    {
        if (key.Tag == Tag.Integer && (ulong)(key.I - 1) < to->ArraySize)
        {
            ArrayBase(g, to)[key.I - 1] = value;
            return;
        }

        bool ok = TryInsertNode(g, to, key, value);
        Debug.Assert(ok, "a resized hash part has room for every key");
    }

    // ---- length ----

    /// <summary>A border of the table (the # operator without __len).</summary>
    public static long Length(LuaGlobal g, uint t)
    {
        TableObj* to = Obj(g, t);
        uint size = to->ArraySize;
        if (size > 0)
        {
            Value* arr = ArrayBase(g, to);
            if (arr[size - 1].IsNil)
            {
                return ArrayBorder(g, t, arr, size);
            }

            if (to->Nodes == 0)
            {
                return size;
            }
        }
        else if (to->Nodes == 0)
        {
            return 0;
        }

        return HashBorder(g, t, size);
    }

    /// <summary>
    /// A border inside an array part whose last item is nil. The state's hint first: the border
    /// this table had, or one more (an append) or one less (a removal), as `t[#t + 1] = v`,
    /// table.insert and table.remove move it; else a binary search, which sets the hint.
    /// </summary>
    private static uint ArrayBorder(LuaGlobal g, uint t, Value* arr, uint size)
    {
        uint h = g.LengthHint;
        if (g.LengthHintTable == t && h < size)
        {
            // arr[size - 1] is nil, so h < size - 1 whenever arr[h] is not nil: arr[h + 1] exists.
            if (h == 0 || !arr[h - 1].IsNil)
            {
                if (arr[h].IsNil)
                {
                    return h;
                }

                if (arr[h + 1].IsNil)
                {
                    g.LengthHint = h + 1;
                    return h + 1;
                }
            }
            else if (h == 1 || !arr[h - 2].IsNil)
            {
                g.LengthHint = h - 1; // arr[h - 1] is nil
                return h - 1;
            }
        }

        // Binary search with t[i] non-nil (or i == 0) and t[j] nil.
        uint i = 0;
        uint j = size;
        while (j - i > 1)
        {
            uint m = (i + j) / 2;
            if (arr[m - 1].IsNil)
            {
                j = m;
            }
            else
            {
                i = m;
            }
        }

        g.LengthHintTable = t;
        g.LengthHint = i;
        return i;
    }

    private static long HashBorder(LuaGlobal g, uint t, long i)
    {
        // t[i] is non-nil (or i == 0); find j with t[j] nil by doubling, then bisect.
        long j = i + 1;
        if (IsNilAt(g, t, j))
        {
            return i;
        }

        while (!IsNilAt(g, t, j))
        {
            i = j;
            if (j > long.MaxValue / 2)
            {
                // Pathological table: a linear search finds a border.
                long k = 1;
                while (!IsNilAt(g, t, k))
                {
                    k++;
                }

                return k - 1;
            }

            j *= 2;
        }

        while (j - i > 1)
        {
            long m = i + ((j - i) / 2);
            if (IsNilAt(g, t, m))
            {
                j = m;
            }
            else
            {
                i = m;
            }
        }

        return i;
    }

    private static bool IsNilAt(LuaGlobal g, uint t, long key)
    {
        Value* v = FindInt(g, t, key);
        return v == null || v->IsNil;
    }

    // ---- traversal ----

    /// <summary>
    /// The entry after <paramref name="key"/> in traversal order (array part, then nodes);
    /// false at the end. Raises "invalid key to 'next'" for a key that is not in the table.
    /// </summary>
    public static bool Next(LuaGlobal g, uint t, in Value key, out Value nextKey, out Value nextValue)
    {
        TableObj* to = Obj(g, t);
        if (to->Nodes == 0 && to->Lazy != 0)
        {
            g.FillLazyTable(t);
        }
        uint index = FindIndex(g, to, key);
        uint size = to->ArraySize;
        if (index < size)
        {
            Value* arr = ArrayBase(g, to);
            for (; index < size; index++)
            {
                if (!arr[index].IsNil)
                {
                    nextKey = Value.Integer(index + 1);
                    nextValue = arr[index];
                    return true;
                }
            }
        }

        int n = NodeCount(to);
        if (n > 0)
        {
            Node* nodes = NodeBase(g, to);
            for (uint i = index - size; i < n; i++)
            {
                if (!nodes[i].Val.IsNil)
                {
                    nextKey = Node.GetKey(&nodes[i]);
                    nextValue = nodes[i].Val;
                    return true;
                }
            }
        }

        nextKey = default;
        nextValue = default;
        return false;
    }

    /// <summary>Index where traversal resumes after <paramref name="key"/>: array slots first, then nodes.</summary>
    private static uint FindIndex(LuaGlobal g, TableObj* to, in Value key)
    {
        if (key.IsNil)
        {
            return 0;
        }

        Value k = key;
        if (k.Tag == Tag.Float && LuaNumber.FloatToInteger(k.D, out long ik))
        {
            k = Value.Integer(ik);
        }

        if (k.Tag == Tag.Integer && (ulong)(k.I - 1) < to->ArraySize)
        {
            return (uint)k.I;
        }

        if (to->Nodes != 0 && !(k.Tag == Tag.Float && double.IsNaN(k.D)))
        {
            Node* nodes = NodeBase(g, to);
            Node* n = MainPosition(g, to, k);
            while (true)
            {
                // A key collected from a weak table during the traversal still matches by identity.
                if (KeyEquals(g, n, k) || (n->KeyTag == Tag.DeadKey && k.IsCollectable && n->KeyI == k.I))
                {
                    return to->ArraySize + (uint)(n - nodes) + 1;
                }

                if (n->Next == 0)
                {
                    break;
                }

                n += n->Next;
            }
        }

        throw new LuaError("invalid key to 'next'");
    }
}
