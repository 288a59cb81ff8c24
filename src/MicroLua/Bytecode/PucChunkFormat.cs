namespace MicroLua.Bytecode;

/// <summary>
/// The constants of PUC Lua 5.4's binary chunk format (what <c>luac5.4</c> and PUC's
/// <c>string.dump</c> write; the same in releases 5.4.0 to 5.4.8), shared by the reader here
/// and the writer in MicroLua.Compiler. docs/bytecode.md describes the layout. Unlike .mlu it
/// is a stream: sizes are variable-length integers, nothing is aligned, and line information
/// is stored as byte deltas, so a PUC chunk is always converted into prototypes on load.
/// </summary>
internal static class PucChunkFormat
{
    /// <summary>The first four bytes, ESC "Lua".</summary>
    public static ReadOnlySpan<byte> Signature => [0x1B, (byte)'L', (byte)'u', (byte)'a'];

    /// <summary>The version byte: major * 16 + minor.</summary>
    public const byte Version = 0x54;

    /// <summary>The format byte: 0, the official format.</summary>
    public const byte Format = 0;

    /// <summary>LUAC_DATA, bytes that catch text-mode conversions: 0x19 0x93 CR LF 0x1A LF.</summary>
    public static ReadOnlySpan<byte> Data => [0x19, 0x93, (byte)'\r', (byte)'\n', 0x1A, (byte)'\n'];

    /// <summary>Size of the header, up to and including LUAC_NUM.</summary>
    public const int HeaderSize = 4 + 1 + 1 + 6 + 3 + 8 + 8;

    /// <summary>LUAC_INT: the integer that checks integer format and byte order.</summary>
    public const long CheckInteger = 0x5678;

    /// <summary>LUAC_NUM: the float that checks float format.</summary>
    public const double CheckFloat = 370.5;

    /// <summary>Constant tags (Lua's type tag with its variant in bits 4-5).</summary>
    public const byte TagNil = 0x00, TagFalse = 0x01, TagTrue = 0x11, TagInteger = 0x03, TagFloat = 0x13, TagShortString = 0x04, TagLongString = 0x14;

    /// <summary>Longest string PUC Lua stores as a short string (LUAI_MAXSHORTLEN); longer ones get the long tag.</summary>
    public const int MaxShortLength = 40;

    /// <summary>A line delta of this value means "see the absolute line table" (ABSLINEINFO).</summary>
    public const sbyte AbsLineInfo = -0x80;

    /// <summary>Line deltas must be smaller than this in magnitude (LIMLINEDIFF).</summary>
    public const int LineDeltaLimit = 0x80;

    /// <summary>At most this many instructions follow an absolute line entry before the next (MAXIWTHABS).</summary>
    public const int MaxWithoutAbsolute = 128;

    /// <summary>Whether the chunk starts like a PUC chunk (ESC 'L'); .mlu chunks start ESC 'M'.</summary>
    public static unsafe bool Claims(byte* data, nuint length) => length >= 2 && data[0] == 0x1B && data[1] == (byte)'L';
}
