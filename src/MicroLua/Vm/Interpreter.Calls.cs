using System.Diagnostics;
using System.Runtime.CompilerServices;
using MicroLua.Core;
using MicroLua.Values;
using static MicroLua.Vm.Instruction;

namespace MicroLua.Vm;

internal sealed unsafe partial class Interpreter
{
    /// <summary>Free slots a host function may use above its arguments without checking (Lua's LUA_MINSTACK).</summary>
    public const int MinHostStack = 20;

    /// <summary>Handle of the pcall and xpcall host functions, which the interpreter runs as protected frames.</summary>
    public int PCallHandle = -1;
    public int XPCallHandle = -1;

    /// <summary>How many pcall/xpcall calling one another directly share one activation; deeper ones recurse (and count as C calls).</summary>
    private const int MaxPcallNest = 100;

    /// <summary>
    /// Calls the value at stack index <paramref name="func"/> with the arguments above it (up to
    /// the top). A Lua function gets a new frame and true is returned: the caller runs it. A
    /// host function runs to completion here; its results are moved to <paramref name="func"/>
    /// and false is returned.
    /// </summary>
    public bool PreCall(Coroutine co, int func, int nresults, FrameFlags flags) => PreCall(co, func, nresults, flags, func);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // a test of the tag, then the call of one of the two cases
    private bool PreCall(Coroutine co, int func, int nresults, FrameFlags flags, int returnSlot) =>
        StackOf(co)[func].Tag == Tag.LuaClosure
            ? PreCallLua(co, func, nresults, flags, returnSlot)
            : PreCallOther(co, func, nresults, flags, returnSlot);

    /// <summary>PreCall of a Lua function: its frame pushed, the missing parameters nil.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool PreCallLua(Coroutine co, int func, int nresults, FrameFlags flags, int returnSlot)
    {
        uint closure = StackOf(co)[func].R;
        ProtoObj* p = Proto(At<LuaClosureObj>(closure)->Proto);
        int nargs = GetTop(co) - func - 1;
        EnsureStack(co, LuaFrameNeed(func, nargs, p));
        if (--Fuel <= 0)
        {
            Refuel(); // a call counts one against the instruction budget
        }

        int depth = MetaDepth(co, flags);
        int fi = co.PushFrame();
        StartLuaFrame(co, ref co.Frames[fi], closure, p, func, nargs, nresults, returnSlot, depth, flags);
        return true;
    }

    /// <summary>
    /// The stack a frame of <paramref name="p"/> at <paramref name="func"/> with
    /// <paramref name="nargs"/> arguments needs: its registers above the arguments, or above the
    /// parameters when fewer came, and a slot more. The loop's CALL tests the same room inline.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int LuaFrameNeed(int func, int nargs, ProtoObj* p) => func + 2 + Math.Max(nargs, (int)p->NumParams) + p->MaxStackSize;

    /// <summary>
    /// Starts <paramref name="fr"/> as the frame of Lua function <paramref name="closure"/>
    /// (prototype <paramref name="p"/>) at <paramref name="func"/>, its <paramref name="nargs"/>
    /// arguments above it: the missing parameters nil, the frame's fields, the top (a vararg
    /// function's after its arguments, which its VARARGPREP moves). The stack has the room
    /// (<see cref="LuaFrameNeed"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void StartLuaFrame(Coroutine co, ref CallFrame fr, uint closure, ProtoObj* p, int func, int nargs, int nresults, int returnSlot, int depth, FrameFlags flags)
    {
        Value* stack = StackOf(co);
        for (; nargs < p->NumParams; nargs++)
        {
            stack[func + 1 + nargs] = default;
        }

        fr.StartLua(closure, func, p->MaxStackSize, nresults, returnSlot, depth, flags);
        SetTop(co, p->IsVararg != 0 ? func + 1 + nargs : fr.Top);
    }

    /// <summary>PreCall of a host function, or of a value called through __call.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool PreCallOther(Coroutine co, int func, int nresults, FrameFlags flags, int returnSlot)
    {
        Value* f = StackOf(co) + func;
        switch (f->Tag)
        {
            case Tag.HostFunction:
            case Tag.HostClosure:
            {
                int handle = f->Tag == Tag.HostFunction ? (int)f->I : At<HostClosureObj>(f->R)->Handle;
                if (handle == PCallHandle || handle == XPCallHandle)
                {
                    return ProtectedCall(co, func, nresults, flags, returnSlot, handle == XPCallHandle);
                }

                return CallHost(co, func, nresults, flags, returnSlot, G.Handles.Get<HostFunctionInfo>(handle));
            }

            default:
                ResolveCallChain(co, func); // leaves a function at func, or raises
                return PreCall(co, func, nresults, flags, returnSlot);
        }
    }

    /// <summary>
    /// Calling a value that is no function: its __call handler is called with the value
    /// inserted as first argument, and so on while the handler is no function either (Lua
    /// inserts one handler per step, as many as the stack holds, then "stack overflow").
    /// The chain is walked first and the handlers inserted in one move, so a long chain is
    /// linear and a self-referencing one ends with that error after one walk of the stack's
    /// size (charged to the instruction budget, one per step). Leaves a function at
    /// <paramref name="func"/>, or raises "attempt to call" for the first value without __call.
    /// </summary>
    private void ResolveCallChain(Coroutine co, int func)
    {
        int top = GetTop(co);
        int room = MaxStack - top;
        int steps = 0;
        Value v = StackOf(co)[func];
        while (!v.IsFunction)
        {
            Value tm = GetMetamethod(v, TM.Call);
            if (tm.IsNil || steps > room)
            {
                break;
            }

            v = tm;
            steps++;
        }

        Fuel -= steps;
        if (Fuel <= 0)
        {
            Refuel();
        }

        EnsureStack(co, top + steps); // past the stack's limit: "stack overflow", as Lua's insertions end
        Value* stack = StackOf(co);
        MoveValues(stack + func, stack + func + steps, top - func);
        v = stack[func + steps];
        for (int i = steps - 1; i >= 0; i--)
        {
            v = GetMetamethod(v, TM.Call);
            stack[func + i] = v;
        }

        SetTop(co, top + steps);
        if (!stack[func].IsFunction)
        {
            throw CallError(co, func);
        }
    }

    /// <summary>The metamethod depth of a new frame; "C stack overflow" when metamethod calls nest too deep.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int MetaDepth(Coroutine co, FrameFlags flags)
    {
        int depth = co.FrameCount > 0 ? co.Frames[co.FrameCount - 1].CDepth : 0;
        // Metamethod calls and protected calls are C calls in Lua: they count against its C-call limit.
        if ((flags & (FrameFlags.FinishOp | FrameFlags.Protected)) != 0 && (flags & FrameFlags.Tail) == 0 && ++depth + CCalls >= MaxCCalls)
        {
            throw LuaError.Runtime(LuaErrors.CStackOverflow);
        }

        return depth;
    }

    /// <summary>Runs a host function; true when it ended in a tail call that pushed a Lua frame.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into PreCallOther, its one caller: one frame fewer per host call
    private bool CallHost(Coroutine co, int func, int nresults, FrameFlags flags, int returnSlot, HostFunctionInfo info)
    {
        int top = GetTop(co);
        EnsureStack(co, top + MinHostStack);
        int depth = MetaDepth(co, flags);
        int fi = co.PushFrame();
        ref CallFrame fr = ref co.Frames[fi];
        fr.CDepth = depth;
        fr.Func = func;
        fr.Base = func + 1;
        fr.Top = top;
        fr.ReturnSlot = returnSlot;
        fr.Pc = 0;
        fr.Closure = 0;
        fr.NVarargs = 0;
        fr.NResults = nresults;
        fr.Handler = 0;
        fr.ConcatTop = 0;
        fr.Flags = flags & ~FrameFlags.Lua;
        if (co.HookMask != 0)
        {
            HookHostCall(co, fi);
        }

        var ctx = new CallContext(this, co, fi, info);
        int n = info.Fn(ref ctx);
        if (PendingStop != null)
        {
            throw PendingStop; // the host function disposed the state (or another thread did)
        }

        if (n == Raised)
        {
            return RaiseFromHost(co, fi, flags);
        }

        if (co.Yielding)
        {
            return false; // the frame stays until the coroutine is resumed
        }

        if (co.PendingTailCall >= 0)
        {
            return HostTailCall(co, fi);
        }

        if (co.HookMask != 0)
        {
            HookReturn(co, fi, GetTop(co) - n, n);
        }

        if (flags == FrameFlags.None && (uint)nresults <= (uint)n && co.HookMask == 0)
        {
            // Called by a Lua frame's CALL for as many results as it returned or fewer (s:byte(i)
            // in a loop): PostCall's adjustment comes down to moving them and the caller's top.
            Value* st = StackOf(co);
            MoveValues(st + GetTop(co) - n, st + returnSlot, nresults);
            co.FrameCount = fi;
            SetTop(co, co.Frames[fi - 1].Top);
        }
        else
        {
            PostCall(co, GetTop(co) - n, n);
        }

        if (G.GcDebt > 0)
        {
            G.CheckGC(); // a safe point: the results are below the top, the caller's registers too
        }

        return false;
    }

    /// <summary>
    /// The host function of frame <paramref name="fi"/> asked to be replaced by a call
    /// (CallContext.TailCall): the called function gets this frame's place, so it can yield
    /// like any Lua call. True when it pushed a Lua frame.
    /// </summary>
    private bool HostTailCall(Coroutine co, int fi)
    {
        int tf = co.PendingTailCall;
        co.PendingTailCall = -1;
        ref CallFrame hf = ref co.Frames[fi];
        int dest = hf.Func;
        int count = GetTop(co) - tf;
        Value* st = StackOf(co);
        MoveValues(st + tf, st + dest, count);
        SetTop(co, dest + count);
        FrameFlags hflags = hf.Flags;
        int hres = hf.NResults;
        int hslot = hf.ReturnSlot;
        co.FrameCount = fi;
        return PreCall(co, dest, hres, hflags, hslot);
    }

    /// <summary>
    /// Goes on with a coroutine resumed from a yield of a host function (its top frame), the
    /// <paramref name="nargs"/> resume values on top of its stack. Without a continuation they
    /// are the call's results; with one (lua_yieldk's k) it runs in the host function's frame
    /// with them as arguments, and what it returns finishes the call. Then the Lua frames below
    /// run until the coroutine yields again or its body returns. An error of the continuation
    /// unwinds to a pcall in the coroutine as an error of the host function would.
    /// </summary>
    public void ResumeYield(Coroutine co, int nargs)
    {
        HostContinuation? k = co.Continuation;
        if (k == null)
        {
            if (!PostCall(co, GetTop(co) - nargs, nargs))
            {
                ExecuteFrom(co, 0);
            }

            return;
        }

        co.Continuation = null;
        LuaError? error = null;
        bool finished = false;
        try
        {
            finished = RunContinuation(co, k, nargs);
        }
        catch (LuaError e) when (!co.Yielding && ProtectedFrameOf(co, 0) >= 0)
        {
            error = e; // handled after the catch block, as in ExecuteFrom
        }

        if (error != null)
        {
            Recover(co, 0, error);
            if (co.FrameCount == 0)
            {
                return; // the protected frame was the body's: the coroutine's results are in place
            }
        }
        else if (finished)
        {
            return;
        }

        ExecuteFrom(co, 0);
    }

    /// <summary>
    /// Runs a continuation in the top frame (a host function's) with the resume values as its
    /// arguments, then finishes the call as <see cref="CallHost"/> does. True when nothing is
    /// left to run: the coroutine yields again, or the body's frame returned.
    /// </summary>
    private bool RunContinuation(Coroutine co, HostContinuation k, int nargs)
    {
        int fi = co.FrameCount - 1;
        int @base = co.Frames[fi].Base;
        int first = GetTop(co) - nargs;
        if (first != @base)
        {
            Value* st = StackOf(co); // overlapping moves are fine for MemoryCopy
            MoveValues(st + first, st + @base, nargs);
            SetTop(co, @base + nargs);
        }

        EnsureStack(co, @base + nargs + MinHostStack);
        var ctx = new CallContext(this, co, fi, k.Info!);
        int n = k.Resume(ref ctx);
        if (PendingStop != null)
        {
            throw PendingStop; // the continuation disposed the state (or another thread did)
        }

        if (n == Raised)
        {
            throw RaisedError(TakeRaised()); // ResumeYield's catch unwinds it
        }

        if (co.Yielding)
        {
            return true;
        }

        if (co.PendingTailCall >= 0)
        {
            // a Lua frame runs in the caller's loop; a host function ran already (only the body's frame is fresh)
            return !HostTailCall(co, fi) && (co.Yielding || co.FrameCount == 0);
        }

        if (co.HookMask != 0)
        {
            HookReturn(co, fi, GetTop(co) - n, n);
        }

        bool fresh = PostCall(co, GetTop(co) - n, n);
        if (G.GcDebt > 0)
        {
            G.CheckGC();
        }

        return fresh;
    }

    /// <summary>
    /// pcall and xpcall: the called function runs in a frame marked protected; an error below
    /// it unwinds to it (see <see cref="Recover"/>) instead of further.
    /// </summary>
    private bool ProtectedCall(Coroutine co, int func, int nresults, FrameFlags flags, int returnSlot, bool withHandler, int nest = 0)
    {
        int top = GetTop(co);
        int nargs = top - func - 1;
        Value* stack = StackOf(co);
        int handler = 0;
        if (withHandler)
        {
            if (nargs < 2 || !stack[func + 2].IsFunction)
            {
                string got = nargs < 2 ? "no value" : TypeName(stack[func + 2]);
                throw new LuaError("bad argument #2 to 'xpcall' (function expected, got " + got + ")");
            }

            // [xpcall][f][h][args...] -> [h][f][args...]: the handler waits in the result slot.
            Value h = stack[func + 2];
            for (int i = func + 2; i < top - 1; i++)
            {
                stack[i] = stack[i + 1];
            }

            stack[func] = h;
            handler = func;
            SetTop(co, top - 1);
        }
        else if (nargs < 1)
        {
            throw new LuaError("bad argument #1 to 'pcall' (value expected)");
        }

        FrameFlags pflags = flags | FrameFlags.Protected | (withHandler ? FrameFlags.HasHandler : 0);
        int frames = co.FrameCount;
        Value callee = StackOf(co)[func + 1];
        bool calleeIsPcall = callee.Tag == Tag.HostFunction && (callee.I == PCallHandle || callee.I == XPCallHandle);
        if (calleeIsPcall && (flags & (FrameFlags.Protected | FrameFlags.FinishOp)) == 0 && nest < MaxPcallNest)
        {
            // pcall(pcall, f), xpcall(pcall, h, f) ...: this call's "true" goes in the result
            // slot and the inner call returns just above it, in frames of this activation, so
            // that f can yield. The inner call catches every error of f; what reaches this one
            // is an error of the inner call itself (a missing argument), raised before it has
            // run anything, so this call's handler is still in place for it.
            int wanted = nresults < 0 ? -1 : Math.Max(nresults - 1, 0);
            FrameFlags innerFlags = flags & ~(FrameFlags.Protected | FrameFlags.HasHandler);
            try
            {
                bool pushed = ProtectedCall(co, func + 1, wanted, innerFlags, returnSlot + 1, callee.I == XPCallHandle, nest + 1);
                StackOf(co)[returnSlot] = Value.True;
                return pushed;
            }
            catch (LuaError e) when (!co.Yielding && !e.IsStackOverflow)
            {
                co.FrameCount = frames;
                Value err = ErrorValue(co, e, noPosition: true);
                if (withHandler)
                {
                    err = CallHandler(co, handler, err);
                }

                co.FrameCount = frames;
                stack = StackOf(co);
                stack[returnSlot] = Value.False;
                stack[returnSlot + 1] = err;
                FinishResults(co, returnSlot, 2, nresults, flags);
                return false;
            }
        }

        if (calleeIsPcall || (flags & FrameFlags.Protected) != 0)
        {
            // pcall(pcall, f): a protected frame holds one result prefix, so the inner call runs
            // in an activation of its own and its results come back with this call's "true".
            pflags = flags & ~(FrameFlags.Protected | FrameFlags.HasHandler);
            try
            {
                Call(co, func + 1, -1);
                int n = GetTop(co) - (func + 1);
                EnsureStack(co, returnSlot + n + 2);
                Value* st = StackOf(co);
                MoveValues(st + func + 1, st + returnSlot + 1, n);
                st[returnSlot] = Value.True;
                FinishResults(co, returnSlot, n + 1, nresults, pflags);
                return false;
            }
            catch (LuaError e) when (!co.Yielding && !e.IsStackOverflow)
            {
                co.FrameCount = frames;
                Value err = ErrorValue(co, e, noPosition: true);
                if (withHandler)
                {
                    err = CallHandler(co, handler, err);
                }

                stack = StackOf(co);
                stack[returnSlot] = Value.False;
                stack[returnSlot + 1] = err;
                FinishResults(co, returnSlot, 2, nresults, pflags);
                return false;
            }
        }

        try
        {
            bool pushed = PreCall(co, func + 1, nresults, pflags, returnSlot);
            if (pushed || co.Yielding)
            {
                // a Lua frame, or a host function that yielded: an error after its resume goes to the handler too
                co.Frames[co.FrameCount - 1].Handler = handler;
            }

            return pushed;
        }
        catch (LuaError e) when (!co.Yielding && !e.IsStackOverflow)
        {
            // The error came before the protected frame existed (calling a non-function) or
            // from a host function run directly: finish the pcall here. Its level 1 is pcall,
            // a host function, so the message gets no position.
            co.FrameCount = frames;
            FailProtectedCall(co, ErrorValue(co, e, noPosition: true), withHandler ? handler : -1, returnSlot, nresults, flags);
            return false;
        }
    }

    /// <summary>
    /// Finishes a pcall (xpcall with its handler in stack slot <paramref name="handler"/>, or
    /// -1) whose function failed before it had a frame of its own with the error
    /// <paramref name="error"/>: false and the error (what the handler made of it) are its results.
    /// </summary>
    private void FailProtectedCall(Coroutine co, in Value error, int handler, int returnSlot, int nresults, FrameFlags flags)
    {
        Value err = error;
        int frames = co.FrameCount;
        if (handler >= 0)
        {
            G.PushTemp(err); // the handler's call may collect
            err = CallHandler(co, handler, err);
            G.PopTemp();
        }

        co.FrameCount = frames;
        Value* stack = StackOf(co);
        stack[returnSlot] = Value.False;
        stack[returnSlot + 1] = err;
        FinishResults(co, returnSlot, 2, nresults, flags);
    }

    /// <summary>Calls an xpcall message handler with the error; its first result is the new error value.</summary>
    private Value CallHandler(Coroutine co, int handlerSlot, in Value err)
    {
        Value e = err;
        int top = GetTop(co);
        int limit = Math.Max(top, co.FrameCount > 0 ? co.Frames[co.FrameCount - 1].Top : top);
        try
        {
            EnsureStack(co, limit + 2);
            Value* stack = StackOf(co);
            stack[limit] = stack[handlerSlot];
            stack[limit + 1] = e;
            SetTop(co, limit + 2);
            Call(co, limit, 1);
            return StackOf(co)[limit];
        }
        catch (LuaError inner) when (!co.Yielding)
        {
            // Lua calls the handler again on its own error until the C stack runs out; the
            // outcome is this message (a handler that fails on its own error fails again).
            return inner.IsMemoryError ? G.MemoryErrorString : G.NewString(LuaErrors.ErrorInErrorHandling);
        }
    }

    /// <summary>
    /// Moves <paramref name="n"/> results starting at stack index <paramref name="first"/> to
    /// the top frame's result slot, pops the frame, and finishes what the caller was doing.
    /// Returns true when the frame was fresh (its activation must return).
    /// </summary>
    public bool PostCall(Coroutine co, int first, int n)
    {
        int fi = co.FrameCount - 1;
        ref CallFrame fr = ref co.Frames[fi];
        int res = fr.ReturnSlot;
        int wanted = fr.NResults;
        FrameFlags flags = fr.Flags;
        Value* stack = StackOf(co);
        if ((flags & FrameFlags.Protected) != 0)
        {
            if (n > 0)
            {
                MoveValues(stack + first, stack + res + 1, n);
            }

            stack[res] = Value.True;
            n++;
        }
        else if (first != res && n > 0)
        {
            MoveValues(stack + first, stack + res, n);
        }

        co.FrameCount = fi;
        return FinishResults(co, res, n, wanted, flags);
    }

    private bool FinishResults(Coroutine co, int res, int n, int wanted, FrameFlags flags)
    {
        Value* stack = StackOf(co);
        if (wanted >= 0)
        {
            if (n < wanted)
            {
                EnsureStack(co, res + wanted);
                stack = StackOf(co);
                for (int i = n; i < wanted; i++)
                {
                    stack[res + i] = default;
                }
            }

            n = wanted;
        }

        if ((flags & FrameFlags.Fresh) != 0 || co.FrameCount == 0)
        {
            SetTop(co, res + n);
            return true;
        }

        ref CallFrame caller = ref co.Frames[co.FrameCount - 1];
        SetTop(co, wanted < 0 ? res + n : caller.Top);
        if ((flags & FrameFlags.FinishOp) != 0)
        {
            if ((flags & FrameFlags.CloseError) != 0)
            {
                return ContinueUnwind(co, co.FrameCount - 1);
            }

            FinishOp(co, ref caller, stack[res]);
        }

        return false;
    }

    /// <summary>Completes the instruction that called a metamethod, with the metamethod's result.</summary>
    private void FinishOp(Coroutine co, ref CallFrame caller, Value result)
    {
        ProtoObj* p = Proto(((LuaClosureObj*)(_hb + ((nuint)caller.Closure << 3)))->Proto);
        uint* code = Code(p);
        uint inst = code[caller.Pc - 1];
        Value* @base = StackOf(co) + caller.Base;
        switch (Op(inst))
        {
            case OpCode.MmBin:
            case OpCode.MmBinI:
            case OpCode.MmBinK:
                @base[A(code[caller.Pc - 2])] = result;
                break;
            case OpCode.Unm:
            case OpCode.BNot:
            case OpCode.Len:
            case OpCode.GetTabUp:
            case OpCode.GetTable:
            case OpCode.GetI:
            case OpCode.GetField:
            case OpCode.Self:
                @base[A(inst)] = result;
                break;
            case OpCode.Concat:
            {
                // Put the result in place of the two operands and run the rest of the concatenation again.
                int top = caller.ConcatTop;
                @base[top - 2 - caller.Base] = result;
                if (top - 1 - (caller.Base + A(inst)) > 1)
                {
                    caller.ConcatTop = top - 1;
                    caller.Pc--;
                }
                else
                {
                    caller.ConcatTop = 0;
                }

                break;
            }

            case OpCode.Eq:
            case OpCode.Lt:
            case OpCode.Le:
            case OpCode.LtI:
            case OpCode.LeI:
            case OpCode.GtI:
            case OpCode.GeI:
            {
                bool cond = !result.IsFalsy;
                if (cond != K(inst))
                {
                    caller.Pc++; // skip the jump
                }

                break;
            }

            case OpCode.Close:
                caller.Pc--; // run it again: it goes on with the next to-be-closed variable
                break;
            case OpCode.Return:
                SetTop(co, caller.Base + A(inst) + caller.ConcatTop); // the results, under the __close call
                caller.Pc--;
                break;
            default:
                break; // stores: nothing to finish
        }
    }

    /// <summary>
    /// TAILCALL's common case, for the loop: a Lua function (at <paramref name="func"/>, with
    /// <paramref name="b"/> - 1 arguments, or up to the top for 0) called in tail position by the
    /// plain Lua frame <paramref name="fi"/> (no pcall, metamethod or host caller to keep). The
    /// function and its arguments move down to the frame's return slot and the callee takes the
    /// frame over, as <see cref="TailCall"/> and PreCallLua do in general. False, with nothing
    /// done, when the frame is not plain or the stack or the budget has no room: the general path.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryTailCallLua(Coroutine co, int fi, int func, int b)
    {
        ref CallFrame fr = ref co.Frames[fi];
        if ((fr.Flags & ~(FrameFlags.Lua | FrameFlags.Tail)) != 0)
        {
            return false;
        }

        Value* stack = StackOf(co);
        uint closure = stack[func].R;
        ProtoObj* p = Proto(At<LuaClosureObj>(closure)->Proto);
        int n = b != 0 ? b : GetTop(co) - func; // the function and its arguments (B = 0: up to the top, `return f(g(x))`)
        int dest = fr.ReturnSlot;
        if (Fuel <= 1 || (uint)LuaFrameNeed(dest, n - 1, p) > ThreadObj(co)->StackSize)
        {
            return false;
        }

        Fuel--; // a call counts one against the budget, as in PreCallLua
        MoveValues(stack + func, stack + dest, n);
        StartLuaFrame(co, ref fr, closure, p, dest, n - 1, fr.NResults, dest, fr.CDepth, FrameFlags.Tail);
        return true;
    }

    private int TailCall(Coroutine co, int fi, int func)
    {
        // Resolve __call while the calling frame still exists: an error names the called
        // value from this frame's TAILCALL, and a pcall around it still catches it.
        if (!StackOf(co)[func].IsFunction)
        {
            ResolveCallChain(co, func);
        }

        ref CallFrame fr = ref co.Frames[fi];
        Value* target = StackOf(co) + func;
        if (target->Tag is Tag.HostFunction or Tag.HostClosure)
        {
            // A host function runs above the calling frame (which stays, for its name and
            // position in messages); then the frame returns what it returned.
            // The RETURN that follows every TAILCALL then returns the results from the top.
            return PreCall(co, func, -1, FrameFlags.None) ? 1 : 0;
        }

        int res = fr.ReturnSlot;
        int nresults = fr.NResults;
        FrameFlags flags = (fr.Flags & ~FrameFlags.Lua) | FrameFlags.Tail;
        int handler = fr.Handler;
        int top = GetTop(co);
        Value* stack = StackOf(co);
        int n = top - func;

        // A protected frame keeps its slot layout: the called function moves to Func, results still go to res.
        int dest = (fr.Flags & FrameFlags.Protected) != 0 ? fr.Func : res;
        if (dest != func)
        {
            MoveValues(stack + func, stack + dest, n);
        }

        SetTop(co, dest + n);
        co.FrameCount = fi;
        if ((flags & FrameFlags.Protected) != 0)
        {
            // Errors in the called function still unwind to this pcall.
            if (PreCall(co, dest, nresults, flags, res))
            {
                co.Frames[co.FrameCount - 1].Handler = handler;
                return 1;
            }
        }
        else if (PreCall(co, dest, nresults, flags, res))
        {
            return 1;
        }

        if (co.Yielding)
        {
            return 0;
        }

        return (flags & FrameFlags.Fresh) != 0 ? 2 : 0;
    }

    /// <summary>
    /// Calls the value at <paramref name="func"/> with the arguments above it from host code,
    /// in a new activation of the loop (which counts against the C-call limit and cannot be
    /// suspended by a yield). Results are left at <paramref name="func"/>, top after them.
    /// </summary>
    public void Call(Coroutine co, int func, int nresults) => Call(co, func, nresults, FrameFlags.None);

    /// <summary>As <see cref="Call(Coroutine, int, int)"/>, the called frame flagged with <paramref name="extra"/> too.</summary>
    public void Call(Coroutine co, int func, int nresults, FrameFlags extra)
    {
        if (CCalls >= MaxCCalls || !StackGuard.HasRoom())
        {
            CheckCStack();
        }

        CCalls++;
        co.NonYieldable++;
        int entry = co.FrameCount;
        int temps = G.Temps.Length;
        bool stop = false;
        try
        {
            if (PreCall(co, func, nresults, FrameFlags.Fresh | extra))
            {
                Execute(co);
            }
        }
        catch (Exception e) when (SeeStop(e, ref stop))
        {
            // never entered: SeeStop returns false (see there)
        }
        finally
        {
            CCalls--;
            co.NonYieldable--;
            if (stop)
            {
                ResetAfterStop(co, entry, func, temps);
            }
        }
    }

    /// <summary>
    /// An exception filter that never catches: it notes whether <paramref name="e"/> goes on to
    /// the host past every Lua handler — a stop (<see cref="IsStop"/>) or any other exception that
    /// is no Lua error (an OutOfMemoryException from a host function) — so that the activations
    /// it passes reset their frames. Recursive paths (Lua -> library -> Lua ...) must not catch
    /// and rethrow: .NET runs a catch block above the frames of the throw, so a rethrow at every
    /// level piles up every level's exception dispatch on the stack and overflows it. A filter
    /// runs and returns before the next one; the reset then runs in a finally block, as the
    /// stack unwinds.
    /// </summary>
    public static bool SeeStop(Exception e, ref bool stop)
    {
        stop = e is not LuaError;
        return false;
    }

    /// <summary>
    /// Lua's luaE_checkcstack, for the count and for the .NET stack left (<see cref="StackGuard"/>):
    /// "C stack overflow" at the limit; past it a tenth more levels are allowed for error
    /// handling, then "error in error handling". Too little .NET stack is "C stack overflow" at any count.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void CheckCStack()
    {
        if (CCalls >= MaxCCalls + (MaxCCalls / 10))
        {
            LuaErrors.ThrowErrorInErrorHandling();
        }

        if (CCalls == MaxCCalls || !StackGuard.HasRoom())
        {
            throw StackGuard.Overflow();
        }
    }

    /// <summary>
    /// Handles an error caught by an activation whose frames start at <paramref name="entry"/>:
    /// finds the innermost protected frame at or above it, runs the xpcall handler, closes
    /// upvalues and to-be-closed variables, and leaves false plus the error value as that
    /// call's results. False when no such frame exists (the error goes on outwards).
    /// </summary>
    private bool Recover(Coroutine co, int entry, LuaError e)
    {
        int pf = ProtectedFrameOf(co, entry);
        if (pf < 0)
        {
            return false;
        }

        RecoverAt(co, pf, ErrorValue(co, e));
        return true;
    }

    /// <summary>Unwinds to the protected frame <paramref name="pf"/> with the error value <paramref name="error"/> (see <see cref="Recover"/>).</summary>
    private void RecoverAt(Coroutine co, int pf, in Value error)
    {
        Value err = error;
        ref CallFrame fr = ref co.Frames[pf];
        if ((fr.Flags & FrameFlags.HasHandler) != 0)
        {
            // also for an error of a __close method run by the unwinding, as in Lua
            G.PushTemp(err);
            err = CallHandler(co, fr.Handler, err);
            G.PopTemp();
            fr = ref co.Frames[pf]; // the handler call may have moved the frame array
        }

        co.FrameCount = pf + 1;
        fr.Flags |= FrameFlags.Unwound;
        StackOf(co)[fr.Func] = err; // the pending error waits in the failed function's slot
        ContinueUnwind(co, pf);
    }

    /// <summary>The innermost protected frame at or above frame <paramref name="entry"/>, or -1.</summary>
    private static int ProtectedFrameOf(Coroutine co, int entry)
    {
        for (int i = co.FrameCount - 1; i >= entry && i >= 0; i--)
        {
            if ((co.Frames[i].Flags & FrameFlags.Protected) != 0)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The error value of a __close that failed while frame <paramref name="pf"/> unwinds, through its xpcall handler if any.</summary>
    private Value CloseErrorValue(Coroutine co, int pf, LuaError e)
    {
        Value err = ErrorValue(co, e);
        if ((co.Frames[pf].Flags & FrameFlags.HasHandler) != 0)
        {
            G.PushTemp(err);
            err = CallHandler(co, co.Frames[pf].Handler, err);
            G.PopTemp();
        }

        return err;
    }

    /// <summary>
    /// Closes the to-be-closed variables of the unwound protected frame <paramref name="pf"/>
    /// (the top frame), each __close getting the pending error, which an error of one replaces;
    /// then finishes the pcall with false and the error. A __close written in Lua runs as a
    /// frame flagged CloseError in the same activation, so that it can yield; this returns when
    /// it is pushed, and FinishResults calls back here when it returns. The result is
    /// FinishResults's: true when the finished frame was fresh.
    /// </summary>
    private bool ContinueUnwind(Coroutine co, int pf)
    {
        int level = co.Frames[pf].Func;
        CloseUpvals(co, level);
        while (co.TbcCount > 0 && co.Tbc[co.TbcCount - 1] >= level)
        {
            int slot = co.Tbc[--co.TbcCount];
            Value v = StackOf(co)[slot];
            Value tm = GetMetamethod(v, TM.Close);
            Value err = StackOf(co)[level];
            if (tm.Tag == Tag.LuaClosure)
            {
                int func = Math.Max(Math.Max(GetTop(co), co.Frames[pf].Top), slot + 1);
                EnsureStack(co, func + 3);
                Value* st = StackOf(co);
                st[func] = tm;
                st[func + 1] = v;
                st[func + 2] = err;
                SetTop(co, func + 3);
                int below = co.FrameCount;
                try
                {
                    PreCall(co, func, 0, FrameFlags.FinishOp | FrameFlags.CloseError);
                    return false;
                }
                catch (LuaError e) when (!co.Yielding)
                {
                    co.FrameCount = below; // "C stack overflow", "stack overflow": the next error
                    StackOf(co)[level] = CloseErrorValue(co, pf, e);
                    continue;
                }
            }

            int frames = co.FrameCount;
            try
            {
                CallTMDiscard(co, tm, v, err);
            }
            catch (LuaError e) when (!co.Yielding)
            {
                co.FrameCount = frames; // drop the frames of the failed __close
                StackOf(co)[level] = CloseErrorValue(co, pf, e);
            }
        }

        ref CallFrame fr = ref co.Frames[pf];
        int res = fr.ReturnSlot;
        int wanted = fr.NResults;
        FrameFlags flags = fr.Flags & ~FrameFlags.Unwound;
        Value final = StackOf(co)[level];
        co.FrameCount = pf;
        EnsureStack(co, res + 2);
        Value* stack = StackOf(co);
        stack[res] = Value.False;
        stack[res + 1] = final;
        bool fresh = FinishResults(co, res, 2, wanted, flags);
        ShrinkStack(co);
        return fresh;
    }

    // ---- varargs, closures, lists, loops ----

    private void AdjustVarargs(Coroutine co, int fi, int numParams, int frameSize)
    {
        ref CallFrame fr = ref co.Frames[fi];
        int func = fr.Func;
        int nargs = GetTop(co) - func - 1;
        int nextra = nargs - numParams;
        if (nextra < 0)
        {
            nextra = 0;
        }

        // Copy the function and the fixed parameters above the arguments; the extra
        // arguments stay where they are, below the new frame.
        int newFunc = func + nargs + 1;
        EnsureStack(co, newFunc + 1 + frameSize + 1);
        Value* stack = StackOf(co);
        stack[newFunc] = stack[func];
        for (int i = 1; i <= numParams; i++)
        {
            stack[newFunc + i] = stack[func + i];
            stack[func + i] = default;
        }

        fr = ref co.Frames[fi];
        fr.Func = newFunc;
        fr.Base = newFunc + 1;
        fr.Top = newFunc + 1 + frameSize;
        fr.NVarargs = nextra;
        SetTop(co, fr.Top);
    }

    private void CopyVarargs(Coroutine co, int fi, int dest, int wanted)
    {
        ref CallFrame fr = ref co.Frames[fi];
        int n = fr.NVarargs;
        int src = fr.Func - n;
        if (wanted < 0)
        {
            wanted = n;
            EnsureStack(co, dest + n + 1);
            SetTop(co, dest + n);
        }

        ChargeBytes((long)wanted * sizeof(Value)); // many values: the copy counts as their bytes
        Value* stack = StackOf(co);
        for (int i = 0; i < wanted; i++)
        {
            stack[dest + i] = i < n ? stack[src + i] : default;
        }
    }

    private void MakeClosure(Coroutine co, LuaClosureObj* parent, ProtoObj* p, int index, int @base, int dest)
    {
        uint parentRef = G.Heap.RefOf(parent);
        uint childProto = ((uint*)(_hb + ((nuint)p->Protos << 3) + 8))[index];
        ProtoObj* cp = Proto(childProto);
        int n = (int)cp->SizeUpvals;
        uint c = NewLuaClosure(childProto, n);
        StackOf(co)[dest] = Value.Object(Tag.LuaClosure, c);
        cp = Proto(childProto);
        byte* desc = _hb + ((nuint)cp->Upvals << 3) + 8;
        for (int i = 0; i < n; i++)
        {
            uint uv;
            if (desc[i * 4] != 0)
            {
                uv = FindUpval(co, @base + desc[(i * 4) + 1]);
            }
            else
            {
                uv = LuaClosureObj.Upvals((LuaClosureObj*)(_hb + ((nuint)parentRef << 3)))[desc[(i * 4) + 1]];
            }

            LuaClosureObj.Upvals((LuaClosureObj*)(_hb + ((nuint)c << 3)))[i] = uv;
            G.WriteBarrierRef(c, uv); // finding the upvalue may have allocated, and a step marked the closure
        }
    }

    private void SetList(Coroutine co, int ra, int n, int last)
    {
        Value* stack = StackOf(co);
        if (stack[ra].Tag != Tag.Table)
        {
            // Compiled code always has its constructor's table here; a crafted chunk may not,
            // and no static check sees every register's type.
            throw LuaErrors.IndexError(TypeName(stack[ra]));
        }

        uint t = stack[ra].R;
        TableObj* to = LuaTable.Obj(G, t);
        int needed = last + n;
        if (needed > to->ArraySize)
        {
            LuaTable.Resize(G, t, needed, CountHashKeys(to));
            stack = StackOf(co);
        }

        // The keys last + 1 .. last + n lie in the array part now: stored in place, each with its barrier.
        Debug.Assert(last + n <= LuaTable.Obj(G, t)->ArraySize, "the constructor's slots are in the array part");
        Value* slots = LuaTable.ArrayBase(G, LuaTable.Obj(G, t)) + last;
        for (int i = 0; i < n; i++)
        {
            slots[i] = stack[ra + 1 + i];
            G.WriteBarrier(t, slots[i]);
        }
    }

    private int CountHashKeys(TableObj* to)
    {
        int n = LuaTable.NodeCount(to);
        if (n == 0)
        {
            return 0;
        }

        int used = 0;
        Node* nodes = LuaTable.NodeBase(G, to);
        for (int i = 0; i < n; i++)
        {
            if (!nodes[i].Val.IsNil)
            {
                used++;
            }
        }

        return used;
    }

    /// <summary>FORPREP: prepares a numeric loop; true when the loop must not run at all.</summary>
    private bool ForPrep(Value* ra)
    {
        Value init = ra[0];
        Value limit = ra[1];
        Value step = ra[2];
        if (init.Tag == Tag.Integer && step.Tag == Tag.Integer)
        {
            long i0 = init.I;
            long st = step.I;
            if (st == 0)
            {
                LuaErrors.ThrowForStepIsZero();
            }

            ra[3] = init;
            if (ForLimit(limit, i0, st, out long lim))
            {
                return true; // the limit is outside the integer range in the direction of the loop
            }

            if (st > 0 ? i0 > lim : i0 < lim)
            {
                return true;
            }

            // Iteration count computed up front, so the loop never overflows.
            ulong count = st > 0
                ? ((ulong)lim - (ulong)i0) / (ulong)st
                : ((ulong)i0 - (ulong)lim) / ((ulong)(-(st + 1)) + 1u);
            ra[1] = Value.Integer((long)count);
            return false;
        }

        double fl = ForNumber(limit, "limit");
        double fs = ForNumber(step, "step");
        double fi = ForNumber(init, "initial value");

        if (fs == 0)
        {
            LuaErrors.ThrowForStepIsZero();
        }

        if (fs > 0 ? fl < fi : fi < fl)
        {
            return true;
        }

        ra[0] = Value.Float(fi);
        ra[1] = Value.Float(fl);
        ra[2] = Value.Float(fs);
        ra[3] = Value.Float(fi);
        return false;
    }

    /// <summary>A for-loop operand as a float (numeric strings convert); Lua's "bad 'for' ..." error otherwise.</summary>
    private double ForNumber(in Value v, string what)
    {
        if (LuaConvert.TryToNumber(G, v, out Value n))
        {
            return LuaConvert.ToDouble(n);
        }

        throw LuaError.Runtime($"bad 'for' {what} (number expected, got {TypeName(v)})");
    }

    /// <summary>Converts a for-loop limit to an integer; true when the loop cannot run.</summary>
    private bool ForLimit(in Value limit, long init, long step, out long result)
    {
        if (limit.Tag == Tag.Integer)
        {
            result = limit.I;
            return false;
        }

        double d = ForNumber(limit, "limit");

        // Floor for increasing loops, ceiling for decreasing ones; clip to the integer range.
        double f = step < 0 ? Math.Ceiling(d) : Math.Floor(d);
        if (double.IsNaN(f))
        {
            result = 0;
            return true;
        }

        if (f >= 9223372036854775808.0)
        {
            result = long.MaxValue;
            return step < 0;
        }

        if (f < -9223372036854775808.0)
        {
            result = long.MinValue;
            return step > 0;
        }

        result = (long)f;
        return false;
    }
}
