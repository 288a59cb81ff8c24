using MicroLua.Core;
using MicroLua.Memory;
using MicroLua.Values;
using static MicroLua.Tests.Gc.GcTestKit;

namespace MicroLua.Tests.Gc;

public sealed class MemoryLimitTests
{
    private const long Limit = 64 * 1024;

    [Fact]
    public void OutOfMemoryLeavesEverythingIntactAndRecovers()
    {
        using LuaState s = NewState(limit: Limit);
        LuaGlobal g = s.Global;
        Value keep = Global(s, "keep", Table(g));
        for (int i = 1; i <= 20; i++)
        {
            Set(g, keep, Value.Integer(i), Str(g, "value " + i));
        }

        Value junk = Global(s, "junk", Table(g));
        LuaError? error = null;
        int n = 0;
        try
        {
            while (true)
            {
                n++;
                Set(g, junk, Value.Integer(n), Str(g, new string('j', 150) + n));
            }
        }
        catch (LuaError e)
        {
            error = e;
        }

        Assert.True(error!.IsMemoryError);
        Assert.Equal("not enough memory", error.Message);
        Assert.True(n > 100);
        AssertHeapOk(g);
        for (int i = 1; i <= 20; i++)
        {
            Assert.Equal("value " + i, g.ToDotNetString(Get(g, keep, Value.Integer(i))));
        }

        // Everything stored before the failure is there.
        for (int i = 1; i < n; i++)
        {
            Assert.Equal(new string('j', 150) + i, g.ToDotNetString(LuaTable.Get(g, junk.R, Value.Integer(i))));
        }

        // Drop the junk: allocation works again (the emergency collection frees it).
        Global(s, "junk", Value.Nil);
        Value again = Global(s, "again", Table(g));
        for (int i = 1; i <= 100; i++)
        {
            Set(g, again, Value.Integer(i), Str(g, new string('a', 150) + i));
        }

        AssertHeapOk(g);
        Assert.Equal("value 20", g.ToDotNetString(Get(g, keep, Value.Integer(20))));
    }

    [Fact]
    public void BytesInUseIsExactlyTheSumOfLiveBlocks()
    {
        using LuaState s = NewState();
        LuaGlobal g = s.Global;
        Value t = Global(s, "t", Table(g));
        var rng = new Random(3);
        for (int i = 0; i < 500; i++)
        {
            Set(g, t, Value.Integer(rng.Next(300)), rng.Next(2) == 0 ? Str(g, new string('q', rng.Next(100))) : Table(g, rng.Next(5), rng.Next(5)));
        }

        s.Gc().FullCollect();
        long sum = 0;
        long blocks = 0;
        for (Heap.BlockWalker w = g.Heap.Walk(); w.MoveNext();)
        {
            if (!w.IsFree)
            {
                sum += w.Size;
                blocks++;
            }
        }

        MemoryStats st = g.Heap.Stats;
        Assert.Equal(st.BytesInUse, sum);
        Assert.Equal(st.LiveBlocks, blocks);
        Assert.Equal(st.BytesInUse, st.ByType().Sum(x => x.Bytes));
        Assert.Equal(st.PoolBytes - st.BytesInUse, st.FreeBytes);
        AssertHeapOk(g);
    }

    /// <summary>
    /// The acceptance test: a 64 KiB heap, strings and tables of mixed sizes freed and
    /// reallocated in random rounds while the live data stays under half the limit. A 16-byte
    /// allocation must always succeed: fragmentation never starves small requests.
    /// </summary>
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(4, true)]
    public void SixteenByteAllocationsAlwaysSucceedUnderHalfTheLimit(int seed, bool stress)
    {
        using LuaState s = NewState(limit: Limit, stress: stress);
        LuaGlobal g = s.Global;
        const int slots = 24;
        Value pool = Global(s, "pool", Table(g, slots, 0));
        var rng = new Random(seed);
        long collectionsBefore = g.Heap.Stats.Collections;

        for (int round = 0; round < 300; round++)
        {
            int replace = rng.Next(1, slots);
            for (int j = 0; j < replace; j++)
            {
                int slot = rng.Next(1, slots + 1);
                LuaTable.SetInt(g, pool.R, slot, Value.Nil); // the old object becomes garbage
                Value o = NewRandomObject(g, rng);
                LuaTable.SetInt(g, pool.R, slot, o); // array part: no allocation

                uint small = g.Allocate(8, ObjType.Bytes); // a 16-byte block, collecting if it must
                Assert.InRange(g.Heap.BlockSize(small), 16u, 31u); // a remainder under 16 bytes stays with the block
                g.Free(small);
                g.CheckGC();
            }

            s.Gc().FullCollect();
            Assert.True(g.Heap.Stats.BytesInUse < Limit / 2, $"live {g.Heap.Stats.BytesInUse} bytes in round {round}");
            uint direct = g.Heap.TryAllocate(8, ObjType.Bytes); // and without any collection
            Assert.NotEqual(0u, direct);
            g.Heap.Free(direct);
            if (round % 20 == 0)
            {
                AssertHeapOk(g);
            }
        }

        AssertHeapOk(g);
        Assert.True(g.Heap.Stats.Collections - collectionsBefore >= 300);
    }

    private static Value NewRandomObject(LuaGlobal g, Random rng)
    {
        if (rng.Next(2) == 0)
        {
            int len = rng.Next(3) == 0 ? rng.Next(41, 400) : rng.Next(0, 41);
            return Str(g, new string((char)('a' + rng.Next(26)), len) + rng.Next(1000));
        }

        Value t = Table(g, rng.Next(0, 12), rng.Next(0, 6));
        g.PushTemp(t);
        int fields = rng.Next(0, 5);
        for (int i = 0; i < fields; i++)
        {
            Set(g, t, "f" + rng.Next(8), Str(g, new string('v', rng.Next(0, 60))));
        }

        g.PopTemp();
        return t;
    }
}
