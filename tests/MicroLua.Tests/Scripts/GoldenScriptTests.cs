using System.Text;
using MicroLua.Compiler;

namespace MicroLua.Tests.Scripts;

/// <summary>
/// Runs every tests/lua/*.lua behaviour script in a state and compares what it prints with
/// its .expected file, which lua5.4 produced (tests/lua/regen.sh).
/// </summary>
public sealed class GoldenScriptTests
{
    internal static string ScriptDirectory
    {
        get
        {
            string? dir = AppContext.BaseDirectory;
            while (dir != null && !Directory.Exists(Path.Combine(dir, "tests", "lua")))
            {
                dir = Path.GetDirectoryName(dir);
            }

            return Path.Combine(dir ?? throw new DirectoryNotFoundException("tests/lua not found"), "tests", "lua");
        }
    }

    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (string f in Directory.GetFiles(ScriptDirectory, "*.lua").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(f));
        }

        return data;
    }

    internal static string Run(string script, LuaOptions? options = null) =>
        RunWith(options, lua => lua.DoBuffer(File.ReadAllBytes(Path.Combine(ScriptDirectory, script)), "@" + script));

    /// <summary>
    /// Runs <paramref name="run"/> in a state with the compiler, io and os, a fixed hash seed and
    /// print captured; returns what it printed (and the error, if any) after checking the heap.
    /// </summary>
    internal static string RunWith(LuaOptions? options, Action<LuaState> run)
    {
        var output = new MemoryStream();
        options ??= new LuaOptions();
        options = options with
        {
            Compiler = LuaCompiler.Instance,
            Output = (bytes, kind) => output.Write(bytes),
            HashSeed = 12345,
        };
        using var lua = new LuaState(options);
        MicroLua.Host.LuaHostLibraries.OpenAll(lua);
        try
        {
            run(lua);
        }
        catch (LuaException e)
        {
            output.Write(Encoding.UTF8.GetBytes($"error: {e.Message}\n"));
        }

        // The heap is sound after the script, and again after a full collection.
        Assert.Null(MicroLua.Gc.HeapVerifier.Verify(lua.Global));
        lua.CollectGarbage();
        Assert.Null(MicroLua.Gc.HeapVerifier.Verify(lua.Global, afterFullCollection: true));

        return Encoding.UTF8.GetString(output.ToArray());
    }

    /// <summary>
    /// The same scripts with a full collection before every allocation: any object runtime
    /// code forgot to anchor is freed at once and the output (or the heap verifier) shows it.
    /// </summary>
    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_UnderGcStress_MatchesLua54(string script)
    {
        string expected = File.ReadAllText(Path.Combine(ScriptDirectory, Path.ChangeExtension(script, ".expected")));
        string actual = Run(script, new LuaOptions { GcStress = true, MemoryLimit = 64L * 1024 * 1024 });
        Assert.Equal(expected, actual);
    }

    /// <summary>
    /// The same scripts with the incremental collector stepping at every allocation and every
    /// safe point (so its cycles interleave with every kind of store) and the heap verifier, which checks the
    /// tri-colour invariant, after each step (every 64th once a script has taken 4,000 steps, to
    /// bound the time).
    /// </summary>
    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_UnderIncrementalStress_MatchesLua54(string script)
    {
        string expected = File.ReadAllText(Path.Combine(ScriptDirectory, Path.ChangeExtension(script, ".expected")));
        string actual = RunWith(new LuaOptions { MemoryLimit = 64L * 1024 * 1024, GcStress = true }, lua =>
        {
            var gc = (MicroLua.Gc.Collector)lua.Global.Collector!;
            gc.IncrementalStress = true;
            long steps = 0;
            gc.AfterStep = () =>
            {
                if (++steps < 4000 || steps % 64 == 0)
                {
                    MicroLua.Gc.HeapVerifier.Check(lua.Global);
                }
            };
            lua.Global.GcDebt = 1;
            lua.DoBuffer(File.ReadAllBytes(Path.Combine(ScriptDirectory, script)), "@" + script);
            gc.AfterStep = null;
        });
        Assert.Equal(expected, actual);
    }

    /// <summary>
    /// The same scripts in generational mode with a minor collection at every allocation and
    /// every safe point (a major one every 64th), and the heap verifier, which checks the
    /// generational invariant (an old object refers to a young one only if the next minor
    /// collection traverses it), after each (every 64th once a script has taken 4,000).
    /// </summary>
    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_UnderGenerationalStress_MatchesLua54(string script)
    {
        string expected = File.ReadAllText(Path.Combine(ScriptDirectory, Path.ChangeExtension(script, ".expected")));
        long minors = 0;
        string actual = RunWith(new LuaOptions { MemoryLimit = 64L * 1024 * 1024, GcStress = true }, lua =>
        {
            var gc = (MicroLua.Gc.Collector)lua.Global.Collector!;
            lua.GcMode = LuaGcMode.Generational;
            gc.IncrementalStress = true;
            long steps = 0;
            gc.AfterStep = () =>
            {
                if (++steps < 4000 || steps % 64 == 0)
                {
                    MicroLua.Gc.HeapVerifier.Check(lua.Global);
                }
            };
            lua.Global.GcDebt = 1;
            lua.DoBuffer(File.ReadAllBytes(Path.Combine(ScriptDirectory, script)), "@" + script);
            gc.AfterStep = null;
            minors = gc.MinorCollections;
            Assert.True(gc.GenerationalActive || lua.GcMode == LuaGcMode.Incremental);
        });
        Assert.Equal(expected, actual);
        Assert.True(minors > 0);
    }

    /// <summary>
    /// The same scripts with the heap compacted each time the API returns to the host
    /// (<see cref="LuaOptions.CompactAtSafePoints"/>: after the chunk is loaded, after it ran, after
    /// the runner's collection) and the heap verifier after each compaction; the io library's cached
    /// file metatable and everything the runner then reads must have followed the moves.
    /// </summary>
    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_WithCompactionAtSafePoints_MatchesLua54(string script)
    {
        string expected = File.ReadAllText(Path.Combine(ScriptDirectory, Path.ChangeExtension(script, ".expected")));
        long compactions = 0;
        string actual = RunWith(new LuaOptions { MemoryLimit = 64L * 1024 * 1024, CompactAtSafePoints = true }, lua =>
        {
            lua.AfterCompaction = () => MicroLua.Gc.HeapVerifier.Check(lua.Global);
            lua.DoBuffer(File.ReadAllBytes(Path.Combine(ScriptDirectory, script)), "@" + script);
            lua.DoString("io.write('')"); // the io library again, after its metatable moved
            compactions = lua.Compactions;
        });
        Assert.Equal(expected, actual);
        Assert.True(compactions >= 2);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_Output_MatchesLua54(string script)
    {
        string expected = File.ReadAllText(Path.Combine(ScriptDirectory, Path.ChangeExtension(script, ".expected")));
        string actual = Run(script);
        Assert.Equal(expected, actual);
    }
}
