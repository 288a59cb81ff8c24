using System.Text;
using MicroLua.Compiler;
using MicroLua.Core;
using MicroLua.Tests.Scripts;

namespace MicroLua.Tests.Bytecode;

/// <summary>
/// Every tests/lua script compiled to a .mlu chunk (and to a PUC Lua 5.4 chunk), loaded back
/// and run prints what lua5.4 printed for the source (its .expected file), in both byte orders
/// and stripped or not where line information does not show.
/// </summary>
public sealed class RoundTripTests
{
    public static TheoryData<string> Scripts() => GoldenScriptTests.Scripts();

    private static string RunChunk(string script, Func<LuaState, byte[], LuaValue[]> run)
    {
        string path = Path.Combine(GoldenScriptTests.ScriptDirectory, script);
        byte[] chunk = LuaBytecode.Compile(File.ReadAllBytes(path), "@" + script);
        return GoldenScriptTests.RunWith(new LuaOptions { Libraries = LuaLibraries.All }, lua => run(lua, chunk));
    }

    private static string Expected(string script) =>
        File.ReadAllText(Path.Combine(GoldenScriptTests.ScriptDirectory, Path.ChangeExtension(script, ".expected")));

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_LittleEndianInPlace_MatchesSource(string script)
    {
        string actual = RunChunk(script, (lua, chunk) => lua.DoBytecodeInPlace(chunk.AsMemory(), "=chunk"));
        Assert.Equal(Expected(script), actual);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_BigEndian_MatchesSource(string script)
    {
        string actual = RunChunk(script, (lua, chunk) =>
        {
            string path = Path.Combine(GoldenScriptTests.ScriptDirectory, script);
            byte[] big = LuaBytecode.Compile(File.ReadAllBytes(path), "@" + script, bigEndian: true);
            Assert.NotEqual(chunk, big);
            return lua.DoBytecode(big, "=chunk");
        });
        Assert.Equal(Expected(script), actual);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_ThroughLoad_MatchesSource(string script)
    {
        string actual = RunChunk(script, (lua, chunk) => lua.DoBuffer(chunk, "=chunk"));
        Assert.Equal(Expected(script), actual);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Chunk_DumpedAfterLoad_IsIdentical(string script)
    {
        // string.dump(load(chunk)) gives the PUC chunk of the same function, whichever format was
        // loaded: nothing is lost or reordered on the way.
        string path = Path.Combine(GoldenScriptTests.ScriptDirectory, script);
        foreach (bool strip in new[] { false, true })
        {
            byte[] source = File.ReadAllBytes(path);
            byte[] puc = LuaBytecode.CompilePuc(source, "@" + script, strip);
            foreach (byte[] chunk in new[] { LuaBytecode.Compile(source, "@" + script, strip), puc })
            {
                using var lua = new LuaState(new LuaOptions { Libraries = LuaLibraries.All, Compiler = LuaCompiler.Instance });
                Assert.True(lua.Runtime.Chunks.TryLoad(chunk, "=x", "b", MicroLua.Core.Value.Nil, out var fn, out string? error), error);
                Assert.Equal(puc, lua.Runtime.Chunks.Dump(fn.R, strip));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_AsPucChunk_MatchesSource(string script)
    {
        string actual = RunChunk(script, (lua, _) =>
        {
            string path = Path.Combine(GoldenScriptTests.ScriptDirectory, script);
            return lua.DoBytecode(LuaBytecode.CompilePuc(File.ReadAllBytes(path), "@" + script), "=chunk");
        });
        Assert.Equal(Expected(script), actual);
    }
}
