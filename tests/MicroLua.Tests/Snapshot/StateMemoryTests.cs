using Xunit.Abstractions;

namespace MicroLua.Tests.Snapshot;

/// <summary>
/// Managed memory an idle state costs (its heap block is native memory and not counted here).
/// GC.GetTotalMemory counts the whole process, so these run alone (<see cref="MeasuredAlone"/>):
/// beside the other classes they read 14,953 bytes where alone they read 7,119.
/// </summary>
[Collection(nameof(MeasuredAlone))]
public sealed class StateMemoryTests(ITestOutputHelper output)
{
    private const int States = 200;

    /// <summary>Managed bytes allocated per state by <paramref name="make"/>, over <see cref="States"/> states kept alive together.</summary>
    internal static long BytesPerState(Func<LuaState> make)
    {
        var states = new LuaState[States];
        make().Dispose(); // warm up: types, statics, the JIT
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < States; i++)
        {
            states[i] = make();
        }

        long after = GC.GetAllocatedBytesForCurrentThread();
        foreach (LuaState s in states)
        {
            s.Dispose();
        }

        return (after - before) / States;
    }

    /// <summary>Managed bytes still reachable per state made by <paramref name="make"/> (full .NET collections before and after), over <see cref="States"/> states kept alive together.</summary>
    internal static long RetainedBytesPerState(Func<LuaState> make)
    {
        var states = new LuaState[States];
        make().Dispose();
        long before = GC.GetTotalMemory(forceFullCollection: true);
        for (int i = 0; i < States; i++)
        {
            states[i] = make();
        }

        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(states);
        foreach (LuaState s in states)
        {
            s.Dispose();
        }

        return (after - before) / States;
    }

    [Fact]
    public void AStateFromScratchRetainsAtMostTwoKilobytes()
    {
        // Measured 1,711 (with the caller's LuaOptions, 80): the second and later states with the
        // same settings are copies of a template, sharing its names, handles and library
        // descriptions (1,935), and an idle state makes no lists or buffers before their first
        // use. 5,208 before the templates; 7,129 before the library functions' descriptions
        // were shared, 9,606 before that. Issue 15 asks for 2 KB.
        long perState = RetainedBytesPerState(() => new LuaState(new LuaOptions { MemoryLimit = 1 << 20 }));
        output.WriteLine($"from scratch: {perState} bytes retained per idle state");
        Assert.InRange(perState, 1, 2048);
    }

    [Fact]
    public void AStateFromASnapshotOfASafeStateTakesAtMostTwoKilobytes()
    {
        using var safe = new LuaState(new LuaOptions { MemoryLimit = 1 << 20 });
        LuaSnapshot snap = safe.Snapshot();
        long perState = BytesPerState(() => LuaState.FromSnapshot(snap));
        output.WriteLine($"from a snapshot: {perState} bytes per idle state");
        Assert.InRange(perState, 1, 2048);
    }

    [Fact]
    public void AStateFromScratchIsMeasured()
    {
        long perState = BytesPerState(() => new LuaState(new LuaOptions { MemoryLimit = 1 << 20 }));
        output.WriteLine($"from scratch: {perState} bytes per idle state");
        Assert.True(perState > 0);
    }
}

/// <summary>Tests that measure the process's managed memory: xunit runs this collection after the parallel ones, by itself.</summary>
[CollectionDefinition(nameof(MeasuredAlone), DisableParallelization = true)]
public sealed class MeasuredAlone;
