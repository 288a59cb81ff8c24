using System.Globalization;
using System.Text;
using MicroLua.Memory;

namespace MicroLua;

/// <summary>One block of the heap as <see cref="LuaState.GetHeapMap"/> found it.</summary>
/// <param name="Offset">Byte offset of the block (its header) from the start of the heap's memory block.</param>
/// <param name="Size">Bytes of the block, header included (a multiple of 8, at least 16).</param>
/// <param name="Type">
/// What the block holds, the names of <see cref="MemoryStats.ByType"/>: ShortString, LongString,
/// Table, TableArray, TableNodes, LuaClosure, HostClosure, UpValue, Proto, Userdata, Thread, Stack,
/// StringBuckets, ValueArray, Bytes, RefArray (None: raw bytes being set up); "Free" for a free block.
/// </param>
/// <param name="IsFree">Whether the allocator holds the block as free.</param>
public readonly record struct LuaHeapBlock(long Offset, long Size, string Type, bool IsFree);

/// <summary>
/// The heap of a state block by block, in address order, with its statistics, and the same as
/// a picture (<see cref="ToSvg"/>): each block drawn at its address, coloured by what it holds.
///
/// Why a picture: the statistics say how many bytes are free, not where they are; a heap whose
/// free bytes lie in a thousand holes between long-lived tables fails a large allocation that
/// the totals say fits. The map is a copy: it does not change when the state runs on.
/// </summary>
public sealed class LuaHeapMap
{
    /// <summary>
    /// The most elements (blocks, or runs of cells) a picture draws, so that the SVG of a
    /// 512 MiB heap stays a few megabytes a browser opens at once. A heap with more blocks is
    /// drawn aggregated: in cells of a fixed number of bytes, each coloured by the type that
    /// holds most of its bytes.
    /// </summary>
    public const int MaxDrawnElements = 16384;

    private readonly LuaHeapBlock[] _blocks;
    private readonly Summary _summary;

    private LuaHeapMap(LuaHeapBlock[] blocks, Summary summary)
    {
        _blocks = blocks;
        _summary = summary;
    }

    /// <summary>Every block of the pool in address order; together they tile it (their sizes add up to <see cref="PoolBytes"/>).</summary>
    public IReadOnlyList<LuaHeapBlock> Blocks => _blocks;

    /// <summary>Bytes of the heap's memory block: the state's memory limit.</summary>
    public long HeapBytes => _summary.HeapBytes;

    /// <summary>Byte offset of the first block (the allocator's control structure lies before it).</summary>
    public long PoolStart => _summary.PoolStart;

    /// <summary>Bytes of the pool that blocks tile (as <see cref="MemoryStats.PoolBytes"/>).</summary>
    public long PoolBytes => _summary.PoolBytes;

    /// <summary>Bytes in used blocks, headers included (as <see cref="MemoryStats.BytesInUse"/>).</summary>
    public long BytesInUse => _summary.PoolBytes - _summary.FreeBytes;

    /// <summary>Bytes in free blocks (as <see cref="MemoryStats.FreeBytes"/>).</summary>
    public long FreeBytes => _summary.FreeBytes;

    /// <summary>Number of used blocks (as <see cref="MemoryStats.LiveBlocks"/>).</summary>
    public long LiveBlocks => _summary.Blocks - _summary.FreeBlocks;

    /// <summary>Number of free blocks (as <see cref="MemoryStats.FreeBlocks"/>).</summary>
    public long FreeBlocks => _summary.FreeBlocks;

    /// <summary>Number of blocks, used and free: the length of <see cref="Blocks"/>.</summary>
    public long BlockCount => _summary.Blocks;

    /// <summary>Bytes of the largest free block, header included: the largest allocation that can succeed is 8 bytes less.</summary>
    public long LargestFreeBlock => _summary.LargestFree;

    /// <summary>
    /// 1 − <see cref="LargestFreeBlock"/> / <see cref="FreeBytes"/>: 0 when the free bytes are one
    /// block, near 1 when they are scattered in small holes (0 when nothing is free).
    /// </summary>
    public double Fragmentation => _summary.Fragmentation;

    /// <summary>Per type (the names of <see cref="LuaHeapBlock.Type"/>): blocks and bytes, most bytes first, "Free" last.</summary>
    public IReadOnlyList<(string Type, long Blocks, long Bytes)> ByType() => _summary.ByType();

    /// <summary>The picture as an SVG document (see <see cref="WriteSvg"/>).</summary>
    /// <param name="title">A line to print above the map (a script's name, a moment); null for none.</param>
    public string ToSvg(string? title = null)
    {
        var sb = new StringBuilder();
        using (var w = new StringWriter(sb, CultureInfo.InvariantCulture))
        {
            Svg.Write(w, _summary, _blocks, title);
        }

        return sb.ToString();
    }

    /// <summary>
    /// Writes the picture as a self-contained SVG document in UTF-8: the pool in rows of a fixed
    /// number of bytes from its first block, each block a rectangle at its address as long as its
    /// size (wrapping onto the next row), filled with its type's colour, free blocks white; below
    /// it the legend (type, colour, blocks, bytes) and the statistics. Each drawn block is an
    /// element of class "blk"; when the heap has more than <see cref="MaxDrawnElements"/> blocks
    /// the picture is aggregated into elements of class "cell" and the legend says so.
    /// </summary>
    /// <param name="stream">Where to write; left open.</param>
    /// <param name="title">A line to print above the map; null for none.</param>
    public void WriteSvg(Stream stream, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Svg.Write(stream, _summary, _blocks, title);
    }

    /// <summary>Copies the blocks of <paramref name="heap"/> (one walk for the statistics, one for the copy).</summary>
    internal static LuaHeapMap Of(Heap heap)
    {
        IEnumerable<LuaHeapBlock> walk = Walk(heap);
        Summary s = Summary.Of(heap, walk);
        var blocks = new LuaHeapBlock[s.Blocks];
        int i = 0;
        foreach (LuaHeapBlock b in walk)
        {
            blocks[i++] = b;
        }

        return new LuaHeapMap(blocks, s);
    }

    /// <summary>Writes the picture of <paramref name="heap"/> without copying its blocks (a 512 MiB heap may hold 30 million).</summary>
    internal static void WriteSvgOf(Heap heap, Stream stream, string? title)
    {
        IEnumerable<LuaHeapBlock> walk = Walk(heap);
        Svg.Write(stream, Summary.Of(heap, walk), walk, title);
    }

    /// <summary>The blocks of a heap in address order, read as the enumeration goes (each enumeration walks again).</summary>
    private static IEnumerable<LuaHeapBlock> Walk(Heap heap)
    {
        for (Heap.BlockWalker w = heap.Walk(); w.MoveNext();)
        {
            bool free = w.IsFree;
            yield return new LuaHeapBlock(w.Offset, w.Size, free ? FreeName : TypeNames[(int)w.Type], free);
        }
    }

    private const string FreeName = "Free";

    /// <summary>The name of each type byte (an unknown byte gets its number, so a damaged header still shows).</summary>
    private static readonly string[] TypeNames = BuildTypeNames();

    private static string[] BuildTypeNames()
    {
        var names = new string[256];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = Enum.IsDefined((ObjType)i) ? ((ObjType)i).ToString() : "Type" + i.ToString(CultureInfo.InvariantCulture);
        }

        return names;
    }

    /// <summary>Counts of one walk: what the statistics and the legend print and what the layout needs.</summary>
    private sealed class Summary
    {
        public long HeapBytes;
        public long PoolStart;
        public long PoolBytes;
        public long FreeBytes;
        public long Blocks;
        public long FreeBlocks;
        public long LargestFree;
        public long LastOffset;
        public long LastSize;
        public bool LastFree;
        public readonly Dictionary<string, (long Blocks, long Bytes)> Types = new(StringComparer.Ordinal);

        public double Fragmentation => FreeBytes == 0 ? 0 : 1 - ((double)LargestFree / FreeBytes);

        public static Summary Of(Heap heap, IEnumerable<LuaHeapBlock> blocks)
        {
            var s = new Summary { HeapBytes = (long)heap.Length, PoolStart = Heap.FirstBlock };
            foreach (LuaHeapBlock b in blocks)
            {
                s.PoolBytes += b.Size;
                s.Blocks++;
                if (b.IsFree)
                {
                    s.FreeBytes += b.Size;
                    s.FreeBlocks++;
                    s.LargestFree = Math.Max(s.LargestFree, b.Size);
                }

                (s.LastOffset, s.LastSize, s.LastFree) = (b.Offset, b.Size, b.IsFree);
                s.Types[b.Type] = s.Types.TryGetValue(b.Type, out var c) ? (c.Blocks + 1, c.Bytes + b.Size) : (1, b.Size);
            }

            return s;
        }

        public List<(string Type, long Blocks, long Bytes)> ByType()
        {
            var list = new List<(string Type, long Blocks, long Bytes)>();
            foreach (KeyValuePair<string, (long Blocks, long Bytes)> e in Types)
            {
                if (e.Key != FreeName)
                {
                    list.Add((e.Key, e.Value.Blocks, e.Value.Bytes));
                }
            }

            list.Sort((a, b) => a.Bytes != b.Bytes ? b.Bytes.CompareTo(a.Bytes) : string.CompareOrdinal(a.Type, b.Type));
            if (Types.TryGetValue(FreeName, out var free))
            {
                list.Add((FreeName, free.Blocks, free.Bytes));
            }

            return list;
        }
    }

    /// <summary>
    /// The one place that draws a heap. Layout: rows of <c>rowBytes</c> bytes (a power of two,
    /// at least 512, so that there are at most 64 rows), 1024 pixels wide, each labelled with the
    /// byte offset it starts at. When the last block is free and more than half the pool (a new
    /// state in mlua's 512 MiB default holds 50 KB), the rows end in the row where that block
    /// starts, and a line says how far it runs on: drawn to scale it would leave the rest a sliver. Hand-written rather than through System.Xml, which a trimmed
    /// device build would otherwise carry; the only text from outside is the title, escaped.
    /// </summary>
    private static class Svg
    {
        private const int MapWidth = 1024;
        private const int Left = 96;
        private const int Right = 16;
        private const int Top = 66;
        private const int RowHeight = 12;
        private const int RowGap = 4;
        private const int MaxRows = 64;
        private const int MinRowBytes = 512;
        private const int LegendLine = 18;

        /// <summary>Cells per row when aggregated: MaxRows × this is <see cref="MaxDrawnElements"/>.</summary>
        private const int CellsPerRow = MaxDrawnElements / MaxRows;

        /// <summary>The colour of each type (free is white, an unknown type grey).</summary>
        private static readonly Dictionary<string, string> Colours = new(StringComparer.Ordinal)
        {
            [FreeName] = "#ffffff",
            [nameof(ObjType.ShortString)] = "#4e79a7",
            [nameof(ObjType.LongString)] = "#1f3f6e",
            [nameof(ObjType.StringBuckets)] = "#9ecae9",
            [nameof(ObjType.Table)] = "#e15759",
            [nameof(ObjType.TableArray)] = "#ff9d9a",
            [nameof(ObjType.TableNodes)] = "#f28e2b",
            [nameof(ObjType.LuaClosure)] = "#59a14f",
            [nameof(ObjType.HostClosure)] = "#8cd17d",
            [nameof(ObjType.UpValue)] = "#b6992d",
            [nameof(ObjType.Proto)] = "#b07aa1",
            [nameof(ObjType.Bytes)] = "#d4a6c8",
            [nameof(ObjType.RefArray)] = "#9d7660",
            [nameof(ObjType.ValueArray)] = "#edc948",
            [nameof(ObjType.Thread)] = "#76b7b2",
            [nameof(ObjType.Stack)] = "#499894",
            [nameof(ObjType.Userdata)] = "#d37295",
            [nameof(ObjType.None)] = "#bab0ac",
        };

        private static string Colour(string type) => Colours.TryGetValue(type, out string? c) ? c : "#7f7f7f";

        public static void Write(Stream stream, Summary s, IEnumerable<LuaHeapBlock> blocks, string? title)
        {
            using var w = new StreamWriter(stream, new UTF8Encoding(false), 65536, leaveOpen: true);
            Write(w, s, blocks, title);
        }

        public static void Write(TextWriter w, Summary s, IEnumerable<LuaHeapBlock> blocks, string? title)
        {
            long tailAt = s.LastOffset - s.PoolStart;
            bool cut = s.LastFree && s.LastSize > s.PoolBytes / 2;
            long extent = cut ? tailAt + 1 : s.PoolBytes; // bytes the rows must reach
            long rowBytes = MinRowBytes;
            while ((extent + rowBytes - 1) / rowBytes > MaxRows)
            {
                rowBytes *= 2;
            }

            int rows = (int)Math.Max(1, (extent + rowBytes - 1) / rowBytes);
            long drawnEnd = Math.Min(s.PoolBytes, rows * rowBytes);
            bool aggregated = s.Blocks > MaxDrawnElements;
            long cellBytes = Math.Max(Heap.Align, rowBytes / CellsPerRow);
            List<(string Type, long Blocks, long Bytes)> types = s.ByType();
            int mapBottom = Top + (rows * (RowHeight + RowGap)) + (cut ? LegendLine : 0);
            int statLines = 7;
            int legendTop = mapBottom + 24;
            int height = legendTop + (LegendLine * (1 + Math.Max(types.Count, statLines))) + 16;
            int width = Left + MapWidth + Right;
            double scale = (double)MapWidth / rowBytes; // pixels per byte

            w.Write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            w.Write(I($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
            w.Write("<title>MicroLua heap map</title>\n<style>");
            w.Write(scale * Heap.MinBlockSize >= 4 ? ".blk{stroke:#333;stroke-width:.5}" : ".blk{stroke:none}");
            w.Write(".cell{stroke:none}.row{fill:none;stroke:#999;stroke-width:.5}.lbl{font-family:monospace;font-size:11px}.hd{font-weight:bold}");
            foreach ((string type, _, _) in types)
            {
                w.Write(I($".t-{type}{{fill:{Colour(type)}}}"));
            }

            w.Write("</style>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
            w.Write(I($"<text x=\"{Left}\" y=\"20\" class=\"hd\" font-size=\"15\">MicroLua heap map{(title == null ? "" : ": " + Escape(title))}</text>\n"));
            w.Write(I($"<text x=\"{Left}\" y=\"38\">one row = {Size(rowBytes)}; {(aggregated ? I($"aggregated: {s.Blocks:N0} blocks are more than {MaxDrawnElements:N0}, so the map is drawn in cells of {Size(cellBytes)}") : "every block drawn at its address, as long as its size")}</text>\n"));
            if (aggregated)
            {
                w.Write("<text x=\"" + Left + "\" y=\"54\">a cell takes the colour of the type holding most of its used bytes, paler by its free share; white: more than half free</text>\n");
            }

            // Row labels: the byte offset each row starts at.
            for (int r = 0; r < rows; r++)
            {
                w.Write(I($"<text x=\"{Left - 6}\" y=\"{Top + (r * (RowHeight + RowGap)) + RowHeight - 2}\" text-anchor=\"end\" class=\"lbl\">0x{s.PoolStart + (r * rowBytes):x}</text>\n"));
            }

            if (aggregated)
            {
                WriteCells(w, s, blocks, rowBytes, drawnEnd, cellBytes, scale);
            }
            else
            {
                WriteBlocks(w, s, blocks, rowBytes, drawnEnd, scale);
            }

            // Row outlines on top, so that a white free block at a row's end still shows its extent.
            for (int r = 0; r < rows; r++)
            {
                long bytes = Math.Min(rowBytes, drawnEnd - (r * rowBytes));
                w.Write(I($"<rect class=\"row\" x=\"{Left}\" y=\"{Top + (r * (RowHeight + RowGap))}\" width=\"{Num(bytes * scale)}\" height=\"{RowHeight}\"/>\n"));
            }

            if (cut)
            {
                w.Write(I($"<text x=\"{Left}\" y=\"{Top + (rows * (RowHeight + RowGap)) + 10}\">… the last block, free, runs on from 0x{s.LastOffset:x} to 0x{s.LastOffset + s.LastSize:x} ({s.LastSize:N0} bytes): not drawn past the last row</text>\n"));
            }

            // The legend: swatch, type, blocks, bytes, share of the pool.
            int y = legendTop;
            w.Write(I($"<text x=\"{Left + 22}\" y=\"{y}\" class=\"hd\">type</text><text x=\"{Left + 230}\" y=\"{y}\" text-anchor=\"end\" class=\"hd\">blocks</text>"));
            w.Write(I($"<text x=\"{Left + 350}\" y=\"{y}\" text-anchor=\"end\" class=\"hd\">bytes</text><text x=\"{Left + 410}\" y=\"{y}\" text-anchor=\"end\" class=\"hd\">pool</text>\n"));
            foreach ((string type, long n, long bytes) in types)
            {
                y += LegendLine;
                w.Write(I($"<rect x=\"{Left}\" y=\"{y - 11}\" width=\"14\" height=\"12\" class=\"t-{type}\" stroke=\"#333\" stroke-width=\".5\"/>"));
                w.Write(I($"<text x=\"{Left + 22}\" y=\"{y}\">{type}</text><text x=\"{Left + 230}\" y=\"{y}\" text-anchor=\"end\">{n:N0}</text>"));
                w.Write(I($"<text x=\"{Left + 350}\" y=\"{y}\" text-anchor=\"end\">{bytes:N0}</text><text x=\"{Left + 410}\" y=\"{y}\" text-anchor=\"end\">{Percent((double)bytes / s.PoolBytes)}</text>\n"));
            }

            // The statistics, beside the legend.
            int sx = Left + 480;
            y = legendTop;
            string[] stats =
            [
                I($"limit {s.HeapBytes:N0} bytes; pool {s.PoolBytes:N0} bytes from 0x{s.PoolStart:x}"),
                I($"used {s.PoolBytes - s.FreeBytes:N0} bytes in {s.Blocks - s.FreeBlocks:N0} blocks ({Percent((double)(s.PoolBytes - s.FreeBytes) / s.PoolBytes)})"),
                I($"free {s.FreeBytes:N0} bytes in {s.FreeBlocks:N0} blocks"),
                I($"largest free block {s.LargestFree:N0} bytes"),
                I($"blocks {s.Blocks:N0}"),
                I($"fragmentation {Percent(s.Fragmentation)} (1 − largest free / free)"),
                aggregated ? I($"drawn in cells of {Size(cellBytes)} (aggregated)") : "drawn: every block",
            ];
            w.Write(I($"<text x=\"{sx}\" y=\"{y}\" class=\"hd\">statistics</text>\n"));
            foreach (string line in stats)
            {
                y += LegendLine;
                w.Write(I($"<text x=\"{sx}\" y=\"{y}\">{line}</text>\n"));
            }

            w.Write("</svg>\n");
        }

        /// <summary>Each block one path: a rectangle per row it lies on.</summary>
        private static void WriteBlocks(TextWriter w, Summary s, IEnumerable<LuaHeapBlock> blocks, long rowBytes, long drawnEnd, double scale)
        {
            var d = new StringBuilder();
            foreach (LuaHeapBlock b in blocks)
            {
                d.Clear();
                long at = b.Offset - s.PoolStart, end = Math.Min(at + b.Size, drawnEnd);
                while (at < end)
                {
                    long row = at / rowBytes;
                    long take = Math.Min(end, (row + 1) * rowBytes) - at;
                    double x = Left + ((at - (row * rowBytes)) * scale);
                    long y = Top + (row * (RowHeight + RowGap));
                    d.Append(CultureInfo.InvariantCulture, $"M{Num(x)},{y}h{Num(take * scale)}v{RowHeight}h-{Num(take * scale)}z");
                    at += take;
                }

                w.Write(I($"<path class=\"blk t-{b.Type}\" d=\"{d}\"><title>0x{b.Offset:x} {b.Type} {b.Size:N0} bytes</title></path>\n"));
            }
        }

        /// <summary>
        /// Cells of <paramref name="cellBytes"/> bytes. A cell more than half free is white; any
        /// other takes the colour of the type holding most of its used bytes, paler by its free
        /// share (in tenths), so that scattered holes show as a paler region rather than vanish.
        /// Runs of cells alike on one row are one rectangle.
        /// </summary>
        private static void WriteCells(TextWriter w, Summary s, IEnumerable<LuaHeapBlock> blocks, long rowBytes, long drawnEnd, long cellBytes, double scale)
        {
            var inCell = new Dictionary<string, long>(StringComparer.Ordinal);
            long cellStart = 0; // pool-relative
            string? runType = null;
            int runTenths = 0; // used share of the run's cells, in tenths
            long runStart = 0, runEnd = 0;

            void EndRun()
            {
                if (runType != null)
                {
                    long row = runStart / rowBytes;
                    double x = Left + ((runStart - (row * rowBytes)) * scale);
                    string opacity = runTenths < 10 ? I($" fill-opacity=\"{runTenths / 10.0}\"") : "";
                    w.Write(I($"<rect class=\"cell t-{runType}\" x=\"{Num(x)}\" y=\"{Top + (row * (RowHeight + RowGap))}\" width=\"{Num((runEnd - runStart) * scale)}\" height=\"{RowHeight}\"{opacity}>"));
                    string what = runType == FreeName ? "mostly free" : I($"mostly {runType}, {runTenths * 10}% used");
                    w.Write(I($"<title>0x{s.PoolStart + runStart:x}–0x{s.PoolStart + runEnd:x} {what}</title></rect>\n"));
                }
            }

            void EndCell(long end)
            {
                long free = inCell.GetValueOrDefault(FreeName);
                string best = FreeName;
                long most = 0;
                foreach (KeyValuePair<string, long> e in inCell)
                {
                    if (e.Key != FreeName && (e.Value > most || (e.Value == most && string.CompareOrdinal(e.Key, best) < 0)))
                    {
                        best = e.Key;
                        most = e.Value;
                    }
                }

                inCell.Clear();
                long size = end - cellStart;
                int tenths = 10;
                if (free * 2 > size)
                {
                    best = FreeName;
                }
                else
                {
                    tenths = (int)Math.Round(10.0 * (size - free) / size, MidpointRounding.AwayFromZero);
                }

                if (best != runType || tenths != runTenths || cellStart / rowBytes != runStart / rowBytes)
                {
                    EndRun();
                    runType = best;
                    runTenths = tenths;
                    runStart = cellStart;
                }

                runEnd = end;
                cellStart = end;
            }

            foreach (LuaHeapBlock b in blocks)
            {
                long at = b.Offset - s.PoolStart, end = Math.Min(at + b.Size, drawnEnd);
                while (at < end)
                {
                    long cellEnd = cellStart + cellBytes;
                    long take = Math.Min(end, cellEnd) - at;
                    inCell[b.Type] = inCell.GetValueOrDefault(b.Type) + take;
                    at += take;
                    if (at == cellEnd)
                    {
                        EndCell(cellEnd);
                    }
                }
            }

            if (inCell.Count > 0)
            {
                EndCell(drawnEnd);
            }

            EndRun();
        }

        /// <summary>Formats without the culture of the machine: the picture reads the same everywhere.</summary>
        private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

        private static string Num(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

        /// <summary>A share as XML text: "&amp;lt;0.1%" for a share that is not zero but rounds to it.</summary>
        private static string Percent(double v) => v > 0 && v < 0.0005 ? "&lt;0.1%" : (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

        private static string Size(long bytes) =>
            bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? I($"{bytes >> 20} MiB")
            : bytes >= 1024 && bytes % 1024 == 0 ? I($"{bytes >> 10} KiB")
            : I($"{bytes:N0} bytes");

        /// <summary>Text as XML character data: the markup characters escaped, characters XML 1.0 forbids dropped.</summary>
        private static string Escape(string text)
        {
            var sb = new StringBuilder(text.Length);
            foreach (char c in text)
            {
                switch (c)
                {
                    case '&': sb.Append("&amp;"); break;
                    case '<': sb.Append("&lt;"); break;
                    case '>': sb.Append("&gt;"); break;
                    case '"': sb.Append("&quot;"); break;
                    case '\t' or '\n' or '\r': sb.Append(' '); break;
                    case < ' ' or '\uFFFE' or '\uFFFF': break;
                    default: sb.Append(c); break;
                }
            }

            return sb.ToString();
        }
    }
}
