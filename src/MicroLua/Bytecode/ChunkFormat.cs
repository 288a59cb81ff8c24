namespace MicroLua.Bytecode;

/// <summary>
/// The constants of the .mlu chunk format, shared by the writer (MicroLua.Compiler) and the
/// reader. The layout is documented byte by byte in docs/bytecode.md; every array is aligned
/// to its element size relative to the start of the chunk, so a chunk at an 8-aligned address
/// can be executed where it lies.
/// </summary>
internal static class ChunkFormat
{
    /// <summary>An upvalue descriptor as both chunk formats store it (three bytes: in stack, index, kind), checked.</summary>
    public static UpvalueDesc Upvalue(byte inStack, byte index, byte kind) =>
        inStack > 1 || kind > 3 ? throw new ChunkFormatException("bad upvalue") : new UpvalueDesc(null, inStack != 0, index, kind);

    /// <summary>The first four bytes: ESC (so load's mode check sees a binary chunk), "MLu".</summary>
    public static ReadOnlySpan<byte> Magic => [0x1B, (byte)'M', (byte)'L', (byte)'u'];

    /// <summary>The format version this build reads and writes.</summary>
    public const byte Version = 1;

    /// <summary>Byte-order byte: little-endian.</summary>
    public const byte LittleEndian = 0;

    /// <summary>Byte-order byte: big-endian.</summary>
    public const byte BigEndian = 1;

    /// <summary>Flags bit: debug information (lines, locals, upvalue names, source) was stripped.</summary>
    public const byte FlagStripped = 1;

    /// <summary>Size of the header; the main prototype starts here.</summary>
    public const int HeaderSize = 32;

    /// <summary>The integer written at offset 16 to check integer format and byte order.</summary>
    public const long CheckInteger = 0x5678;

    /// <summary>The float written at offset 24 to check float format and byte order.</summary>
    public const double CheckFloat = 370.5;

    /// <summary>Deepest nesting of prototypes a chunk may have (the compiler stops at 200 levels).</summary>
    public const int MaxDepth = 250;

    /// <summary>Most upvalues a function may have (Lua's MAXUPVAL).</summary>
    public const int MaxUpvalues = 255;

    /// <summary>Fixed part of a prototype record (lines, sizes and counts), bytes.</summary>
    public const int ProtoFixedSize = 40;
}

/// <summary>A malformed chunk: <see cref="Exception.Message"/> is the reason, as in "truncated chunk".</summary>
internal sealed class ChunkFormatException : Exception
{
    public ChunkFormatException(string why) : base(why)
    {
    }

    public ChunkFormatException()
    {
    }

    public ChunkFormatException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
