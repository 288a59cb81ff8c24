using System.Text;
using MicroLua.Compiler;
using MicroLua.Host;

namespace MicroLua.Tests.Hostile;

/// <summary>
/// What a script can and cannot do to its host (docs/embedding.md, "Guarantees"), through the
/// public API, on small threads: every scenario ends in a Lua error or a documented exception,
/// with the state usable (or cleanly disposed), never in a dead process.
/// </summary>
public sealed class HostileApiTests
{
    private static LuaState NewState(StringBuilder? output = null, LuaOptions? options = null)
    {
        options ??= new LuaOptions();
        var lua = new LuaState(options with
        {
            Compiler = LuaCompiler.Instance,
            Libraries = LuaLibraries.All,
            Output = (bytes, _) => output?.Append(Encoding.UTF8.GetString(bytes)),
        });
        lua.Register("reenter", c =>
        {
            LuaValue[] r = c.State.DoString(c.CheckString(1), "=reenter");
            return c.Return(r.Length > 0 ? r[0] : default);
        });
        return lua;
    }

    [Theory]
    [InlineData(1 << 20)]
    [InlineData(3 << 19)]
    [InlineData(8 << 20)]
    public void HostFunction_ReenteringDoStringRecursively_EndsInCStackOverflow(int stackSize)
    {
        HostileScriptTests.OnThread(stackSize, () =>
        {
            using LuaState lua = NewState();
            lua.DoString("depth = 0 code = 'depth = depth + 1 reenter(code)'");
            LuaException e = Assert.Throws<LuaException>(() => lua.DoString("reenter(code)"));
            Assert.Contains("C stack overflow", e.Message, StringComparison.Ordinal);
            long depth = lua.DoString("return depth")[0].ToInteger();
            Assert.InRange(depth, 10, 200);

            // caught inside, the same: and the state goes on working
            LuaValue[] r = lua.DoString("depth = 0 return pcall(reenter, code)");
            Assert.False(r[0].ToBoolean());
            Assert.Equal(2, lua.DoString("return 1 + 1")[0].ToInteger());
        });
    }

    [Theory]
    [InlineData(256 << 10)]
    [InlineData(1 << 20)]
    public void LibraryCallbacks_RecursingOnSmallThreads_RaiseCStackOverflow(int stackSize)
    {
        HostileScriptTests.OnThread(stackSize, () =>
        {
            using LuaState lua = NewState();
            LuaValue[] r = lua.DoString("local function f(s) return (string.gsub(s, '.', f)) end return pcall(f, 'a')");
            Assert.False(r[0].ToBoolean());
            Assert.Equal("C stack overflow", r[1].AsString());
            r = lua.DoString("local mt = {} mt.__tostring = function() return tostring(setmetatable({}, mt)) end return pcall(tostring, setmetatable({}, mt))");
            Assert.Equal("C stack overflow", r[1].AsString());

            // a load reader that loads itself: the innermost load fails, which load turns into
            // results; what the outer ones make of them depends on the depth (as in lua5.4)
            r = lua.DoString("local function rd() return load(rd) end return pcall(load, rd)");
            Assert.True(r[0].ToBoolean());
            r = lua.DoString("local n = 0 local function h() n = n + 1 return coroutine.wrap(h)() end return pcall(h)");
            Assert.False(r[0].ToBoolean());
            Assert.EndsWith("C stack overflow", r[1].AsString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Compiler_DeepNesting_OnSmallThread_RaisesCStackOverflow()
    {
        HostileScriptTests.OnThread(256 << 10, () =>
        {
            using LuaState lua = NewState();
            LuaException e = Assert.Throws<LuaException>(() => lua.DoString("return " + new string('(', 100_000) + "1"));
            Assert.Contains("C stack overflow", e.Message, StringComparison.Ordinal);
            e = Assert.Throws<LuaException>(() => lua.DoString(string.Concat(Enumerable.Repeat("do ", 100_000))));
            Assert.Contains("C stack overflow", e.Message, StringComparison.Ordinal);
        });
    }

    /// <summary>
    /// lua5.4 inserts one handler per step until the stack is full, then "stack overflow" (after
    /// minutes: every insertion shifts the arguments); the same error at once here. Not a
    /// tests/hostile script because lua5.4 cannot produce its expected output in reasonable time.
    /// </summary>
    [Fact]
    public void SelfReferencingCall_EndsInStackOverflow_AndStateStaysUsable()
    {
        HostileScriptTests.OnThread(HostileScriptTests.OneMiB, () =>
        {
            using LuaState lua = NewState();
            LuaValue[] r = lua.DoString("local t = setmetatable({}, {}) getmetatable(t).__call = t return pcall(t, 1)");
            Assert.False(r[0].ToBoolean());
            Assert.Equal("stack overflow", r[1].AsString());
            r = lua.DoString("local t = setmetatable({}, {}) getmetatable(t).__call = t local function f() return t() end return pcall(f)");
            Assert.EndsWith("...\"]:1: stack overflow", r[1].AsString(), StringComparison.Ordinal); // raised in f: a position
            r = lua.DoString("local function g() return 1 + g() end return pcall(g)");
            Assert.EndsWith(":1: stack overflow", r[1].AsString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void BudgetStop_DeepInLibraryCallbacks_ReachesHostAndStateStaysUsable()
    {
        HostileScriptTests.OnThread(HostileScriptTests.OneMiB, () =>
        {
            using LuaState lua = NewState();
            lua.InstructionBudget = 1_000_000;
            Assert.Throws<LuaBudgetExceededException>(() => lua.DoString(
                "local n = 0 local function f(s) n = n + 1 if n > 60 then while true do end end return (string.gsub(s, '.', f)) end return pcall(f, 'a')"));
            lua.InstructionBudget = null;
            Assert.Equal(3, lua.DoString("return select('#', 1, 2, 3)")[0].ToInteger());
        });
    }

    [Fact]
    public void CloseVariables_OfFramesAbortedByBudget_AreNotRun_AsDocumented()
    {
        var output = new StringBuilder();
        using LuaState lua = NewState(output);
        lua.InstructionBudget = 10_000;
        Assert.Throws<LuaBudgetExceededException>(() => lua.DoString(
            "local x <close> = setmetatable({}, {__close = function() print('closed') end}) while true do end"));
        lua.InstructionBudget = null;
        Assert.Equal("", output.ToString());
        lua.DoString("local y <close> = setmetatable({}, {__close = function() print('next ok') end})");
        Assert.Equal("next ok\n", output.ToString());
    }

    [Fact]
    public void OutOfMemoryFromHostFunction_InsideCallbacks_ReachesHostAndLeavesNoStaleCloseVariables()
    {
        var output = new StringBuilder();
        using LuaState lua = NewState(output);
        lua.Register("oom", _ => throw new OutOfMemoryException());
        HostileScriptTests.OnThread(HostileScriptTests.OneMiB, () => Assert.Throws<OutOfMemoryException>(() => lua.DoString(
            "local x <close> = setmetatable({}, {__close = function() print('closed') end}) " +
            "local function f(s) local y <close> = x return (string.gsub(s, '.', oom)) end pcall(f, 'a')")));
        lua.DoString("local a, b, c local ok, e = pcall(error, 'x') print(ok, e)");
        Assert.Equal("false\tx\n", output.ToString());
    }

    [Fact]
    public void Dispose_FromOwnHostFunction_StopsScriptThenFreesState()
    {
        var output = new StringBuilder();
        LuaState lua = NewState(output);
        lua.Register("kill", c =>
        {
            LuaState self = c.State;
            self.Dispose();
            Assert.True(self.IsDisposed);
            Assert.Throws<ObjectDisposedException>(() => self.DoString("return 1"));
            return 0;
        });
        Assert.ThrowsAny<ObjectDisposedException>(() => lua.DoString("pcall(kill) print('after') while true do end"));
        Assert.True(lua.IsDisposed);
        Assert.Equal("", output.ToString());
        lua.Dispose(); // again: nothing
    }

    [Fact]
    public void Dispose_FromFunctionAFinalizerCalls_StopsScriptThenFreesState()
    {
        var output = new StringBuilder();
        LuaState lua = NewState(output);
        lua.Register("kill", c =>
        {
            c.State.Dispose();
            return 0;
        });
        Assert.ThrowsAny<ObjectDisposedException>(() => lua.DoString(
            "setmetatable({}, {__gc = function() kill() end}) collectgarbage() print('after') for i = 1, 10 do end"));
        Assert.True(lua.IsDisposed);
        Assert.DoesNotContain("after", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_WhenFinalizerCallsDisposeAgain_Completes()
    {
        LuaState lua = NewState();
        lua.Register("kill", c =>
        {
            c.State.Dispose();
            return 0;
        });
        lua.DoString("setmetatable({}, {__gc = function() kill() end})");
        lua.Dispose();
        Assert.True(lua.IsDisposed);
    }

    [Fact]
    public void Dispose_WithLoopingFinalizer_StopsItAndCompletes()
    {
        var output = new StringBuilder();
        LuaState lua = NewState(output);
        lua.DoString("setmetatable({}, {__gc = function() print('gc 1') end}) setmetatable({}, {__gc = function() while true do end end})");
        lua.Dispose();
        Assert.True(lua.IsDisposed);
        Assert.Equal("", output.ToString()); // the looping one (created last) runs first and is stopped
    }

    [Fact]
    public void Dispose_WithBudgetSpentAndTokenCancelled_DoesNotThrow()
    {
        var output = new StringBuilder();
        LuaState lua = NewState(output);
        lua.DoString("setmetatable({}, {__gc = function() print('gc') end})");
        lua.InstructionBudget = 0;
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        lua.CancellationToken = cts.Token;
        lua.Dispose();
        Assert.True(lua.IsDisposed);
    }

    [Fact]
    public void Dispose_WithFailingFinalizerAndCollectionCallback_DoesNotThrow()
    {
        LuaState lua = NewState();
        lua.DoString("setmetatable({}, {__gc = function() error('no') end})");
        using var ud = lua.CreateUserdata(new object(), null, _ => throw new InvalidOperationException("callback fails"));
        lua.Dispose();
        Assert.True(lua.IsDisposed);
    }

    [Fact]
    public async Task SecondThread_WhileStateRuns_GetsInvalidOperationException()
    {
        using LuaState lua = NewState();
        using var inside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        lua.Register("wait", c =>
        {
            inside.Set();
            release.Wait();
            return c.Return(42L);
        });
        Task<LuaValue[]> first = Task.Run(() => lua.DoString("return wait()"));
        inside.Wait();
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => lua.DoString("return 1"));
        Assert.Contains("another thread", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => lua.GetGlobals());
        release.Set();
        Assert.Equal(42, (await first)[0].ToInteger());

        // one thread at a time is fine, whichever thread it is
        Assert.Equal(1, lua.DoString("return 1")[0].ToInteger());
        Assert.Equal(2, await Task.Run(() => lua.DoString("return 2")[0].ToInteger()));
    }

    [Fact]
    public async Task Dispose_FromAnotherThreadWhileScriptLoops_StopsItThenFreesState()
    {
        LuaState lua = NewState();
        using var inside = new ManualResetEventSlim();
        lua.Register("entered", _ =>
        {
            inside.Set();
            return 0;
        });
        Task running = Task.Run(() => lua.DoString("entered() while true do end"));
        inside.Wait();
        lua.Dispose(); // returns at once: the loop stops at its next back edge
        Task done = await Task.WhenAny(running, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.Same(running, done);
        await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => running);
        Assert.True(lua.IsDisposed);
    }

    [Fact]
    public void OsExitWithClose_RunsCloseVariablesAndFinalizers_ThenDisposes()
    {
        var output = new StringBuilder();
        LuaState lua = NewState(output);
        int? code = null;
        LuaHostLibraries.OpenAll(lua, new LuaHostOptions { Exit = c => code = c });
        Assert.ThrowsAny<ObjectDisposedException>(() => lua.DoString(
            "setmetatable({}, {__gc = function() print('gc') end}) " +
            "local x <close> = setmetatable({}, {__close = function(_, e) print('close', e) end}) " +
            "os.exit(3, true) print('not reached')"));
        Assert.Equal(3, code);
        Assert.Equal("close\tnil\ngc\n", output.ToString());
        Assert.True(lua.IsDisposed);
    }

    [Fact(Skip = NotOnNetstandard.Mlua)]
    public void OsExitWithClose_ThroughMlua_RunsCloseAndGcThenExits()
    {
        var (exit, o, _) = HostileScriptTests.RunMlua(
            null,
            "-e",
            "setmetatable({}, {__gc = function() print('gc') end}) local x <close> = setmetatable({}, {__close = function(_, e) print('close', e) end}) os.exit(3, true)");
        Assert.Equal(3, exit);
        Assert.Equal("close\tnil\ngc\n", o);
    }
}
