using MicroLua.Host;

namespace MicroLua.Api.Tests;

/// <summary>
/// Library functions in steady state allocate nothing on the managed heap: their results live
/// in the Lua heap. Each case runs a loop of calls twice to warm up (the first loop leaves a
/// few bytes of tiering behind for some calls), then again measured. <see cref="Cases"/> names
/// every function of the base, string, table, math, utf8 and coroutine libraries and of the
/// sandbox's os (clock, date, difftime, time), and <see cref="Excluded"/> the few left out with
/// the reason; <see cref="EveryLibraryFunction_HasACaseOrAnExclusion"/> enumerates the library
/// tables so a new function cannot go unmeasured. Errors raised by error() and assert() and
/// caught by pcall are free (CallContext.Raise: no .NET exception); an argument error of a
/// library function is not yet (a thrown LuaError: about 750-960 bytes), nor an error the VM
/// raises (arithmetic on nil ...), listed in <see cref="StillAllocating"/>.
/// </summary>
public sealed class LibraryAllocationTests
{
    /// <summary>Each library function and the calls that cover it (the loop's locals: long, t, t2, mt, packed, co, f, f2, e).</summary>
    private static readonly Dictionary<string, string[]> Cases = new()
    {
        ["assert"] = ["assert(1)", "pcall(assert, false)", "pcall(assert, nil, 'message')"],
        ["collectgarbage"] = ["collectgarbage('count')", "collectgarbage('step', 0)", "collectgarbage('isrunning')"],
        ["error"] = ["pcall(error, 'x')", "pcall(error, t)", "pcall(error)", "pcall(f2)", "pcall(e)", "xpcall(f2, f)", "xpcall(error, f, 'x')"],
        ["getmetatable"] = ["getmetatable('x')"],
        ["ipairs"] = ["ipairs(t)", "for _ in ipairs(t) do end"],
        ["next"] = ["next(t)"],
        ["pairs"] = ["pairs(t)", "for _ in pairs(t) do end"],
        ["pcall"] = ["pcall(f)"],
        ["rawequal"] = ["rawequal(t, t)"],
        ["rawget"] = ["rawget(t, 1)"],
        ["rawlen"] = ["rawlen(t)", "#t"],
        ["rawset"] = ["rawset(t2, 4, 1)"],
        ["select"] = ["select('#', 1, 2, 3)"],
        ["setmetatable"] = ["setmetatable({}, mt)"],
        ["tonumber"] = ["tonumber('0x10')"],
        ["tostring"] = ["tostring(12)", "tostring(1.5)", "tostring(t)"],
        ["type"] = ["type(long)"],
        ["xpcall"] = ["xpcall(f, f)"],
        ["coroutine.close"] = ["coroutine.close(coroutine.create(f))"],
        ["coroutine.create"] = ["coroutine.create(f)"],
        ["coroutine.isyieldable"] = ["coroutine.isyieldable()"],
        ["coroutine.resume"] = ["coroutine.resume(coroutine.create(f))"],
        ["coroutine.running"] = ["coroutine.running()"],
        ["coroutine.status"] = ["coroutine.status(co)"],
        ["coroutine.wrap"] = ["coroutine.wrap(f)", "coroutine.wrap(f)()"],
        ["coroutine.yield"] = ["coroutine.resume(coroutine.create(coroutine.yield))"],
        ["math.abs"] = ["math.abs(-1)"],
        ["math.acos"] = ["math.acos(0.5)"],
        ["math.asin"] = ["math.asin(0.5)"],
        ["math.atan"] = ["math.atan(1, 2)"],
        ["math.ceil"] = ["math.ceil(1.5)"],
        ["math.cos"] = ["math.cos(1)"],
        ["math.deg"] = ["math.deg(1)"],
        ["math.exp"] = ["math.exp(1)"],
        ["math.floor"] = ["math.floor(3.5)"],
        ["math.fmod"] = ["math.fmod(5, 3)"],
        ["math.log"] = ["math.log(8, 2)"],
        ["math.max"] = ["math.max(1, 2, 3)"],
        ["math.min"] = ["math.min(1, 2)"],
        ["math.modf"] = ["math.modf(1.5)"],
        ["math.rad"] = ["math.rad(1)"],
        ["math.random"] = ["math.random()", "math.random(1, 10)"],
        ["math.randomseed"] = ["math.randomseed(1)"],
        ["math.sin"] = ["math.sin(1)"],
        ["math.sqrt"] = ["math.sqrt(2)"],
        ["math.tan"] = ["math.tan(1)"],
        ["math.tointeger"] = ["math.tointeger(3.0)"],
        ["math.type"] = ["math.type(1)"],
        ["math.ult"] = ["math.ult(1, 2)"],
        ["os.clock"] = ["os.clock()"],
        ["os.date"] = ["os.date('!*t', 0)", "os.date('!%Y-%m-%d %H:%M:%S %a %B %j %z %Z', 0)", "os.date('!%c', 0)", "os.date('%Y')"],
        ["os.difftime"] = ["os.difftime(2, 1)"],
        ["os.time"] = ["os.time()", "os.time({year = 2020, month = 1, day = 1})"],
        ["string.byte"] = ["string.byte('abc', 2)"],
        ["string.char"] = ["string.char(104, 105)"],
        ["string.find"] = ["string.find(long, 'xyz', 1, true)", "string.find(long, 'b+c')"],
        ["string.format"] = ["string.format('%d %s', 1, 'x')", "string.format('%f', 1.5)", "string.format('%5.2f', 1.5)", "string.format('%e %g %a', 1.5, 2.5, 3.5)"],
        ["string.gmatch"] = ["string.gmatch('a b', '%a')", "for _ in string.gmatch('a b', '%a') do end"],
        ["string.gsub"] = ["string.gsub('hello world', 'o', '0')", "string.gsub('hello world', '(o)', '%1%1')"],
        ["string.len"] = ["string.len(long)"],
        ["string.lower"] = ["string.lower('HELLO WORLD')"],
        ["string.match"] = ["string.match('key=value', '(%w+)=(%w+)')"],
        ["string.pack"] = ["string.pack('i4', 7)"],
        ["string.packsize"] = ["string.packsize('i4')"],
        ["string.rep"] = ["string.rep('ab', 10)", "string.rep('ab', 10, ',')", "string.rep('abc', 100)", "('x'):rep(3)"],
        ["string.reverse"] = ["string.reverse('hello')"],
        ["string.sub"] = ["string.sub(long, 5, 20)"],
        ["string.unpack"] = ["string.unpack('i4', packed)"],
        ["string.upper"] = ["string.upper('hello world')", "string.upper(long)"],
        ["table.concat"] = ["table.concat(t, ',')", "table.concat(t)"],
        ["table.insert"] = ["table.insert(t, 1) table.remove(t)"],
        ["table.move"] = ["table.move(t, 1, 3, 1, t2)"],
        ["table.pack"] = ["table.pack(1, 2)"],
        ["table.remove"] = ["table.insert(t, 1) table.remove(t)"],
        ["table.sort"] = ["table.sort(t)"],
        ["table.unpack"] = ["table.unpack(t)"],
        ["utf8.char"] = ["utf8.char(72, 228)"],
        ["utf8.codepoint"] = ["utf8.codepoint('abc', 1, 3)"],
        ["utf8.codes"] = ["utf8.codes('ab')", "for _ in utf8.codes('ab') do end"],
        ["utf8.len"] = ["utf8.len('abc')"],
        ["utf8.offset"] = ["utf8.offset('abc', 2)"],
    };

    /// <summary>Functions without a case, and why.</summary>
    private static readonly Dictionary<string, string> Excluded = new()
    {
        ["dofile"] = "loads code: the compiler builds its tree and code on the managed heap (dofile and loadfile come with MicroLua.Host's file loading, not in this state)",
        ["load"] = "loads code (as dofile)",
        ["loadfile"] = "loads code (as dofile)",
        ["require"] = "loads code, and caches after the first call",
        ["print"] = "writes through the host's output callback (host code)",
        ["warn"] = "writes through the host's output callback (host code)",
        ["string.dump"] = "serializes a function: the chunk writer builds managed arrays (784 bytes per call, measured)",
    };

    /// <summary>What still allocates: a thrown LuaError, its stack trace and message strings.</summary>
    private static readonly string[] StillAllocating =
    [
        "pcall(string.rep)",                     // an argument error, thrown by the library function
        "pcall(function() return nil + 1 end)",  // an error the VM raises
    ];

    public static TheoryData<string> Calls()
    {
        var data = new TheoryData<string>();
        foreach (string call in Cases.Values.SelectMany(c => c).Distinct())
        {
            data.Add(call);
        }

        return data;
    }

    private static Lua NewState()
    {
        var lua = new Lua();
        LuaHostLibraries.OpenSafe(lua.State);
        return lua;
    }

    private static long BytesPerLoop(Lua lua, string call)
    {
        string statement = call.StartsWith("for ", StringComparison.Ordinal) || call.Contains("table.insert", StringComparison.Ordinal) ? call : $"local _ = {call}";
        // The values the calls use are made once: the measured function is the loop alone.
        using LuaFunction make = lua.State.Load(
            "local long, t, t2, mt, packed = string.rep('abcdefgh', 20), {1, 2, 3}, {}, {}, '\\7\\0\\0\\0' "
            + "local co, f = coroutine.create(print), function() end "
            + "local function f2() error('m') end local function e() error(t) end "
            + $"return function(n) for i = 1, n do {statement} end end",
            "=loop");
        using LuaFunction loop = make.Invoke().AsFunction();
        loop.Invoke(20_000);
        loop.Invoke(20_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        loop.Invoke(20_000);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public void LibraryCall_InALoop_AllocatesNothing(string call)
    {
        using Lua lua = NewState();
        Assert.Equal(0, BytesPerLoop(lua, call));
    }

    [Fact]
    public void StillAllocating_IsStillListed()
    {
        // Fails when one of these becomes free: move it to Cases then.
        using Lua lua = NewState();
        foreach (string call in StillAllocating)
        {
            Assert.NotEqual(0, BytesPerLoop(lua, call));
        }
    }

    [Fact]
    public void EveryLibraryFunction_HasACaseOrAnExclusion()
    {
        using Lua lua = NewState();
        LuaValue[] names = lua.Do("""
            local names = {}
            for _, lib in ipairs({'_G', 'string', 'table', 'math', 'utf8', 'coroutine', 'os'}) do
              for k, v in pairs(lib == '_G' and _G or _G[lib]) do
                if type(v) == 'function' then names[#names + 1] = (lib == '_G' and '' or lib .. '.') .. k end
              end
            end
            table.sort(names)
            return table.concat(names, ' ')
            """);
        string[] functions = names[0].ToString()!.Split(' ');
        Assert.Equal("", string.Join(" ", functions.Where(n => !Cases.ContainsKey(n) && !Excluded.ContainsKey(n))));
        Assert.Equal("", string.Join(" ", Cases.Keys.Where(n => !functions.Contains(n)))); // and no case for a name that is no function here
    }
}
