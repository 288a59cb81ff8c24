using MicroLua.Compiler;
using MicroLua.Gc;

namespace MicroLua.Tests.Gc;

/// <summary>
/// Generational mode: minor collections free young garbage and keep what old objects reach
/// through barriers; weak tables, ephemerons, finalizers and resurrection as in incremental mode;
/// mode switches, snapshots and compaction at any time. The heap verifier checks the
/// generational invariant after each step.
/// </summary>
public sealed class GenerationalTests
{
    private static LuaState NewLua(long limit = 64L * 1024 * 1024) =>
        new(new LuaOptions { Compiler = LuaCompiler.Instance, MemoryLimit = limit, HashSeed = 7 });

    private static Collector Gc(LuaState s) => (Collector)s.Global.Collector!;

    /// <summary>A Lua function `minor(n)` that runs n minor collections, verifying the heap after each.</summary>
    private static void RegisterMinor(LuaState lua) =>
        lua.Register("minor", c =>
        {
            long n = c.OptInteger(1, 1);
            for (long i = 0; i < n; i++)
            {
                Gc(lua).StepWork(1);
                HeapVerifier.Check(lua.Global);
            }

            return c.Return();
        });

    private static LuaState NewGenerational()
    {
        LuaState lua = NewLua();
        RegisterMinor(lua);
        lua.GcMode = LuaGcMode.Generational;
        Assert.True(Gc(lua).GenerationalActive);
        HeapVerifier.Check(lua.Global);
        return lua;
    }

    [Fact]
    public void MinorCollections_FreeYoungGarbage_KeepOldData()
    {
        using LuaState lua = NewGenerational();
        LuaValue[] r = lua.DoString("""
            collectgarbage("stop") -- only the collections asked for
            old = {}
            for i = 1, 1000 do old[i] = { i } end
            minor(3)
            local before = collectgarbage("count")
            for i = 1, 20000 do local t = { i, tostring(i) } end
            local grown = collectgarbage("count")
            minor(2)
            local after = collectgarbage("count")
            return grown > before + 100, after < grown - 100, old[777][1]
            """);
        Assert.True(r[0].ToBoolean());
        Assert.True(r[1].ToBoolean());
        Assert.Equal(777, r[2].ToInteger());
        Assert.True(Gc(lua).MinorCollections >= 5);
    }

    [Fact]
    public void YoungObjectsStoredIntoOldObjects_Survive()
    {
        using LuaState lua = NewGenerational();
        LuaValue[] r = lua.DoString("""
            local t = {}
            local up = 0
            local function f() return up end
            local mt = {}
            local u = setmetatable({}, mt)
            minor(3) -- all old now
            t.x = { "young table" }           -- table: backward barrier
            up = { "young upvalue value" }    -- closed upvalue
            mt.__index = { y = "young metatable entry" }
            for i = 1, 5 do t[i] = { i } end
            minor(4)
            for i = 1, 5000 do local g = {} end
            minor(2)
            return t.x[1], f()[1], u.y, t[5][1]
            """);
        Assert.Equal("young table", r[0].ToString());
        Assert.Equal("young upvalue value", r[1].ToString());
        Assert.Equal("young metatable entry", r[2].ToString());
        Assert.Equal(5, r[3].ToInteger());
    }

    [Fact]
    public void CoroutineStacks_AreTraversedAtEveryMinorCollection()
    {
        using LuaState lua = NewGenerational();
        LuaValue[] r = lua.DoString("""
            local co = coroutine.wrap(function()
              local keep = {}
              for i = 1, 10 do
                keep[i] = { i }          -- a young table held only by an old coroutine's stack
                coroutine.yield()
              end
              local s = 0
              for i = 1, 10 do s = s + keep[i][1] end
              return s
            end)
            local s
            for i = 1, 11 do
              s = co()
              for j = 1, 200 do local g = { j } end
              minor(2)
            end
            return s
            """);
        Assert.Equal(55, r[0].ToInteger());
    }

    [Fact]
    public void WeakTables_AreClearedOfYoungObjectsByMinorCollections()
    {
        using LuaState lua = NewGenerational();
        LuaValue[] r = lua.DoString("""
            local wv = setmetatable({}, { __mode = "v" })
            local wk = setmetatable({}, { __mode = "k" })
            local keep = {}
            minor(3) -- the weak tables are old
            wv[1] = {}                 -- dead young value
            wv[2] = "a string stays"
            keep[1] = {}
            wv[3] = keep[1]            -- reachable value
            local k = {}
            wk[k] = { "value of a live key" }
            wk[{}] = { "value of a dead key" }
            local ek = {}
            wk[ek] = { ek }            -- ephemeron: the value refers to its own key only
            ek = nil
            minor(3)
            local n = 0
            for _ in pairs(wk) do n = n + 1 end
            return wv[1] == nil, wv[2], wv[3] == keep[1], wk[k][1], n
            """);
        Assert.True(r[0].ToBoolean());
        Assert.Equal("a string stays", r[1].ToString());
        Assert.True(r[2].ToBoolean());
        Assert.Equal("value of a live key", r[3].ToString());
        Assert.Equal(1, r[4].ToInteger());
    }

    [Fact]
    public void Finalizers_RunOnceForYoungObjects_AndResurrectionWorks()
    {
        using LuaState lua = NewGenerational();
        LuaValue[] r = lua.DoString("""
            local log = {}
            saved = nil
            do
              local a = setmetatable({ name = "a" }, { __gc = function(o) log[#log + 1] = o.name end })
              local b = setmetatable({ name = "b" }, { __gc = function(o) log[#log + 1] = o.name; saved = o end })
            end
            minor(3)
            local first = table.concat(log, ",")
            saved.name = "b again"      -- resurrected: still a whole object
            local name = saved.name
            saved = nil
            minor(3)
            collectgarbage()
            return first, name, #log
            """);
        Assert.Equal("b,a", r[0].ToString()); // reverse order of marking, as incremental mode
        Assert.Equal("b again", r[1].ToString());
        Assert.Equal(2, r[2].ToInteger()); // once each
    }

    [Fact]
    public void OldGarbage_GoesAtTheNextMajorCollection()
    {
        using LuaState lua = NewGenerational();
        LuaValue[] r = lua.DoString("""
            local w = setmetatable({}, { __mode = "v" })
            do
              local t = {}
              w[1] = t
              minor(3) -- t is old
            end
            minor(2)
            local afterMinors = w[1] ~= nil     -- old objects live until a major collection
            collectgarbage()                    -- a major one
            return afterMinors, w[1] == nil
            """);
        Assert.True(r[0].ToBoolean());
        Assert.True(r[1].ToBoolean());
        Assert.True(Gc(lua).MajorCollections >= 1);
    }

    [Fact]
    public void MajorCollection_ComesWhenTheHeapGrowsPastTheThreshold()
    {
        using LuaState lua = NewGenerational();
        lua.DoString("""
            collectgarbage("generational", 20, 50)
            keep = {}
            for i = 1, 200000 do keep[i % 5000 + 1] = { i } end
            """);
        Assert.True(Gc(lua).MinorCollections > 0);
        Assert.True(Gc(lua).MajorCollections > 0);
        HeapVerifier.Check(lua.Global);
    }

    [Fact]
    public void SwitchingModes_AtAnyTime_KeepsTheHeapSound()
    {
        using LuaState lua = NewLua();
        RegisterMinor(lua);
        LuaValue[] r = lua.DoString("""
            local keep = {}
            for round = 1, 6 do
              for i = 1, 3000 do keep[i % 700 + 1] = { i, tostring(i) } end
              collectgarbage("step", 0)   -- an incremental cycle under way, or a minor collection
              if round % 2 == 1 then
                assert(collectgarbage("generational") == "incremental")
                minor(1)
              else
                assert(collectgarbage("incremental") == "generational")
              end
            end
            return keep[1][1] % 700
            """);
        Assert.Equal(0, r[0].ToInteger());
        Assert.False(Gc(lua).GenerationalActive);
        HeapVerifier.Check(lua.Global);
        lua.CollectGarbage();
        HeapVerifier.Check(lua.Global, afterFullCollection: true);
    }

    [Fact]
    public void Snapshot_InGenerationalMode_RestoresAStateThatGoesOnGenerationally()
    {
        using LuaState lua = NewGenerational();
        lua.DoString("keep = {} for i = 1, 2000 do keep[i] = { i } end minor(2)");
        LuaSnapshot snap = lua.Snapshot();
        Assert.Equal(LuaGcMode.Generational, lua.GcMode);
        using LuaState copy = LuaState.FromSnapshot(snap);
        RegisterMinor(copy);
        Assert.Equal(LuaGcMode.Generational, copy.GcMode);
        foreach (LuaState s in new[] { lua, copy })
        {
            LuaValue[] r = s.DoString("for i = 1, 5000 do keep[i % 2000 + 1] = { i } end minor(3) return keep[1][1]");
            Assert.Equal(4000, r[0].ToInteger());
            Assert.True(Gc(s).GenerationalActive);
            HeapVerifier.Check(s.Global);
        }
    }

    [Fact]
    public void Restore_OfAGenerationalState_DropsItsYoungListsAndGoesOn()
    {
        using LuaState lua = NewGenerational();
        lua.DoString("keep = {} for i = 1, 2000 do keep[i] = { i } end minor(2)");
        LuaSnapshot snap = lua.Snapshot();
        lua.DoString("for i = 1, 3000 do keep[i] = { -i } end minor(1) for i = 1, 100 do local t = {} end");
        Assert.True(Gc(lua).GenerationalActive);
        lua.Restore(snap);
        HeapVerifier.Check(lua.Global);
        LuaValue[] r = lua.DoString("local a = keep[5][1] for i = 1, 5000 do keep[i % 2000 + 1] = { i } end minor(3) return a, keep[1][1]");
        Assert.Equal(5, r[0].ToInteger());
        Assert.Equal(4000, r[1].ToInteger());
        Assert.True(Gc(lua).GenerationalActive);
    }

    [Fact]
    public void Compaction_InGenerationalMode_KeepsTheHeapSound()
    {
        using LuaState lua = NewGenerational();
        lua.DoString("keep = {} for i = 1, 20000 do keep[i] = { i } end for i = 1, 20000, 2 do keep[i] = nil end minor(2)");
        lua.Compact();
        HeapVerifier.Check(lua.Global);
        LuaValue[] r = lua.DoString("for i = 1, 5000 do keep[i * 2] = { i } end minor(3) return keep[10][1], keep[11]");
        Assert.Equal(5, r[0].ToInteger());
        Assert.True(r[1].IsNil);
        Assert.True(Gc(lua).GenerationalActive);
    }

    [Fact]
    public void ManualMode_Generational_StepsAreMinorCollections()
    {
        using LuaState lua = NewLua();
        lua.GcMode = LuaGcMode.Generational;
        lua.GcMode = LuaGcMode.Manual;
        Assert.Equal(LuaGcMode.Manual, lua.GcMode);
        long minors = Gc(lua).MinorCollections;
        lua.DoString("for i = 1, 100000 do local t = { i } end");
        Assert.Equal(minors, Gc(lua).MinorCollections); // never by itself
        Assert.True(lua.GcStep(1000));
        Assert.Equal(minors + 1, Gc(lua).MinorCollections);
        Assert.Equal(minors + 1, lua.GcStatistics.MinorCollections);
        HeapVerifier.Check(lua.Global);
    }

    [Fact]
    public void OutOfMemory_Generational_CollectsFirstThenRaises()
    {
        using LuaState lua = NewLua(4L * 1024 * 1024);
        lua.GcMode = LuaGcMode.Generational;
        LuaValue[] r = lua.DoString("""
            keep = { 1, 2, 3 }
            local big = {}
            local ok, err = pcall(function() for i = 1, 1e9 do big[i] = string.rep('y', 1000 + i % 7) .. i end end)
            big = nil
            return ok, err, keep[3]
            """);
        Assert.False(r[0].ToBoolean());
        Assert.Equal("not enough memory", r[1].ToString());
        Assert.Equal(3, r[2].ToInteger());
        Assert.True(Gc(lua).EmergencyCollections > 0);
        HeapVerifier.Check(lua.Global);
    }
}
