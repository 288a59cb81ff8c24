namespace MicroLua.Values;

internal sealed partial class StringTable
{
    /// <summary>Takes the fields a snapshot recorded (the bucket block and the chains are in the heap bytes).</summary>
    public void Load(uint buckets, int size, int count)
    {
        _buckets = buckets;
        _size = size;
        Count = count;
    }

    /// <summary>The interned string with these bytes, or 0 when there is none (allocates nothing).</summary>
    public unsafe uint Find(ReadOnlySpan<byte> s)
    {
        uint h = LuaGlobal.HashBytes(s, _g.Seed);
        for (uint r = Buckets()[h & (uint)(_size - 1)]; r != 0;)
        {
            var so = (StringObj*)_g.Heap.Ptr(r);
            if (so->Hash == h && so->ShortLength == (uint)s.Length && new ReadOnlySpan<byte>(StringObj.Data(so), s.Length).SequenceEqual(s))
            {
                return r;
            }

            r = so->Next;
        }

        return 0;
    }
}
