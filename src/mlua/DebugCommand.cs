using System.Text;
using MicroLua.Debugging;
using MicroLua.Host;
#if !MLUA_NO_COMPILER
using MicroLua.Compiler;
#endif

namespace MicroLua.Cli;

/// <summary>
/// <c>mlua --debug [script [args]]</c>: a Debug Adapter Protocol server on standard input and
/// output, as VS Code launches it. The protocol owns standard output: what the script prints
/// (print, io.write, io.stderr, error reports) reaches the client as output events. The script
/// is the one on the command line or, without one, the launch request's "program" (with its
/// "args" and "cwd"); it starts once the client has sent configurationDone.
/// </summary>
internal static class DebugCommand
{
    public static int Run(string[] args, int first)
    {
        Stream input = Console.OpenStandardInput();
        Stream output = Console.OpenStandardOutput();
        using var adapter = new LuaDebugAdapter();

        // Nothing else may write to standard output now: console writes become output events.
        Console.SetOut(new OutputEventWriter(adapter, "stdout"));
        Console.SetError(new OutputEventWriter(adapter, "stderr"));
        var scriptDone = new ManualResetEventSlim();
        adapter.ClientDisconnected += terminate =>
        {
            if (terminate && !scriptDone.IsSet)
            {
                Environment.Exit(1); // the client ended the session: end the script with it
            }

            scriptDone.Set();
        };
        adapter.Connect(input, output);
        if (!adapter.WaitForConfiguration(Timeout.InfiniteTimeSpan))
        {
            return 1;
        }

        LuaLaunchRequest? launch = adapter.LaunchRequest;
        string[] scriptArgs;
        if (first < args.Length)
        {
            scriptArgs = args[first..];
        }
        else if (launch?.Program is string program)
        {
            scriptArgs = [program, .. launch.Args];
        }
        else
        {
            adapter.SendOutput("mlua: nothing to debug: give a script on the command line or a \"program\" in the launch configuration\n", "stderr");
            adapter.NotifyExited(1);
            return 1;
        }

        if (launch?.Cwd is { Length: > 0 } cwd)
        {
            Directory.SetCurrentDirectory(cwd);
        }

        int status = RunScript(adapter, scriptArgs, attach: launch == null || !launch.NoDebug);
        adapter.NotifyExited(status);
        scriptDone.Set();
        adapter.WaitForDisconnect(TimeSpan.FromSeconds(10));
        return status;
    }

    private static int RunScript(LuaDebugAdapter adapter, string[] scriptArgs, bool attach)
    {
        var options = new LuaOptions
        {
#if !MLUA_NO_COMPILER
            Compiler = LuaCompiler.Instance,
#endif
            Output = adapter.WriteOutput,
            Libraries = LuaLibraries.All,
        };
        using var lua = new LuaState(options);
        LuaHostLibraries.OpenAll(lua, new LuaHostOptions
        {
            FlushStandardOutput = () => { },
            PathsFromEnvironment = true,
            Exit = code =>
            {
                adapter.NotifyExited(code);
                Environment.Exit(code);
            },
        });
        Program.CreateArgTable(lua, scriptArgs, 0);
        if (attach)
        {
            adapter.Attach(lua);
        }

        try
        {
            return Program.RunFile(lua, scriptArgs[0] == "-" ? null : scriptArgs[0], scriptArgs[1..]) ? 0 : 1;
        }
        finally
        {
            adapter.Detach();
        }
    }

    /// <summary>Console text as output events of one category, a line (or a flush) at a time.</summary>
    private sealed class OutputEventWriter(LuaDebugAdapter adapter, string category) : TextWriter
    {
        private readonly StringBuilder _pending = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_pending)
            {
                _pending.Append(value);
                if (value == '\n')
                {
                    FlushPending();
                }
            }
        }

        public override void Write(string? value)
        {
            lock (_pending)
            {
                _pending.Append(value);
                if (value != null && value.Contains('\n', StringComparison.Ordinal))
                {
                    FlushPending();
                }
            }
        }

        public override void Flush()
        {
            lock (_pending)
            {
                FlushPending();
            }
        }

        private void FlushPending()
        {
            if (_pending.Length > 0)
            {
                adapter.SendOutput(_pending.ToString(), category);
                _pending.Clear();
            }
        }
    }
}
