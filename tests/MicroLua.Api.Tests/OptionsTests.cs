using System.Runtime.InteropServices;
using MicroLua.Compiler;
using MicroLua.Host;

namespace MicroLua.Api.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Default_IsSafePreset_NoDebugNoIoNoOs()
    {
        Assert.Equal(LuaLibraries.Safe, new LuaOptions().Libraries);
        using var lua = new Lua();
        Assert.Equal("nil nil nil table table function", lua.Eval("type(debug) .. ' ' .. type(io) .. ' ' .. type(os) .. ' ' .. type(string) .. ' ' .. type(coroutine) .. ' ' .. type(require)").ToString());
    }

    [Fact]
    public void Safe_LoadOfBinaryChunk_FailsWithClearMessage()
    {
        using var lua = new Lua();
        LuaValue[] r = lua.Do("return load('\\27Lua\\84\\0')");
        Assert.True(r[0].IsNil);
        Assert.Contains("binary chunks are disabled", r[1].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void BinaryChunksFlag_LetsLoadReachTheBinaryLoader()
    {
        using var lua = new Lua(new LuaOptions { Libraries = LuaLibraries.Safe | LuaLibraries.BinaryChunks });
        LuaValue[] r = lua.Do("return load('\\27Lua\\84\\0')");
        Assert.True(r[0].IsNil);
        Assert.DoesNotContain("disabled", r[1].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void All_OpensDebug()
    {
        using var lua = new Lua(new LuaOptions { Libraries = LuaLibraries.All });
        Assert.Equal("table", lua.Eval("type(debug)").ToString());
    }

    [Fact]
    public void None_OpensNothing()
    {
        using var lua = new Lua(new LuaOptions { Libraries = LuaLibraries.None });
        Assert.True(lua.State["print"].IsNil);
        Assert.Equal(3L, lua.Eval("1 + 2").ToInteger());
    }

    [Fact]
    public void HostOpenSafe_OsHasOnlyClockTimeDateDifftime()
    {
        using var lua = new Lua();
        LuaHostLibraries.OpenSafe(lua.State);
        lua.Do("names = {} for k in pairs(os) do names[#names + 1] = k end table.sort(names) s = table.concat(names, ',')");
        Assert.Equal("clock,date,difftime,time", lua.State["s"].ToString());
        Assert.True(lua.Eval("io").IsNil);
        Assert.Equal("number", lua.Eval("type(os.time())").ToString());
    }

    [Fact]
    public void HostOpenAll_IsTrustedPreset()
    {
        using var lua = new Lua();
        LuaHostLibraries.OpenAll(lua.State);
        Assert.Equal("table table table", lua.Eval("type(io) .. ' ' .. type(debug) .. ' ' .. type(os.getenv and os)").ToString());
    }

    [Fact]
    public void MemoryLimit_ScriptRunsOutOfMemory_StateStaysUsable()
    {
        using var lua = new Lua(new LuaOptions { MemoryLimit = 1024 * 1024 });
        var e = Assert.Throws<LuaException>(() => lua.Do("local t = {} for i = 1, 1e7 do t[i] = tostring(i) .. 'x' end"));
        Assert.Equal("not enough memory", e.Message);
        Assert.Equal(7L, lua.Eval("3 + 4").ToInteger());
        Assert.True(lua.State.MemoryStats.PoolBytes <= 1024 * 1024);
    }

    [Fact]
    public unsafe void CallerBlock_HoldsTheHeap_DisposeLeavesItToTheCaller()
    {
        const int size = 512 * 1024;
        byte* block = (byte*)NativeMemory.AlignedAlloc(size, 64);
        try
        {
            using (var lua = new LuaState(new LuaOptions { Compiler = LuaCompiler.Instance }, block, size))
            {
                Assert.InRange(lua.MemoryStats.PoolBytes, size - 4096, size);
                Assert.Equal("abcabc", lua.DoString("return string.rep('abc', 2)")[0].ToString());
                Assert.Throws<LuaException>(() => lua.DoString("local t = {} for i = 1, 1e6 do t[i] = {} end"));
            }

            block[0] = 1; // still ours after Dispose
        }
        finally
        {
            NativeMemory.AlignedFree(block);
        }
    }

    [Fact]
    public void MaxCallDepth_BoundsNestedHostCalls()
    {
        const string code = "local n = 0 local function f() n = n + 1 pcall(f) end f() return n";
        using var small = new Lua(new LuaOptions { MaxCallDepth = 50 });
        using var normal = new Lua();
        long a = small.Eval($"(function() {code} end)()").ToInteger();
        long b = normal.Eval($"(function() {code} end)()").ToInteger();
        Assert.InRange(a, 30, 50);
        Assert.InRange(b, 150, 200);
    }

    [Fact]
    public void MaxStackSize_BoundsLuaRecursion()
    {
        using var lua = new Lua(new LuaOptions { MaxStackSize = 5000 });
        var e = Assert.Throws<LuaException>(() => lua.Do("local function r(n) return 1 + r(n + 1) end return r(1)"));
        Assert.Contains("stack overflow", e.Message, StringComparison.Ordinal);
        Assert.Equal(2L, lua.Eval("1 + 1").ToInteger());
    }

    [Fact]
    public void Limits_OutOfRange_AreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LuaState(new LuaOptions { MaxCallDepth = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LuaState(new LuaOptions { MemoryLimit = 100 }));
    }

    [Fact]
    public void HashSeed_SameSeed_SameIterationOrder()
    {
        const string code = "local t = {} for i = 1, 50 do t['k' .. i] = i end local s = {} for k in pairs(t) do s[#s + 1] = k end return table.concat(s, ',')";
        using var a = new Lua(new LuaOptions { HashSeed = 7 });
        using var b = new Lua(new LuaOptions { HashSeed = 7 });
        Assert.Equal(a.Eval($"(function() {code} end)()").ToString(), b.Eval($"(function() {code} end)()").ToString());
    }

    [Fact]
    public void CollectorParameters_AreUsed()
    {
        using var lua = new Lua(new LuaOptions { GcPause = 100, GcStepMultiplier = 400 });
        lua.Do("for i = 1, 20000 do local t = {i} end");
        Assert.Equal(400, lua.State.Options.GcStepMultiplier);
        Assert.True(lua.Eval("collectgarbage('count')").ToNumber() > 0);
    }

    [Fact]
    public void GcStatistics_CountMinorCollectionsInGenerationalMode()
    {
        using var lua = new Lua();
        LuaGcStatistics before = lua.State.GcStatistics;
        Assert.Equal(0, before.MinorCollections);
        lua.State.GcMode = LuaGcMode.Generational;
        Assert.Equal(LuaGcMode.Generational, lua.State.GcMode);
        lua.Do("for i = 1, 50000 do local t = { i } end");
        Assert.True(lua.State.GcStep(1));
        LuaGcStatistics after = lua.State.GcStatistics;
        Assert.True(after.MinorCollections > 0);
        Assert.True(after.Work > before.Work);
        Assert.True(after.Steps > before.Steps);
        Assert.True(after.Time > TimeSpan.Zero);
        Assert.Equal("generational", lua.Eval("collectgarbage('incremental')").ToString());
        Assert.Equal(LuaGcMode.Incremental, lua.State.GcMode);
    }
}
