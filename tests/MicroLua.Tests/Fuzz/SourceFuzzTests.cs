using System.Text;
using MicroLua.Tests.Scripts;
using Xunit.Abstractions;

namespace MicroLua.Tests.Fuzz;

/// <summary>
/// Mutants of the golden scripts (tests/lua/*.lua) and of hostile snippets, compiled and run
/// under a budget and a memory limit (<see cref="FuzzHarness"/>): every mutant ends in a
/// result, a Lua error or the budget stop, and leaves a heap the verifier accepts.
/// Deterministic: the case index seeds its mutation.
/// </summary>
public sealed class SourceFuzzTests(ITestOutputHelper output)
{
    /// <summary>Snippets of the kind a hostile script uses, as mutation seeds and material.</summary>
    internal static readonly string[] Hostile =
    [
        "return pcall(table.move, {}, 2, math.maxinteger, 1)",
        "return #string.rep('', 1e15), pcall(string.rep, 'x', 1e10)",
        "for _ in string.gmatch(string.rep('a', 20000), '(a-)%1b') do end",
        "local s = string.rep('x', 1 << 20) for i = 1, 1000 do local t = s .. s end",
        "local t = {} for j = 1, 40000 do t[j << 16 | j << 48] = j end",
        "local co = coroutine.wrap(function(...) return ... end) local t = {} for i = 1, 100000 do t[i] = i end return select('#', co(table.unpack(t)))",
        "local f f = function() return pcall(f) end return f()",
        "local mt = {} mt.__index = function(t, k) return setmetatable({}, mt)[k] end return pcall(function() return setmetatable({}, mt).x end)",
        "local t = setmetatable({}, {__call = function(self, ...) return self(...) end}) return pcall(t)",
        "return pcall(string.byte, string.rep('a', 2000000), 1, -1)",
        "return pcall(utf8.codepoint, string.rep('a', 2000000), 1, -1)",
        "return pcall(string.unpack, string.rep('b', 2000000), string.rep('a', 2000000))",
        "local s = string.rep('(', 300) .. string.rep(')', 300) return pcall(string.find, s, s)",
        "return pcall(string.find, string.rep('a', 300), string.rep('(a?)', 32))",
        "local x = setmetatable({}, {__gc = function() while true do end end}) x = nil collectgarbage()",
        "local t = {} t[1] = t return pcall(table.concat, t)",
        "return pcall(string.format, '%99.99f', 1e308), pcall(string.format, '%100d', 1)",
        "local c <close> = setmetatable({}, {__close = function() error('x') end}) error('y')",
        "return coroutine.wrap(function() local t = {} for i = 1, 1e6 do t[i] = i end return table.unpack(t, 1, 999990) end)",
        "return load(string.rep('(', 1000) .. '1' .. string.rep(')', 1000))",
        "return load('return ' .. string.rep('{', 500) .. string.rep('}', 500))",
        "local a = {} for i = 1, 300 do a = {a} end return #tostring(a)",
        "return string.pack('c1000000', ''), string.pack('s', string.rep('x', 1000000))",
        "return select(-1, table.unpack({}, 1, 200000))",
    ];

    /// <summary>
    /// Snippets that recurse in C# through library callbacks: the stack guard (Core/StackGuard.cs)
    /// must end each with "C stack overflow" on the fuzzer's 1 MiB thread.
    /// </summary>
    internal static readonly string[] StackHostile =
    [
        "local function f(s) return (string.gsub(s, '.', f)) end return pcall(f, 'a')",
        "local t = setmetatable({}, {__tostring = function(t) return tostring(t) end}) return pcall(tostring, t)",
        "local t = {3, 2, 1} local function c(a, b) table.sort({3, 2, 1}, c) return a < b end return pcall(table.sort, t, c)",
        "local s = 'return a' .. string.rep('.b', 6000) return pcall(load(s))",
    ];

    private static readonly string[] Tokens =
    [
        "end", "(", ")", "{", "}", "[", "]", "function", "local", "..", "...", "=", "==", "~=", "[[", "]]", "\"", "'", "--",
        "#", "~", "<<", ">>", "//", "%", "^", "goto x", "::x::", "return", "break", "while true do", "repeat", "until",
        "1e308", "math.maxinteger", "math.mininteger", "-0x8000000000000000", "0/0", "string.rep('x', 1e7)",
        "coroutine.wrap", "coroutine.yield", "setmetatable", "<close>", "<const>", "pcall(", "error(", "load(",
        "string.gsub", "table.unpack", "select('#', ...)", "collectgarbage()", "\n", " and ", " or ", " not ",
        "self", ":", ";", ",", "nil", "true", "2^53", "1 << 63", "t[", "_ENV", "_G", "debug.sethook(", "string.format('%q', ",
    ];

    internal static List<byte[]> Corpus()
    {
        var corpus = new List<byte[]>();
        foreach (string f in Directory.GetFiles(GoldenScriptTests.ScriptDirectory, "*.lua").Order(StringComparer.Ordinal))
        {
            corpus.Add(File.ReadAllBytes(f));
        }

        foreach (string s in Hostile.Concat(StackHostile))
        {
            corpus.Add(Encoding.UTF8.GetBytes(s));
        }

        return corpus;
    }

    internal static byte[] Mutate(byte[] seed, Random rng)
    {
        var b = new List<byte>(seed);
        for (int m = rng.Next(1, 5); m > 0; m--)
        {
            int at = b.Count == 0 ? 0 : rng.Next(b.Count);
            if (rng.Next(3) != 0)
            {
                MutateLines(b, rng); // most mutants keep the syntax, so that they run
                continue;
            }

            switch (rng.Next(8))
            {
                case 0: // a random byte
                    if (b.Count > 0)
                    {
                        b[at] = (byte)rng.Next(256);
                    }

                    break;
                case 1: // delete a span
                    b.RemoveRange(at, Math.Min(b.Count - at, rng.Next(1, 40)));
                    break;
                case 2: // duplicate a span elsewhere
                {
                    int len = Math.Min(b.Count - at, rng.Next(1, 200));
                    byte[] span = b.GetRange(at, len).ToArray();
                    b.InsertRange(rng.Next(b.Count + 1), span);
                    break;
                }

                case 3:
                case 4: // a token
                    b.InsertRange(at, Encoding.UTF8.GetBytes(" " + Tokens[rng.Next(Tokens.Length)] + " "));
                    break;
                case 5: // a digit made an extreme number
                {
                    int d = b.FindIndex(at, x => x is >= (byte)'0' and <= (byte)'9');
                    if (d >= 0)
                    {
                        string[] extremes = ["1e308", "9223372036854775807", "-1", "0", "1e6", "2000000", "0.5", "(1/0)", "(0/0)"];
                        b.RemoveAt(d);
                        b.InsertRange(d, Encoding.UTF8.GetBytes(extremes[rng.Next(extremes.Length)]));
                    }

                    break;
                }

                case 6: // a piece of a hostile snippet
                {
                    string h = Hostile[rng.Next(Hostile.Length)];
                    int from = rng.Next(h.Length);
                    b.InsertRange(at, Encoding.UTF8.GetBytes(" " + h[from..Math.Min(h.Length, from + rng.Next(5, 80))] + " "));
                    break;
                }

                default: // truncate
                    b.RemoveRange(at, b.Count - at);
                    break;
            }
        }

        return [.. b];
    }

    /// <summary>Statement-level changes: whole lines deleted, duplicated, moved, or a hostile snippet inserted as a line.</summary>
    private static void MutateLines(List<byte> b, Random rng)
    {
        List<int> starts = [0];
        for (int i = 0; i < b.Count; i++)
        {
            if (b[i] == '\n')
            {
                starts.Add(i + 1);
            }
        }

        int line = rng.Next(starts.Count);
        int from = starts[line];
        int to = line + 1 < starts.Count ? starts[line + 1] : b.Count;
        int elsewhere = starts[rng.Next(starts.Count)];
        switch (rng.Next(4))
        {
            case 0:
                b.RemoveRange(from, to - from);
                break;
            case 1:
            {
                byte[] copy = b.GetRange(from, to - from).ToArray();
                b.InsertRange(elsewhere, copy.Length > 0 && copy[^1] == '\n' ? copy : [.. copy, (byte)'\n']);
                break;
            }

            case 2:
                b.InsertRange(elsewhere, Encoding.UTF8.GetBytes(Hostile[rng.Next(Hostile.Length)].Replace("return ", "local _ = ", StringComparison.Ordinal) + "\n"));
                break;
            default:
            {
                // a number on the line made an extreme one
                int d = b.FindIndex(from, to - from, x => x is >= (byte)'0' and <= (byte)'9');
                if (d >= 0)
                {
                    string[] extremes = ["1e308", "9223372036854775807", "-1", "0", "1e6", "2000000", "0.5", "(1/0)", "(0/0)", "-9223372036854775808"];
                    b.RemoveAt(d);
                    b.InsertRange(d, Encoding.UTF8.GetBytes(extremes[rng.Next(extremes.Length)]));
                }

                break;
            }
        }
    }

    /// <summary>The mutant of case <paramref name="index"/>: the same for every run.</summary>
    internal static byte[] Case(List<byte[]> corpus, int index)
    {
        var rng = new Random(unchecked(20261202 + (index * 7919)));
        return Mutate(corpus[rng.Next(corpus.Count)], rng);
    }

    [Fact]
    public void MutatedSources_RunUnderABudget_EndInDocumentedOutcomes()
    {
        List<byte[]> corpus = Corpus();
        (int from, int count) = FuzzHarness.Range(ciCount: 1500);
        long budget = FuzzHarness.Budget(ciBudget: 1_000_000);
        var stats = new FuzzStats();
        FuzzHarness.OnSmallStack(() =>
        {
            for (int i = from; i < from + count; i++)
            {
                byte[] source = Case(corpus, i);
                FuzzHarness.RunCase(stats, "source", i, source, budget, lua =>
                {
                    LuaFunction f;
                    try
                    {
                        f = lua.Load(source, "=fuzz");
                    }
                    catch (LuaException)
                    {
                        return false; // a compile error
                    }

                    using (f)
                    {
                        f.Invoke();
                    }

                    return true;
                });
            }
        });
        FuzzHarness.Report(stats, output.WriteLine);
        Assert.True(stats.Ran > count / 4 && stats.Returned > count / 50, stats.ToString()); // the mutants compile and run, some to the end
    }
}
