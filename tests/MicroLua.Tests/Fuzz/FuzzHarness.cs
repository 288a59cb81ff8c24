using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Text;
using MicroLua.Compiler;
using MicroLua.Gc;

namespace MicroLua.Tests.Fuzz;

/// <summary>What a fuzz run saw: outcomes by kind, the slowest case, and every finding.</summary>
internal sealed class FuzzStats
{
    public int Cases;
    public int Ran;
    public int Returned;
    public int LuaErrors;
    public int BudgetStops;
    public int OtherExceptions;
    public int Hangs;
    public int HeapFailures;
    public int DisposeStops;
    public double MaxMilliseconds;
    public string MaxCase = "";
    public double MaxCpuMilliseconds;
    public string MaxCpuCase = "";
    public readonly List<string> Findings = [];

    public override string ToString() =>
        $"{Cases} cases, {Ran} run: {Returned} returned, {LuaErrors} Lua errors, {BudgetStops} budget stops; " +
        $"{OtherExceptions} other exceptions, {Hangs} hangs, {HeapFailures} heap-verifier failures, {DisposeStops} stops thrown by Dispose; " +
        $"slowest {MaxMilliseconds:F0} ms wall clock ({MaxCase}), {MaxCpuMilliseconds:F0} ms of processor time ({MaxCpuCase})";
}

/// <summary>
/// Runs fuzz cases the way a hostile host input would arrive: each in a fresh state with a
/// memory limit and an instruction budget, on a thread with a 1 MiB stack. Allowed outcomes
/// are the documented ones (a result, <see cref="LuaException"/>,
/// <see cref="LuaBudgetExceededException"/>); anything else, a case that outlives the
/// watchdog (a loop the budget does not see) or a heap the verifier rejects afterwards is a
/// finding, saved under the temp folder for reproduction.
///
/// Long mode: MLUA_FUZZ_LONG=1 runs 20,000 cases per fuzzer with a budget of 10,000,000
/// (MLUA_FUZZ_FROM and MLUA_FUZZ_COUNT pick a slice, so tests/fuzz/long.sh can run slices in
/// separate processes and count any process that dies; MLUA_FUZZ_TRACE=file names the case
/// being run in that file, and file.bin holds its input).
/// </summary>
internal static class FuzzHarness
{
    /// <summary>A case taking this long has escaped the budget: the watchdog cancels it.</summary>
    private static readonly TimeSpan Watchdog = TimeSpan.FromSeconds(30);

    [ThreadStatic]
    private static LuaState? s_spare;

    public static bool LongMode => Environment.GetEnvironmentVariable("MLUA_FUZZ_LONG") == "1";

    /// <summary>First case index and number of cases: the CI count, or in long mode 20,000 (or the MLUA_FUZZ_FROM/MLUA_FUZZ_COUNT slice).</summary>
    public static (int From, int Count) Range(int ciCount)
    {
        if (!LongMode)
        {
            return (0, ciCount);
        }

        int from = int.TryParse(Environment.GetEnvironmentVariable("MLUA_FUZZ_FROM"), out int f) ? f : 0;
        int count = int.TryParse(Environment.GetEnvironmentVariable("MLUA_FUZZ_COUNT"), out int c) ? c : 20_000;
        return (from, count);
    }

    /// <summary>The instruction budget per case: 10,000,000 in long mode (the 2 s goal), less in CI.</summary>
    public static long Budget(long ciBudget) => LongMode ? 10_000_000 : ciBudget;

    public static LuaState NewState() => new(new LuaOptions
    {
        Compiler = LuaCompiler.Instance,
        Libraries = LuaLibraries.All,
        MemoryLimit = 32L * 1024 * 1024,
        HashSeed = 1,
        Output = (_, _) => { },
    });

    /// <summary>Runs <paramref name="body"/> on a thread with a 1 MiB stack (the Windows default) and rethrows what it threw.</summary>
    public static void OnSmallStack(Action body)
    {
        Exception? error = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    body();
                }
                catch (Exception e)
                {
                    error = e;
                }
            },
            1024 * 1024);
        thread.Start();
        thread.Join();
        if (error != null)
        {
            ExceptionDispatchInfo.Throw(error);
        }
    }

    /// <summary>
    /// Runs one case in a fresh state. <paramref name="body"/> returns false when the input
    /// was refused before running (a load error), which counts as a case but not a run (and
    /// the state, untouched by Lua code, serves the next case).
    /// </summary>
    public static void RunCase(FuzzStats stats, string kind, int index, byte[] input, long budget, Func<LuaState, bool> body)
    {
        stats.Cases++;
        if (Environment.GetEnvironmentVariable("MLUA_FUZZ_TRACE") is { Length: > 0 } trace)
        {
            File.WriteAllText(trace, $"{kind} {index}\n"); // after a process death: the case that killed it
            File.WriteAllBytes(trace + ".bin", input);
        }

        LuaState lua = s_spare ?? NewState(); // a state that only saw refused loads is as new
        s_spare = null;
        using var watchdog = new CancellationTokenSource(Watchdog);
        lua.CancellationToken = watchdog.Token;
        lua.InstructionBudget = budget;
        using Process process = Process.GetCurrentProcess();
        TimeSpan cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        string? finding = null;
        bool ran = true;
        try
        {
            ran = body(lua);
            stats.Returned += ran ? 1 : 0;
        }
        catch (LuaException)
        {
            stats.LuaErrors++;
        }
        catch (LuaBudgetExceededException)
        {
            stats.BudgetStops++;
        }
        catch (OperationCanceledException)
        {
            stats.Hangs++;
            finding = $"ran past the {Watchdog.TotalSeconds} s watchdog with a budget of {budget}";
        }
        catch (Exception e)
        {
            stats.OtherExceptions++;
            finding = e.ToString();
        }

        clock.Stop();
        process.Refresh();
        double cpuMs = (process.TotalProcessorTime - cpu).TotalMilliseconds;
        if (cpuMs > stats.MaxCpuMilliseconds)
        {
            stats.MaxCpuMilliseconds = cpuMs;
            stats.MaxCpuCase = $"{kind} {index}";
        }

        stats.Ran += ran ? 1 : 0;
        if (clock.Elapsed.TotalMilliseconds > stats.MaxMilliseconds)
        {
            stats.MaxMilliseconds = clock.Elapsed.TotalMilliseconds;
            stats.MaxCase = $"{kind} {index}";
        }

        if (finding == null)
        {
            lua.CancellationToken = CancellationToken.None;
            string? heap = HeapVerifier.Verify(lua.Global);
            if (heap != null)
            {
                stats.HeapFailures++;
                finding = "heap verifier: " + heap;
            }
        }

        if (ran || finding != null)
        {
            try
            {
                lua.Dispose(); // pending finalizers run here, still under the budget and the watchdog
            }
            catch (Exception e) when (e is LuaBudgetExceededException or OperationCanceledException)
            {
                stats.DisposeStops++; // Dispose should complete without throwing (issue 10, the Dispose item)
            }
            catch (Exception e)
            {
                finding ??= "Dispose threw " + e;
            }
        }
        else
        {
            lua.InstructionBudget = null;
            s_spare = lua;
        }

        if (finding != null)
        {
            string dir = Path.Combine(Path.GetTempPath(), "mlua-fuzz");
            Directory.CreateDirectory(dir);
            string file = Path.Combine(dir, $"{kind}-{index}.bin");
            File.WriteAllBytes(file, input);
            stats.Findings.Add($"{kind} {index} (input in {file}): {finding}");
        }
    }

    /// <summary>Fails the test with every finding, or writes the summary to the test output.</summary>
    public static void Report(FuzzStats stats, Action<string> output)
    {
        s_spare?.Dispose();
        s_spare = null;
        output(stats.ToString());
        if (stats.Findings.Count > 0)
        {
            var sb = new StringBuilder(stats.ToString()).AppendLine();
            foreach (string f in stats.Findings.Take(20))
            {
                sb.AppendLine(f);
            }

            Assert.Fail(sb.ToString());
        }
    }
}
