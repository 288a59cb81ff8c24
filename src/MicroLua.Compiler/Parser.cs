using MicroLua.Bytecode;
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
internal sealed class Parser
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
        if (++_level >= MaxCCalls || !System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new LuaCompileException("C stack overflow");
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
        if (bl.IsLoop)
        {
            hasClose = CreateLabel("break", 0, false);
        }
        if (!hasClose && bl.Previous != null && bl.Upval)
        {
            fs.EmitABC(OpCode.Close, stkLevel, 0, 0);
        }
        fs.FreeReg = stkLevel;
        RemoveVarsTo(fs, bl.NActVar);
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

    // ---------------------------------------------------------------- statements

    private static bool BlockFollow(int token, bool withUntil) => token switch
    {
        Tk.Else or Tk.Elseif or Tk.End or Tk.Eos => true,
        Tk.Until => withUntil,
        _ => false,
    };

    private void StatList()
    {
        while (!BlockFollow(Token, true))
        {
            if (Token == Tk.Return)
            {
                Statement();
                return;
            }
            Statement();
        }
    }

    private void Block()
    {
        FuncState fs = _fs;
        var bl = new BlockCnt();
        EnterBlock(fs, bl, false);
        StatList();
        LeaveBlock(fs);
    }

    private void Statement()
    {
        int line = Lex.Line;
        EnterLevel();
        switch (Token)
        {
            case ';':
                Next();
                break;
            case Tk.If:
                IfStat(line);
                break;
            case Tk.While:
                WhileStat(line);
                break;
            case Tk.Do:
                Next();
                Block();
                CheckMatch(Tk.End, Tk.Do, line);
                break;
            case Tk.For:
                ForStat(line);
                break;
            case Tk.Repeat:
                RepeatStat(line);
                break;
            case Tk.Function:
                FuncStat(line);
                break;
            case Tk.Local:
                Next();
                if (TestNext(Tk.Function))
                {
                    LocalFunc();
                }
                else
                {
                    LocalStat();
                }
                break;
            case Tk.DbColon:
                Next();
                LabelStat(StrCheckName(), line);
                break;
            case Tk.Return:
                Next();
                RetStat();
                break;
            case Tk.Break:
                {
                    int bline = Lex.Line;
                    Next();
                    NewGotoEntry("break", bline, _fs.Jump());
                    break;
                }
            case Tk.Goto:
                Next();
                GotoStat();
                break;
            default:
                ExprStat();
                break;
        }
        _fs.FreeReg = NVarStack(_fs);
        LeaveLevel();
    }

    private void GotoStat()
    {
        FuncState fs = _fs;
        int line = Lex.Line;
        string name = StrCheckName();
        LabelDesc? lb = FindLabel(name);
        if (lb == null)
        {
            NewGotoEntry(name, line, fs.Jump());
        }
        else
        {
            int lblevel = RegLevel(fs, lb.NActVar);
            if (NVarStack(fs) > lblevel)
            {
                fs.EmitABC(OpCode.Close, lblevel, 0, 0);
            }
            fs.PatchList(fs.Jump(), lb.Pc);
        }
    }

    private void LabelStat(string name, int line)
    {
        CheckNext(Tk.DbColon);
        while (Token == ';' || Token == Tk.DbColon)
        {
            Statement();
        }
        LabelDesc? lb = FindLabel(name);
        if (lb != null)
        {
            throw SemError($"label '{name}' already defined on line {lb.Line}");
        }
        CreateLabel(name, line, BlockFollow(Token, false));
    }

    private void WhileStat(int line)
    {
        FuncState fs = _fs;
        var bl = new BlockCnt();
        Next();
        int whileInit = fs.GetLabel();
        int condExit = Cond();
        EnterBlock(fs, bl, true);
        CheckNext(Tk.Do);
        Block();
        fs.JumpTo(whileInit);
        CheckMatch(Tk.End, Tk.While, line);
        LeaveBlock(fs);
        fs.PatchToHere(condExit);
    }

    private void RepeatStat(int line)
    {
        FuncState fs = _fs;
        int repeatInit = fs.GetLabel();
        var bl1 = new BlockCnt();
        var bl2 = new BlockCnt();
        EnterBlock(fs, bl1, true);
        EnterBlock(fs, bl2, false);
        Next();
        StatList();
        CheckMatch(Tk.Until, Tk.Repeat, line);
        int condExit = Cond();
        LeaveBlock(fs);
        if (bl2.Upval)
        {
            int exit = fs.Jump();
            fs.PatchToHere(condExit);
            fs.EmitABC(OpCode.Close, RegLevel(fs, bl2.NActVar), 0, 0);
            condExit = fs.Jump();
            fs.PatchToHere(exit);
        }
        fs.PatchList(condExit, repeatInit);
        LeaveBlock(fs);
    }

    private int Cond()
    {
        var v = default(ExpDesc);
        Expr(ref v);
        if (v.Kind == ExpKind.Nil)
        {
            v.Kind = ExpKind.False;
        }
        _fs.GoIfTrue(ref v);
        return v.F;
    }

    private void Exp1()
    {
        var e = default(ExpDesc);
        Expr(ref e);
        _fs.Exp2NextReg(ref e);
    }

    private void FixForJump(int pc, int dest, bool back)
    {
        FuncState fs = _fs;
        int offset = dest - (pc + 1);
        if (back)
        {
            offset = -offset;
        }
        if (offset > MaxBx)
        {
            throw Lex.SyntaxError("control structure too long");
        }
        fs.Code[pc] = SetBx(fs.Code[pc], offset);
    }

    private void ForBody(int baseReg, int line, int nvars, bool isGen)
    {
        FuncState fs = _fs;
        var bl = new BlockCnt();
        CheckNext(Tk.Do);
        int prep = fs.EmitABx(isGen ? OpCode.TForPrep : OpCode.ForPrep, baseReg, 0);
        EnterBlock(fs, bl, false);
        AdjustLocalVars(nvars);
        fs.ReserveRegs(nvars);
        Block();
        LeaveBlock(fs);
        FixForJump(prep, fs.GetLabel(), false);
        if (isGen)
        {
            fs.EmitABC(OpCode.TForCall, baseReg, 0, nvars);
            fs.FixLine(line);
        }
        int endFor = fs.EmitABx(isGen ? OpCode.TForLoop : OpCode.ForLoop, baseReg, 0);
        FixForJump(endFor, prep + 1, true);
        fs.FixLine(line);
    }

    private void ForNum(string varName, int line)
    {
        FuncState fs = _fs;
        int baseReg = fs.FreeReg;
        NewLocalVar("(for state)");
        NewLocalVar("(for state)");
        NewLocalVar("(for state)");
        NewLocalVar(varName);
        CheckNext('=');
        Exp1();
        CheckNext(',');
        Exp1();
        if (TestNext(','))
        {
            Exp1();
        }
        else
        {
            fs.Int(fs.FreeReg, 1);
            fs.ReserveRegs(1);
        }
        AdjustLocalVars(3);
        ForBody(baseReg, line, 1, false);
    }

    private void ForList(string indexName)
    {
        FuncState fs = _fs;
        var e = default(ExpDesc);
        int nvars = 5;
        int baseReg = fs.FreeReg;
        NewLocalVar("(for state)");
        NewLocalVar("(for state)");
        NewLocalVar("(for state)");
        NewLocalVar("(for state)");
        NewLocalVar(indexName);
        while (TestNext(','))
        {
            NewLocalVar(StrCheckName());
            nvars++;
        }
        CheckNext(Tk.In);
        int line = Lex.Line;
        AdjustAssign(4, ExpList(ref e), ref e);
        AdjustLocalVars(4);
        MarkToBeClosed(fs);
        fs.CheckStack(3);
        ForBody(baseReg, line, nvars - 4, true);
    }

    private void ForStat(int line)
    {
        FuncState fs = _fs;
        var bl = new BlockCnt();
        EnterBlock(fs, bl, true);
        Next();
        string varName = StrCheckName();
        switch (Token)
        {
            case '=':
                ForNum(varName, line);
                break;
            case ',':
            case Tk.In:
                ForList(varName);
                break;
            default:
                throw Lex.SyntaxError("'=' or 'in' expected");
        }
        CheckMatch(Tk.End, Tk.For, line);
        LeaveBlock(fs);
    }

    private void TestThenBlock(ref int escapeList)
    {
        FuncState fs = _fs;
        var bl = new BlockCnt();
        var v = default(ExpDesc);
        int jf;
        Next();
        Expr(ref v);
        CheckNext(Tk.Then);
        if (Token == Tk.Break)
        {
            int line = Lex.Line;
            fs.GoIfFalse(ref v);
            Next();
            EnterBlock(fs, bl, false);
            NewGotoEntry("break", line, v.T);
            while (TestNext(';'))
            {
            }
            if (BlockFollow(Token, false))
            {
                LeaveBlock(fs);
                return;
            }
            jf = fs.Jump();
        }
        else
        {
            fs.GoIfTrue(ref v);
            EnterBlock(fs, bl, false);
            jf = v.F;
        }
        StatList();
        LeaveBlock(fs);
        if (Token is Tk.Else or Tk.Elseif)
        {
            fs.Concat(ref escapeList, fs.Jump());
        }
        fs.PatchToHere(jf);
    }

    private void IfStat(int line)
    {
        int escapeList = FuncState.NoJump;
        TestThenBlock(ref escapeList);
        while (Token == Tk.Elseif)
        {
            TestThenBlock(ref escapeList);
        }
        if (TestNext(Tk.Else))
        {
            Block();
        }
        CheckMatch(Tk.End, Tk.If, line);
        _fs.PatchToHere(escapeList);
    }

    private void LocalFunc()
    {
        FuncState fs = _fs;
        var b = default(ExpDesc);
        int fvar = fs.NActVar;
        NewLocalVar(StrCheckName());
        AdjustLocalVars(1);
        Body(ref b, false, Lex.Line);
        VarDesc vd = LocalVarDesc(fs, fvar);
        fs.LocVars[vd.Pidx] = fs.LocVars[vd.Pidx] with { StartPc = fs.Pc };
    }

    private byte GetLocalAttribute()
    {
        if (TestNext('<'))
        {
            string attr = StrCheckName();
            CheckNext('>');
            if (attr == "const")
            {
                return VarDesc.Const;
            }
            if (attr == "close")
            {
                return VarDesc.ToClose;
            }
            throw SemError($"unknown attribute '{attr}'");
        }
        return VarDesc.Regular;
    }

    private void LocalStat()
    {
        FuncState fs = _fs;
        int toClose = -1;
        int vidx;
        int nvars = 0;
        int nexps;
        var e = default(ExpDesc);
        do
        {
            vidx = NewLocalVar(StrCheckName());
            byte kind = GetLocalAttribute();
            LocalVarDesc(fs, vidx).Kind = kind;
            if (kind == VarDesc.ToClose)
            {
                if (toClose != -1)
                {
                    throw SemError("multiple to-be-closed variables in local list");
                }
                toClose = fs.NActVar + nvars;
            }
            nvars++;
        }
        while (TestNext(','));
        if (TestNext('='))
        {
            nexps = ExpList(ref e);
        }
        else
        {
            e = new ExpDesc(ExpKind.Void, 0);
            nexps = 0;
        }
        VarDesc var = LocalVarDesc(fs, vidx);
        if (nvars == nexps && var.Kind == VarDesc.Const && fs.Exp2Const(e, out ExpDesc k))
        {
            var.Kind = VarDesc.CompileTimeConst;
            var.ConstVal = k;
            AdjustLocalVars(nvars - 1);
            fs.NActVar++;
        }
        else
        {
            AdjustAssign(nvars, nexps, ref e);
            AdjustLocalVars(nvars);
        }
        if (toClose != -1)
        {
            MarkToBeClosed(fs);
            fs.EmitABC(OpCode.Tbc, RegLevel(fs, toClose), 0, 0);
        }
    }

    private bool FuncName(ref ExpDesc v)
    {
        bool isMethod = false;
        SingleVar(ref v);
        while (Token == '.')
        {
            FieldSel(ref v);
        }
        if (Token == ':')
        {
            isMethod = true;
            FieldSel(ref v);
        }
        return isMethod;
    }

    private void FuncStat(int line)
    {
        var v = default(ExpDesc);
        var b = default(ExpDesc);
        Next();
        bool isMethod = FuncName(ref v);
        Body(ref b, isMethod, line);
        CheckReadonly(v);
        _fs.StoreVar(ref v, ref b);
        _fs.FixLine(line);
    }

    private void CheckReadonly(in ExpDesc e)
    {
        FuncState fs = _fs;
        string? varName = null;
        switch (e.Kind)
        {
            case ExpKind.Const:
                varName = _actVar[e.Info].Name;
                break;
            case ExpKind.Local:
                {
                    VarDesc vd = LocalVarDesc(fs, e.Vidx);
                    if (vd.Kind != VarDesc.Regular)
                    {
                        varName = vd.Name;
                    }
                    break;
                }
            case ExpKind.Upval:
                {
                    UpvalueDesc up = fs.Upvalues[e.Info];
                    if (up.Kind != VarDesc.Regular)
                    {
                        varName = up.Name;
                    }
                    break;
                }
        }
        if (varName != null)
        {
            throw SemError($"attempt to assign to const variable '{varName}'");
        }
    }

    private static bool IsVar(ExpKind k) => k >= ExpKind.Local && k <= ExpKind.IndexStr;

    private static bool IsIndexed(ExpKind k) => k >= ExpKind.Indexed && k <= ExpKind.IndexStr;

    /// <summary>One target of a multiple assignment; linked to the previous one.</summary>
    private sealed class LhsAssign
    {
        public LhsAssign? Prev;
        public ExpDesc V;
    }

    private void CheckConflict(LhsAssign? lh, in ExpDesc v)
    {
        FuncState fs = _fs;
        int extra = fs.FreeReg;
        bool conflict = false;
        for (; lh != null; lh = lh.Prev)
        {
            if (IsIndexed(lh.V.Kind))
            {
                if (lh.V.Kind == ExpKind.IndexUp)
                {
                    if (v.Kind == ExpKind.Upval && lh.V.IndT == v.Info)
                    {
                        conflict = true;
                        lh.V.Kind = ExpKind.IndexStr;
                        lh.V.IndT = extra;
                    }
                }
                else
                {
                    if (v.Kind == ExpKind.Local && lh.V.IndT == v.Ridx)
                    {
                        conflict = true;
                        lh.V.IndT = extra;
                    }
                    if (lh.V.Kind == ExpKind.Indexed && v.Kind == ExpKind.Local && lh.V.IndIdx == v.Ridx)
                    {
                        conflict = true;
                        lh.V.IndIdx = extra;
                    }
                }
            }
        }
        if (conflict)
        {
            if (v.Kind == ExpKind.Local)
            {
                fs.EmitABC(OpCode.Move, extra, v.Ridx, 0);
            }
            else
            {
                fs.EmitABC(OpCode.GetUpval, extra, v.Info, 0);
            }
            fs.ReserveRegs(1);
        }
    }

    private void RestAssign(LhsAssign lh, int nvars)
    {
        var e = default(ExpDesc);
        CheckCondition(IsVar(lh.V.Kind), "syntax error");
        CheckReadonly(lh.V);
        if (TestNext(','))
        {
            var nv = new LhsAssign { Prev = lh };
            SuffixedExp(ref nv.V);
            if (!IsIndexed(nv.V.Kind))
            {
                CheckConflict(lh, nv.V);
            }
            EnterLevel();
            RestAssign(nv, nvars + 1);
            LeaveLevel();
        }
        else
        {
            CheckNext('=');
            int nexps = ExpList(ref e);
            if (nexps != nvars)
            {
                AdjustAssign(nvars, nexps, ref e);
            }
            else
            {
                _fs.SetOneRet(ref e);
                _fs.StoreVar(ref lh.V, ref e);
                return;
            }
        }
        e = new ExpDesc(ExpKind.NonReloc, _fs.FreeReg - 1);
        _fs.StoreVar(ref lh.V, ref e);
    }

    private void ExprStat()
    {
        var v = new LhsAssign();
        SuffixedExp(ref v.V);
        if (Token == '=' || Token == ',')
        {
            RestAssign(v, 1);
        }
        else
        {
            CheckCondition(v.V.Kind == ExpKind.Call, "syntax error");
            _fs.Code[v.V.Info] = SetC(_fs.Code[v.V.Info], 1);
        }
    }

    private void RetStat()
    {
        FuncState fs = _fs;
        var e = default(ExpDesc);
        int nret;
        int first = NVarStack(fs);
        if (BlockFollow(Token, true) || Token == ';')
        {
            nret = 0;
        }
        else
        {
            nret = ExpList(ref e);
            if (e.Kind is ExpKind.Call or ExpKind.VarArg)
            {
                fs.SetMultRet(ref e);
                if (e.Kind == ExpKind.Call && nret == 1 && !fs.Bl!.InsideTbc)
                {
                    fs.Code[e.Info] = (fs.Code[e.Info] & ~0x7Fu) | (uint)OpCode.TailCall;
                }
                nret = FuncState.MultRet;
            }
            else if (nret == 1)
            {
                first = fs.Exp2AnyReg(ref e);
            }
            else
            {
                fs.Exp2NextReg(ref e);
            }
        }
        fs.Ret(first, nret);
        TestNext(';');
    }

    // ---------------------------------------------------------------- expressions

    private void FieldSel(ref ExpDesc v)
    {
        _fs.Exp2AnyRegUp(ref v);
        Next();
        ExpDesc key = CodeName();
        _fs.Indexed(ref v, ref key);
    }

    private void YIndex(ref ExpDesc v)
    {
        Next();
        Expr(ref v);
        _fs.Exp2Val(ref v);
        CheckNext(']');
    }

    private sealed class ConsControl
    {
        public ExpDesc V;
        public int TableReg;
        public int Nh;
        public int Na;
        public int ToStore;
    }

    private void RecField(ConsControl cc)
    {
        FuncState fs = _fs;
        int reg = fs.FreeReg;
        var key = default(ExpDesc);
        var val = default(ExpDesc);
        if (Token == Tk.Name)
        {
            key = CodeName();
        }
        else
        {
            YIndex(ref key);
        }
        cc.Nh++;
        CheckNext('=');
        var tab = new ExpDesc(ExpKind.NonReloc, cc.TableReg);
        fs.Indexed(ref tab, ref key);
        Expr(ref val);
        fs.StoreVar(ref tab, ref val);
        fs.FreeReg = reg;
    }

    private void CloseListField(ConsControl cc)
    {
        if (cc.V.Kind == ExpKind.Void)
        {
            return;
        }
        _fs.Exp2NextReg(ref cc.V);
        cc.V.Kind = ExpKind.Void;
        if (cc.ToStore == FieldsPerFlush)
        {
            _fs.SetList(cc.TableReg, cc.Na, cc.ToStore);
            cc.Na += cc.ToStore;
            cc.ToStore = 0;
        }
    }

    private void LastListField(ConsControl cc)
    {
        if (cc.ToStore == 0)
        {
            return;
        }
        if (cc.V.Kind is ExpKind.Call or ExpKind.VarArg)
        {
            _fs.SetMultRet(ref cc.V);
            _fs.SetList(cc.TableReg, cc.Na, FuncState.MultRet);
            cc.Na--;
        }
        else
        {
            if (cc.V.Kind != ExpKind.Void)
            {
                _fs.Exp2NextReg(ref cc.V);
            }
            _fs.SetList(cc.TableReg, cc.Na, cc.ToStore);
        }
        cc.Na += cc.ToStore;
    }

    private void ListField(ConsControl cc)
    {
        Expr(ref cc.V);
        cc.ToStore++;
    }

    private void Field(ConsControl cc)
    {
        switch (Token)
        {
            case Tk.Name:
                if (Lex.LookAhead() != '=')
                {
                    ListField(cc);
                }
                else
                {
                    RecField(cc);
                }
                break;
            case '[':
                RecField(cc);
                break;
            default:
                ListField(cc);
                break;
        }
    }

    private void Constructor(ref ExpDesc t)
    {
        FuncState fs = _fs;
        int line = Lex.Line;
        int pc = fs.EmitABC(OpCode.NewTable, 0, 0, 0);
        fs.Emit(0); // room for the extra argument
        var cc = new ConsControl { TableReg = fs.FreeReg };
        cc.V = new ExpDesc(ExpKind.Void, 0);
        t = new ExpDesc(ExpKind.NonReloc, fs.FreeReg);
        fs.ReserveRegs(1);
        CheckNext('{');
        do
        {
            if (Token == '}')
            {
                break;
            }
            CloseListField(cc);
            Field(cc);
        }
        while (TestNext(',') || TestNext(';'));
        CheckMatch('}', '{', line);
        LastListField(cc);
        fs.SetTableSize(pc, t.Info, cc.Na, cc.Nh);
    }

    private void FuncArgs(ref ExpDesc f, int line)
    {
        FuncState fs = _fs;
        var args = default(ExpDesc);
        switch (Token)
        {
            case '(':
                Next();
                if (Token == ')')
                {
                    args = new ExpDesc(ExpKind.Void, 0);
                }
                else
                {
                    ExpList(ref args);
                    if (args.Kind is ExpKind.Call or ExpKind.VarArg)
                    {
                        fs.SetMultRet(ref args);
                    }
                }
                CheckMatch(')', '(', line);
                break;
            case '{':
                Constructor(ref args);
                break;
            case Tk.String:
                args = ExpDesc.Str(Lex.SValue!);
                Next();
                break;
            default:
                throw Lex.SyntaxError("function arguments expected");
        }
        int baseReg = f.Info;
        int nparams;
        if (args.Kind is ExpKind.Call or ExpKind.VarArg)
        {
            nparams = FuncState.MultRet;
        }
        else
        {
            if (args.Kind != ExpKind.Void)
            {
                fs.Exp2NextReg(ref args);
            }
            nparams = fs.FreeReg - (baseReg + 1);
        }
        f = new ExpDesc(ExpKind.Call, fs.EmitABC(OpCode.Call, baseReg, nparams + 1, 2));
        fs.FixLine(line);
        fs.FreeReg = baseReg + 1;
    }

    private void PrimaryExp(ref ExpDesc v)
    {
        switch (Token)
        {
            case '(':
                {
                    int line = Lex.Line;
                    Next();
                    Expr(ref v);
                    CheckMatch(')', '(', line);
                    _fs.DischargeVars(ref v);
                    return;
                }
            case Tk.Name:
                SingleVar(ref v);
                return;
            default:
                throw Lex.SyntaxError("unexpected symbol");
        }
    }

    private void SuffixedExp(ref ExpDesc v)
    {
        FuncState fs = _fs;
        int line = Lex.Line;
        PrimaryExp(ref v);
        while (true)
        {
            switch (Token)
            {
                case '.':
                    FieldSel(ref v);
                    break;
                case '[':
                    {
                        var key = default(ExpDesc);
                        fs.Exp2AnyRegUp(ref v);
                        YIndex(ref key);
                        fs.Indexed(ref v, ref key);
                        break;
                    }
                case ':':
                    {
                        Next();
                        ExpDesc key = CodeName();
                        fs.Self(ref v, ref key);
                        FuncArgs(ref v, line);
                        break;
                    }
                case '(':
                case Tk.String:
                case '{':
                    fs.Exp2NextReg(ref v);
                    FuncArgs(ref v, line);
                    break;
                default:
                    return;
            }
        }
    }

    private void SimpleExp(ref ExpDesc v)
    {
        switch (Token)
        {
            case Tk.Flt:
                v = ExpDesc.Float(Lex.FValue);
                break;
            case Tk.Int:
                v = ExpDesc.Int(Lex.IValue);
                break;
            case Tk.String:
                v = ExpDesc.Str(Lex.SValue!);
                break;
            case Tk.Nil:
                v = new ExpDesc(ExpKind.Nil, 0);
                break;
            case Tk.True:
                v = new ExpDesc(ExpKind.True, 0);
                break;
            case Tk.False:
                v = new ExpDesc(ExpKind.False, 0);
                break;
            case Tk.Dots:
                CheckCondition(_fs.IsVararg, "cannot use '...' outside a vararg function");
                v = new ExpDesc(ExpKind.VarArg, _fs.EmitABC(OpCode.VarArg, 0, 0, 1));
                break;
            case '{':
                Constructor(ref v);
                return;
            case Tk.Function:
                Next();
                Body(ref v, false, Lex.Line);
                return;
            default:
                SuffixedExp(ref v);
                return;
        }
        Next();
    }

    private static UnOpr GetUnOpr(int op) => op switch
    {
        Tk.Not => UnOpr.Not,
        '-' => UnOpr.Minus,
        '~' => UnOpr.BNot,
        '#' => UnOpr.Len,
        _ => UnOpr.NoUnOpr,
    };

    private static BinOpr GetBinOpr(int op) => op switch
    {
        '+' => BinOpr.Add,
        '-' => BinOpr.Sub,
        '*' => BinOpr.Mul,
        '%' => BinOpr.Mod,
        '^' => BinOpr.Pow,
        '/' => BinOpr.Div,
        Tk.IDiv => BinOpr.IDiv,
        '&' => BinOpr.BAnd,
        '|' => BinOpr.BOr,
        '~' => BinOpr.BXor,
        Tk.Shl => BinOpr.Shl,
        Tk.Shr => BinOpr.Shr,
        Tk.Concat => BinOpr.Concat,
        Tk.Ne => BinOpr.Ne,
        Tk.Eq => BinOpr.Eq,
        '<' => BinOpr.Lt,
        Tk.Le => BinOpr.Le,
        '>' => BinOpr.Gt,
        Tk.Ge => BinOpr.Ge,
        Tk.And => BinOpr.And,
        Tk.Or => BinOpr.Or,
        _ => BinOpr.NoBinOpr,
    };

    // left and right priority of each binary operator, in BinOpr order
    private static ReadOnlySpan<byte> LeftPriority => [10, 10, 11, 11, 14, 11, 11, 6, 4, 5, 7, 7, 9, 3, 3, 3, 3, 3, 3, 2, 1];

    private static ReadOnlySpan<byte> RightPriority => [10, 10, 11, 11, 13, 11, 11, 6, 4, 5, 7, 7, 8, 3, 3, 3, 3, 3, 3, 2, 1];

    private BinOpr SubExpr(ref ExpDesc v, int limit)
    {
        EnterLevel();
        UnOpr uop = GetUnOpr(Token);
        if (uop != UnOpr.NoUnOpr)
        {
            int line = Lex.Line;
            Next();
            SubExpr(ref v, UnaryPriority);
            _fs.Prefix(uop, ref v, line);
        }
        else
        {
            SimpleExp(ref v);
        }
        BinOpr op = GetBinOpr(Token);
        while (op != BinOpr.NoBinOpr && LeftPriority[(int)op] > limit)
        {
            var v2 = default(ExpDesc);
            int line = Lex.Line;
            Next();
            _fs.Infix(op, ref v);
            BinOpr nextOp = SubExpr(ref v2, RightPriority[(int)op]);
            _fs.Posfix(op, ref v, ref v2, line);
            op = nextOp;
        }
        LeaveLevel();
        return op;
    }

    private void Expr(ref ExpDesc v) => SubExpr(ref v, 0);

    private int ExpList(ref ExpDesc v)
    {
        int n = 1;
        Expr(ref v);
        while (TestNext(','))
        {
            _fs.Exp2NextReg(ref v);
            Expr(ref v);
            n++;
        }
        return n;
    }
}
