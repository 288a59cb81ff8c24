using MicroLua.Core;
using MicroLua.Library;
using MicroLua.Memory;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua;

/// <summary>
/// A Lua state: one heap block holding every Lua object, the registry and globals, the main
/// coroutine and the standard libraries. Single-threaded: use one state from one thread at a
/// time; separate states are independent and may run on different threads at once. Dispose
/// runs pending finalizers and frees the block.
/// </summary>
public sealed unsafe partial class LuaState : IDisposable
{
    private readonly LuaGlobal _g;
    private readonly Interpreter _vm;
    private readonly LuaRuntime _rt;
    private bool _disposed;

    /// <summary>Set while <see cref="Close"/> runs the last finalizers: Dispose from one of them does nothing more.</summary>
    private bool _closing;

    /// <summary>Creates a state with default options (<see cref="LuaLibraries.Safe"/>, no compiler: pass one in <see cref="LuaOptions.Compiler"/> to run source).</summary>
    public LuaState() : this(new LuaOptions())
    {
    }

    /// <summary>Creates a state whose heap is a block of <see cref="LuaOptions.MemoryLimit"/> bytes it allocates.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit in the options is out of its range.</exception>
    /// <exception cref="LuaException">"not enough memory": the memory limit is at least <c>LuaLimits.MinMemoryLimit</c> (4,384 bytes: a state without libraries) but too small for the libraries in the options (the Safe libraries need 7,944 bytes).</exception>
    /// <remarks>
    /// The second and later states a process makes with the same memory limit, libraries, hash
    /// seed and collector settings are copies of a pristine state with those settings (a
    /// template kept per process, see LuaState.Templates.cs): they share its fixed names,
    /// handle table and library descriptions, so an idle one costs under 2 KB of managed memory,
    /// and a copy is made in microseconds. Such a state behaves as one built from scratch, with
    /// one difference: states made with <see cref="LuaOptions.HashSeed"/> null share the
    /// template's random seed, as .NET's string hashing shares one per process.
    /// </remarks>
    public LuaState(LuaOptions options)
        : this(CheckOptions(options), Template(options))
    {
    }

    /// <summary>A state built from scratch, or a copy of <paramref name="template"/> (a pristine state with the same settings) when there is one.</summary>
    private LuaState(LuaOptions options, LuaSnapshot? template)
        : this(template, options, template == null ? new Heap(CheckLimit(options.MemoryLimit)) : Heap.ForCopy(template.HeapLength), ownFamily: true)
    {
    }

    /// <summary>
    /// Creates a state whose heap is memory the host owns: <paramref name="length"/> bytes at
    /// <paramref name="memory"/> (8-byte aligned), kept alive and unused by the host until the
    /// state is disposed. <see cref="LuaOptions.MemoryLimit"/> is ignored: the block is the limit.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The block or a limit in the options is out of its range.</exception>
    /// <exception cref="LuaException">"not enough memory": the block is too small for the libraries in the options.</exception>
    public LuaState(LuaOptions options, byte* memory, nuint length)
        : this(CheckOptions(options), new Heap(memory, CheckLimit((long)length), ownsMemory: false))
    {
    }

    private LuaState(LuaOptions options, Heap heap)
        : this(null, options, heap)
    {
    }

    /// <summary>The parts of a state whose heap <paramref name="heap"/> is new: the roots, the interpreter and the libraries the options name.</summary>
    private (LuaGlobal, Interpreter, LuaRuntime) BuildFromScratch(LuaOptions options, Heap heap)
    {
        uint seed = options.HashSeed ?? NewSeed();
        var g = new LuaGlobal(heap, seed, gcStress: false)
        {
            GcPause = options.GcPause,
            GcStepMul = options.GcStepMultiplier,
        };
        Interpreter vm;
        LuaRuntime rt;
        try
        {
            Gc.Collector.Attach(g);
            g.Registry = Value.Object(Tag.Table, LuaTable.New(g, 2, (options.Libraries & LuaLibraries.Package) != 0 ? 2 : 0));
            g.MainThread = Value.Object(Tag.Thread, LuaThread.New(g, LuaLimits.BasicStackSize));
            LuaTable.SetInt(g, g.Registry.R, 1, g.MainThread);
            uint globals = LuaTable.New(g, 0, GlobalCount(options.Libraries));
            LuaTable.SetInt(g, g.Registry.R, 2, Value.Object(Tag.Table, globals));
            vm = new Interpreter(g)
            {
                MaxCCalls = options.MaxCallDepth,
                MaxStack = options.MaxStackSize,
            };
            rt = new LuaRuntime(g, vm, globals)
            {
                Output = options.Output,
                Owner = this,
            };
            rt.Chunks.Compiler = options.Compiler;
            rt.Chunks.AllowBinaryChunks = (options.Libraries & LuaLibraries.BinaryChunks) != 0;
            foreach (var (flag, open) in s_libraries)
            {
                if ((options.Libraries & flag) != 0)
                {
                    open(rt);
                }
            }

            // package last: it records the libraries opened before it in package.loaded.
            if ((options.Libraries & LuaLibraries.Package) != 0)
            {
                PackageLibrary.Open(rt, HostSearcher(options.Require));
            }

            rt.WireCollector();
            rt.Collector.UserdataFreed = OnUserdataFreed;
        }
        catch (LuaError e)
        {
            // The libraries did not fit in the heap: the state never existed, so its block goes back now.
            g.Dispose();
            throw new LuaException(LuaErrors.NotEnoughMemory, e);
        }

        g.GcStress = options.GcStress;
        g.TrimScratch(); // an idle state keeps no buffers its construction grew
        return (g, vm, rt);
    }

    /// <summary>A random hash seed for a state whose options name none (not from RandomNumberGenerator: it loads OpenSSL at every start).</summary>
    private static uint NewSeed() => (uint)Random.Shared.Next(int.MinValue, int.MaxValue);

    /// <summary>
    /// The embedder's require handler as the package library's searcher, or null. A module
    /// the handler gives as a value enters the heap of the state that asks (a state made from
    /// a snapshot shares the handler) through the embedding API's conversion.
    /// </summary>
    private static HostModuleSearcher? HostSearcher(LuaRequireHandler? handler) => handler == null ? null
        : (LuaRuntime rt, string moduleName, out HostModule module) =>
        {
            LuaModuleSource? source = handler(moduleName);
            module = source == null ? default
                : source.IsValue ? new HostModule(default, source.ChunkName, ((LuaState)rt.Owner!).ToInternal(source.Value), isValue: true)
                : new HostModule(source.Chunk, source.ChunkName, default, isValue: false);
            return source != null;
        };

    /// <summary>The runtime's libraries in the order they open (package comes after them).</summary>
    private static readonly (LuaLibraries Flag, Action<LuaRuntime> Open)[] s_libraries =
    [
        (LuaLibraries.Base, BaseLibrary.Open),
        (LuaLibraries.Coroutine, CoroutineLibrary.Open),
        (LuaLibraries.String, StringLibrary.Open),
        (LuaLibraries.Table, TableLibrary.Open),
        (LuaLibraries.Math, MathLibrary.Open),
        (LuaLibraries.Utf8, Utf8Library.Open),
        (LuaLibraries.Debug, DebugLibrary.Open),
    ];

    /// <summary>
    /// The globals the libraries define (base: 23 names with _G and _VERSION; package: package
    /// and require; every other library its table), so that the globals table is created at
    /// its final size: the host's and the script's globals grow it later.
    /// </summary>
    private static int GlobalCount(LuaLibraries libraries)
    {
        int n = (libraries & LuaLibraries.Base) != 0 ? 23 : 0;
        n += (libraries & LuaLibraries.Package) != 0 ? 2 : 0;
        foreach (var (flag, _) in s_libraries)
        {
            n += flag != LuaLibraries.Base && (libraries & flag) != 0 ? 1 : 0;
        }

        return n;
    }

    private static nuint CheckLimit(long limit)
    {
        if (limit < LuaLimits.MinMemoryLimit || limit > LuaLimits.MaxMemoryLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), $"A memory limit is between {LuaLimits.MinMemoryLimit} bytes and 4 GiB.");
        }

        return (nuint)limit;
    }

    private static LuaOptions CheckOptions(LuaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxCallDepth < 10 || options.MaxCallDepth > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxCallDepth is between 10 and 10000.");
        }

        if (options.MaxStackSize < 1_000 || options.MaxStackSize > 100_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxStackSize is between 1000 and 100000000.");
        }

        return options;
    }

    /// <summary>The options the state was created with.</summary>
    public LuaOptions Options { get; }

    /// <summary>Exact statistics of the state's heap.</summary>
    public MemoryStats MemoryStats => _g.Heap.Stats;

    /// <summary>Whether the state was disposed.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>Where print and warnings write (see <see cref="LuaOptions.Output"/>); null writes to the process's standard output and error.</summary>
    public LuaOutputHandler? Output
    {
        get => _rt.Output;
        set => _rt.Output = value;
    }

    internal LuaGlobal Global => _g;

    internal Interpreter Vm => _vm;

    internal LuaRuntime Runtime => _rt;

    /// <summary>The globals table (registry[2], as in Lua).</summary>
    internal uint GlobalsTable => _rt.Globals;

    /// <summary>
    /// Compiles and runs <paramref name="code"/> as a chunk named <paramref name="chunkName"/>
    /// (by default the code itself, shown as [string "..."]) and returns its results.
    /// </summary>
    /// <exception cref="LuaException">The chunk did not compile or raised an error.</exception>
    public LuaValue[] DoString(string code, string? chunkName = null)
    {
        ArgumentNullException.ThrowIfNull(code);
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(code);
        return DoBuffer(bytes, chunkName ?? code);
    }

    /// <summary>
    /// Loads a chunk from bytes and runs it, returning its results. The first byte tells
    /// the kind: 0x1B (ESC) starts a binary chunk, anything else is source text (UTF-8).
    /// </summary>
    /// <exception cref="LuaException">The chunk did not load or raised an error.</exception>
    public LuaValue[] DoBuffer(ReadOnlySpan<byte> chunk, string chunkName) => RunChunk(chunk, chunkName, null, default);

    /// <summary>
    /// <see cref="DoString(string, string?)"/> with arguments: the chunk sees <paramref name="args"/>
    /// as <c>...</c> (as lua.c passes a script its command-line arguments).
    /// </summary>
    /// <exception cref="LuaException">The chunk did not compile or raised an error.</exception>
    public LuaValue[] DoString(string code, string? chunkName, params ReadOnlySpan<LuaValue> args)
    {
        ArgumentNullException.ThrowIfNull(code);
        return RunChunk(System.Text.Encoding.UTF8.GetBytes(code), chunkName ?? code, null, args);
    }

    /// <summary>
    /// <see cref="DoBuffer(ReadOnlySpan{byte}, string)"/> with arguments: the chunk sees
    /// <paramref name="args"/> as <c>...</c>.
    /// </summary>
    /// <exception cref="LuaException">The chunk did not load or raised an error.</exception>
    public LuaValue[] DoBuffer(ReadOnlySpan<byte> chunk, string chunkName, params ReadOnlySpan<LuaValue> args) => RunChunk(chunk, chunkName, null, args);

    /// <summary>Loads and runs a chunk with string arguments (what a script sees as <c>...</c>).</summary>
    internal LuaValue[] DoBuffer(ReadOnlySpan<byte> chunk, string chunkName, IReadOnlyList<string>? args) => RunChunk(chunk, chunkName, args, default);

    private LuaValue[] RunChunk(ReadOnlySpan<byte> chunk, string chunkName, IReadOnlyList<string>? strings, ReadOnlySpan<LuaValue> args)
    {
        ArgumentNullException.ThrowIfNull(chunkName);
        ApiScope s = Enter();
        LuaException failure;
        try
        {
            return RunMain(s, LoadCore(chunk, chunkName), strings, args);
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
    /// Loads a chunk (source text or, after 0x1B, binary) without running it: the main
    /// function, whose _ENV is the globals table. The host may always load binary chunks;
    /// <see cref="LuaLibraries.BinaryChunks"/> governs only what scripts load.
    /// </summary>
    /// <exception cref="LuaException">The chunk did not compile or is not a valid binary chunk.</exception>
    public LuaFunction Load(ReadOnlySpan<byte> chunk, string chunkName)
    {
        ArgumentNullException.ThrowIfNull(chunkName);
        ApiScope s = Enter();
        LuaException failure;
        try
        {
            return (LuaFunction)Handle(LoadCore(chunk, chunkName));
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

    /// <summary>Compiles source text into a function (see <see cref="Load(ReadOnlySpan{byte}, string)"/>); the chunk name defaults to the code.</summary>
    /// <exception cref="LuaException">The code did not compile.</exception>
    public LuaFunction Load(string code, string? chunkName = null)
    {
        ArgumentNullException.ThrowIfNull(code);
        return Load(System.Text.Encoding.UTF8.GetBytes(code), chunkName ?? code);
    }

    private Value LoadCore(ReadOnlySpan<byte> chunk, string chunkName)
    {
        Value fn;
        string? error;
        try
        {
            if (_rt.Chunks.TryLoad(chunk, chunkName, "bt", Value.Object(Tag.Table, _rt.Globals), out fn, out error, fromHost: true))
            {
                return fn;
            }
        }
        catch (LuaError e) when (e.IsMemoryError)
        {
            // Loading holds the collector off; garbage left by an earlier script (one that ran
            // out of memory, say) may be what fills the heap: collect, then try once more.
            _rt.FullCollect();
            if (_rt.Chunks.TryLoad(chunk, chunkName, "bt", Value.Object(Tag.Table, _rt.Globals), out fn, out error, fromHost: true))
            {
                return fn;
            }
        }

        throw LoadError(error!);
    }

    /// <summary>
    /// A load failure as the Lua error the API's callers turn into a LuaException. No Lua code
    /// ran, so it carries no traceback (lua.c prints none for a syntax error).
    /// </summary>
    private LuaError LoadError(string error) => new(_g.NewStringFromHost(error), error) { LuaTraceback = NoTraceback };

    /// <summary>The traceback mark of an error that has none (<see cref="Fail"/> reports it as null).</summary>
    private const string NoTraceback = "";

    /// <summary>Calls a loaded main chunk with arguments (what it sees as <c>...</c>: the strings, then the values) and returns its results.</summary>
    private LuaValue[] RunMain(in ApiScope s, Value fn, IReadOnlyList<string>? strings, ReadOnlySpan<LuaValue> args)
    {
        _vm.Push(s.Co, fn);
        if (strings != null)
        {
            foreach (string a in strings)
            {
                _vm.Push(s.Co, _g.NewStringFromHost(a));
            }
        }

        foreach (LuaValue a in args)
        {
            Push(s.Co, a);
        }

        _vm.Call(s.Co, s.Top, -1);
        return Results(s.Co, s.Top);
    }

    /// <summary>Calls global function <paramref name="name"/> with one string argument (tests and tools).</summary>
    internal LuaValue[] CallGlobalWithString(string name, ReadOnlySpan<byte> argument)
    {
        ApiScope s = Enter();
        LuaException failure;
        try
        {
            Value f = LuaTable.Get(_g, _rt.Globals, _g.NewString(name));
            _vm.Push(s.Co, f);
            _vm.Push(s.Co, _g.NewString(argument));
            _vm.Call(s.Co, s.Top, -1);
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

    /// <summary>Runs a full garbage collection (and then the finalizers and collection callbacks due).</summary>
    public void CollectGarbage()
    {
        ApiScope s = Enter();
        LuaException failure;
        try
        {
            _rt.FullCollect();
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
    /// Runs pending finalizers (__gc) as lua_close does, calls the collection callbacks of the
    /// userdata still alive, releases every handle and frees the heap block (when the state
    /// allocated it). The state and its handles cannot be used afterwards. Never throws: a
    /// finalizer that fails, runs out of its budget (<see cref="LuaLimits.CloseFinalizerBudget"/>
    /// instructions for all of them) or is cancelled ends the finalizers, and the rest of the
    /// disposal completes. Called while a call on the state is running (from one of its host
    /// functions, a function a finalizer calls, the output callback, another thread), it stops
    /// the running script (the call ends with an <see cref="ObjectDisposedException"/>) and the
    /// outermost call frees the state once its frames are gone.
    /// </summary>
    public void Dispose()
    {
        if (_disposed || _closing)
        {
            return;
        }

        if (Volatile.Read(ref _apiDepth) > 0 || Volatile.Read(ref _owner) != 0)
        {
            _disposed = true; // from now on every API call is refused
            _vm.RequestStop(new StateDisposedStop());
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.KeepStopping(), this, preferLocal: false);
            return;
        }

        Close();
    }

    /// <summary>
    /// After a Dispose from another thread: the loop counts its fuel with a plain load, add
    /// and store at each back edge (no interlocked operation on the hot path), so the zero that
    /// <see cref="Interpreter.RequestStop"/> stored is lost when it lands between the running
    /// thread's load and store, and the script would run on. Store it again, once a
    /// millisecond, until the running call has stopped and the state closes.
    /// </summary>
    private void KeepStopping()
    {
        while (!Volatile.Read(ref _closing) && Volatile.Read(ref _owner) != 0)
        {
            Thread.Sleep(1);
            if (!Volatile.Read(ref _closing))
            {
                Volatile.Write(ref _vm.Fuel, 0);
            }
        }
    }

    /// <summary>
    /// os.exit(code, true), before the process ends: as lua_close, the main thread's pending
    /// to-be-closed variables are closed (their __close gets no error) and every pending
    /// finalizer runs, under <see cref="LuaLimits.CloseFinalizerBudget"/>. The heap stays: the
    /// frames of the running call still point into it. Never throws.
    /// </summary>
    internal void CloseForExit()
    {
        if (_disposed || _closing)
        {
            return;
        }

        _vm.Budget = LuaLimits.CloseFinalizerBudget;
#pragma warning disable CA1031 // the process is about to exit: an error of a __close or __gc ends that part
        try
        {
            _vm.CloseAfterError(_vm.Main, 0, Value.Nil);
        }
        catch (Exception)
        {
        }

        try
        {
            _rt.Collector.RunAllFinalizers();
        }
        catch (Exception)
        {
        }
#pragma warning restore CA1031
    }

    /// <summary>The disposal itself, with no call on the state running.</summary>
    private void Close()
    {
        _closing = true;
        try
        {
            // As lua_close: pending finalizers run before the state goes away.
            _vm.RequestStop(null);
            _vm.Main.FrameCount = 0;
            _vm.CCalls = 0;
            _vm.Running = _vm.Main;
            _vm.Budget = LuaLimits.CloseFinalizerBudget;
            _rt.Collector.RunAllFinalizers();
        }
#pragma warning disable CA1031 // Dispose never throws: a failing, looping or cancelled finalizer only ends the finalizers
        catch (Exception)
        {
            // A finalizer error at close is reported as a warning by the collector; a stop ends the finalizers.
        }
#pragma warning restore CA1031
        finally
        {
            _disposed = true;
            _g.Dispose();
            try
            {
                CloseHostObjects();
            }
#pragma warning disable CA1031 // a host's collection callback that throws does not make Dispose throw
            catch (Exception)
            {
            }
#pragma warning restore CA1031
        }
    }
}
