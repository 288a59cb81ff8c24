namespace MicroLua.Compiler;

/// <summary>Kinds of pending expressions (Lua's expkind): what the code generator knows about a value not yet placed.</summary>
internal enum ExpKind : byte
{
    /// <summary>No value (empty expression list).</summary>
    Void,
    Nil,
    True,
    False,
    /// <summary>Constant in the table; Info = index.</summary>
    K,
    /// <summary>Float constant; NVal.</summary>
    KFlt,
    /// <summary>Integer constant; IVal.</summary>
    KInt,
    /// <summary>String constant; StrVal.</summary>
    KStr,
    /// <summary>Value in a fixed register; Info = register.</summary>
    NonReloc,
    /// <summary>Local variable; Ridx = register, Vidx = index among the function's active variables.</summary>
    Local,
    /// <summary>Upvalue; Info = index.</summary>
    Upval,
    /// <summary>Compile-time constant local; Info = absolute index in the active-variable list.</summary>
    Const,
    /// <summary>t[k] with t in a register, k in a register.</summary>
    Indexed,
    /// <summary>t[k] with t an upvalue, k a short string constant.</summary>
    IndexUp,
    /// <summary>t[k] with k an integer that fits C.</summary>
    IndexI,
    /// <summary>t[k] with k a short string constant.</summary>
    IndexStr,
    /// <summary>A test/comparison; Info = pc of its jump.</summary>
    Jmp,
    /// <summary>Result can go to any register; Info = pc of the instruction whose A is to be set.</summary>
    Reloc,
    /// <summary>Function call; Info = pc of the CALL.</summary>
    Call,
    /// <summary>Vararg expression; Info = pc of the VARARG.</summary>
    VarArg,
}

/// <summary>An expression descriptor: a value the one-pass generator has parsed but not yet committed to a register.</summary>
internal struct ExpDesc
{
    public ExpKind Kind;
    public int Info;
    public long IVal;
    public double NVal;
    public string? StrVal;
    public int IndT;
    public int IndIdx;
    public int Ridx;
    public int Vidx;
    /// <summary>Patch list of "exit when true".</summary>
    public int T;
    /// <summary>Patch list of "exit when false".</summary>
    public int F;

    public ExpDesc(ExpKind kind, int info)
    {
        Kind = kind;
        Info = info;
        T = FuncState.NoJump;
        F = FuncState.NoJump;
    }

    public readonly bool HasJumps => T != F;

    public static ExpDesc Int(long i) => new(ExpKind.KInt, 0) { IVal = i };

    public static ExpDesc Float(double d) => new(ExpKind.KFlt, 0) { NVal = d };

    public static ExpDesc Str(string s) => new(ExpKind.KStr, 0) { StrVal = s };
}
