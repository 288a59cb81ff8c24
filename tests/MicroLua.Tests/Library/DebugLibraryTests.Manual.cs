namespace MicroLua.Tests.Library;

/// <summary>Cases lua5.4 cannot produce directly (its standalone interpreter runs the chunk inside a C function, whose return a hook also sees).</summary>
public sealed partial class DebugLibraryTests
{
    [Theory]
    [InlineData("debug.sethook(print, 'lcr', 3) local f, m, n = debug.gethook() print(f == print, m, n)", "return\tnil\ncount\tnil\nline\t1\ncall\tnil\nreturn\tnil\ncount\tnil\nline\t1\ncount\tnil\nline\t1\ncall\tnil\ntrue\tcrl\t3\nreturn\tnil\nreturn\tnil\n")]
    [InlineData("debug.sethook(print, 'l') print(select(2, debug.gethook()))", "l\t0\n")]
    [InlineData("debug.sethook(print, '', 5) print(select(2, debug.gethook()))", "count\tnil\n\t5\n")]
    [InlineData("debug.sethook(print, '', 0) print(debug.gethook())", "nil\n")]
    [InlineData("debug.sethook(print, 'c') debug.sethook() print(debug.gethook())", "call\tnil\nnil\n")]
    [InlineData("local co = coroutine.create(function() end) debug.sethook(co, print, 'r') print(debug.gethook(), select(2, debug.gethook(co)))", "nil\tr\t0\n")]
    [InlineData("local function h() end debug.sethook(h, 'l') collectgarbage() print(debug.gethook() == h)", "true\n")]
    public void Hooks_AreCalledStoredAndReturned(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Fact]
    public void GetInfo_LevelFieldsSurviveGcStress()
    {
        const string code = "local function f(...) local t = {} for l = 0, 3 do local i = debug.getinfo(l) if i then t[#t + 1] = i.what .. ':' .. i.short_src .. ':' .. i.currentline end end return table.concat(t, ' ') end print(f(1, 2))";
        Assert.Equal("C:[C]:-1 Lua:t:1 main:t:1 C:[C]:-1\n", LuaRun.Output(code, gcStress: true));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void UserValuesAndMetatables_OnFileUserdata_MatchLua(bool gcStress)
    {
        // Expected from lua5.4: a file handle is a full userdata with no user values.
        using var host = new MicroLua.Tests.Host.HostTestState(gcStress);
        const string code = """
            print(debug.getuservalue(io.stdout), select('#', debug.getuservalue(io.stdout)), select('#', debug.getuservalue(io.stdout, 0)))
            print(debug.setuservalue(io.stdout, 1))
            local mt = debug.getmetatable(io.stdout) print(mt == getmetatable(io.stdout), type(mt.__index))
            local u = io.tmpfile() print(debug.setmetatable(u, nil) == u, getmetatable(u)) debug.setmetatable(u, mt) print(io.type(u)) u:close()
            """;
        Assert.Equal("nil\t1\t1\nnil\ntrue\ttable\ntrue\tnil\nfile\n", host.Run(code));
    }
}
