#pragma warning disable CS0162 // unreachable: the branches of the constant SplitForms that this copy of the loop does not take
using System.Diagnostics;
using System.Runtime.CompilerServices;
using MicroLua.Core;
using MicroLua.Values;
using static MicroLua.Vm.Instruction;

namespace MicroLua.Vm;

internal sealed unsafe partial class Interpreter
{
    /// <summary>
    /// The interpreter loop, compiled twice: <typeparamref name="THook"/> is
    /// <see cref="Unhooked"/> (no hook code at all) or <see cref="Hooked"/> (line and count
    /// checks at each instruction, call and return events). Returns true when the entry frame
    /// returned or the coroutine yields, false when the coroutine's hook mask no longer fits
    /// this loop (the top frame's pc is saved; the caller re-enters the other loop).
    /// MicroLua.csproj compiles this file a second time as RunSplit, with MLUA_SPLIT_LOOP
    /// defined: that copy gives each operand form of the operators its own case
    /// (<see cref="SplitOperandForms"/>).
    /// </summary>
#if NETSTANDARD2_1
    [MethodImpl((MethodImplOptions)512)] // AggressiveOptimization, which netstandard2.1 does not name (runtimes that know it honour it)
#else
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
#endif
    [SkipLocalsInit] // every local is assigned before use (C# checks it); zeroing the loop's frame cost each entry (a host call into Lua, a comparator of table.sort) about 60 instructions
    private bool Run<THook>(Coroutine co)
        where THook : struct
    {
#if MLUA_SPLIT_LOOP
        const bool SplitForms = true;
#else
        const bool SplitForms = false;
#endif
    newFrame:
        if ((co.HookMask != 0) != (typeof(THook) == typeof(Hooked)) || co.Yielding)
        {
            // Yielding: a host function called as a metamethod (coroutine.yield as __index,
            // say) suspended the coroutine with its FinishOp frame on top; the resume finishes
            // the instruction. Otherwise debug.sethook changed the mask: switch loops.
            return co.Yielding;
        }

        int fi = co.FrameCount - 1;
        CallFrame[] frames = co.Frames;
        if (typeof(THook) == typeof(Hooked) && frames[fi].Pc == 0)
        {
            LuaClosureObj* ncl = At<LuaClosureObj>(frames[fi].Closure);
            if (Proto(ncl->Proto)->IsVararg == 0)
            {
                HookLuaCall(co, fi); // a vararg function's call event comes after VARARGPREP
                frames = co.Frames;
            }
        }

        LuaClosureObj* cl = At<LuaClosureObj>(frames[fi].Closure);
        uint* code = Code(Proto(cl->Proto));
        Value* k = Constants(Proto(cl->Proto));
        Value* @base = StackOf(co) + frames[fi].Base;
        uint* pc = code + frames[fi].Pc; // the next instruction; a frame saves it as an index (PcOf)

        bool cond; // a test's outcome, for the shared conditional jump at condJump
        Value gt, gk, gv; // table, key and value of an access that leaves its fast path (finishGet, finishSet)
        while (true)
        {
            ulong i = *pc; // widened once: the field helpers (Instruction) work on 64 bits, with no zero-extension per use
            pc++;
            if (typeof(THook) == typeof(Hooked) && (co.HookMask & (HookMaskLine | HookMaskCount | HookMaskDebug)) != 0
                && (co.HookMask != HookMaskDebug || !DebugSkips(co, Proto(cl->Proto), PcOf(pc, code) - 1)))
            {
                frames[fi].Pc = PcOf(pc, code);
                TraceExec(co, Proto(cl->Proto), PcOf(pc, code) - 1);
                Reload(co, fi, out frames, out @base); // the hook may have grown the frame array or the stack
            }

            CheckOperands(Proto(cl->Proto), cl, i);
            Value* ra = SlotA(@base, i);
            switch (Op(i))
            {
                case OpCode.Move:
                    *ra = *SlotB(@base, i);
                    continue;
                case OpCode.LoadI:
                    *ra = Value.Integer(SBx(i));
                    continue;
                case OpCode.LoadF:
                    *ra = Value.Float(SBx(i));
                    continue;
                case OpCode.LoadK:
                    *ra = k[Bx(i)];
                    continue;
                case OpCode.LoadKX:
                    *ra = k[Ax(*pc++)];
                    continue;
                case OpCode.LoadFalse:
                    *ra = Value.False;
                    continue;
                case OpCode.LFalseSkip:
                    *ra = Value.False;
                    pc++;
                    continue;
                case OpCode.LoadTrue:
                    *ra = Value.True;
                    continue;
                case OpCode.LoadNil:
                {
                    int b = B(i);
                    do
                    {
                        *ra++ = default;
                    }
                    while (b-- > 0);
                    continue;
                }

                case OpCode.GetUpval:
                    *ra = *UpvalPtr(cl, B(i));
                    continue;
                case OpCode.SetUpval:
                {
                    *UpvalPtr(cl, B(i)) = *ra;
                    G.WriteBarrier(LuaClosureObj.Upvals(cl)[B(i)], *ra);
                    continue;
                }

                case OpCode.GetTabUp:
                {
                    Value* t = UpvalPtr(cl, B(i));
                    Value* key = SlotC(k, i);
                    if (t->Tag == Tag.Table && TryLoad(LuaTable.FindShortStringUnfilled(_hb, t->R, key->R), ra))
                    {
                        continue;
                    }

                    gt = *t;
                    gk = *key;
                    goto finishGet;
                }

                case OpCode.GetTable:
                {
                    Value* t = SlotB(@base, i);
                    Value* key = SlotC(@base, i);
                    if (t->Tag == Tag.Table)
                    {
                        if (key->Tag == Tag.Integer)
                        {
                            if (TryLoad(LuaTable.FindInt(G, _hb, t->R, key->I), ra))
                            {
                                continue;
                            }
                        }
                        else if (TryLoad(LuaTable.Find(G, t->R, *key), ra))
                        {
                            continue;
                        }
                    }

                    gt = *t;
                    gk = *key;
                    goto finishGet;
                }

                case OpCode.GetI:
                {
                    Value* t = SlotB(@base, i);
                    if (t->Tag == Tag.Table && TryLoad(LuaTable.FindInt(G, _hb, t->R, C(i)), ra))
                    {
                        continue;
                    }

                    gt = *t;
                    gk = Value.Integer(C(i));
                    goto finishGet;
                }

                case OpCode.GetField:
                {
                    Value* t = SlotB(@base, i);
                    Value* key = SlotC(k, i);
                    if (t->Tag == Tag.Table && TryLoad(LuaTable.FindShortStringUnfilled(_hb, t->R, key->R), ra))
                    {
                        continue;
                    }

                    gt = *t;
                    gk = *key;
                    goto finishGet;
                }

                case OpCode.SetTabUp:
                {
                    Value* t = UpvalPtr(cl, A(i));
                    Value* key = SlotB(k, i);
                    Value* rc = K(i) ? SlotC(k, i) : SlotC(@base, i);
                    if (t->Tag == Tag.Table && TryStore(LuaTable.FindShortStringUnfilled(_hb, t->R, key->R), t->R, key, rc))
                    {
                        continue;
                    }

                    gt = *t;
                    gk = *key;
                    gv = *rc;
                    goto finishSet;
                }

                case OpCode.SetTable:
                {
                    Value* key = SlotB(@base, i);
                    Value* rc = K(i) ? SlotC(k, i) : SlotC(@base, i);
                    if (ra->Tag == Tag.Table)
                    {
                        // Each outcome leaves on its own (no bool merged from the two lookups, which
                        // the register allocator answered with spills and reloads at the join).
                        if (key->Tag == Tag.Integer)
                        {
                            if (TryStoreInt(LuaTable.FindInt(G, _hb, ra->R, key->I), ra->R, rc))
                            {
                                continue;
                            }
                        }
                        else if (TryStore(LuaTable.Find(G, ra->R, *key), ra->R, key, rc))
                        {
                            continue;
                        }
                    }

                    gt = *ra;
                    gk = *key;
                    gv = *rc;
                    goto finishSet;
                }

                case OpCode.SetI:
                {
                    Value* rc = K(i) ? SlotC(k, i) : SlotC(@base, i);
                    if (ra->Tag == Tag.Table && TryStoreInt(LuaTable.FindInt(G, _hb, ra->R, B(i)), ra->R, rc))
                    {
                        continue;
                    }

                    gt = *ra;
                    gk = Value.Integer(B(i));
                    gv = *rc;
                    goto finishSet;
                }

                case OpCode.SetField:
                {
                    Value* key = SlotB(k, i);
                    Value* rc = K(i) ? SlotC(k, i) : SlotC(@base, i);
                    if (ra->Tag == Tag.Table && TryStore(LuaTable.FindShortStringUnfilled(_hb, ra->R, key->R), ra->R, key, rc))
                    {
                        continue;
                    }

                    gt = *ra;
                    gk = *key;
                    gv = *rc;
                    goto finishSet;
                }

                case OpCode.NewTable:
                {
                    int b = B(i);
                    int c = C(i);
                    if (b > 0)
                    {
                        b = 1 << (b - 1);
                    }

                    if (K(i))
                    {
                        c += Ax(*pc) * (MaxC + 1);
                    }

                    pc++; // skip the extra argument
                    frames[fi].Pc = PcOf(pc, code);
                    uint t = LuaTable.New(G, c, b);
                    @base[A(i)] = Value.Object(Tag.Table, t);
                    CheckGCAt(co, frames[fi].Base + A(i) + 1);
                    goto reload;
                }

                case OpCode.Self:
                {
                    Value* rb = SlotB(@base, i);
                    Value* key = K(i) ? SlotC(k, i) : SlotC(@base, i);
                    Value self = *rb;
                    ra[1] = self;
                    if (self.Tag == Tag.Table)
                    {
                        if (key->Tag == Tag.ShortString)
                        {
                            if (TryLoad(LuaTable.FindShortStringUnfilled(_hb, self.R, key->R), ra))
                            {
                                continue;
                            }
                        }
                        else if (TryLoad(LuaTable.Find(G, self.R, *key), ra))
                        {
                            continue;
                        }
                    }

                    gt = self;
                    gk = *key;
                    goto finishGet;
                }

                case OpCode.AddI:
                {
                    Value* rb = SlotB(@base, i);
                    int imm = SC(i);
                    if (rb->Tag == Tag.Integer)
                    {
                        *ra = Value.Integer(rb->I + imm);
                        pc++;
                    }
                    else if (rb->Tag == Tag.Float)
                    {
                        *ra = Value.Float(rb->D + imm);
                        pc++;
                    }

                    continue;
                }

                // The arithmetic and bitwise families: one fast path each, the operator a
                // constant (Interpreter.Operators.cs), one call for the register and the constant form
                // (a call site fewer per operator keeps the loop under the JIT's limit of locals
                // for inlining); on success the MMBIN that follows is skipped.
                case OpCode.AddK:
                    if (SplitForms)
                    {
                        pc += FastArith(ArithOp.Add, ra, SlotB(@base, i), SlotC(k, i));
                        continue;
                    }

                    goto case OpCode.Add;
                case OpCode.Add:
                    pc += FastArith(ArithOp.Add, ra, SlotB(@base, i), SplitForms ? SlotC(@base, i) : ArithOperand(i, @base, k));
                    continue;
                case OpCode.SubK:
                    if (SplitForms)
                    {
                        pc += FastArith(ArithOp.Sub, ra, SlotB(@base, i), SlotC(k, i));
                        continue;
                    }

                    goto case OpCode.Sub;
                case OpCode.Sub:
                    pc += FastArith(ArithOp.Sub, ra, SlotB(@base, i), SplitForms ? SlotC(@base, i) : ArithOperand(i, @base, k));
                    continue;
                case OpCode.MulK:
                    if (SplitForms)
                    {
                        pc += FastArith(ArithOp.Mul, ra, SlotB(@base, i), SlotC(k, i));
                        continue;
                    }

                    goto case OpCode.Mul;
                case OpCode.Mul:
                    pc += FastArith(ArithOp.Mul, ra, SlotB(@base, i), SplitForms ? SlotC(@base, i) : ArithOperand(i, @base, k));
                    continue;
                case OpCode.ModK:
                    if (SplitForms)
                    {
                        pc += FastArith(ArithOp.Mod, ra, SlotB(@base, i), SlotC(k, i));
                        continue;
                    }

                    goto case OpCode.Mod;
                case OpCode.Mod:
                    pc += FastArith(ArithOp.Mod, ra, SlotB(@base, i), SplitForms ? SlotC(@base, i) : ArithOperand(i, @base, k));
                    continue;
                case OpCode.PowK:
                    if (SplitForms)
                    {
                        pc += FastArith(ArithOp.Pow, ra, SlotB(@base, i), SlotC(k, i));
                        continue;
                    }

                    goto case OpCode.Pow;
                case OpCode.Pow:
                    pc += FastArith(ArithOp.Pow, ra, SlotB(@base, i), SplitForms ? SlotC(@base, i) : ArithOperand(i, @base, k));
                    continue;
                case OpCode.DivK:
                    if (SplitForms)
                    {
                        pc += FastArith(ArithOp.Div, ra, SlotB(@base, i), SlotC(k, i));
                        continue;
                    }

                    goto case OpCode.Div;
                case OpCode.Div:
                    pc += FastArith(ArithOp.Div, ra, SlotB(@base, i), SplitForms ? SlotC(@base, i) : ArithOperand(i, @base, k));
                    continue;
                case OpCode.IDivK:
                    if (SplitForms)
                    {
                        pc += FastArith(ArithOp.IDiv, ra, SlotB(@base, i), SlotC(k, i));
                        continue;
                    }

                    goto case OpCode.IDiv;
                case OpCode.IDiv:
                    pc += FastArith(ArithOp.IDiv, ra, SlotB(@base, i), SplitForms ? SlotC(@base, i) : ArithOperand(i, @base, k));
                    continue;
                case OpCode.BAndK:
                    if (SplitForms)
                    {
                        pc += FastBitwise(TM.BAnd, ra, SlotB(@base, i), SlotC(k, i));
                        continue;
                    }

                    goto case OpCode.BAnd;
                case OpCode.BAnd:
                    pc += FastBitwise(TM.BAnd, ra, SlotB(@base, i), SplitForms ? SlotC(@base, i) : ArithOperand(i, @base, k));
                    continue;
                case OpCode.BOrK:
                    if (SplitForms)
                    {
                        pc += FastBitwise(TM.BOr, ra, SlotB(@base, i), SlotC(k, i));
                        continue;
                    }

                    goto case OpCode.BOr;
                case OpCode.BOr:
                    pc += FastBitwise(TM.BOr, ra, SlotB(@base, i), SplitForms ? SlotC(@base, i) : ArithOperand(i, @base, k));
                    continue;
                case OpCode.BXorK:
                    if (SplitForms)
                    {
                        pc += FastBitwise(TM.BXor, ra, SlotB(@base, i), SlotC(k, i));
                        continue;
                    }

                    goto case OpCode.BXor;
                case OpCode.BXor:
                    pc += FastBitwise(TM.BXor, ra, SlotB(@base, i), SplitForms ? SlotC(@base, i) : ArithOperand(i, @base, k));
                    continue;
                case OpCode.Shl:
                    pc += FastBitwise(TM.Shl, ra, SlotB(@base, i), SlotC(@base, i));
                    continue;
                case OpCode.Shr:
                    pc += FastBitwise(TM.Shr, ra, SlotB(@base, i), SlotC(@base, i));
                    continue;

                case OpCode.ShrI:
                {
                    if (LuaConvert.ToIntegerStrict(*SlotB(@base, i), out long ib))
                    {
                        *ra = Value.Integer(LuaArith.ShiftLeft(ib, -SC(i)));
                        pc++;
                    }

                    continue;
                }

                case OpCode.ShlI:
                {
                    if (LuaConvert.ToIntegerStrict(*SlotB(@base, i), out long ib))
                    {
                        *ra = Value.Integer(LuaArith.ShiftLeft(SC(i), ib));
                        pc++;
                    }

                    continue;
                }

                case OpCode.MmBin:
                case OpCode.MmBinI:
                case OpCode.MmBinK:
                {
                    frames[fi].Pc = PcOf(pc, code);
                    Value a = *ra;
                    Value b;
                    bool swap = false;
                    if (Op(i) == OpCode.MmBin)
                    {
                        b = *SlotB(@base, i);
                    }
                    else if (Op(i) == OpCode.MmBinI)
                    {
                        b = Value.Integer(SB(i));
                        swap = K(i);
                    }
                    else
                    {
                        b = *SlotB(k, i);
                        swap = K(i);
                    }

                    int target = A(pc[-2]);
                    if (swap ? ArithMeta(co, b, a, (TM)C(i), target) : ArithMeta(co, a, b, (TM)C(i), target))
                    {
                        goto newFrame;
                    }

                    goto reload;
                }

                case OpCode.Unm:
                {
                    Value* rb = SlotB(@base, i);
                    if (rb->Tag == Tag.Integer)
                    {
                        *ra = Value.Integer(0 - rb->I);
                        continue;
                    }

                    if (rb->Tag == Tag.Float)
                    {
                        *ra = Value.Float(-rb->D);
                        continue;
                    }

                    frames[fi].Pc = PcOf(pc, code);
                    if (ArithMeta(co, *rb, *rb, TM.Unm, A(i)))
                    {
                        goto newFrame;
                    }

                    goto reload;
                }

                case OpCode.BNot:
                {
                    Value* rb = SlotB(@base, i);
                    if (LuaConvert.ToIntegerStrict(*rb, out long ib))
                    {
                        *ra = Value.Integer(~ib);
                        continue;
                    }

                    frames[fi].Pc = PcOf(pc, code);
                    if (ArithMeta(co, *rb, *rb, TM.BNot, A(i)))
                    {
                        goto newFrame;
                    }

                    goto reload;
                }

                case OpCode.Not:
                    *ra = SlotB(@base, i)->IsFalsy ? Value.True : Value.False;
                    continue;

                case OpCode.Len:
                {
                    Value* rb = SlotB(@base, i);
                    if (rb->Tag == Tag.Table && LuaTable.Obj(G, rb->R)->Metatable == 0)
                    {
                        *ra = Value.Integer(LuaTable.Length(G, rb->R));
                        continue;
                    }

                    if (rb->IsString)
                    {
                        *ra = Value.Integer(At<StringObj>(rb->R)->Length);
                        continue;
                    }

                    frames[fi].Pc = PcOf(pc, code);
                    if (LenMeta(co, *rb, A(i)))
                    {
                        goto newFrame;
                    }

                    goto reload;
                }

                case OpCode.Concat:
                {
                    frames[fi].Pc = PcOf(pc, code);
                    int first = frames[fi].Base + A(i);
                    int top = frames[fi].ConcatTop != 0 ? frames[fi].ConcatTop : first + B(i);
                    frames[fi].ConcatTop = 0;
                    if (Concat(co, first, top))
                    {
                        goto newFrame;
                    }

                    CheckGCAt(co, first + 1);
                    goto reload;
                }

                case OpCode.Close:
                {
                    frames[fi].Pc = PcOf(pc, code);
                    int closed = CloseStep(co, frames[fi].Base + A(i));
                    if (closed == 1)
                    {
                        goto newFrame;
                    }

                    if (closed == 2)
                    {
                        return true; // a host __close yielded
                    }

                    Reload(co, fi, out frames, out @base); // a call may have grown the frame array
                    frames[fi].Pc = PcOf(pc, code); // a host __close's FinishOp stepped it back
                    if ((co.HookMask != 0) != (typeof(THook) == typeof(Hooked)))
                    {
                        return false; // a __close set or cleared the hook: switch loops
                    }

                    continue;
                }

                case OpCode.Tbc:
                {
                    frames[fi].Pc = PcOf(pc, code);
                    MarkToBeClosed(co, frames[fi].Base + A(i));
                    continue;
                }

                case OpCode.Jmp:
                {
                    int sj = SJ(i);
                    pc += sj;
                    if (sj < 0 && (Fuel += sj) <= 0)
                    {
                        goto outOfFuel; // a back edge counts its distance against the budget
                    }

                    continue;
                }

                case OpCode.Eq:
                {
                    Value* rb = SlotB(@base, i);
                    if (ra->Tag == rb->Tag && ra->Tag != Tag.Table && ra->Tag != Tag.Userdata && ra->Tag != Tag.LongString && ra->Tag != Tag.Float)
                    {
                        cond = ra->I == rb->I;
                    }
                    else if (ra->Tag == Tag.Float && rb->Tag == Tag.Float)
                    {
                        cond = ra->D == rb->D; // not the bits: NaN differs from itself, -0.0 equals 0.0
                    }
                    else
                    {
                        frames[fi].Pc = PcOf(pc, code);
                        int r = EqualsMeta(co, *ra, *rb);
                        if (r < 0)
                        {
                            goto newFrame;
                        }

                        cond = r != 0;
                        Reload(co, fi, out frames, out @base); // a call may have grown the frame array
                    }

                    goto condJump;
                }

                case OpCode.Lt:
                case OpCode.Le:
                {
                    Value* rb = SlotB(@base, i);
                    if (ra->Tag == Tag.Integer && rb->Tag == Tag.Integer)
                    {
                        cond = Op(i) == OpCode.Lt ? ra->I < rb->I : ra->I <= rb->I;
                    }
                    else if (ra->Tag == Tag.Float && rb->Tag == Tag.Float)
                    {
                        cond = Op(i) == OpCode.Lt ? ra->D < rb->D : ra->D <= rb->D; // NaN: false, as Lua's
                    }
                    else if (ra->IsNumber && rb->IsNumber)
                    {
                        cond = Op(i) == OpCode.Lt ? LuaArith.LessThan(*ra, *rb) : LuaArith.LessEqual(*ra, *rb);
                    }
                    else
                    {
                        frames[fi].Pc = PcOf(pc, code);
                        int r = CompareMeta(co, *ra, *rb, Op(i) == OpCode.Lt ? TM.Lt : TM.Le);
                        if (r < 0)
                        {
                            goto newFrame;
                        }

                        cond = r != 0;
                        Reload(co, fi, out frames, out @base); // a call may have grown the frame array
                    }

                    goto condJump;
                }

                case OpCode.EqK:
                {
                    cond = RawEquals(*ra, *SlotB(k, i));
                    goto condJump;
                }

                case OpCode.EqI:
                {
                    int imm = SB(i);
                    cond = ra->Tag == Tag.Integer ? ra->I == imm : ra->Tag == Tag.Float && ra->D == imm;
                    goto condJump;
                }

                case OpCode.LtI:
                case OpCode.LeI:
                case OpCode.GtI:
                case OpCode.GeI:
                {
                    int imm = SB(i);
                    if (ra->Tag == Tag.Integer)
                    {
                        cond = Op(i) switch
                        {
                            OpCode.LtI => ra->I < imm,
                            OpCode.LeI => ra->I <= imm,
                            OpCode.GtI => ra->I > imm,
                            _ => ra->I >= imm,
                        };
                    }
                    else if (ra->Tag == Tag.Float)
                    {
                        double d = ra->D;
                        cond = Op(i) switch
                        {
                            OpCode.LtI => d < imm,
                            OpCode.LeI => d <= imm,
                            OpCode.GtI => d > imm,
                            _ => d >= imm,
                        };
                    }
                    else
                    {
                        frames[fi].Pc = PcOf(pc, code);
                        Value immv = C(i) != 0 ? Value.Float(imm) : Value.Integer(imm);
                        int r = Op(i) switch
                        {
                            OpCode.LtI => CompareMeta(co, *ra, immv, TM.Lt),
                            OpCode.LeI => CompareMeta(co, *ra, immv, TM.Le),
                            OpCode.GtI => CompareMeta(co, immv, *ra, TM.Lt),
                            _ => CompareMeta(co, immv, *ra, TM.Le),
                        };
                        if (r < 0)
                        {
                            goto newFrame;
                        }

                        cond = r != 0;
                        Reload(co, fi, out frames, out @base); // a call may have grown the frame array
                    }

                    goto condJump;
                }

                case OpCode.Test:
                {
                    cond = !ra->IsFalsy;
                    goto condJump;
                }

                case OpCode.TestSet:
                {
                    Value* rb = SlotB(@base, i);
                    if (rb->IsFalsy == K(i))
                    {
                        pc++;
                    }
                    else
                    {
                        *ra = *rb;
                        int sj = SJ(*pc);
                        pc += sj + 1;
                        if (sj < 0 && (Fuel += sj) <= 0)
                        {
                            goto outOfFuel;
                        }
                    }

                    continue;
                }

                case OpCode.Call:
                {
                    int b = B(i);
                    ref CallFrame caller = ref frames[fi];
                    int func = caller.Base + A(i);
                    if (typeof(THook) != typeof(Hooked) && b != 0 && ra->Tag == Tag.LuaClosure)
                    {
                        // A Lua function with its arguments in registers (PreCall's first case,
                        // in the loop): when the stack and the frame array have room and the
                        // budget more than one instruction, the frame is pushed here and the loop
                        // goes on in the callee without newFrame's reload (the hook mask and the
                        // yield state cannot have changed since the last instruction).
                        LuaClosureObj* ncl = At<LuaClosureObj>(ra->R);
                        ProtoObj* np = Proto(ncl->Proto);
                        int nargs = b - 1;
                        int numParams = np->NumParams;
                        Debug.Assert(co.FrameCount == fi + 1, "the running frame is the top one");
                        if (Fuel > 1 && (uint)(fi + 1) < (uint)frames.Length
                            && (uint)LuaFrameNeed(func, nargs, np) <= ThreadObj(co)->StackSize)
                        {
                            Fuel--;
                            for (; nargs < numParams; nargs++)
                            {
                                ra[1 + nargs] = default;
                            }

                            caller.Pc = PcOf(pc, code);
                            ref CallFrame fr = ref frames[fi + 1];
                            fr.StartLua(ra->R, func, np->MaxStackSize, C(i) - 1, func, caller.CDepth, FrameFlags.None);
                            SetTop(co, np->IsVararg != 0 ? func + 1 + nargs : fr.Top);
                            co.FrameCount = ++fi + 1;
                            cl = ncl;
                            code = Code(np);
                            k = Constants(np);
                            @base = ra + 1;
                            pc = code;
                            continue;
                        }
                    }

                    if (b != 0)
                    {
                        SetTop(co, func + b);
                    }

                    caller.Pc = PcOf(pc, code);
                    if (PreCall(co, func, C(i) - 1, FrameFlags.None))
                    {
                        goto newFrame;
                    }

                    if (co.Yielding)
                    {
                        return true;
                    }

                    if ((co.HookMask != 0) != (typeof(THook) == typeof(Hooked)))
                    {
                        return false; // the host function was debug.sethook: switch loops
                    }

                    goto reload;
                }

                case OpCode.TailCall:
                {
                    int b = B(i);
                    int func = frames[fi].Base + A(i);
                    if (typeof(THook) != typeof(Hooked) && !K(i) && ra->Tag == Tag.LuaClosure && TryTailCallLua(co, fi, func, b))
                    {
                        goto newFrame;
                    }

                    if (b != 0)
                    {
                        SetTop(co, func + b);
                    }

                    frames[fi].Pc = PcOf(pc, code);
                    if (K(i))
                    {
                        CloseUpvals(co, frames[fi].Base);
                    }

                    int r = TailCall(co, fi, func);
                    if (r == 1)
                    {
                        goto newFrame;
                    }

                    if (co.Yielding)
                    {
                        return true;
                    }

                    if (r == 2)
                    {
                        return true; // a fresh frame finished
                    }

                    goto newFrame;
                }

                case OpCode.Return:
                {
                    int n = B(i) - 1;
                    int first = frames[fi].Base + A(i);
                    if (n < 0)
                    {
                        n = GetTop(co) - first;
                    }

                    frames[fi].Pc = PcOf(pc, code);
                    if (K(i))
                    {
                        SetTop(co, first + n);
                        frames[fi].ConcatTop = n; // FinishOp restores the top from it
                        int closed = CloseStep(co, frames[fi].Base);
                        if (closed == 1)
                        {
                            goto newFrame;
                        }

                        if (closed == 2)
                        {
                            return true; // a host __close yielded
                        }

                        frames = co.Frames; // a __close method may have grown the frame array
                        frames[fi].Pc = PcOf(pc, code); // a host __close's FinishOp stepped it back
                        frames[fi].ConcatTop = 0;
                        SetTop(co, first + n);
                        first = frames[fi].Base + A(i); // the stack may have moved, indices did not
                        if (typeof(THook) != typeof(Hooked) && co.HookMask != 0)
                        {
                            HookReturn(co, fi, first, n); // a __close method set the hook
                        }
                    }

                    if (typeof(THook) == typeof(Hooked))
                    {
                        frames[fi].Pc = PcOf(pc, code);
                        HookReturn(co, fi, first, n);
                    }

                    if (PostCall(co, first, n))
                    {
                        return true;
                    }

                    goto newFrame;
                }

                case OpCode.Return0:
                {
                    if (typeof(THook) == typeof(Hooked))
                    {
                        frames[fi].Pc = PcOf(pc, code);
                        HookReturn(co, fi, frames[fi].Base, 0);
                        frames = co.Frames;
                        if (PostCall(co, frames[fi].Base, 0))
                        {
                            return true;
                        }

                        goto newFrame;
                    }

                    ref CallFrame returning = ref frames[fi]; // one bounds check for the tests below
                    if ((returning.Flags & ~FrameFlags.Tail) == FrameFlags.Lua && (uint)(returning.NResults + 1) <= 2)
                    {
                        // Called from Lua for no result, one (which is nil) or all of them (none):
                        // no adjustment left for PostCall.
                        if (returning.NResults > 0)
                        {
                            (@base - returning.Base)[returning.ReturnSlot] = default;
                        }
                        else if (returning.NResults < 0)
                        {
                            SetTop(co, returning.ReturnSlot);
                        }

                        goto returnToLua;
                    }

                    if (PostCall(co, frames[fi].Base, 0))
                    {
                        return true;
                    }

                    goto newFrame;
                }

                case OpCode.Return1:
                {
                    if (typeof(THook) == typeof(Hooked))
                    {
                        frames[fi].Pc = PcOf(pc, code);
                        HookReturn(co, fi, frames[fi].Base + A(i), 1);
                        frames = co.Frames;
                        if (PostCall(co, frames[fi].Base + A(i), 1))
                        {
                            return true;
                        }

                        goto newFrame;
                    }

                    ref CallFrame returning = ref frames[fi]; // one bounds check for the tests below
                    FrameFlags how = returning.Flags & ~FrameFlags.Tail;
                    if (how == FrameFlags.Lua && (uint)(returning.NResults + 1) <= 2)
                    {
                        // Called from Lua for one result, none (a call statement, `f(x)` alone)
                        // or all of them (`f(g(x))`).
                        if (returning.NResults != 0)
                        {
                            (@base - returning.Base)[returning.ReturnSlot] = *ra;
                            if (returning.NResults < 0)
                            {
                                SetTop(co, returning.ReturnSlot + 1);
                            }
                        }

                        goto returnToLua;
                    }

                    if (how == (FrameFlags.Lua | FrameFlags.Fresh) && returning.NResults == 1)
                    {
                        // Called from host code for one result (table.sort's comparator, a
                        // metamethod called by a library): the result in place, the activation ends.
                        int res = returning.ReturnSlot;
                        StackOf(co)[res] = *ra;
                        co.FrameCount--;
                        SetTop(co, res + 1);
                        return true;
                    }

                    if (PostCall(co, frames[fi].Base + A(i), 1))
                    {
                        return true;
                    }

                    goto newFrame;
                }

                case OpCode.ForLoop:
                {
                    if (ra[2].Tag == Tag.Integer)
                    {
                        ulong count = (ulong)ra[1].I;
                        if (count > 0)
                        {
                            long step = ra[2].I;
                            long idx = ra->I + step;
                            // Whole values, tags included: a crafted chunk can put any value
                            // in R[A] or R[A+1] (a payload alone would turn a table's offset into a number).
                            ra[1] = Value.Integer((long)(count - 1));
                            *ra = Value.Integer(idx);
                            ra[3] = Value.Integer(idx);
                            pc -= Bx(i);

                            // Counted in blocks of 1024 back edges (FORPREP charged the rest):
                            // a test of a register here instead of a store per iteration.
                            if ((count & (ForBlock - 1)) == 0 && (Fuel -= (long)Bx(i) * ForBlock) <= 0)
                            {
                                goto outOfFuel;
                            }
                        }
                    }
                    else
                    {
                        double step = ra[2].D;
                        double idx = ra->D + step;
                        double limit = ra[1].D;
                        if (step > 0 ? idx <= limit : limit <= idx)
                        {
                            *ra = Value.Float(idx);
                            ra[3] = Value.Float(idx);
                            pc -= Bx(i);
                            if ((Fuel -= Bx(i)) <= 0)
                            {
                                goto outOfFuel;
                            }
                        }
                    }

                    continue;
                }

                case OpCode.ForPrep:
                {
                    frames[fi].Pc = PcOf(pc, code);
                    if (ForPrep(ra))
                    {
                        pc += Bx(i) + 1;
                    }
                    else if (ra[2].Tag == Tag.Integer)
                    {
                        // The back edges FORLOOP will not count: the iteration count modulo its block.
                        long first = ((long)(ulong)ra[1].I & (ForBlock - 1)) * Bx(pc[Bx(i)]);
                        if ((Fuel -= first) <= 0)
                        {
                            goto outOfFuel;
                        }
                    }

                    continue;
                }

                case OpCode.TForPrep:
                {
                    frames[fi].Pc = PcOf(pc, code);
                    MarkToBeClosed(co, frames[fi].Base + A(i) + 3);
                    pc += Bx(i);
                    continue;
                }

                case OpCode.TForCall:
                {
                    ra[4] = ra[0];
                    ra[5] = ra[1];
                    ra[6] = ra[2];
                    int func = frames[fi].Base + A(i) + 4;
                    SetTop(co, func + 3);
                    frames[fi].Pc = PcOf(pc, code);
                    if (PreCall(co, func, C(i), FrameFlags.None))
                    {
                        goto newFrame;
                    }

                    if (co.Yielding)
                    {
                        return true;
                    }

                    goto reload;
                }

                case OpCode.TForLoop:
                {
                    if (!ra[4].IsNil)
                    {
                        ra[2] = ra[4];
                        pc -= Bx(i);
                        if ((Fuel -= Bx(i)) <= 0)
                        {
                            goto outOfFuel;
                        }
                    }

                    continue;
                }

                case OpCode.SetList:
                {
                    int n = B(i);
                    int last = C(i);
                    int first = frames[fi].Base + A(i);
                    if (n == 0)
                    {
                        n = GetTop(co) - first - 1;
                    }

                    if (K(i))
                    {
                        last += Ax(*pc) * (MaxC + 1);
                        pc++;
                    }

                    frames[fi].Pc = PcOf(pc, code);
                    SetList(co, first, n, last);
                    SetTop(co, frames[fi].Top);
                    goto reload;
                }

                case OpCode.Closure:
                {
                    frames[fi].Pc = PcOf(pc, code);
                    MakeClosure(co, cl, Proto(cl->Proto), Bx(i), frames[fi].Base, frames[fi].Base + A(i));
                    Reload(co, fi, out frames, out @base); // a call may have grown the frame array
                    CheckGCAt(co, frames[fi].Base + A(i) + 1);
                    goto reload;
                }

                case OpCode.VarArg:
                {
                    frames[fi].Pc = PcOf(pc, code);
                    int n = C(i) - 1;
                    CopyVarargs(co, fi, frames[fi].Base + A(i), n);
                    goto reload;
                }

                case OpCode.VarArgPrep:
                {
                    frames[fi].Pc = PcOf(pc, code);
                    AdjustVarargs(co, fi, A(i), Proto(cl->Proto)->MaxStackSize);
                    if (typeof(THook) == typeof(Hooked))
                    {
                        HookLuaCall(co, fi);
                        co.OldPc = 1; // the next instruction is seen as a new line
                    }

                    goto reload;
                }

                default:
                    frames[fi].Pc = PcOf(pc, code);
                    throw LuaError.Runtime("invalid instruction");
            }

            // The slow paths of the table accesses, out of their cases: metamethods, the
            // __index/__newindex chains, a key that is not there yet.
        finishGet:
            if (gt.Tag == Tag.Table ? TryIndexChain(gt.R, gk, ra) : gt.IsString && TryStringIndex(gk, ra))
            {
                continue; // found along table-valued __index fields (methods of a class, the string library)
            }

            frames[fi].Pc = PcOf(pc, code);
            if (FinishGet(co, gt, gk, A(i)))
            {
                goto newFrame;
            }

            goto reload;

        finishSet:
            frames[fi].Pc = PcOf(pc, code);
            if (gt.Tag == Tag.Table && gk.Tag != Tag.Float && TryStoreRaw(gt.R, gk, gv))
            {
                goto reload; // the table may have grown, and an emergency collection run
            }

            if (FinishSet(co, gt, gk, gv))
            {
                goto newFrame;
            }

            // After a call out that returned here (a metamethod, a host function, a collection
            // that ran finalizers): one place for the reload, so the loop inlines it once.
        reload:
            Reload(co, fi, out frames, out @base);
            continue;

            // A test's conditional jump (Lua's docondjump): the next instruction is the JMP,
            // skipped when the outcome differs from k.
        condJump:
            if (cond != K(i))
            {
                pc++;
            }
            else
            {
                int sj = SJ(*pc);
                pc += sj + 1;
                if (sj < 0 && (Fuel += sj) <= 0)
                {
                    goto outOfFuel; // a back edge counts its distance against the budget
                }
            }

            continue;

        outOfFuel:
            frames[fi].Pc = PcOf(pc, code);
            Refuel(); // throws the stop, or issues more fuel
            continue;

            // RETURN0 and RETURN1 to a Lua caller in this loop (the frame not Fresh), results in
            // place: the caller's state restored here rather than at newFrame, whose tests of
            // the hook mask and the yield state cannot fail here (this is the unhooked loop, and
            // a call that changed either left the loop at once). The top: the caller's for a
            // fixed number of results; for all of them the case set it after the results.
        returnToLua:
            {
                ref CallFrame returning = ref frames[fi];
                Value* stack = @base - returning.Base;
                co.FrameCount = fi;
                ref CallFrame caller = ref frames[--fi];
                byte* hb = _hb; // read once (see Code(byte*, ProtoObj*))
                if (returning.NResults >= 0)
                {
                    At<ThreadObj>(hb, co.Thread)->Top = (uint)caller.Top;
                }

                cl = At<LuaClosureObj>(hb, caller.Closure);
                ProtoObj* cp = At<ProtoObj>(hb, cl->Proto);
                code = Code(hb, cp);
                k = Constants(hb, cp);
                @base = stack + caller.Base;
                pc = code + caller.Pc;
            }
        }
    }
}
