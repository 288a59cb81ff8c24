namespace MicroLua.Api.Tests;

/// <summary>Async host functions and the async entry points (DoStringAsync, CallAsync).</summary>
public sealed class AsyncTests
{
    [Fact]
    public async Task DoStringAsync_AwaitsTaskDelay_ScriptReadsLinearly()
    {
        using var lua = new Lua();
        lua.State.RegisterAsyncFunction("sleep", async c =>
        {
            long x = c.CheckInteger(1);
            await Task.Delay(5, c.CancellationToken);
            return c.Return(x * 2);
        });
        LuaValue[] r = await lua.State.DoStringAsync("local a = sleep(10) local b = sleep(a) return a + b, 'ok'", "=async");
        Assert.Equal(60L, r[0].ToInteger());
        Assert.Equal("ok", r[1].ToString());
    }

    [Fact]
    public async Task DoStringAsync_AsyncHostFunctionAsIndexMetamethod_FieldReadWaitsForTheTask()
    {
        using var lua = new Lua();
        var tcs = new TaskCompletionSource<string>();
        lua.State.RegisterAsyncFunction("fetch", async c =>
        {
            string key = c.CheckString(2);
            string v = await tcs.Task;
            return c.Return(key + "=" + v);
        });
        Task<LuaValue[]> run = lua.State.DoStringAsync(
            "local remote = setmetatable({}, { __index = fetch }) local v = remote.config return v .. '!', #v", "=remote");
        Assert.False(run.IsCompleted);
        tcs.SetResult("on");
        LuaValue[] r = await run;
        Assert.Equal("config=on!", r[0].ToString());
        Assert.Equal(9L, r[1].ToInteger());
    }

    [Fact]
    public async Task DoStringAsync_TaskCompletedLater_ResumesWithItsResult()
    {
        using var lua = new Lua();
        var tcs = new TaskCompletionSource<string>();
        lua.State.RegisterAsyncFunction("wait", async c =>
        {
            string prefix = c.CheckString(1);
            string v = await tcs.Task;
            return c.Return(prefix + v);
        });
        Task<LuaValue[]> run = lua.State.DoStringAsync("local v = wait('got ') return v, #v", "=wait");
        Assert.False(run.IsCompleted);
        Assert.Equal(7L, lua.Eval("3 + 4").ToInteger()); // the state is free while the script waits
        tcs.SetResult("later");
        LuaValue[] r = await run;
        Assert.Equal("got later", r[0].ToString());
        Assert.Equal(9L, r[1].ToInteger());
    }

    [Fact]
    public async Task CallAsync_ManyAwaitsInLoop_AllResultsArrive()
    {
        using var lua = new Lua();
        lua.State.RegisterAsyncFunction("next", async c =>
        {
            long i = c.CheckInteger(1);
            await Task.Yield();
            return c.Return(i + 1);
        });
        using LuaFunction f = lua.State.Load("local n = ... local s = 0 for i = 1, n do s = s + next(i) end return s", "=loop");
        LuaValue[] r = await lua.State.CallAsync(f, [1000]);
        Assert.Equal((1000L * 1001 / 2) + 1000, r[0].ToInteger());
        Assert.Equal(0L, lua.State.MemoryStats.BytesInUse > 0 ? 0L : 1L);
    }

    [Fact]
    public async Task CallAsync_SeveralResultsAndObjects_Delivered()
    {
        using var lua = new Lua();
        lua.State.RegisterAsyncFunction("make", async c =>
        {
            await Task.Yield();
            using LuaTableRef t = c.State.CreateTable();
            t["name"] = c.CheckString(1);
            c.Push("first");
            c.Push(t); // the call keeps its own handle: disposing ours at once is fine
            c.Push(true);
            return 3;
        });
        LuaValue[] r = await lua.State.DoStringAsync("local a, t, b = make('box') return a, t.name, b, select('#', make('x'))", "=make");
        Assert.Equal("first", r[0].ToString());
        Assert.Equal("box", r[1].ToString());
        Assert.True(r[2].ToBoolean());
        Assert.Equal(3L, r[3].ToInteger());
    }

    [Fact]
    public async Task CallAsync_TaskThrows_LuaExceptionWithInnerException()
    {
        using var lua = new Lua();
        var cause = new InvalidOperationException("service down");
        lua.State.RegisterAsyncFunction("fail", async c =>
        {
            await Task.Yield();
            throw cause;
        });
        var e = await Assert.ThrowsAsync<LuaException>(() => lua.State.DoStringAsync("local x = fail()\nreturn x", "=fail"));
        Assert.Equal("fail:1: service down", e.Message);
        Assert.Same(cause, e.InnerException);
        Assert.Equal(2L, lua.Eval("1 + 1").ToInteger());
    }

    [Fact]
    public async Task CallAsync_TaskThrows_PcallCatchesIt()
    {
        using var lua = new Lua();
        lua.State.RegisterAsyncFunction("fail", async c =>
        {
            await Task.Yield();
            throw new InvalidOperationException("service down");
        });
        lua.State.RegisterAsyncFunction("check", async c =>
        {
            await Task.Yield();
            throw c.ArgumentError(1, "not a url");
        });
        LuaValue[] r = await lua.State.DoStringAsync("""
            local ok, e = pcall(fail)
            local ok2, e2 = pcall(function() return check('x') end)
            return ok, e, ok2, e2
            """, "=pcall");
        Assert.False(r[0].ToBoolean());
        Assert.Equal("service down", r[1].ToString());
        Assert.False(r[2].ToBoolean());
        Assert.Equal("pcall:2: bad argument #1 to 'check' (not a url)", r[3].ToString());
    }

    [Fact]
    public async Task CallAsync_CancelledWhileAwaiting_StopsWithOperationCanceled()
    {
        using var lua = new Lua();
        var never = new TaskCompletionSource<int>();
        lua.State.RegisterAsyncFunction("forever", async c => c.Return(await never.Task));
        using var cts = new CancellationTokenSource();
        Task<LuaValue[]> run = lua.State.DoStringAsync("local ok = pcall(forever) return 'not reached'", "=cancel", cts.Token);
        Assert.False(run.IsCompleted);
        cts.Cancel();
        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(cts.Token, e.CancellationToken);
        Assert.Equal(5L, lua.Eval("2 + 3").ToInteger());
        never.SetResult(1); // the abandoned call's task completing later harms nothing
        Assert.Equal(5L, lua.Eval("2 + 3").ToInteger());
    }

    [Fact]
    public async Task CallAsync_CancelledDuringLuaLoop_Stops()
    {
        using var lua = new Lua();
        lua.State.RegisterAsyncFunction("tick", async c =>
        {
            await Task.Yield();
            return 0;
        });
        using var cts = new CancellationTokenSource();
        lua.State.Register("cancel", c =>
        {
            cts.Cancel();
            return 0;
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            lua.State.DoStringAsync("tick() cancel() while true do end", "=spin", cts.Token));
        Assert.Equal(5L, lua.Eval("2 + 3").ToInteger());
        Assert.False(lua.State.CancellationToken.CanBeCanceled); // the state's own token is back
    }

    [Fact]
    public async Task CallAsync_AlreadyCancelled_DoesNotRun()
    {
        using var lua = new Lua();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            lua.State.DoStringAsync("ran = true", "=x", new CancellationToken(canceled: true)));
        Assert.True(lua.State["ran"].IsNil);
    }

    [Fact]
    public async Task AsyncFunction_SynchronouslyCompleted_AllocatesNothing()
    {
        using var lua = new Lua();
        lua.State.RegisterAsyncFunction("mad", c => new ValueTask<int>(c.Return((c.CheckNumber(1) * c.CheckNumber(2)) + c.CheckInteger(3))));
        lua.State.RegisterAsyncFunction("add", async c => c.Return(c.CheckInteger(1) + 1)); // an async lambda that never suspends
        lua.State.Register("allocated", c => c.Return(GC.GetAllocatedBytesForCurrentThread()));
        const string Code = """
            local n = ...
            local s = 0
            for i = 1, 1000 do s = s + mad(i, 0.5, 1) + add(i) end -- warm up
            local before = allocated()
            for i = 1, n do s = s + mad(i, 0.5, 1) end
            local between = allocated()
            for i = 1, n do s = s + add(i) end
            return between - before, allocated() - between, s
            """;
        using LuaFunction f = lua.State.Load(Code, "=alloc");
        LuaValue[] r = await lua.State.CallAsync(f, [100_000]);
        Assert.Equal(0L, r[0].ToInteger()); // a ValueTask made from the result
#if !DEBUG
        // An async lambda that completes without suspending: its state machine is a struct that
        // never leaves the stack in an optimized build (a Debug build makes it a class: 64 bytes a call).
        Assert.Equal(0L, r[1].ToInteger());
#endif
        Assert.True(r[2].ToNumber() > 0);
    }

    [Fact]
    public void AsyncFunction_FromSynchronousEntry_ClearLuaError()
    {
        using var lua = new Lua();
        bool ran = false;
        lua.State.RegisterAsyncFunction("fetch", async c =>
        {
            ran = true;
            await Task.Yield();
            return 0;
        });
        var e = Assert.Throws<LuaException>(() => lua.Do("fetch('x')"));
        Assert.Equal("test:1: attempt to await 'fetch' outside an async call (run the script with DoStringAsync or CallAsync)", e.Message);
        Assert.False(ran);
        Assert.Equal(2L, lua.Eval("1 + 1").ToInteger());
    }

    [Fact]
    public async Task AsyncFunction_InsideLuaCoroutineOrCallBoundary_ClearLuaError()
    {
        using var lua = new Lua();
        lua.State.RegisterAsyncFunction("fetch", async c =>
        {
            await Task.Yield();
            return 0;
        });
        LuaValue[] r = await lua.State.DoStringAsync("""
            local ok1, e1 = pcall(coroutine.wrap(function() fetch() end))
            local ok2, e2 = pcall(table.sort, {2, 1}, function(a, b) fetch() return a < b end)
            local ok3, e3 = pcall(coroutine.yield, 1)
            return e1, e2, e3, coroutine.isyieldable()
            """, "=where");
        Assert.Equal("where:1: attempt to await 'fetch' inside a coroutine (only the script run by DoStringAsync or CallAsync can wait)", r[0].ToString());
        Assert.EndsWith("attempt to await 'fetch' across a C-call boundary", r[1].ToString(), StringComparison.Ordinal);
        Assert.Equal("attempt to yield from outside a coroutine", r[2].ToString());
        Assert.False(r[3].ToBoolean());
    }

    [Fact]
    public async Task CallAsync_BudgetAndErrors_StateUsableAfterEach()
    {
        using var lua = new Lua();
        lua.State.RegisterAsyncFunction("tick", async c =>
        {
            await Task.Yield();
            return c.Return(1L);
        });
        lua.State.InstructionBudget = 10_000;
        await Assert.ThrowsAsync<LuaBudgetExceededException>(() => lua.State.DoStringAsync("tick() while true do end", "=budget"));
        lua.State.InstructionBudget = null;
        var e = await Assert.ThrowsAsync<LuaException>(() => lua.State.DoStringAsync("tick() error('after await')", "=err"));
        Assert.Equal("err:1: after await", e.Message);
        LuaValue[] r = await lua.State.DoStringAsync("return tick() + tick()", "=again");
        Assert.Equal(2L, r[0].ToInteger());
    }

    [Fact]
    public async Task CallAsync_MemoryLimit_NotEnoughMemoryAfterAwait()
    {
        using var lua = new Lua(new LuaOptions { MemoryLimit = 2 * 1024 * 1024 });
        lua.State.RegisterAsyncFunction("tick", async c =>
        {
            await Task.Yield();
            return 0;
        });
        var e = await Assert.ThrowsAsync<LuaException>(() => lua.State.DoStringAsync("tick() local t = {} for i = 1, 1e7 do t[i] = ('x'):rep(100) .. i end", "=mem"));
        Assert.Contains("not enough memory", e.Message, StringComparison.Ordinal);
        LuaValue[] r = await lua.State.DoStringAsync("tick() return 'fine'", "=again");
        Assert.Equal("fine", r[0].ToString());
    }

    [Fact]
    public async Task CallAsync_DisposedWhileAwaiting_ObjectDisposed()
    {
        var lua = new Lua();
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        lua.State.RegisterAsyncFunction("wait", async c => c.Return(await gate.Task));
        Task<LuaValue[]> run = lua.State.DoStringAsync("return wait()", "=disposed");
        lua.Dispose();
        gate.SetResult(1);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => run);
    }

    [Fact]
    public async Task CallAsync_TwoScriptsInterleaved_EachGetsItsResult()
    {
        using var lua = new Lua();
        var gates = new Dictionary<string, TaskCompletionSource<long>> { ["a"] = new(), ["b"] = new() };
        lua.State.RegisterAsyncFunction("wait", async c =>
        {
            string key = c.CheckString(1);
            long v = await gates[key].Task;
            return c.Return(v);
        });
        Task<LuaValue[]> a = lua.State.DoStringAsync("local k = 'a' return k .. wait(k)", "=a");
        Task<LuaValue[]> b = lua.State.DoStringAsync("local k = 'b' return k .. wait(k)", "=b");
        gates["b"].SetResult(2);
        Assert.Equal("b2", (await b)[0].ToString());
        Assert.False(a.IsCompleted);
        gates["a"].SetResult(1);
        Assert.Equal("a1", (await a)[0].ToString());
    }

    [Fact]
    public async Task AsyncCallContext_UsedAfterCompletion_Throws()
    {
        using var lua = new Lua();
        LuaAsyncCallContext kept = default;
        lua.State.RegisterAsyncFunction("keep", c =>
        {
            kept = c;
            return new ValueTask<int>(0);
        });
        await lua.State.DoStringAsync("keep(1)", "=keep");
        Assert.Throws<InvalidOperationException>(() => kept.CheckInteger(1));
    }

    [Fact]
    public async Task CallAsync_WhileAwaiting_SnapshotRefusedAndCoroutineNotResumableFromLua()
    {
        using var lua = new Lua();
        var gate = new TaskCompletionSource<int>();
        lua.State.RegisterAsyncFunction("wait", async c => c.Return(await gate.Task));
        Task<LuaValue[]> run = lua.State.DoStringAsync("me = coroutine.running() return wait() + 1", "=held");
        Assert.Throws<InvalidOperationException>(() => lua.State.Snapshot());
        LuaValue[] r = lua.Do("return coroutine.resume(me)");
        Assert.False(r[0].ToBoolean());
        Assert.Equal("cannot resume non-suspended coroutine", r[1].ToString());
        gate.SetResult(41);
        Assert.Equal(42L, (await run)[0].ToInteger());
    }
}
