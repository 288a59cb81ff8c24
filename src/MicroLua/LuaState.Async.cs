using System.Diagnostics;
using System.Runtime.ExceptionServices;
using MicroLua.Core;
using MicroLua.Library;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua;

/// <summary>
/// An async .NET function callable from Lua. It reads its arguments and pushes its results
/// through <paramref name="call"/> (valid until the returned task completes, across awaits) and
/// returns how many results it pushed, usually as <c>return call.Return(x);</c> at the end of an
/// <c>async</c> lambda. The calling script waits until the task completes; a task that is
/// complete when the function returns costs no allocation. A faulted task raises a Lua error
/// as an exception thrown by a <see cref="LuaCallback"/> does.
/// </summary>
public delegate ValueTask<int> LuaAsyncCallback(LuaAsyncCallContext call);

/// <summary>
/// Async host functions and the entry points that run a script across their awaits.
/// </summary>
/// <remarks>
/// <see cref="CallAsync"/> runs the function as the body of a coroutine (to Lua code it is the
/// main thread: coroutine.yield there is "attempt to yield from outside a coroutine"). An async
/// host function whose task is not complete yields that coroutine with a continuation (the
/// mechanism of <see cref="LuaCallContext.Yield(LuaCallback?, ReadOnlySpan{LuaValue})"/>, as
/// lua_yieldk); the driver awaits the task outside the state, then resumes the coroutine, and
/// the continuation pushes the task's results (or raises its error) in the host function's
/// frame. Between awaits the state is free: other calls may use it, one thread at a time.
/// </remarks>
public sealed partial class LuaState
{
    /// <summary>Calls whose task completed and were delivered, reused by the next async host call (no allocation in steady state).</summary>
    private Stack<AsyncCall>? _freeCalls; // made at the first async call: an idle state stays small

    /// <summary>
    /// Runs <paramref name="code"/> as <see cref="DoString(string, string?)"/> does, as the body of a
    /// coroutine that async host functions may suspend: the returned task completes with the
    /// chunk's results when the chunk ends, after as many awaits as it makes.
    /// </summary>
    /// <exception cref="LuaException">The chunk did not compile or raised an error (a faulted task's exception is the InnerException).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled: the script stopped (no Lua handler catches it); the state stays usable.</exception>
    /// <exception cref="ObjectDisposedException">The state was disposed, before or during the run.</exception>
    public async Task<LuaValue[]> DoStringAsync(string code, string? chunkName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(code);
        using LuaFunction chunk = Load(code, chunkName);
        return await CallAsync(chunk, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Calls <paramref name="function"/> with <paramref name="args"/> as the body of a coroutine
    /// that async host functions may suspend; the returned task completes with its results.
    /// Lua runs on the thread that called this method until the first await of an async host
    /// function, then on the context that await resumes on (the caller's
    /// <see cref="SynchronizationContext"/> when there is one, a pool thread otherwise).
    /// <paramref name="cancellationToken"/> is polled as <see cref="CancellationToken"/> is while
    /// Lua runs, stops the wait for a pending task, and is what async host functions see as
    /// <see cref="LuaAsyncCallContext.CancellationToken"/>.
    /// </summary>
    /// <exception cref="LuaException">The function raised an error.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the state stays usable.</exception>
    /// <exception cref="ObjectDisposedException">The state was disposed, before or during the run.</exception>
    /// <exception cref="ArgumentException"><paramref name="function"/> belongs to another state.</exception>
    public async Task<LuaValue[]> CallAsync(LuaFunction function, LuaValue[]? args = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (function.State != this)
        {
            throw new ArgumentException("The function belongs to another state.", nameof(function));
        }

        LuaCoroutine thread = StartAsync(function);
        CancellationTokenSource? linked = null;
        CancellationToken token = cancellationToken;
        if (token.CanBeCanceled && CancellationToken.CanBeCanceled)
        {
            linked = CancellationTokenSource.CreateLinkedTokenSource(token, CancellationToken);
            token = linked.Token;
        }

        try
        {
            AsyncCall? pending = StepAsync(thread, args ?? [], token, out LuaValue[]? results);
            while (pending != null)
            {
                await pending.WaitAsync(token); // resumes on the caller's context: Lua goes on there
                pending = StepAsync(thread, [], token, out results);
            }

            return results!;
        }
        finally
        {
            EndAsync(thread);
            linked?.Dispose();
        }
    }

    /// <summary>Creates a host function that is async (shown as <paramref name="name"/> in messages) without storing it anywhere.</summary>
    public LuaFunction CreateAsyncFunction(string name, LuaAsyncCallback function)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(function);
        CheckAccess();
        return (LuaFunction)Handle(_rt.NewHostFunction(name, new AsyncCallbackAdapter(function).Invoke));
    }

    /// <summary>
    /// Registers an async host function as global <paramref name="name"/>. Lua calls it as any
    /// function, from a script run by <see cref="DoStringAsync"/> or <see cref="CallAsync"/>;
    /// elsewhere (a synchronous entry point, inside a Lua coroutine, under a host call that
    /// cannot be suspended) the call raises a Lua error without running it.
    /// </summary>
    /// <exception cref="LuaException">Out of memory.</exception>
    public void RegisterAsyncFunction(string name, LuaAsyncCallback function)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(function);
        RegisterHost(name, new AsyncCallbackAdapter(function).Invoke);
    }

    /// <summary>A new coroutine for an async run of <paramref name="function"/>, rooted by the returned handle.</summary>
    private LuaCoroutine StartAsync(LuaFunction function)
    {
        ApiScope s = Enter();
        LuaException failure;
        try
        {
            Value thread = CoroutineLibrary.NewCoroutine(_vm, ToInternal(function));
            CoroutineLibrary.Of(_g, thread).Async = true;
            return (LuaCoroutine)Handle(thread);
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
    /// Runs the async coroutine until it ends (its results are set, null is returned) or an
    /// async host function's task is pending (returned). Lua errors become LuaException as in
    /// <see cref="Resume"/>; stops go to the caller and leave the coroutine dead.
    /// </summary>
    private AsyncCall? StepAsync(LuaCoroutine thread, LuaValue[] args, CancellationToken token, out LuaValue[]? results)
    {
        results = null;
        ApiScope s = Enter();
        CancellationToken saved = _vm.Cancellation;
        bool swap = token.CanBeCanceled && token != saved; // the caller's token, or one linked with the state's
        LuaException failure;
        try
        {
            if (swap)
            {
                _vm.Cancellation = token;
            }

            token.ThrowIfCancellationRequested();
            Coroutine co = CoroutineLibrary.Of(_g, thread.Value);
            foreach (LuaValue a in args)
            {
                Push(s.Co, a);
            }

            if (co.Continuation is AsyncCall waited)
            {
                waited.Waiting = false; // its task completed: the driver resumes the coroutine
            }

            int n = CoroutineLibrary.ResumeCore(_vm, s.Co, co, args.Length, out Value error);
            if (n < 0)
            {
                _vm.Push(s.Co, error);
                string? traceback = co.DiedWithError ? _vm.Traceback(co, null, 0, hostBoundary: false) : null;
                throw new LuaException(ErrorMessage(s.Co, error), traceback, ToPublic(error), co.DiedWithError ? co.ErrorCause : null);
            }

            if (co.Status == CoStatus.Suspended)
            {
                // Lua's yields and the host's Yield are refused in this coroutine: only an await suspends it
                Debug.Assert(co.Continuation is AsyncCall { Waiting: true });
                return (AsyncCall)co.Continuation!;
            }

            results = Results(s.Co, _vm.GetTop(s.Co) - n);
            return null;
        }
        catch (LuaError e)
        {
            failure = Fail(s, e); // thrown after the catch block (see Interpreter.SeeStop)
        }
        finally
        {
            if (swap)
            {
                _vm.Cancellation = saved;
            }

            Leave(s);
            _stepLeaving = false;
        }

        throw failure;
    }

    /// <summary>After an async run, however it ended: a coroutine still suspended (the wait was cancelled) is killed, as after a stop, and the handle released.</summary>
    private void EndAsync(LuaCoroutine thread)
    {
        if (_disposed)
        {
            return; // Dispose released everything
        }

        try
        {
            ApiScope s = Enter();
            try
            {
                Coroutine co = CoroutineLibrary.Of(_g, thread.Value);
                if (co.Status != CoStatus.Dead)
                {
                    (co.Continuation as AsyncCall)?.Abandon();
                    _vm.KillAfterStop(co);
                }
            }
            finally
            {
                Leave(s);
            }

            thread.Dispose();
        }
        catch (InvalidOperationException)
        {
            // another thread is inside the state now: the coroutine stays rooted until Dispose
        }
    }

    /// <summary>
    /// Calls an async host function: refused where its coroutine cannot be suspended; otherwise
    /// the task's results are delivered at once when it is complete, or the coroutine awaits it.
    /// </summary>
    private int InvokeAsyncCallback(LuaAsyncCallback fn, ref CallContext c)
    {
        Coroutine co = c.Coroutine;
        if (!co.Async || co.NonYieldable > 0)
        {
            throw NotAwaitable(ref c);
        }

        AsyncCall call = RentCall(ref c);
        bool pending = false;
        LuaError error;
        _stepLeaving = true; // from here the task may go on on another thread: its calls wait for the step to leave
        try
        {
            ValueTask<int> task = fn(new LuaAsyncCallContext(call, call.Version));
            if (!task.IsCompleted)
            {
                pending = true;
                call.Task = task;
                call.Waiting = true;
                return c.Await(call);
            }

            // The fast path: a task complete already (no await suspended) is read without allocation.
            return call.Deliver(ref c, task.Result); // a faulted task throws its exception here
        }
        catch (Exception e) when (e is not LuaError && IsCatchable(e))
        {
            error = ToLuaError(e);
        }
        finally
        {
            if (!pending)
            {
                _stepLeaving = false;
                ReleaseCall(call);
            }
        }

        throw error;
    }

    /// <summary>The error of an async host function called where its coroutine cannot wait.</summary>
    private static LuaError NotAwaitable(ref CallContext c)
    {
        string why = c.Coroutine.Async ? "across a C-call boundary"
            : c.Coroutine == c.Vm.Main ? "outside an async call (run the script with DoStringAsync or CallAsync)"
            : "inside a coroutine (only the script run by DoStringAsync or CallAsync can wait)";
        return new LuaError($"attempt to await '{c.Name}' {why}");
    }

    /// <summary>A .NET exception of a host function (a catchable one) as the Lua error it raises.</summary>
    private LuaError ToLuaError(Exception e) => e switch
    {
        LuaError l => l,
        LuaException x => x.HasValue ? new LuaError(ToInternal(x.Value), x.Message) : new LuaError(x.Message, x.InnerException ?? x),
        _ => new LuaError(e.Message, e),
    };

    private AsyncCall RentCall(ref CallContext c)
    {
        if (_freeCalls == null || !_freeCalls.TryPop(out AsyncCall? call))
        {
            call = new AsyncCall(this);
        }

        call.Start(ref c, _vm.Cancellation);
        return call;
    }

    private void ReleaseCall(AsyncCall call)
    {
        call.End();
        (_freeCalls ??= new Stack<AsyncCall>()).Push(call);
    }

    /// <summary>The host function behind <see cref="RegisterAsyncFunction"/>: finds its state through the runtime, as <see cref="CallbackAdapter"/>.</summary>
    internal sealed class AsyncCallbackAdapter(LuaAsyncCallback callback)
    {
        public LuaAsyncCallback Callback { get; } = callback;

        public int Invoke(ref CallContext c) => ((LuaState)LuaRuntime.Of(c.Vm).Owner!).InvokeAsyncCallback(Callback, ref c);
    }

    /// <summary>
    /// One call of an async host function: where its arguments are (the frame of its suspended
    /// coroutine), the results it pushed (kept here, in .NET values, until the task completes;
    /// objects as handles of their own), the pending task and its outcome. A context of an
    /// ended call (<see cref="Version"/> moved on) is refused, so a pooled object is never read
    /// through a stale context.
    /// </summary>
    internal sealed class AsyncCall : HostContinuation
    {
        private readonly LuaState _state;
        private LuaValue[] _results = new LuaValue[4];
        private int _resultCount;
        private Coroutine? _co;
        private int _frame;
        private int _argCount;
        private HostFunctionInfo? _info;
        private int _returned;
        private Exception? _error;
        private ApiScope _scope;
        private bool _scoped;

        public AsyncCall(LuaState state)
        {
            _state = state;
        }

        public LuaState State => _state;

        /// <summary>Moves on at each end of a call.</summary>
        public int Version { get; private set; }

        public CancellationToken Cancellation { get; private set; }

        /// <summary>The task the coroutine waits for.</summary>
        public ValueTask<int> Task { get; set; }

        /// <summary>Set while the task runs, cleared by the driver when it resumes the coroutine to deliver the outcome.</summary>
        public bool Waiting { get; set; }

        /// <inheritdoc/>
        public override bool IsAwaiting => Waiting;

        public void Start(ref CallContext c, CancellationToken token)
        {
            _co = c.Coroutine;
            _frame = c.Frame;
            _argCount = c.ArgCount;
            _info = c.Info;
            Cancellation = token;
        }

        public void End()
        {
            Version++;
            for (int i = 0; i < _resultCount; i++)
            {
                _results[i].Reference?.Dispose(); // the call's own handles (see Push)
                _results[i] = default;
            }

            _resultCount = 0;
            _co = null;
            _info = null;
            _error = null;
            Task = default;
            Waiting = false;
            Cancellation = default;
        }

        /// <summary>The run stopped while the task was pending: the call ends, and this object is not reused (the task may still hold it).</summary>
        public void Abandon() => Version++;

        /// <summary>Awaits the task outside the state and keeps its outcome; the token's cancellation ends the wait with OperationCanceledException.</summary>
        public async ValueTask WaitAsync(CancellationToken token)
        {
            try
            {
                _returned = token.CanBeCanceled
                    ? await Task.AsTask().WaitAsync(token).ConfigureAwait(false)
                    : await Task.ConfigureAwait(false);
            }
            catch (Exception e) when (!(e is OperationCanceledException && token.IsCancellationRequested))
            {
                _error = e;
            }

            Task = default;
        }

        /// <summary>The continuation: delivers the task's results, or raises its error, in the host function's frame.</summary>
        public override int Resume(ref CallContext c)
        {
            try
            {
                if (_error is { } e)
                {
                    if (e is not LuaError && !IsCatchable(e))
                    {
                        ExceptionDispatchInfo.Throw(e); // a stop or a fatal error goes on to the host
                    }

                    throw _state.ToLuaError(e);
                }

                return Deliver(ref c, _returned);
            }
            finally
            {
                _state.ReleaseCall(this);
            }
        }

        /// <summary>Pushes the last <paramref name="n"/> results pushed onto the Lua stack (the host function's frame): its results.</summary>
        public int Deliver(ref CallContext c, int n)
        {
            if ((uint)n > (uint)_resultCount)
            {
                throw new LuaError($"async function '{c.Name}' returned {n} results but pushed {_resultCount}");
            }

            for (int i = _resultCount - n; i < _resultCount; i++)
            {
                c.Push(_state.ToInternal(_results[i]));
            }

            return n;
        }

        /// <summary>Refuses a stale context.</summary>
        private void Check(int version)
        {
            if (version != Version)
            {
                throw new InvalidOperationException("This async host function call has ended: its context is valid until the function's task completes.");
            }
        }

        /// <summary>
        /// A context on the call's frame for one access. Inside the state on this thread (the
        /// synchronous part of the function, before its first await) that is all; after an
        /// await, outside any API call, the access is an API call of its own (the thread
        /// check, the state not disposed).
        /// </summary>
        public CallContext Open(int version)
        {
            Check(version);
            if (_state._apiDepth > 0 && _state._owner == Environment.CurrentManagedThreadId)
            {
                _scoped = false;
            }
            else
            {
                _scope = _state.Enter();
                _scoped = true;
            }

            return new CallContext(_state._vm, _co!, _frame, _info!, _argCount);
        }

        public void Close()
        {
            if (_scoped)
            {
                _scoped = false;
                _state.Leave(_scope);
            }
        }

        public int ArgumentCount(int version)
        {
            Check(version);
            return _argCount;
        }

        /// <summary>Keeps a result; an object gets a handle of its own, so the caller may dispose theirs before the task completes.</summary>
        public void Push(int version, in LuaValue value)
        {
            LuaValue v = value;
            if (v.Reference != null)
            {
                Open(version);
                try
                {
                    v = LuaValue.FromReference(_state.Handle(_state.ToInternal(v)));
                }
                finally
                {
                    Close();
                }
            }
            else
            {
                Check(version);
            }

            if (_resultCount == _results.Length)
            {
                Array.Resize(ref _results, _resultCount * 2);
            }

            _results[_resultCount++] = v;
        }
    }
}
