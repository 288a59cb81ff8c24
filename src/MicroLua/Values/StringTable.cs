using System.Runtime.CompilerServices;
using MicroLua.Memory;

namespace MicroLua.Values;

/// <summary>
/// The set of interned short strings: a bucket array in the heap (references), chained
/// through <see cref="StringObj.Next"/>. Interning makes equality of short strings (every
/// identifier, field name and most keys) a single compare. The set is weak: the collector
/// unlinks each string the sweep frees (<see cref="Remove"/>), and a string found dead but not yet
/// swept is revived by <see cref="Intern"/>.
/// </summary>
internal sealed unsafe partial class StringTable
{
    private readonly LuaGlobal _g;
    private uint _buckets; // Bytes block of uint refs
    private int _size;

    public StringTable(LuaGlobal g)
    {
        _g = g;
    }

    /// <summary>Number of interned strings.</summary>
    public int Count { get; private set; }

    /// <summary>Number of buckets.</summary>
    public int Size => _size;

    /// <summary>The bucket array block (a root of the heap walk, not of marking).</summary>
    public uint BucketsRef => _buckets;

    public void Initialize()
    {
        _buckets = _g.Allocate((nuint)(LuaLimits.MinStringTableSize * sizeof(uint)), ObjType.StringBuckets);
        _size = LuaLimits.MinStringTableSize;
        new Span<uint>(_g.Heap.Ptr(_buckets) + 8, _size).Clear();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint* Buckets() => (uint*)(_g.Heap.Ptr(_buckets) + 8);

    /// <summary>The interned string with these bytes, created if absent.</summary>
    public uint Intern(ReadOnlySpan<byte> s)
    {
        uint h = LuaGlobal.HashBytes(s, _g.Seed);
        uint* buckets = Buckets();
        for (uint r = buckets[h & (uint)(_size - 1)]; r != 0;)
        {
            var so = (StringObj*)_g.Heap.Ptr(r);
            if (so->Hash == h && so->ShortLength == (uint)s.Length && new ReadOnlySpan<byte>(StringObj.Data(so), s.Length).SequenceEqual(s))
            {
                byte dead = (byte)(_g.Heap.NewObjectGc ^ GcBits.Whites);
                if ((so->H.Gc & dead) != 0)
                {
                    // Dead in this cycle but not yet swept: it is in use again (current white).
                    so->H.Gc = (byte)((so->H.Gc & ~GcBits.Whites) | _g.Heap.NewObjectGc);
                }

                return r;
            }

            r = so->Next;
        }

        if (Count >= _size * LuaLimits.StringTableLoad && _size < (1 << 30))
        {
            Resize(_size * 2); // may collect: the new string is not allocated yet, so nothing dangles
        }

        uint nr = _g.Allocate((nuint)(StringObj.DataOffset - sizeof(ObjHeader) + s.Length + 1), ObjType.ShortString);
        var ns = (StringObj*)_g.Heap.Ptr(nr);
        ns->Hash = h;
        ns->H.Extra = StringObj.ShortExtra(s.Length);
        byte* data = StringObj.Data(ns);
        s.CopyTo(new Span<byte>(data, s.Length));
        data[s.Length] = 0;
        buckets = Buckets(); // the collector may have resized the table during Allocate
        uint index = h & (uint)(_size - 1);
        ns->Next = buckets[index];
        buckets[index] = nr;
        Count++;
        return nr;
    }

    /// <summary>Changes the number of buckets (a power of two); does nothing when memory is short.</summary>
    public void Resize(int newSize)
    {
        uint nb = _g.Heap.TryAllocate((nuint)(newSize * sizeof(uint)), ObjType.StringBuckets);
        if (nb == 0)
        {
            return; // a fuller table is slower, not wrong
        }

        _g.OnAllocated(nb);
        uint* nbuckets = (uint*)(_g.Heap.Ptr(nb) + 8);
        new Span<uint>(nbuckets, newSize).Clear();
        uint* old = Buckets();
        for (int i = 0; i < _size; i++)
        {
            for (uint r = old[i]; r != 0;)
            {
                var so = (StringObj*)_g.Heap.Ptr(r);
                uint next = so->Next;
                uint index = so->Hash & (uint)(newSize - 1);
                so->Next = nbuckets[index];
                nbuckets[index] = r;
                r = next;
            }
        }

        _g.Heap.Free(_buckets);
        _buckets = nb;
        _size = newSize;
    }

    /// <summary>Unlinks the string <paramref name="r"/> (the sweep is about to free it).</summary>
    public void Remove(uint r)
    {
        var so = (StringObj*)_g.Heap.Ptr(r);
        uint* link = &Buckets()[so->Hash & (uint)(_size - 1)];
        while (*link != 0)
        {
            if (*link == r)
            {
                *link = so->Next;
                Count--;
                return;
            }

            link = &((StringObj*)_g.Heap.Ptr(*link))->Next;
        }
    }

    /// <summary>Shrinks the table when it holds under a quarter of what it may (after a collection).</summary>
    public void ShrinkIfSparse()
    {
        if (Count < _size * LuaLimits.StringTableLoad / 4 && _size > LuaLimits.MinStringTableSize)
        {
            Resize(_size / 2);
        }
    }

    /// <summary>Whether <paramref name="r"/> is linked in the table (for the heap verifier).</summary>
    public bool Contains(uint r)
    {
        var so = (StringObj*)_g.Heap.Ptr(r);
        for (uint x = Buckets()[so->Hash & (uint)(_size - 1)]; x != 0; x = ((StringObj*)_g.Heap.Ptr(x))->Next)
        {
            if (x == r)
            {
                return true;
            }
        }

        return false;
    }
}
