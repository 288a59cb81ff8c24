using MicroLua.Vm;

namespace MicroLua.Compiler;

/// <summary>Expressions: operators by priority, primary and suffixed expressions, calls and table constructors.</summary>
internal sealed partial class Parser
{
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

    private void FuncArgs(ref ExpDesc f)
    {
        FuncState fs = _fs;
        int line = Lex.Line; // as in Lua 5.4.8, a call belongs to the line of its arguments' first token
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
                        FuncArgs(ref v);
                        break;
                    }
                case '(':
                case Tk.String:
                case '{':
                    fs.Exp2NextReg(ref v);
                    FuncArgs(ref v);
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
