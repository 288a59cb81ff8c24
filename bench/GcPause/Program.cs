using System.Diagnostics;
using MicroLua;
using MicroLua.Compiler;

// usage: GcPause script.lua [args...]: runs the script with `arg` set and a host clock
// `bench_now()`; print goes to stdout. The clock is the thread's CPU time (clock_gettime
// CLOCK_THREAD_CPUTIME_ID), like lua5.4's os.clock (process CPU time, one thread): on a loaded
// machine wall-clock gaps measure the scheduler. GCPAUSE_CLOCK=wall selects a Stopwatch.
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
if (Environment.GetEnvironmentVariable("GCPAUSE_CLOCK") == "wall")
{
    lua.Register("bench_now", c => c.Return(Stopwatch.GetTimestamp() * tick));
}
else
{
    lua.Register("bench_now", c => c.Return(ThreadClock.Seconds()));
}
LuaTableRef argTable = lua.CreateTable();
for (int i = 0; i < args.Length; i++)
{
    argTable[i] = args[i];
}

lua.GetGlobals()["arg"] = argTable;
lua.DoBuffer(File.ReadAllBytes(args[0]), "@" + args[0]);
return 0;

internal static partial class ThreadClock
{
    private const int ClockThreadCpuTime = 3;

    public static unsafe double Seconds()
    {
        TimeSpec ts;
        _ = ClockGetTime(ClockThreadCpuTime, &ts);
        return ts.Seconds + (ts.Nanoseconds * 1e-9);
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static unsafe partial int ClockGetTime(int clock, TimeSpec* ts);

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
