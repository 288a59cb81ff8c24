namespace MicroLua.Memory;

/// <summary>
/// Exact counts of a heap, updated on every allocation and free. Bytes are block sizes,
/// headers included, so <see cref="BytesInUse"/> is exactly what a walk of the used blocks adds up to.
/// </summary>
public sealed class MemoryStats
{
    private readonly long[] _blocksByType = new long[256];
    private readonly long[] _bytesByType = new long[256];

    /// <summary>Bytes of the pool that blocks can use (the block minus the allocator's sentinel and reserved start).</summary>
    public long PoolBytes { get; internal set; }

    /// <summary>Bytes in live (allocated) blocks, headers included.</summary>
    public long BytesInUse { get; private set; }

    /// <summary>The highest <see cref="BytesInUse"/> seen.</summary>
    public long PeakBytesInUse { get; private set; }

    /// <summary>Number of live blocks.</summary>
    public long LiveBlocks { get; private set; }

    /// <summary>Number of free blocks.</summary>
    public long FreeBlocks { get; internal set; }

    /// <summary>Bytes not in live blocks.</summary>
    public long FreeBytes => PoolBytes - BytesInUse;

    /// <summary>Allocations made since the heap was created.</summary>
    public long TotalAllocations { get; private set; }

    /// <summary>Full collections run since the state was created.</summary>
    public long Collections { get; internal set; }

    /// <summary>Live blocks of the given type.</summary>
    internal long BlocksOf(ObjType type) => _blocksByType[(int)type];

    /// <summary>Bytes in live blocks of the given type.</summary>
    internal long BytesOf(ObjType type) => _bytesByType[(int)type];

    /// <summary>Per object type: (type name, live blocks, bytes), for the types that have any.</summary>
    public IReadOnlyList<(string Type, long Blocks, long Bytes)> ByType()
    {
        var list = new List<(string, long, long)>();
        foreach (ObjType t in Enum.GetValues<ObjType>())
        {
            if (_blocksByType[(int)t] != 0)
            {
                list.Add((t.ToString(), _blocksByType[(int)t], _bytesByType[(int)t]));
            }
        }

        return list;
    }

    internal void OnAllocate(ObjType type, uint size)
    {
        BytesInUse += size;
        LiveBlocks++;
        TotalAllocations++;
        _blocksByType[(int)type]++;
        _bytesByType[(int)type] += size;
        if (BytesInUse > PeakBytesInUse)
        {
            PeakBytesInUse = BytesInUse;
        }
    }

    internal void OnFree(ObjType type, uint size)
    {
        BytesInUse -= size;
        LiveBlocks--;
        _blocksByType[(int)type]--;
        _bytesByType[(int)type] -= size;
    }

    /// <summary>Re-types a live block (an object built in place changes what it is).</summary>
    internal void OnRetype(ObjType from, ObjType to, uint size)
    {
        _blocksByType[(int)from]--;
        _bytesByType[(int)from] -= size;
        _blocksByType[(int)to]++;
        _bytesByType[(int)to] += size;
    }
}
