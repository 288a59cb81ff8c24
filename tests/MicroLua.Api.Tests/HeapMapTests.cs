using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace MicroLua.Api.Tests;

/// <summary>LuaState.GetHeapMap and WriteHeapMapSvg: the blocks as data agree with MemoryStats, and the picture draws each of them.</summary>
public sealed class HeapMapTests
{
    private static readonly XNamespace SvgNs = "http://www.w3.org/2000/svg";

    private static int CountClass(XDocument doc, string cls) =>
        doc.Descendants().Count(e => ((string?)e.Attribute("class") ?? "").Split(' ').Contains(cls));

    [Fact]
    public void Blocks_TileThePool_AndAgreeWithMemoryStats()
    {
        using var lua = new Lua(new LuaOptions { MemoryLimit = 256 * 1024 });
        lua.Do("keep = {} for i = 1, 300 do keep[i] = {i, tostring(i)} end for i = 1, 300, 2 do keep[i] = nil end collectgarbage()");
        LuaHeapMap map = lua.State.GetHeapMap();
        MemoryStats stats = lua.State.MemoryStats;

        long at = map.PoolStart, free = 0, freeBlocks = 0, largest = 0;
        foreach (LuaHeapBlock b in map.Blocks)
        {
            Assert.Equal(at, b.Offset);
            Assert.Equal(b.IsFree, b.Type == "Free");
            at += b.Size;
            if (b.IsFree)
            {
                free += b.Size;
                freeBlocks++;
                largest = Math.Max(largest, b.Size);
            }
        }

        Assert.Equal(stats.PoolBytes, at - map.PoolStart);
        Assert.Equal(stats.PoolBytes, map.Blocks.Sum(b => b.Size));
        Assert.Equal(stats.PoolBytes, map.PoolBytes);
        Assert.Equal(stats.FreeBytes, free);
        Assert.Equal(stats.FreeBytes, map.FreeBytes);
        Assert.Equal(stats.FreeBlocks, freeBlocks);
        Assert.Equal(stats.FreeBlocks, map.FreeBlocks);
        Assert.Equal(stats.BytesInUse, map.BytesInUse);
        Assert.Equal(stats.LiveBlocks, map.LiveBlocks);
        Assert.Equal(map.Blocks.Count, map.BlockCount);
        Assert.Equal(256 * 1024, map.HeapBytes);
        Assert.Equal(largest, map.LargestFreeBlock);
        Assert.True(freeBlocks > 1, "every other table freed leaves holes");
        Assert.Equal(1 - ((double)largest / free), map.Fragmentation);
        Assert.True(map.Fragmentation > 0);

        // Per type as MemoryStats.ByType, plus the free row last.
        var byType = map.ByType();
        Assert.Equal(("Free", freeBlocks, free), byType[^1]);
        Assert.Equal(stats.ByType().OrderBy(t => t.Type, StringComparer.Ordinal), byType.Take(byType.Count - 1).OrderBy(t => t.Type, StringComparer.Ordinal));
    }

    [Fact]
    public void Svg_DrawsEveryBlock_WhenFew()
    {
        using var lua = new Lua(new LuaOptions { MemoryLimit = 64 * 1024 });
        lua.Do("keep = {} for i = 1, 100 do keep[i] = {i} end for i = 1, 100, 3 do keep[i] = nil end collectgarbage()");
        var ms = new MemoryStream();
        lua.State.WriteHeapMapSvg(ms, "small heap");
        string svg = Encoding.UTF8.GetString(ms.ToArray());
        XDocument doc = XDocument.Parse(svg);

        Assert.Equal(SvgNs + "svg", doc.Root!.Name);
        MemoryStats stats = lua.State.MemoryStats;
        Assert.Equal(stats.LiveBlocks + stats.FreeBlocks, CountClass(doc, "blk"));
        Assert.Equal(0, CountClass(doc, "cell"));
        Assert.Equal(stats.FreeBlocks, CountClass(doc, "t-Free") - 1); // the legend's swatch is the one more

        // The data gives the same picture.
        LuaHeapMap map = lua.State.GetHeapMap();
        Assert.Equal(svg, map.ToSvg("small heap"));
        var ms2 = new MemoryStream();
        map.WriteSvg(ms2, "small heap");
        Assert.Equal(svg, Encoding.UTF8.GetString(ms2.ToArray()));
        Assert.Contains(doc.Descendants(SvgNs + "text"), t => t.Value == string.Create(CultureInfo.InvariantCulture, $"free {stats.FreeBytes:N0} bytes in {stats.FreeBlocks:N0} blocks"));
    }

    [Fact]
    public void Svg_OfADefaultHeap_CutsTheLastFreeBlock_AndStillDrawsEveryBlock()
    {
        using var lua = new Lua(); // 32 MiB, nearly all of it one free block at the end
        LuaHeapMap map = lua.State.GetHeapMap();
        Assert.True(map.Blocks[^1].IsFree);
        XDocument doc = XDocument.Parse(map.ToSvg());
        Assert.Equal(map.BlockCount, CountClass(doc, "blk"));
        Assert.Contains(doc.Descendants(SvgNs + "text"), t => t.Value.Contains("runs on from", StringComparison.Ordinal));

        // The rows reach just past the used part, not the 32 MiB: rows of 512 bytes or more, a power of two, at most 64 of them.
        long used = map.Blocks[^1].Offset - map.PoolStart + 1;
        long rowBytes = 512;
        while ((used + rowBytes - 1) / rowBytes > 64)
        {
            rowBytes *= 2;
        }

        Assert.True(rowBytes < 64 * 1024, $"{rowBytes}");
        Assert.Contains(doc.Descendants(SvgNs + "text"), t => t.Value.StartsWith(rowBytes >= 1024 ? $"one row = {rowBytes / 1024} KiB;" : $"one row = {rowBytes} bytes;", StringComparison.Ordinal));
    }

    [Fact]
    public void Svg_OfManyBlocks_IsAggregated()
    {
        using var lua = new Lua(new LuaOptions { MemoryLimit = 8L * 1024 * 1024 });
        lua.Do("keep = {} for i = 1, 30000 do keep[i] = {} end for i = 1, 30000, 4 do keep[i] = nil end collectgarbage()");
        LuaHeapMap map = lua.State.GetHeapMap();
        Assert.True(map.BlockCount > LuaHeapMap.MaxDrawnElements);
        XDocument doc = XDocument.Parse(map.ToSvg());
        Assert.Equal(SvgNs + "svg", doc.Root!.Name);
        Assert.Equal(0, CountClass(doc, "blk"));
        int cells = CountClass(doc, "cell");
        Assert.InRange(cells, 1, LuaHeapMap.MaxDrawnElements);
        Assert.Contains(doc.Descendants(SvgNs + "text"), t => t.Value.StartsWith("one row = ", StringComparison.Ordinal) && t.Value.Contains("aggregated", StringComparison.Ordinal));
    }

    [Fact]
    public void Svg_EscapesTheTitle()
    {
        using var lua = new Lua(new LuaOptions { MemoryLimit = 64 * 1024 });
        XDocument doc = XDocument.Parse(lua.State.GetHeapMap().ToSvg("<a & \"b\">\u0001]]>"));
        Assert.Contains(doc.Descendants(SvgNs + "text"), t => t.Value == "MicroLua heap map: <a & \"b\">]]>");
    }

    [Fact]
    public void Arguments_AndDispose()
    {
        var lua = new Lua(new LuaOptions { MemoryLimit = 64 * 1024 });
        Assert.Throws<ArgumentNullException>(() => lua.State.WriteHeapMapSvg(null!));
        Assert.Throws<ArgumentNullException>(() => lua.State.GetHeapMap().WriteSvg(null!));
        LuaHeapMap before = lua.State.GetHeapMap();
        lua.Dispose();
        Assert.Throws<ObjectDisposedException>(() => lua.State.GetHeapMap());
        Assert.Throws<ObjectDisposedException>(() => lua.State.WriteHeapMapSvg(new MemoryStream()));
        Assert.NotEmpty(before.ToSvg()); // a copy: still drawable after the state is gone
    }
}
