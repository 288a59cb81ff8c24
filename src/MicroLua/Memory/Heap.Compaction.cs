namespace MicroLua.Memory;

/// <summary>
/// The allocator's half of compaction (Gc/Compactor.cs has the other half, which rewrites
/// references): where every used block goes when the blocks slide down to the start of the
/// pool in address order, and the slide itself, after which the free space is one block at
/// the end.
/// </summary>
internal sealed unsafe partial class Heap
{
    /// <summary>
    /// Where each used block goes (<see cref="Relocation.Map"/>) if every used block slides toward
    /// the start of the pool, keeping address order. Nothing moves yet: the caller rewrites every
    /// reference through the map first, while the blocks are still where the references say.
    /// </summary>
    public Relocation PlanCompaction()
    {
        FlushQuickLists(); // the plan and the slide read every free block as a gap
        return new(this);
    }

    /// <summary>
    /// Moves every used block to the place <paramref name="plan"/> gives it (ascending, so a block
    /// is copied only over bytes already moved or free), then rebuilds the free lists: one free
    /// block from the end of the last used block to the sentinel. Returns the bytes copied.
    /// The statistics stay exact: the same blocks and bytes are in use, one block is free.
    /// </summary>
    public long Slide(Relocation plan)
    {
        long moved = 0;
        uint to = PoolStart;
        uint b = PoolStart;
        while (b < _poolEnd)
        {
            uint word = *(uint*)(_base + b);
            uint size = word & SizeMask;
            if ((word & FreeBit) == 0)
            {
                if (to != b)
                {
                    Buffer.MemoryCopy(_base + b, _base + to, size, size); // overlapping ranges are copied as if through a buffer
                    moved += size;
                }

                *(uint*)(_base + to) = size; // used, and the block before it is used too
                to += size;
            }

            b += size;
        }

        // The control structure starts empty, as in a new heap, and gets the one free block.
        new Span<byte>(_base + FlBitmapAt, (int)(ControlEnd - FlBitmapAt)).Clear();
        _stats.FreeBlocks = 0;
        SweepCursor = 0;
        uint rest = _poolEnd - to;
        if (rest > 0)
        {
            SetSizeFlags(to, rest | FreeBit);
            SetFooter(to, rest);
            SetPrevFree(_poolEnd, true);
            InsertFree(to, rest);
        }
        else
        {
            SetPrevFree(_poolEnd, false);
        }

        // The high-water mark is the end of the used blocks now: above the free block's header
        // (which the copy of a snapshot includes) nothing is read until an allocation splits the
        // block, so a snapshot taken now copies only the used part and the tail.
        _highWater = Math.Max(to, PoolStart + MinBlockSize);
        return moved;
    }

    /// <summary>
    /// The forwarding map of a compaction: the new place of every byte of a used block, as the
    /// old offset minus the free bytes below it. Only the free blocks (the gaps) are kept, in
    /// address order with the free bytes up to and including each, plus a page index (the first
    /// gap of each 4 KiB page), so a lookup is a short scan rather than a search of every block:
    /// memory is a few bytes per free block and 4 bytes per page up to the high-water mark.
    /// </summary>
    internal sealed class Relocation
    {
        private const int PageShift = 12;

        private readonly uint[] _gapStart;
        private readonly uint[] _freeThrough; // free bytes in gaps 0..i
        private readonly int[] _pageFirst; // gaps that start below each page's first byte
        private readonly int _gaps;

        public Relocation(Heap heap)
        {
            var starts = new List<uint>();
            var through = new List<uint>();
            uint free = 0;
            uint lastUsedEnd = PoolStart;
            for (uint b = PoolStart; b < heap._poolEnd; b += heap.SizeOf(b))
            {
                if (heap.IsFreeAt(b))
                {
                    starts.Add(b);
                    free += heap.SizeOf(b);
                    through.Add(free);
                }
                else
                {
                    lastUsedEnd = b + heap.SizeOf(b);
                }
            }

            // A gap above the last used block moves nothing.
            while (starts.Count > 0 && starts[^1] >= lastUsedEnd)
            {
                starts.RemoveAt(starts.Count - 1);
                through.RemoveAt(through.Count - 1);
            }

            _gapStart = [.. starts];
            _freeThrough = [.. through];
            _gaps = _gapStart.Length;
            UsedEnd = lastUsedEnd;
            BytesToMove = _gaps == 0 ? 0 : heap.LiveBytesFrom(_gapStart[0]);
            int pages = (int)(lastUsedEnd >> PageShift) + 1;
            _pageFirst = new int[pages];
            int g = 0;
            for (int p = 0; p < pages; p++)
            {
                uint pageStart = (uint)p << PageShift;
                while (g < _gaps && _gapStart[g] < pageStart)
                {
                    g++;
                }

                _pageFirst[p] = g;
            }
        }

        /// <summary>Whether anything moves (false when the used blocks already touch each other from the pool's start).</summary>
        public bool Moves => _gaps > 0;

        /// <summary>Bytes of used blocks above the first gap: what the slide copies.</summary>
        public long BytesToMove { get; }

        /// <summary>The end of the last used block before the slide.</summary>
        public uint UsedEnd { get; }

        /// <summary>
        /// The new reference of <paramref name="r"/>: a block's reference, or a reference to a
        /// slot inside a used block (an open upvalue's stack slot, a closed upvalue's own value).
        /// 0 stays 0.
        /// </summary>
        public uint Map(uint r)
        {
            uint o = r << 3;
            if (_gaps == 0 || o < _gapStart[0])
            {
                return r;
            }

            int page = (int)(o >> PageShift);
            int k = page < _pageFirst.Length ? _pageFirst[page] : _gaps;
            while (k < _gaps && _gapStart[k] < o)
            {
                k++;
            }

            return (o - _freeThrough[k - 1]) >> 3;
        }
    }

    /// <summary>Bytes of used blocks at or above byte offset <paramref name="from"/> (a block start).</summary>
    private long LiveBytesFrom(uint from)
    {
        long n = 0;
        for (uint b = from; b < _poolEnd; b += SizeOf(b))
        {
            n += IsFreeAt(b) ? 0 : SizeOf(b);
        }

        return n;
    }
}
