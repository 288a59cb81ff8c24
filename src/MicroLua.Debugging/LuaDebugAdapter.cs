using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace MicroLua.Debugging;

/// <summary>What the client's launch request asked for (mlua --debug runs it).</summary>
/// <param name="Program">The script to run, or null when the adapter was started with one.</param>
/// <param name="Args">The script's arguments.</param>
/// <param name="Cwd">The working directory to run in, or null.</param>
/// <param name="StopOnEntry">Stop at the script's first line.</param>
/// <param name="NoDebug">Run without debugging (breakpoints are ignored).</param>
public sealed record LuaLaunchRequest(string? Program, IReadOnlyList<string> Args, string? Cwd, bool StopOnEntry, bool NoDebug);

/// <summary>
/// A Debug Adapter Protocol server for one <see cref="LuaState"/>: VS Code (or any DAP client)
/// connects through a pair of streams (<see cref="Connect"/>: stdio, a socket, pipes) and sets
/// breakpoints, steps, reads frames and variables and evaluates expressions while the script
/// runs on the host's own thread.
///
/// Threads: requests are read on a thread of the adapter's. The state is touched only by the
/// thread that runs the script: when the script stops (a breakpoint, a step, a pause, an error),
/// that thread sends the stopped event and then serves the requests that need the state
/// (stackTrace, scopes, variables, setVariable, evaluate, threads) from a queue until a
/// continue or step request (or the client's departure) lets it go on. Requests that need the
/// state while the script runs are refused with an error response, as are unknown requests,
/// malformed messages and requests out of the protocol's order.
///
/// Cost: attached, the state runs its hooked loop, and each new line costs a call and one
/// array lookup (is there a breakpoint on a line with this number?) unless the debugger is
/// stepping or pausing; with no client connected, nothing more. Detached, nothing.
/// </summary>
public sealed partial class LuaDebugAdapter : IDisposable
{
    private readonly object _gate = new();
    private readonly HookImpl _hook;
    private volatile DapConnection? _conn;
    private Thread? _reader;
    private LuaState? _state;

    // protocol progress of the current client (reader thread)
    private bool _initialized;
    private bool _launchedOrAttached;
    private bool _configurationDone;
    private bool _isLaunch;
    private readonly ManualResetEventSlim _ready = new();
    private readonly ManualResetEventSlim _gone = new(true);

    // the stop: set under _gate; the script thread waits on _work while stopped
    private bool _stopped;
    private BlockingCollection<WorkItem> _work = [];
    private volatile bool _pause;

    // script-thread state
    private bool _inStop;
    private StepKind _step;
    private LuaDebugThread? _stepThread;
    private int _stepDepth;
    private string? _lastError;
    private bool _lastErrorCaught;

    // exception filters (reader thread writes, script thread reads)
    private volatile bool _breakOnUncaught = true;
    private volatile bool _breakOnAll;

    private enum StepKind
    {
        None,
        Entry,
        In,
        Over,
        Out,
    }

    /// <summary>A request for the script thread, or (with <see cref="Resume"/>) the end of a stop.</summary>
    private sealed class WorkItem(Action? run, StepKind step, int threadId)
    {
        public Action? Run { get; } = run;

        public bool Resume => Run == null;

        public StepKind Step { get; } = step;

        public int ThreadId { get; } = threadId;
    }

    /// <summary>Creates an adapter, not yet attached to a state nor connected to a client.</summary>
    public LuaDebugAdapter()
    {
        _hook = new HookImpl(this);
    }

    /// <summary>The launch request the client sent, once it did (null for an attach).</summary>
    public LuaLaunchRequest? LaunchRequest { get; private set; }

    /// <summary>Whether a client is connected now.</summary>
    public bool IsClientConnected => _conn != null;

    /// <summary>
    /// Raised on the adapter's reader thread when the client disconnects (a disconnect or
    /// terminate request, or the end of its stream). The argument tells whether the client
    /// asked for the script to be ended (terminateDebuggee; by default true after a launch,
    /// false after an attach). A stopped script goes on running either way.
    /// </summary>
    public event Action<bool>? ClientDisconnected;

    /// <summary>
    /// Attaches the adapter to <paramref name="state"/> (its <see cref="LuaState.DebugHook"/>).
    /// Call it on the thread that runs the state, while no script runs. Breakpoints the client
    /// set before are kept.
    /// </summary>
    public void Attach(LuaState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (_state != null)
        {
            throw new InvalidOperationException("The adapter is attached to a state already.");
        }

        _state = state;
        state.DebugHook = _hook;
    }

    /// <summary>Detaches the adapter from its state (on the state's thread): the state runs its unhooked loop again.</summary>
    public void Detach()
    {
        if (_state is { IsDisposed: false } s && s.DebugHook == _hook)
        {
            s.DebugHook = null;
        }

        ResetEvaluation();
        _state = null;
    }

    /// <summary>
    /// Serves a client on a pair of streams (for stdio: standard input and output; for a socket:
    /// its stream twice) on a new background thread. One client at a time.
    /// </summary>
    /// <exception cref="InvalidOperationException">A client is connected already.</exception>
    public void Connect(Stream input, Stream output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        lock (_gate)
        {
            if (_conn != null)
            {
                throw new InvalidOperationException("A client is connected already.");
            }

            _initialized = _launchedOrAttached = _configurationDone = false;
            _ready.Reset();
            _gone.Reset();
            _conn = new DapConnection(input, output);
            DapConnection conn = _conn;
            _reader = new Thread(() => ReadLoop(conn)) { IsBackground = true, Name = "MicroLua DAP reader" };
            _reader.Start();
        }
    }

    /// <summary>
    /// Waits until the client has sent its launch (or attach) request and configurationDone,
    /// so that its breakpoints are in place before the script starts. False when the client left
    /// first or the time ran out.
    /// </summary>
    public bool WaitForConfiguration(TimeSpan timeout) => _ready.Wait(timeout) && _conn != null;

    /// <summary>Waits until no client is connected (or the time ran out); true when none is.</summary>
    public bool WaitForDisconnect(TimeSpan timeout) => _gone.Wait(timeout);

    /// <summary>Sends text to the client's debug console (an output event); nothing happens when no client is connected.</summary>
    public void SendOutput(string text, string category = "console")
    {
        ArgumentNullException.ThrowIfNull(text);
        _conn?.SendEvent("output", new OutputEventBody { Category = category, Output = text }, DapJson.Default.OutputEventBody);
    }

    /// <summary>
    /// A <see cref="LuaOutputHandler"/> that sends what the script prints to the client as
    /// output events ("stdout", "stderr"): give it as <see cref="LuaOptions.Output"/> when the
    /// protocol owns standard output.
    /// </summary>
    public void WriteOutput(ReadOnlySpan<byte> bytes, LuaOutputKind kind) =>
        SendOutput(Encoding.UTF8.GetString(bytes), kind == LuaOutputKind.Standard ? "stdout" : "stderr");

    /// <summary>Tells the client that the script ended with <paramref name="exitCode"/> (exited and terminated events).</summary>
    public void NotifyExited(int exitCode)
    {
        DapConnection? conn = _conn;
        conn?.SendEvent("exited", new ExitedEventBody { ExitCode = exitCode }, DapJson.Default.ExitedEventBody);
        conn?.SendEvent("terminated");
    }

    /// <summary>Closes the client's connection (its reader thread ends) and lets a stopped script go on. Does not detach.</summary>
    public void Disconnect()
    {
        DapConnection? conn = _conn;
        if (conn != null)
        {
            conn.Dispose();
            _reader?.Join(TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>Disconnects the client and detaches from the state (call on the state's thread).</summary>
    public void Dispose()
    {
        Disconnect();
        Detach();
        _ready.Dispose();
        _gone.Dispose();
    }

    // ---- the reader thread ----

    private void ReadLoop(DapConnection conn)
    {
        bool terminate = false;
        try
        {
            while (true)
            {
                DapConnection.ReadKind kind;
                DapRequest? request;
                string? problem;
                int seq;
                try
                {
                    kind = conn.Read(out request, out problem, out seq);
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException)
                {
                    break;
                }

                if (kind == DapConnection.ReadKind.End)
                {
                    break;
                }

                if (kind == DapConnection.ReadKind.Malformed)
                {
                    conn.SendError(seq, "unknown", problem!);
                    continue;
                }

                if (Dispatch(conn, request!, out terminate))
                {
                    break;
                }
            }
        }
        finally
        {
            ClientGone(conn, terminate);
        }
    }

    /// <summary>The client left: forget its breakpoints and stepping, let a stopped script go on.</summary>
    private void ClientGone(DapConnection conn, bool terminate)
    {
        lock (_gate)
        {
            // The client is forgotten before a stopped script is let go: the script thread takes
            // its resume without _gate and may run to its end at once, and it must find no client
            // (nothing more is sent to it, IsClientConnected is false) however the threads are
            // scheduled.
            _conn = null;
            ClearBreakpoints();
            _pause = false;
            _pendingEntryStop = false;
            UpdateLineMode();
            _breakOnAll = false;
            _breakOnUncaught = true;
            ResumeLocked(StepKind.None, 0);
        }

        conn.Dispose();
        _ready.Set();
        ClientDisconnected?.Invoke(terminate);
        _gone.Set();
    }

    /// <summary>Handles one request; true when it was the client's last (disconnect, terminate).</summary>
    private bool Dispatch(DapConnection conn, DapRequest r, out bool terminate)
    {
        terminate = false;
        try
        {
            if (!_initialized && r.Command != "initialize")
            {
                throw new DapRequestException($"the first request must be 'initialize', not '{r.Command}'");
            }

            switch (r.Command)
            {
                case "initialize":
                    Initialize(conn, r);
                    return false;
                case "launch":
                case "attach":
                    LaunchOrAttach(conn, r);
                    return false;
                case "configurationDone":
                    if (_configurationDone)
                    {
                        throw new DapRequestException("configurationDone was received already");
                    }

                    _configurationDone = true;
                    conn.SendSuccess(r);
                    UpdateReady();
                    return false;
                case "setBreakpoints":
                    SetBreakpoints(conn, r);
                    return false;
                case "setExceptionBreakpoints":
                {
                    var a = Args(r, DapJson.Default.SetExceptionBreakpointsArguments);
                    string[] filters = a.Filters ?? [];
                    _breakOnAll = filters.Contains("all");
                    _breakOnUncaught = filters.Contains("uncaught");
                    conn.SendSuccess(r);
                    return false;
                }

                case "threads":
                    if (!RunWhenStopped(conn, r, () => Threads(conn, r)))
                    {
                        conn.SendResponse(r, new ThreadsResponseBody { Threads = CachedThreads() }, DapJson.Default.ThreadsResponseBody);
                    }

                    return false;
                case "stackTrace":
                    RequireStopped(conn, r, () => StackTrace(conn, r));
                    return false;
                case "scopes":
                    RequireStopped(conn, r, () => Scopes(conn, r));
                    return false;
                case "variables":
                    RequireStopped(conn, r, () => Variables(conn, r));
                    return false;
                case "setVariable":
                    RequireStopped(conn, r, () => SetVariable(conn, r));
                    return false;
                case "evaluate":
                    RequireStopped(conn, r, () => Evaluate(conn, r));
                    return false;
                case "exceptionInfo":
                    RequireStopped(conn, r, () => ExceptionInfo(conn, r));
                    return false;
                case "source":
                    SourceRequest(conn, r);
                    return false;
                case "continue":
                    Resume(conn, r, StepKind.None);
                    return false;
                case "next":
                    Resume(conn, r, StepKind.Over);
                    return false;
                case "stepIn":
                    Resume(conn, r, StepKind.In);
                    return false;
                case "stepOut":
                    Resume(conn, r, StepKind.Out);
                    return false;
                case "pause":
                    Args(r, DapJson.Default.ThreadArguments);
                    _pause = true;
                    UpdateLineMode();
                    conn.SendSuccess(r);
                    return false;
                case "disconnect":
                case "terminate":
                {
                    var a = r.Arguments.ValueKind == JsonValueKind.Object ? Args(r, DapJson.Default.DisconnectArguments) : new DisconnectArguments();
                    terminate = r.Command == "terminate" || (a.TerminateDebuggee ?? _isLaunch);
                    conn.SendSuccess(r);
                    return true;
                }

                default:
                    throw new DapRequestException($"unknown request '{r.Command}'");
            }
        }
        catch (DapRequestException e)
        {
            conn.SendError(r.Seq, r.Command, e.Message);
            return false;
        }
    }

    /// <summary>The request's arguments as <typeparamref name="T"/>; a missing or ill-typed member is the client's error.</summary>
    private static T Args<T>(DapRequest r, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
        where T : class
    {
        if (r.Arguments.ValueKind != JsonValueKind.Object)
        {
            throw new DapRequestException($"'{r.Command}' needs an arguments object");
        }

        try
        {
            return r.Arguments.Deserialize(info) ?? throw new DapRequestException($"'{r.Command}' needs an arguments object");
        }
        catch (JsonException e)
        {
            throw new DapRequestException($"bad arguments for '{r.Command}': {e.Message}");
        }
    }

    private void Initialize(DapConnection conn, DapRequest r)
    {
        if (_initialized)
        {
            throw new DapRequestException("initialize was received already");
        }

        Args(r, DapJson.Default.InitializeArguments);
        _initialized = true;
        conn.SendResponse(r, new Capabilities
        {
            SupportsConfigurationDoneRequest = true,
            SupportsConditionalBreakpoints = true,
            SupportsHitConditionalBreakpoints = true,
            SupportsLogPoints = true,
            SupportsEvaluateForHovers = true,
            SupportsSetVariable = true,
            SupportsExceptionInfoRequest = true,
            SupportsTerminateRequest = true,
            SupportsDelayedStackTraceLoading = true,
            ExceptionBreakpointFilters =
            [
                new ExceptionBreakpointsFilter { Filter = "uncaught", Label = "Uncaught errors", Description = "Stop on an error no pcall (or coroutine.resume) catches", Default = true },
                new ExceptionBreakpointsFilter { Filter = "all", Label = "All errors", Description = "Stop on every error, caught or not" },
            ],
        }, DapJson.Default.Capabilities);
        conn.SendEvent("initialized");
    }

    private void LaunchOrAttach(DapConnection conn, DapRequest r)
    {
        if (_launchedOrAttached)
        {
            throw new DapRequestException("launch or attach was received already");
        }

        _isLaunch = r.Command == "launch";
        if (_isLaunch)
        {
            var a = Args(r, DapJson.Default.LaunchArguments);
            LaunchRequest = new LuaLaunchRequest(a.Program, a.Args ?? [], a.Cwd, a.StopOnEntry, a.NoDebug);
            if (a.StopOnEntry && !a.NoDebug)
            {
                lock (_gate)
                {
                    _pendingEntryStop = true;
                    UpdateLineMode();
                }
            }
        }

        _launchedOrAttached = true;
        conn.SendSuccess(r);
        UpdateReady();
    }

    /// <summary>Set by a launch with stopOnEntry: the script's first line stops (read on the script thread).</summary>
    private volatile bool _pendingEntryStop;

    private void UpdateReady()
    {
        if (_launchedOrAttached && _configurationDone)
        {
            _ready.Set();
        }
    }

    /// <summary>Queues <paramref name="run"/> for the stopped script thread; false (nothing queued) when the script is running.</summary>
    private bool RunWhenStopped(DapConnection conn, DapRequest r, Action run)
    {
        lock (_gate)
        {
            if (!_stopped)
            {
                return false;
            }

            _work.Add(new WorkItem(() =>
            {
                try
                {
                    run();
                }
                catch (DapRequestException e)
                {
                    conn.SendError(r.Seq, r.Command, e.Message);
                }
                catch (LuaException e)
                {
                    conn.SendError(r.Seq, r.Command, e.Message);
                }
            }, StepKind.None, 0));
            return true;
        }
    }

    private void RequireStopped(DapConnection conn, DapRequest r, Action run)
    {
        if (!RunWhenStopped(conn, r, run))
        {
            throw new DapRequestException($"'{r.Command}' needs a stopped script (pause it first)");
        }
    }

    private void Resume(DapConnection conn, DapRequest r, StepKind step)
    {
        var a = Args(r, DapJson.Default.ThreadArguments);
        lock (_gate)
        {
            if (!_stopped)
            {
                throw new DapRequestException($"'{r.Command}' needs a stopped script");
            }

            // the response goes before the script moves on, so that it precedes the next stopped event
            if (step == StepKind.None)
            {
                conn.SendResponse(r, new ContinueResponseBody { AllThreadsContinued = true }, DapJson.Default.ContinueResponseBody);
            }
            else
            {
                conn.SendSuccess(r);
            }

            ResumeLocked(step, a.ThreadId);
        }
    }

    private void ResumeLocked(StepKind step, int threadId)
    {
        if (_stopped)
        {
            _stopped = false;
            _work.Add(new WorkItem(null, step, threadId));
        }
    }

    // ---- the script thread: events and the stop ----

    /// <summary>The hook the state calls; it forwards to the adapter.</summary>
    private sealed class HookImpl(LuaDebugAdapter adapter) : LuaDebugHook
    {
        public override void OnLine(LuaState state, LuaDebugThread thread, int line)
        {
            // the state's line filter (UpdateLineMode, RebuildLineFilter) lets through only breakpoint lines, or every line while stepping or pausing
            if (!adapter._inStop && adapter._conn != null)
            {
                adapter.LineSlow(state, thread, line);
            }
        }

        public override void OnTailCall(LuaState state, LuaDebugThread thread)
        {
            if (adapter._step == StepKind.Over && thread == adapter._stepThread && thread.Depth == adapter._stepDepth)
            {
                adapter._stepDepth--; // the function being stepped over is gone: stop in its caller
            }
        }

        public override void OnError(LuaState state, LuaDebugThread thread, string message, bool caught) => adapter.Error(state, thread, message, caught);

        public override void OnChunkLoaded(LuaState state, LuaChunkInfo chunk)
        {
            if (!adapter._inStop)
            {
                adapter.ChunkLoaded(chunk);
            }
        }
    }

    /// <summary>Every line goes to the hook while a step, a pause or the entry stop is pending; else only breakpoint lines.</summary>
    private void UpdateLineMode() => _hook.ReportAllLines = _pause || _step != StepKind.None || _pendingEntryStop;

    private void LineSlow(LuaState state, LuaDebugThread thread, int line)
    {
        _inStop = true;
        try
        {
            if (_pendingEntryStop)
            {
                _pendingEntryStop = false;
                UpdateLineMode();
                Stop(state, thread, "entry", null, null, null);
                return;
            }

            int[]? hits = CheckBreakpoints(state, thread, line);
            if (hits != null)
            {
                Stop(state, thread, "breakpoint", null, null, hits);
            }
            else if (_pause)
            {
                Stop(state, thread, "pause", null, null, null);
            }
            else if (_step != StepKind.None && StepDone(thread))
            {
                Stop(state, thread, "step", null, null, null);
            }
        }
        finally
        {
            _inStop = false;
        }
    }

    /// <summary>Whether a line event on <paramref name="thread"/> ends the step in progress.</summary>
    private bool StepDone(LuaDebugThread thread)
    {
        if (_step == StepKind.In)
        {
            return true;
        }

        if (thread != _stepThread)
        {
            // another coroutine runs: the stepped one resumed it (go on) or yielded or ended (stop here)
            return _stepThread == null || _stepThread.Status is LuaCoroutineStatus.Suspended or LuaCoroutineStatus.Dead;
        }

        return _step == StepKind.Over ? thread.Depth <= _stepDepth : thread.Depth < _stepDepth;
    }

    private void Error(LuaState state, LuaDebugThread thread, string message, bool caught)
    {
        if (_inStop || _conn == null || !(_breakOnAll || (_breakOnUncaught && !caught)))
        {
            return;
        }

        _inStop = true;
        try
        {
            _lastError = message;
            _lastErrorCaught = caught;
            Stop(state, thread, "exception", caught ? "Error (caught)" : "Uncaught error", message, null);
        }
        finally
        {
            _inStop = false;
        }
    }

    /// <summary>Stops the script on this thread: sends the stopped event and serves requests until a continue or step.</summary>
    private void Stop(LuaState state, LuaDebugThread thread, string reason, string? description, string? text, int[]? hits)
    {
        DapConnection? conn = _conn;
        if (conn == null)
        {
            return;
        }

        _pause = false;
        _step = StepKind.None;
        UpdateLineMode();
        if (reason != "exception")
        {
            _lastError = null;
        }

        _stopState = state;
        _stopThread = thread;
        RefreshThreads(state);
        lock (_gate)
        {
            if (_conn != conn)
            {
                return; // the client left meanwhile
            }

            _stopped = true;
        }

        conn.SendEvent("stopped", new StoppedEventBody
        {
            Reason = reason,
            Description = description,
            Text = text,
            ThreadId = thread.Id,
            AllThreadsStopped = true,
            HitBreakpointIds = hits,
        }, DapJson.Default.StoppedEventBody);
        try
        {
            while (true)
            {
                WorkItem w = _work.Take();
                if (w.Resume)
                {
                    if (w.Step != StepKind.None)
                    {
                        _stepThread = _threads.TryGetValue(w.ThreadId, out LuaDebugThread? t) ? t : thread;
                        _stepDepth = _stepThread.Depth;
                        _step = w.Step;
                        UpdateLineMode();
                    }

                    return;
                }

                w.Run!();
            }
        }
        finally
        {
            EndStop();
        }
    }
}
