using MicroLua.Compiler;
using MicroLua.Host;

namespace MicroLua.Tests.Host;

/// <summary>LuaStateFileExtensions.DoFile and the script-argument overloads of DoString, DoBuffer and DoBytecode.</summary>
public sealed class DoFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mlua-dofile-" + Guid.NewGuid().ToString("N"));
    private readonly LuaState _lua = new(new LuaOptions { Compiler = LuaCompiler.Instance });

    public DoFileTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        _lua.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void DoFile_RunsTheFileWithArguments_SkippingAShebangLine()
    {
        string path = Path.Combine(_dir, "sum.lua");
        File.WriteAllText(path, "#!/usr/bin/env lua\nlocal a, b = ...\nreturn a + b, select('#', ...)\n");
        LuaValue[] r = _lua.DoFile(path, 40, 2);
        Assert.Equal(2, r.Length);
        Assert.Equal(42L, r[0].ToInteger());
        Assert.Equal(2L, r[1].ToInteger());
    }

    [Fact]
    public void DoFile_ErrorsNameTheFileAndTheLineAfterTheShebang()
    {
        string path = Path.Combine(_dir, "boom.lua");
        File.WriteAllText(path, "#!/usr/bin/env lua\nerror('boom')\n");
        var e = Assert.Throws<LuaException>(() => _lua.DoFile(path));
        Assert.Equal($"{path}:2: boom", e.Message);
    }

    [Fact]
    public void DoFile_MissingFile_IsLuasMessage_AndTheStateStaysUsable()
    {
        string path = Path.Combine(_dir, "absent.lua");
        var e = Assert.Throws<LuaException>(() => _lua.DoFile(path));
        Assert.Equal($"cannot open {path}: No such file or directory", e.Message);
        Assert.Throws<ArgumentNullException>(() => _lua.DoFile(null!));
        Assert.Equal(3L, _lua.DoString("return 1 + 2")[0].ToInteger());
    }

    [Fact]
    public void DoFile_RunsABinaryChunk()
    {
        string path = Path.Combine(_dir, "chunk.mlu");
        File.WriteAllBytes(path, LuaBytecode.Compile("return (...) * 2"u8, "=chunk"));
        Assert.Equal(14L, _lua.DoFile(path, 7)[0].ToInteger());
    }

    [Fact]
    public void DoStringDoBufferDoBytecode_PassArgumentsAsVarargs()
    {
        LuaValue[] r = _lua.DoString("return select('#', ...), ...", "=args", 1, "two", true);
        Assert.Equal(4, r.Length);
        Assert.Equal(3L, r[0].ToInteger());
        Assert.Equal(1L, r[1].ToInteger());
        Assert.Equal("two", r[2].ToString());
        Assert.True(r[3].ToBoolean());

        Assert.Equal("xy", _lua.DoBuffer("return (...) .. 'y'"u8, "=buf", "x")[0].ToString());
        byte[] chunk = LuaBytecode.Compile("return ... + 1"u8, "=bc");
        Assert.Equal(11L, _lua.DoBytecode(chunk, "=bc", 10)[0].ToInteger());
        Assert.Empty(_lua.DoString("return ...", "=none"));
    }
}
