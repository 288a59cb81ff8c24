using System.Diagnostics;
using MicroLua;
using MicroLua.Compiler;

// usage: GcPause script.lua [args...]: runs the script with `arg` set and a host clock
// `bench_now()` (Stopwatch seconds); print goes to stdout.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: GcPause script.lua [args...]");
    return 2;
}

using Stream stdout = Console.OpenStandardOutput();
using var lua = new LuaState(new LuaOptions
{
    Compiler = LuaCompiler.Instance,
    Libraries = LuaLibraries.All,
    MemoryLimit = 1L << 30,
    Output = (bytes, kind) => stdout.Write(bytes),
});
double tick = 1.0 / Stopwatch.Frequency;
lua.Register("bench_now", c => c.Return(Stopwatch.GetTimestamp() * tick));
LuaTableRef argTable = lua.CreateTable();
for (int i = 0; i < args.Length; i++)
{
    argTable[i] = args[i];
}

lua.GetGlobals()["arg"] = argTable;
lua.DoBuffer(File.ReadAllBytes(args[0]), "@" + args[0]);
return 0;
