using System.Text;
using MicroLua.Compiler;
using MicroLua.Gc;

namespace MicroLua.Tests.Snapshot;

public sealed class SnapshotTests
{
    private const string Init = """
        counter = 0
        local names = {}
        function bump(n) counter = counter + n; names[#names + 1] = "n" .. n; return counter, #names end
        setmetatable(_G, { __index = function(_, k) return "missing " .. k end })
        co = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i * 10) end return "done" end)
        gen = coroutine.create(function(a) local b = coroutine.yield(a + 1); return b * 2 end)
        coroutine.resume(gen, 1)
        """;

    private const string Main = """
        print(bump(5), bump(7), co(), co(), undefined)
        print(coroutine.resume(gen, 21))
        print(coroutine.status(gen), math.random(1, 1000000), string.format("%5.2f", counter / 3))
        t = {} for i = 1, 100 do t[i] = tostring(i) end
        print(#t, table.concat(t, ",", 95))
        """;

    internal static LuaOptions Options(StringBuilder output) => new()
    {
        Compiler = LuaCompiler.Instance,
        HashSeed = 7,
        MemoryLimit = 1 << 20,
        Output = (bytes, _) => output.Append(Encoding.UTF8.GetString(bytes)),
    };

    private static void AssertSound(LuaState s)
    {
        string? e = HeapVerifier.Verify(s.Global);
        Assert.True(e == null, e);
    }

    [Fact]
    public void AStateFromASnapshotRunsLikeTheOriginal()
    {
        var outA = new StringBuilder();
        using var a = new LuaState(Options(outA));
        a.DoString(Init);
        LuaSnapshot snap = a.Snapshot();
        a.DoString(Main);

        var outB = new StringBuilder();
        using (LuaState b = LuaState.FromSnapshot(snap, Options(outB)))
        {
            AssertSound(b);
            b.DoString(Main);
            AssertSound(b);
        }

        Assert.Equal(outA.ToString(), outB.ToString());
        Assert.Contains("10\t20\tmissing undefined", outA.ToString());
        Assert.Contains("true\t42", outA.ToString());
    }

    [Fact]
    public void RestorePutsTheStateBack()
    {
        var output = new StringBuilder();
        using var a = new LuaState(Options(output));
        a.DoString(Init);
        using LuaFunction bump = a["bump"].AsFunction();
        LuaSnapshot snap = a.Snapshot();
        a.DoString(Main);
        string first = output.ToString();
        a.DoString("for i = 1, 1000 do _G['junk' .. i] = {i} end counter = -1");
        output.Clear();
        a.Restore(snap);
        AssertSound(a);
        a.DoString(Main);
        Assert.Equal(first, output.ToString());
        Assert.Equal(12, bump.Invoke(0).ToInteger()); // Main's two bumps, once
    }

    [Fact]
    public void HandlesTakenBeforeTheSnapshotSurviveRestore()
    {
        var output = new StringBuilder();
        using var a = new LuaState(Options(output));
        a.DoString("x = { value = 41 }");
        using LuaTableRef x = a["x"].AsTable();
        LuaSnapshot snap = a.Snapshot();
        a.DoString("x.value = 1; y = {}");
        using LuaTableRef y = a["y"].AsTable();
        a.Restore(snap);
        Assert.Equal(41, x["value"].ToInteger());
        Assert.True(a["y"].IsNil);
        AssertSound(a);
    }

    [Fact]
    public void ForksAreIndependent()
    {
        var output = new StringBuilder();
        using var a = new LuaState(Options(output));
        a.DoString("n = 0; function inc() n = n + 1; return n end");
        LuaSnapshot snap = a.Snapshot();
        using LuaState b = LuaState.FromSnapshot(snap);
        using LuaState c = LuaState.FromSnapshot(snap);
        b.DoString("inc() inc()");
        c.DoString("inc()");
        Assert.Equal(2, b["n"].ToInteger());
        Assert.Equal(1, c["n"].ToInteger());
        Assert.Equal(0, a["n"].ToInteger());
        using LuaState d = c.Fork();
        d.DoString("inc()");
        Assert.Equal(2, d["n"].ToInteger());
        Assert.Equal(1, c["n"].ToInteger());
    }

    [Fact]
    public void HostFunctionsAndUserdataAreSharedAndCallTheirOwnState()
    {
        var output = new StringBuilder();
        using var a = new LuaState(Options(output));
        var box = new List<string>();
        a.Register("who", call => call.Return(call.State["name"]));
        using (LuaUserdata u = a.CreateUserdata(box))
        {
            a["box"] = u;
        }

        a.DoString("name = 'a'");
        LuaSnapshot snap = a.Snapshot();
        using LuaState b = LuaState.FromSnapshot(snap);
        b.DoString("name = 'b'");
        Assert.Equal("b", b.DoString("return who()")[0].AsString());
        Assert.Equal("a", a.DoString("return who()")[0].AsString());
        Assert.Same(box, b["box"].AsUserdata().Target);
    }

    [Fact]
    public void ASnapshotIsRefusedWhileLuaRuns()
    {
        using var a = new LuaState(Options(new StringBuilder()));
        InvalidOperationException? seen = null;
        a.Register("snap", call =>
        {
            LuaState state = call.State;
            seen = Assert.Throws<InvalidOperationException>(() => state.Snapshot());
            return call.Return();
        });
        a.DoString("snap()");
        Assert.Contains("only where no Lua code runs", seen!.Message);
    }

    [Fact]
    public void OpenFilesAreRefusedClearly()
    {
        using var a = new LuaState(Options(new StringBuilder()));
        MicroLua.Host.LuaHostLibraries.OpenIo(a);
        var e = Assert.Throws<InvalidOperationException>(() => a.Snapshot());
        Assert.Contains("io", e.Message);
    }

    [Fact]
    public void RestoreRefusesAnotherStatesSnapshot()
    {
        using var a = new LuaState(Options(new StringBuilder()));
        using var b = new LuaState(Options(new StringBuilder()));
        Assert.Throws<ArgumentException>(() => b.Restore(a.Snapshot()));
    }
}
