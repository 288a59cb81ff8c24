using System.Buffers;
using System.Runtime.CompilerServices;
using MicroLua.Core;

namespace MicroLua.Library;

/// <summary>
/// A growable byte buffer for building library results (string.format, gsub, pack, rep).
/// Lua strings are byte strings, so every engine builds into bytes, never into UTF-16.
/// The backing array comes from <see cref="ArrayPool{T}.Shared"/>; one builder is meant to be
/// kept per state and reused (<see cref="Clear"/>), so steady-state building allocates nothing.
/// <see cref="Dispose"/> returns the array to the pool.
/// </summary>
internal sealed class ByteBuilder : IDisposable
{
    private byte[] _buffer;
    private int _length;

    /// <summary>Creates a builder with at least <paramref name="capacity"/> bytes of room.</summary>
    public ByteBuilder(int capacity = 256)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 16));
    }

    /// <summary>Number of bytes written so far.</summary>
    public int Length => _length;

    /// <summary>The bytes written so far; valid until the next write.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>Byte at <paramref name="index"/> (0-based, below <see cref="Length"/>).</summary>
    public byte this[int index]
    {
        get => WrittenSpan[index];
        set => _buffer.AsSpan(0, _length)[index] = value;
    }

    /// <summary>Forgets the content, keeping the backing array.</summary>
    public void Clear() => _length = 0;

    /// <summary>Cuts the content down to <paramref name="length"/> bytes.</summary>
    public void Truncate(int length)
    {
        if ((uint)length > (uint)_length)
        {
            throw new ArgumentOutOfRangeException(nameof(length));
        }
        _length = length;
    }

    /// <summary>Appends one byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(byte b)
    {
        if (_length == _buffer.Length)
        {
            Grow(1);
        }
        _buffer[_length++] = b;
    }

    /// <summary>Appends <paramref name="count"/> copies of <paramref name="b"/>.</summary>
    public void Append(byte b, int count)
    {
        if (count <= 0)
        {
            return;
        }
        GetSpan(count)[..count].Fill(b);
        _length += count;
    }

    /// <summary>Appends bytes.</summary>
    public void Append(scoped ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _length += bytes.Length;
    }

    /// <summary>Appends an ASCII string (one byte per char; chars above 0xFF are truncated).</summary>
    public void AppendAscii(string s)
    {
        Span<byte> dest = GetSpan(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            dest[i] = (byte)s[i];
        }
        _length += s.Length;
    }

    /// <summary>Returns writable room of at least <paramref name="size"/> bytes at the end; follow with <see cref="Advance"/>.</summary>
    public Span<byte> GetSpan(int size)
    {
        if (_buffer.Length - _length < size)
        {
            Grow(size);
        }
        return _buffer.AsSpan(_length);
    }

    /// <summary>Marks <paramref name="count"/> bytes written into the span <see cref="GetSpan"/> returned.</summary>
    public void Advance(int count)
    {
        if ((uint)count > (uint)(_buffer.Length - _length))
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }
        _length += count;
    }

    /// <summary>A copy of the content.</summary>
    public byte[] ToArray() => WrittenSpan.ToArray();

    /// <summary>Returns the backing array to the pool; the builder must not be used afterwards.</summary>
    public void Dispose()
    {
        byte[] b = _buffer;
        _buffer = [];
        _length = 0;
        if (b.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(b);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int extra)
    {
        long needed = (long)_length + extra;
        if (needed > Array.MaxLength)
        {
            LuaErrors.ThrowResultingStringTooLarge();
        }
        int newSize = (int)Math.Min(Array.MaxLength, Math.Max(needed, Math.Max(16L, (long)_buffer.Length * 2)));
        byte[] next = ArrayPool<byte>.Shared.Rent(newSize);
        _buffer.AsSpan(0, _length).CopyTo(next);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = next;
    }
}
