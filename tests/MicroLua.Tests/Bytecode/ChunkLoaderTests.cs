using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using MicroLua.Bytecode;
using MicroLua.Compiler;
using MicroLua.Core;

namespace MicroLua.Tests.Bytecode;

/// <summary>The chunk reader's messages, the verifier's refusals, mode checks and loading in place.</summary>
public sealed unsafe class ChunkLoaderTests
{
    private static byte[] Chunk(string source, bool strip = false, bool bigEndian = false) =>
        LuaBytecode.Compile(Encoding.UTF8.GetBytes(source), "=test", strip, bigEndian);

    private static string? LoadError(byte[] chunk, string name = "=test")
    {
        using var lua = new LuaState(new LuaOptions { Libraries = LuaLibraries.All });
        return lua.Runtime.Chunks.TryLoad(chunk, name, "b", Value.Nil, out _, out string? error) ? null : error;
    }

    [Fact]
    public void Load_ModeChecks_UseLuasMessages()
    {
        using var lua = new LuaState(new LuaOptions { Libraries = LuaLibraries.All, Compiler = LuaCompiler.Instance });
        lua.DoString("chunk = string.dump(function() return 1 end)");
        LuaValue[] r = lua.DoString("return select(2, load(chunk, 'x', 't')), select(2, load('return 1', 'x', 'b')), load(chunk, 'x', 'b')()");
        Assert.Equal("attempt to load a binary chunk (mode is 't')", r[0].ToString());
        Assert.Equal("attempt to load a text chunk (mode is 'b')", r[1].ToString());
        Assert.Equal(1, r[2].ToInteger());
    }

    [Fact]
    public void Load_WithoutCompiler_RunsChunksAndRefusesSource()
    {
        using var lua = new LuaState(new LuaOptions { Libraries = LuaLibraries.All });
        Assert.Equal(42, lua.DoBytecode(Chunk("return 6 * 7"), "=c")[0].ToInteger());
        Assert.Equal(42, lua.DoBuffer(Chunk("return 6 * 7"), "=c")[0].ToInteger());
        var e = Assert.Throws<LuaException>(() => lua.DoString("return 1", "=src"));
        Assert.Contains("no compiler", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<LuaException>(() => lua.DoBytecode("return 1"u8, "=src"));
        Assert.Contains("text chunk", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StringDump_WithoutCompiler_IsUnable()
    {
        using var lua = new LuaState(new LuaOptions { Libraries = LuaLibraries.All });
        LuaValue[] r = lua.DoBytecode(Chunk("return pcall(string.dump, function() end)"), "=c");
        Assert.False(r[0].ToBoolean());
        Assert.Equal("unable to dump given function", r[1].ToString());
    }

    [Fact]
    public void Header_Errors_AreClear()
    {
        byte[] good = Chunk("return 1");
        Assert.Null(LoadError(good));

        byte[] magic = (byte[])good.Clone();
        magic[1] = (byte)'X';
        Assert.Equal("test: bad binary format (not a binary chunk)", LoadError(magic));

        byte[] version = (byte[])good.Clone();
        version[4] = 9;
        Assert.Equal("test: bad binary format (version mismatch)", LoadError(version));

        byte[] intSize = (byte[])good.Clone();
        intSize[6] = 4;
        Assert.Equal("test: bad binary format (integer size mismatch)", LoadError(intSize));

        byte[] floatSize = (byte[])good.Clone();
        floatSize[7] = 4;
        Assert.Equal("test: bad binary format (float size mismatch)", LoadError(floatSize));

        byte[] instSize = (byte[])good.Clone();
        instSize[8] = 8;
        Assert.Equal("test: bad binary format (instruction size mismatch)", LoadError(instSize));

        Assert.Equal("test: bad binary format (truncated chunk)", LoadError(good[..^1]));
        Assert.Equal("f.mlu: bad binary format (truncated chunk)", LoadError(good[..20], "@f.mlu"));
    }

    [Fact]
    public void BigEndian_Chunk_IsConverted()
    {
        byte[] big = Chunk("local t = {} for i = 1, 10 do t[i] = i * 1.5 end return t[10], 'x' .. 2^40", bigEndian: true);
        Assert.Equal(ChunkFormat.BigEndian, big[5]);
        using var lua = new LuaState(new LuaOptions { Libraries = LuaLibraries.All });
        LuaValue[] r = lua.DoBytecode(big, "=c");
        Assert.Equal(15.0, r[0].ToNumber());
        Assert.Equal("x1099511627776.0", r[1].ToString());
    }

    /// <summary>Finds the main function's first instruction and replaces it.</summary>
    private static byte[] WithInstruction(byte[] chunk, int index, uint instruction)
    {
        // Fixed part at 32 (40 bytes), then the source string record, then the code.
        int pos = ChunkFormat.HeaderSize + ChunkFormat.ProtoFixedSize;
        uint n = BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan(pos));
        pos += 4 + (n == 0 ? 0 : (int)n - 1);
        pos = (pos + 3) & ~3;
        byte[] copy = (byte[])chunk.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(pos + (4 * index)), instruction);
        return copy;
    }

    [Theory]
    [InlineData(0x00FF_0000u | 0, "register out of range")] // MOVE with B = 255
    [InlineData(0x7Fu, "bad opcode")]
    [InlineData(0xFFFF_FFB8u, "jump out of range")] // JMP far forward
    public void Verifier_RefusesBadInstruction(uint instruction, string why)
    {
        byte[] chunk = Chunk("local a, b = 1, 2 return a + b");
        string? error = LoadError(WithInstruction(chunk, 1, instruction));
        Assert.NotNull(error);
        Assert.Contains(why, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verifier_RefusesConstantOutOfRange()
    {
        byte[] chunk = Chunk("local s = 'x' return s");
        uint loadK = 3u | (0u << 7) | (200u << 15); // LOADK 0 200
        Assert.Contains("constant out of range", LoadError(WithInstruction(chunk, 1, loadK)), StringComparison.Ordinal);
    }

    [Fact]
    public void InPlace_OneMegabyteChunk_AddsLittleToTheHeap()
    {
        var source = new StringBuilder("local x = 0\n");
        const int statements = 70_000;
        for (int i = 0; i < statements; i++)
        {
            source.Append("x = x + 1\n");
        }

        source.Append("return x\n");
        byte[] chunk = Chunk(source.ToString());
        Assert.True(chunk.Length >= 1 << 20, $"chunk is {chunk.Length} bytes");
        nuint size = (nuint)chunk.Length;
        // Marshal, not NativeMemory: the netstandard2.1 runtime's internal stand-in of the same name
        // would be ambiguous in tests/MicroLua.Netstandard.InternalTests. malloc aligns to 16.
        void* memory = (void*)Marshal.AllocHGlobal(chunk.Length);
        Assert.Equal(0, (long)memory % 8);
        try
        {
            chunk.CopyTo(new Span<byte>(memory, chunk.Length));
            using var lua = new LuaState(new LuaOptions { Libraries = LuaLibraries.All });
            lua.CollectGarbage();
            long before = lua.MemoryStats.BytesInUse;
            LuaValue[] r = lua.DoBytecodeInPlace((byte*)memory, size, "=big");
            long added = lua.MemoryStats.BytesInUse - before;
            Assert.Equal(statements, r[0].ToInteger());
            Assert.True(added < chunk.Length / 10, $"in place added {added} bytes for a {chunk.Length}-byte chunk");

            using var copy = new LuaState(new LuaOptions { Libraries = LuaLibraries.All });
            copy.CollectGarbage();
            before = copy.MemoryStats.BytesInUse;
            copy.DoBytecode(chunk, "=big");
            Assert.True(copy.MemoryStats.BytesInUse - before > chunk.Length / 2, "a copied chunk lives in the heap");
        }
        finally
        {
            Marshal.FreeHGlobal((IntPtr)memory);
        }
    }

    [Fact]
    public void InPlace_Memory_ErrorsShowLines()
    {
        byte[] chunk = Chunk("local t = nil\n\nreturn t.x");
        using var lua = new LuaState(new LuaOptions { Libraries = LuaLibraries.All });
        var e = Assert.Throws<LuaException>(() => lua.DoBytecodeInPlace(chunk.AsMemory(), "=c"));
        Assert.Equal("test:3: attempt to index a nil value (local 't')", e.Message);
    }

    [Fact]
    public void InPlace_Unaligned_FallsBackToCopy()
    {
        byte[] chunk = Chunk("return 'ok'");
        byte[] shifted = new byte[chunk.Length + 1];
        chunk.CopyTo(shifted, 1);
        using var lua = new LuaState(new LuaOptions { Libraries = LuaLibraries.All });
        Assert.Equal("ok", lua.DoBytecodeInPlace(shifted.AsMemory(1), "=c")[0].ToString());
    }

    [Fact]
    public void Load_ReaderError_ReturnsNilAndMessage()
    {
        using var lua = new LuaState(new LuaOptions { Libraries = LuaLibraries.All, Compiler = LuaCompiler.Instance });
        LuaValue[] r = lua.DoString("local f, m = load(function() error('hhi', 0) end) return f, m, load(string.dump(function() return 7 end))()");
        Assert.True(r[0].IsNil);
        Assert.Equal("hhi", r[1].ToString());
        Assert.Equal(7, r[2].ToInteger());
    }

    [Fact]
    public void Stripped_Chunk_HasNoPositions()
    {
        using var lua = new LuaState(new LuaOptions { Libraries = LuaLibraries.All, Compiler = LuaCompiler.Instance });
        LuaValue[] r = lua.DoString(
            "local f = load(string.dump(function() local x; x() end, true)) " +
            "local g = load(string.dump(function() error('boom') end, true)) " +
            "return select(2, pcall(f)), select(2, pcall(g)), debug.getinfo(f, 'S').source");
        Assert.Equal("?:-1: attempt to call a nil value", r[0].ToString());
        Assert.Equal("boom", r[1].ToString());
        Assert.Equal("=?", r[2].ToString());
    }
}
