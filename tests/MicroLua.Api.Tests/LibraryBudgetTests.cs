using System.Runtime.ExceptionServices;
using MicroLua.Host;

namespace MicroLua.Api.Tests;

/// <summary>
/// Work done inside library functions and CONCAT counts against the instruction budget
/// (docs/architecture.md, "Stopping runaway scripts"): each of these single calls or short
/// loops would run for minutes uncharged. They run on a thread with a 1 MiB stack, the
/// Windows default.
/// </summary>
public sealed class LibraryBudgetTests
{
    /// <summary>Runs <paramref name="body"/> on a thread with a 1 MiB stack and rethrows what it threw.</summary>
    internal static void OnSmallStack(Action body)
    {
        Exception? error = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    body();
                }
                catch (Exception e)
                {
                    error = e;
                }
            },
            1024 * 1024);
        thread.Start();
        thread.Join();
        if (error != null)
        {
            ExceptionDispatchInfo.Throw(error);
        }
    }

    [Theory]
    [InlineData("table.move({}, 2, math.maxinteger, 1)")]
    [InlineData("for _ in string.gmatch(string.rep('a', 20000), '(a-)%1b') do end")]
    [InlineData("local s = string.rep('x', 4 * 1024 * 1024) for i = 1, 1000000 do local t = s .. s end")]
    [InlineData("local s = string.rep('x', 200000000)")]
    [InlineData("local s = string.rep('a', 20000) for i = 1, 1000000 do s:find('.-.-.-.-b') end")]
    [InlineData("local t = {} for i = 1, 100000 do t[i] = i end for i = 1, 1000000 do table.insert(t, 1, i) end")]
    [InlineData("local t = {} for i = 1, 100000 do t[i] = 'x' end for i = 1, 1000000 do local s = table.concat(t) end")]
    [InlineData("local t = {} for i = 1, 100000 do t[i] = i end for i = 1, 1000000 do table.sort(t, function(a, b) return a > b end) end")]
    [InlineData("local t = {} for i = 1, 100000 do t[i] = i end for i = 1, 1000000 do local a = select('#', table.unpack(t)) end")]
    [InlineData("local s = string.rep('a', 1000000) for i = 1, 1000000 do local r = s:gsub('a', '%0%0') end")]
    [InlineData("local s = string.rep('\\u{10FFFF}', 100000) for i = 1, 1000000 do local n = utf8.len(s) end")]
    [InlineData("local s = string.rep('a', 1000000) for i = 1, 1000000 do local r = s:upper() end")]
    [InlineData("for i = 1, 1000000 do local s = string.pack('c10000000', '') end")]
    [InlineData("local function f(...) return select('#', ...) end local t = {} for i = 1, 100000 do t[i] = i end local function g(...) for i = 1, 1000000 do f(...) end end g(table.unpack(t))")]
    [InlineData("local s = string.rep('1', 1000000) for i = 1, 1000000 do local x = s + 1 end")]
    [InlineData("local s = string.rep('1', 1000000) for i = 1, 1000000 do local x = math.abs(s) end")]
    [InlineData("local a, b = string.rep('x', 1 << 22), string.rep('x', 1 << 22) for i = 1, 1000000 do local e = a == b or a < b end")]
    [InlineData("local t = {} for i = 1, 100000 do t[i] = {} end for i = 1, 1000000 do collectgarbage() end")]
    public void LibraryWork_UnderABudget_StopsWithBudgetExceeded(string code)
    {
        OnSmallStack(() =>
        {
            using var lua = new Lua(new LuaOptions { MemoryLimit = 64L * 1024 * 1024 });
            lua.State.InstructionBudget = 2_000_000;
            Assert.Throws<LuaBudgetExceededException>(() => lua.Do(code));
            Assert.Equal(0, lua.State.InstructionBudget);
            lua.State.InstructionBudget = null;
            Assert.Equal(3, lua.Eval("1 + 2").ToInteger()); // the state is usable after the stop
        });
    }

    [Fact]
    public void OsDate_LongFormat_StopsWithBudgetExceeded()
    {
        OnSmallStack(() =>
        {
            using var lua = new Lua();
            LuaHostLibraries.OpenSafe(lua.State);
            lua.State.InstructionBudget = 2_000_000;
            Assert.Throws<LuaBudgetExceededException>(() => lua.Do("local f = string.rep('%c', 1000000) for i = 1, 1000000 do local s = os.date(f, 0) end"));
            Assert.Equal(0, lua.State.InstructionBudget);
        });
    }

    [Fact]
    public void TableMove_WrappingDestination_IsAnErrorAsInLua()
    {
        using var lua = new Lua();
        lua.State.InstructionBudget = 2_000_000;
        var e = Assert.Throws<LuaException>(() => lua.Do("table.move({}, 1, math.maxinteger, 2)"));
        Assert.Contains("bad argument #4 to 'move' (destination wrap around)", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("local function f(n) if n == 0 then for i = 1, 1000000 do local d = debug.getinfo(150000, 'l') end else f(n - 1) end end f(190000)")]
    [InlineData("local function f(n) if n == 0 then for i = 1, 1000000 do local d = debug.traceback() end else f(n - 1) end end f(190000)")]
    [InlineData("local function f(n) if n == 0 then for i = 1, 1000000 do pcall(error, 'x', 150000) end else f(n - 1) end end f(190000)")]
    public void LevelWalks_InADeepStack_AreCharged(string code)
    {
        OnSmallStack(() =>
        {
            using var lua = new Lua(new LuaOptions { Libraries = LuaLibraries.All, MemoryLimit = 64L * 1024 * 1024 });
            lua.State.InstructionBudget = 2_000_000;
            Assert.Throws<LuaBudgetExceededException>(() => lua.Do(code));
        });
    }

    [Fact]
    public void LineHook_InADeepRecursion_LooksUpItsLevelInConstantTime()
    {
        OnSmallStack(() =>
        {
            using var lua = new Lua(new LuaOptions { Libraries = LuaLibraries.All, MemoryLimit = 64L * 1024 * 1024 });
            lua.State.InstructionBudget = 10_000_000;
            // 150,000 levels, each line hook asks for level 2: cheap once a lookup walks only the levels it needs
            Assert.Equal(0, lua.Eval("(function() local n = 0 debug.sethook(function() n = n + 1 local i = debug.getinfo(2, 'f') end, 'l') local function f(k) if k > 0 then return 1 + f(k - 1) end return 0 end local r = f(150000) debug.sethook() return r - 150000 end)()").ToInteger());
        });
    }

    [Fact]
    public void StringRep_OfTheEmptyString_ReturnsAtOnce()
    {
        OnSmallStack(() =>
        {
            using var lua = new Lua();
            lua.State.InstructionBudget = 2_000_000;
            Assert.Equal("", lua.Eval("string.rep('', 1e15)").ToString());
            Assert.Equal("", lua.Eval("string.rep('', 1e15, '')").ToString());
            Assert.True(lua.State.InstructionBudget > 2_000_000 - 10);
        });
    }

    [Fact]
    public void LibraryWork_IsChargedByItsRate()
    {
        using var lua = new Lua();
        lua.State.InstructionBudget = 10_000_000;
        lua.Do("local s = string.rep('x', 640000)"); // 640,000 bytes and as many pieces: 20,000 units
        long used = 10_000_000 - lua.State.InstructionBudget!.Value;
        Assert.Equal(20_000 + 1, used); // and the call of the chunk
        lua.State.InstructionBudget = 10_000_000;
        lua.Do("table.move({}, 1, 5000, 2)"); // one unit per element
        Assert.Equal(5_000 + 1, 10_000_000 - lua.State.InstructionBudget!.Value);
    }

    [Fact]
    public void LibraryWork_PollsTheCancellationToken()
    {
        OnSmallStack(() =>
        {
            using var lua = new Lua();
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
            lua.State.CancellationToken = cts.Token;
            Assert.ThrowsAny<OperationCanceledException>(() =>
                lua.Do("for _ in string.gmatch(string.rep('a', 20000), '(a-)%1b') do end"));
        });
    }

    [Fact]
    public void LongLimits_GiveLuasMessages()
    {
        using var lua = new Lua(new LuaOptions { MemoryLimit = 64L * 1024 * 1024 });
        lua.Do("s = string.rep('a', 2000000) function show(...) local t = table.pack(...) for i = 1, t.n do t[i] = tostring(t[i]) end return table.concat(t, ' ') end");
        Assert.Equal("false stack overflow (string slice too long)", lua.Eval("show(pcall(string.byte, s, 1, -1))").ToString());
        Assert.Equal("false stack overflow (string slice too long)", lua.Eval("show(pcall(utf8.codepoint, s, 1, -1))").ToString());
        Assert.Equal("false stack overflow (too many results)", lua.Eval("show(pcall(string.unpack, string.rep('b', 2000000), s))").ToString());
    }

    [Theory]
    [InlineData(-10, "97 2")]
    [InlineData(0, "97 2")]
    [InlineData(-3, "97 2")]
    [InlineData(-1, "99 4")]
    [InlineData(4, "false bad argument #2 to 'unpack' (data string too short)")]
    [InlineData(5, "false bad argument #3 to 'unpack' (initial position out of string)")]
    public void StringUnpack_ClipsStartPositions_As54(long init, string expected)
    {
        using var lua = new Lua();
        string got = lua.Eval($"(function(ok, ...) if ok then return table.concat({{...}}, ' ') end return 'false ' .. ... end)(pcall(string.unpack, 'b', 'abc', {init}))").ToString();
        Assert.Equal(expected, got.Replace("string.unpack", "unpack", StringComparison.Ordinal));
    }
}
