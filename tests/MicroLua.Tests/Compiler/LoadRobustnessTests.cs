using System.Diagnostics;
using System.Text;
using MicroLua.Compiler;

namespace MicroLua.Tests.Compiler;

/// <summary>
/// Arbitrary bytes given to load must give a function or an error message, quickly, and never
/// crash the process or escape as a .NET exception.
/// </summary>
public sealed class LoadRobustnessTests
{
    private const string Tokens = "()[]{}=.,;:'\"\\-+*/%^#<>~end";

    private static readonly string[] s_programs =
    [
        "local t = {} for i = 1, 10 do t[i] = i * 2 end return #t",
        "local function f(a, b, ...) return a + b, select('#', ...) end return f(1, 2, 3)",
        "x = 1; while x < 10 do x = x + 1 if x == 5 then break end end return x",
        "local s = 'abc' .. 1 .. [[long]] return s:len()",
        "goto a ::a:: local co = coroutine.create(function() coroutine.yield(1) end) return coroutine.resume(co)",
        "local a <const> = 10; local b <close> = nil; return a // 3, a % 3, 2^10, ~5, 1 << 4",
        "return setmetatable({}, {__index = function(t, k) return k end}).x",
        "repeat local z = 1 until z == 1 return 0x10, 1e10, 'a\\tb\\x41\\65\\u{48}'",
    ];

    [Fact]
    public void RandomBytes_LoadGivesFunctionOrError()
    {
        var rng = new Random(1);
        RunAll(Enumerable.Range(0, 10000).Select(_ =>
        {
            byte[] b = new byte[rng.Next(0, 64)];
            rng.NextBytes(b);
            return b;
        }));
    }

    [Fact]
    public void MutatedPrograms_LoadGivesFunctionOrError()
    {
        var rng = new Random(2);
        RunAll(Enumerable.Range(0, 10000).Select(i =>
        {
            var b = new List<byte>(Encoding.UTF8.GetBytes(s_programs[i % s_programs.Length]));
            int mutations = rng.Next(1, 4);
            for (int m = 0; m < mutations && b.Count > 0; m++)
            {
                int pos = rng.Next(b.Count);
                switch (rng.Next(4))
                {
                    case 0:
                        b[pos] = (byte)rng.Next(256);
                        break;
                    case 1:
                        b.RemoveAt(pos);
                        break;
                    case 2:
                        b.Insert(pos, (byte)Tokens[rng.Next(Tokens.Length)]);
                        break;
                    default:
                        b.RemoveRange(pos, b.Count - pos);
                        break;
                }
            }

            return b.ToArray();
        }));
    }

    private static void RunAll(IEnumerable<byte[]> inputs)
    {
        using var lua = new LuaState(new LuaOptions { Compiler = LuaCompiler.Instance, MemoryLimit = 64L * 1024 * 1024 });
        lua.DoString("function check(src) local f, err = load(src, '=fuzz') if f then return 'function' end return type(err) end");
        foreach (byte[] input in inputs)
        {
            var sw = Stopwatch.StartNew();
            LuaValue[] r = lua.CallGlobalWithString("check", input);
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"load took {sw.Elapsed}: a hang guard only, loads take milliseconds");
            Assert.Contains(r[0].ToString(), new[] { "function", "string" });
        }
    }
}
