using System.Diagnostics;
using System.Runtime.CompilerServices;
using MicroLua.Core;
using MicroLua.Values;
using static MicroLua.Vm.Instruction;

namespace MicroLua.Vm;

/// <summary>
/// The loop's access to registers, constants and upvalues, and the rule for what must be
/// reloaded after a call out. Each access carries a <c>Debug.Assert</c> bounds check (as
/// Luau's VM_REG): the verifier promises every operand is in range, and every Debug test
/// run checks that promise; a Release build compiles the checks away.
/// </summary>
internal sealed unsafe partial class Interpreter
{
    /// <summary>Turns a heap reference into a pointer to the block's header, typed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private T* At<T>(uint r)
        where T : unmanaged => At<T>(_hb, r);

    /// <summary>As <see cref="At{T}(uint)"/> for a heap based at <paramref name="hb"/> (see <see cref="Code(byte*, ProtoObj*)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T* At<T>(byte* hb, uint r)
        where T : unmanaged => (T*)(hb + ((nuint)r << 3));

    /// <summary>
    /// The bounds of instruction <paramref name="i"/>'s register, constant and upvalue
    /// operands, checked in Debug builds only: the call disappears from a Release build
    /// (<see cref="ConditionalAttribute"/>), so it costs the loop nothing there, not even a
    /// place in the JIT's budget of locals for inlining (past 922 locals it stops inlining
    /// into the loop, which an inline accessor per operand used up).
    /// </summary>
    [Conditional("DEBUG")]
    private void CheckOperands(ProtoObj* p, LuaClosureObj* cl, ulong i)
    {
        OpCode op = Op(i);
        // (RETURN's A is where its values start: past the frame when it returns none.)
        bool aIsRegister = op is not (OpCode.SetTabUp or OpCode.Jmp or OpCode.Return or OpCode.Return0 or OpCode.VarArgPrep or OpCode.ExtraArg);
        // Not Debug.Assert with the interpolated message: netstandard2.1 has no lazy handler, so it
        // would format the message at every instruction.
        if (aIsRegister && A(i) >= p->MaxStackSize)
        {
            Debug.Fail($"register A out of the frame ({op})");
        }
        switch (op)
        {
            case OpCode.Move or OpCode.GetI or OpCode.AddI or OpCode.ShrI or OpCode.ShlI or OpCode.MmBin
                or OpCode.Unm or OpCode.BNot or OpCode.Not or OpCode.Len or OpCode.Eq or OpCode.Lt or OpCode.Le
                or OpCode.TestSet:
                Debug.Assert(B(i) < p->MaxStackSize, "register B out of the frame");
                break;
            case OpCode.GetTable or (>= OpCode.Add and <= OpCode.Shr):
                Debug.Assert(B(i) < p->MaxStackSize && C(i) < p->MaxStackSize, "register B or C out of the frame");
                break;
            case OpCode.GetField or (>= OpCode.AddK and <= OpCode.BXorK):
                Debug.Assert(B(i) < p->MaxStackSize && (uint)C(i) < p->SizeConstants, "register B or constant C out of range");
                break;
            case OpCode.GetTabUp:
                Debug.Assert(B(i) < p->SizeUpvals && (uint)C(i) < p->SizeConstants, "upvalue B or constant C out of range");
                break;
            case OpCode.Return:
                Debug.Assert(B(i) == 0 || A(i) + B(i) - 1 <= p->MaxStackSize, "returned registers out of the frame");
                break;
            case OpCode.GetUpval or OpCode.SetUpval:
                Debug.Assert(B(i) < p->SizeUpvals, "upvalue B out of the closure");
                break;
            case OpCode.EqK or OpCode.MmBinK:
                Debug.Assert((uint)B(i) < p->SizeConstants, "constant B out of the table");
                break;
            case OpCode.LoadK:
                Debug.Assert((uint)Bx(i) < p->SizeConstants, "constant Bx out of the table");
                break;
            case OpCode.SetTabUp or OpCode.SetField or OpCode.SetI or OpCode.SetTable or OpCode.Self:
                Debug.Assert(op != OpCode.SetTabUp || A(i) < p->SizeUpvals, "upvalue A out of the closure");
                Debug.Assert(op is not (OpCode.SetTabUp or OpCode.SetField) || (uint)B(i) < p->SizeConstants, "constant B out of the table");
                Debug.Assert(op is not (OpCode.Self or OpCode.SetTable) || B(i) < p->MaxStackSize, "register B out of the frame");
                Debug.Assert(K(i) ? (uint)C(i) < p->SizeConstants : C(i) < p->MaxStackSize, "RK(C) out of range");
                break;
        }

        Debug.Assert(Proto(cl->Proto) == p, "the running closure's prototype");
    }

    /// <summary>The value of upvalue <paramref name="i"/> of <paramref name="cl"/> (open: a stack slot; closed: its own cell).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Value* UpvalPtr(LuaClosureObj* cl, int i)
    {
        Debug.Assert((uint)i < Proto(cl->Proto)->SizeUpvals, "upvalue out of the closure");
        uint u = LuaClosureObj.Upvals(cl)[i];
        return At<Value>(At<UpValueObj>(u)->V);
    }

    /// <summary>
    /// After anything that can call out (a metamethod, a host function, a hook, a stack
    /// growth, a collection that runs finalizers): the frame array and the stack may have
    /// moved, so the loop's pointers into them are fetched again (Luau's VM_PROTECT).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Reload(Coroutine co, int fi, out CallFrame[] frames, out Value* @base)
    {
        frames = co.Frames;
        @base = StackOf(co) + frames[fi].Base;
    }

    /// <summary>A table access's fast path: the value in <paramref name="slot"/> into R[A], when the key is there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryLoad(Value* slot, Value* ra)
    {
        if (slot == null || slot->IsNil)
        {
            return false; // absent: the slow path consults __index
        }

        *ra = *slot;
        return true;
    }

    /// <summary>
    /// A table assignment's fast path: an existing key of table <paramref name="t"/> gets
    /// <paramref name="v"/>; so does an empty entry (a key whose value was removed, as a
    /// table used as a set or a cache has) when the table has no metatable. As in
    /// <see cref="LuaTable.Set"/>, the entry's key gets a barrier (it may be unmarked while its
    /// value was nil) and a string key clears the table's metamethod-absence flags.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryStore(Value* slot, uint t, Value* key, Value* v)
    {
        if (slot == null)
        {
            return false; // absent: the slow path consults __newindex, or adds the key
        }

        if (slot->IsNil && !StoreIntoEmpty(t, key))
        {
            return false; // a metatable whose __newindex may apply
        }

        *slot = *v;
        G.WriteBarrier(t, *v);
        return true;
    }

    /// <summary>The rare half of <see cref="TryStore"/>: whether an empty entry may take the value, with its key's barrier and flags done.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool StoreIntoEmpty(uint t, Value* key)
    {
        TableObj* to = At<TableObj>(t);
        if (to->Metatable != 0)
        {
            return false;
        }

        G.WriteBarrier(t, *key);
        if (key->IsString)
        {
            to->Flags = 0;
        }

        return true;
    }

    /// <summary>
    /// The fast path of an assignment with an integer key: also an empty slot (an array item
    /// past the border, as `t[#t + 1] = v` writes, or a node whose value was removed) takes the
    /// value when the table has no metatable. An integer key needs no barrier of its own and
    /// clears no metamethod-absence flag (those are for string keys), which the general path
    /// would have to do.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryStoreInt(Value* slot, uint t, Value* v)
    {
        if (slot == null || (slot->IsNil && At<TableObj>(t)->Metatable != 0))
        {
            return false; // absent, or a metatable whose __newindex may apply: the slow path
        }

        *slot = *v;
        G.WriteBarrier(t, *v);
        return true;
    }

    /// <summary>
    /// The common slow path of a store: <paramref name="t"/> has no metatable and is not a
    /// library table waiting for its fill, so the store is raw, and the loop's lookup found no
    /// slot (an empty entry of such a table the loop's own store fills), so the key is new;
    /// it is inserted here without FinishSet's walk or a second lookup. False otherwise, for
    /// the general path. <paramref name="key"/> is not a float (Set's normalisation is FinishSet's).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryStoreRaw(uint t, in Value key, in Value v)
    {
        TableObj* to = At<TableObj>(t);
        if (to->Metatable != 0 || to->Lazy != 0)
        {
            return false;
        }

        LuaTable.SetAbsent(G, t, key, v); // the loop's lookup found no slot: every store that comes here missed
        return true;
    }

    /// <summary>
    /// The common slow path of a read, kept out of the general <see cref="FinishGet"/>:
    /// <paramref name="key"/> is absent from table <paramref name="t"/> (or <paramref name="t"/> is a
    /// library table not yet filled, which is filled and looked in first), and the chain of
    /// table-valued <c>__index</c> fields (a class and its bases) is followed as Lua's
    /// luaV_finishget does, each metatable's absence flags answering first. True with the
    /// result in <paramref name="dst"/>; false when a step needs the general path (an
    /// <c>__index</c> function, a non-table, a chain too long, whose error it raises).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryIndexChain(uint t, in Value key, Value* dst)
    {
        if (At<TableObj>(t)->Lazy != 0)
        {
            // A library table the loop's lookup found unfilled (FindShortStringUnfilled): fill it and look again.
            Value* slot = LuaTable.Find(G, t, key);
            if (slot != null && !slot->IsNil)
            {
                *dst = *slot;
                return true;
            }
        }

        uint mt = At<TableObj>(t)->Metatable;
        Value tm = mt == 0 ? default : GetTMFromTable(mt, TM.Index);
        if (tm.IsNil)
        {
            *dst = default; // absent and no __index: nil
            return true;
        }

        return tm.Tag == Tag.Table && TryIndexTables(tm.R, key, dst);
    }

    /// <summary>
    /// As <see cref="TryIndexChain"/> for a string: a table-valued <c>__index</c> of the string
    /// metatable (the string library, for <c>s:byte(i)</c>) answers in the loop. Without one
    /// the general path raises or calls.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryStringIndex(in Value key, Value* dst)
    {
        uint mt = G.TypeMetatables[(int)LuaType.String];
        Value tm = mt == 0 ? default : GetTMFromTable(mt, TM.Index);
        return tm.Tag == Tag.Table && TryIndexTables(tm.R, key, dst);
    }

    /// <summary>The chain from the table <paramref name="t"/> an <c>__index</c> field named: its entry, else its own <c>__index</c>, and so on.</summary>
    private bool TryIndexTables(uint t, in Value key, Value* dst)
    {
        for (int loop = 1; loop < LuaLimits.MaxTagLoop; loop++)
        {
            Value* slot = key.Tag == Tag.ShortString ? LuaTable.FindShortString(G, t, key.R) : LuaTable.Find(G, t, key);
            if (slot != null && !slot->IsNil)
            {
                *dst = *slot;
                return true;
            }

            uint mt = At<TableObj>(t)->Metatable;
            Value tm = mt == 0 ? default : GetTMFromTable(mt, TM.Index);
            if (tm.IsNil)
            {
                *dst = default;
                return true;
            }

            if (tm.Tag != Tag.Table)
            {
                return false;
            }

            t = tm.R;
        }

        return false; // a chain too long: the general path raises
    }
}
