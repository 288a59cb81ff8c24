using System.Runtime.CompilerServices;

namespace MicroLua.Bytecode;

/// <summary>
/// Reads a PUC Lua 5.4 binary chunk (<c>luac5.4</c> output, docs/bytecode.md) into
/// <see cref="FunctionProto"/>s. The instruction set is the same as ours, so code is taken
/// as it is; line deltas and absolute line entries become one line per instruction. Every
/// read is bounds-checked and every count is checked against the bytes left before anything
/// is allocated for it, so any byte string ends in prototypes or a
/// <see cref="ChunkFormatException"/> carrying Lua's reason ("truncated chunk", "version
/// mismatch", ...). Sizes and byte order must be this build's: a chunk of another machine is
/// refused as Lua refuses it. Bytes after the main function are ignored, as Lua does. The
/// result still has to pass <see cref="Verifier"/>.
/// </summary>
internal sealed unsafe class PucChunkReader
{
    private readonly byte* _data;
    private readonly nuint _length;
    private nuint _pos;

    private PucChunkReader(byte* data, nuint length)
    {
        _data = data;
        _length = length;
    }

    /// <summary>Reads the PUC chunk at <paramref name="data"/> (its first byte is ESC).</summary>
    /// <exception cref="ChunkFormatException">The chunk is malformed or of another machine.</exception>
    public static FunctionProto Read(byte* data, nuint length)
    {
        var r = new PucChunkReader(data, length);
        r.Header();
        _ = r.U8(); // upvalue count of the main closure: the prototype's own count decides
        return r.Function(null, 0);
    }

    private void Header()
    {
        Literal(PucChunkFormat.Signature, "not a binary chunk");
        if (U8() != PucChunkFormat.Version)
        {
            throw new ChunkFormatException("version mismatch");
        }

        if (U8() != PucChunkFormat.Format)
        {
            throw new ChunkFormatException("format mismatch");
        }

        Literal(PucChunkFormat.Data, "corrupted chunk");
        Size(4, "Instruction");
        Size(8, "lua_Integer");
        Size(8, "lua_Number");
        if (I64() != PucChunkFormat.CheckInteger)
        {
            throw new ChunkFormatException("integer format mismatch");
        }

        if (BitConverter.DoubleToInt64Bits(F64()) != BitConverter.DoubleToInt64Bits(PucChunkFormat.CheckFloat))
        {
            throw new ChunkFormatException("float format mismatch");
        }
    }

    private void Literal(ReadOnlySpan<byte> expected, string why)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (U8() != expected[i])
            {
                throw new ChunkFormatException(why);
            }
        }
    }

    private void Size(byte expected, string what)
    {
        if (U8() != expected)
        {
            throw new ChunkFormatException($"{what} size mismatch");
        }
    }

    private FunctionProto Function(string? parentSource, int depth)
    {
        if (depth > ChunkFormat.MaxDepth)
        {
            throw new ChunkFormatException("functions nested too deeply");
        }

        var f = new FunctionProto();
        f.Source = String() ?? parentSource ?? "=?";
        f.LineDefined = Int();
        f.LastLineDefined = Int();
        f.NumParams = U8();
        f.IsVararg = U8() != 0;
        f.MaxStackSize = U8();

        int sizeCode = Count(4);
        var code = new uint[sizeCode];
        for (int i = 0; i < sizeCode; i++)
        {
            code[i] = U32();
        }

        f.Code = code;

        var k = new Constant[Count(1)];
        for (int i = 0; i < k.Length; i++)
        {
            k[i] = U8() switch
            {
                PucChunkFormat.TagNil => Constant.Nil,
                PucChunkFormat.TagFalse => Constant.FromBoolean(false),
                PucChunkFormat.TagTrue => Constant.FromBoolean(true),
                PucChunkFormat.TagInteger => Constant.FromInteger(I64()),
                PucChunkFormat.TagFloat => Constant.FromFloat(F64()),
                PucChunkFormat.TagShortString or PucChunkFormat.TagLongString =>
                    Constant.FromString(Bytes() ?? throw new ChunkFormatException("corrupted chunk")),
                _ => throw new ChunkFormatException("bad constant"),
            };
        }

        f.Constants = k;

        int sizeUpvalues = Count(3);
        if (sizeUpvalues > ChunkFormat.MaxUpvalues)
        {
            throw new ChunkFormatException("too many upvalues");
        }

        var upvalues = new UpvalueDesc[sizeUpvalues];
        for (int i = 0; i < sizeUpvalues; i++)
        {
            upvalues[i] = ChunkFormat.Upvalue(U8(), U8(), U8()); // in order: instack, index, kind
        }

        var protos = new FunctionProto[Count(1)];
        for (int i = 0; i < protos.Length; i++)
        {
            protos[i] = Function(f.Source, depth + 1);
        }

        f.Protos = protos;
        f.LineInfo = Lines(f.LineDefined, sizeCode);

        var locVars = new LocalVarInfo[Count(3)];
        for (int i = 0; i < locVars.Length; i++)
        {
            string name = String() ?? throw new ChunkFormatException("corrupted chunk");
            int start = Int();
            locVars[i] = new LocalVarInfo(name, start, Int());
        }

        f.LocalVars = locVars;

        int sizeNames = Count(1);
        if (sizeNames > sizeUpvalues)
        {
            throw new ChunkFormatException("corrupted chunk");
        }

        for (int i = 0; i < sizeNames; i++)
        {
            upvalues[i] = upvalues[i] with { Name = String() };
        }

        f.Upvalues = upvalues;
        return f;
    }

    /// <summary>
    /// The line of each instruction from the byte deltas (each relative to the instruction
    /// before, the first to the line defined) and the absolute entries (pc, line) that stand
    /// where a delta would not fit. Empty when the chunk was stripped.
    /// </summary>
    private int[] Lines(int lineDefined, int sizeCode)
    {
        int sizeDeltas = Count(1);
        if (sizeDeltas != 0 && sizeDeltas != sizeCode)
        {
            throw new ChunkFormatException("corrupted chunk");
        }

        nuint deltas = _pos;
        _pos += (nuint)sizeDeltas;
        int sizeAbs = Count(2);
        if (sizeDeltas == 0 && sizeAbs != 0)
        {
            throw new ChunkFormatException("corrupted chunk");
        }

        var lines = new int[sizeDeltas];
        int line = lineDefined;
        int nextAbs = sizeAbs > 0 ? Int() : -1;
        int absRead = 0;
        for (int pc = 0; pc < sizeDeltas; pc++)
        {
            var delta = (sbyte)_data[deltas + (nuint)pc];
            if (pc == nextAbs)
            {
                line = Int();
                nextAbs = ++absRead < sizeAbs ? Int() : -1;
            }
            else if (delta == PucChunkFormat.AbsLineInfo)
            {
                throw new ChunkFormatException("corrupted chunk");
            }
            else
            {
                line = unchecked(line + delta);
            }

            lines[pc] = line;
        }

        if (absRead != sizeAbs)
        {
            throw new ChunkFormatException("corrupted chunk"); // an entry out of order or past the code
        }

        return lines;
    }

    /// <summary>A count of items of at least <paramref name="minSize"/> bytes each: no more than the bytes left can hold.</summary>
    private int Count(int minSize)
    {
        int n = Int();
        if ((ulong)n * (ulong)minSize > _length - _pos)
        {
            throw new ChunkFormatException("truncated chunk");
        }

        return n;
    }

    /// <summary>
    /// Lua's variable-length unsigned integer: 7 bits per byte, most significant group first,
    /// the last byte marked by its high bit. Values above <paramref name="limit"/> are "integer overflow".
    /// </summary>
    private ulong Unsigned(ulong limit)
    {
        ulong x = 0;
        byte b;
        do
        {
            b = U8();
            if (x >= limit >> 7)
            {
                throw new ChunkFormatException("integer overflow");
            }

            x = (x << 7) | (uint)(b & 0x7F);
        }
        while ((b & 0x80) == 0);
        return x;
    }

    private int Int() => (int)Unsigned(int.MaxValue);

    private byte U8()
    {
        if (_pos >= _length)
        {
            throw new ChunkFormatException("truncated chunk");
        }

        return _data[_pos++];
    }

    private void Need(nuint n)
    {
        if (n > _length - _pos)
        {
            throw new ChunkFormatException("truncated chunk");
        }
    }

    private uint U32()
    {
        Need(4);
        uint v = Unsafe.ReadUnaligned<uint>(_data + _pos);
        _pos += 4;
        return v;
    }

    private long I64()
    {
        Need(8);
        long v = Unsafe.ReadUnaligned<long>(_data + _pos);
        _pos += 8;
        return v;
    }

    private double F64() => BitConverter.Int64BitsToDouble(I64());

    /// <summary>A string: its size plus one as a varint (0 for none), then the bytes, no terminator.</summary>
    private byte[]? Bytes()
    {
        ulong n = Unsigned(ulong.MaxValue);
        if (n == 0)
        {
            return null;
        }

        if (n - 1 > int.MaxValue)
        {
            throw new ChunkFormatException("truncated chunk");
        }

        Need((nuint)(n - 1));
        byte[] b = new ReadOnlySpan<byte>(_data + _pos, (int)(n - 1)).ToArray();
        _pos += (nuint)(n - 1);
        return b;
    }

    private string? String()
    {
        byte[]? b = Bytes();
        return b == null ? null : System.Text.Encoding.Latin1.GetString(b);
    }
}
