namespace MicroLua;

/// <summary>The heap map: where the blocks of the heap lie, as data and as a picture (LuaHeapMap.cs draws it).</summary>
public sealed partial class LuaState
{
    /// <summary>
    /// Copies the heap block by block (see <see cref="LuaHeapMap"/>): every block's offset, size
    /// and type, and the statistics (largest free block, fragmentation). Reads the heap as it is:
    /// blocks the collector has not reached yet still count as used (call
    /// <c>collectgarbage()</c> first to see only live data). The copy costs 24 bytes of .NET
    /// memory per block; <see cref="WriteHeapMapSvg"/> draws without it.
    /// </summary>
    public LuaHeapMap GetHeapMap()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return LuaHeapMap.Of(_g.Heap);
    }

    /// <summary>
    /// Writes the picture of the heap as SVG (as <see cref="LuaHeapMap.WriteSvg"/>), walking the
    /// heap instead of copying it, so a heap of millions of blocks costs no .NET memory for them.
    /// </summary>
    /// <param name="stream">Where to write, in UTF-8; left open.</param>
    /// <param name="title">A line to print above the map (a script's name, a moment); null for none.</param>
    public void WriteHeapMapSvg(Stream stream, string? title = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(stream);
        LuaHeapMap.WriteSvgOf(_g.Heap, stream, title);
    }
}
