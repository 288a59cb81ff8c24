using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using MicroLua.Core;

namespace MicroLua.Bytecode;

/// <summary>
/// Reads a .mlu chunk (docs/bytecode.md), or hands a PUC Lua 5.4 chunk to
/// <see cref="PucChunkReader"/>, into <see cref="FunctionProto"/>s. Every read is
/// bounds-checked against the chunk's length and every count is checked against the bytes
/// left before anything is allocated for it, so any byte string ends in prototypes or a
/// <see cref="ChunkFormatException"/>. A chunk of the other byte order is converted. In place
/// (native byte order, 8-aligned address), instructions and line information are not copied:
/// the prototypes point into the chunk, which the caller keeps alive and unchanged.
/// The result still has to pass <see cref="Verifier"/>.
/// </summary>
internal sealed unsafe class ChunkReader
{
    private readonly byte* _data;
    private readonly nuint _length;
    private readonly bool _inPlace;
    private bool _swap;
    private nuint _pos;

    private ChunkReader(byte* data, nuint length, bool inPlace)
    {
        _data = data;
        _length = length;
        _inPlace = inPlace;
    }

    /// <summary>Whether the chunk's prototypes read their code in place.</summary>
    public bool UsedInPlace { get; private set; }

    /// <summary>
    /// Reads the chunk at <paramref name="data"/>. With <paramref name="inPlace"/>, code and
    /// line info stay in that memory when its byte order and alignment allow.
    /// </summary>
    /// <exception cref="ChunkFormatException">The chunk is malformed.</exception>
    public static FunctionProto Read(byte* data, nuint length, bool inPlace, out bool usedInPlace)
    {
        if (PucChunkFormat.Claims(data, length))
        {
            usedInPlace = false; // a PUC chunk is a stream of unaligned fields: always converted
            return PucChunkReader.Read(data, length);
        }

        var r = new ChunkReader(data, length, inPlace);
        FunctionProto main = r.ReadChunk();
        usedInPlace = r.UsedInPlace;
        return main;
    }

    private FunctionProto ReadChunk()
    {
        if (_length < 4 || !new ReadOnlySpan<byte>(_data, 4).SequenceEqual(ChunkFormat.Magic))
        {
            throw new ChunkFormatException(_length < 4 ? "truncated chunk" : "not a binary chunk");
        }

        if (_length < ChunkFormat.HeaderSize)
        {
            throw new ChunkFormatException("truncated chunk");
        }

        if (_data[4] != ChunkFormat.Version)
        {
            throw new ChunkFormatException("version mismatch");
        }

        if (_data[5] > ChunkFormat.BigEndian)
        {
            throw new ChunkFormatException("format mismatch");
        }

        _swap = (_data[5] == ChunkFormat.BigEndian) == BitConverter.IsLittleEndian;
        if (_data[6] != 8)
        {
            throw new ChunkFormatException("integer size mismatch");
        }

        if (_data[7] != 8)
        {
            throw new ChunkFormatException("float size mismatch");
        }

        if (_data[8] != 4)
        {
            throw new ChunkFormatException("instruction size mismatch");
        }

        bool stripped = (_data[9] & ChunkFormat.FlagStripped) != 0;
        if ((_data[9] & ~ChunkFormat.FlagStripped) != 0 || _data[10] != 0 || _data[11] != 0)
        {
            throw new ChunkFormatException("format mismatch");
        }

        _pos = 12;
        uint declared = U32();
        if (declared != _length)
        {
            throw new ChunkFormatException(declared > _length ? "truncated chunk" : "chunk length mismatch");
        }

        if (I64() != ChunkFormat.CheckInteger)
        {
            throw new ChunkFormatException("integer format mismatch");
        }

        if (BitConverter.DoubleToInt64Bits(F64()) != BitConverter.DoubleToInt64Bits(ChunkFormat.CheckFloat))
        {
            throw new ChunkFormatException("float format mismatch");
        }

        UsedInPlace = _inPlace && !_swap && ((nuint)_data & 7) == 0;
        FunctionProto main = ReadProto(null, 0);
        if (stripped && (main.LineInfo.Length > 0 || main.InPlaceLineInfo != null))
        {
            throw new ChunkFormatException("corrupted chunk");
        }

        if (_pos != _length)
        {
            throw new ChunkFormatException("extra bytes after the chunk");
        }

        return main;
    }

    private FunctionProto ReadProto(string? parentSource, int depth)
    {
        if (depth > ChunkFormat.MaxDepth || !StackGuard.HasRoom())
        {
            throw new ChunkFormatException("functions nested too deeply"); // by count, or by the .NET stack left
        }

        Align(4);
        Need(ChunkFormat.ProtoFixedSize);
        var f = new FunctionProto
        {
            LineDefined = I32(),
            LastLineDefined = I32(),
            NumParams = U8(),
            IsVararg = U8() switch
            {
                0 => false,
                1 => true,
                _ => throw new ChunkFormatException("corrupted chunk"),
            },
            MaxStackSize = U8(),
        };
        _ = U8();
        int sizeCode = Count(4);
        int sizeK = Count(1);
        int sizeUpvalues = Count(3);
        int sizeProtos = Count(ChunkFormat.ProtoFixedSize);
        int sizeLines = Count(4);
        int sizeLocVars = Count(12);
        int sizeUpvalNames = Count(4);
        if (sizeUpvalues > ChunkFormat.MaxUpvalues)
        {
            throw new ChunkFormatException("too many upvalues");
        }

        if ((sizeLines != 0 && sizeLines != sizeCode) || (sizeUpvalNames != 0 && sizeUpvalNames != sizeUpvalues))
        {
            throw new ChunkFormatException("corrupted chunk");
        }

        string? source = String();
        f.Source = source ?? parentSource ?? "=?";

        Align(4);
        Need((nuint)sizeCode * 4);
        if (UsedInPlace)
        {
            f.InPlaceCode = (uint*)(_data + _pos);
            f.InPlaceCodeLength = sizeCode;
            _pos += (nuint)sizeCode * 4;
        }
        else
        {
            var code = new uint[sizeCode];
            for (int i = 0; i < sizeCode; i++)
            {
                code[i] = U32();
            }

            f.Code = code;
        }

        var k = new Constant[sizeK];
        for (int i = 0; i < sizeK; i++)
        {
            byte kind = U8();
            switch ((ConstantKind)kind)
            {
                case ConstantKind.Nil:
                    k[i] = Constant.Nil;
                    break;
                case ConstantKind.False:
                    k[i] = Constant.FromBoolean(false);
                    break;
                case ConstantKind.True:
                    k[i] = Constant.FromBoolean(true);
                    break;
                case ConstantKind.Integer:
                    Align(8);
                    k[i] = Constant.FromInteger(I64());
                    break;
                case ConstantKind.Float:
                    Align(8);
                    k[i] = Constant.FromFloat(F64());
                    break;
                case ConstantKind.String:
                    k[i] = Constant.FromString(Bytes() ?? throw new ChunkFormatException("corrupted chunk"));
                    break;
                default:
                    throw new ChunkFormatException("bad constant");
            }
        }

        f.Constants = k;

        var upvalues = new UpvalueDesc[sizeUpvalues];
        for (int i = 0; i < sizeUpvalues; i++)
        {
            upvalues[i] = ChunkFormat.Upvalue(U8(), U8(), U8()); // in order: instack, index, kind
        }

        var protos = new FunctionProto[sizeProtos];
        for (int i = 0; i < sizeProtos; i++)
        {
            protos[i] = ReadProto(f.Source, depth + 1);
        }

        f.Protos = protos;

        Align(4);
        Need((nuint)sizeLines * 4);
        if (sizeLines > 0 && UsedInPlace)
        {
            f.InPlaceLineInfo = (int*)(_data + _pos);
            _pos += (nuint)sizeLines * 4;
        }
        else
        {
            var lines = new int[sizeLines];
            for (int i = 0; i < sizeLines; i++)
            {
                lines[i] = I32();
            }

            f.LineInfo = lines;
        }

        var locVars = new LocalVarInfo[sizeLocVars];
        for (int i = 0; i < sizeLocVars; i++)
        {
            string name = String() ?? throw new ChunkFormatException("corrupted chunk");
            Align(4);
            int start = I32();
            int end = I32();
            locVars[i] = new LocalVarInfo(name, start, end);
        }

        f.LocalVars = locVars;
        for (int i = 0; i < sizeUpvalNames; i++)
        {
            UpvalueDesc d = upvalues[i];
            upvalues[i] = d with { Name = String() };
        }

        f.Upvalues = upvalues;
        return f;
    }

    /// <summary>A count of items of at least <paramref name="minSize"/> bytes each: no more than the bytes left can hold.</summary>
    private int Count(int minSize)
    {
        uint n = U32();
        if (n > int.MaxValue || (ulong)n * (ulong)minSize > _length - _pos)
        {
            throw new ChunkFormatException("truncated chunk");
        }

        return (int)n;
    }

    private void Need(nuint n)
    {
        if (n > _length - _pos)
        {
            throw new ChunkFormatException("truncated chunk");
        }
    }

    private void Align(nuint n)
    {
        nuint aligned = (_pos + n - 1) & ~(n - 1);
        if (aligned > _length)
        {
            throw new ChunkFormatException("truncated chunk");
        }

        _pos = aligned;
    }

    private byte U8()
    {
        Need(1);
        return _data[_pos++];
    }

    private uint U32()
    {
        Need(4);
        uint v = Unsafe.ReadUnaligned<uint>(_data + _pos);
        _pos += 4;
        return _swap ? BinaryPrimitives.ReverseEndianness(v) : v;
    }

    private int I32() => (int)U32();

    private long I64()
    {
        Need(8);
        ulong v = Unsafe.ReadUnaligned<ulong>(_data + _pos);
        _pos += 8;
        return (long)(_swap ? BinaryPrimitives.ReverseEndianness(v) : v);
    }

    private double F64() => BitConverter.Int64BitsToDouble(I64());

    /// <summary>A string record: aligned length (0 for none, else length + 1) and the bytes.</summary>
    private byte[]? Bytes()
    {
        Align(4);
        uint n = U32();
        if (n == 0)
        {
            return null;
        }

        if (n - 1 > int.MaxValue)
        {
            throw new ChunkFormatException("truncated chunk");
        }

        Need(n - 1);
        byte[] b = new ReadOnlySpan<byte>(_data + _pos, (int)(n - 1)).ToArray();
        _pos += n - 1;
        return b;
    }

    private string? String()
    {
        byte[]? b = Bytes();
        return b == null ? null : System.Text.Encoding.Latin1.GetString(b);
    }
}
