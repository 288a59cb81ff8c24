using MicroLua.Compiler;
using MicroLua.Core;
using MicroLua.Gc;
using MicroLua.Values;

namespace MicroLua.Tests.Memory;

/// <summary>Library tables filled on first use (TableObj.Lazy): the first lookup, assignment or traversal sees the table the library would have made.</summary>
public sealed unsafe class LazyLibraryTests
{
    private static LuaState New(long limit = 1 << 20) =>
        new(new LuaOptions { MemoryLimit = limit, Libraries = LuaLibraries.All, HashSeed = 1, Compiler = LuaCompiler.Instance, Output = (_, _) => { } });

    private static int Nodes(LuaState s, string global)
    {
        Value t = LuaTable.Get(s.Global, s.GlobalsTable, s.Global.NewString(global));
        return LuaTable.NodeCount(LuaTable.Obj(s.Global, t.R));
    }

    [Fact]
    public void ALibraryTableIsEmptyUntilUsedAndThenHasItsFields()
    {
        using LuaState s = New();
        Assert.Equal(0, Nodes(s, "string"));
        Assert.Equal(0, Nodes(s, "math"));
        Assert.Equal(3L, s.DoString("return ('abc'):len()")[0].ToInteger());
        Assert.Equal(32, Nodes(s, "string")); // 17 fields
        Assert.Equal(0, Nodes(s, "math"));
        Assert.Null(HeapVerifier.Verify(s.Global));
    }

    [Theory]
    [InlineData("local n = 0 for k, v in pairs(math) do n = n + 1 end return n", 27)]
    [InlineData("local n = 0 local k = next(table) while k do n = n + 1 k = next(table, k) end return n", 7)]
    [InlineData("return rawget(string, 'len') == string.len and 1 or 0", 1)]
    [InlineData("string.extra = 1 local n = 0 for k in pairs(string) do n = n + 1 end return n", 18)]
    [InlineData("setmetatable(utf8, { __index = function() return 1 end }) return type(utf8.char) == 'function' and 1 or 0", 1)]
    [InlineData("setmetatable(coroutine, { __newindex = function() error('no') end }) coroutine.wrap = 1 return coroutine.wrap", 1)]
    [InlineData("return #debug", 0)]
    [InlineData("return select('#', table.unpack({1, 2, 3}))", 3)]
    public void EveryAccessSeesTheFilledTable(string code, long expected)
    {
        using LuaState s = New();
        Assert.Equal(expected, s.DoString(code)[0].ToInteger());
        Assert.Null(HeapVerifier.Verify(s.Global));
    }

    [Fact]
    public void AFillWithoutRoomIsNotEnoughMemoryAndLeavesTheTableToFillLater()
    {
        using LuaState s = New(16 << 10);
        s.DoString("hold = {} pcall(function() for i = 1, 1e6 do hold[i] = {} end end)"); // fills the heap
        LuaValue[] r = s.DoString("return pcall(function() return string.format end)");
        Assert.False(r[0].ToBoolean());
        Assert.Equal("not enough memory", r[1].AsString());
        Assert.Equal(0, Nodes(s, "string"));
        Assert.Null(HeapVerifier.Verify(s.Global));
        Assert.Equal("x1", s.DoString("hold = nil collectgarbage() return string.format('x%d', 1)")[0].AsString());
        Assert.Equal(32, Nodes(s, "string"));
    }

    [Fact]
    public void FilledLibraryTablesHaveNoNodeBeyondTheirPowerOfTwo()
    {
        using LuaState s = New();
        s.Runtime.FillLazyTables();
        foreach (var (name, fields) in new[] { ("coroutine", 8), ("string", 17), ("table", 7), ("math", 27), ("utf8", 6), ("debug", 15) })
        {
            Assert.Equal(StateFootprintTests.PowerOfTwoAtLeast(fields), Nodes(s, name));
        }

        Assert.Equal(1, s.MemoryStats.FreeBlocks); // every fill found its table at its final size
    }
}
