using MicroLua;
using MicroLua.Compiler;

// usage: GcShare [--runs N] script.lua: runs the script N times (default 9) in each collector
// mode, interleaved (incremental, generational, incremental, ...), each run in a fresh state
// after one untimed warm-up run per mode (the JIT), and prints per mode the median and best of
// the time in the collector (LuaState.GcStatistics.Time) and its work units. Interleaved in one
// process so that a loaded machine's drift falls on both modes alike. The script's output is
// discarded.
int runs = 9;
string? script = null;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--runs" && i + 1 < args.Length)
    {
        runs = int.Parse(args[++i]);
    }
    else
    {
        script = args[i];
    }
}

if (script == null || runs < 1)
{
    Console.Error.WriteLine("usage: GcShare [--runs N] script.lua");
    return 2;
}

byte[] code = File.ReadAllBytes(script);
LuaGcMode[] modes = [LuaGcMode.Incremental, LuaGcMode.Generational];
var times = new List<double>[modes.Length];
var stats = new LuaGcStatistics[modes.Length];
for (int m = 0; m < modes.Length; m++)
{
    times[m] = [];
    Run(modes[m]); // warm-up
}

for (int r = 0; r < runs; r++)
{
    for (int m = 0; m < modes.Length; m++)
    {
        stats[m] = Run(modes[m]);
        times[m].Add(stats[m].Time.TotalMilliseconds);
    }
}

for (int m = 0; m < modes.Length; m++)
{
    List<double> t = times[m];
    t.Sort();
    LuaGcStatistics s = stats[m];
    Console.WriteLine(
        $"{modes[m],-12} collector time median {t[t.Count / 2],7:F1} ms  best {t[0],7:F1} ms  ({runs} runs)" +
        $"  work {s.Work:N0} units, {s.Steps:N0} steps ({s.MinorCollections:N0} minor, {s.MajorCollections:N0} major)");
}

double inc = times[0][runs / 2], gen = times[1][runs / 2];
Console.WriteLine($"generational/incremental: median {gen / inc:P0}, best {times[1][0] / times[0][0]:P0}");
return 0;

LuaGcStatistics Run(LuaGcMode mode)
{
    using var lua = new LuaState(new LuaOptions
    {
        Compiler = LuaCompiler.Instance,
        Libraries = LuaLibraries.All,
        MemoryLimit = 1L << 30,
        Output = (bytes, kind) => { },
    });
    lua.GcMode = mode;
    lua.DoBuffer(code, "@" + script);
    return lua.GcStatistics;
}
