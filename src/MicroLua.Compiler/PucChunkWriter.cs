using MicroLua.Bytecode;

namespace MicroLua.Compiler;

/// <summary>
/// Writes <see cref="FunctionProto"/>s as a PUC Lua 5.4 binary chunk, the format
/// <c>luac5.4</c> writes and Bytecode/PucChunkReader.cs reads (docs/bytecode.md): the header,
/// the main closure's upvalue count, then the functions depth first, sizes as Lua's
/// variable-length integers, lines as byte deltas with absolute entries where a delta does
/// not fit or 128 instructions have passed since the last one, as Lua's code generator
/// places them. <c>string.dump</c> writes this format, so its output loads in lua5.4.
/// </summary>
internal sealed class PucChunkWriter
{
    private readonly bool _strip;
    private readonly ChunkBuffer _out;

    private PucChunkWriter(bool strip, bool bigEndian)
    {
        _strip = strip;
        _out = new ChunkBuffer(bigEndian);
    }

    /// <summary>The chunk of <paramref name="main"/>; <paramref name="bigEndian"/> writes what a big-endian PUC Lua reads.</summary>
    public static byte[] Write(FunctionProto main, bool strip, bool bigEndian)
    {
        var w = new PucChunkWriter(strip, bigEndian);
        w.Bytes(PucChunkFormat.Signature);
        w.U8(PucChunkFormat.Version);
        w.U8(PucChunkFormat.Format);
        w.Bytes(PucChunkFormat.Data);
        w.U8(4);
        w.U8(8);
        w.U8(8);
        w.I64(PucChunkFormat.CheckInteger);
        w.I64(BitConverter.DoubleToInt64Bits(PucChunkFormat.CheckFloat));
        w.U8((byte)main.Upvalues.Length);
        w.Function(main, null);
        return w._out.ToArray(w._out.Position);
    }

    private void Function(FunctionProto f, string? parentSource)
    {
        String(_strip || f.Source == parentSource ? null : f.Source);
        Int(f.LineDefined);
        Int(f.LastLineDefined);
        U8(f.NumParams);
        U8(f.IsVararg ? (byte)1 : (byte)0);
        U8(f.MaxStackSize);
        Int(f.Code.Length);
        foreach (uint i in f.Code)
        {
            U32(i);
        }

        Int(f.Constants.Length);
        foreach (Constant k in f.Constants)
        {
            switch (k.Kind)
            {
                case ConstantKind.Nil:
                    U8(PucChunkFormat.TagNil);
                    break;
                case ConstantKind.False:
                    U8(PucChunkFormat.TagFalse);
                    break;
                case ConstantKind.True:
                    U8(PucChunkFormat.TagTrue);
                    break;
                case ConstantKind.Integer:
                    U8(PucChunkFormat.TagInteger);
                    I64(k.Integer);
                    break;
                case ConstantKind.Float:
                    U8(PucChunkFormat.TagFloat);
                    I64(BitConverter.DoubleToInt64Bits(k.Float));
                    break;
                default:
                    U8(k.String!.Length <= PucChunkFormat.MaxShortLength ? PucChunkFormat.TagShortString : PucChunkFormat.TagLongString);
                    String(k.String);
                    break;
            }
        }

        Int(f.Upvalues.Length);
        foreach (UpvalueDesc u in f.Upvalues)
        {
            U8(u.InStack ? (byte)1 : (byte)0);
            U8(u.Index);
            U8(u.Kind);
        }

        Int(f.Protos.Length);
        foreach (FunctionProto child in f.Protos)
        {
            Function(child, f.Source);
        }

        Lines(f);
        if (_strip)
        {
            Int(0); // locals
            Int(0); // upvalue names
            return;
        }

        Int(f.LocalVars.Length);
        foreach (LocalVarInfo v in f.LocalVars)
        {
            String(v.Name);
            Int(v.StartPc);
            Int(v.EndPc);
        }

        Int(f.Upvalues.Length);
        foreach (UpvalueDesc u in f.Upvalues)
        {
            String(u.Name);
        }
    }

    /// <summary>
    /// Line deltas (one signed byte per instruction, the first relative to the line defined),
    /// then the absolute entries (pc, line) that replace a delta of 128 or more in magnitude,
    /// and one at least every 128 instructions, so that a reader finds any line quickly.
    /// </summary>
    private void Lines(FunctionProto f)
    {
        if (_strip || f.LineInfo.Length != f.Code.Length)
        {
            Int(0);
            Int(0);
            return;
        }

        var abs = new List<(int Pc, int Line)>();
        Int(f.LineInfo.Length);
        long previous = f.LineDefined;
        int sinceAbsolute = 0;
        for (int pc = 0; pc < f.LineInfo.Length; pc++)
        {
            int line = f.LineInfo[pc];
            long delta = line - previous;
            if (Math.Abs(delta) >= PucChunkFormat.LineDeltaLimit || sinceAbsolute++ >= PucChunkFormat.MaxWithoutAbsolute)
            {
                abs.Add((pc, line));
                delta = PucChunkFormat.AbsLineInfo;
                sinceAbsolute = 1;
            }

            U8((byte)(sbyte)delta);
            previous = line;
        }

        Int(abs.Count);
        foreach ((int pc, int line) in abs)
        {
            Int(pc);
            Int(line);
        }
    }

    /// <summary>Lua's variable-length unsigned integer: 7 bits per byte, most significant first, the last byte's high bit set.</summary>
    private void Unsigned(ulong x)
    {
        Span<byte> groups = stackalloc byte[10];
        int n = 0;
        do
        {
            groups[n++] = (byte)(x & 0x7F);
            x >>= 7;
        }
        while (x != 0);
        groups[0] |= 0x80;
        for (int i = n - 1; i >= 0; i--)
        {
            U8(groups[i]);
        }
    }

    private void Int(int v) => Unsigned((uint)v);

    private void String(string? s) => String(s == null ? null : System.Text.Encoding.Latin1.GetBytes(s));

    private void String(byte[]? s)
    {
        if (s == null)
        {
            Unsigned(0);
            return;
        }

        Unsigned((ulong)s.Length + 1);
        Bytes(s);
    }

    private Span<byte> Room(int n) => _out.Room(n);

    private void Bytes(ReadOnlySpan<byte> b) => _out.Bytes(b);

    private void U8(byte b) => _out.U8(b);

    private void U32(uint v) => _out.U32(v);

    private void I64(long v) => _out.I64(v);
}
