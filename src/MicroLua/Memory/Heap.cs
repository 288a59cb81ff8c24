using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MicroLua.Memory;

/// <summary>
/// The one block of memory that holds every Lua object of a state, and its allocator.
///
/// Why one block: the limit is exact by construction (the block is the limit), statistics
/// are exact, the .NET collector never scans Lua data, and references can be 32-bit offsets
/// that survive copying the block. Objects refer to each other by references: the
/// offset from the block's start in 8-byte units. A heap is below 4 GiB (the allocator keeps
/// byte offsets in 32 bits), so a reference never uses its top three bits.
///
/// The allocator is TLSF (two-level segregated fit): free blocks sit in lists indexed by a
/// first level (power of two of the size) and a second level (16 linear steps inside it);
/// two bitmaps find a non-empty list that is certain to fit in O(1). Allocation splits the
/// found block; freeing merges with free physical neighbours at once (boundary tags), so
/// the heap never holds two adjacent free blocks, but for the small blocks that wait in the
/// quick lists (<see cref="FlushQuickLists"/> merges them). That bounds fragmentation, which
/// is what kills long-running embedded heaps.
///
/// Block layout (every block is a multiple of 8 bytes, at least 16):
/// <code>
/// used: [uint sizeFlags][byte type][byte gc][ushort extra] payload...
/// free: [uint sizeFlags][uint nextFree][uint prevFree] ... [uint size (footer)]
/// </code>
/// sizeFlags holds the block size in bytes (header included) with bit 0 = free,
/// bit 1 = previous physical block is free and bit 2 = a free block in a quick list. The
/// footer of a free block lets the next block find its start when merging. A zero-size used sentinel ends the pool.
/// </summary>
internal sealed unsafe partial class Heap : IDisposable
{
    public const int Align = 8;
    public const int HeaderSize = 8;
    public const int MinBlockSize = 16;

    private const uint FreeBit = 1;
    private const uint PrevFreeBit = 2;
    private const uint QuickBit = 4; // with FreeBit: the block waits in a quick list, not yet merged
    private const uint SizeMask = ~7u;

    private const int SlLog2 = 4;
    private const int SlCount = 1 << SlLog2;
    private const int FlShift = SlLog2 + 3; // sizes below 2^FlShift = 128 bytes are in first level 0, 8 bytes a step
    private const int SmallBlockSize = 1 << FlShift;
    private const int FlCount = 32 - FlShift + 1;

    /// <summary>Blocks below this size wait in a quick list when freed (one list per size / 8).</summary>
    private const int QuickLimit = 512;

    /// <summary>
    /// The allocator's control structure lies in the block itself, after 16 unused bytes (so
    /// that a zero Ref means null): the first-level bitmap, the second-level bitmaps, the
    /// list heads and the quick lists' heads. The whole allocator state is then bytes of the
    /// block, which is what makes a snapshot a copy of bytes, and the managed side of a heap a
    /// few fields.
    /// </summary>
    private const uint FlBitmapAt = 16;
    private const uint SlBitmapAt = 20;
    private const uint HeadsAt = 128; // SlBitmapAt + 4 * FlCount, rounded up
    private const uint QuickAt = HeadsAt + (4 * FlCount * SlCount); // the quick lists' heads, one per size / 8
    private const uint QuickBytesAt = QuickAt; // the bytes in the quick lists: the head slot of size 0, which no block has
    public const uint ControlEnd = QuickAt + (4 * (QuickLimit >> 3));

    /// <summary>The first byte of the pool: after the control structure.</summary>
    private const uint PoolStart = ControlEnd;

    private readonly bool _ownsMemory;
    private byte* _base;
    private readonly nuint _length;
    private readonly uint _poolEnd; // byte offset of the sentinel
    private uint _highWater; // end of the highest block ever allocated: the pool above it is untouched free space

    private readonly MemoryStats _stats;

    /// <summary>
    /// The quick lists: small blocks (below <see cref="QuickLimit"/> bytes) freed without merging, one LIFO list per
    /// size (index size / 8), linked through the free-block links as the TLSF lists are. Why: a
    /// small object's life is mostly one allocation and one free, and merging at the free only
    /// to split the same bytes off again at the next allocation of that size was a third of
    /// binary_trees' instructions. A quick block is a free block (FreeBit, footer, the next
    /// block's prev-free bit), so every walk of the heap skips it and a free beside it merges
    /// with it; it only breaks the rule that free blocks never touch, which
    /// <see cref="FlushQuickLists"/> restores. What bounds the fragmentation they cause: their
    /// bytes stay under <see cref="_quickCap"/> (past it a free merges at once), an allocation
    /// that finds no block flushes them and tries again (so no allocation fails that merging
    /// would let succeed), and whatever reads the layout as a whole (compaction, the largest
    /// free block) flushes them first. Their heads are in the control structure, so a copy of
    /// the heap's bytes is the same heap, quick lists included.
    /// </summary>
    private readonly uint _quickCap;

    private uint* QuickHeads
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (uint*)(_base + QuickAt);
    }

    private ref uint QuickBytes => ref *(uint*)(_base + QuickBytesAt);

    /// <summary>Allocates a block of <paramref name="length"/> bytes of native memory that the heap owns.</summary>
    public Heap(nuint length)
        : this(BlockPool.Rent(CheckLength(length)), length, ownsMemory: true)
    {
    }

    /// <summary>Uses memory the host owns and keeps alive for the heap's lifetime.</summary>
    public Heap(byte* memory, nuint length, bool ownsMemory = false)
    {
        CheckLength(length);
        if (memory == null || ((nuint)memory & (Align - 1)) != 0)
        {
            throw new ArgumentException("Heap memory must be non-null and 8-byte aligned.", nameof(memory));
        }

        _base = memory;
        _length = length & ~(nuint)(Align - 1);
        _ownsMemory = ownsMemory;
        _poolEnd = (uint)(_length - HeaderSize);
        _stats = new MemoryStats(this);
        new Span<byte>(_base + FlBitmapAt, (int)(ControlEnd - FlBitmapAt)).Clear();
        _highWater = PoolStart + MinBlockSize;

        // One free block spans the pool, then a used sentinel of size 0.
        uint first = PoolStart;
        uint size = _poolEnd - first;
        *(uint*)(_base + _poolEnd) = 0; // sentinel: size 0, used
        *(uint*)(_base + _poolEnd + 4) = 0;
        SetSizeFlags(first, size | FreeBit);
        SetFooter(first, size);
        SetPrevFree(_poolEnd, true);
        InsertFree(first, size);
        _stats.PoolBytes = size;
        _quickCap = QuickCapFor(size);
    }

    /// <summary>The quick lists' bound for a pool of <paramref name="poolBytes"/>: a 64th of it, between 4 KiB and 1 MiB.</summary>
    private static uint QuickCapFor(uint poolBytes) => Math.Clamp(poolBytes / 64, 4096u, 1u << 20);

    private static nuint CheckLength(nuint length)
    {
        // Offsets are byte offsets in 32 bits inside the allocator, so a pool is under 4 GiB.
        if (length < PoolStart + 256 || length > uint.MaxValue - 16)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"A heap is between {PoolStart + 256} bytes and 4 GiB.");
        }

        return length;
    }

    /// <summary>The first byte of the block.</summary>
    public byte* Base
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _base;
    }

    /// <summary>Length of the block in bytes.</summary>
    public nuint Length => _length;

    /// <summary>Exact counts of what the heap holds.</summary>
    public MemoryStats Stats => _stats;

    /// <summary>Byte offset of the first block of the pool.</summary>
    public static uint FirstBlock => PoolStart;

    /// <summary>Byte offset of the sentinel that ends the pool.</summary>
    public uint PoolEnd => _poolEnd;

    /// <summary>Turns a reference into a pointer to the block's header.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* Ptr(uint r) => Ptr(_base, r);

    /// <summary>As <see cref="Ptr(uint)"/> for a caller that holds the heap's base <paramref name="hb"/> (the interpreter loop).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* Ptr(byte* hb, uint r) => hb + ((nuint)r << 3);

    /// <summary>Turns a pointer to a block's header into a reference.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint RefOf(void* p) => (uint)(((byte*)p - _base) >> 3);

    /// <summary>
    /// Allocates a block with <paramref name="payloadBytes"/> bytes after the header, typed
    /// <paramref name="type"/>, and returns its reference, or 0 when no free block fits.
    /// The payload is not cleared.
    /// </summary>
    public uint TryAllocate(nuint payloadBytes, ObjType type)
    {
        if (payloadBytes > uint.MaxValue - 64)
        {
            return 0;
        }

        uint size = AdjustSize((uint)payloadBytes);
        uint block;
        uint blockSize;
        if (size < QuickLimit && (block = QuickHeads[size >> 3]) != 0)
        {
            PopQuick(block, size);
            SetPrevFree(block + size, false);
            blockSize = size;
            goto found;
        }

        block = FindAndRemove(size);
        if (block == 0)
        {
            if (QuickBytes == 0)
            {
                return 0;
            }

            FlushQuickLists(); // merged, the waiting blocks may make room
            block = FindAndRemove(size);
            if (block == 0)
            {
                return 0;
            }
        }

        blockSize = SizeOf(block);
        uint rest = blockSize - size;
        if (rest >= MinBlockSize)
        {
            // Split: keep the front, give the remainder back.
            uint remainder = block + size;
            SetSizeFlags(remainder, rest | FreeBit);
            SetFooter(remainder, rest);
            InsertFree(remainder, rest);
            // The block after the remainder keeps its prev-free bit set.
            blockSize = size;
        }
        else
        {
            SetPrevFree(block + blockSize, false);
        }

    found:
        SetSizeFlags(block, blockSize | (*(uint*)(_base + block) & PrevFreeBit));
        if (block + blockSize > _highWater)
        {
            _highWater = block + blockSize;
        }

        byte* h = _base + block;
        h[4] = (byte)type;
        h[5] = type >= ObjType.TableArray ? NewSubBlockGc : NewObjectGc;
        *(ushort*)(h + 6) = 0;
        _stats.OnAllocate(type, blockSize);
        if (NewObjects != null && type < ObjType.TableArray)
        {
            LogNewObject(block >> 3);
        }

        return block >> 3;
    }

    /// <summary>
    /// The generational collector's list of objects (not sub-blocks) allocated since its last
    /// collection, so that a minor collection sweeps only the young and never walks the heap;
    /// null in the other modes (then allocation pays one test of this field).
    /// </summary>
    public uint[]? NewObjects;

    /// <summary>Entries of <see cref="NewObjects"/> in use.</summary>
    public int NewObjectCount;

    private void LogNewObject(uint r)
    {
        if (NewObjectCount == NewObjects!.Length)
        {
            Array.Resize(ref NewObjects, NewObjects.Length * 2);
        }

        NewObjects[NewObjectCount++] = r;
    }

    /// <summary>The collector's colour for new objects (its current white); 0 before a collector is attached.</summary>
    public byte NewObjectGc;

    /// <summary>
    /// The collector's colour for new sub-blocks (<see cref="ObjType.TableArray"/> and after):
    /// marked while a cycle marks, since their owner may already be traversed.
    /// </summary>
    public byte NewSubBlockGc;

    /// <summary>
    /// Byte offset of the block an incremental sweep goes on from (0 when none): a free that
    /// merges that block into a free neighbour before it moves the cursor to the merged block.
    /// </summary>
    public uint SweepCursor;

    /// <summary>
    /// Frees the block <paramref name="r"/>: a small one waits in its quick list while they have
    /// room, any other merges with free neighbours.
    /// </summary>
    public void Free(uint r)
    {
        uint block = r << 3;
        uint size = CountFree(block);
        if (size < QuickLimit && QuickBytes + size <= _quickCap)
        {
            PushQuick(block, size);
            return;
        }

        FreeRange(block, size);
    }

    /// <summary>
    /// Merges every block of the quick lists with its free neighbours: afterwards no two free
    /// blocks touch. Allocation calls it before it fails, and whatever reads the heap's layout
    /// as a whole (compaction, the largest free block) before it reads.
    /// </summary>
    public void FlushQuickLists()
    {
        for (uint c = MinBlockSize >> 3; c < QuickLimit >> 3 && QuickBytes != 0; c++)
        {
            uint size = c << 3;
            for (uint block; (block = QuickHeads[c]) != 0;)
            {
                PopQuick(block, size);
                FreeRange(block, size);
            }
        }
    }

    /// <summary>Puts the counted-free block at <paramref name="block"/> at the head of its quick list, a free block that does not merge.</summary>
    private void PushQuick(uint block, uint size)
    {
        byte* hb = _base;
        uint* w = (uint*)(hb + block);
        *w = size | FreeBit | QuickBit | (*w & PrevFreeBit);
        *(uint*)(hb + block + size - 4) = size;
        *(uint*)(hb + block + size) |= PrevFreeBit;
        PushOnList(hb, block, (uint*)(hb + QuickAt) + (size >> 3));
        *(uint*)(hb + QuickBytesAt) += size;
        _stats.FreeBlocks++;
    }

    /// <summary>Unlinks the block at <paramref name="block"/> from its quick list; its header still says free (the caller rewrites it).</summary>
    private void PopQuick(uint block, uint size)
    {
        byte* hb = _base;
        UnlinkFromList(hb, block, (uint*)(hb + QuickAt) + (size >> 3));
        *(uint*)(hb + QuickBytesAt) -= size;
        _stats.FreeBlocks--;
    }

    /// <summary>Unlinks the free block at <paramref name="block"/> from whichever list holds it, to merge it.</summary>
    private void Unlink(uint block, uint size)
    {
        if ((*(uint*)(_base + block) & QuickBit) != 0)
        {
            PopQuick(block, size);
        }
        else
        {
            RemoveFree(block, size);
        }
    }

    /// <summary>
    /// Frees the block <paramref name="r"/> as part of a batch: a block that touches the run of
    /// blocks freed before it in the batch joins the run and leaves the free lists alone; the
    /// run becomes one free block (<see cref="FreeRange"/>) when a block that does not touch it
    /// comes, and at <see cref="EndFreeBatch"/>. Why: the young sweep frees dead objects and
    /// their sub-blocks mostly side by side and in address order (allocation order is address
    /// order while the allocator splits a large free block), and one by one every free removes
    /// the block it merges with from one list and inserts the result into another, whose heads
    /// lie all over the heap. Until <see cref="EndFreeBatch"/> the run's blocks still look used
    /// to a walk of the heap; nothing may allocate or walk it in between (a plain
    /// <see cref="Free"/> may: the run merges with a free neighbour when it ends).
    /// </summary>
    public void FreeInBatch(uint r)
    {
        uint block = r << 3;
        uint size = CountFree(block);
        if (block == _batchEnd)
        {
            _batchEnd += size;
        }
        else if (block + size == _batchStart)
        {
            _batchStart = block;
        }
        else
        {
            EndFreeBatch();
            _batchStart = block;
            _batchEnd = block + size;
        }
    }

    /// <summary>Ends the batch of <see cref="FreeInBatch"/>: the run of freed blocks becomes one free block.</summary>
    public void EndFreeBatch()
    {
        if (_batchEnd != 0)
        {
            uint start = _batchStart;
            uint size = _batchEnd - start;
            _batchStart = _batchEnd = 0;
            FreeRange(start, size);
        }
    }

    /// <summary>The run of blocks freed in the batch, as byte offsets [start, end); 0, 0 when none.</summary>
    private uint _batchStart, _batchEnd;

    /// <summary>Counts the used block at byte offset <paramref name="block"/> as freed; returns its size.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint CountFree(uint block)
    {
        Debug.Assert(block >= PoolStart && block < _poolEnd);
        uint word = *(uint*)(_base + block);
        Debug.Assert((word & FreeBit) == 0, "double free");
        uint size = word & SizeMask;
        _stats.OnFree((ObjType)_base[block + 4], size);
        return size;
    }

    /// <summary>Makes the used blocks tiling [block, block + size) one free block, merged with free neighbours.</summary>
    private void FreeRange(uint block, uint size)
    {
        // Loops, not single merges: a quick block may touch another free block.
        while ((*(uint*)(_base + block) & PrevFreeBit) != 0)
        {
            uint prevSize = *(uint*)(_base + block - 4);
            uint prev = block - prevSize;
            Unlink(prev, prevSize);
            block = prev;
            size += prevSize;
        }

        uint nextWord;
        while (((nextWord = *(uint*)(_base + block + size)) & FreeBit) != 0)
        {
            uint nextSize = nextWord & SizeMask;
            Unlink(block + size, nextSize);
            size += nextSize;
        }

        if (SweepCursor > block && SweepCursor < block + size)
        {
            SweepCursor = block; // the block the sweep goes on from was merged into this one
        }

        // The previous block is used (free blocks never touch), so only the free bit is set.
        SetSizeFlags(block, size | FreeBit);
        SetFooter(block, size);
        SetPrevFree(block + size, true);
        InsertFree(block, size);
    }

    /// <summary>Size in bytes of the block (header included) that <paramref name="r"/> names.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint BlockSize(uint r) => *(uint*)Ptr(r) & SizeMask;

    /// <summary>Bytes a payload of <paramref name="payloadBytes"/> takes as a block.</summary>
    public static uint AdjustSize(uint payloadBytes)
    {
        uint size = (payloadBytes + HeaderSize + Align - 1) & ~(uint)(Align - 1);
        return size < MinBlockSize ? MinBlockSize : size;
    }

    /// <summary>The largest payload one allocation could get right now (after merging the quick lists).</summary>
    public uint LargestFreeBlock()
    {
        FlushQuickLists();
        if (*FlBitmap == 0)
        {
            return 0;
        }

        int fl = 31 - BitOperations.LeadingZeroCount(*FlBitmap);
        int sl = 31 - BitOperations.LeadingZeroCount(SlBitmap[fl]);
        uint largest = 0;
        for (uint b = Heads[(fl * SlCount) + sl]; b != 0; b = *(uint*)(_base + b + 4))
        {
            largest = Math.Max(largest, SizeOf(b));
        }

        return largest;
    }

    /// <summary>
    /// Walks every block in address order: (byte offset, size, is free, type). Used by the heap
    /// verifier, the sweep and the statistics tests.
    /// </summary>
    public BlockWalker Walk() => new(this);

    /// <summary>Whether the block at byte offset <paramref name="block"/> is free.</summary>
    public bool IsFreeAt(uint block) => (*(uint*)(_base + block) & FreeBit) != 0;

    /// <summary>Size of the block at byte offset <paramref name="block"/>.</summary>
    public uint SizeAt(uint block) => *(uint*)(_base + block) & SizeMask;

    /// <summary>
    /// Checks the allocator's own invariants: blocks tile the pool, no two free blocks touch
    /// unless one of them waits in a quick list, prev-free bits and footers agree, the free
    /// lists hold exactly the merged free blocks, each in the list its size maps to, and the
    /// quick lists exactly the others, each in the list of its size. Returns null when all
    /// hold, otherwise what is wrong.
    /// </summary>
    public string? CheckIntegrity()
    {
        var freeBlocks = new HashSet<uint>();
        var quickBlocks = new HashSet<uint>();
        uint b = PoolStart;
        bool prevFree = false;
        bool prevQuick = false;
        long used = 0;
        if ((*FlBitmap >> FlCount) != 0)
        {
            return "first-level bitmap has bits beyond its levels";
        }

        while (b != _poolEnd)
        {
            if (b > _poolEnd)
            {
                return $"block walk overran the pool at {b}";
            }

            uint word = *(uint*)(_base + b);
            uint size = word & SizeMask;
            bool free = (word & FreeBit) != 0;
            if (size < MinBlockSize || size > _poolEnd - b)
            {
                return $"block at {b} has size {size}";
            }

            if (((word & PrevFreeBit) != 0) != prevFree)
            {
                return $"block at {b} has a wrong prev-free bit";
            }

            bool quick = (word & QuickBit) != 0;
            if (free)
            {
                if (prevFree && !quick && !prevQuick)
                {
                    return $"free blocks touch at {b}";
                }

                if (*(uint*)(_base + b + size - 4) != size)
                {
                    return $"free block at {b} has a wrong footer";
                }

                (quick ? quickBlocks : freeBlocks).Add(b);
            }
            else if (quick)
            {
                return $"used block at {b} is marked as waiting in a quick list";
            }
            else
            {
                used += size;
            }

            prevFree = free;
            prevQuick = quick;
            b += size;
        }

        if (((*(uint*)(_base + _poolEnd) & PrevFreeBit) != 0) != prevFree)
        {
            return "sentinel has a wrong prev-free bit";
        }

        if (used != _stats.BytesInUse)
        {
            return $"statistics say {_stats.BytesInUse} bytes in use, the walk found {used}";
        }

        int listed = 0;
        for (int fl = 0; fl < FlCount; fl++)
        {
            for (int sl = 0; sl < SlCount; sl++)
            {
                uint head = Heads[(fl * SlCount) + sl];
                bool bit = (SlBitmap[fl] & (1u << sl)) != 0;
                if ((head != 0) != bit)
                {
                    return $"bitmap disagrees with list ({fl},{sl})";
                }

                uint prev = 0;
                for (uint f = head; f != 0; f = *(uint*)(_base + f + 4))
                {
                    if (!freeBlocks.Contains(f))
                    {
                        return $"list ({fl},{sl}) holds {f}, which is not a free block";
                    }

                    if (*(uint*)(_base + f + 8) != prev)
                    {
                        return $"free block {f} has a wrong back link";
                    }

                    Mapping(SizeOf(f), out int efl, out int esl);
                    if (efl != fl || esl != sl)
                    {
                        return $"free block {f} is in the wrong list";
                    }

                    prev = f;
                    if (++listed > freeBlocks.Count)
                    {
                        return "free lists hold more entries than there are free blocks";
                    }
                }
            }

            if ((SlBitmap[fl] != 0) != ((*FlBitmap & (1u << fl)) != 0))
            {
                return $"first-level bitmap disagrees at {fl}";
            }
        }

        if (listed != freeBlocks.Count)
        {
            return $"{freeBlocks.Count - listed} free blocks are in no list";
        }

        return CheckQuickLists(quickBlocks);
    }

    private string? CheckQuickLists(HashSet<uint> quickBlocks)
    {
        int listed = 0;
        long bytes = 0;
        if (QuickHeads[1] != 0)
        {
            return "the quick list of size 8 is not empty"; // slot 0 is the byte count, checked below
        }

        for (uint c = MinBlockSize >> 3; c < QuickLimit >> 3; c++)
        {
            uint prev = 0;
            for (uint f = QuickHeads[c]; f != 0; f = *(uint*)(_base + f + 4))
            {
                if (!quickBlocks.Contains(f))
                {
                    return $"quick list {c} holds {f}, which is not a quick block";
                }

                if (SizeOf(f) != c << 3)
                {
                    return $"quick block {f} is in the wrong list";
                }

                if (*(uint*)(_base + f + 8) != prev)
                {
                    return $"quick block {f} has a wrong back link";
                }

                prev = f;
                bytes += c << 3;
                if (++listed > quickBlocks.Count)
                {
                    return "quick lists hold more entries than there are quick blocks";
                }
            }
        }

        if (listed != quickBlocks.Count)
        {
            return $"{quickBlocks.Count - listed} quick blocks are in no list";
        }

        return bytes == QuickBytes ? null : $"quick lists hold {bytes} bytes, the count says {QuickBytes}";
    }

    public void Dispose()
    {
        if (_ownsMemory && _base != null)
        {
            BlockPool.Return(_base, _length);
        }

        _base = null;
    }

    private uint* FlBitmap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => FlBitmapOf(_base);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint* FlBitmapOf(byte* hb) => (uint*)(hb + FlBitmapAt);

    private uint* SlBitmap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => SlBitmapOf(_base);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint* SlBitmapOf(byte* hb) => (uint*)(hb + SlBitmapAt);

    private uint* Heads
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => HeadsOf(_base);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint* HeadsOf(byte* hb) => (uint*)(hb + HeadsAt);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint SizeOf(uint block) => *(uint*)(_base + block) & SizeMask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetSizeFlags(uint block, uint word) => *(uint*)(_base + block) = word;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetFooter(uint block, uint size) => *(uint*)(_base + block + size - 4) = size;

    private void SetPrevFree(uint block, bool prevFree)
    {
        uint* w = (uint*)(_base + block);
        *w = prevFree ? *w | PrevFreeBit : *w & ~PrevFreeBit;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // a few instructions, called at every insert and removal of a free block
    private static void Mapping(uint size, out int fl, out int sl)
    {
        if (size < SmallBlockSize)
        {
            fl = 0;
            sl = (int)(size >> 3);
        }
        else
        {
            int f = 31 - BitOperations.LeadingZeroCount(size);
            sl = (int)(size >> (f - SlLog2)) ^ SlCount;
            fl = f - FlShift + 1;
        }
    }

    /// <summary>Finds a free block of at least <paramref name="size"/> bytes and unlinks it; 0 if none.</summary>
    private uint FindAndRemove(uint size)
    {
        // Round the request up to the next list boundary so that any block in the chosen
        // list fits: this is what makes the search O(1).
        uint search = size;
        if (size >= SmallBlockSize)
        {
            int f = 31 - BitOperations.LeadingZeroCount(size);
            uint round = (1u << (f - SlLog2)) - 1;
            if (search > uint.MaxValue - round)
            {
                return 0;
            }

            search += round;
        }

        Mapping(search, out int fl, out int sl);
        if (fl >= FlCount)
        {
            return 0;
        }

        uint slMap = SlBitmap[fl] & (~0u << sl);
        if (slMap == 0)
        {
            uint flMap = fl + 1 < 32 ? *FlBitmap & (~0u << (fl + 1)) : 0;
            if (flMap == 0)
            {
                return 0;
            }

            fl = BitOperations.TrailingZeroCount(flMap);
            slMap = SlBitmap[fl];
        }

        sl = BitOperations.TrailingZeroCount(slMap);
        uint block = Heads[(fl * SlCount) + sl];
        Debug.Assert(block != 0 && SizeOf(block) >= size);
        RemoveFree(block, SizeOf(block));
        return block;
    }

    // InsertFree and RemoveFree read _base once: the JIT reloads a field after every store
    // through a pointer (it may alias), and these two run at every allocation and free.
    private void InsertFree(uint block, uint size)
    {
        byte* hb = _base;
        Mapping(size, out int fl, out int sl);
        PushOnList(hb, block, HeadsOf(hb) + (fl * SlCount) + sl);
        *FlBitmapOf(hb) |= 1u << fl;
        SlBitmapOf(hb)[fl] |= 1u << sl;
        _stats.FreeBlocks++;
    }

    private void RemoveFree(uint block, uint size)
    {
        byte* hb = _base;
        Mapping(size, out int fl, out int sl);
        if (UnlinkFromList(hb, block, HeadsOf(hb) + (fl * SlCount) + sl))
        {
            uint* slMap = SlBitmapOf(hb) + fl;
            *slMap &= ~(1u << sl);
            if (*slMap == 0)
            {
                *FlBitmapOf(hb) &= ~(1u << fl);
            }
        }

        _stats.FreeBlocks--;
    }

    // The free lists and the quick lists are doubly linked through a free block's words at +4
    // (next) and +8 (previous), with the head in the control structure.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PushOnList(byte* hb, uint block, uint* head)
    {
        uint first = *head;
        *(uint*)(hb + block + 4) = first;
        *(uint*)(hb + block + 8) = 0;
        if (first != 0)
        {
            *(uint*)(hb + first + 8) = block;
        }

        *head = block;
    }

    /// <summary>Unlinks <paramref name="block"/> from the list at <paramref name="head"/>; true when the list is then empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool UnlinkFromList(byte* hb, uint block, uint* head)
    {
        uint next = *(uint*)(hb + block + 4);
        uint prev = *(uint*)(hb + block + 8);
        if (next != 0)
        {
            *(uint*)(hb + next + 8) = prev;
        }

        if (prev != 0)
        {
            *(uint*)(hb + prev + 4) = next;
            return false;
        }

        *head = next;
        return next == 0;
    }

    /// <summary>Enumerates blocks in address order.</summary>
    public struct BlockWalker
    {
        private readonly Heap _heap;
        private uint _next;

        internal BlockWalker(Heap heap)
        {
            _heap = heap;
            _next = PoolStart;
            Offset = 0;
        }

        /// <summary>Byte offset of the current block.</summary>
        public uint Offset { get; private set; }

        /// <summary>Reference (8-byte units) of the current block.</summary>
        public readonly uint Ref => Offset >> 3;

        /// <summary>Size of the current block in bytes.</summary>
        public readonly uint Size => _heap.SizeAt(Offset);

        /// <summary>Whether the current block is free.</summary>
        public readonly bool IsFree => _heap.IsFreeAt(Offset);

        /// <summary>Type of the current (used) block.</summary>
        public readonly ObjType Type => (ObjType)_heap._base[Offset + 4];

        /// <summary>Moves to the next block; false at the end of the pool.</summary>
        public bool MoveNext()
        {
            if (_next >= _heap._poolEnd)
            {
                return false;
            }

            Offset = _next;
            _next += _heap.SizeAt(Offset);
            return true;
        }
    }
}
