using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using MicroLua.Compiler;
using MicroLua.Tests.Scripts;
using MicroLua.Values;

namespace MicroLua.Tests.Bytecode;

/// <summary>
/// The loader against damaged chunks: 100,000 mutations of valid chunks (bit flips,
/// truncations, inserted and deleted bytes, 32-bit fields set to extremes, random
/// instructions), each of which must end in a function or a load error, within a second,
/// without any other exception. Copies and in-place loads are both exercised.
/// </summary>
public sealed unsafe class ChunkFuzzTests
{
    private const int Mutations = 100_000;

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

    [Fact]
    public void Loader_MutatedChunks_EndInFunctionOrError()
    {
        List<byte[]> seeds = Seeds();
        var rng = new Random(20260521);
        int loaded = 0, refused = 0;
        var total = Stopwatch.StartNew();
        var watch = new Stopwatch();
        LuaState? lua = null;
        var keep = new List<byte[]>(); // in-place chunks must outlive the state
        try
        {
            for (int i = 0; i < Mutations; i++)
            {
                if (i % 2000 == 0)
                {
                    lua?.Dispose();
                    keep.Clear();
                    lua = new LuaState(new LuaOptions { Libraries = LuaLibraries.All, MemoryLimit = 64L * 1024 * 1024 });
                }

                byte[] input = Mutate(seeds[rng.Next(seeds.Count)], rng);
                bool inPlace = i % 4 == 0;
                watch.Restart();
                bool ok;
                string? error;
                try
                {
                    if (inPlace)
                    {
                        byte[] pinned = GC.AllocateArray<byte>(input.Length, pinned: true);
                        input.CopyTo(pinned, 0);
                        keep.Add(pinned);
                        fixed (byte* p = pinned)
                        {
                            ok = lua!.Runtime.TryLoadBinary(p, (nuint)pinned.Length, true, "=fuzz", Value.Nil, out _, out error);
                        }
                    }
                    else
                    {
                        ok = lua!.Runtime.TryLoad(input, "=fuzz", "b", Value.Nil, out _, out error);
                    }
                }
                catch (Exception e)
                {
                    throw new Xunit.Sdk.XunitException($"input {i} ({Convert.ToHexString(input)}) threw {e}");
                }

                Assert.True(watch.ElapsedMilliseconds < 1000, $"input {i} took {watch.ElapsedMilliseconds} ms");
                if (ok)
                {
                    loaded++;
                }
                else
                {
                    Assert.False(string.IsNullOrEmpty(error));
                    refused++;
                }
            }
        }
        finally
        {
            lua?.Dispose();
        }

        Assert.Equal(Mutations, loaded + refused);
        Assert.True(loaded > 100, $"only {loaded} mutated chunks loaded: the mutations are too coarse");
        Assert.True(refused > Mutations / 2, $"only {refused} refused");
        Assert.True(total.Elapsed < TimeSpan.FromSeconds(120), $"fuzzing took {total.Elapsed}");
    }
}
