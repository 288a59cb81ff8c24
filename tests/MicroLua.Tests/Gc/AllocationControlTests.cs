using MicroLua.Compiler;
using MicroLua.Gc;

namespace MicroLua.Tests.Gc;

/// <summary>The allocation freeze and the allocation profile (LuaState.Allocation.cs).</summary>
public sealed class AllocationControlTests
{
    private static LuaState NewLua() =>
        new(new LuaOptions { Compiler = LuaCompiler.Instance, HashSeed = 7 });

    [Fact]
    public void Freeze_AllocationRaisesErrorNamingTheLine_AndDisarms()
    {
        using LuaState lua = NewLua();
        lua.DoString("""
            function frame(n)
              local x = n * 2
              return {x}
            end
            """, "=game");
        LuaFunction frame = lua["frame"].AsFunction();
        lua.AllocationFrozen = true; // armed after loading: compiling a chunk allocates
        var e = Assert.Throws<LuaException>(() => frame.Call(1));
        Assert.Equal("game:3: allocation while allocations are frozen (table)", e.Message);
        Assert.False(lua.AllocationFrozen);
        Assert.Null(HeapVerifier.Verify(lua.Global));
        Assert.Equal(2, lua.DoString("return frame(1)[1]")[0].ToInteger());
    }

    [Fact]
    public void Freeze_NonAllocatingFrameLoopRuns()
    {
        using LuaState lua = NewLua();
        lua.DoString("""
            state = { x = 0, v = 1 }
            function frame()
              for i = 1, 1000 do
                state.x = state.x + state.v
              end
              return state.x
            end
            """);
        LuaFunction frame = lua["frame"].AsFunction();
        lua.AllocationFrozen = true;
        for (int i = 1; i <= 10; i++)
        {
            LuaValue[] r = frame.Call();
            Assert.Equal(1000L * i, r[0].ToInteger());
        }

        Assert.True(lua.AllocationFrozen);
        lua.AllocationFrozen = false;
    }

    [Fact]
    public void Freeze_HostFunctionAllocation_NamesTheCallingLine()
    {
        using LuaState lua = NewLua();
        lua.DoString("function f(n)\n  local r = string.rep('ab', n)\n  return #r\nend", "=chunk");
        LuaFunction f = lua["f"].AsFunction();
        f.Call(50); // once unfrozen: the first call may grow the stack
        lua.AllocationFrozen = true; // a string argument from .NET would be an allocation of the API's
        var e = Assert.Throws<LuaException>(() => f.Call(50));
        Assert.Equal("chunk:2: allocation while allocations are frozen (string)", e.Message);
    }

    [Fact]
    public void Profile_CountsPerLineAndType()
    {
        using LuaState lua = NewLua();
        lua.AllocationProfiling = true;
        lua.DoString("""
            local t = {}
            for i = 1, 1000 do
              t[i] = {i}
            end
            local f
            for i = 1, 10 do f = function() return i end end
            """, "=prof");
        lua.AllocationProfiling = false;
        IReadOnlyList<LuaAllocationSite> rows = lua.GetAllocationProfile();
        LuaAllocationSite tables = rows.Single(r => r.Source == "prof" && r.Line == 3 && r.Type == "Table");
        Assert.Equal(1000, tables.Count);
        Assert.Equal(1000 * 32, tables.Bytes);
        // 1,000 arrays of {i}, and the 11 growths of t's array part (1, 2, 4, ... 1,024 slots)
        Assert.Equal(1011, rows.Single(r => r.Source == "prof" && r.Line == 3 && r.Type == "TableArray").Count);
        Assert.Equal(10, rows.Single(r => r.Source == "prof" && r.Line == 6 && r.Type == "LuaClosure").Count);
        Assert.Equal(1, rows.Single(r => r.Source == "prof" && r.Line == 1 && r.Type == "Table").Count);
        for (int i = 1; i < rows.Count; i++)
        {
            Assert.True(rows[i - 1].Bytes >= rows[i].Bytes);
        }

        long before = lua.MemoryStats.TotalAllocations;
        lua.DoString("local t = {} t[1] = {}", "=off");
        Assert.True(lua.MemoryStats.TotalAllocations > before);
        Assert.DoesNotContain(lua.GetAllocationProfile(), r => r.Source == "off");
        lua.ResetAllocationProfile();
        Assert.Empty(lua.GetAllocationProfile());
    }

    [Fact]
    public void ProfileAndFreeze_Together_FreezeTripsProfileGoesOn()
    {
        using LuaState lua = NewLua();
        lua.AllocationProfiling = true;
        lua.AllocationFrozen = true;
        Assert.Throws<LuaException>(() => lua.DoString("return {}", "=both"));
        Assert.True(lua.AllocationProfiling);
        lua.DoString("local a = {}\nlocal b = {}", "=after");
        Assert.Contains(lua.GetAllocationProfile(), r => r.Source == "after" && r.Line == 2 && r.Type == "Table");
    }
}
