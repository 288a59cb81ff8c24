namespace MicroLua.Memory;

/// <summary>
/// Copying a heap as bytes. Everything the allocator knows is in the block (the control
/// structure at its start, block headers, free-list links, boundary tags), and the pool above
/// <see cref="HighWater"/> is the inside of the last free block, never written since the heap
/// was made. So a heap is its bytes up to the high-water mark plus the last 16 bytes of the
/// block (the last free block's footer and the sentinel); a heap of the same length made from
/// those bytes is the same heap.
/// </summary>
internal sealed unsafe partial class Heap
{
    /// <summary>Bytes at the end of the block that a copy takes too: the footer before the sentinel, and the sentinel.</summary>
    public const int TailBytes = 16;

    /// <summary>A heap over <paramref name="memory"/> whose contents the caller writes next (a copy): nothing is initialised.</summary>
    private Heap(byte* memory, nuint length, bool ownsMemory, bool uninitialised)
    {
        _ = uninitialised;
        CheckLength(length);
        _base = memory;
        _length = length & ~(nuint)(Align - 1);
        _ownsMemory = ownsMemory;
        _poolEnd = (uint)(_length - HeaderSize);
        _stats = new MemoryStats(this);
        _highWater = PoolStart + MinBlockSize;
        _quickCap = QuickCapFor(_poolEnd - PoolStart);
    }

    /// <summary>A heap of <paramref name="length"/> bytes of native memory it owns, left uninitialised for a copy.</summary>
    public static Heap ForCopy(nuint length) =>
        new(BlockPool.Rent(CheckLength(length)), length, ownsMemory: true, uninitialised: true);

    /// <summary>A heap over host memory, left uninitialised for a copy.</summary>
    public static Heap ForCopy(byte* memory, nuint length)
    {
        if (memory == null || ((nuint)memory & (Align - 1)) != 0)
        {
            throw new ArgumentException("Heap memory must be non-null and 8-byte aligned.", nameof(memory));
        }

        return new Heap(memory, length, ownsMemory: false, uninitialised: true);
    }

    /// <summary>
    /// For a heap read from an image: walks the blocks (reading nothing outside the block, whatever
    /// the bytes) and sets the statistics from what it finds; null when the walk is sound. Only
    /// the first <paramref name="known"/> bytes came from the image: a used block must lie within
    /// them, and a free block that reaches beyond them must be the last one, so that nothing the
    /// image did not give is ever read.
    /// </summary>
    public string? Recount(uint known)
    {
        long used = 0, live = 0, free = 0;
        uint b = PoolStart;
        while (b != _poolEnd)
        {
            if (b > _poolEnd || b + 12 > known)
            {
                return $"block walk left the image at {b}";
            }

            uint word = *(uint*)(_base + b);
            uint size = word & SizeMask;
            if (size < MinBlockSize || size > _poolEnd - b)
            {
                return $"block at {b} has size {size}";
            }

            if ((word & FreeBit) == 0)
            {
                if (b + size > known)
                {
                    return $"used block at {b} reaches beyond the image";
                }

                used += size;
                live++;
            }
            else
            {
                if (b + size > known && b + size != _poolEnd)
                {
                    return $"free block at {b} ends beyond the image";
                }

                free++;
            }

            b += size;
        }

        _stats.PoolBytes = _poolEnd - PoolStart;
        _stats.SetCounts(used, live, free);
        return null;
    }

    /// <summary>End of the highest block ever allocated (a byte offset): the bytes a copy needs are below it.</summary>
    public uint HighWater => _highWater;

    /// <summary>How many bytes from the block's start a copy takes (the high-water mark and the last free block's header).</summary>
    public uint CopyLength => (uint)Math.Min((ulong)_highWater + MinBlockSize, _poolEnd - 8);

    /// <summary>Copies the heap's bytes: <see cref="CopyLength"/> bytes from the start, then the <see cref="TailBytes"/> at the end.</summary>
    public void CopyTo(Span<byte> head, Span<byte> tail)
    {
        new ReadOnlySpan<byte>(_base, (int)CopyLength).CopyTo(head);
        new ReadOnlySpan<byte>(_base + _length - TailBytes, TailBytes).CopyTo(tail);
    }

    /// <summary>
    /// Makes this heap the one whose bytes these are (from <see cref="CopyTo"/> of a heap of the
    /// same length). The caller restores the statistics.
    /// </summary>
    public void CopyFrom(ReadOnlySpan<byte> head, ReadOnlySpan<byte> tail, uint highWater)
    {
        head.CopyTo(new Span<byte>(_base, head.Length));
        tail.CopyTo(new Span<byte>(_base + _length - TailBytes, TailBytes));
        _highWater = highWater;
    }
}
