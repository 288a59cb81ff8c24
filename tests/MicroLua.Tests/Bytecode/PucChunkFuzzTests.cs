using System.Diagnostics;
using System.Text;
using MicroLua.Compiler;
using Xunit.Abstractions;

namespace MicroLua.Tests.Bytecode;

/// <summary>
/// The PUC chunk reader, the verifier and the interpreter against damaged PUC chunks: mutations
/// of luac5.4's chunks (the fixtures) and of chunks our writer made (bit flips, truncations,
/// inserted and deleted bytes, bytes set to varint extremes, random 32-bit words), each loaded
/// and, when it loads, run under an instruction budget and a memory limit. Every mutant must
/// end in a function or a Lua error (a LuaException, or the budget's exception), never another
/// exception or a crash. Bounded to 45 seconds of mutants (at most 40,000).
/// </summary>
public sealed class PucChunkFuzzTests(ITestOutputHelper output)
{
    private const int MaxMutations = 40_000;
    private static readonly TimeSpan s_timeBound = TimeSpan.FromSeconds(45);

    private static List<byte[]> Seeds()
    {
        var seeds = new List<byte[]> { PucChunkTests.Fixture("puc.luac"), PucChunkTests.Fixture("puc.stripped.luac") };
        string[] sources =
        [
            "local a, b = ... a = a or 3 b = b or 4 return a + b * 2, a // 3, a .. 'x'",
            "local t = {1, 2, 3, x = 'y', [10] = 1.5} for i, v in ipairs(t) do t[i] = v * 2 end return #t",
            "local function f(n) if n < 2 then return n end return f(n - 1) + f(n - 2) end return f(10)",
            "local up = 0 local function inc(...) up = up + select('#', ...) return function() return up end end return inc(1, 2)()",
            "local s = 0 for i = 10, 1, -1 do s = s + i end local c <close> = nil return string.rep('a', 10):upper(), s",
            "local co = coroutine.wrap(function(x) while true do x = coroutine.yield(x * 2) end end) return co(1), co(2), pcall(error, {})",
        ];
        foreach (string s in sources)
        {
            byte[] src = Encoding.UTF8.GetBytes(s);
            seeds.Add(LuaBytecode.CompilePuc(src, "=seed"));
            seeds.Add(LuaBytecode.CompilePuc(src, "=seed", strip: true));
        }

        return seeds;
    }

    private static byte[] Mutate(byte[] seed, Random rng)
    {
        byte[] b = (byte[])seed.Clone();
        int at = rng.Next(b.Length);
        switch (rng.Next(7))
        {
            case 0:
                for (int n = rng.Next(1, 5); n > 0; n--)
                {
                    int bit = rng.Next(b.Length * 8);
                    b[bit / 8] ^= (byte)(1 << (bit % 8));
                }

                break;
            case 1:
                return b[..at];
            case 2:
                {
                    byte[] extra = new byte[rng.Next(1, 9)];
                    rng.NextBytes(extra);
                    return [.. b[..at], .. extra, .. b[at..]];
                }

            case 3:
                return [.. b[..at], .. b[Math.Min(b.Length, at + rng.Next(1, 9))..]];
            case 4:
                {
                    // A size or a count (varint) set to an extreme.
                    byte[] extremes = [0x00, 0x7F, 0x80, 0x81, 0xFF, 0x01, 0x10];
                    b[at] = extremes[rng.Next(extremes.Length)];
                    break;
                }

            case 5:
                {
                    // A random 32-bit word: an instruction, when it lands in code.
                    for (int i = 0; i < 4 && at + i < b.Length; i++)
                    {
                        b[at + i] = (byte)rng.Next(256);
                    }

                    break;
                }

            default:
                b[at] = (byte)rng.Next(256);
                break;
        }

        return b;
    }

    [Fact]
    public void Loader_MutatedPucChunks_EndInFunctionOrError()
    {
        List<byte[]> seeds = Seeds();
        var rng = new Random(20261202);
        int refused = 0, ran = 0, failed = 0, stopped = 0, n = 0;
        var total = Stopwatch.StartNew();
        LuaState? lua = null;
        try
        {
            for (; n < MaxMutations && total.Elapsed < s_timeBound; n++)
            {
                if (n % 500 == 0)
                {
                    lua?.Dispose();
                    lua = new LuaState(new LuaOptions { MemoryLimit = 8L * 1024 * 1024, Output = (_, _) => { } });
                }

                byte[] input = Mutate(seeds[rng.Next(seeds.Count)], rng);
                lua!.InstructionBudget = 20_000;
                try
                {
                    lua.DoBytecode(input, "=fuzz");
                    ran++;
                }
                catch (LuaException e) when (e.Message.Contains("bad binary format", StringComparison.Ordinal))
                {
                    refused++;
                }
                catch (LuaException e)
                {
                    Assert.False(string.IsNullOrEmpty(e.Message));
                    failed++;
                }
                catch (LuaBudgetExceededException)
                {
                    stopped++;
                }
                catch (Exception e)
                {
                    throw new Xunit.Sdk.XunitException($"mutant {n} ({Convert.ToHexString(input)}) threw {e}");
                }
            }
        }
        finally
        {
            lua?.Dispose();
        }

        output.WriteLine($"{n} mutants in {total.Elapsed.TotalSeconds:F1} s: {refused} refused, {ran} ran, {failed} raised an error, {stopped} stopped by the budget");
        Assert.Equal(n, refused + ran + failed + stopped);
        Assert.True(n >= 1000, $"only {n} mutants in {s_timeBound}");
        Assert.True(ran + failed + stopped > n / 20, $"only {ran + failed + stopped} of {n} mutants loaded: the mutations are too coarse");
        Assert.True(refused > n / 4, $"only {refused} of {n} refused");
    }
}
