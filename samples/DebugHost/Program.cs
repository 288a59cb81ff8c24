using MicroLua;
using MicroLua.Compiler;
using MicroLua.Debugging;

// A game-like host with a debugger port: `DebugHost [script.lua] [--port N] [--ticks N]`.
// It listens on 127.0.0.1 (a free port unless --port is given; the line it prints says which),
// loads the script, and calls its global update(tick) every 100 ms, forever or --ticks times.
// Attach VS Code with an "attach" configuration whose "debugServer" is that port; detaching
// leaves the game running.
string script = Path.Combine(AppContext.BaseDirectory, "scripts", "game.lua");
int port = 0;
long ticks = long.MaxValue;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port" when i + 1 < args.Length:
            port = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            break;
        case "--ticks" when i + 1 < args.Length:
            ticks = long.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            break;
        default:
            script = args[i];
            break;
    }
}

using var lua = new LuaState(new LuaOptions { Compiler = LuaCompiler.Instance });
using LuaDebugServer server = LuaDebugServer.Listen(lua, port);
Console.WriteLine($"debug server listening on 127.0.0.1:{server.Port}");
Console.Out.Flush();

string path = Path.GetFullPath(script);
lua.DoBuffer(File.ReadAllBytes(path), "@" + path);
using LuaFunction update = lua["update"].AsFunction();
for (long tick = 1; tick <= ticks; tick++)
{
    update.Call(tick);
    Console.Out.Flush();
    Thread.Sleep(100);
}
