using MicroLua.Memory;

namespace MicroLua;

/// <summary>
/// Exact counts of a heap, updated on every allocation and free. Bytes are block sizes,
/// headers included, so <see cref="BytesInUse"/> is exactly what a walk of the used blocks adds up to.
/// </summary>
public sealed class MemoryStats
{
    /// <summary>The heap counted: the counts per object type are found by walking it when asked (they cost no memory per state).</summary>
    private readonly Heap _heap;

    internal MemoryStats(Heap heap)
    {
        _heap = heap;
    }

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

    /// <summary>Live blocks of the given type (a walk of the heap).</summary>
    internal long BlocksOf(ObjType type)
    {
        long n = 0;
        for (Heap.BlockWalker w = _heap.Walk(); w.MoveNext();)
        {
            n += !w.IsFree && w.Type == type ? 1 : 0;
        }

        return n;
    }

    /// <summary>Bytes in live blocks of the given type (a walk of the heap).</summary>
    internal long BytesOf(ObjType type)
    {
        long n = 0;
        for (Heap.BlockWalker w = _heap.Walk(); w.MoveNext();)
        {
            n += !w.IsFree && w.Type == type ? w.Size : 0;
        }

        return n;
    }

    /// <summary>Per object type: (type name, live blocks, bytes), for the types that have any (a walk of the heap).</summary>
    public IReadOnlyList<(string Type, long Blocks, long Bytes)> ByType()
    {
        var blocks = new long[256];
        var bytes = new long[256];
        for (Heap.BlockWalker w = _heap.Walk(); w.MoveNext();)
        {
            if (!w.IsFree)
            {
                blocks[(int)w.Type]++;
                bytes[(int)w.Type] += w.Size;
            }
        }

        var list = new List<(string, long, long)>();
        foreach (ObjType t in Enum.GetValues<ObjType>())
        {
            if (blocks[(int)t] != 0)
            {
                list.Add((t.ToString(), blocks[(int)t], bytes[(int)t]));
            }
        }

        return list;
    }

    internal void OnAllocate(ObjType type, uint size)
    {
        BytesInUse += size;
        LiveBlocks++;
        TotalAllocations++;
        if (BytesInUse > PeakBytesInUse)
        {
            PeakBytesInUse = BytesInUse;
        }
    }

    internal void OnFree(ObjType type, uint size)
    {
        BytesInUse -= size;
        LiveBlocks--;
    }

    /// <summary>The counts as a value (what a snapshot records).</summary>
    internal readonly record struct Counts(long PoolBytes, long BytesInUse, long Peak, long LiveBlocks, long FreeBlocks, long TotalAllocations, long Collections);

    internal Counts Save() => new(PoolBytes, BytesInUse, PeakBytesInUse, LiveBlocks, FreeBlocks, TotalAllocations, Collections);

    /// <summary>Sets the counts a snapshot recorded (restoring or forking a state).</summary>
    internal void Load(in Counts c)
    {
        PoolBytes = c.PoolBytes;
        BytesInUse = c.BytesInUse;
        PeakBytesInUse = c.Peak;
        LiveBlocks = c.LiveBlocks;
        FreeBlocks = c.FreeBlocks;
        TotalAllocations = c.TotalAllocations;
        Collections = c.Collections;
    }

    /// <summary>Sets the counts found by walking a heap read from an image (nothing in the image is trusted).</summary>
    internal void SetCounts(long bytesInUse, long liveBlocks, long freeBlocks)
    {
        BytesInUse = bytesInUse;
        PeakBytesInUse = bytesInUse;
        LiveBlocks = liveBlocks;
        FreeBlocks = freeBlocks;
    }
}
