namespace MicroLua.Cli;

/// <summary>
/// Ctrl-C, as lua.c handles SIGINT: while a chunk runs, the first Ctrl-C stops it (through the
/// state's cancellation token; the chunk ends with "interrupted!" and the state stays usable);
/// a second one before the chunk has stopped, or one while no chunk runs, ends mlua as the
/// signal's default action does.
/// </summary>
internal static class Interrupts
{
    private static LuaState? s_lua;
    private static CancellationTokenSource s_cts = new();
    private static volatile bool s_running;

    /// <summary>Gives <paramref name="lua"/> the token that Ctrl-C cancels.</summary>
    public static void Attach(LuaState lua)
    {
        s_lua = lua;
        lua.CancellationToken = s_cts.Token;
        Console.CancelKeyPress += OnCancelKeyPress;
    }

    /// <summary>Runs a chunk of the state; a Ctrl-C meanwhile stops it with an <see cref="OperationCanceledException"/>.</summary>
    public static void Run(Action run)
    {
        bool outer = !s_running;
        s_running = true;
        try
        {
            run();
        }
        finally
        {
            if (outer)
            {
                s_running = false;
                if (s_cts.IsCancellationRequested && s_lua != null)
                {
                    // the token is spent: the next chunk gets a fresh one
                    s_cts.Dispose();
                    s_cts = new CancellationTokenSource();
                    s_lua.CancellationToken = s_cts.Token;
                }
            }
        }
    }

    private static void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (s_running && !s_cts.IsCancellationRequested)
        {
            e.Cancel = true;
            s_cts.Cancel();
        }
    }
}
