using System.Diagnostics;
using MicroLua.Bytecode;
using MicroLua.Compiler;

namespace MicroLua.Tests.Compiler;

/// <summary>Random and mutated inputs: the compiler returns a prototype or throws LuaCompileException, nothing else, quickly.</summary>
public sealed class FuzzTests
{
    private const string Seed = """
        local a, b <const>, c <close> = 1, 2.5, nil
        local t = {1, 2, x = 3, [4] = "s", f = function(...) return ... end; 'z'}
        function t.m:n(x, y) return self, x // y, x % y, x ^ y, -x, ~y, #t, not x end
        for i = 10, 1, -1 do if i > 5 and i ~= 7 or i <= 2 then goto cont end ::cont:: end
        for k, v in pairs(t) do t[k] = v .. "x" .. 0x1p4 .. [[long]] end
        while a < 10 do a = a + 1; if a == 3 then break end end
        repeat local z = a until z >= 3 or z == nil
        do return t:m(1 << 2, 3 >> 1, 4 & 5 | 6 ~ 7) end
        """;

    private static bool TryCompile(byte[] src)
    {
        try
        {
            LuaCompiler.Instance.Compile(src, "=fuzz");
            return true;
        }
        catch (LuaCompileException)
        {
            return false;
        }
    }

    [Fact]
    public void Compile_RandomBytes_NeverThrowsOtherExceptions()
    {
        var rng = new Random(1234);
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < 3000; i++)
        {
            var buf = new byte[rng.Next(0, 200)];
            rng.NextBytes(buf);
            TryCompile(buf);
        }
        Assert.True(sw.Elapsed < TimeSpan.FromMinutes(2), $"took {sw.Elapsed}: a hang guard only (about a second on a quiet machine)");
    }

    [Fact]
    public void Compile_RandomTokens_NeverThrowsOtherExceptions()
    {
        string[] pieces =
        [
            "local ", "function ", "end ", "if ", "then ", "else ", "elseif ", "while ", "do ", "for ", "in ", "repeat ",
            "until ", "return ", "break ", "goto ", "::l::", "x", "y", "=", "==", "(", ")", "{", "}", "[", "]", ",", ";",
            ".", ":", "..", "...", "+", "-", "*", "/", "//", "%", "^", "#", "&", "|", "~", "<<", ">>", "<", ">", "<=",
            ">=", "~=", "and ", "or ", "not ", "1", "2.5", "0x10", "'s'", "[[l]]", "nil ", "true ", "false ", "<const>",
            "<close>", " ", "\n",
        ];
        var rng = new Random(99);
        int ok = 0;
        for (int i = 0; i < 5000; i++)
        {
            var sb = new System.Text.StringBuilder();
            int n = rng.Next(1, 40);
            for (int j = 0; j < n; j++)
            {
                sb.Append(pieces[rng.Next(pieces.Length)]);
            }
            if (TryCompile(System.Text.Encoding.Latin1.GetBytes(sb.ToString())))
            {
                ok++;
            }
        }
        Assert.True(ok > 0);
    }

    [Fact]
    public void Compile_MutatedProgram_NeverThrowsOtherExceptions()
    {
        byte[] seed = System.Text.Encoding.Latin1.GetBytes(Seed);
        Assert.True(TryCompile(seed));
        var rng = new Random(5);
        for (int i = 0; i < 5000; i++)
        {
            var buf = new List<byte>(seed);
            int edits = rng.Next(1, 6);
            for (int e = 0; e < edits; e++)
            {
                int pos = rng.Next(buf.Count + 1);
                switch (rng.Next(4))
                {
                    case 0 when pos < buf.Count:
                        buf.RemoveAt(pos);
                        break;
                    case 1:
                        buf.Insert(pos, seed[rng.Next(seed.Length)]);
                        break;
                    case 2 when pos < buf.Count:
                        buf[pos] = (byte)rng.Next(256);
                        break;
                    default:
                        int from = rng.Next(seed.Length);
                        int len = rng.Next(1, Math.Min(30, seed.Length - from) + 1);
                        buf.InsertRange(pos, seed.AsSpan(from, len).ToArray());
                        break;
                }
            }
            TryCompile(buf.ToArray());
        }
    }
}
