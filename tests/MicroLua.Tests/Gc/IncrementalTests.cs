using MicroLua.Compiler;
using MicroLua.Gc;

namespace MicroLua.Tests.Gc;

/// <summary>The incremental collector: steps, collectgarbage's options, the host's controls and manual mode.</summary>
public sealed class IncrementalTests
{
    private static LuaState NewLua(long limit = 64L * 1024 * 1024) =>
        new(new LuaOptions { Compiler = LuaCompiler.Instance, MemoryLimit = limit, HashSeed = 7 });

    private static Collector Gc(LuaState s) => (Collector)s.Global.Collector!;

    [Fact]
    public void StepZero_OnBigHeap_TakesManyStepsPerCycle()
    {
        using LuaState lua = NewLua();
        LuaValue[] r = lua.DoString("""
            live = {}
            for i = 1, 100000 do live[i] = { i, tostring(i) } end
            collectgarbage("collect")
            collectgarbage("stop")
            local steps = 1
            while not collectgarbage("step", 0) do steps = steps + 1 end
            local again = 1
            while not collectgarbage("step", 0) do again = again + 1 end
            return steps, again, #live, live[777][2]
            """);
        Assert.True(r[0].ToInteger() > 10, $"{r[0]} steps");
        Assert.True(r[1].ToInteger() > 10, $"{r[1]} steps");
        Assert.Equal(100000, r[2].ToInteger());
        Assert.Equal("777", r[3].ToString());
        Assert.Null(HeapVerifier.Verify(lua.Global));
    }

    [Fact]
    public void StepWithKilobytes_LargeEnough_EndsCycle()
    {
        using LuaState lua = NewLua();
        LuaValue[] r = lua.DoString("""
            collectgarbage("stop")
            return collectgarbage("step", 1000000), collectgarbage("isrunning")
            """);
        Assert.True(r[0].ToBoolean());
        Assert.False(r[1].ToBoolean());
    }

    [Theory]
    [InlineData("return collectgarbage('incremental')", "incremental")]
    [InlineData("collectgarbage('generational'); return collectgarbage('incremental')", "generational")]
    [InlineData("return collectgarbage('generational', 20, 100)", "incremental")]
    [InlineData("collectgarbage('generational'); return collectgarbage('generational')", "generational")]
    [InlineData("return collectgarbage('incremental', 150, 200, 12)", "incremental")]
    public void ModeOptions_ReturnPreviousMode(string code, string expected)
    {
        using LuaState lua = NewLua();
        Assert.Equal(expected, lua.DoString(code)[0].ToString());
    }

    [Fact]
    public void StopAndRestart_AreSeenByIsRunning()
    {
        using LuaState lua = NewLua();
        LuaValue[] r = lua.DoString("""
            local a = collectgarbage("isrunning")
            collectgarbage("stop")
            local b = collectgarbage("isrunning")
            collectgarbage("restart")
            return a, b, collectgarbage("isrunning")
            """);
        Assert.True(r[0].ToBoolean());
        Assert.False(r[1].ToBoolean());
        Assert.True(r[2].ToBoolean());
    }

    [Fact]
    public void IncrementalParameters_AreSetByScriptAndHost()
    {
        using LuaState lua = NewLua();
        lua.DoString("collectgarbage('incremental', 150, 300, 11)");
        Assert.Equal(150, lua.GcPause);
        Assert.Equal(300, lua.GcStepMultiplier);
        Assert.Equal(11, lua.GcStepSize);
        lua.GcStepSize = 9;
        Assert.Equal(9, lua.GcStepSize);
        Assert.Equal(LuaGcMode.Incremental, lua.GcMode);
        lua.DoString("collectgarbage('generational')");
        Assert.Equal(LuaGcMode.Generational, lua.GcMode);
    }

    [Fact]
    public void ManualMode_NeverCollectsByItself()
    {
        using LuaState lua = NewLua();
        lua.GcMode = LuaGcMode.Manual;
        long before = lua.MemoryStats.Collections;
        long steps = Gc(lua).Steps;
        lua.DoString("collectgarbage('restart'); for i = 1, 200000 do local t = { i } end");
        Assert.Equal(steps, Gc(lua).Steps);
        Assert.Equal(before, lua.MemoryStats.Collections);
        Assert.False(lua.DoString("return collectgarbage('isrunning')")[0].ToBoolean());
        Assert.Equal(LuaGcMode.Manual, lua.GcMode);
    }

    [Fact]
    public void ManualMode_StepPerFrame_KeepsSteadyStateWithinLimit()
    {
        const long limit = 8L * 1024 * 1024;
        using LuaState lua = NewLua(limit);
        lua.GcMode = LuaGcMode.Manual;
        lua.DoString("""
            keep = {}
            for i = 1, 2000 do keep[i] = { i } end
            function frame(n)
              for i = 1, 2000 do local t = { n, i, "x" .. i } end
            end
            """);
        LuaFunction frame = lua["frame"].AsFunction();
        int cycles = 0;
        for (int f = 0; f < 300; f++)
        {
            frame.Call(f);
            if (lua.GcStep(20000))
            {
                cycles++;
            }
        }

        Assert.True(cycles > 2, $"{cycles} cycles");
        Assert.Equal(0, Gc(lua).EmergencyCollections);
        Assert.True(lua.MemoryStats.PeakBytesInUse < limit / 2, $"peak {lua.MemoryStats.PeakBytesInUse}");
        Assert.Null(HeapVerifier.Verify(lua.Global));
    }

    [Fact]
    public void GcStepByTime_Returns()
    {
        using LuaState lua = NewLua();
        lua.GcMode = LuaGcMode.Manual;
        lua.DoString("t = {} for i = 1, 1000 do t[i] = {} end");
        bool ended = false;
        for (int i = 0; i < 10000 && !ended; i++)
        {
            ended = lua.GcStep(TimeSpan.FromMilliseconds(1));
        }

        Assert.True(ended);
        Assert.False(lua.GcCycleInProgress);
    }

    [Fact]
    public void ManualMode_OutOfMemory_CollectsFirstThenRaises()
    {
        using LuaState lua = NewLua(4L * 1024 * 1024);
        lua.GcMode = LuaGcMode.Manual;
        // Garbage only: the emergency collection makes room.
        lua.DoString("for i = 1, 100 do local s = string.rep('x', 100000 + i) end");
        Assert.True(Gc(lua).EmergencyCollections > 0);
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
        Assert.Null(HeapVerifier.Verify(lua.Global));
    }

    [Fact]
    public void Barrier_StoresIntoTraversedTablesMidCycle_KeepObjectsAlive()
    {
        using LuaState lua = NewLua();
        LuaValue[] r = lua.DoString("""
            local old = {}
            for i = 1, 5000 do old[i] = { i } end
            local up = {}
            local function get() return up end
            collectgarbage("collect")
            collectgarbage("stop")
            local n = 0
            repeat
              n = n + 1
              -- new objects stored into old (probably black) objects, old references dropped
              local k = n % 5000 + 1
              old[k] = { n, tostring(n) .. "s" }
              old[k % 5000 + 1][2] = { tostring(n) }
              up = { n }
              setmetatable(old[1], { __index = { n } })
            until collectgarbage("step", 0) and n > 50
            collectgarbage("collect")
            local sum = 0
            for i = 1, 5000 do sum = sum + #old[i] end
            return n, get()[1], sum, getmetatable(old[1]).__index[1]
            """);
        long n = r[0].ToInteger();
        Assert.Equal(n, r[1].ToInteger());
        Assert.True(r[2].ToInteger() >= 5000);
        Assert.Equal(n, r[3].ToInteger());
        Assert.Null(HeapVerifier.Verify(lua.Global, afterFullCollection: true));
    }
}
