// States per second and managed bytes per idle state for MicroLua: a new Safe state (a copy of
// the process's template, and from scratch), a new state from a snapshot of one, and restore of a used state to its snapshot.
// One thread, then one thread per core. Prints one line per measure (bench/states/run.sh
// puts them beside C Lua's). No assertions: docs/memory.md records the figures.
using System.Diagnostics;
using MicroLua;

int seconds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1;
int cores = Environment.ProcessorCount;

using var template = new LuaState();
LuaSnapshot snapshot = template.Snapshot();
Console.WriteLine($"Safe state: {template.MemoryStats.BytesInUse} heap bytes in use, snapshot holds {snapshot.HeapBytes} bytes");

// new LuaState() copies the process's template for its settings (LuaState.Templates.cs); a new
// hash seed each time is a new setting, so those states are built from scratch.
uint seed = 0;
Report("new LuaState() (template)", () => new LuaState().Dispose(), () => new LuaState());
Report("new state from scratch", () => new LuaState(new LuaOptions { HashSeed = Interlocked.Increment(ref seed) }).Dispose(), () => new LuaState(new LuaOptions { HashSeed = Interlocked.Increment(ref seed) }));
Report("new state from a snapshot", () => LuaState.FromSnapshot(snapshot).Dispose(), () => LuaState.FromSnapshot(snapshot));
RestoreBench();
return 0;

void Report(string what, Action once, Func<LuaState> keep)
{
    double one = Rate(once, 1);
    double all = Rate(once, cores);
    long bytes = BytesPerIdleState(keep);
    Console.WriteLine($"{what,-28} {one,10:N0} states/s (1 thread) {all,10:N0} states/s ({cores} threads) {bytes,8:N0} managed bytes per idle state");
}

// Restore of a used state: a state that ran a script that allocates, put back to its snapshot.
void RestoreBench()
{
    using var used = new LuaState(new LuaOptions { Compiler = MicroLua.Compiler.LuaCompiler.Instance });
    // The work is loaded before the snapshot, so its handle stays valid across restores.
    using LuaFunction work = used.Load("local t = {} for i = 1, 200 do t[i] = { i, tostring(i) } end x = t", "=work");
    LuaSnapshot clean = used.Snapshot();
    var sw = Stopwatch.StartNew();
    var times = new List<long>();
    long n = 0;
    long restoreTicks = 0;
    long peak = 0;
    while (sw.Elapsed.TotalSeconds < seconds)
    {
        work.Invoke();
        peak = Math.Max(peak, used.MemoryStats.BytesInUse);
        long t0 = Stopwatch.GetTimestamp();
        used.Restore(clean);
        long t = Stopwatch.GetTimestamp() - t0;
        restoreTicks += t;
        times.Add(t);
        n++;
    }

    times.Sort();
    double median = times[times.Count / 2] * 1e6 / Stopwatch.Frequency;
    double mean = restoreTicks * 1e6 / Stopwatch.Frequency / n;
    Console.WriteLine($"{"restore of a used state",-28} {1e6 / mean,10:N0} restores/s (1 thread) {median,8:F2} us median, {mean:F2} us mean, per restore of a {clean.HeapBytes:N0}-byte snapshot (the state had grown to {peak:N0} bytes in use)");
}

double Rate(Action once, int threads)
{
    for (int i = 0; i < 200; i++)
    {
        once();
    }

    long total = 0;
    var sw = Stopwatch.StartNew();
    var workers = new Thread[threads];
    for (int t = 0; t < threads; t++)
    {
        workers[t] = new Thread(() =>
        {
            long mine = 0;
            while (sw.Elapsed.TotalSeconds < seconds)
            {
                for (int i = 0; i < 100; i++)
                {
                    once();
                }

                mine += 100;
            }

            Interlocked.Add(ref total, mine);
        });
        workers[t].Start();
    }

    foreach (Thread w in workers)
    {
        w.Join();
    }

    return total / sw.Elapsed.TotalSeconds;
}

static long BytesPerIdleState(Func<LuaState> make)
{
    const int n = 1000;
    var states = new LuaState[n];
    make().Dispose();
    long before = GC.GetAllocatedBytesForCurrentThread();
    for (int i = 0; i < n; i++)
    {
        states[i] = make();
    }

    long after = GC.GetAllocatedBytesForCurrentThread();
    foreach (LuaState s in states)
    {
        s.Dispose();
    }

    return (after - before) / n;
}
