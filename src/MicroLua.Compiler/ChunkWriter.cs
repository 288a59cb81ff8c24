using MicroLua.Bytecode;

namespace MicroLua.Compiler;

/// <summary>
/// Writes <see cref="FunctionProto"/>s as a .mlu chunk, the format docs/bytecode.md describes
/// and Bytecode/ChunkReader.cs reads: a 32-byte header, then the prototypes depth first, each
/// array aligned to its element size relative to the start of the chunk, in the byte order
/// asked for.
/// </summary>
internal sealed class ChunkWriter
{
    private readonly bool _strip;
    private readonly ChunkBuffer _out;

    private ChunkWriter(bool strip, bool bigEndian)
    {
        _strip = strip;
        _out = new ChunkBuffer(bigEndian);
    }

    public static byte[] Write(FunctionProto main, bool strip, bool bigEndian)
    {
        var w = new ChunkWriter(strip, bigEndian);
        w.Bytes(ChunkFormat.Magic);
        w.U8(ChunkFormat.Version);
        w.U8(bigEndian ? ChunkFormat.BigEndian : ChunkFormat.LittleEndian);
        w.U8(8);
        w.U8(8);
        w.U8(4);
        w.U8(strip ? ChunkFormat.FlagStripped : (byte)0);
        w.U8(0);
        w.U8(0);
        w.U32(0); // total length, patched below
        w.I64(ChunkFormat.CheckInteger);
        w.I64(BitConverter.DoubleToInt64Bits(ChunkFormat.CheckFloat));
        w.Proto(main, null);
        int length = w._out.Position;
        w._out.Position = 12;
        w.U32((uint)length);
        return w._out.ToArray(length);
    }

    private void Proto(FunctionProto f, string? parentSource)
    {
        Align(4);
        I32(f.LineDefined);
        I32(f.LastLineDefined);
        U8(f.NumParams);
        U8(f.IsVararg ? (byte)1 : (byte)0);
        U8(f.MaxStackSize);
        U8(0);
        ReadOnlySpan<uint> code = f.Code;
        U32((uint)code.Length);
        U32((uint)f.Constants.Length);
        U32((uint)f.Upvalues.Length);
        U32((uint)f.Protos.Length);
        bool lines = !_strip && f.LineInfo.Length == code.Length;
        U32(lines ? (uint)f.LineInfo.Length : 0);
        U32(_strip ? 0 : (uint)f.LocalVars.Length);
        bool upvalNames = !_strip && f.Upvalues.Length > 0 && Array.TrueForAll(f.Upvalues, u => u.Name != null);
        U32(upvalNames ? (uint)f.Upvalues.Length : 0);
        String(_strip || f.Source == parentSource ? null : f.Source);

        Align(4);
        foreach (uint i in code)
        {
            U32(i);
        }

        foreach (Constant k in f.Constants)
        {
            U8((byte)k.Kind);
            switch (k.Kind)
            {
                case ConstantKind.Integer:
                    Align(8);
                    I64(k.Integer);
                    break;
                case ConstantKind.Float:
                    Align(8);
                    I64(BitConverter.DoubleToInt64Bits(k.Float));
                    break;
                case ConstantKind.String:
                    String(k.String);
                    break;
                default:
                    break;
            }
        }

        foreach (UpvalueDesc u in f.Upvalues)
        {
            U8(u.InStack ? (byte)1 : (byte)0);
            U8(u.Index);
            U8(u.Kind);
        }

        foreach (FunctionProto child in f.Protos)
        {
            Proto(child, f.Source);
        }

        Align(4);
        if (lines)
        {
            foreach (int line in f.LineInfo)
            {
                I32(line);
            }
        }

        if (!_strip)
        {
            foreach (LocalVarInfo v in f.LocalVars)
            {
                String(v.Name);
                Align(4);
                I32(v.StartPc);
                I32(v.EndPc);
            }
        }

        if (upvalNames)
        {
            foreach (UpvalueDesc u in f.Upvalues)
            {
                String(u.Name);
            }
        }
    }

    private void String(string? s) => String(s == null ? null : System.Text.Encoding.Latin1.GetBytes(s));

    private void String(byte[]? s)
    {
        Align(4);
        if (s == null)
        {
            U32(0);
            return;
        }

        U32((uint)s.Length + 1);
        Bytes(s);
    }

    private Span<byte> Room(int n) => _out.Room(n);

    private void Align(int n)
    {
        int pad = (n - (_out.Position % n)) % n;
        Room(pad).Clear();
    }

    private void Bytes(ReadOnlySpan<byte> b) => _out.Bytes(b);

    private void U8(byte b) => _out.U8(b);

    private void I32(int v) => U32((uint)v);

    private void U32(uint v) => _out.U32(v);

    private void I64(long v) => _out.I64(v);
}
