using System.Text;
using MicroLua.Bytecode;
using MicroLua.Compiler;
using MicroLua.Core;
using MicroLua.Tests.Scripts;
using MicroLua.Vm;

namespace MicroLua.Tests.Bytecode;

/// <summary>
/// PUC Lua 5.4 binary chunks: luac5.4's output (the fixtures in Fixtures/, made from
/// Fixtures/puc.lua) runs as lua5.4 runs it, string.dump writes PUC's format, and damaged or
/// foreign headers are refused with lua5.4's messages (checked against lua5.4 5.4.4).
/// </summary>
public sealed unsafe class PucChunkTests
{
    internal static string FixtureDirectory =>
        Path.Combine(GoldenScriptTests.ScriptDirectory, "..", "MicroLua.Tests", "Bytecode", "Fixtures");

    internal static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(FixtureDirectory, name));

    private static string Run(LuaOptions options, Func<LuaState, LuaValue[]> run) =>
        GoldenScriptTests.RunWith(options, lua => run(lua));

    private static string? LoadError(byte[] chunk, string name = "=test")
    {
        using var lua = new LuaState(new LuaOptions { Libraries = LuaLibraries.All });
        return lua.Runtime.Chunks.TryLoad(chunk, name, "b", Value.Nil, out _, out string? error) ? null : error;
    }

    private static byte[] Small() => LuaBytecode.CompilePuc(Encoding.UTF8.GetBytes("local a = ... return a, 'k', 1.5"), "=small");

    [Theory]
    [InlineData("puc.luac", "puc.expected")]
    [InlineData("puc.stripped.luac", "puc.stripped.expected")]
    public void LuacChunk_Run_PrintsWhatLua54Prints(string chunk, string expected)
    {
        string want = File.ReadAllText(Path.Combine(FixtureDirectory, expected));
        Assert.Equal(want, Run(new LuaOptions { Libraries = LuaLibraries.All }, lua => lua.DoBytecode(Fixture(chunk), "=puc")));
        Assert.Equal(want, Run(new LuaOptions { Libraries = LuaLibraries.All }, lua => lua.DoBuffer(Fixture(chunk), "=puc")));
        Assert.Equal(want, Run(new LuaOptions { Libraries = LuaLibraries.All }, lua => lua.DoBytecodeInPlace(Fixture(chunk).AsMemory(), "=puc")));
    }

    [Fact]
    public void LuacChunk_WithoutCompiler_Runs()
    {
        var output = new StringBuilder();
        using var lua = new LuaState(new LuaOptions { Output = (b, _) => output.Append(Encoding.Latin1.GetString(b)) });
        lua.DoBytecode(Fixture("puc.luac"), "=puc");
        Assert.Equal(File.ReadAllText(Path.Combine(FixtureDirectory, "puc.expected")), output.ToString());
    }

    [Theory]
    [InlineData("puc.luac", false)]
    [InlineData("puc.stripped.luac", true)]
    public void LuacChunk_DumpedAfterLoad_IsLuacsBytes(string chunk, bool strip)
    {
        // Line deltas, absolute line entries, string tags and sizes are written as luac5.4 writes them.
        byte[] luac = Fixture(chunk);
        using var lua = new LuaState(new LuaOptions { Libraries = LuaLibraries.All, Compiler = LuaCompiler.Instance });
        Assert.True(lua.Runtime.Chunks.TryLoad(luac, "=x", "b", Value.Nil, out Value fn, out string? error), error);
        Assert.Equal(luac, lua.Runtime.Chunks.Dump(fn.R, strip));
    }

    [Fact]
    public void LuacChunk_Read_ListsAsTheCompiledSource()
    {
        // Same opcodes, operands, constants, upvalues and lines as our compiler's output for the
        // source (locals aside: luac5.4 of Debian ends a block's locals after its CLOSE).
        FunctionProto compiled = LuaCompiler.Instance.Compile(File.ReadAllBytes(Path.Combine(FixtureDirectory, "puc.lua")), "@puc.lua");
        byte[] luac = Fixture("puc.luac");
        FunctionProto read;
        fixed (byte* p = luac)
        {
            read = ChunkReader.Read(p, (nuint)luac.Length, false, out _);
        }

        Verifier.Verify(read);
        Assert.Equal(Strip(Disassembler.Dump(compiled)), Strip(Disassembler.Dump(read)));
        static string Strip(string listing) =>
            string.Join('\n', listing.Split('\n').Where(l => !System.Text.RegularExpressions.Regex.IsMatch(l, @"^(\t\d+\t[^\t]+\t\d+\t\d+|locals \(\d+\):)$")));
    }

    [Fact]
    public void StringDump_WritesPucHeader()
    {
        using var lua = new LuaState(new LuaOptions { Libraries = LuaLibraries.All, Compiler = LuaCompiler.Instance });
        LuaValue[] r = lua.DoString(
            "local c = string.dump(function() return 1 end) " +
            "local h = string.pack('c4BBc6BBB', '\\27Lua', 0x54, 0, '\\x19\\x93\\r\\n\\x1a\\n', 4, 8, 8) " +
            "local i, n = string.unpack('jn', c, #h + 1) " +
            "return c:sub(1, #h) == h, i, n, load(c)()");
        Assert.True(r[0].ToBoolean());
        Assert.Equal(0x5678, r[1].ToInteger());
        Assert.Equal(370.5, r[2].ToNumber());
        Assert.Equal(1, r[3].ToInteger());
    }

    [Theory]
    [InlineData(4, 0x53, "version mismatch")]
    [InlineData(5, 1, "format mismatch")]
    [InlineData(6, 0x18, "corrupted chunk")]
    [InlineData(11, 0, "corrupted chunk")]
    [InlineData(12, 8, "Instruction size mismatch")]
    [InlineData(13, 4, "lua_Integer size mismatch")]
    [InlineData(14, 4, "lua_Number size mismatch")]
    [InlineData(15, 0x79, "integer format mismatch")]
    [InlineData(22, 1, "integer format mismatch")]
    [InlineData(30, 0x41, "float format mismatch")]
    [InlineData(3, (byte)'x', "not a binary chunk")]
    public void Header_Damaged_RefusedWithLuasMessage(int offset, byte value, string why)
    {
        byte[] c = Small();
        c[offset] = value;
        Assert.Equal($"test: bad binary format ({why})", LoadError(c));
    }

    [Fact]
    public void Header_BigEndianChunk_RefusedAsLuaDoes()
    {
        byte[] c = LuaBytecode.CompilePuc("return 1"u8, "=x", bigEndian: true);
        Assert.Equal("binary string: bad binary format (integer format mismatch)", LoadError(c, "\x1bLua"));
    }

    [Fact]
    public void Chunk_EveryPrefix_IsTruncated()
    {
        byte[] c = Small();
        for (int i = 1; i < c.Length; i++)
        {
            Assert.Equal("x: bad binary format (truncated chunk)", LoadError(c[..i], "@x"));
        }
    }

    [Fact]
    public void Size_TooLarge_IsIntegerOverflow()
    {
        // The main function's source size as a varint of five 7-bit groups.
        byte[] c = [.. Small()[..(PucChunkFormat.HeaderSize + 1)], 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0xFF];
        Assert.Equal("test: bad binary format (integer overflow)", LoadError(c));
    }

    [Fact]
    public void Verifier_SeesPucCode()
    {
        // A register beyond the stack size is found by the same verifier as for .mlu chunks.
        byte[] c = Small();
        int at = c.AsSpan().IndexOf(new byte[] { 0x80, 0x80, 0x00, 0x01 }); // linedefined, lastlinedefined, 0 params, vararg
        Assert.True(at > 0);
        c[at + 4] = 1; // max stack size 1
        Assert.StartsWith("test: bad binary format (bad code: ", LoadError(c), StringComparison.Ordinal);
    }

    [Fact]
    public void Chunk_TrailingBytes_AreIgnoredAsInLua()
    {
        using var lua = new LuaState(new LuaOptions { Libraries = LuaLibraries.All });
        LuaValue[] r = lua.DoBytecode([.. Small(), 1, 2, 3], "=c");
        Assert.Equal("k", r[1].ToString());
    }

    private static byte[] Patched(string source, OpCode op, Func<uint, uint> patch)
    {
        FunctionProto f = LuaCompiler.Instance.Compile(Encoding.UTF8.GetBytes(source), "=crafted");
        int at = Array.FindIndex(f.Code, i => Instruction.Op(i) == op);
        Assert.True(at >= 0);
        f.Code[at] = patch(f.Code[at]);
        return LuaBytecode.WritePuc(f);
    }

    [Fact]
    public void Crafted_SetListOnANumber_IsAnError()
    {
        // SETLIST moved up one register (with one item less) finds the integer 1 as its table:
        // the verifier cannot know, the VM checks.
        byte[] c = Patched("local t = {1, 2, 3} return t", OpCode.SetList,
            i => Instruction.SetB(Instruction.SetA(i, Instruction.A(i) + 1), Instruction.B(i) - 1));
        using var lua = new LuaState(new LuaOptions { Libraries = LuaLibraries.All });
        var e = Assert.Throws<LuaException>(() => lua.DoBytecode(c, "=c"));
        Assert.Contains("attempt to index a number value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Crafted_ForLoopOverATable_StoresNumbers()
    {
        // FORLOOP moved down one register counts in the register of t: t becomes a number, not a
        // table whose offset is the loop index.
        byte[] c = Patched("local t = {} for i = 1, 3 do end return t", OpCode.ForLoop, i => Instruction.SetA(i, Instruction.A(i) - 1));
        using var lua = new LuaState(new LuaOptions { Libraries = LuaLibraries.All });
        LuaValue[] r = lua.DoBytecode(c, "=c");
        Assert.Equal(LuaType.Number, r[0].Type);
    }
}
