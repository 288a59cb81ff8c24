using MicroLua.Memory;

namespace MicroLua.Tests.Memory;

public sealed unsafe class HeapTests
{
    [Theory]
    [InlineData(1, 64 * 1024)]
    [InlineData(2, 1024 * 1024)]
    [InlineData(3, 256 * 1024)]
    public void RandomAllocateFree_AgreesWithModel(int seed, int heapSize)
    {
        using var heap = new Heap((nuint)heapSize);
        var rng = new Random(seed);
        var live = new List<(uint Ref, uint Size, byte Fill)>();
        long initialFree = heap.Stats.FreeBytes;
        for (int step = 0; step < 20000; step++)
        {
            if (live.Count == 0 || rng.Next(100) < 55)
            {
                int payload = rng.Next(3) == 0 ? rng.Next(0, 4000) : rng.Next(0, 120);
                uint r = heap.TryAllocate((nuint)payload, ObjType.Bytes);
                if (r == 0)
                {
                    continue;
                }

                byte fill = (byte)rng.Next(256);
                new Span<byte>(heap.Ptr(r) + Heap.HeaderSize, payload).Fill(fill);
                live.Add((r, (uint)payload, fill));
            }
            else
            {
                int i = rng.Next(live.Count);
                var (r, size, fill) = live[i];
                // Nothing else wrote into this block while it was live: no overlap.
                Assert.True(new Span<byte>(heap.Ptr(r) + Heap.HeaderSize, (int)size).IndexOfAnyExcept(fill) < 0);
                heap.Free(r);
                live[i] = live[^1];
                live.RemoveAt(live.Count - 1);
            }

            if (step % 1000 == 0)
            {
                Assert.Null(heap.CheckIntegrity());
                long sum = 0;
                foreach (var (r, _, _) in live)
                {
                    sum += heap.BlockSize(r);
                }

                Assert.Equal(sum, heap.Stats.BytesInUse);
                Assert.Equal(live.Count, heap.Stats.LiveBlocks);
            }
        }

        foreach (var (r, size, fill) in live)
        {
            Assert.True(new Span<byte>(heap.Ptr(r) + Heap.HeaderSize, (int)size).IndexOfAnyExcept(fill) < 0);
            heap.Free(r);
        }

        // Everything coalesced back into one free block spanning the pool, once the quick lists merge.
        Assert.Null(heap.CheckIntegrity());
        heap.FlushQuickLists();
        Assert.Null(heap.CheckIntegrity());
        Assert.Equal(0, heap.Stats.BytesInUse);
        Assert.Equal(1, heap.Stats.FreeBlocks);
        Assert.Equal(initialFree, heap.Stats.FreeBytes);
        Assert.Equal((uint)initialFree, heap.LargestFreeBlock());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void FreeInBatch_LeavesTheSameBlocksAsFreeingOneByOne(int seed)
    {
        using var batched = new Heap(256 * 1024);
        using var plain = new Heap(256 * 1024);
        var rng = new Random(seed);
        var live = new List<uint>();

        // Both heaps alike, with holes: allocation and plain frees in lockstep.
        for (int step = 0; step < 3000; step++)
        {
            if (live.Count < 300 || rng.Next(100) < 60)
            {
                nuint payload = (nuint)(rng.Next(4) == 0 ? rng.Next(0, 600) : rng.Next(0, 64));
                uint r = batched.TryAllocate(payload, ObjType.Bytes);
                Assert.Equal(r, plain.TryAllocate(payload, ObjType.Bytes));
                if (r != 0)
                {
                    live.Add(r);
                }
            }
            else
            {
                int i = rng.Next(live.Count);
                batched.Free(live[i]);
                plain.Free(live[i]);
                live.RemoveAt(i);
            }
        }

        // Runs in address order, runs backwards, and strays; some blocks freed plainly
        // between (the batch's run must still merge with them).
        var dying = live.Where(_ => rng.Next(3) != 0).ToList();
        dying.Sort();
        for (int i = 0; i < dying.Count; i += 8)
        {
            if (rng.Next(3) == 0)
            {
                dying.Reverse(i, Math.Min(8, dying.Count - i));
            }
            else if (rng.Next(3) == 0)
            {
                (dying[i], dying[dying.Count - 1 - i]) = (dying[dying.Count - 1 - i], dying[i]);
            }
        }

        foreach (uint r in dying)
        {
            if (rng.Next(10) == 0)
            {
                batched.Free(r);
            }
            else
            {
                batched.FreeInBatch(r);
            }

            plain.Free(r);
            live.Remove(r);
        }

        batched.EndFreeBatch();
        Assert.Null(batched.CheckIntegrity());
        plain.FlushQuickLists(); // merged, the free bytes are the same maximal runs however they were freed
        batched.FlushQuickLists();
        Assert.Null(batched.CheckIntegrity());
        Assert.Equal(Blocks(plain), Blocks(batched));
        Assert.Equal(plain.Stats.FreeBlocks, batched.Stats.FreeBlocks);
        Assert.Equal(plain.Stats.LiveBlocks, batched.Stats.LiveBlocks);
        Assert.Equal(plain.Stats.BytesInUse, batched.Stats.BytesInUse);

        // The free lists hold what the walk shows: the rest frees back into one block.
        foreach (uint r in live)
        {
            batched.FreeInBatch(r);
        }

        batched.EndFreeBatch();
        Assert.Null(batched.CheckIntegrity());
        Assert.Equal(1, batched.Stats.FreeBlocks);
        Assert.Equal(0, batched.Stats.BytesInUse);

        static List<(uint, uint, bool)> Blocks(Heap h)
        {
            var blocks = new List<(uint, uint, bool)>();
            for (var w = h.Walk(); w.MoveNext();)
            {
                blocks.Add((w.Offset, w.Size, w.IsFree));
            }

            return blocks;
        }
    }

    [Fact]
    public void Walk_VisitsBlocksInAddressOrder_AndSumsToInUse()
    {
        using var heap = new Heap(64 * 1024);
        var refs = new List<uint>();
        for (int i = 0; i < 100; i++)
        {
            refs.Add(heap.TryAllocate((nuint)(i * 3), ObjType.Bytes));
        }

        for (int i = 0; i < refs.Count; i += 3)
        {
            heap.Free(refs[i]);
        }

        long used = 0;
        uint last = 0;
        var walker = heap.Walk();
        while (walker.MoveNext())
        {
            Assert.True(walker.Offset > last);
            last = walker.Offset;
            if (!walker.IsFree)
            {
                used += walker.Size;
                Assert.Equal(ObjType.Bytes, walker.Type);
            }
        }

        Assert.Equal(heap.Stats.BytesInUse, used);
    }

    [Fact]
    public void TryAllocate_WhenFull_ReturnsZero_AndHeapStaysIntact()
    {
        using var heap = new Heap(4096 + Heap.ControlEnd); // the allocator's control structure takes the first bytes
        var refs = new List<uint>();
        uint r;
        while ((r = heap.TryAllocate(100, ObjType.Bytes)) != 0)
        {
            refs.Add(r);
        }

        Assert.True(refs.Count > 30);
        Assert.Equal(0u, heap.TryAllocate(100000, ObjType.Bytes));
        Assert.Null(heap.CheckIntegrity());
        foreach (uint x in refs)
        {
            heap.Free(x);
        }

        Assert.Null(heap.CheckIntegrity());
        heap.FlushQuickLists();
        Assert.Null(heap.CheckIntegrity());
        Assert.Equal(1, heap.Stats.FreeBlocks);
    }

    [Fact]
    public void CallerProvidedMemory_IsUsedInPlace()
    {
        byte[] buffer = new byte[8192 + 8];
        fixed (byte* p = buffer)
        {
            byte* aligned = (byte*)(((nint)p + 7) & ~7);
            using var heap = new Heap(aligned, 8192);
            uint r = heap.TryAllocate(32, ObjType.Bytes);
            Assert.NotEqual(0u, r);
            Assert.True(heap.Ptr(r) >= aligned && heap.Ptr(r) < aligned + 8192);
        }
    }

    [Fact]
    public void Statistics_CountPerType()
    {
        using var heap = new Heap(64 * 1024);
        uint a = heap.TryAllocate(10, ObjType.Table);
        heap.TryAllocate(10, ObjType.Table);
        heap.TryAllocate(100, ObjType.LongString);
        Assert.Equal(2, heap.Stats.BlocksOf(ObjType.Table));
        Assert.Equal(2 * Heap.AdjustSize(10), heap.Stats.BytesOf(ObjType.Table));
        heap.Free(a);
        Assert.Equal(1, heap.Stats.BlocksOf(ObjType.Table));
        Assert.Equal(3 * 1, heap.Stats.TotalAllocations / 1);
        Assert.True(heap.Stats.PeakBytesInUse >= heap.Stats.BytesInUse);
    }

    [Fact]
    public void Free_SmallBlock_IsTheNextAllocationOfItsSize()
    {
        using var heap = new Heap(64 * 1024);
        uint a = heap.TryAllocate(40, ObjType.Bytes);
        uint b = heap.TryAllocate(40, ObjType.Bytes);
        uint c = heap.TryAllocate(40, ObjType.Bytes);
        heap.Free(a);
        heap.Free(b); // b touches the free a: waiting in a quick list, it does not merge
        Assert.Null(heap.CheckIntegrity());
        Assert.Equal(b, heap.TryAllocate(40, ObjType.Bytes)); // last in, first out
        Assert.Equal(a, heap.TryAllocate(40, ObjType.Bytes));
        Assert.Null(heap.CheckIntegrity());
        Assert.Equal(3, heap.Stats.LiveBlocks);
        Assert.NotEqual(0u, c);
    }

    [Fact]
    public void QuickLists_HoldAtMostTheirCap_TheRestMerges()
    {
        // A pool of 64 KiB: the cap is its floor, 4 KiB, 128 blocks of 32 bytes.
        using var heap = new Heap(64 * 1024 + Heap.ControlEnd);
        var refs = new List<uint>();
        for (int i = 0; i < 1000; i++)
        {
            refs.Add(heap.TryAllocate(24, ObjType.Bytes)); // 32-byte blocks, side by side
        }

        for (int i = 0; i < 1000; i += 2)
        {
            heap.Free(refs[i]); // between used blocks: nothing to merge with either way
        }

        Assert.Null(heap.CheckIntegrity());
        Assert.Equal(501, heap.Stats.FreeBlocks); // 500 freed and the rest of the pool
        // The quick list's head is the 128th block freed (4,096 bytes); the 372 after it went to the free lists.
        Assert.Equal(refs[2 * 127], heap.TryAllocate(24, ObjType.Bytes));
        Assert.Null(heap.CheckIntegrity());
    }

    [Fact]
    public void TryAllocate_WhenOnlyMergingMakesRoom_MergesTheQuickListsAndSucceeds()
    {
        using var heap = new Heap(4096 + Heap.ControlEnd);
        var refs = new List<uint>();
        uint r;
        while ((r = heap.TryAllocate(24, ObjType.Bytes)) != 0)
        {
            refs.Add(r);
        }

        foreach (uint x in refs)
        {
            heap.Free(x); // every one waits in the quick list: the pool is under the cap
        }

        Assert.Equal(refs.Count + 1, heap.Stats.FreeBlocks); // and the 24 bytes no block of 32 fitted in
        uint big = heap.TryAllocate(3000, ObjType.Bytes);
        Assert.NotEqual(0u, big);
        Assert.Equal(refs[0], big); // the merged pool, from its start
        Assert.Null(heap.CheckIntegrity());
        Assert.Equal(1, heap.Stats.FreeBlocks); // the rest after big
    }

    [Fact]
    public void CheckIntegrity_FindsABrokenQuickList()
    {
        using var heap = new Heap(64 * 1024);
        uint a = heap.TryAllocate(40, ObjType.Bytes);
        heap.TryAllocate(40, ObjType.Bytes);
        uint b = heap.TryAllocate(40, ObjType.Bytes);
        heap.TryAllocate(40, ObjType.Bytes);
        heap.Free(a);
        heap.Free(b);
        Assert.Null(heap.CheckIntegrity());
        *(uint*)(heap.Ptr(a) + 8) = 12345; // a's back link (b is the head, a after it)
        Assert.Contains("back link", heap.CheckIntegrity(), StringComparison.Ordinal);
    }
}
