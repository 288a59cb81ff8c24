using MicroLua.Core;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua.Library;

/// <summary>The coroutine library: coroutines are threads with their own value stack and frames, switched without .NET threads.</summary>
internal static unsafe class CoroutineLibrary
{
    public static void Open(LuaRuntime rt) => rt.NewLazyLibraryTable("coroutine", LuaRuntime.LazyLibrary.Coroutine);

    /// <summary>Fills the library table <paramref name="t"/> on first use (LuaRuntime.NewLazyLibraryTable).</summary>
    public static void Fill(LuaRuntime rt, uint t)
    {
        rt.Register(t, "create", Create, "coroutine.create");
        rt.Register(t, "resume", Resume, "coroutine.resume");
        rt.Register(t, "yield", Yield, "coroutine.yield");
        rt.Register(t, "status", Status, "coroutine.status");
        rt.Register(t, "wrap", Wrap, "coroutine.wrap");
        rt.Register(t, "isyieldable", IsYieldable, "coroutine.isyieldable");
        rt.Register(t, "running", Running, "coroutine.running");
        rt.Register(t, "close", Close, "coroutine.close");
    }

    /// <summary>The coroutine a thread value stands for.</summary>
    public static Coroutine Of(LuaGlobal g, in Value thread)
    {
        int h = ((ThreadObj*)g.Heap.Ptr(thread.R))->Handle;
        return h == LuaThread.MainHandle ? (Coroutine)g.MainCoroutine! : g.Handles.Get<Coroutine>(h);
    }

    private static Coroutine CheckCo(ref CallContext c, int i)
    {
        Value v = c.Arg(i);
        if (v.Tag != Tag.Thread)
        {
            throw c.TypeError(i, "thread"); // lua5.4's wording
        }

        return Of(c.G, v);
    }

    /// <summary>A new suspended coroutine whose body is <paramref name="f"/>.</summary>
    public static Value NewCoroutine(Interpreter vm, in Value f)
    {
        LuaGlobal g = vm.G;
        Value fn = f;
        g.PushTemp(fn);
        uint th;
        try
        {
            th = LuaThread.New(g, 32);
        }
        finally
        {
            g.PopTemp();
        }

        Coroutine co = vm.NewCoroutineObject(th);
        co.HookMask = vm.Debugger != null ? Interpreter.HookMaskDebug : 0;
        ((ThreadObj*)g.Heap.Ptr(th))->Handle = g.Handles.Add(co);
        Value thread = Value.Object(Tag.Thread, th);
        vm.StackOf(co)[0] = fn;
        vm.SetTop(co, 1);
        return thread;
    }

    private static int Create(ref CallContext c)
    {
        Value f = c.CheckFunction(1);
        return c.Return(NewCoroutine(c.Vm, f));
    }

    /// <summary>
    /// Resumes <paramref name="co"/> with <paramref name="nargs"/> values from the top of the
    /// caller's stack. On success the results replace them (count returned); on error the error
    /// value is left instead and -1 is returned.
    /// </summary>
    public static int ResumeCore(Interpreter vm, Coroutine from, Coroutine co, int nargs, out Value error)
    {
        error = default;
        if (co.Status == CoStatus.Dead)
        {
            error = vm.G.NewString("cannot resume dead coroutine");
            return -1;
        }

        if (co.Status != CoStatus.Suspended || co.Continuation is { IsAwaiting: true })
        {
            // a coroutine waiting for an async host function's task is resumed by its driver only
            error = vm.G.NewString("cannot resume non-suspended coroutine");
            return -1;
        }

        if (vm.CCalls >= vm.MaxCCalls || !StackGuard.HasRoom())
        {
            error = vm.G.NewString(LuaErrors.CStackOverflow);
            return -1;
        }

        // Move the arguments onto the coroutine's stack.
        int fromTop = vm.GetTop(from);
        int first = fromTop - nargs;
        int coTop = vm.GetTop(co);
        vm.EnsureStack(co, coTop + nargs + 1);
        Value* src = vm.StackOf(from) + first;
        Value* dst = vm.StackOf(co) + coTop;
        for (int i = 0; i < nargs; i++)
        {
            dst[i] = src[i];
        }

        vm.SetTop(co, coTop + nargs);
        vm.SetTop(from, first);

        co.Status = CoStatus.Running;
        from.Status = CoStatus.Normal;
        co.Resumer = from;
        vm.Running = co;
        vm.CCalls++;
        bool stop = false;
        try
        {
            if (!co.Started)
            {
                co.Started = true;
                if (vm.PreCall(co, 0, -1, FrameFlags.Fresh))
                {
                    vm.ExecuteFrom(co, 0);
                }
            }
            else
            {
                // Finish the pending yield call: the resume arguments are its results, or its continuation's arguments.
                co.Yielding = false;
                vm.HookYieldReturn(co, nargs);
                vm.ResumeYield(co, nargs);
            }
        }
        catch (LuaError e) when (!co.Yielding)
        {
            co.Status = CoStatus.Dead;
            error = vm.ErrorValue(co, e);
            co.DiedWithError = true;
            co.ErrorCause = e.InnerException;
            vm.StackOf(co)[0] = error; // kept for coroutine.close
            vm.SetTop(co, 1);
            return -1;
        }
        catch (Exception e) when (Interpreter.SeeStop(e, ref stop))
        {
            // never entered (Interpreter.SeeStop: no rethrow on a recursive path)
        }
        finally
        {
            if (stop)
            {
                vm.KillAfterStop(co); // the stop goes on to the host; the coroutine is dead
            }

            vm.CCalls--;
            vm.Running = from;
            from.Status = CoStatus.Running;
        }

        // Results: the yielded values, or everything the body returned (left from slot 0).
        int n;
        int resFirst;
        if (co.Yielding)
        {
            co.Status = CoStatus.Suspended;
            n = co.YieldCount;
            resFirst = vm.GetTop(co) - n;
        }
        else
        {
            co.Status = CoStatus.Dead;
            resFirst = 0;
            n = vm.GetTop(co);
        }

        if ((long)vm.GetTop(from) + n + 1 > vm.MaxStack)
        {
            // as Lua's auxresume when lua_checkstack fails: the results are dropped
            vm.SetTop(co, resFirst);
            error = vm.G.NewString("too many results to resume");
            return -1;
        }

        vm.EnsureStack(from, vm.GetTop(from) + n + 1);
        Value* s = vm.StackOf(co) + resFirst;
        Value* d = vm.StackOf(from) + vm.GetTop(from);
        for (int i = 0; i < n; i++)
        {
            d[i] = s[i];
        }

        vm.SetTop(from, vm.GetTop(from) + n);
        vm.SetTop(co, resFirst);
        return n;
    }

    private static int Resume(ref CallContext c)
    {
        Coroutine co = CheckCo(ref c, 1);
        int nargs = c.ArgCount - 1;
        int n = ResumeCore(c.Vm, c.Coroutine, co, nargs, out Value error);
        if (n < 0)
        {
            c.Top = c.Base + 1;
            return c.Return(Value.False, error);
        }

        // Insert true before the results.
        int top = c.Top;
        c.Push(Value.Nil);
        Value* stack = c.Vm.StackOf(c.Coroutine);
        for (int i = top; i > top - n; i--)
        {
            stack[i] = stack[i - 1];
        }

        stack[top - n] = Value.True;
        return n + 1;
    }

    private static int Yield(ref CallContext c)
    {
        return c.Yield(c.ArgCount, null);
    }

    private static int Status(ref CallContext c)
    {
        Coroutine co = CheckCo(ref c, 1);
        string s = co == c.Coroutine ? "running" : co.Status switch
        {
            CoStatus.Suspended => "suspended",
            CoStatus.Running => "running",
            CoStatus.Normal => "normal",
            _ => "dead",
        };
        return c.Return(s);
    }

    private static int Wrap(ref CallContext c)
    {
        Value f = c.CheckFunction(1);
        Value thread = NewCoroutine(c.Vm, f);
        c.Push(thread); // anchored while the closure is made
        Span<Value> ups = stackalloc Value[1]; // not [thread]: see BaseLibrary.Pairs
        ups[0] = thread;
        Value w = LuaRuntime.Of(c.Vm).NewRepeatedHostClosure("wrap", WrapCall, ups);
        c.Top--;
        return c.Return(w);
    }

    internal static int WrapCall(ref CallContext c)
    {
        Value* self = c.Vm.StackOf(c.Coroutine) + c.Base - 1;
        Value thread = HostClosureObj.Upvals((HostClosureObj*)c.G.Heap.Ptr(self->R))[0];
        Coroutine co = Of(c.G, thread);
        int n = ResumeCore(c.Vm, c.Coroutine, co, c.ArgCount, out Value error);
        if (n < 0)
        {
            if (co.DiedWithError)
            {
                c.Vm.CloseCoroutine(co, error, out error); // close its pending variables, as lua_resetthread
            }

            if (error.IsString)
            {
                string where = c.Vm.Where(c.Coroutine, c.Coroutine.FrameCount - 1, hostLevel: true);
                if (where.Length > 0)
                {
                    error = c.G.NewString(where + c.G.ToDotNetString(error));
                }
            }

            throw new LuaError(error, error.IsString ? c.G.ToDotNetString(error) : "error object is not a string");
        }

        return n;
    }

    private static int IsYieldable(ref CallContext c)
    {
        Coroutine co = c.IsNoneOrNil(1) ? c.Coroutine : CheckCo(ref c, 1);
        return c.Return(co != c.Vm.Main && !co.Async && co.NonYieldable == 0);
    }

    private static int Running(ref CallContext c)
    {
        Coroutine co = c.Coroutine;
        c.Push(Value.Object(Tag.Thread, co.Thread));
        c.Push(Value.Boolean(co == c.Vm.Main));
        return 2;
    }

    private static int Close(ref CallContext c)
    {
        Coroutine co = CheckCo(ref c, 1);
        // The running coroutine, also when a __close of its own closing calls this.
        if (co != c.Coroutine && co.Status is CoStatus.Suspended or CoStatus.Dead)
        {
            bool ok = c.Vm.CloseCoroutine(co, default, out Value err);
            if (ok)
            {
                return c.Return(Value.True);
            }

            return c.Return(Value.False, err);
        }

        throw new LuaError(co == c.Coroutine ? "cannot close a running coroutine" : "cannot close a normal coroutine");
    }
}
