using System.IO.Pipes;
using System.Text;
using MicroLua.Compiler;

namespace MicroLua.Debugging.Tests;

/// <summary>
/// An adapter and a client joined by in-process pipes, with a script thread that does what a
/// launching host does: waits for the configuration, creates a state whose output goes to the
/// client, attaches, runs the script, reports the exit.
/// </summary>
internal sealed class InProcessSession : IDisposable
{
    private readonly Thread _script;
    private readonly AnonymousPipeServerStream _toClient = new(PipeDirection.Out);
    private readonly AnonymousPipeServerStream _toAdapter = new(PipeDirection.Out);

    public InProcessSession(Action<LuaState> run)
    {
        var fromClient = new AnonymousPipeClientStream(PipeDirection.In, _toAdapter.ClientSafePipeHandle);
        var fromAdapter = new AnonymousPipeClientStream(PipeDirection.In, _toClient.ClientSafePipeHandle);
        Adapter = new LuaDebugAdapter();
        Adapter.Connect(fromClient, _toClient);
        Client = new DapClient(fromAdapter, _toAdapter);
        _script = new Thread(() =>
        {
            if (!Adapter.WaitForConfiguration(TimeSpan.FromSeconds(60)))
            {
                return;
            }

            using var lua = new LuaState(new LuaOptions { Compiler = LuaCompiler.Instance, Output = Adapter.WriteOutput, Libraries = LuaLibraries.All });
            Adapter.Attach(lua);
            int code = 0;
            try
            {
                run(lua);
            }
            catch (LuaException e)
            {
                Error = e.Message;
                code = 1;
            }
            finally
            {
                Adapter.Detach();
            }

            Adapter.NotifyExited(code);
        })
        { IsBackground = true };
        _script.Start();
    }

    public LuaDebugAdapter Adapter { get; }

    public DapClient Client { get; }

    /// <summary>The message of the error the script ended with, if it did.</summary>
    public string? Error { get; private set; }

    /// <summary>Waits for the script thread to end.</summary>
    public void Join() => Assert.True(_script.Join(TimeSpan.FromSeconds(30)), "the script did not end");

    /// <summary>A session running a file with <paramref name="source"/> (its path in <paramref name="path"/>).</summary>
    public static InProcessSession ForFile(string source, out string path)
    {
        string file = Path.Combine(Path.GetTempPath(), $"dap-{Guid.NewGuid():N}.lua");
        File.WriteAllText(file, source);
        path = file;
        return new InProcessSession(lua => lua.DoBuffer(Encoding.UTF8.GetBytes(source), "@" + file));
    }

    /// <summary>initialize, launch, the breakpoints, configurationDone.</summary>
    public void Start(string path, params int[] lines)
    {
        Client.Initialize();
        Client.Ok("launch", new System.Text.Json.Nodes.JsonObject { ["program"] = path });
        if (lines.Length > 0)
        {
            Client.SetBreakpoints(path, lines);
        }

        Client.Ok("configurationDone");
    }

    public void Dispose()
    {
        Client.Dispose();
        _script.Join(TimeSpan.FromSeconds(10));
        Adapter.Dispose();
        _toClient.Dispose();
        _toAdapter.Dispose();
    }
}
