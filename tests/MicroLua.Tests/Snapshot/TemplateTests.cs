using System.Text;
using MicroLua.Compiler;
using MicroLua.Gc;

namespace MicroLua.Tests.Snapshot;

/// <summary>
/// The second and later states a process makes with the same settings are copies of a
/// template (LuaState.Templates.cs). Each test uses settings of its own (a hash seed no other
/// test uses), so its first state is built from scratch and the later ones are copies.
/// </summary>
public sealed class TemplateTests
{
    private const string Script = """
        local t = {}
        for i = 1, 50 do t["k" .. i] = i; t[i] = tostring(i * 3) end
        local keys = {}
        for k in pairs(t) do keys[#keys + 1] = tostring(k) end
        print(#keys, table.concat(keys, ",", 1, 12))
        print(string.format("%q", 1 / 3), select("#", string.byte("hello", 1, -1)), next({}))
        collectgarbage("collect")
        print(collectgarbage("count") > 0, require == nil, package and package.path ~= nil)
        """;

    private static LuaOptions Options(uint seed, StringBuilder output, LuaRequireHandler? require = null) => new()
    {
        Compiler = LuaCompiler.Instance,
        HashSeed = seed,
        MemoryLimit = 1 << 20,
        Libraries = LuaLibraries.Safe | LuaLibraries.Package,
        Output = (bytes, _) => output.Append(Encoding.UTF8.GetString(bytes)),
        Require = require,
    };

    private static void AssertSound(LuaState s)
    {
        string? e = HeapVerifier.Verify(s.Global);
        Assert.True(e == null, e);
    }

    [Fact]
    public void CopiesOfTheTemplate_RunAsTheStateBuiltFromScratch()
    {
        var outputs = new StringBuilder[3];
        var states = new LuaState[3];
        for (int i = 0; i < 3; i++)
        {
            outputs[i] = new StringBuilder();
            states[i] = new LuaState(Options(0x7E3A_0001, outputs[i]));
        }

        try
        {
            foreach (LuaState s in states)
            {
                AssertSound(s);
                s.DoString(Script);
                AssertSound(s);
            }

            Assert.Equal(outputs[0].ToString(), outputs[1].ToString());
            Assert.Equal(outputs[0].ToString(), outputs[2].ToString());
            Assert.StartsWith("100\t", outputs[0].ToString(), StringComparison.Ordinal);

            // The same live bytes after a full collection: a copy holds exactly what scratch built.
            long live = states[0].MemoryStats.BytesInUse;
            Assert.Equal(live, states[1].MemoryStats.BytesInUse);
            Assert.Equal(live, states[2].MemoryStats.BytesInUse);
        }
        finally
        {
            foreach (LuaState s in states)
            {
                s.Dispose();
            }
        }
    }

    [Fact]
    public void ACopy_KeepsTheCallersOptions_AndIsAFamilyOfItsOwn()
    {
        var sb = new StringBuilder();
        LuaOptions o = Options(0x7E3A_0002, sb);
        using var first = new LuaState(o);
        using var second = new LuaState(o);
        using var third = new LuaState(o);
        Assert.Same(o, second.Options);
        Assert.Same(o, third.Options);

        // Two states the constructor made are unrelated, whether built or copied.
        LuaSnapshot ofSecond = second.Snapshot();
        Assert.Throws<ArgumentException>(() => third.Restore(ofSecond));
        Assert.Throws<ArgumentException>(() => first.Restore(ofSecond));
        Assert.Throws<ArgumentException>(() => second.Restore(third.Snapshot()));

        // A copy restores to its own snapshot, and states made from that snapshot share its family.
        second.DoString("x = 42");
        second.Restore(ofSecond);
        second.DoString("print(x)");
        using LuaState fork = LuaState.FromSnapshot(ofSecond);
        fork.Restore(ofSecond);
        second.Restore(fork.Snapshot());
        Assert.Equal("nil\n", sb.ToString());
        AssertSound(second);
    }

    [Fact]
    public void CopiesWithAndWithoutARequireHandler_EachGetTheirOwnSearchers()
    {
        LuaRequireHandler handler = name => name == "util" ? LuaModuleSource.FromValue(7) : null;
        const string Use = "print(#package.searchers, pcall(require, 'util'))";
        var withHandler = new StringBuilder();
        var without = new StringBuilder[3];
        for (int i = 0; i < 3; i++)
        {
            using var a = new LuaState(Options(0x7E3A_0003, withHandler, handler));
            a.DoString(Use);
            without[i] = new StringBuilder();
            using var b = new LuaState(Options(0x7E3A_0003, without[i]));
            b.DoString(Use);
        }

        Assert.Equal(string.Concat(Enumerable.Repeat("2\ttrue\t7\t:host:\n", 3)), withHandler.ToString());
        Assert.Equal(without[0].ToString(), without[1].ToString());
        Assert.Equal(without[0].ToString(), without[2].ToString());
        Assert.StartsWith("1\tfalse\tmodule 'util' not found:", without[0].ToString(), StringComparison.Ordinal);
    }
}
