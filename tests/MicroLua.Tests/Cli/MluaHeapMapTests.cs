using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace MicroLua.Tests.Cli;

/// <summary>mlua --heap-map FILE: the picture of the heap at exit, as a user runs it.</summary>
public sealed class MluaHeapMapTests
{
    private static readonly XNamespace SvgNs = "http://www.w3.org/2000/svg";

    private static (int Exit, string Out, string Err) Run(params string[] args) => MluaCliTests.Run(null, args);

    private static long Count(string text, string pattern) =>
        long.Parse(Regex.Match(text, pattern, RegexOptions.Multiline).Groups[1].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void HeapMap_IsSvg_WithOneElementPerBlock()
    {
        string file = Path.Combine(Path.GetTempPath(), $"mlua-heapmap-{Environment.ProcessId}.svg");
        try
        {
            var (exit, o, e) = Run("-d", "--memory-limit", "64K", "--heap-map", file,
                "-e", "keep = {} for i = 1, 60 do keep[i] = {i, 'x' .. i} end for i = 1, 60, 3 do keep[i] = nil end collectgarbage() print('ok')");
            Assert.Equal(0, exit);
            Assert.Equal("ok\n", o);

            // -d prints the same heap's counts: the picture has one "blk" element per block.
            long live = Count(e, @"^  in use +[\d,]+ bytes in ([\d,]+) blocks$");
            long free = Count(e, @"^  free +[\d,]+ bytes in ([\d,]+) blocks$");
            Assert.True(free > 1, e);
            XDocument doc = XDocument.Load(file);
            Assert.Equal(SvgNs + "svg", doc.Root!.Name);
            var blocks = doc.Descendants(SvgNs + "path").Where(p => ((string?)p.Attribute("class") ?? "").Split(' ').Contains("blk")).ToList();
            Assert.Equal(live + free, blocks.Count);
            Assert.Equal(free, blocks.Count(b => ((string)b.Attribute("class")!).Split(' ').Contains("t-Free")));
            Assert.Contains(doc.Descendants(SvgNs + "text"), t => t.Value == "MicroLua heap map: at exit");
            Assert.Contains(doc.Descendants(SvgNs + "text"), t => t.Value == string.Create(System.Globalization.CultureInfo.InvariantCulture, $"blocks {live + free:N0}"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void HeapMap_OfAScript_IsTitledWithIt()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"mlua-heapmap-{Environment.ProcessId}-s");
        Directory.CreateDirectory(dir);
        try
        {
            string script = Path.Combine(dir, "a&b.lua");
            File.WriteAllText(script, "local s = string.rep('y', 5000) print(#s)");
            string file = Path.Combine(dir, "map.svg");
            var (exit, o, _) = Run("--heap-map", file, script);
            Assert.Equal(0, exit);
            Assert.Equal("5000\n", o);
            XDocument doc = XDocument.Load(file);
            Assert.Contains(doc.Descendants(SvgNs + "text"), t => t.Value == $"MicroLua heap map: {script} at exit");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void HeapMap_NeedsAFile_AndSaysWhenItCannotWrite()
    {
        var (exit, _, e) = Run("--heap-map");
        Assert.Equal(1, exit);
        Assert.StartsWith("mlua: '--heap-map' needs a file name\n", e, StringComparison.Ordinal);

        string bad = Path.Combine(Path.GetTempPath(), $"mlua-no-such-dir-{Environment.ProcessId}", "map.svg");
        (exit, string o, e) = Run("--heap-map", bad, "-e", "print(1)");
        Assert.Equal(1, exit);
        Assert.Equal("1\n", o);
        Assert.StartsWith($"mlua: cannot write the heap map {bad}: ", e, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_ListsHeapMap()
    {
        var (exit, o, _) = Run("-h");
        Assert.Equal(0, exit);
        Assert.Contains("\n  --heap-map file  ", o, StringComparison.Ordinal);
    }
}
