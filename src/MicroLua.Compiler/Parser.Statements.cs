using MicroLua.Bytecode;
using MicroLua.Vm;
using static MicroLua.Vm.Instruction;

using MicroLua.Core;

namespace MicroLua.Compiler;

/// <summary>Statements: blocks, control structures, declarations and assignments (Lua's lparser.c statement half).</summary>
internal sealed partial class Parser
{
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
            throw Lex.SyntaxError(LuaErrors.ControlStructureTooLong);
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
}
