using System.Text.Json;
using System.Text.Json.Nodes;
using MicroLua.Compiler;

namespace MicroLua.Debugging.Tests;

/// <summary>The adapter driven over in-process pipes: breakpoints, stack, variables, evaluation, stepping, errors.</summary>
public sealed class AdapterTests
{
    private const string AddScript = """
        local function add(a, b)
          local sum = a + b
          return sum
        end

        local t = {1, 2, 3, name = "x"}
        local total = 0
        for i = 1, 3 do
          total = add(total, t[i])
        end
        print("total", total)
        """;

    [Fact]
    public void Breakpoint_HitReadStackVariablesEvaluateStepAndFinish()
    {
        using InProcessSession s = InProcessSession.ForFile(AddScript, out string path);
        DapClient c = s.Client;
        c.Initialize();
        c.Ok("launch", new JsonObject { ["program"] = path });
        JsonElement bps = c.SetBreakpoints(path, 5, 2);
        Assert.False(bps[0].GetProperty("verified").GetBoolean()); // not loaded yet
        c.Ok("configurationDone");

        // line 5 is blank: once the chunk loads the breakpoint moves to line 6
        JsonElement changed = c.WaitEvent("breakpoint");
        Assert.Equal("changed", changed.GetProperty("reason").GetString());
        Assert.Equal(6, changed.GetProperty("breakpoint").GetProperty("line").GetInt32());
        Assert.True(changed.GetProperty("breakpoint").GetProperty("verified").GetBoolean());

        var (reason, thread, _) = c.WaitStopped();
        Assert.Equal("breakpoint", reason);
        Assert.Equal(1, thread);
        JsonElement[] frames = c.StackTrace(thread);
        Assert.Equal(6, frames[0].GetProperty("line").GetInt32());
        Assert.Equal("main chunk", frames[0].GetProperty("name").GetString());
        Assert.Equal(path, frames[0].GetProperty("source").GetProperty("path").GetString());
        c.Continue(thread);

        (reason, thread, _) = c.WaitStopped();
        Assert.Equal("breakpoint", reason);
        frames = c.StackTrace(thread);
        Assert.Equal(2, frames[0].GetProperty("line").GetInt32());
        Assert.Equal("local 'add'", frames[0].GetProperty("name").GetString());
        Assert.Equal(9, frames[1].GetProperty("line").GetInt32());
        int addFrame = frames[0].GetProperty("id").GetInt32();
        int mainFrame = frames[1].GetProperty("id").GetInt32();

        Dictionary<string, string> locals = c.Scope(addFrame, "Locals");
        Assert.Equal("0", locals["a"]);
        Assert.Equal("1", locals["b"]);
        Assert.False(locals.ContainsKey("sum")); // not active before its line ran
        Dictionary<string, string> mainLocals = c.Scope(mainFrame, "Locals");
        Assert.Equal("0", mainLocals["total"]);
        Assert.Equal("1", mainLocals["i"]);
        Assert.True(mainLocals.ContainsKey("add"));

        Assert.Equal("10", c.Evaluate("a + b * 10", addFrame));
        Assert.Equal("0", c.Evaluate("total", mainFrame));
        Assert.Equal("\"x\"", c.Evaluate("t.name", mainFrame));
        Assert.Equal("3", c.Evaluate("#t", mainFrame));
        Assert.Equal("\"string\"", c.Evaluate("type(print) == 'function' and 'string' or 'no'", addFrame));
        JsonElement tv = c.EvaluateBody("t", mainFrame);
        Assert.Equal("table", tv.GetProperty("type").GetString());
        Dictionary<string, string> items = c.Variables(tv.GetProperty("variablesReference").GetInt32());
        Assert.Equal("1", items["[1]"]);
        Assert.Equal("3", items["[3]"]);
        Assert.Equal("\"x\"", items["name"]);
        Assert.Contains("attempt to perform arithmetic", c.Fails("evaluate", new JsonObject { ["expression"] = "a + {}", ["frameId"] = addFrame }));

        // set b = 5 through setVariable, then step over the addition
        int localsRef = c.ScopeReference(addFrame, "Locals");
        JsonElement set = c.Ok("setVariable", new JsonObject { ["variablesReference"] = localsRef, ["name"] = "b", ["value"] = "4 + 1" });
        Assert.Equal("5", set.GetProperty("value").GetString());
        c.SetBreakpoints(path);
        c.Step("next", thread);
        (reason, thread, _) = c.WaitStopped();
        Assert.Equal("step", reason);
        frames = c.StackTrace(thread);
        Assert.Equal(3, frames[0].GetProperty("line").GetInt32());
        Assert.Equal("5", c.Evaluate("sum", frames[0].GetProperty("id").GetInt32()));

        // step out: back in the main chunk, at the loop
        c.Step("stepOut", thread);
        (reason, thread, _) = c.WaitStopped();
        Assert.Equal("step", reason);
        frames = c.StackTrace(thread);
        Assert.Equal("main chunk", frames[0].GetProperty("name").GetString());
        Assert.Equal(8, frames[0].GetProperty("line").GetInt32());
        Assert.Single(frames);

        // step in: into add on the next call
        c.Step("next", thread);
        (reason, thread, _) = c.WaitStopped();
        Assert.Equal(9, c.StackTrace(thread)[0].GetProperty("line").GetInt32());
        c.Step("stepIn", thread);
        (reason, thread, _) = c.WaitStopped();
        frames = c.StackTrace(thread);
        Assert.Equal("local 'add'", frames[0].GetProperty("name").GetString());
        Assert.Equal(2, frames[0].GetProperty("line").GetInt32());
        Assert.Equal("2", c.Scope(frames[0].GetProperty("id").GetInt32(), "Locals")["b"]);

        c.Continue(thread);
        Assert.Equal(0, c.WaitEvent("exited").GetProperty("exitCode").GetInt32());
        c.WaitEvent("terminated");
        Assert.Contains("total\t10\n", c.Output);
        c.Ok("disconnect");
        s.Join();
    }

    [Fact]
    public void StepOver_TailCall_StopsInTheCaller()
    {
        const string script = """
            local function leaf(x) return x * 2 end
            local function mid(x)
              return leaf(x + 1)
            end
            local r = mid(1)
            print(r)
            """;
        using InProcessSession s = InProcessSession.ForFile(script, out string path);
        DapClient c = s.Client;
        s.Start(path, 3);
        var (_, thread, _) = c.WaitStopped();
        Assert.Equal(3, c.StackTrace(thread)[0].GetProperty("line").GetInt32());
        c.SetBreakpoints(path);
        c.Step("next", thread);
        (string reason, thread, _) = c.WaitStopped();
        Assert.Equal("step", reason);
        JsonElement[] frames = c.StackTrace(thread);
        Assert.Equal("main chunk", frames[0].GetProperty("name").GetString());
        Assert.Equal(6, frames[0].GetProperty("line").GetInt32());
        Assert.Equal("4", c.Evaluate("r", frames[0].GetProperty("id").GetInt32()));
        c.Continue(thread);
        c.WaitEvent("terminated");
        Assert.Equal("4\n", c.Output);
    }

    [Fact]
    public void StepIn_TailCall_StopsInTheCalleeMarkedAsTailCalled()
    {
        const string script = """
            local function leaf(x) return x * 2 end
            local function mid(x)
              return leaf(x + 1)
            end
            local r = mid(1)
            print(r)
            """;
        using InProcessSession s = InProcessSession.ForFile(script, out string path);
        DapClient c = s.Client;
        s.Start(path, 3);
        var (_, thread, _) = c.WaitStopped();
        c.Step("stepIn", thread);
        (_, thread, _) = c.WaitStopped();
        JsonElement[] frames = c.StackTrace(thread);
        Assert.Equal(1, frames[0].GetProperty("line").GetInt32());
        Assert.StartsWith("function <", frames[0].GetProperty("name").GetString());
        Assert.EndsWith(":1>", frames[0].GetProperty("name").GetString());
        Assert.Equal("2", c.Scope(frames[0].GetProperty("id").GetInt32(), "Locals")["x"]);
        Assert.Equal("main chunk", frames[1].GetProperty("name").GetString()); // mid is gone
        c.Continue(thread);
        c.WaitEvent("terminated");
    }

    [Fact]
    public void Coroutine_BreakpointStepOverYieldAndStepInOnResume()
    {
        const string script = """
            local co = coroutine.create(function(a)
              local x = a + 1
              local y = coroutine.yield(x)
              return x + y
            end)
            local ok, v = coroutine.resume(co, 10)
            local ok2, w = coroutine.resume(co, 5)
            print(v, w)
            """;
        using InProcessSession s = InProcessSession.ForFile(script, out string path);
        DapClient c = s.Client;
        s.Start(path, 3);
        var (reason, thread, _) = c.WaitStopped();
        Assert.Equal("breakpoint", reason);
        Assert.NotEqual(1, thread);
        JsonElement[] threads = [.. c.Ok("threads").GetProperty("threads").EnumerateArray()];
        Assert.Equal(2, threads.Length);
        Assert.Equal("main", threads[0].GetProperty("name").GetString());
        Assert.Equal(thread, threads[1].GetProperty("id").GetInt32());
        JsonElement[] frames = c.StackTrace(thread);
        Assert.Equal(3, frames[0].GetProperty("line").GetInt32());
        Dictionary<string, string> locals = c.Scope(frames[0].GetProperty("id").GetInt32(), "Locals");
        Assert.Equal("10", locals["a"]);
        Assert.Equal("11", locals["x"]);
        JsonElement[] mainFrames = c.StackTrace(1);
        Assert.Equal(6, mainFrames.First(f => f.GetProperty("name").GetString() == "main chunk").GetProperty("line").GetInt32());

        // stepping over the yield leaves the coroutine: the stop is in main, after the resume
        c.SetBreakpoints(path);
        c.Step("next", thread);
        (reason, int t2, _) = c.WaitStopped();
        Assert.Equal("step", reason);
        Assert.Equal(1, t2);
        frames = c.StackTrace(1);
        Assert.Equal(7, frames[0].GetProperty("line").GetInt32());
        Assert.Equal("11", c.Evaluate("v", frames[0].GetProperty("id").GetInt32()));

        // the suspended coroutine is still listed, its frames still readable
        threads = [.. c.Ok("threads").GetProperty("threads").EnumerateArray()];
        Assert.Equal(2, threads.Length);
        Assert.Contains("suspended", threads[1].GetProperty("name").GetString());
        JsonElement[] coFrames = c.StackTrace(thread);
        JsonElement coLua = coFrames.First(f => f.TryGetProperty("source", out _));
        Assert.Equal(3, coLua.GetProperty("line").GetInt32());
        Assert.Equal("11", c.Evaluate("x", coLua.GetProperty("id").GetInt32()));

        // stepping in at the resume enters the coroutine where it continues
        c.Step("stepIn", 1);
        (reason, t2, _) = c.WaitStopped();
        Assert.Equal(thread, t2);
        frames = c.StackTrace(thread);
        Assert.Equal(4, frames[0].GetProperty("line").GetInt32());
        Assert.Equal("5", c.Evaluate("y", frames[0].GetProperty("id").GetInt32()));
        c.Continue(thread);
        c.WaitEvent("terminated");
        Assert.Equal("11\t16\n", c.Output);
    }

    private const string ErrorScript = """
        local function bad(n)
          local z = n * 2
          error("boom " .. z)
        end
        print(pcall(bad, 1))
        bad(21)
        """;

    [Fact]
    public void UncaughtError_StopsWithFramesInPlace()
    {
        using InProcessSession s = InProcessSession.ForFile(ErrorScript, out string path);
        DapClient c = s.Client;
        s.Start(path);
        var (reason, thread, body) = c.WaitStopped();
        Assert.Equal("exception", reason);
        Assert.EndsWith(":3: boom 42", body.GetProperty("text").GetString());
        Assert.Contains("false", c.Output); // the caught error did not stop
        JsonElement[] frames = c.StackTrace(thread);
        Assert.Equal("error [host]", frames[0].GetProperty("name").GetString());
        Assert.Equal(3, frames[1].GetProperty("line").GetInt32());
        Assert.Equal("42", c.Evaluate("z", frames[1].GetProperty("id").GetInt32()));
        JsonElement info = c.Ok("exceptionInfo", new JsonObject { ["threadId"] = thread });
        Assert.Equal("unhandled", info.GetProperty("breakMode").GetString());
        Assert.EndsWith("boom 42", info.GetProperty("description").GetString());
        c.Continue(thread);
        Assert.Equal(1, c.WaitEvent("exited").GetProperty("exitCode").GetInt32());
        s.Join();
        Assert.EndsWith(":3: boom 42", s.Error);
    }

    [Fact]
    public void AllErrorsFilter_StopsOnCaughtErrorsToo()
    {
        using InProcessSession s = InProcessSession.ForFile(ErrorScript, out string path);
        DapClient c = s.Client;
        c.Initialize();
        c.Ok("launch", new JsonObject { ["program"] = path });
        c.Ok("setExceptionBreakpoints", new JsonObject { ["filters"] = new JsonArray("all") });
        c.Ok("configurationDone");
        var (reason, thread, body) = c.WaitStopped();
        Assert.Equal("exception", reason);
        Assert.EndsWith("boom 2", body.GetProperty("text").GetString());
        Assert.Equal("always", c.Ok("exceptionInfo", new JsonObject { ["threadId"] = thread }).GetProperty("breakMode").GetString());
        c.Continue(thread);
        (reason, thread, body) = c.WaitStopped();
        Assert.EndsWith("boom 42", body.GetProperty("text").GetString());
        c.Continue(thread);
        c.WaitEvent("terminated");
    }

    [Fact]
    public void ConditionHitCountAndLogpoint()
    {
        const string script = """
            local sum = 0
            for i = 1, 10 do
              sum = sum + i
            end
            print(sum)
            """;
        using InProcessSession s = InProcessSession.ForFile(script, out string path);
        DapClient c = s.Client;
        c.Initialize();
        c.Ok("launch", new JsonObject { ["program"] = path });
        JsonElement bps = c.Ok("setBreakpoints", new JsonObject
        {
            ["source"] = new JsonObject { ["path"] = path },
            ["breakpoints"] = new JsonArray(
                new JsonObject { ["line"] = 3, ["condition"] = "i == 7" },
                new JsonObject { ["line"] = 5, ["logMessage"] = "sum is {sum}, twice {sum * 2}" },
                new JsonObject { ["line"] = 2, ["hitCondition"] = "oops" }),
        }).GetProperty("breakpoints");
        Assert.Contains("bad hit condition", bps[2].GetProperty("message").GetString());
        c.Ok("configurationDone");
        var (reason, thread, _) = c.WaitStopped();
        Assert.Equal("breakpoint", reason);
        int frame = c.StackTrace(thread)[0].GetProperty("id").GetInt32();
        Assert.Equal("7", c.Evaluate("i", frame));
        Assert.Equal("21", c.Evaluate("sum", frame));

        // a hit count: the 2nd hit from now on (hits are counted per breakpoint as set)
        c.Ok("setBreakpoints", new JsonObject
        {
            ["source"] = new JsonObject { ["path"] = path },
            ["breakpoints"] = new JsonArray(new JsonObject { ["line"] = 3, ["hitCondition"] = "2" }, new JsonObject { ["line"] = 5, ["logMessage"] = "sum is {sum}" }),
        });
        c.Continue(thread);
        (reason, thread, _) = c.WaitStopped();
        Assert.Equal("9", c.Evaluate("i", c.StackTrace(thread)[0].GetProperty("id").GetInt32()));
        c.Continue(thread);
        c.WaitEvent("terminated");
        Assert.Equal("sum is 55\n55\n", c.Output);
    }

    [Fact]
    public void StringChunk_SourceServedAndBreakpointBySourceReference()
    {
        const string code = "local a = 1\nlocal b = a + 1\nprint(a, b)\n";
        using var s = new InProcessSession(lua => lua.DoString(code, "=mychunk"));
        DapClient c = s.Client;
        c.Initialize();
        c.Ok("launch", new JsonObject { ["program"] = "mychunk", ["stopOnEntry"] = true });
        c.Ok("configurationDone");
        var (reason, thread, _) = c.WaitStopped();
        Assert.Equal("entry", reason);
        JsonElement frame = c.StackTrace(thread)[0];
        Assert.Equal(1, frame.GetProperty("line").GetInt32());
        JsonElement source = frame.GetProperty("source");
        Assert.Equal("mychunk", source.GetProperty("name").GetString());
        int reference = source.GetProperty("sourceReference").GetInt32();
        Assert.True(reference > 0);
        Assert.Equal(code, c.Ok("source", new JsonObject { ["sourceReference"] = reference, ["source"] = source.Deserialize<JsonNode>() }).GetProperty("content").GetString());
        JsonElement bp = c.Ok("setBreakpoints", new JsonObject
        {
            ["source"] = new JsonObject { ["sourceReference"] = reference, ["name"] = "mychunk" },
            ["breakpoints"] = new JsonArray(new JsonObject { ["line"] = 3 }),
        }).GetProperty("breakpoints")[0];
        Assert.True(bp.GetProperty("verified").GetBoolean());
        c.Continue(thread);
        (reason, thread, _) = c.WaitStopped();
        Assert.Equal("breakpoint", reason);
        Assert.Equal("2", c.Evaluate("b", c.StackTrace(thread)[0].GetProperty("id").GetInt32()));
        c.Continue(thread);
        c.WaitEvent("terminated");
    }

    [Fact]
    public void StrippedBytecode_FramesSayTheyHaveNoLines()
    {
        byte[] chunk = LuaBytecode.Compile("local function f(x) error('stripped ' .. x) end\nf(1)\n"u8.ToArray(), "@stripped.lua", strip: true, bigEndian: false);
        using var s = new InProcessSession(lua => lua.DoBuffer(chunk, "stripped"));
        DapClient c = s.Client;
        c.Initialize();
        c.Ok("launch", new JsonObject { ["program"] = "stripped" });
        c.Ok("configurationDone");
        var (reason, thread, _) = c.WaitStopped();
        Assert.Equal("exception", reason);
        JsonElement[] frames = c.StackTrace(thread);
        Assert.Contains("no line information, stripped bytecode", frames[1].GetProperty("name").GetString());
        Assert.Equal(0, frames[1].GetProperty("line").GetInt32());
        Assert.False(frames[1].TryGetProperty("source", out _));
        Assert.Empty(c.Scope(frames[1].GetProperty("id").GetInt32(), "Locals")); // stripped: no local names
        c.Continue(thread);
        c.WaitEvent("terminated");
    }

    [Fact]
    public void Pause_StopsARunningLoop_AndEvaluateAssignsAGlobal()
    {
        const string script = """
            running = true
            local n = 0
            print("looping")
            while running do
              n = n + 1
            end
            print("stopped", n > 0)
            """;
        using InProcessSession s = InProcessSession.ForFile(script, out string path);
        DapClient c = s.Client;
        s.Start(path);
        c.WaitOutput("looping\n");
        Assert.Contains("needs a stopped script", c.Fails("stackTrace", new JsonObject { ["threadId"] = 1 }));
        c.Ok("pause", new JsonObject { ["threadId"] = 1 });
        var (reason, thread, _) = c.WaitStopped();
        Assert.Equal("pause", reason);
        int frame = c.StackTrace(thread)[0].GetProperty("id").GetInt32();
        Assert.Equal("nil", c.EvaluateBody("running = false", frame, "repl").GetProperty("result").GetString());
        Assert.Equal("false", c.Evaluate("running", frame));
        Dictionary<string, string> globals = c.Scope(frame, "Globals");
        Assert.Equal("false", globals["running"]);
        Assert.StartsWith("function", globals["print"]);
        c.Continue(thread);
        c.WaitEvent("terminated");
        Assert.Equal("looping\nstopped\ttrue\n", c.Output);
    }

    [Fact]
    public void BigTable_IsPagedByIndex()
    {
        const string script = """
            local big = {}
            for i = 1, 250 do big[i] = i * i end
            big.label = "squares"
            print(#big)
            """;
        using InProcessSession s = InProcessSession.ForFile(script, out string path);
        DapClient c = s.Client;
        s.Start(path, 4);
        var (_, thread, _) = c.WaitStopped();
        int frame = c.StackTrace(thread)[0].GetProperty("id").GetInt32();
        JsonElement big = c.VariableList(c.ScopeReference(frame, "Locals")).Single(v => v.GetProperty("name").GetString() == "big");
        Assert.Equal(250, big.GetProperty("indexedVariables").GetInt32());
        int reference = big.GetProperty("variablesReference").GetInt32();
        Dictionary<string, string> named = c.Variables(reference, new JsonObject { ["filter"] = "named" });
        Assert.Equal(["label"], named.Keys);
        Dictionary<string, string> page = c.Variables(reference, new JsonObject { ["filter"] = "indexed", ["start"] = 100, ["count"] = 3 });
        Assert.Equal(["[101]", "[102]", "[103]"], page.Keys);
        Assert.Equal("10201", page["[101]"]);
        c.Continue(thread);
        c.WaitEvent("terminated");
    }

    [Fact]
    public void MalformedUnknownAndOutOfOrderRequests_GetErrorResponses()
    {
        using InProcessSession s = InProcessSession.ForFile("print('ran')", out string path);
        DapClient c = s.Client;
        Assert.Contains("first request must be 'initialize'", c.Fails("threads"));
        c.SendBody("{ this is not json");
        JsonElement r = c.NextResponse();
        Assert.False(r.GetProperty("success").GetBoolean());
        Assert.StartsWith("malformed JSON", r.GetProperty("message").GetString());
        c.SendRaw("X-Header: 1\r\n\r\n");
        r = c.NextResponse();
        Assert.Contains("Content-Length", r.GetProperty("message").GetString());
        c.SendBody("""{"seq": 77, "type": "request"}""");
        r = c.NextResponse();
        Assert.Equal(77, r.GetProperty("request_seq").GetInt32());
        Assert.Contains("command", r.GetProperty("message").GetString());
        c.SendBody("""{"seq": 78, "type": "event", "event": "x"}""");
        Assert.Contains("requests only", c.NextResponse().GetProperty("message").GetString());

        c.Initialize();
        Assert.Contains("initialize was received already", c.Fails("initialize", new JsonObject()));
        Assert.Contains("unknown request 'frobnicate'", c.Fails("frobnicate"));
        Assert.Contains("needs a source", c.Fails("setBreakpoints", new JsonObject()));
        Assert.Contains("bad arguments", c.Fails("setBreakpoints", new JsonObject { ["source"] = new JsonObject { ["path"] = path }, ["breakpoints"] = "no" }));
        Assert.Contains("needs a stopped script", c.Fails("continue", new JsonObject { ["threadId"] = 1 }));
        Assert.Contains("needs a stopped script", c.Fails("evaluate", new JsonObject { ["expression"] = "1" }));
        Assert.Contains("no source text", c.Fails("source", new JsonObject { ["sourceReference"] = 999 }));
        c.Ok("launch", new JsonObject { ["program"] = path });
        Assert.Contains("received already", c.Fails("attach", new JsonObject()));
        Assert.Single(c.Ok("threads").GetProperty("threads").EnumerateArray());
        c.Ok("configurationDone");
        Assert.Contains("configurationDone was received already", c.Fails("configurationDone"));
        c.WaitEvent("terminated");
        Assert.Equal("ran\n", c.Output);
    }

    [Fact]
    public void Disconnect_WhileStopped_LetsTheScriptFinish()
    {
        using InProcessSession s = InProcessSession.ForFile("local x = 1\nx = x + 1\nprint('done', x)\n", out string path);
        DapClient c = s.Client;
        s.Start(path, 2);
        c.WaitStopped();
        c.Ok("disconnect", new JsonObject { ["terminateDebuggee"] = false });
        s.Join(); // the script went on from its stop to its end
        Assert.Null(s.Error);
        // The adapter forgets the client before it lets the script go (ClientGone), so however
        // the threads were scheduled the client is gone by the script's end, and the script's
        // print, after the disconnect, was not sent: the client reads to the end of the stream.
        Assert.False(s.Adapter.IsClientConnected);
        Assert.True(s.Adapter.WaitForDisconnect(TimeSpan.FromSeconds(30)), "the adapter did not finish the disconnect");
        c.WaitEndOfStream();
        Assert.Equal("", c.Output);
    }

    [Fact]
    public void ScriptHooks_CoexistWithTheDebugger()
    {
        const string script = """
            local lines = 0
            debug.sethook(function() lines = lines + 1 end, "l")
            local x = 1
            debug.sethook()
            print(debug.gethook(), lines > 0)
            x = x + 1
            print(x)
            """;
        using InProcessSession s = InProcessSession.ForFile(script, out string path);
        DapClient c = s.Client;
        s.Start(path, 6);
        var (reason, thread, _) = c.WaitStopped();
        Assert.Equal("breakpoint", reason);
        Assert.Equal("1", c.Evaluate("x", c.StackTrace(thread)[0].GetProperty("id").GetInt32()));
        c.Continue(thread);
        c.WaitEvent("terminated");
        Assert.Equal("nil\ttrue\n2\n", c.Output);
    }

    [Fact]
    public void WrappedCoroutineError_StopsAsUncaughtInTheResumer()
    {
        const string script = """
            local f = coroutine.wrap(function() local inner = 5; error("in wrap") end)
            f()
            """;
        using InProcessSession s = InProcessSession.ForFile(script, out string path);
        DapClient c = s.Client;
        s.Start(path);
        var (reason, thread, body) = c.WaitStopped();
        Assert.Equal("exception", reason);
        Assert.Equal(1, thread); // resume caught it in the coroutine; the wrap raised it again in main, uncaught
        Assert.EndsWith("in wrap", body.GetProperty("text").GetString());
        c.Continue(thread);
        c.WaitEvent("terminated");
        s.Join();
        Assert.EndsWith("in wrap", s.Error);
    }
}
