using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroLua.Debugging.Tests;

/// <summary>The adapter as VS Code meets it: mlua --debug over stdio, and the sample host over loopback TCP.</summary>
public sealed class ProcessTests
{
    private static Process Start(string dll, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi)!;
    }

    [Fact]
    public void Mlua_DebugOverStdio_LaunchBreakStepEvaluateContinue()
    {
        const string script = """
            local function square(n)
              local r = n * n
              return r
            end
            local co = coroutine.wrap(function(a)
              local b = coroutine.yield(a + 1)
              return b * 2
            end)
            local first = co(1)
            print("first", first, square(first))
            io.write("second ", co(20), "\n")
            """;
        string path = Path.Combine(Path.GetTempPath(), $"dap-stdio-{Guid.NewGuid():N}.lua");
        File.WriteAllText(path, script);
        using Process p = Start("mlua.dll", "--debug");
        using var c = new DapClient(p.StandardOutput.BaseStream, p.StandardInput.BaseStream);
        try
        {
            c.Initialize();
            c.Ok("launch", new JsonObject { ["program"] = path, ["cwd"] = Path.GetTempPath() });
            c.SetBreakpoints(path, 2, 7);
            c.Ok("configurationDone");

            // in the coroutine, resumed a second time
            var (reason, thread, _) = c.WaitStopped();
            Assert.Equal("breakpoint", reason);
            Assert.Equal(1, thread);
            JsonElement[] frames = c.StackTrace(thread);
            Assert.Equal(2, frames[0].GetProperty("line").GetInt32());
            Assert.Equal("2", c.Evaluate("n", frames[0].GetProperty("id").GetInt32()));
            c.Step("next", thread);
            (reason, thread, _) = c.WaitStopped();
            Assert.Equal("step", reason);
            frames = c.StackTrace(thread);
            Assert.Equal(3, frames[0].GetProperty("line").GetInt32());
            Assert.Equal("4", c.Scope(frames[0].GetProperty("id").GetInt32(), "Locals")["r"]);
            c.Continue(thread);
            c.WaitOutput("first\t2\t4\n");

            (reason, thread, _) = c.WaitStopped();
            Assert.NotEqual(1, thread); // the wrapped coroutine
            frames = c.StackTrace(thread);
            Assert.Equal(7, frames[0].GetProperty("line").GetInt32());
            Assert.Equal("20", c.Evaluate("b", frames[0].GetProperty("id").GetInt32()));
            Assert.Equal(2, c.Ok("threads").GetProperty("threads").GetArrayLength());
            c.Continue(thread);
            Assert.Equal(0, c.WaitEvent("exited").GetProperty("exitCode").GetInt32());
            c.WaitEvent("terminated");
            Assert.Equal("first\t2\t4\nsecond 40\n", c.Output);
            c.Ok("disconnect");
            Assert.True(p.WaitForExit(20_000));
            Assert.Equal(0, p.ExitCode);
        }
        finally
        {
            if (!p.HasExited)
            {
                p.Kill();
            }
        }
    }

    [Fact]
    public void Mlua_DebugOverStdio_UncaughtErrorStopsThenReportsOnStderr()
    {
        string path = Path.Combine(Path.GetTempPath(), $"dap-err-{Guid.NewGuid():N}.lua");
        File.WriteAllText(path, "local t = nil\nprint(t.x)\n");
        using Process p = Start("mlua.dll", "--debug", path);
        using var c = new DapClient(p.StandardOutput.BaseStream, p.StandardInput.BaseStream);
        try
        {
            c.Initialize();
            c.Ok("launch", new JsonObject());
            c.Ok("configurationDone");
            var (reason, thread, body) = c.WaitStopped();
            Assert.Equal("exception", reason);
            Assert.Contains("attempt to index a nil value (local 't')", body.GetProperty("text").GetString());
            Assert.Equal(2, c.StackTrace(thread)[0].GetProperty("line").GetInt32());
            c.Continue(thread);
            Assert.Equal(1, c.WaitEvent("exited").GetProperty("exitCode").GetInt32());
            Assert.Contains("mlua: ", c.Output);
            Assert.Contains("attempt to index a nil value (local 't')", c.Output);
            c.Ok("disconnect");
            Assert.True(p.WaitForExit(20_000));
            Assert.Equal(1, p.ExitCode);
        }
        finally
        {
            if (!p.HasExited)
            {
                p.Kill();
            }
        }
    }

    [Fact]
    public void DebugHost_AttachOverTcp_BreakInspectDetachAndReattach()
    {
        string game = Path.Combine(AppContext.BaseDirectory, "scripts", "game.lua");
        using Process host = Start("DebugHost.dll", game);
        try
        {
            string? first = host.StandardOutput.ReadLine();
            Assert.NotNull(first);
            Assert.StartsWith("debug server listening on 127.0.0.1:", first);
            int port = int.Parse(first["debug server listening on 127.0.0.1:".Length..], System.Globalization.CultureInfo.InvariantCulture);

            for (int round = 0; round < 2; round++)
            {
                using var tcp = new TcpClient();
                tcp.Connect("127.0.0.1", port);
                NetworkStream stream = tcp.GetStream();
                using var c = new DapClient(stream, stream);
                c.Initialize();
                c.Ok("attach", new JsonObject());
                JsonElement bp = c.SetBreakpoints(Path.GetFullPath(game), 13)[0];
                Assert.True(bp.GetProperty("verified").GetBoolean()); // the host loaded the script while attached
                c.Ok("configurationDone");
                var (reason, thread, _) = c.WaitStopped();
                Assert.Equal("breakpoint", reason);
                JsonElement[] frames = c.StackTrace(thread);
                Assert.Equal(13, frames[0].GetProperty("line").GetInt32());
                Assert.EndsWith("game.lua:12>", frames[0].GetProperty("name").GetString()); // called by the host: no name, as in a traceback
                Assert.Single(frames);
                int frame = frames[0].GetProperty("id").GetInt32();
                long tick = long.Parse(c.Scope(frame, "Locals")["tick"], System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(tick > 0);
                Dictionary<string, string> upvalues = c.Scope(frame, "Upvalues");
                Assert.True(upvalues.ContainsKey("score"));
                Assert.Equal((tick % 5 == 0 ? 10 : 1).ToString(System.Globalization.CultureInfo.InvariantCulture), c.Evaluate("bonus(tick)", frame));

                // step in to bonus, then out
                c.Step("stepIn", thread);
                (_, thread, _) = c.WaitStopped();
                Assert.Equal("upvalue 'bonus'", c.StackTrace(thread)[0].GetProperty("name").GetString());
                c.Step("stepOut", thread);
                (_, thread, _) = c.WaitStopped();
                Assert.EndsWith("game.lua:12>", c.StackTrace(thread)[0].GetProperty("name").GetString());

                // detach while stopped: the host goes on ticking
                c.Ok("disconnect", new JsonObject { ["terminateDebuggee"] = false });
            }

            string? line;
            int ticksAfter = 0;
            while (ticksAfter < 2 && (line = host.StandardOutput.ReadLine()) != null)
            {
                if (line.StartsWith("tick ", StringComparison.Ordinal))
                {
                    ticksAfter++;
                }
            }

            Assert.Equal(2, ticksAfter);
            Assert.False(host.HasExited);
        }
        finally
        {
            host.Kill();
            host.WaitForExit();
        }
    }
}
