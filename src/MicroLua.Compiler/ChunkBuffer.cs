using System.Buffers.Binary;

namespace MicroLua.Compiler;

/// <summary>
/// The growing byte buffer both chunk writers fill (<see cref="ChunkWriter"/> for .mlu,
/// <see cref="PucChunkWriter"/> for PUC Lua 5.4's format): raw bytes and fixed-size numbers in
/// the byte order the chunk asks for.
/// </summary>
internal sealed class ChunkBuffer(bool bigEndian)
{
    private byte[] _buf = new byte[256];

    /// <summary>Where the next byte goes (a writer may move it back to patch a field).</summary>
    public int Position { get; set; }

    /// <summary>The next <paramref name="n"/> bytes, growing the buffer as needed.</summary>
    public Span<byte> Room(int n)
    {
        if (Position + n > _buf.Length)
        {
            Array.Resize(ref _buf, Math.Max(_buf.Length * 2, Position + n));
        }

        Span<byte> span = _buf.AsSpan(Position, n);
        Position += n;
        return span;
    }

    public void Bytes(ReadOnlySpan<byte> b) => b.CopyTo(Room(b.Length));

    public void U8(byte b) => Room(1)[0] = b;

    public void U32(uint v)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(Room(4), v);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(Room(4), v);
        }
    }

    public void I64(long v)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteInt64BigEndian(Room(8), v);
        }
        else
        {
            BinaryPrimitives.WriteInt64LittleEndian(Room(8), v);
        }
    }

    /// <summary>The first <paramref name="length"/> bytes written, as the chunk.</summary>
    public byte[] ToArray(int length) => _buf.AsSpan(0, length).ToArray();
}
