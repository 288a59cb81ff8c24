using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using MicroLua.Compiler;
using MicroLua.Tests.Fuzz;
using MicroLua.Tests.Scripts;
using Xunit.Abstractions;

namespace MicroLua.Tests.Bytecode;

/// <summary>
/// The loader and the interpreter against damaged chunks: mutations of valid chunks (bit
/// flips, truncations, inserted and deleted bytes, 32-bit fields set to extremes, random
/// instructions), each loaded through the public API (copied, or in place for every fourth)
/// and, when the verifier accepts it, run under a budget and a memory limit on a 1 MiB stack
/// (<see cref="FuzzHarness"/>): a load error, a result, a Lua error or the budget stop, and a
/// heap the verifier accepts afterwards; nothing else.
/// </summary>
public sealed unsafe class ChunkFuzzTests(ITestOutputHelper output)
{
    private static List<byte[]> Seeds()
    {
        var seeds = new List<byte[]>();
        string[] sources =
        [
            "local a, b = ... return a + b * 2, a // 3, a .. 'x'",
            "local t = {1, 2, 3, x = 'y', [10] = 1.5} for i, v in ipairs(t) do t[i] = v * 2 end return #t",
            "local function f(n) if n < 2 then return n end return f(n - 1) + f(n - 2) end return f(10)",
            "local up = 0 local function inc(...) up = up + select('#', ...) return function() return up end end return inc(1, 2)()",
            "for i = 10, 1, -1 do goto skip ::skip:: end local s = string.rep('a', 100) return s:upper(), {...}",
        ];
        foreach (string s in sources)
        {
            byte[] src = Encoding.UTF8.GetBytes(s);
            seeds.Add(LuaBytecode.Compile(src, "=seed"));
            seeds.Add(LuaBytecode.Compile(src, "=seed", strip: true));
            seeds.Add(LuaBytecode.Compile(src, "=seed", bigEndian: true));
        }

        foreach (string script in new[] { "control.lua", "functions.lua" })
        {
            byte[] src = File.ReadAllBytes(Path.Combine(GoldenScriptTests.ScriptDirectory, script));
            seeds.Add(LuaBytecode.Compile(src, "@" + script, strip: true));
        }

        return seeds;
    }

    private static byte[] Mutate(byte[] seed, Random rng)
    {
        byte[] b = (byte[])seed.Clone();
        bool fixLength = rng.Next(2) == 0;
        switch (rng.Next(7))
        {
            case 0:
                for (int n = rng.Next(1, 9); n > 0; n--)
                {
                    int bit = rng.Next(b.Length * 8);
                    b[bit / 8] ^= (byte)(1 << (bit % 8));
                }

                break;
            case 1:
                b = b[..rng.Next(b.Length)];
                break;
            case 2:
            {
                int at = rng.Next(b.Length + 1);
                byte[] extra = new byte[rng.Next(1, 17)];
                rng.NextBytes(extra);
                b = [.. b[..at], .. extra, .. b[at..]];
                break;
            }

            case 3:
            {
                int at = rng.Next(b.Length);
                int len = rng.Next(1, Math.Min(16, b.Length - at) + 1);
                b = [.. b[..at], .. b[(at + len)..]];
                break;
            }

            case 4:
            case 5:
            {
                // A 32-bit field (a count, a length, an instruction) set to an extreme.
                int at = rng.Next(Math.Max(1, (b.Length / 4) - 1)) * 4;
                uint[] extremes = [0, 1, 2, 0x7FFF_FFFF, 0xFFFF_FFFF, 0x8000_0000, 0xFF, 0x100, (uint)rng.Next()];
                uint v = extremes[rng.Next(extremes.Length)];
                if (at + 4 <= b.Length)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v);
                }

                break;
            }

            default:
            {
                // A random byte of an instruction operand.
                int at = rng.Next(b.Length);
                b[at] = (byte)rng.Next(256);
                break;
            }
        }

        if (fixLength && b.Length >= 16)
        {
            // Keep the declared length right, so that the damage is found deeper in.
            bool big = b[5] == 1;
            if (big)
            {
                BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(12), (uint)b.Length);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), (uint)b.Length);
            }
        }

        return b;
    }

    /// <summary>The mutant of case <paramref name="index"/>: the same for every run.</summary>
    private static byte[] Case(List<byte[]> seeds, int index)
    {
        var rng = new Random(unchecked(20260521 + (index * 7919)));
        return Mutate(seeds[rng.Next(seeds.Count)], rng);
    }

    [Fact]
    public void MutatedChunks_LoadedAndRun_EndInDocumentedOutcomes()
    {
        List<byte[]> seeds = Seeds();
        (int from, int count) = FuzzHarness.Range(ciCount: 6_000);
        long budget = FuzzHarness.Budget(ciBudget: 1_000_000);
        var stats = new FuzzStats();
        FuzzHarness.OnSmallStack(() =>
        {
            for (int i = from; i < from + count; i++)
            {
                byte[] input = Case(seeds, i);
                if (i % 4 == 0)
                {
                    // loaded in place: the chunk stays where it lies, pinned, for the state's life
                    byte[] pinned = GC.AllocateArray<byte>(input.Length, pinned: true);
                    input.CopyTo(pinned, 0);
                    FuzzHarness.RunCase(stats, "chunk", i, input, budget, lua =>
                    {
                        LuaFunction f;
                        try
                        {
                            fixed (byte* p = pinned)
                            {
                                f = lua.LoadInPlace(p, (nuint)pinned.Length, "=fuzz");
                            }
                        }
                        catch (LuaException e)
                        {
                            Assert.False(string.IsNullOrEmpty(e.Message));
                            return false;
                        }

                        using (f)
                        {
                            f.Invoke();
                        }

                        return true;
                    });
                    GC.KeepAlive(pinned);
                }
                else
                {
                    FuzzHarness.RunCase(stats, "chunk", i, input, budget, lua =>
                    {
                        LuaFunction f;
                        try
                        {
                            f = lua.Load(input, "=fuzz");
                        }
                        catch (LuaException e)
                        {
                            Assert.False(string.IsNullOrEmpty(e.Message));
                            return false;
                        }

                        using (f)
                        {
                            f.Invoke();
                        }

                        return true;
                    });
                }
            }
        });
        FuzzHarness.Report(stats, output.WriteLine);
        Assert.True(stats.Ran > count / 100, $"only {stats.Ran} mutated chunks loaded: the mutations are too coarse ({stats})");
        Assert.True(stats.Cases - stats.Ran > count / 2, $"only {stats.Cases - stats.Ran} refused ({stats})");
    }
}
