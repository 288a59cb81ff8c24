using MicroLua.Compiler;
using MicroLua.Gc;
using MicroLua.Memory;

namespace MicroLua.Tests.Gc;

/// <summary>
/// Heap compaction (Gc/Compactor.cs): after it the free memory is one block, the statistics are
/// the same, the heap verifier passes, and everything the host and the scripts hold still works:
/// handles, suspended coroutines and their open upvalues, tables keyed by objects, weak tables,
/// finalizers, snapshots.
/// </summary>
public sealed class CompactionTests
{
    private static LuaState NewLua(long memory = 8L * 1024 * 1024, bool compactAtSafePoints = false) =>
        new(new LuaOptions { Compiler = LuaCompiler.Instance, HashSeed = 7, MemoryLimit = memory, CompactAtSafePoints = compactAtSafePoints });

    /// <summary>Many strings and tables, every other one dropped, then a full collection: the heap is full of holes.</summary>
    private const string Fragment = """
        keep = {}
        for i = 1, 6000 do
          keep[i] = (i % 3 == 0) and {i, tostring(i)} or string.rep("x", 20 + i % 90) .. i
        end
        for i = 1, 6000, 2 do keep[i] = false end
        """ + "\n";

    private static void AssertCompacted(LuaState lua, LuaCompactionResult r)
    {
        MemoryStats m = lua.MemoryStats;
        Assert.Equal(1, m.FreeBlocks);
        Assert.Equal(m.FreeBytes, lua.Global.Heap.LargestFreeBlock());
        Assert.Equal(m.FreeBytes, r.LargestFreeBlockAfter);
        HeapVerifier.Check(lua.Global);
    }

    [Fact]
    public void FragmentedHeap_BecomesOneFreeBlock_StatisticsExact_HandlesWork()
    {
        using LuaState lua = NewLua();
        lua.DoString(Fragment + """
            local count = 0
            function counter() count = count + 1; return count end
            config = {name = "device", [1] = "one", nested = {deep = {value = 42}}}
            """);
        using LuaTableRef config = lua["config"].AsTable();
        using LuaFunction counter = lua["counter"].AsFunction();
        using LuaTableRef hostTable = lua.CreateTable();
        hostTable["greeting"] = "hello from the host " + new string('!', 60);
        using LuaUserdata ud = lua.CreateUserdata("payload");
        Assert.Equal(1, counter.Call()[0].ToInteger());
        lua.CollectGarbage();

        MemoryStats m = lua.MemoryStats;
        long inUse = m.BytesInUse, live = m.LiveBlocks, free = m.FreeBytes, allocations = m.TotalAllocations;
        long largest = lua.Global.Heap.LargestFreeBlock();
        Assert.True(largest < free, $"largest free block {largest} should be below the free bytes {free}");
        Assert.True(m.FreeBlocks > 1000);

        LuaCompactionResult r = lua.Compact();

        Assert.True(r.BytesMoved > 0);
        Assert.Equal(largest, r.LargestFreeBlockBefore);
        Assert.True(r.FreeBlocksBefore > 1000);
        AssertCompacted(lua, r);
        Assert.Equal(inUse, m.BytesInUse);
        Assert.Equal(live, m.LiveBlocks);
        Assert.Equal(free, m.FreeBytes);
        Assert.Equal(allocations, m.TotalAllocations);
        HeapVerifier.Check(lua.Global, afterFullCollection: true);

        Assert.Equal("device", config["name"].ToString());
        Assert.Equal("one", config[1].ToString());
        Assert.Equal(42, config["nested"].AsTable()["deep"].AsTable()["value"].ToInteger());
        Assert.Equal(2, counter.Call()[0].ToInteger());
        Assert.Equal("hello from the host " + new string('!', 60), hostTable["greeting"].ToString());
        Assert.Equal("payload", ud.Target);
        Assert.Equal("x", lua.DoString("return string.sub(keep[2], 1, 1)")[0].ToString());
        Assert.Equal("6", lua.DoString("return keep[6][2]")[0].ToString());
        Assert.Equal(3, lua.DoString("return counter()")[0].ToInteger());

        // Compacting a compact heap moves nothing.
        LuaCompactionResult again = lua.Compact();
        Assert.Equal(0, again.BytesMoved);
        Assert.Equal(1, lua.MemoryStats.FreeBlocks);

        // The state goes on allocating and collecting normally.
        lua.DoString("for i = 1, 5000 do keep[i] = {i} end keep = nil");
        lua.CollectGarbage();
        HeapVerifier.Check(lua.Global, afterFullCollection: true);
    }

    [Fact]
    public void OneAllocationOfAllFreeMemory_FailsBefore_SucceedsAfter()
    {
        using LuaState lua = NewLua(memory: 1024 * 1024);
        lua.DoString(Fragment);
        lua.CollectGarbage();
        long free = lua.MemoryStats.FreeBytes;
        long largest = lua.Global.Heap.LargestFreeBlock();
        long want = (largest + free) / 2; // more than the largest hole, less than all free bytes
        lua.Compact();
        lua.DoString($"big = string.rep('y', {want - 200})");
        Assert.Equal(want - 200, lua.DoString("return #big")[0].ToInteger());
        HeapVerifier.Check(lua.Global);
    }

    [Fact]
    public void TablesKeyedByObjects_FindTheirKeys()
    {
        using LuaState lua = NewLua();
        lua.DoString(Fragment + """
            keys = {}
            byObject = {}
            for i = 1, 300 do
              local k
              if i % 4 == 0 then k = {i}
              elseif i % 4 == 1 then k = function() return i end
              elseif i % 8 == 2 then k = coroutine.create(function() return i end)
              elseif i % 4 == 2 then k = coroutine.wrap(function() return i end) -- a host closure
              else k = string.rep("k", 50) .. i end
              keys[i] = k
              byObject[k] = i
            end
            """);
        using LuaUserdata udKey = lua.CreateUserdata(new object());
        using LuaTableRef byObject = lua["byObject"].AsTable();
        byObject[udKey] = "userdata";
        lua.CollectGarbage();

        // Every kind of block is in the heap, so every case of the rewrite runs here.
        var present = lua.MemoryStats.ByType().Select(t => t.Type).ToHashSet();
        foreach (ObjType type in Enum.GetValues<ObjType>().Where(t => t != ObjType.None))
        {
            Assert.Contains(type.ToString(), present);
        }

        AssertCompacted(lua, lua.Compact());

        Assert.Equal("userdata", byObject[udKey].ToString());
        Assert.True(lua.DoString("""
            for i = 1, 300 do
              if byObject[keys[i]] ~= i then return false, i end
            end
            local n = 0
            for k, v in pairs(byObject) do n = n + 1 end
            return n == 301
            """)[0].ToBoolean());
        Assert.Equal(4, lua.DoString("return keys[4][1]")[0].ToInteger());
        Assert.Equal(5, lua.DoString("return keys[5]()")[0].ToInteger());
    }

    [Fact]
    public void SuspendedCoroutines_WithOpenUpvalues_ResumeCorrectly()
    {
        using LuaState lua = NewLua();
        lua.DoString(Fragment + """
            function make(start)
              return coroutine.create(function(step)
                local total = start
                peek = function() return total end      -- an open upvalue on the coroutine's stack
                bump = function(n) total = total + n end
                while true do
                  local s = string.rep("s", 40) .. total
                  step = coroutine.yield(total, s)
                  total = total + step
                end
              end)
            end
            co = make(100)
            """);
        using LuaCoroutine co = lua["co"].AsCoroutine();
        Assert.Equal(100, co.Resume(0)[0].ToInteger());
        lua.DoString("for i = 1, 6000, 3 do keep[i] = false end");
        lua.CollectGarbage();

        AssertCompacted(lua, lua.Compact());

        Assert.Equal(100, lua.DoString("return peek()")[0].ToInteger());
        lua.DoString("bump(5)");
        LuaValue[] r = co.Resume(10);
        Assert.Equal(115, r[0].ToInteger());
        Assert.Equal(new string('s', 40) + "115", r[1].ToString());
        Assert.Equal(115, lua.DoString("return peek()")[0].ToInteger());

        lua.Compact();
        HeapVerifier.Check(lua.Global);
        Assert.Equal(116, co.Resume(1)[0].ToInteger());
        Assert.Equal("suspended", lua.DoString("return coroutine.status(co)")[0].ToString());
    }

    [Fact]
    public void WeakTablesAndFinalizers_StillBehave()
    {
        using LuaState lua = NewLua();
        lua.DoString(Fragment + """
            finalized = {}
            weakKeys = setmetatable({}, {__mode = "k"})
            weakValues = setmetatable({}, {__mode = "v"})
            strong = {}
            for i = 1, 50 do
              local o = setmetatable({id = i}, {__gc = function(self) finalized[#finalized + 1] = self.id end})
              weakKeys[o] = i
              weakValues[i] = o
              if i % 2 == 0 then strong[i] = o end
            end
            """);
        lua.CollectGarbage();
        lua.DoString("for i = 1, 6000, 5 do keep[i] = false end");
        lua.CollectGarbage(); // the odd objects are finalized and resurrected for one cycle
        lua.Compact();
        HeapVerifier.Check(lua.Global);
        lua.CollectGarbage();
        lua.CollectGarbage();
        HeapVerifier.Check(lua.Global, afterFullCollection: true);
        Assert.True(lua.DoString("""
            local n = 0
            for k, v in pairs(weakKeys) do if k.id % 2 ~= 0 or v ~= k.id then return false end n = n + 1 end
            for i = 1, 50 do if (weakValues[i] ~= nil) ~= (i % 2 == 0) then return false end end
            return n == 25 and #finalized == 25
            """)[0].ToBoolean());

        // Objects marked for finalization before a compaction are finalized after it.
        lua.Compact();
        lua.DoString("strong = nil");
        lua.CollectGarbage();
        lua.CollectGarbage();
        Assert.Equal(50, lua.DoString("return #finalized")[0].ToInteger());
        Assert.Equal(0, lua.DoString("local n = 0 for _ in pairs(weakKeys) do n = n + 1 end return n")[0].ToInteger());
        HeapVerifier.Check(lua.Global, afterFullCollection: true);
    }

    [Fact]
    public void CycleUnderWay_IsFinishedFirst()
    {
        using LuaState lua = NewLua();
        lua.DoString(Fragment);
        lua.DoString("keep = nil");
        lua.GcMode = LuaGcMode.Manual;
        lua.GcStep(100);
        Assert.True(lua.GcCycleInProgress);
        LuaCompactionResult r = lua.Compact();
        Assert.False(lua.GcCycleInProgress);
        AssertCompacted(lua, r);
    }

    [Fact]
    public void RefusedWhereLuaCodeRuns()
    {
        using LuaState lua = NewLua();
        lua.Register("compact", c =>
        {
            LuaState state = c.State;
            var e = Assert.Throws<InvalidOperationException>(() => state.Compact());
            return c.Return(e.Message);
        });
        Assert.Contains("no Lua code runs", lua.DoString("return compact()")[0].ToString());
        Assert.Contains("no Lua code runs", lua.DoString("return coroutine.wrap(function() return compact() end)()")[0].ToString());
        lua.Dispose();
        Assert.Throws<ObjectDisposedException>(() => lua.Compact());
    }

    [Fact]
    public void HostTraversal_GoesOnAcrossCompaction()
    {
        using LuaState lua = NewLua();
        lua.DoString(Fragment + "t = {} for i = 1, 200 do t['key' .. i] = i end");
        using LuaTableRef t = lua["t"].AsTable();
        var seen = new HashSet<string>();
        foreach (KeyValuePair<LuaValue, LuaValue> kv in t.Pairs())
        {
            Assert.True(seen.Add(kv.Key.ToString()!));
            if (seen.Count % 50 == 0)
            {
                lua.DoString("for i = 1, 6000, 7 do keep[i] = false end");
                lua.CollectGarbage();
                lua.Compact();
            }
        }

        Assert.Equal(200, seen.Count);
    }

    [Fact]
    public void Snapshots_BeforeAndAfterCompaction()
    {
        using LuaState lua = NewLua();
        lua.DoString(Fragment + "state = {n = 1}");
        lua.CollectGarbage();
        LuaSnapshot before = lua.Snapshot();
        using LuaState sibling = LuaState.FromSnapshot(before);

        lua.Compact();
        lua.DoString("state.n = state.n + 1");
        LuaSnapshot after = lua.Snapshot();
        Assert.True(after.HeapBytes < before.HeapBytes, "a compacted heap copies fewer bytes");

        // The sibling shares the original's fixed names; compacting one leaves the other's intact.
        Assert.Equal(1, sibling.DoString("return state.n")[0].ToInteger());
        sibling.Compact();
        Assert.Equal("table", sibling.DoString("return type(state)")[0].ToString());
        Assert.Equal(2, lua.DoString("return #tostring(state.n) + 1")[0].ToInteger());
        lua.Restore(before);
        HeapVerifier.Check(lua.Global);
        Assert.Equal(1, lua.DoString("return state.n")[0].ToInteger());
        Assert.Equal(2, lua.DoString("return setmetatable({}, {__index = function() return 2 end}).x")[0].ToInteger());
        lua.Restore(after);
        Assert.Equal(2, lua.DoString("return state.n")[0].ToInteger());
        using LuaState fromAfter = LuaState.FromSnapshot(after);
        HeapVerifier.Check(fromAfter.Global);
        Assert.Equal("2", fromAfter.DoString("return tostring(state.n)")[0].ToString());
    }

    [Fact]
    public void CompactAtSafePoints_CompactsAtEveryReturnToTheHost()
    {
        using LuaState lua = NewLua(compactAtSafePoints: true);
        int verified = 0;
        lua.AfterCompaction = () =>
        {
            HeapVerifier.Check(lua.Global);
            verified++;
        };
        lua.DoString(Fragment);
        long after = lua.Compactions;
        Assert.True(after >= 1);
        lua.DoString("for i = 1, 6000, 2 do keep[i] = {} end");
        using LuaTableRef keep = lua["keep"].AsTable();
        Assert.Equal(LuaType.Table, keep[1].Type);
        Assert.True(lua.Compactions >= after + 3);
        Assert.Equal(lua.Compactions, verified);
        Assert.Equal(1, lua.MemoryStats.FreeBlocks);
    }

    [Fact]
    public void RandomGraphs_ReadTheSameAfterEachCompaction()
    {
        using LuaState lua = NewLua();
        lua.DoString("""
            local seed = 12345
            local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648 return seed % n + 1 end
            nodes = {}
            for i = 1, 400 do nodes[i] = {id = i, name = string.rep("n", rnd(60)) .. i, edges = {}, byNode = {}} end
            function mutate()
              for k = 1, 400 do
                local a, b = nodes[rnd(#nodes)], nodes[rnd(#nodes)]
                local r = rnd(5)
                if r == 1 then a.edges[#a.edges + 1] = b
                elseif r == 2 then a.byNode[b] = b.id
                elseif r == 3 then local id = b.id a.byNode[function() return id end] = b
                elseif r == 4 then a.byNode[b] = nil
                else nodes[rnd(#nodes)] = {id = 1000 + k, name = tostring(k), edges = {a}, byNode = {[a] = k}} end
              end
            end
            -- Sums are order-free: a rehash may change the order of pairs, never what it visits.
            function checksum()
              local sum, m = 0, 1000000007
              for _, n in ipairs(nodes) do
                sum = (sum + n.id * 31 + #n.name) % m
                for _, e in ipairs(n.edges) do sum = (sum + e.id) % m end
                for k, v in pairs(n.byNode) do
                  assert(n.byNode[k] == v, "a key is not found")
                  if type(k) == "table" then sum = (sum + k.id * 7 + v) % m
                  else sum = (sum + k() * 13 + v.id) % m end
                end
              end
              return sum
            end
            """);
        for (int round = 0; round < 6; round++)
        {
            lua.DoString("mutate()");
            lua.CollectGarbage();
            long before = lua.DoString("return checksum()")[0].ToInteger();
            LuaCompactionResult r = lua.Compact();
            Assert.True(r.BytesMoved > 0);
            AssertCompacted(lua, r);
            HeapVerifier.Check(lua.Global, afterFullCollection: true);
            Assert.Equal(before, lua.DoString("return checksum()")[0].ToInteger());
        }
    }
    [Fact]
    public void HookOfASuspendedCoroutine_FollowsTheMove()
    {
        using LuaState lua = new(new LuaOptions { Compiler = LuaCompiler.Instance, HashSeed = 7, Libraries = LuaLibraries.Safe | LuaLibraries.Debug });
        lua.DoString(Fragment + """
            calls = 0
            co = coroutine.create(function() for i = 1, 3 do coroutine.yield(i) end return "done" end)
            debug.sethook(co, function() calls = calls + 1 end, "l")
            coroutine.resume(co)
            """);
        long calls = lua.DoString("return calls")[0].ToInteger();
        lua.CollectGarbage();
        AssertCompacted(lua, lua.Compact());
        Assert.Equal(2, lua.DoString("return select(2, coroutine.resume(co))")[0].ToInteger());
        Assert.True(lua.DoString("return calls")[0].ToInteger() > calls);
    }
}
