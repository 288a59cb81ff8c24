using MicroLua.Bytecode;
using MicroLua.Core;
using MicroLua.Vm;
using static MicroLua.Vm.Instruction;

namespace MicroLua.Compiler;

/// <summary>An active local variable (Lua's Vardesc).</summary>
internal sealed class VarDesc
{
    public const byte Regular = 0;
    public const byte Const = 1;
    public const byte ToClose = 2;
    /// <summary>Compile-time constant: no register, its value is folded into the code.</summary>
    public const byte CompileTimeConst = 3;

    public required string Name;
    public byte Kind;
    public int Ridx;
    public int Pidx = -1;
    public ExpDesc ConstVal;
}

/// <summary>A pending goto or an active label.</summary>
internal sealed class LabelDesc
{
    public required string Name;
    public int Pc;
    public int Line;
    public int NActVar;
    public bool Close;
}

/// <summary>
/// The recursive-descent parser; it drives <see cref="FuncState"/> directly, with no syntax
/// tree in between (Lua's lparser.c design). Recursion depth is bounded by a level counter
/// that mirrors Lua's C-stack limit (LUAI_MAXCCALLS = 200), so no input can overflow the
/// .NET stack.
/// </summary>
internal sealed partial class Parser
{
    /// <summary>Lua's LUAI_MAXCCALLS.</summary>
    private const int MaxCCalls = 200;
    /// <summary>C levels Lua has already used when the parser starts (load and its callers).</summary>
    private const int BaseLevel = 2;
    private const int MaxVars = 200;
    private const int MaxUpval = 255;
    private const int FieldsPerFlush = 50;
    private const int UnaryPriority = 12;

    public readonly Lexer Lex;
    private FuncState _fs = null!;
    // active variables of all open functions; entries past _nActVar stay readable, as Lua's
    // goto resolution looks at the register level of variables that just went out of scope
    private readonly List<VarDesc> _actVar = [];
    private int _nActVar;
    /// <summary>Constant cache shared by all functions of the chunk (Lua's scanner table): value to last index given.</summary>
    public readonly Dictionary<(int Kind, long Bits, string? S), int> KCache = [];
    private readonly List<LabelDesc> _gt = [];
    private readonly List<LabelDesc> _label = [];
    private int _level = BaseLevel;

    private Parser(ReadOnlySpan<byte> source, string chunkName)
    {
        Lex = new Lexer(source, chunkName);
    }

    public static FunctionProto Parse(ReadOnlySpan<byte> source, string chunkName)
    {
        var p = new Parser(source, chunkName);
        return p.MainFunc();
    }

    // ---------------------------------------------------------------- helpers

    // names are interned by the lexer (and "_ENV", "self", "break" are literals, interned by
    // the runtime), so name lookups compare references, as Lua compares its interned strings
    private int Token => Lex.Token;

    private void Next() => Lex.NextToken();

    private void EnterLevel()
    {
        if (++_level >= MaxCCalls || !StackGuard.HasRoom())
        {
            throw new LuaCompileException(LuaErrors.CStackOverflow);
        }
    }

    private void LeaveLevel() => _level--;

    private LuaCompileException ErrorExpected(int token) => Lex.SyntaxError($"{Tk.ToText(token)} expected");

    private LuaCompileException SemError(string msg)
    {
        Lex.Token = 0; // no "near <token>"
        return Lex.Error(msg, Lex.Line);
    }

    private LuaCompileException ErrorLimit(FuncState fs, int limit, string what)
    {
        int line = fs.LineDefined;
        string where = line == 0 ? "main function" : $"function at line {line}";
        return Lex.SyntaxError($"too many {what} (limit is {limit}) in {where}");
    }

    private bool TestNext(int c)
    {
        if (Token == c)
        {
            Next();
            return true;
        }
        return false;
    }

    private void Check(int c)
    {
        if (Token != c)
        {
            throw ErrorExpected(c);
        }
    }

    private void CheckNext(int c)
    {
        Check(c);
        Next();
    }

    private void CheckCondition(bool c, string msg)
    {
        if (!c)
        {
            throw Lex.SyntaxError(msg);
        }
    }

    private void CheckMatch(int what, int who, int where)
    {
        if (!TestNext(what))
        {
            if (where == Lex.Line)
            {
                throw ErrorExpected(what);
            }
            throw Lex.SyntaxError($"{Tk.ToText(what)} expected (to close {Tk.ToText(who)} at line {where})");
        }
    }

    private string StrCheckName()
    {
        Check(Tk.Name);
        string s = Lex.SValue!;
        Next();
        return s;
    }

    private ExpDesc CodeName() => ExpDesc.Str(StrCheckName());

    // ---------------------------------------------------------------- variables

    private VarDesc LocalVarDesc(FuncState fs, int vidx) => _actVar[fs.FirstLocal + vidx];

    public ExpDesc ConstValue(int absIndex)
    {
        ExpDesc c = _actVar[absIndex].ConstVal;
        return new ExpDesc(c.Kind, 0) { IVal = c.IVal, NVal = c.NVal, StrVal = c.StrVal };
    }

    private int RegLevel(FuncState fs, int nvar)
    {
        while (nvar-- > 0)
        {
            VarDesc vd = LocalVarDesc(fs, nvar);
            if (vd.Kind != VarDesc.CompileTimeConst)
            {
                return vd.Ridx + 1;
            }
        }
        return 0;
    }

    public int NVarStack(FuncState fs) => RegLevel(fs, fs.NActVar);

    private int NewLocalVar(string name)
    {
        FuncState fs = _fs;
        if (_nActVar + 1 - fs.FirstLocal > MaxVars)
        {
            throw ErrorLimit(fs, MaxVars, "local variables");
        }
        var vd = new VarDesc { Name = name };
        if (_nActVar < _actVar.Count)
        {
            _actVar[_nActVar] = vd;
        }
        else
        {
            _actVar.Add(vd);
        }
        _nActVar++;
        return _nActVar - 1 - fs.FirstLocal;
    }

    private void AdjustLocalVars(int nvars)
    {
        FuncState fs = _fs;
        int regLevel = NVarStack(fs);
        for (int i = 0; i < nvars; i++)
        {
            int vidx = fs.NActVar++;
            VarDesc var = LocalVarDesc(fs, vidx);
            var.Ridx = regLevel++;
            var.Pidx = fs.LocVars.Count;
            fs.LocVars.Add(new LocalVarInfo(var.Name, fs.Pc, 0));
        }
    }

    private void CloseVarsDebugInfo(FuncState fs, int toLevel)
    {
        while (fs.NActVar > toLevel)
        {
            VarDesc vd = LocalVarDesc(fs, --fs.NActVar);
            if (vd.Kind != VarDesc.CompileTimeConst)
            {
                LocalVarInfo lv = fs.LocVars[vd.Pidx];
                fs.LocVars[vd.Pidx] = lv with { EndPc = fs.Pc };
            }
        }
    }

    private void RemoveVarsTo(FuncState fs, int toLevel)
    {
        int n = fs.NActVar - toLevel;
        CloseVarsDebugInfo(fs, toLevel);
        _nActVar -= n;
    }

    private static int SearchUpvalue(FuncState fs, string name)
    {
        for (int i = 0; i < fs.Upvalues.Count; i++)
        {
            if (ReferenceEquals(fs.Upvalues[i].Name, name))
            {
                return i;
            }
        }
        return -1;
    }

    private int NewUpvalue(FuncState fs, string name, in ExpDesc v)
    {
        if (fs.Upvalues.Count + 1 > MaxUpval)
        {
            throw ErrorLimit(fs, MaxUpval, "upvalues");
        }
        FuncState prev = fs.Prev!;
        if (v.Kind == ExpKind.Local)
        {
            fs.Upvalues.Add(new UpvalueDesc(name, true, (byte)v.Ridx, LocalVarDesc(prev, v.Vidx).Kind));
        }
        else
        {
            fs.Upvalues.Add(new UpvalueDesc(name, false, (byte)v.Info, prev.Upvalues[v.Info].Kind));
        }
        return fs.Upvalues.Count - 1;
    }

    private ExpKind SearchVar(FuncState fs, string n, ref ExpDesc var)
    {
        for (int i = fs.NActVar - 1; i >= 0; i--)
        {
            VarDesc vd = LocalVarDesc(fs, i);
            if (ReferenceEquals(vd.Name, n))
            {
                if (vd.Kind == VarDesc.CompileTimeConst)
                {
                    var = new ExpDesc(ExpKind.Const, fs.FirstLocal + i);
                }
                else
                {
                    var = new ExpDesc(ExpKind.Local, 0) { Vidx = i, Ridx = vd.Ridx };
                }
                return var.Kind;
            }
        }
        return ExpKind.Void;
    }

    private static void MarkUpval(FuncState fs, int level)
    {
        BlockCnt bl = fs.Bl!;
        while (bl.NActVar > level)
        {
            bl = bl.Previous!;
        }
        bl.Upval = true;
        fs.NeedClose = true;
    }

    private static void MarkToBeClosed(FuncState fs)
    {
        BlockCnt bl = fs.Bl!;
        bl.Upval = true;
        bl.InsideTbc = true;
        fs.NeedClose = true;
    }

    private void SingleVarAux(FuncState? fs, string n, ref ExpDesc var, bool isBase)
    {
        if (fs == null)
        {
            var = new ExpDesc(ExpKind.Void, 0);
            return;
        }
        ExpKind v = SearchVar(fs, n, ref var);
        if (v != ExpKind.Void)
        {
            if (v == ExpKind.Local && !isBase)
            {
                MarkUpval(fs, var.Vidx);
            }
            return;
        }
        int idx = SearchUpvalue(fs, n);
        if (idx < 0)
        {
            SingleVarAux(fs.Prev, n, ref var, false);
            if (var.Kind is ExpKind.Local or ExpKind.Upval)
            {
                idx = NewUpvalue(fs, n, var);
            }
            else
            {
                return; // global or compile-time constant
            }
        }
        var = new ExpDesc(ExpKind.Upval, idx);
    }

    private void SingleVar(ref ExpDesc var)
    {
        string name = StrCheckName();
        SingleVarAux(_fs, name, ref var, true);
        if (var.Kind == ExpKind.Void)
        {
            SingleVarAux(_fs, "_ENV", ref var, true);
            _fs.Exp2AnyRegUp(ref var);
            ExpDesc key = ExpDesc.Str(name);
            _fs.Indexed(ref var, ref key);
        }
    }

    private void AdjustAssign(int nvars, int nexps, ref ExpDesc e)
    {
        FuncState fs = _fs;
        int needed = nvars - nexps;
        if (e.Kind is ExpKind.Call or ExpKind.VarArg)
        {
            int extra = needed + 1;
            if (extra < 0)
            {
                extra = 0;
            }
            fs.SetReturns(ref e, extra);
        }
        else
        {
            if (e.Kind != ExpKind.Void)
            {
                fs.Exp2NextReg(ref e);
            }
            if (needed > 0)
            {
                fs.Nil(fs.FreeReg, needed);
            }
        }
        if (needed > 0)
        {
            fs.ReserveRegs(needed);
        }
        else
        {
            fs.FreeReg += needed;
        }
    }

    // ---------------------------------------------------------------- gotos and labels

    private LabelDesc? FindLabel(string name)
    {
        for (int i = _fs.FirstLabel; i < _label.Count; i++)
        {
            if (ReferenceEquals(_label[i].Name, name))
            {
                return _label[i];
            }
        }
        return null;
    }

    private static LabelDesc NewLabelEntry(List<LabelDesc> l, string name, int line, int pc, int nactvar)
    {
        var d = new LabelDesc { Name = name, Line = line, Pc = pc, NActVar = nactvar };
        l.Add(d);
        return d;
    }

    private void NewGotoEntry(string name, int line, int pc) => NewLabelEntry(_gt, name, line, pc, _fs.NActVar);

    private bool SolveGotos(LabelDesc lb)
    {
        bool needsClose = false;
        int i = _fs.Bl!.FirstGoto;
        while (i < _gt.Count)
        {
            LabelDesc gt = _gt[i];
            if (ReferenceEquals(gt.Name, lb.Name))
            {
                needsClose |= gt.Close;
                if (gt.NActVar < lb.NActVar)
                {
                    string varName = LocalVarDesc(_fs, gt.NActVar).Name;
                    throw SemError($"<goto {gt.Name}> at line {gt.Line} jumps into the scope of local '{varName}'");
                }
                _fs.PatchList(gt.Pc, lb.Pc);
                _gt.RemoveAt(i);
            }
            else
            {
                i++;
            }
        }
        return needsClose;
    }

    private bool CreateLabel(string name, int line, bool last)
    {
        FuncState fs = _fs;
        LabelDesc l = NewLabelEntry(_label, name, line, fs.GetLabel(), fs.NActVar);
        if (last)
        {
            l.NActVar = fs.Bl!.NActVar;
        }
        if (SolveGotos(l))
        {
            fs.EmitABC(OpCode.Close, NVarStack(fs), 0, 0);
            return true;
        }
        return false;
    }

    private void MoveGotosOut(FuncState fs, BlockCnt bl)
    {
        for (int i = bl.FirstGoto; i < _gt.Count; i++)
        {
            LabelDesc gt = _gt[i];
            if (RegLevel(fs, gt.NActVar) > RegLevel(fs, bl.NActVar))
            {
                gt.Close |= bl.Upval;
            }
            gt.NActVar = bl.NActVar;
        }
    }

    private LuaCompileException UndefGoto(LabelDesc gt)
    {
        if (gt.Name == "break")
        {
            return SemError($"break outside loop at line {gt.Line}");
        }
        return SemError($"no visible label '{gt.Name}' for <goto> at line {gt.Line}");
    }

    private void EnterBlock(FuncState fs, BlockCnt bl, bool isLoop)
    {
        bl.IsLoop = isLoop;
        bl.NActVar = fs.NActVar;
        bl.FirstLabel = _label.Count;
        bl.FirstGoto = _gt.Count;
        bl.Upval = false;
        bl.InsideTbc = fs.Bl != null && fs.Bl.InsideTbc;
        bl.Previous = fs.Bl;
        fs.Bl = bl;
    }

    private void LeaveBlock(FuncState fs)
    {
        BlockCnt bl = fs.Bl!;
        bool hasClose = false;
        int stkLevel = RegLevel(fs, bl.NActVar);
        // The block's locals go out of scope first: a 'break' lands outside the block, so the
        // CLOSE its label may need starts at the block's level and also closes a to-be-closed
        // variable of the loop itself (the generic for's closing value).
        RemoveVarsTo(fs, bl.NActVar);
        if (bl.IsLoop)
        {
            hasClose = CreateLabel("break", 0, false);
        }
        if (!hasClose && bl.Previous != null && bl.Upval)
        {
            fs.EmitABC(OpCode.Close, stkLevel, 0, 0);
        }
        fs.FreeReg = stkLevel;
        _label.RemoveRange(bl.FirstLabel, _label.Count - bl.FirstLabel);
        fs.Bl = bl.Previous;
        if (bl.Previous != null)
        {
            MoveGotosOut(fs, bl);
        }
        else if (bl.FirstGoto < _gt.Count)
        {
            throw UndefGoto(_gt[bl.FirstGoto]);
        }
    }

    // ---------------------------------------------------------------- functions

    private FuncState OpenFunc(BlockCnt bl, int lineDefined)
    {
        var fs = new FuncState(this, _fs)
        {
            FirstLocal = _nActVar,
            FirstLabel = _label.Count,
            LineDefined = lineDefined,
        };
        _fs = fs;
        EnterBlock(fs, bl, false);
        return fs;
    }

    private FunctionProto CloseFunc()
    {
        FuncState fs = _fs;
        fs.Ret(NVarStack(fs), 0);
        LeaveBlock(fs);
        fs.Finish();
        _fs = fs.Prev!;
        return new FunctionProto
        {
            Source = Lex.Source,
            LineDefined = fs.LineDefined,
            LastLineDefined = fs.LastLineDefined,
            NumParams = (byte)fs.NumParams,
            IsVararg = fs.IsVararg,
            MaxStackSize = (byte)fs.MaxStackSize,
            Code = fs.Code.ToArray(),
            Constants = fs.K.ToArray(),
            Upvalues = fs.Upvalues.ToArray(),
            Protos = fs.Protos.ToArray(),
            LineInfo = fs.Lines.ToArray(),
            LocalVars = fs.LocVars.ToArray(),
        };
    }

    private static void SetVararg(FuncState fs, int nparams)
    {
        fs.IsVararg = true;
        fs.EmitABC(OpCode.VarArgPrep, nparams, 0, 0);
    }

    private FunctionProto MainFunc()
    {
        var bl = new BlockCnt();
        FuncState fs = OpenFunc(bl, 0);
        SetVararg(fs, 0);
        fs.Upvalues.Add(new UpvalueDesc("_ENV", true, 0, VarDesc.Regular));
        Next();
        StatList();
        Check(Tk.Eos);
        return CloseFunc();
    }

    private void Body(ref ExpDesc e, bool isMethod, int line)
    {
        var bl = new BlockCnt();
        FuncState parent = _fs;
        FuncState fs = OpenFunc(bl, line);
        if (isMethod)
        {
            NewLocalVar("self");
            AdjustLocalVars(1);
        }
        CheckNext('(');
        ParList();
        CheckNext(')');
        StatList();
        fs.LastLineDefined = Lex.Line;
        CheckMatch(Tk.End, Tk.Function, line);
        FunctionProto proto = CloseFunc();
        parent.Protos.Add(proto);
        if (parent.Protos.Count - 1 > MaxBx)
        {
            throw Lex.SyntaxError("too many functions");
        }
        e = new ExpDesc(ExpKind.Reloc, parent.EmitABx(OpCode.Closure, 0, parent.Protos.Count - 1));
        parent.Exp2NextReg(ref e);
    }

    private void ParList()
    {
        FuncState fs = _fs;
        int nparams = 0;
        bool isVararg = false;
        if (Token != ')')
        {
            do
            {
                switch (Token)
                {
                    case Tk.Name:
                        NewLocalVar(StrCheckName());
                        nparams++;
                        break;
                    case Tk.Dots:
                        Next();
                        isVararg = true;
                        break;
                    default:
                        throw Lex.SyntaxError("<name> or '...' expected");
                }
            }
            while (!isVararg && TestNext(','));
        }
        AdjustLocalVars(nparams);
        fs.NumParams = fs.NActVar;
        if (isVararg)
        {
            SetVararg(fs, fs.NumParams);
        }
        fs.ReserveRegs(fs.NActVar);
    }
}
