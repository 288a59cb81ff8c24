using System.Text;
using MicroLua.Compiler;

namespace MicroLua.Api.Tests;

/// <summary>States for the tests: the compiler, a fixed seed, and print captured.</summary>
internal sealed class Lua : IDisposable
{
    private readonly StringBuilder _out = new();

    public Lua(LuaOptions? options = null)
    {
        options ??= new LuaOptions();
        State = new LuaState(options with
        {
            Compiler = LuaCompiler.Instance,
            HashSeed = options.HashSeed ?? 42,
            MemoryLimit = options.MemoryLimit == new LuaOptions().MemoryLimit ? 32L * 1024 * 1024 : options.MemoryLimit,
            Output = (bytes, kind) => _out.Append(kind == LuaOutputKind.Warning ? "[warn]" : "").Append(Encoding.UTF8.GetString(bytes)),
        });
    }

    public LuaState State { get; }

    public string Output => _out.ToString();

    public LuaValue[] Do(string code) => State.DoString(code, "=test");

    public LuaValue Eval(string code) => State.DoString("return " + code, "=test")[0];

    public void Dispose() => State.Dispose();
}
