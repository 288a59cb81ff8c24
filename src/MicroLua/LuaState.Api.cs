using System.Runtime.CompilerServices;
using MicroLua.Core;
using MicroLua.Library;
using MicroLua.Memory;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua;

/// <summary>
/// The embedding API's plumbing: handles (rooted slots), conversions between host values
/// and Lua values, protected entry from the host, host functions, tables, userdata and
/// coroutines driven from the host.
/// </summary>
public sealed unsafe partial class LuaState
{
    /// <summary>Free slots of <see cref="LuaGlobal.HostRoots"/>, reused before the list grows.</summary>
    private Stack<int>? _freeRoots; // made at the first release (an idle state keeps no lists)

    /// <summary>Collection callbacks due (userdata the collector freed), run when control is back with the host.</summary>
    private List<HostObject>? _collected; // userdata whose collection callbacks are due; made at the first

    /// <summary>What a userdata created by <see cref="CreateUserdata"/> holds in the handle table.</summary>
    private sealed class HostObject(object target, Action<object>? collected)
    {
        public object Target { get; } = target;

        public Action<object>? Collected { get; } = collected;
    }

    /// <summary>What an API entry restores on the way out: the coroutine's top, frames and the C-call count.</summary>
    private readonly struct ApiScope(Coroutine co, int top, int frames, int ccalls)
    {
        public readonly Coroutine Co = co;
        public readonly int Top = top;
        public readonly int Frames = frames;
        public readonly int CCalls = ccalls;
    }

    // ---- protected entry ----

    /// <summary>API operations in progress (nested when a host function calls the API); Dispose inside one is deferred.</summary>
    private int _apiDepth;

    /// <summary>Managed id of the thread inside an API operation, 0 when none: one thread at a time.</summary>
    private int _owner;

    /// <summary>
    /// Starts an API operation on the running coroutine (the main one, or the one whose host
    /// function called the host). Refuses a second thread while one is inside (a compare on the
    /// way in, one interlocked exchange per outermost call, nothing on the interpreter's paths),
    /// and a call with too little .NET stack left ("C stack overflow", see StackGuard).
    /// </summary>
    private ApiScope Enter()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int me = Environment.CurrentManagedThreadId;
        if ((_apiDepth == 0 ? Interlocked.CompareExchange(ref _owner, me, 0) != 0 : _owner != me) && !OwnAfterLeavingStep(me))
        {
            throw ConcurrentUse();
        }

        if (!StackGuard.HasRoom())
        {
            if (_apiDepth == 0)
            {
                Volatile.Write(ref _owner, 0);
            }

            throw new LuaException(LuaErrors.CStackOverflow);
        }

        if (_apiDepth == 0 && HasDropped)
        {
            ReleaseDropped();
        }

        _apiDepth++;
        Coroutine co = _vm.Running;
        return new ApiScope(co, _vm.GetTop(co), co.FrameCount, _vm.CCalls);
    }

    /// <summary>For API members that do not run Lua: the state is not disposed and no other thread is inside it.</summary>
    private void CheckAccess()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int owner = Volatile.Read(ref _owner);
        if (owner != 0 && owner != Environment.CurrentManagedThreadId)
        {
            while (_stepLeaving)
            {
                Thread.SpinWait(20); // see OwnAfterLeavingStep
            }

            owner = Volatile.Read(ref _owner);
            if (owner != 0 && owner != Environment.CurrentManagedThreadId)
            {
                throw ConcurrentUse();
            }
        }
    }

    /// <summary>
    /// Set while an async run's step leaves the state after its coroutine began to wait for a
    /// task (LuaState.Async.cs). That task may go on at once on another thread and call the
    /// state; such a call waits until the step is out (a few microseconds: the unwinding of the
    /// yield and <see cref="Leave"/>) instead of failing as concurrent use.
    /// </summary>
    private volatile bool _stepLeaving;

    /// <summary>After a refused entry: waits for a leaving async step, then takes the state if no one else holds it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool OwnAfterLeavingStep(int me)
    {
        if (!_stepLeaving)
        {
            return false;
        }

        var spin = default(SpinWait);
        while (_stepLeaving)
        {
            spin.SpinOnce();
        }

        return _apiDepth == 0 && Interlocked.CompareExchange(ref _owner, me, 0) == 0;
    }

    private static InvalidOperationException ConcurrentUse() =>
        new("This LuaState is in use by another thread: a state may be used by one thread at a time.");

    /// <summary>Restores what <see cref="Enter"/> saw; after an exception that is not a Lua error, also closes the upvalues left open.</summary>
    private void Leave(in ApiScope s)
    {
        if (s.Co.FrameCount != s.Frames)
        {
            _vm.CloseUpvals(s.Co, s.Top);
            s.Co.FrameCount = s.Frames;
        }

        _vm.SetTop(s.Co, s.Top);
        _vm.CCalls = s.CCalls;
        _vm.ShrinkStack(s.Co);
        if (_collected is { Count: > 0 } && !_disposed)
        {
            RunCollectedCallbacks();
        }

        if (_apiDepth == 1 && _disposed && !_closing)
        {
            Close(); // Dispose was called during this call: its frames are gone now (still the owner)
        }

        if (_apiDepth == 1)
        {
            CompactAtSafePoint(); // results are converted already: nothing below holds a heap reference
        }

        if (--_apiDepth == 0)
        {
            Volatile.Write(ref _owner, 0);
        }
    }

    /// <summary>
    /// Turns a Lua error caught at the API boundary into a <see cref="LuaException"/>: the
    /// error value, its message and the traceback where it was raised; unwinds the frames
    /// above the entry, running pending __close variables and closing upvalues as lua_pcall does.
    /// </summary>
    private LuaException Fail(in ApiScope s, LuaError e)
    {
        Coroutine co = s.Co;
        Value err = _vm.ErrorValue(co, e);
        string? traceback = e.LuaTraceback ?? _vm.Traceback(co, null, 0);
        if (ReferenceEquals(traceback, NoTraceback))
        {
            traceback = null;
        }
        co.FrameCount = s.Frames;
        _vm.CCalls = s.CCalls;
        _g.PushTemp(err);
        try
        {
            err = _vm.CloseAfterError(co, s.Top, err);
        }
        catch (LuaError)
        {
            // An error in error handling: the first error is reported.
        }
        finally
        {
            _g.PopTemp();
        }

        return new LuaException(ErrorMessage(co, err), traceback, ToPublic(err), e.InnerException);
    }

    /// <summary>
    /// The message of an error value as lua.c's message handler makes it: an error object
    /// whose <c>__tostring</c> gives a string is that string; otherwise <see cref="ErrorMessage(in Value)"/>.
    /// A <c>__tostring</c> that fails or gives anything but a string (a number too) leaves the plain description.
    /// </summary>
    private string ErrorMessage(Coroutine co, in Value err)
    {
        Value* tostring = err.IsString || err.IsNumber ? null : _rt.ToStringMetamethod(err);
        if (tostring != null)
        {
            Value tm = *tostring;
            _g.PushTemp(err);
            try
            {
                // as luaL_callmeta in lua.c's handler: only a string result counts (a number is not converted)
                Value text = _vm.CallTM(co, tm, err, err);
                if (text.IsString)
                {
                    return _g.ToHostString(text);
                }
            }
            catch (LuaError)
            {
                // as lua.c: the description of the value stands when its __tostring fails
            }
            finally
            {
                _g.PopTemp();
            }
        }

        return ErrorMessage(err);
    }

    /// <summary>The message of an error value, as lua.c prints it.</summary>
    private string ErrorMessage(in Value err) => err.Tag switch
    {
        Tag.ShortString or Tag.LongString => _g.ToHostString(err),
        Tag.Integer or Tag.Float => BaseLibrary.FormatNumber(err),
        _ => $"(error object is a {LuaTypeNames.Name(err.Type)} value)",
    };

    /// <summary>The values from <paramref name="first"/> to the top as host values.</summary>
    private LuaValue[] Results(Coroutine co, int first)
    {
        int n = _vm.GetTop(co) - first;
        if (n == 0)
        {
            return [];
        }

        var results = new LuaValue[n];
        for (int i = 0; i < n; i++)
        {
            results[i] = ToPublic(_vm.StackOf(co)[first + i]);
        }

        return results;
    }

    // ---- roots and conversions ----

    /// <summary>Makes <paramref name="v"/> a root; returns its slot.</summary>
    internal int Root(in Value v)
    {
        if (HasDropped)
        {
            ReleaseDropped();
        }

        if (_freeRoots != null && _freeRoots.TryPop(out int slot))
        {
            _g.HostRoots[slot] = v;
            return slot;
        }

        _g.HostRoots.Add(v);
        return _g.HostRoots.Count - 1;
    }

    internal void Unroot(int slot)
    {
        _g.HostRoots[slot] = default;
        (_freeRoots ??= new()).Push(slot);
    }

    internal Value Rooted(int slot) => _g.HostRoots[slot];

    /// <summary>
    /// Roots of handles the .NET collector found dropped, queued by their finalizers (any
    /// thread); made by the first one, so an idle state does not carry it.
    /// </summary>
    private System.Collections.Concurrent.ConcurrentQueue<int>? _dropped;

    /// <summary>Whether dropped handles wait for their roots to be released: one read on the API's way in.</summary>
    private bool HasDropped => Volatile.Read(ref _dropped) is { IsEmpty: false };

    /// <summary>Called by a handle's finalizer: the root is released at the next API call.</summary>
    internal void Dropped(int slot)
    {
        if (_disposed)
        {
            return;
        }

        if (Volatile.Read(ref _dropped) is not { } queue)
        {
            Interlocked.CompareExchange(ref _dropped, new(), null);
            queue = _dropped!;
        }

        queue.Enqueue(slot);
    }

    /// <summary>Releases the roots of dropped handles; only on the thread inside the state (or before any is).</summary>
    private void ReleaseDropped()
    {
        while (_dropped!.TryDequeue(out int slot))
        {
            Unroot(slot);
        }
    }

    /// <summary>A new handle on the object <paramref name="v"/> references.</summary>
    internal LuaReference Handle(in Value v)
    {
        int slot = Root(v);
        return v.Tag switch
        {
            Tag.Table => new LuaTableRef(this, slot),
            Tag.LuaClosure or Tag.HostFunction or Tag.HostClosure => new LuaFunction(this, slot),
            Tag.Userdata => new LuaUserdata(this, slot),
            Tag.Thread => new LuaCoroutine(this, slot),
            _ => throw new InvalidOperationException($"no handle for a {v.Tag} value"),
        };
    }

    /// <summary>A Lua value as a host value: inline for nil, booleans, numbers; a .NET string (or the bytes, when not UTF-8); a new handle for objects. Never allocates in the heap.</summary>
    internal LuaValue ToPublic(in Value v) => v.Tag switch
    {
        Tag.Nil => default,
        Tag.False => LuaValue.False,
        Tag.True => LuaValue.True,
        Tag.Integer => LuaValue.FromInteger(v.I),
        Tag.Float => LuaValue.FromNumber(v.D),
        Tag.LightUserdata => LuaValue.FromLightUserdata((nint)v.I),
        Tag.ShortString or Tag.LongString => LuaValue.FromBytes(_g.StringSpan(v)),
        _ => LuaValue.FromReference(Handle(v)),
    };

    /// <summary>A host value as a Lua value. A string becomes a new Lua string: anchor the result before the next allocation.</summary>
    internal Value ToInternal(in LuaValue v)
    {
        switch (v.Type)
        {
            case LuaType.Nil:
            case LuaType.None:
                return default;
            case LuaType.Boolean:
                return Value.Boolean(v.ToBoolean());
            case LuaType.Number:
                return v.IsInteger ? Value.Integer(v.ToInteger()) : Value.Float(v.ToNumber());
            case LuaType.LightUserdata:
                return Value.LightUserdata(v.ToPointer());
            case LuaType.String:
                return v.ByteString is { } bytes ? _g.NewString(bytes) : _g.NewStringFromHost(v.AsString()!);
            default:
                LuaReference r = v.Reference!;
                if (r.State != this)
                {
                    throw ForeignHandle(null);
                }

                return r.Value;
        }
    }

    /// <summary>The error for a handle of another state passed to this one.</summary>
    internal static ArgumentException ForeignHandle(string? paramName) =>
        new("A handle of another state was passed to this one.", paramName);

    /// <summary>Pushes a host value on the coroutine's stack.</summary>
    private void Push(Coroutine co, in LuaValue v) => _vm.Push(co, ToInternal(v));

    // ---- calls ----

    internal LuaValue[] CallToArray(Value fn, ReadOnlySpan<LuaValue> args)
    {
        ApiScope s = Enter();
        LuaException failure;
        try
        {
            CallCore(s, fn, args);
            return Results(s.Co, s.Top);
        }
        catch (LuaError e)
        {
            failure = Fail(s, e); // thrown after the catch block (see Interpreter.SeeStop)
        }
        finally
        {
            Leave(s);
        }

        throw failure;
    }

    internal int CallToSpan(Value fn, ReadOnlySpan<LuaValue> args, Span<LuaValue> results)
    {
        ApiScope s = Enter();
        LuaException failure;
        try
        {
            CallCore(s, fn, args);
            int n = _vm.GetTop(s.Co) - s.Top;
            for (int i = 0; i < results.Length; i++)
            {
                results[i] = i < n ? ToPublic(_vm.StackOf(s.Co)[s.Top + i]) : default;
            }

            return n;
        }
        catch (LuaError e)
        {
            failure = Fail(s, e); // thrown after the catch block (see Interpreter.SeeStop)
        }
        finally
        {
            Leave(s);
        }

        throw failure;
    }

    private void CallCore(in ApiScope s, in Value fn, ReadOnlySpan<LuaValue> args)
    {
        _vm.Push(s.Co, fn);
        foreach (LuaValue a in args)
        {
            Push(s.Co, a);
        }

        _vm.Call(s.Co, s.Top, -1);
    }

    // ---- host functions ----

    /// <summary>Wraps a public callback as an internal host function; exceptions other than Lua errors become Lua errors.</summary>
    private static LuaHostFunction Adapt(LuaCallback fn) => new CallbackAdapter(fn).Invoke;

    /// <summary>
    /// A public callback as a host function. It finds its state through the runtime that calls it,
    /// so states made from one snapshot share it; an image names it by the name it was registered under.
    /// </summary>
    internal sealed class CallbackAdapter(LuaCallback callback)
    {
        public LuaCallback Callback { get; } = callback;

        public int Invoke(ref CallContext c) => ((LuaState)LuaRuntime.Of(c.Vm).Owner!).InvokeCallback(Callback, ref c);
    }

    /// <summary>A continuation given to <see cref="LuaCallContext.Yield(LuaCallback?, ReadOnlySpan{LuaValue})"/>: runs as the callback it is, with its exceptions turned into Lua errors.</summary>
    internal sealed class ContinuationAdapter(LuaCallback callback) : HostContinuation
    {
        public override int Resume(ref CallContext c) => ((LuaState)LuaRuntime.Of(c.Vm).Owner!).InvokeCallback(callback, ref c);
    }

    private int InvokeCallback(LuaCallback fn, ref CallContext c)
    {
        // The Lua error is thrown after the catch block, not inside it: a host function that
        // re-enters the state recursively must not pile up one exception dispatch per level on
        // the stack (see Interpreter.SeeStop). A LuaError passes through untouched.
        Coroutine co = c.Coroutine;
        LuaError error;
        try
        {
            return fn(new LuaCallContext(this, ref c));
        }
        catch (Exception) when (ForgetYield(co))
        {
            throw; // never entered: the filter only drops a yield the function asked for before it threw
        }
        catch (LuaException e)
        {
            error = e.HasValue ? new LuaError(ToInternal(e.Value), e.Message) : new LuaError(e.Message, e.InnerException ?? e);
        }
        catch (Exception e) when (e is not LuaError && IsCatchable(e))
        {
            error = new LuaError(e.Message, e);
        }

        throw error;
    }

    /// <summary>
    /// An exception filter that never catches: a host function that called Yield and then threw
    /// does not yield (its error unwinds as any other; handlers skip a coroutine that yields).
    /// </summary>
    private static bool ForgetYield(Coroutine co)
    {
        if (co.Yielding)
        {
            co.Yielding = false;
            co.Continuation = null;
        }

        return false;
    }

    /// <summary>
    /// Whether a .NET exception from a host function may become a Lua error. Fatal conditions
    /// and the ways a host stops a script (cancellation, an exhausted instruction budget) go
    /// through pcall untouched and reach the host.
    /// </summary>
    private static bool IsCatchable(Exception e) =>
        e is not (OutOfMemoryException or StackOverflowException or ThreadInterruptedException) && !Interpreter.IsStop(e);

    /// <summary>Creates a host function (shown as <paramref name="name"/> in messages) without storing it anywhere.</summary>
    public LuaFunction CreateFunction(string name, LuaCallback function)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(function);
        CheckAccess();
        return (LuaFunction)Handle(_rt.NewHostFunction(name, Adapt(function)));
    }

    /// <summary>Registers a host function as global <paramref name="name"/>.</summary>
    /// <exception cref="LuaException">Out of memory.</exception>
    public void Register(string name, LuaCallback function)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(function);
        RegisterHost(name, Adapt(function));
    }

    private void RegisterHost(string name, LuaHostFunction function)
    {
        ApiScope s = Enter();
        LuaException failure;
        try
        {
            _rt.Register(_rt.Globals, name, function);
            return;
        }
        catch (LuaError e)
        {
            failure = Fail(s, e); // thrown after the catch block (see Interpreter.SeeStop)
        }
        finally
        {
            Leave(s);
        }

        throw failure;
    }

    /// <summary>
    /// Registers a library: a new table of host functions stored as global
    /// <paramref name="name"/> and in package.loaded (so <c>require(name)</c> finds it).
    /// Functions are named "name.function" in messages.
    /// </summary>
    /// <exception cref="LuaException">Out of memory.</exception>
    public void RegisterLibrary(string name, IEnumerable<KeyValuePair<string, LuaCallback>> functions)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(functions);
        ApiScope s = Enter();
        LuaException failure;
        try
        {
            uint t = _rt.NewLibraryTable(name, functions.TryGetNonEnumeratedCount(out int count) ? count : 0);
            foreach (KeyValuePair<string, LuaCallback> f in functions)
            {
                _rt.Register(t, f.Key, Adapt(f.Value), name + "." + f.Key);
            }

            PackageLibrary.AddLoaded(_rt, name);
            return;
        }
        catch (LuaError e)
        {
            failure = Fail(s, e); // thrown after the catch block (see Interpreter.SeeStop)
        }
        finally
        {
            Leave(s);
        }

        throw failure;
    }

    // ---- globals and tables ----

    /// <summary>The global <paramref name="name"/> (as <c>_ENV[name]</c>, with metamethods of the globals table).</summary>
    /// <exception cref="LuaException">A metamethod raised an error.</exception>
    public LuaValue this[string name]
    {
        get => GetIndex(Value.Object(Tag.Table, _rt.Globals), name, raw: false);
        set => SetIndex(Value.Object(Tag.Table, _rt.Globals), name, value, raw: false);
    }

    /// <summary>A new handle on the globals table (dispose it).</summary>
    public LuaTableRef GetGlobals()
    {
        CheckAccess();
        return (LuaTableRef)Handle(Value.Object(Tag.Table, _rt.Globals));
    }

    /// <summary>A new empty table with room for <paramref name="arrayCapacity"/> sequence items and <paramref name="hashCapacity"/> other fields.</summary>
    /// <exception cref="LuaException">Out of memory.</exception>
    public LuaTableRef CreateTable(int arrayCapacity = 0, int hashCapacity = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(arrayCapacity);
        ArgumentOutOfRangeException.ThrowIfNegative(hashCapacity);
        ApiScope s = Enter();
        LuaException failure;
        try
        {
            return (LuaTableRef)Handle(Value.Object(Tag.Table, LuaTable.New(_g, arrayCapacity, hashCapacity)));
        }
        catch (LuaError e)
        {
            failure = Fail(s, e); // thrown after the catch block (see Interpreter.SeeStop)
        }
        finally
        {
            Leave(s);
        }

        throw failure;
    }

    internal LuaValue GetIndex(Value t, in LuaValue key, bool raw)
    {
        ApiScope s = Enter();
        LuaException failure;
        try
        {
            Value k = ToInternal(key);
            _vm.Push(s.Co, k);
            Value r = raw ? LuaTable.Get(_g, t.R, k) : _vm.GetIndex(s.Co, t, k);
            return ToPublic(r);
        }
        catch (LuaError e)
        {
            failure = Fail(s, e); // thrown after the catch block (see Interpreter.SeeStop)
        }
        finally
        {
            Leave(s);
        }

        throw failure;
    }

    internal void SetIndex(Value t, in LuaValue key, in LuaValue value, bool raw)
    {
        ApiScope s = Enter();
        LuaException failure;
        try
        {
            Value k = ToInternal(key);
            _vm.Push(s.Co, k);
            Value v = ToInternal(value);
            _vm.Push(s.Co, v);
            if (raw)
            {
                LuaTable.Set(_g, t.R, k, v);
            }
            else
            {
                _vm.SetIndex(s.Co, t, k, v);
            }
            return;
        }
        catch (LuaError e)
        {
            failure = Fail(s, e); // thrown after the catch block (see Interpreter.SeeStop)
        }
        finally
        {
            Leave(s);
        }

        throw failure;
    }

    internal long RawLength(Value t)
    {
        CheckAccess();
        return LuaTable.Length(_g, t.R);
    }

    /// <summary>One step of <c>next</c> from the key in the host root <paramref name="keySlot"/>, which gets the next key: false at the end.</summary>
    internal bool Next(Value t, int keySlot, out LuaValue k, out LuaValue v)
    {
        ApiScope s = Enter();
        LuaException failure;
        try
        {
            if (!LuaTable.Next(_g, t.R, _g.HostRoots[keySlot], out Value nk, out Value nv))
            {
                k = default;
                v = default;
                return false;
            }

            _g.HostRoots[keySlot] = nk;
            k = ToPublic(nk);
            v = ToPublic(nv);
            return true;
        }
        catch (LuaError e)
        {
            failure = Fail(s, e); // thrown after the catch block (see Interpreter.SeeStop)
        }
        finally
        {
            Leave(s);
        }

        throw failure;
    }

    internal LuaTableRef? GetMetatable(Value v)
    {
        CheckAccess();
        uint mt = _vm.GetMetatable(v);
        return mt == 0 ? null : (LuaTableRef)Handle(Value.Object(Tag.Table, mt));
    }

    internal void SetMetatable(Value v, LuaTableRef? metatable)
    {
        CheckAccess();
        uint mt = metatable == null ? 0 : ToInternal(metatable).R;
        if (v.Tag == Tag.Table)
        {
            LuaTable.SetMetatable(_g, v.R, mt);
        }
        else
        {
            ((UserdataObj*)_g.Heap.Ptr(v.R))->Metatable = mt;
            _g.WriteBarrierRef(v.R, mt);
        }

        if (mt != 0)
        {
            _g.CheckFinalizer(v.R, mt);
        }
    }

    // ---- userdata ----

    /// <summary>
    /// A new full userdata wrapping <paramref name="target"/>, with an optional metatable
    /// (its __index, __gc, __tostring ... apply as usual). When Lua collects the userdata (or
    /// the state is disposed), the .NET object is released and <paramref name="collected"/>
    /// is called with it once control is back with the host.
    /// </summary>
    /// <exception cref="LuaException">Out of memory.</exception>
    public LuaUserdata CreateUserdata(object target, LuaTableRef? metatable = null, Action<object>? collected = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ApiScope s = Enter();
        LuaException failure;
        try
        {
            var ud = (LuaUserdata)Handle(NewUserdataValue(target, collected));
            if (metatable != null)
            {
                ud.Metatable = metatable;
            }

            return ud;
        }
        catch (LuaError e)
        {
            failure = Fail(s, e); // thrown after the catch block (see Interpreter.SeeStop)
        }
        finally
        {
            Leave(s);
        }

        throw failure;
    }

    /// <summary>A new userdata without a metatable wrapping <paramref name="target"/>: anchor it before the next allocation.</summary>
    internal Value NewUserdataValue(object target, Action<object>? collected)
    {
        uint r = _g.Allocate((nuint)(sizeof(UserdataObj) - sizeof(ObjHeader)), ObjType.Userdata);
        var u = (UserdataObj*)_g.Heap.Ptr(r);
        u->H.Extra = 0;
        u->Metatable = 0;
        u->Size = 0;
        u->Padding = 0;
        u->Handle = _g.Handles.Add(new HostObject(target, collected));
        return Value.Object(Tag.Userdata, r);
    }

    /// <summary>The .NET object a userdata value wraps, or null.</summary>
    internal object? UserdataTarget(in Value v)
    {
        if (v.Tag != Tag.Userdata)
        {
            return null;
        }

        int h = ((UserdataObj*)_g.Heap.Ptr(v.R))->Handle;
        return h >= 0 && _g.Handles.IsLive(h) && _g.Handles.Get(h) is HostObject o ? o.Target : null;
    }

    /// <summary>Called by the sweep for each freed userdata: queues its callback (the heap must not be touched now).</summary>
    private void OnUserdataFreed(int handle)
    {
        if (_g.Handles.IsLive(handle) && _g.Handles.Get(handle) is HostObject { Collected: not null } o)
        {
            (_collected ??= []).Add(o);
        }
    }

    private void RunCollectedCallbacks()
    {
        if (_collected == null)
        {
            return;
        }

        HostObject[] due = [.. _collected];
        _collected.Clear();
        foreach (HostObject o in due)
        {
            o.Collected!(o.Target);
        }
    }

    /// <summary>At close every userdata is collected: their callbacks run now.</summary>
    private void CloseHostObjects()
    {
        foreach (object o in _g.Handles.LiveItems())
        {
            if (o is HostObject { Collected: not null } h)
            {
                (_collected ??= []).Add(h);
            }
        }

        _g.HostRoots.Clear();
        RunCollectedCallbacks();
    }

    // ---- coroutines ----

    /// <summary>A new suspended coroutine whose body is <paramref name="body"/> (as coroutine.create).</summary>
    /// <exception cref="LuaException">Out of memory.</exception>
    public LuaCoroutine CreateCoroutine(LuaFunction body)
    {
        ArgumentNullException.ThrowIfNull(body);
        ApiScope s = Enter();
        LuaException failure;
        try
        {
            Value f = ToInternal(body);
            return (LuaCoroutine)Handle(CoroutineLibrary.NewCoroutine(_vm, f));
        }
        catch (LuaError e)
        {
            failure = Fail(s, e); // thrown after the catch block (see Interpreter.SeeStop)
        }
        finally
        {
            Leave(s);
        }

        throw failure;
    }

    internal LuaCoroutineStatus CoroutineStatus(Value thread)
    {
        CheckAccess();
        Coroutine co = CoroutineLibrary.Of(_g, thread);
        return co == _vm.Running ? LuaCoroutineStatus.Running : co.Status switch
        {
            CoStatus.Suspended => LuaCoroutineStatus.Suspended,
            CoStatus.Running => LuaCoroutineStatus.Running,
            CoStatus.Normal => LuaCoroutineStatus.Normal,
            _ => LuaCoroutineStatus.Dead,
        };
    }

    internal LuaValue[] Resume(Value thread, ReadOnlySpan<LuaValue> args)
    {
        ApiScope s = Enter();
        LuaException failure;
        try
        {
            Coroutine co = CoroutineLibrary.Of(_g, thread);
            foreach (LuaValue a in args)
            {
                Push(s.Co, a);
            }

            int n = CoroutineLibrary.ResumeCore(_vm, s.Co, co, args.Length, out Value error);
            if (n < 0)
            {
                _vm.Push(s.Co, error);
                string? traceback = co.DiedWithError ? _vm.Traceback(co, null, 0, hostBoundary: false) : null;
                throw new LuaException(ErrorMessage(s.Co, error), traceback, ToPublic(error), co.DiedWithError ? co.ErrorCause : null);
            }

            return Results(s.Co, _vm.GetTop(s.Co) - n);
        }
        catch (LuaError e)
        {
            failure = Fail(s, e); // thrown after the catch block (see Interpreter.SeeStop)
        }
        finally
        {
            Leave(s);
        }

        throw failure;
    }
}
