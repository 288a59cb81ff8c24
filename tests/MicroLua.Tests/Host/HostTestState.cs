using System.Text;
using MicroLua.Compiler;
using MicroLua.Host;
using MicroLua.Library;

namespace MicroLua.Tests.Host;

/// <summary>A state with io and os opened, capturing standard output and stderr, and a temp directory.</summary>
internal sealed class HostTestState : IDisposable
{
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _err = new();

    public HostTestState(bool gcStress = false)
    {
        Dir = Path.Combine(Path.GetTempPath(), "mlua-host-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Dir);
        Lua = new LuaState(new LuaOptions
        {
            Compiler = LuaCompiler.Instance,
            GcStress = gcStress,
            Output = (bytes, kind) => (kind == LuaOutputKind.Standard ? _out : _err).Append(Encoding.Latin1.GetString(bytes)),
        });
        LuaHostLibraries.OpenAll(Lua, new LuaHostOptions { Exit = code => ExitCode = code });
        Lua.DoString($"DIR = '{Dir}'");
    }

    public LuaState Lua { get; }

    public string Dir { get; }

    public int? ExitCode { get; private set; }

    public string Output => _out.ToString();

    public string Error => _err.ToString();

    /// <summary>Runs code and returns what it printed.</summary>
    public string Run(string code)
    {
        _out.Clear();
        Lua.DoString(code, "=test");
        return _out.ToString();
    }

    public string PathOf(string name) => Path.Combine(Dir, name);

    public void Dispose()
    {
        Lua.Dispose();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
