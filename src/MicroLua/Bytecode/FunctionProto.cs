namespace MicroLua.Bytecode;

/// <summary>
/// A compiled function as data: what the compiler produces and what the chunk reader reads
/// from a .mlu file. It holds no heap references; a state turns it into heap prototypes when
/// it loads it, after the verifier has checked it.
/// </summary>
internal sealed unsafe class FunctionProto
{
    /// <summary>The chunk name as given to load ("@file.lua", "=stdin", or the source text).</summary>
    public string Source { get; set; } = "?";

    /// <summary>Line of the <c>function</c> keyword; 0 for a main chunk.</summary>
    public int LineDefined { get; set; }

    /// <summary>Line of the closing <c>end</c>; 0 for a main chunk.</summary>
    public int LastLineDefined { get; set; }

    /// <summary>Number of fixed parameters.</summary>
    public byte NumParams { get; set; }

    /// <summary>Whether the function takes <c>...</c>.</summary>
    public bool IsVararg { get; set; }

    /// <summary>Registers the function needs.</summary>
    public byte MaxStackSize { get; set; }

    /// <summary>The instructions (see Vm/OpCode.cs and Vm/Instruction.cs).</summary>
    public uint[] Code { get; set; } = [];

    /// <summary>The constant table.</summary>
    public Constant[] Constants { get; set; } = [];

    /// <summary>How each upvalue is captured when a closure of this function is made.</summary>
    public UpvalueDesc[] Upvalues { get; set; } = [];

    /// <summary>Nested functions, indexed by CLOSURE's Bx.</summary>
    public FunctionProto[] Protos { get; set; } = [];

    /// <summary>Source line of each instruction (same length as Code), empty when stripped.</summary>
    public int[] LineInfo { get; set; } = [];

    /// <summary>Local variable names and the pc ranges where they are active; empty when stripped.</summary>
    public LocalVarInfo[] LocalVars { get; set; } = [];

    /// <summary>
    /// Instructions read in place from a chunk the host keeps alive (then <see cref="Code"/> is
    /// empty): the loader points the heap prototype at them instead of copying.
    /// </summary>
    internal uint* InPlaceCode;

    /// <summary>Length of <see cref="InPlaceCode"/> (and of <see cref="InPlaceLineInfo"/> when set).</summary>
    internal int InPlaceCodeLength;

    /// <summary>Line information read in place, or null (then <see cref="LineInfo"/> holds it, if any).</summary>
    internal int* InPlaceLineInfo;

    /// <summary>The instructions, wherever they are.</summary>
    internal ReadOnlySpan<uint> CodeSpan => InPlaceCode != null ? new ReadOnlySpan<uint>(InPlaceCode, InPlaceCodeLength) : Code;

    /// <summary>The line information, wherever it is (empty when stripped).</summary>
    internal ReadOnlySpan<int> LineSpan => InPlaceLineInfo != null ? new ReadOnlySpan<int>(InPlaceLineInfo, InPlaceCodeLength) : LineInfo;
}

/// <summary>The kind of a constant.</summary>
internal enum ConstantKind : byte
{
    /// <summary>nil</summary>
    Nil,
    /// <summary>false</summary>
    False,
    /// <summary>true</summary>
    True,
    /// <summary>A 64-bit integer.</summary>
    Integer,
    /// <summary>A double.</summary>
    Float,
    /// <summary>A byte string.</summary>
    String,
}

/// <summary>One entry of a function's constant table.</summary>
internal readonly struct Constant : IEquatable<Constant>
{
    /// <summary>What the constant is.</summary>
    public ConstantKind Kind { get; }

    /// <summary>The value of an integer constant.</summary>
    public long Integer { get; }

    /// <summary>The value of a float constant.</summary>
    public double Float { get; }

    /// <summary>The bytes of a string constant.</summary>
    public byte[]? String { get; }

    private Constant(ConstantKind kind, long i, double d, byte[]? s)
    {
        Kind = kind;
        Integer = i;
        Float = d;
        String = s;
    }

    /// <summary>The nil constant.</summary>
    public static Constant Nil => new(ConstantKind.Nil, 0, 0, null);

    /// <summary>A boolean constant.</summary>
    public static Constant FromBoolean(bool b) => new(b ? ConstantKind.True : ConstantKind.False, 0, 0, null);

    /// <summary>An integer constant.</summary>
    public static Constant FromInteger(long i) => new(ConstantKind.Integer, i, 0, null);

    /// <summary>A float constant.</summary>
    public static Constant FromFloat(double d) => new(ConstantKind.Float, 0, d, null);

    /// <summary>A string constant.</summary>
    public static Constant FromString(byte[] s) => new(ConstantKind.String, 0, 0, s);

    /// <inheritdoc/>
    public bool Equals(Constant other) =>
        Kind == other.Kind && Kind switch
        {
            ConstantKind.Integer => Integer == other.Integer,
            ConstantKind.Float => BitConverter.DoubleToInt64Bits(Float) == BitConverter.DoubleToInt64Bits(other.Float),
            ConstantKind.String => String.AsSpan().SequenceEqual(other.String),
            _ => true,
        };

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Constant c && Equals(c);

    /// <summary>Compares two constants by kind and value.</summary>
    public static bool operator ==(Constant left, Constant right) => left.Equals(right);

    /// <summary>Compares two constants by kind and value.</summary>
    public static bool operator !=(Constant left, Constant right) => !left.Equals(right);

    /// <inheritdoc/>
    public override int GetHashCode() => Kind switch
    {
        ConstantKind.Integer => Integer.GetHashCode(),
        ConstantKind.Float => Float.GetHashCode(),
        ConstantKind.String => String!.Length,
        _ => (int)Kind,
    };
}

/// <summary>How a closure captures one upvalue.</summary>
internal readonly record struct UpvalueDesc(string? Name, bool InStack, byte Index, byte Kind);

/// <summary>A local variable's name and the instruction range [StartPc, EndPc) where it is live.</summary>
internal readonly record struct LocalVarInfo(string Name, int StartPc, int EndPc);
