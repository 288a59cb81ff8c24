using System.Text;
using MicroLua.Core;
using MicroLua.Values;
using static MicroLua.Vm.Instruction;

namespace MicroLua.Vm;

/// <summary>
/// Error values and the names in error messages. Names come from the bytecode, as Lua finds
/// them: a register that is an active local is "local 'x'"; otherwise the instruction that
/// last set it says what it held (a global, a field, an upvalue, a constant, a method).
/// </summary>
internal sealed unsafe partial class Interpreter
{
    /// <summary>
    /// The Lua value of a caught error. A message without a position gets "chunk:line:" of
    /// the running Lua function, or, when a host function raised it, of the Lua function that
    /// called it (as luaL_error does).
    /// </summary>
    public Value ErrorValue(Coroutine co, LuaError e, bool noPosition = false)
    {
        if (e.HasValue)
        {
            return e.Value;
        }

        if (e.IsMemoryError)
        {
            return G.MemoryErrorString;
        }

        string msg = e.Message;
        if (!e.HasPosition && !noPosition)
        {
            // A VM error names the running Lua function; a library error names its caller.
            msg = Where(co, co.FrameCount - 1, hostLevel: !e.IsRuntime) + msg;
        }

        return G.NewString(msg);
    }

    /// <summary>"chunk:line: " of frame <paramref name="fi"/> (or its caller when it is a host frame and <paramref name="hostLevel"/>), or "".</summary>
    public string Where(Coroutine co, int fi, bool hostLevel)
    {
        Span<byte> where = stackalloc byte[WhereSize];
        return Encoding.Latin1.GetString(where[..WhereTo(co, fi, hostLevel, where)]);
    }

    /// <summary>The room "chunk:line: " takes: a chunk id, ':', a line number's 11 characters at most, ": ".</summary>
    public const int WhereSize = ChunkId.IdSize + 16;

    /// <summary>Writes <see cref="Where"/>'s text to <paramref name="dest"/> (<see cref="WhereSize"/> bytes) and returns its length, 0 for none.</summary>
    public int WhereTo(Coroutine co, int fi, bool hostLevel, Span<byte> dest)
    {
        if (fi < 0 || (co.Frames[fi].Flags & FrameFlags.Unwound) != 0)
        {
            return 0; // no frame, or a failed function whose pcall (a host level) is running
        }

        if (!co.Frames[fi].IsLua)
        {
            if (!hostLevel || fi == 0 || !co.Frames[fi - 1].IsLua || (co.Frames[fi].Flags & FrameFlags.Protected) != 0)
            {
                return 0; // called by the host, or by pcall: no Lua position
            }

            fi--;
        }

        ProtoObj* p = Proto(ProtoOfClosure(co.Frames[fi].Closure));
        int line = CurrentLine(p, co.Frames[fi].Pc - 1);
        if (line < 0 && hostLevel)
        {
            return 0; // stripped: luaL_where gives no position, a VM error says line -1
        }

        int n = ChunkId.FormatTo(G.StringSpan(Value.Object(Tag.ShortString, p->Source)), dest);
        dest[n++] = (byte)':';
        System.Buffers.Text.Utf8Formatter.TryFormat(line, dest[n..], out int digits);
        n += digits;
        dest[n++] = (byte)':';
        dest[n++] = (byte)' ';
        return n;
    }

    /// <summary>Source line of instruction <paramref name="pc"/>, or -1 without line information.</summary>
    public int CurrentLine(ProtoObj* p, int pc)
    {
        if ((p->LineInfo == 0 && p->InPlaceLineInfo == 0) || pc < 0 || pc >= p->SizeCode)
        {
            return -1;
        }

        int* lines = p->InPlaceLineInfo != 0 ? (int*)p->InPlaceLineInfo : (int*)(_hb + ((nuint)p->LineInfo << 3) + 8);
        return lines[pc];
    }

    /// <summary>"attempt to call a nil value (global 'f')".</summary>
    private LuaError CallError(Coroutine co, int func)
    {
        Value f = StackOf(co)[func];
        string info = "";
        int fi = co.FrameCount - 1;
        if (fi >= 0 && co.Frames[fi].IsLua)
        {
            ref CallFrame fr = ref co.Frames[fi];
            ProtoObj* p = Proto(ProtoOfClosure(fr.Closure));
            uint inst = Code(p)[fr.Pc - 1];
            if (Op(inst) is OpCode.Call or OpCode.TailCall && func - fr.Base == A(inst))
            {
                info = NameInfo(p, fr.Pc - 1, A(inst));
            }
            else if (Op(inst) == OpCode.TForCall)
            {
                info = " (for iterator 'for iterator')";
            }
            else if (MetamethodOf(inst) is string mm)
            {
                info = $" (metamethod '{mm}')"; // a metamethod that is not callable
            }
        }

        return LuaError.Runtime($"attempt to call a {TypeName(f)} value{info}");
    }

    private LuaError TypeErrorForIndex(Coroutine co, in Value t, in Value key)
    {
        string info = "";
        int fi = co.FrameCount - 1;
        if (fi >= 0 && co.Frames[fi].IsLua)
        {
            ref CallFrame fr = ref co.Frames[fi];
            ProtoObj* p = Proto(ProtoOfClosure(fr.Closure));
            uint inst = Code(p)[fr.Pc - 1];
            switch (Op(inst))
            {
                case OpCode.GetTabUp:
                    info = UpvalueInfo(p, B(inst));
                    break;
                case OpCode.SetTabUp:
                    info = UpvalueInfo(p, A(inst));
                    break;
                case OpCode.GetTable:
                case OpCode.GetI:
                case OpCode.GetField:
                case OpCode.Self:
                    info = NameInfo(p, fr.Pc - 1, B(inst));
                    break;
                case OpCode.SetTable:
                case OpCode.SetI:
                case OpCode.SetField:
                    info = NameInfo(p, fr.Pc - 1, A(inst));
                    break;
            }

            if (info.Length == 0 && key.IsString && Op(inst) is OpCode.GetField or OpCode.SetField or OpCode.Self)
            {
                info = "";
            }
        }

        return LuaError.Runtime($"attempt to index a {TypeName(t)} value{info}");
    }

    private string UpvalueInfo(ProtoObj* p, int index)
    {
        string? name = UpvalueName(p, index);
        return name == null ? "" : $" (upvalue '{name}')";
    }

    /// <summary>Variable information for an operand of the current instruction (0 = first, 1 = second, -1 = the concat operand).</summary>
    private string VarInfo(Coroutine co, in Value bad, int operand)
    {
        int fi = co.FrameCount - 1;
        if (fi < 0 || !co.Frames[fi].IsLua)
        {
            return "";
        }

        ref CallFrame fr = ref co.Frames[fi];
        ProtoObj* p = Proto(ProtoOfClosure(fr.Closure));
        uint* code = Code(p);
        uint inst = code[fr.Pc - 1];
        switch (Op(inst))
        {
            case OpCode.MmBin:
                return NameInfo(p, fr.Pc - 1, operand == 0 ? A(inst) : B(inst));
            case OpCode.MmBinI:
            case OpCode.MmBinK:
            {
                // The register operand is R[A]; which side it is on depends on the k (swap) bit.
                bool regIsFirst = !K(inst);
                if ((operand == 0) == regIsFirst)
                {
                    return NameInfo(p, fr.Pc - 1, A(inst));
                }

                if (Op(inst) == OpCode.MmBinK)
                {
                    Value kv = Constants(p)[B(inst)];
                    if (kv.IsString)
                    {
                        return $" (constant '{G.ToDotNetString(kv)}')";
                    }
                }

                return "";
            }

            case OpCode.Unm:
            case OpCode.BNot:
            case OpCode.Len:
                return NameInfo(p, fr.Pc - 1, B(inst));
            default:
                return "";
        }
    }

    private string VarInfoForRegister(Coroutine co, int reg)
    {
        int fi = co.FrameCount - 1;
        if (fi < 0 || !co.Frames[fi].IsLua)
        {
            return "";
        }

        ref CallFrame fr = ref co.Frames[fi];
        return NameInfo(Proto(ProtoOfClosure(fr.Closure)), fr.Pc - 1, reg);
    }

    /// <summary>" (kind 'name')" for register <paramref name="reg"/> at instruction <paramref name="pc"/>, or "".</summary>
    private string NameInfo(ProtoObj* p, int pc, int reg)
    {
        string? kind = GetObjName(p, pc, reg, out string? name);
        return kind == null ? "" : $" ({kind} '{name}')";
    }

    /// <summary>
    /// What register <paramref name="reg"/> holds at <paramref name="lastPc"/>: ("local", name),
    /// ("global", name), ... or null. Iterative, as every helper it calls: a register copied by
    /// MOVE is followed in a loop (each step to a lower register), and the table and key of an
    /// indexing are classified without naming what they hold in turn, so a chain such as
    /// a.b.b.b... of any length costs one scan of the code per step, never a recursion.
    /// </summary>
    public string? GetObjName(ProtoObj* p, int lastPc, int reg, out string? name)
    {
        while (true)
        {
            name = LocalNameAt(p, reg + 1, lastPc);
            if (name != null)
            {
                return "local";
            }

            int pc = FindSetReg(p, lastPc, reg);
            if (pc < 0)
            {
                return null;
            }

            uint* code = Code(p);
            uint i = code[pc];
            switch (Op(i))
            {
                case OpCode.Move:
                    if (B(i) < A(i))
                    {
                        lastPc = pc;
                        reg = B(i);
                        continue;
                    }

                    return null;
                case OpCode.GetTabUp:
                    name = ConstantString(p, C(i));
                    return UpvalueName(p, B(i)) == "_ENV" ? "global" : "field";
                case OpCode.GetTable:
                    name = ConstantKeyName(p, pc, C(i)) ?? "?";
                    return IsEnv(p, pc, B(i)) ? "global" : "field";
                case OpCode.GetI:
                    name = "integer index";
                    return "field";
                case OpCode.GetField:
                    name = ConstantString(p, C(i));
                    return IsEnv(p, pc, B(i)) ? "global" : "field";
                case OpCode.GetUpval:
                    name = UpvalueName(p, B(i)) ?? "?";
                    return "upvalue";
                case OpCode.LoadK:
                case OpCode.LoadKX:
                    name = StringConstantLoaded(p, pc);
                    return name != null ? "constant" : null;
                case OpCode.Self:
                    // more than 255 constants: the key was loaded into a register first
                    name = K(i) ? ConstantString(p, C(i)) : ConstantKeyName(p, pc, C(i)) ?? "?";
                    return "method";
                default:
                    return null;
            }
        }
    }

    /// <summary>The string of the constant a LOADK/LOADKX at <paramref name="pc"/> loads, or null when it is no string.</summary>
    private string? StringConstantLoaded(ProtoObj* p, int pc)
    {
        uint* code = Code(p);
        uint i = code[pc];
        int kidx = Op(i) == OpCode.LoadK ? Bx(i) : Ax(code[pc + 1]);
        Value kv = Constants(p)[kidx];
        return kv.IsString ? G.ToDotNetString(kv) : null;
    }

    /// <summary>
    /// The register at <paramref name="pc"/> followed through the MOVEs that copied it (each to a
    /// higher register, so at most 255 steps): the pc of the instruction that set its value
    /// otherwise, with the register; false when it is a local (named <paramref name="local"/>) or unknown.
    /// </summary>
    private bool SourceOf(ProtoObj* p, ref int pc, ref int reg, out string? local)
    {
        while (true)
        {
            local = LocalNameAt(p, reg + 1, pc);
            if (local != null)
            {
                return false;
            }

            int set = FindSetReg(p, pc, reg);
            if (set < 0)
            {
                return false;
            }

            uint i = Code(p)[set];
            pc = set;
            if (Op(i) == OpCode.Move && B(i) < A(i))
            {
                reg = B(i);
                continue;
            }

            return true;
        }
    }

    /// <summary>The key name of an indexing whose key is in register <paramref name="reg"/>: the string constant it holds, or null (Lua's rname).</summary>
    private string? ConstantKeyName(ProtoObj* p, int pc, int reg)
    {
        if (!SourceOf(p, ref pc, ref reg, out _))
        {
            return null;
        }

        OpCode op = Op(Code(p)[pc]);
        return op is OpCode.LoadK or OpCode.LoadKX ? StringConstantLoaded(p, pc) : null;
    }

    /// <summary>
    /// Whether the table register of an indexing holds _ENV: only a variable (local or upvalue)
    /// named _ENV makes a global; a.b._ENV.x or ('_ENV').x index fields (as Lua 5.4.8).
    /// </summary>
    private bool IsEnv(ProtoObj* p, int pc, int reg)
    {
        if (!SourceOf(p, ref pc, ref reg, out string? local))
        {
            return local == "_ENV";
        }

        uint i = Code(p)[pc];
        return Op(i) == OpCode.GetUpval && UpvalueName(p, B(i)) == "_ENV";
    }

    private string ConstantString(ProtoObj* p, int k)
    {
        Value kv = Constants(p)[k];
        return kv.IsString ? G.ToDotNetString(kv) : "?";
    }

    public string? UpvalueName(ProtoObj* p, int index)
    {
        if (p->UpvalNames == 0 || index >= p->SizeUpvals)
        {
            return null;
        }

        uint s = ((uint*)(_hb + ((nuint)p->UpvalNames << 3) + 8))[index];
        return s == 0 ? null : G.ToDotNetString(Value.Object(Tag.ShortString, s));
    }

    /// <summary>Name of the <paramref name="n"/>-th local (1-based) active at <paramref name="pc"/>, or null.</summary>
    public string? LocalNameAt(ProtoObj* p, int n, int pc)
    {
        if (p->LocVars == 0)
        {
            return null;
        }

        byte* lv = _hb + ((nuint)p->LocVars << 3) + 8;
        for (int i = 0; i < p->SizeLocVars; i++)
        {
            byte* rec = lv + (i * ProtoObj.LocVarSize);
            int start = *(int*)(rec + 4);
            int end = *(int*)(rec + 8);
            if (start > pc)
            {
                break;
            }

            if (pc < end)
            {
                n--;
                if (n == 0)
                {
                    return G.ToDotNetString(Value.Object(Tag.ShortString, *(uint*)rec));
                }
            }
        }

        return null;
    }

    /// <summary>Name of the local in register <paramref name="reg"/> of frame <paramref name="fi"/>.</summary>
    private string? LocalName(Coroutine co, int fi, int reg)
    {
        ref CallFrame fr = ref co.Frames[fi];
        if (!fr.IsLua)
        {
            return null;
        }

        return LocalNameAt(Proto(ProtoOfClosure(fr.Closure)), reg + 1, fr.Pc - 1);
    }

    /// <summary>The last instruction before <paramref name="lastPc"/> that set <paramref name="reg"/>, or -1 when unknown (a jump may skip it).</summary>
    private int FindSetReg(ProtoObj* p, int lastPc, int reg)
    {
        uint* code = Code(p);
        if (Op(code[lastPc]) is OpCode.MmBin or OpCode.MmBinI or OpCode.MmBinK)
        {
            lastPc--; // the error is about the arithmetic instruction before it
        }

        int setReg = -1;
        int jumpTarget = 0;
        for (int pc = 0; pc < lastPc; pc++)
        {
            uint i = code[pc];
            int a = A(i);
            bool change;
            switch (Op(i))
            {
                case OpCode.LoadNil:
                    change = a <= reg && reg <= a + B(i);
                    break;
                case OpCode.TForCall:
                    change = reg >= a + 2;
                    break;
                case OpCode.Call:
                case OpCode.TailCall:
                    change = reg >= a;
                    break;
                case OpCode.Jmp:
                {
                    int dest = pc + 1 + SJ(i);
                    if (dest <= lastPc && dest > jumpTarget)
                    {
                        jumpTarget = dest;
                    }

                    change = false;
                    break;
                }

                default:
                    change = SetsA(Op(i)) && reg == a;
                    break;
            }

            if (change)
            {
                setReg = pc < jumpTarget ? -1 : pc;
            }
        }

        return setReg;
    }

    private static bool SetsA(OpCode op) => op switch
    {
        OpCode.SetTabUp or OpCode.SetTable or OpCode.SetI or OpCode.SetField or OpCode.SetUpval
            or OpCode.MmBin or OpCode.MmBinI or OpCode.MmBinK or OpCode.Close or OpCode.Tbc or OpCode.Jmp
            or OpCode.Eq or OpCode.Lt or OpCode.Le or OpCode.EqK or OpCode.EqI or OpCode.LtI or OpCode.LeI
            or OpCode.GtI or OpCode.GeI or OpCode.Test or OpCode.Return or OpCode.Return0 or OpCode.Return1
            or OpCode.TForPrep or OpCode.TForCall or OpCode.SetList or OpCode.ExtraArg => false,
        _ => true,
    };

    /// <summary>How the function of frame <paramref name="fi"/> was called: ("global", "f"), ("method", "m"), ... or null.</summary>
    public string? FunctionName(Coroutine co, int fi, out string? name)
    {
        name = null;
        if (fi <= 0)
        {
            return null;
        }

        ref CallFrame fr = ref co.Frames[fi];
        if ((fr.Flags & FrameFlags.Hook) != 0)
        {
            name = "?";
            return "hook";
        }

        if ((fr.Flags & FrameFlags.Finalizer) != 0)
        {
            name = "__gc";
            return "metamethod";
        }

        if ((fr.Flags & (FrameFlags.Tail | FrameFlags.Protected)) != 0)
        {
            return null; // a tail call leaves no caller; pcall's callee was called by pcall
        }

        ref CallFrame caller = ref co.Frames[fi - 1];
        if (!caller.IsLua || (caller.Flags & FrameFlags.Unwound) != 0)
        {
            return null;
        }

        ProtoObj* p = Proto(ProtoOfClosure(caller.Closure));
        int pc = caller.Pc - 1;
        uint i = Code(p)[pc];
        if ((fr.Flags & FrameFlags.FinishOp) != 0)
        {
            name = MetamethodOf(i);
            return name == null ? null : "metamethod";
        }

        switch (Op(i))
        {
            case OpCode.Call:
            case OpCode.TailCall:
                return GetObjName(p, pc, A(i), out name);
            case OpCode.TForCall:
                name = "for iterator";
                return "for iterator";
            case OpCode.Close:
            case OpCode.Return:
                name = "close"; // only a __close runs while a frame is at these instructions
                return "metamethod";
            default:
                return null;
        }
    }

    /// <summary>The events of MMBIN's C operand, in Lua's TMS order, without "__".</summary>
    private static readonly string[] TmEvents =
    [
        "index", "newindex", "gc", "mode", "len", "eq", "add", "sub", "mul", "mod", "pow",
        "div", "idiv", "band", "bor", "bxor", "shl", "shr", "unm", "bnot", "lt", "le",
        "concat", "call", "close",
    ];

    private static string? MetamethodOf(uint i) => Op(i) switch
    {
        OpCode.MmBin or OpCode.MmBinI or OpCode.MmBinK => C(i) < TmEvents.Length ? TmEvents[C(i)] : null,
        _ => MetamethodOf(Op(i)),
    };

    private static string? MetamethodOf(OpCode op) => op switch
    {
        OpCode.Self or OpCode.GetTabUp or OpCode.GetTable or OpCode.GetI or OpCode.GetField => "index",
        OpCode.SetTabUp or OpCode.SetTable or OpCode.SetI or OpCode.SetField => "newindex",
        OpCode.Unm => "unm",
        OpCode.BNot => "bnot",
        OpCode.Len => "len",
        OpCode.Concat => "concat",
        OpCode.Eq => "eq",
        OpCode.Lt or OpCode.LtI or OpCode.GtI => "lt",
        OpCode.Le or OpCode.LeI or OpCode.GeI => "le",
        OpCode.Close or OpCode.Return => "close",
        _ => null,
    };

    /// <summary>
    /// A traceback of the coroutine's frames, in the format of luaL_traceback: the first 10
    /// levels, a "skipping" line, and the last 11 when there are more than 21. With
    /// <paramref name="hostBoundary"/>, a final "[C]: in ?" stands for the host that called in.
    /// </summary>
    public string Traceback(Coroutine co, string? message, int level, bool hostBoundary = true)
    {
        var sb = new StringBuilder();
        if (message != null)
        {
            sb.Append(message).Append('\n');
        }

        sb.Append("stack traceback:");
        List<int> levels = Levels(co);
        if (hostBoundary)
        {
            levels.Add(-1);
        }

        int total = Math.Max(0, levels.Count - level);
        for (int n = 0; n < total; n++)
        {
            if (n == 10 && total > 22)
            {
                // As luaL_traceback: 10 levels, the skip line (which stands for one level more than it says), the last 11.
                int skip = total - 21;
                sb.Append("\n\t...\t(skipping ").Append(skip - 1).Append(" levels)");
                n += skip - 1;
                continue;
            }

            int fi = levels[level + n];
            sb.Append("\n\t");
            if (fi == -1)
            {
                sb.Append("[C]: in ?");
            }
            else if (fi < -1)
            {
                sb.Append(fi == PCallLevel ? "[C]: in function 'pcall'" : "[C]: in function 'xpcall'");
            }
            else
            {
                AppendLevel(sb, co, fi);
            }
        }

        return sb.ToString();
    }

    private const int PCallLevel = -2;
    private const int XPCallLevel = -3;

    /// <summary>
    /// The call levels from the top down, as Lua counts them: frame indices, with pcall and
    /// xpcall (which run as protected frames, not frames of their own) as virtual host levels.
    /// </summary>
    private static List<int> Levels(Coroutine co) => Levels(co, int.MaxValue);

    /// <summary>The first <paramref name="count"/> levels from the top down (all when fewer): a lookup of level n walks n frames, not the whole stack.</summary>
    private static List<int> Levels(Coroutine co, int count)
    {
        var levels = new List<int>(Math.Min(Math.Min(co.FrameCount * 2, 1 << 20), count));
        var walk = new LevelWalk(co);
        while (levels.Count < count && walk.Next(co, out int entry))
        {
            levels.Add(entry);
        }

        return levels;
    }

    /// <summary>Level <paramref name="level"/> from the top down as <see cref="Levels(Coroutine, int)"/> lists it, or <see cref="NoLevel"/>; walks without a list.</summary>
    private static int LevelAt(Coroutine co, int level)
    {
        var walk = new LevelWalk(co);
        for (int n = 0; walk.Next(co, out int entry); n++)
        {
            if (n == level)
            {
                return entry;
            }
        }

        return NoLevel;
    }

    /// <summary>
    /// The walk down the levels: each frame not unwound is one, and a protected frame's pcall
    /// or xpcall is one more, just below it.
    /// </summary>
    private struct LevelWalk(Coroutine co)
    {
        private int _fi = co.FrameCount - 1;
        private int _pcall; // the virtual level of the frame just walked, 0 when none

        public bool Next(Coroutine co, out int entry)
        {
            while (_pcall != 0 || _fi >= 0)
            {
                if (_pcall != 0)
                {
                    entry = _pcall;
                    _pcall = 0;
                    return true;
                }

                FrameFlags f = co.Frames[_fi].Flags;
                entry = _fi--;
                if ((f & FrameFlags.Protected) != 0)
                {
                    _pcall = (f & FrameFlags.HasHandler) != 0 ? XPCallLevel : PCallLevel;
                }

                if ((f & FrameFlags.Unwound) == 0)
                {
                    return true;
                }
            }

            entry = NoLevel;
            return false;
        }
    }

    /// <summary>"chunk:line: " of the function <paramref name="level"/> levels up from the running one (0), as luaL_where.</summary>
    public string WhereLevel(Coroutine co, int level)
    {
        Span<byte> where = stackalloc byte[WhereSize];
        return Encoding.Latin1.GetString(where[..WhereLevelTo(co, level, where)]);
    }

    /// <summary>
    /// Writes "chunk:line: " of the function <paramref name="level"/> levels up (as
    /// <see cref="WhereLevel"/>) to <paramref name="dest"/> (<see cref="WhereSize"/> bytes) and
    /// returns its length, 0 for none.
    /// </summary>
    public int WhereLevelTo(Coroutine co, int level, Span<byte> dest)
    {
        ChargeWork(Math.Min(level, co.FrameCount)); // the levels walked
        int fi = LevelAt(co, level);
        if (fi < 0 || !co.Frames[fi].IsLua)
        {
            return 0;
        }

        if (CurrentLine(Proto(ProtoOfClosure(co.Frames[fi].Closure)), co.Frames[fi].Pc - 1) < 0)
        {
            return 0; // no line information (a stripped chunk): luaL_where gives no position
        }

        return WhereTo(co, fi, hostLevel: false, dest);
    }

    private void AppendLevel(StringBuilder sb, Coroutine co, int fi)
    {
        ref CallFrame fr = ref co.Frames[fi];
        if (fr.IsLua)
        {
            ProtoObj* p = Proto(ProtoOfClosure(fr.Closure));
            string src = ChunkId.Format(G.ToDotNetString(Value.Object(Tag.ShortString, p->Source)));
            int line = CurrentLine(p, fr.Pc - 1);
            sb.Append(src);
            if (line >= 0)
            {
                sb.Append(':').Append(line.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            sb.Append(": in ");
            AppendFunctionName(sb, co, fi);
        }
        else
        {
            sb.Append("[C]: in ");
            AppendFunctionName(sb, co, fi);
        }

        if ((co.Frames[fi].Flags & FrameFlags.Tail) != 0)
        {
            sb.Append("\n\t(...tail calls...)");
        }
    }

    /// <summary>What a traceback says a frame runs: "function 'f'", "main chunk", "function &lt;src:12&gt;", "function 'string.rep'" ...</summary>
    public void AppendFunctionName(StringBuilder sb, Coroutine co, int fi)
    {
        ref CallFrame fr = ref co.Frames[fi];
        if (fr.IsLua)
        {
            ProtoObj* p = Proto(ProtoOfClosure(fr.Closure));
            string? kind = FunctionName(co, fi, out string? name);
            if (kind == "for iterator")
            {
                sb.Append("for iterator 'for iterator'");
            }
            else if (kind != null)
            {
                sb.Append(kind == "global" ? "function" : kind).Append(" '").Append(name).Append('\'');
            }
            else if (p->LineDefined == 0)
            {
                sb.Append("main chunk");
            }
            else
            {
                string src = ChunkId.Format(G.ToDotNetString(Value.Object(Tag.ShortString, p->Source)));
                sb.Append("function <").Append(src).Append(':').Append(p->LineDefined).Append('>');
            }
        }
        else
        {
            string? kind = FunctionName(co, fi, out string? name);
            Value f = StackOf(co)[fr.Func];
            string? hostName = f.Tag == Tag.HostFunction ? G.Handles.Get<HostFunctionInfo>((int)f.I).Name : null;
            if (kind != null && (hostName == null || !hostName.Contains('.')))
            {
                sb.Append(kind == "global" ? "function" : kind).Append(" '").Append(name).Append('\'');
            }
            else
            {
                // A library function is known by its qualified name ("string.rep"), as Lua finds it in package.loaded.
                sb.Append(hostName != null ? $"function '{hostName}'" : "?");
            }
        }
    }
}
