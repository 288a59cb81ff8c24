using System.Runtime.CompilerServices;
using MicroLua.Core;
using MicroLua.Values;
using static MicroLua.Vm.Instruction;

namespace MicroLua.Vm;

/// <summary>The slow paths of the loop: metamethods, coercions, concatenation, closing variables.</summary>
internal sealed unsafe partial class Interpreter
{
    /// <summary>The metatable of any value (0 for none).</summary>
    public uint GetMetatable(in Value v) => v.Tag switch
    {
        Tag.Table => ((TableObj*)(_hb + ((nuint)v.R << 3)))->Metatable,
        Tag.Userdata => ((UserdataObj*)(_hb + ((nuint)v.R << 3)))->Metatable,
        _ => G.TypeMetatables[(int)v.Type],
    };

    /// <summary>The metamethod <paramref name="e"/> of a value (nil when absent).</summary>
    public Value GetMetamethod(in Value v, TM e)
    {
        uint mt = GetMetatable(v);
        if (mt == 0)
        {
            return default;
        }

        return GetTMFromTable(mt, e);
    }

    /// <summary>Field <paramref name="e"/> of metatable <paramref name="mt"/>, with the absence cache for the first events.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Value GetTMFromTable(uint mt, TM e)
    {
        var to = (TableObj*)(_hb + ((nuint)mt << 3));
        if ((int)e < 8 && (to->Flags & (1 << (int)e)) != 0)
        {
            return default;
        }

        Value* slot = LuaTable.FindShortString(G, mt, _tmNames[(int)e]);
        if (slot == null || slot->IsNil)
        {
            if ((int)e < 8)
            {
                to->Flags |= (byte)(1 << (int)e);
            }

            return default;
        }

        return *slot;
    }

    /// <summary>
    /// Calls metamethod <paramref name="tm"/> with two arguments for the running Lua frame's
    /// current instruction. A Lua metamethod runs as a FinishOp frame (the loop reloads and
    /// runs it); a host one runs now. Either way the instruction is finished by FinishOp.
    /// </summary>
    private bool CallTMForOp(Coroutine co, in Value tm, in Value a, in Value b) => CallTMForOp(co, tm, a, b, default, 2, 1);

    /// <summary>
    /// <see cref="CallTMForOp(Coroutine, in Value, in Value, in Value)"/> with two or three
    /// arguments (<paramref name="count"/>) and <paramref name="results"/> results (__newindex: three, none).
    /// </summary>
    private bool CallTMForOp(Coroutine co, in Value tm, in Value a, in Value b, in Value c, int count, int results)
    {
        Value f = tm, x = a, y = b, z = c; // copies: growing the stack may move what the arguments point at
        ref CallFrame fr = ref co.Frames[co.FrameCount - 1];
        int slot = fr.Top;
        EnsureStack(co, slot + 1 + count);
        Value* stack = StackOf(co);
        stack[slot] = f;
        stack[slot + 1] = x;
        stack[slot + 2] = y;
        if (count == 3)
        {
            stack[slot + 3] = z;
        }

        SetTop(co, slot + 1 + count);
        PreCall(co, slot, results, FrameFlags.FinishOp);
        return true;
    }

    /// <summary>Calls a metamethod from host-level code and returns its first result.</summary>
    public Value CallTM(Coroutine co, in Value tm, in Value a, in Value b)
    {
        Value f = tm, x = a, y = b;
        int slot = Math.Max(GetTop(co), co.FrameCount > 0 ? co.Frames[co.FrameCount - 1].Top : 0);
        EnsureStack(co, slot + 3);
        Value* stack = StackOf(co);
        stack[slot] = f;
        stack[slot + 1] = x;
        stack[slot + 2] = y;
        int oldTop = GetTop(co);
        SetTop(co, slot + 3);
        Call(co, slot, 1);
        Value r = StackOf(co)[slot];
        SetTop(co, oldTop);
        return r;
    }

    // ---- indexing ----

    /// <summary>
    /// Follows the <c>__index</c> chain of <paramref name="t"/> for <paramref name="key"/> (Lua's
    /// luaV_finishget): true with the value when a table on the way holds the key or has no
    /// <c>__index</c>; false with the function metamethod to call, <paramref name="t"/> left
    /// at the object it belongs to. <paramref name="fromLoop"/>: an instruction of the running
    /// frame is indexing, so the error names its variable.
    /// </summary>
    private bool ResolveIndex(Coroutine co, ref Value t, in Value key, bool fromLoop, out Value result)
    {
        for (int loop = 0; loop < LuaLimits.MaxTagLoop; loop++)
        {
            Value tm;
            if (t.Tag == Tag.Table)
            {
                result = LuaTable.Get(G, t.R, key);
                if (!result.IsNil)
                {
                    return true;
                }

                uint mt = At<TableObj>(t.R)->Metatable;
                tm = mt == 0 ? default : GetTMFromTable(mt, TM.Index);
                if (tm.IsNil)
                {
                    return true;
                }
            }
            else
            {
                tm = GetMetamethod(t, TM.Index);
                if (tm.IsNil)
                {
                    throw fromLoop ? TypeErrorForIndex(co, t, key) : LuaErrors.IndexError(TypeName(t));
                }
            }

            if (tm.IsFunction)
            {
                result = tm;
                return false;
            }

            t = tm;
        }

        throw LuaError.Runtime(LuaErrors.IndexChainTooLong);
    }

    /// <summary>
    /// Follows the <c>__newindex</c> chain of <paramref name="t"/> (Lua's luaV_finishset): true
    /// when the value was stored raw in a table on the way (the key present, or no
    /// <c>__newindex</c>); false with the function metamethod to call, <paramref name="t"/> left
    /// at the object it belongs to.
    /// </summary>
    private bool ResolveNewIndex(Coroutine co, ref Value t, in Value key, in Value v, bool fromLoop, out Value tm)
    {
        for (int loop = 0; loop < LuaLimits.MaxTagLoop; loop++)
        {
            if (t.Tag == Tag.Table)
            {
                Value* slot = LuaTable.Find(G, t.R, key);
                uint mt = At<TableObj>(t.R)->Metatable;
                bool raw = (slot != null && !slot->IsNil) || mt == 0;
                if (raw || (tm = GetTMFromTable(mt, TM.NewIndex)).IsNil)
                {
                    if (raw && key.Tag != Tag.Float)
                    {
                        LuaTable.SetAt(G, t.R, key, slot, v); // the lookup above, nothing run since
                    }
                    else
                    {
                        LuaTable.Set(G, t.R, key, v); // a float key is normalised; the metatable lookup may have filled a library table
                    }

                    tm = default;
                    return true;
                }
            }
            else
            {
                tm = GetMetamethod(t, TM.NewIndex);
                if (tm.IsNil)
                {
                    throw fromLoop ? TypeErrorForIndex(co, t, key) : LuaErrors.IndexError(TypeName(t));
                }
            }

            if (tm.IsFunction)
            {
                return false;
            }

            t = tm;
        }

        throw LuaError.Runtime(LuaErrors.NewIndexChainTooLong);
    }

    /// <summary>t[key] with __index, for the loop: result into register <paramref name="a"/> of the running frame; true when a metamethod frame was pushed.</summary>
    private bool FinishGet(Coroutine co, Value t, Value key, int a)
    {
        if (ResolveIndex(co, ref t, key, fromLoop: true, out Value r))
        {
            SetRegister(co, a, r);
            return false;
        }

        return CallTMForOp(co, r, t, key);
    }

    private void SetRegister(Coroutine co, int a, in Value v)
    {
        StackOf(co)[co.Frames[co.FrameCount - 1].Base + a] = v;
    }

    /// <summary>t[key] with __index from host code.</summary>
    public Value GetIndex(Coroutine co, Value t, Value key) =>
        ResolveIndex(co, ref t, key, fromLoop: false, out Value r) ? r : CallTM(co, r, t, key);

    /// <summary>t[key] = v with __newindex, for the loop; true when a metamethod frame was pushed.</summary>
    private bool FinishSet(Coroutine co, Value t, Value key, Value v)
    {
        return !ResolveNewIndex(co, ref t, key, v, fromLoop: true, out Value tm)
            && CallTMForOp(co, tm, t, key, v, 3, 0);
    }

    /// <summary>t[key] = v with __newindex from host code.</summary>
    public void SetIndex(Coroutine co, Value t, Value key, Value v)
    {
        if (ResolveNewIndex(co, ref t, key, v, fromLoop: false, out Value tm))
        {
            return;
        }

        CallTMDiscard(co, tm, t, key, v, 3);
    }

    // ---- arithmetic ----

    /// <summary>A number, or a string read as one (charging the bytes a long string makes the parser read).</summary>
    public bool ToNumberCharged(in Value v, out Value n)
    {
        if (v.Tag == Tag.LongString)
        {
            ChargeByteLoop(G.StringSpan(v).Length);
        }

        return LuaConvert.TryToNumber(G, v, out n);
    }

    /// <summary>MMBIN and unary operators: string coercion, then the metamethod, else Lua's error.</summary>
    private bool ArithMeta(Coroutine co, Value a, Value b, TM e, int target)
    {
        if (e is >= TM.Add and <= TM.IDiv && a.IsNumber && b.IsNumber)
        {
            SetRegister(co, target, LuaArith.Arith((ArithOp)(e - TM.Add), a, b)); // an integer zero divisor, which the fast path left to raise here
            return false;
        }

        if (e is >= TM.Add and <= TM.IDiv or TM.Unm)
        {
            // Strings that read as numbers take part in arithmetic (the string metamethods' rule).
            if (ToNumberCharged(a, out Value na) && ToNumberCharged(b, out Value nb) && (a.IsString || b.IsString))
            {
                Value r = e == TM.Unm ? LuaArith.Arith(ArithOp.Sub, Value.Integer(0), na) : LuaArith.Arith((ArithOp)(e - TM.Add), na, nb);
                if (e == TM.Unm && na.Tag == Tag.Float)
                {
                    r = Value.Float(-na.D);
                }

                SetRegister(co, target, r);
                return false;
            }
        }

        Value tm = GetMetamethod(a, e);
        if (tm.IsNil)
        {
            tm = GetMetamethod(b, e);
        }

        if (tm.IsNil)
        {
            throw ArithError(co, a, b, e);
        }

        return CallTMForOp(co, tm, a, b);
    }

    /// <summary>Arithmetic with coercion and metamethods from host code.</summary>
    public Value Arith(Coroutine co, Value a, Value b, TM e)
    {
        if (a.IsNumber && b.IsNumber && e is >= TM.Add and <= TM.IDiv)
        {
            return LuaArith.Arith((ArithOp)(e - TM.Add), a, b);
        }

        if (e is >= TM.Add and <= TM.IDiv && ToNumberCharged(a, out Value na) && ToNumberCharged(b, out Value nb))
        {
            return LuaArith.Arith((ArithOp)(e - TM.Add), na, nb);
        }

        if (e is >= TM.BAnd and <= TM.Shr && LuaConvert.ToIntegerStrict(a, out long ia) && LuaConvert.ToIntegerStrict(b, out long ib))
        {
            return Value.Integer(LuaArith.Bitwise(e, ia, ib));
        }

        Value tm = GetMetamethod(a, e);
        if (tm.IsNil)
        {
            tm = GetMetamethod(b, e);
        }

        if (tm.IsNil)
        {
            throw ArithError(co, a, b, e);
        }

        return CallTM(co, tm, a, b);
    }

    private LuaError ArithError(Coroutine co, in Value a, in Value b, TM e)
    {
        if (e is >= TM.BAnd and <= TM.Shr or TM.BNot)
        {
            if (a.IsNumber && b.IsNumber)
            {
                int which = LuaConvert.ToIntegerStrict(a, out _) ? 1 : 0;
                return LuaError.Runtime($"number{VarInfo(co, which == 0 ? a : b, which)} has no integer representation");
            }

            Value bad = a.IsNumber ? b : a;
            return LuaError.Runtime($"attempt to perform bitwise operation on a {TypeName(bad)} value{VarInfo(co, bad, a.IsNumber ? 1 : 0)}");
        }

        if (e == TM.Concat)
        {
            Value bad = a.IsString || a.IsNumber ? b : a;
            return LuaError.Runtime($"attempt to concatenate a {TypeName(bad)} value{VarInfo(co, bad, -1)}");
        }

        Value x = LuaConvert.TryToNumber(G, a, out _) ? b : a;
        if (a.IsString && b.IsNumber || b.IsString && a.IsNumber || a.IsString && b.IsString)
        {
            // The string metamethods' wording, and their position: a library error's (none when stripped).
            string op = e.ToString().ToLowerInvariant();
            if (e == TM.Unm)
            {
                op = "unm";
            }

            return new LuaError($"attempt to {op} a '{TypeName(a)}' with a '{TypeName(b)}'");
        }

        return LuaError.Runtime($"attempt to perform arithmetic on a {TypeName(x)} value{VarInfo(co, x, x.SameRaw(a) ? 0 : 1)}");
    }

    // ---- length ----

    private bool LenMeta(Coroutine co, Value v, int target)
    {
        Value tm = GetMetamethod(v, TM.Len);
        if (tm.IsNil)
        {
            if (v.Tag == Tag.Table)
            {
                SetRegister(co, target, Value.Integer(LuaTable.Length(G, v.R)));
                return false;
            }

            throw LuaError.Runtime($"attempt to get length of a {TypeName(v)} value{VarInfo(co, v, 0)}");
        }

        return CallTMForOp(co, tm, v, v);
    }

    /// <summary>The # operator from host code.</summary>
    public Value Length(Coroutine co, Value v)
    {
        if (v.IsString)
        {
            return Value.Integer(G.StringSpan(v).Length);
        }

        Value tm = GetMetamethod(v, TM.Len);
        if (tm.IsNil)
        {
            if (v.Tag == Tag.Table)
            {
                return Value.Integer(LuaTable.Length(G, v.R));
            }

            throw LuaError.Runtime($"attempt to get length of a {TypeName(v)} value");
        }

        return CallTM(co, tm, v, v);
    }

    // ---- comparison ----

    /// <summary>Raw equality (rawequal): numbers by value, strings by content, the rest by identity.</summary>
    public bool RawEquals(in Value a, in Value b)
    {
        if (a.Tag != b.Tag)
        {
            if (a.IsNumber && b.IsNumber)
            {
                return LuaArith.NumberEquals(a, b);
            }

            return a.IsString && b.IsString && G.StringEquals(a, b);
        }

        return a.Tag switch
        {
            Tag.Nil or Tag.False or Tag.True => true,
            Tag.Float => a.D == b.D,
            Tag.LongString => LongStringEquals(a, b),
            _ => a.I == b.I,
        };
    }

    /// <summary>Equality of two long strings; comparing the bytes of two distinct ones of one length charges them.</summary>
    private bool LongStringEquals(in Value a, in Value b)
    {
        if (a.R != b.R)
        {
            ChargeBytes(Math.Min(G.StringSpan(a).Length, G.StringSpan(b).Length));
        }

        return G.StringEquals(a, b);
    }

    /// <summary>== for the loop: 1 true, 0 false, -1 when a FinishOp call was made.</summary>
    private int EqualsMeta(Coroutine co, Value a, Value b)
    {
        if (RawEquals(a, b))
        {
            return 1;
        }

        if (a.Tag != b.Tag || (a.Tag != Tag.Table && a.Tag != Tag.Userdata))
        {
            return 0;
        }

        Value tm = GetMetamethod(a, TM.Eq);
        if (tm.IsNil)
        {
            tm = GetMetamethod(b, TM.Eq);
        }

        if (tm.IsNil)
        {
            return 0;
        }

        CallTMForOp(co, tm, a, b);
        return -1;
    }

    /// <summary>== with __eq from host code.</summary>
    public bool EqualsWithMeta(Coroutine co, Value a, Value b)
    {
        if (RawEquals(a, b))
        {
            return true;
        }

        if (a.Tag != b.Tag || (a.Tag != Tag.Table && a.Tag != Tag.Userdata))
        {
            return false;
        }

        Value tm = GetMetamethod(a, TM.Eq);
        if (tm.IsNil)
        {
            tm = GetMetamethod(b, TM.Eq);
        }

        return !tm.IsNil && !CallTM(co, tm, a, b).IsFalsy;
    }

    /// <summary>&lt; and &lt;= for the loop: 1 true, 0 false, -1 when a FinishOp call was made.</summary>
    private int CompareMeta(Coroutine co, Value a, Value b, TM e)
    {
        if (a.IsNumber && b.IsNumber)
        {
            return (e == TM.Lt ? LuaArith.LessThan(a, b) : LuaArith.LessEqual(a, b)) ? 1 : 0;
        }

        if (a.IsString && b.IsString)
        {
            int c = CompareStrings(a, b);
            return (e == TM.Lt ? c < 0 : c <= 0) ? 1 : 0;
        }

        Value tm = GetMetamethod(a, e);
        if (tm.IsNil)
        {
            tm = GetMetamethod(b, e);
        }

        if (tm.IsNil)
        {
            throw CompareError(a, b);
        }

        CallTMForOp(co, tm, a, b);
        return -1;
    }

    /// <summary>Byte order of two strings; a comparison of long strings charges the bytes compared.</summary>
    private int CompareStrings(in Value a, in Value b)
    {
        ReadOnlySpan<byte> x = G.StringSpan(a);
        ReadOnlySpan<byte> y = G.StringSpan(b);
        if (x.Length > LuaLimits.MaxShortStringLength)
        {
            ChargeBytes(Math.Min(x.Length, y.Length));
        }

        return x.SequenceCompareTo(y);
    }

    /// <summary>&lt; or &lt;= with metamethods from host code.</summary>
    public bool Compare(Coroutine co, Value a, Value b, TM e)
    {
        if (a.IsNumber && b.IsNumber)
        {
            return e == TM.Lt ? LuaArith.LessThan(a, b) : LuaArith.LessEqual(a, b);
        }

        if (a.IsString && b.IsString)
        {
            int c = CompareStrings(a, b);
            return e == TM.Lt ? c < 0 : c <= 0;
        }

        Value tm = GetMetamethod(a, e);
        if (tm.IsNil)
        {
            tm = GetMetamethod(b, e);
        }

        if (tm.IsNil)
        {
            throw CompareError(a, b);
        }

        return !CallTM(co, tm, a, b).IsFalsy;
    }

    private LuaError CompareError(in Value a, in Value b)
    {
        string ta = TypeName(a), tb = TypeName(b);
        return ta == tb
            ? LuaError.Runtime($"attempt to compare two {ta} values")
            : LuaError.Runtime($"attempt to compare {ta} with {tb}");
    }

    // ---- concatenation ----

    /// <summary>
    /// CONCAT: joins registers first..top-1 into the first, right to left. A __concat call runs
    /// as a FinishOp frame (true is returned); when it returns, the instruction runs again on
    /// the operands that remain.
    /// </summary>
    private bool Concat(Coroutine co, int first, int top)
    {
        int n = top - first;
        while (n > 1)
        {
            Value* stack = StackOf(co);
            Value a = stack[top - 2];
            Value b = stack[top - 1];
            if ((a.IsString || a.IsNumber) && (b.IsString || b.IsNumber))
            {
                // Join as many string/number operands as there are from the top down.
                int count = 2;
                long total = ToStringLength(b) + ToStringLength(a);
                while (count < n)
                {
                    Value x = stack[top - count - 1];
                    if (!x.IsString && !x.IsNumber)
                    {
                        break;
                    }

                    total += ToStringLength(x);
                    count++;
                }

                if (total > int.MaxValue - 64)
                {
                    throw LuaError.Runtime("string length overflow");
                }

                Value s = JoinStrings(co, top - count, count, (int)total);
                StackOf(co)[top - count] = s;
                top -= count - 1;
                n -= count - 1;
            }
            else
            {
                Value tm = GetMetamethod(a, TM.Concat);
                if (tm.IsNil)
                {
                    tm = GetMetamethod(b, TM.Concat);
                }

                if (tm.IsNil)
                {
                    Value bad = a.IsString || a.IsNumber ? b : a;
                    throw LuaError.Runtime($"attempt to concatenate a {TypeName(bad)} value{VarInfoForRegister(co, (top - (bad.SameRaw(b) ? 1 : 2)) - co.Frames[co.FrameCount - 1].Base)}");
                }

                co.Frames[co.FrameCount - 1].ConcatTop = top;
                return CallTMForOp(co, tm, a, b);
            }
        }

        SetTop(co, co.Frames[co.FrameCount - 1].Top);
        return false;
    }

    private int ToStringLength(in Value v)
    {
        if (v.IsString)
        {
            return (int)((StringObj*)(_hb + ((nuint)v.R << 3)))->Length;
        }

        Span<byte> buf = stackalloc byte[64];
        return LuaConvert.FormatNumber(v, buf);
    }

    private Value JoinStrings(Coroutine co, int from, int count, int total)
    {
        Span<byte> small = stackalloc byte[LuaLimits.MaxShortStringLength];
        scoped Span<byte> dst;
        uint longRef = 0;
        if (total <= LuaLimits.MaxShortStringLength)
        {
            dst = small[..total];
        }
        else
        {
            ChargeBytes(total + count); // the bytes, each operand counted as one byte more
            longRef = G.NewLongString(total);
            dst = new Span<byte>(StringObj.Data((StringObj*)(_hb + ((nuint)longRef << 3))), total);
        }

        Value* stack = StackOf(co);
        int pos = 0;
        Span<byte> num = stackalloc byte[64];
        for (int i = 0; i < count; i++)
        {
            Value v = stack[from + i];
            if (v.IsString)
            {
                ReadOnlySpan<byte> s = G.StringSpan(v);
                s.CopyTo(dst[pos..]);
                pos += s.Length;
            }
            else
            {
                int len = LuaConvert.FormatNumber(v, num);
                num[..len].CopyTo(dst[pos..]);
                pos += len;
            }
        }

        return longRef != 0 ? Value.Object(Tag.LongString, longRef) : G.NewString(dst);
    }

    /// <summary>Converts a value to a Lua string as tostring does for strings and numbers (no metamethods); false otherwise.</summary>
    public bool ToStringCoerce(in Value v, out Value s)
    {
        if (v.IsString)
        {
            s = v;
            return true;
        }

        if (v.IsNumber)
        {
            Span<byte> buf = stackalloc byte[64];
            int n = LuaConvert.FormatNumber(v, buf);
            s = G.NewString(buf[..n]);
            return true;
        }

        s = default;
        return false;
    }

    // ---- to-be-closed variables ----

    private void MarkToBeClosed(Coroutine co, int slot)
    {
        Value v = StackOf(co)[slot];
        if (v.IsFalsy)
        {
            return; // false and nil need no closing
        }

        if (GetMetamethod(v, TM.Close).IsNil)
        {
            string name = LocalName(co, co.FrameCount - 1, slot - co.Frames[co.FrameCount - 1].Base) ?? "?";
            throw LuaError.Runtime($"variable '{name}' got a non-closable value");
        }

        co.PushTbc(slot);
    }

    /// <summary>Closes upvalues and calls __close of to-be-closed variables at or above <paramref name="level"/> (normal exit).</summary>
    private void CloseAll(Coroutine co, int level, Value err, bool hasError)
    {
        CloseUpvals(co, level);
        while (co.TbcCount > 0 && co.Tbc[co.TbcCount - 1] >= level)
        {
            int slot = co.Tbc[--co.TbcCount];
            Value v = StackOf(co)[slot];
            // a metamethod removed after the variable was marked is still called: the call
            // raises "attempt to call a nil value (metamethod 'close')"
            CallTMDiscard(co, GetMetamethod(v, TM.Close), v, hasError ? err : default);
        }
    }

    /// <summary>
    /// CLOSE, and RETURN with to-be-closed variables, from the interpreter loop: closes the
    /// upvalues and calls the __close methods from the top one down, each in a frame flagged
    /// FinishOp over the current frame, so that a __close can yield. Returns 0 when all are
    /// closed, 1 when a Lua __close frame was pushed (run it; when it returns, FinishOp steps
    /// the caller's pc back so that the instruction runs again and goes on with the next
    /// variable, which is no longer in the list), 2 when a host __close yielded.
    /// </summary>
    private int CloseStep(Coroutine co, int level)
    {
        CloseUpvals(co, level);
        while (co.TbcCount > 0 && co.Tbc[co.TbcCount - 1] >= level)
        {
            int slot = co.Tbc[--co.TbcCount];
            Value v = StackOf(co)[slot];
            // a metamethod removed after the variable was marked is still called: the call
            // raises "attempt to call a nil value (metamethod 'close')"
            Value tm = GetMetamethod(v, TM.Close);
            int oldTop = GetTop(co);
            int func = Math.Max(oldTop, co.Frames[co.FrameCount - 1].Top);
            EnsureStack(co, func + 3);
            Value* stack = StackOf(co);
            stack[func] = tm;
            stack[func + 1] = v;
            stack[func + 2] = default;
            SetTop(co, func + 3);
            if (PreCall(co, func, 0, FrameFlags.FinishOp))
            {
                return 1;
            }

            if (co.Yielding)
            {
                return 2;
            }

            SetTop(co, oldTop);
        }

        return 0;
    }

    /// <summary>Closes after an error: each __close gets the error; an error in one replaces it. Returns the final error.</summary>
    private Value CloseAllProtected(Coroutine co, int level, Value err)
    {
        bool errored = false;
        return CloseAllProtected(co, level, err, ref errored);
    }

    private Value CloseAllProtected(Coroutine co, int level, Value err, ref bool errored)
    {
        CloseUpvals(co, level);
        while (co.TbcCount > 0 && co.Tbc[co.TbcCount - 1] >= level)
        {
            int slot = co.Tbc[--co.TbcCount];
            Value v = StackOf(co)[slot];
            Value tm = GetMetamethod(v, TM.Close);
            G.PushTemp(err); // an error raised by an earlier __close is anchored nowhere else
            int frames = co.FrameCount;
            try
            {
                CallTMDiscard(co, tm, v, err);
            }
            catch (LuaError e) when (!co.Yielding)
            {
                err = ErrorValue(co, e);
                errored = true;
                co.FrameCount = frames; // drop the frames of the failed __close
            }
            finally
            {
                G.PopTemp();
            }
        }

        return err;
    }

    /// <summary>
    /// coroutine.close and the cleanup of a wrapped coroutine that failed: closes its pending
    /// to-be-closed variables and upvalues and marks it dead. False with the error when it died
    /// in error or a __close raised one.
    /// </summary>
    public bool CloseCoroutine(Coroutine co, Value err, out Value finalErr)
    {
        bool errored = co.DiedWithError;
        Value e = co.DiedWithError ? StackOf(co)[0] : err;
        co.FrameCount = 0;
        co.Yielding = false;
        co.Continuation = null;
        // Keep the pending variables below the top: the __close calls run above them.
        SetTop(co, Math.Max(GetTop(co), co.TbcCount > 0 ? co.Tbc[co.TbcCount - 1] + 1 : 1));
        StackOf(co)[0] = e;
        Coroutine previous = Running;
        Running = co;
        try
        {
            e = CloseAllProtected(co, 0, e, ref errored);
        }
        finally
        {
            Running = previous;
        }

        co.Status = CoStatus.Dead;
        co.TbcCount = 0;
        co.DiedWithError = false; // reported once: closing it again succeeds (Lua 5.4.8)
        StackOf(co)[0] = errored ? e : default; // keeps the error anchored for the caller
        SetTop(co, errored ? 1 : 0);
        finalErr = errored ? e : default;
        return !errored;
    }

    private void CallTMDiscard(Coroutine co, in Value tm, in Value a, in Value b) => CallTMDiscard(co, tm, a, b, default, 2);

    /// <summary>Calls metamethod <paramref name="tm"/> from host code with two or three arguments (<paramref name="count"/>) and drops its results.</summary>
    private void CallTMDiscard(Coroutine co, in Value tm, in Value a, in Value b, in Value c, int count)
    {
        Value f = tm, x = a, y = b, z = c; // copies: growing the stack may move what the arguments point at
        int slot = Math.Max(GetTop(co), co.FrameCount > 0 ? co.Frames[co.FrameCount - 1].Top : 0);
        EnsureStack(co, slot + 1 + count);
        Value* stack = StackOf(co);
        stack[slot] = f;
        stack[slot + 1] = x;
        stack[slot + 2] = y;
        if (count == 3)
        {
            stack[slot + 3] = z;
        }

        int oldTop = GetTop(co);
        SetTop(co, slot + 1 + count);
        Call(co, slot, 0);
        SetTop(co, oldTop);
    }

    // ---- names ----

    /// <summary>The type name Lua prints for a value, honouring __name for tables and userdata.</summary>
    public string TypeName(in Value v)
    {
        if (v.Tag is Tag.Table or Tag.Userdata)
        {
            uint mt = GetMetatable(v);
            if (mt != 0)
            {
                Value* name = LuaTable.FindShortString(G, mt, G.NewString("__name"u8).R);
                if (name != null && name->IsString)
                {
                    return G.ToDotNetString(*name);
                }
            }
        }

        return LuaTypeNames.Name(v.Type);
    }
}
