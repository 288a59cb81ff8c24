using System.Security.Cryptography;
using MicroLua.Library;
using MicroLua.Memory;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua;

/// <summary>
/// A Lua state: one heap block holding every Lua object, the registry and globals, the main
/// coroutine and the standard libraries. Single-threaded: use one state from one thread at a
/// time; separate states are independent. Dispose frees the block.
/// </summary>
public sealed unsafe partial class LuaState : IDisposable
{
    private readonly LuaGlobal _g;
    private readonly Interpreter _vm;
    private readonly LuaRuntime _rt;
    private bool _disposed;

    /// <summary>Creates a state with default options.</summary>
    public LuaState() : this(new LuaOptions())
    {
    }

    /// <summary>Creates a state whose heap is a block of <see cref="LuaOptions.MemoryLimit"/> bytes it allocates.</summary>
    public LuaState(LuaOptions options)
        : this(options, new Heap(CheckLimit(options.MemoryLimit)))
    {
    }

    /// <summary>
    /// Creates a state whose heap is memory the host owns: <paramref name="length"/> bytes at
    /// <paramref name="memory"/> (8-byte aligned), kept alive and unused by the host until the
    /// state is disposed. <see cref="LuaOptions.MemoryLimit"/> is ignored: the block is the limit.
    /// </summary>
    public LuaState(LuaOptions options, byte* memory, nuint length)
        : this(options, new Heap(memory, CheckLimit((long)length), ownsMemory: false))
    {
    }

    private LuaState(LuaOptions options, Heap heap)
    {
        Options = options;
        uint seed = options.HashSeed ?? (uint)RandomNumberGenerator.GetInt32(int.MinValue, int.MaxValue);
        _g = new LuaGlobal(heap, seed, gcStress: false)
        {
            GcPause = options.GcPause,
            GcStepMul = options.GcStepMultiplier,
        };
        Gc.Collector.Attach(_g);
        _g.Registry = Value.Object(Tag.Table, LuaTable.New(_g, 2, 0));
        _g.MainThread = Value.Object(Tag.Thread, LuaThread.New(_g, 64));
        LuaTable.SetInt(_g, _g.Registry.R, 1, _g.MainThread);
        uint globals = LuaTable.New(_g, 0, 64);
        LuaTable.SetInt(_g, _g.Registry.R, 2, Value.Object(Tag.Table, globals));
        _vm = new Interpreter(_g);
        _rt = new LuaRuntime(_g, _vm, globals)
        {
            Compiler = options.Compiler,
            Output = options.Output,
        };
        foreach (var (flag, open) in s_libraries)
        {
            if ((options.Libraries & flag) != 0)
            {
                open(_rt);
            }
        }

        // package last: it records the libraries opened before it in package.loaded.
        if ((options.Libraries & LuaLibraries.Package) != 0)
        {
            PackageLibrary.Open(_rt, options.Require);
        }

        _rt.WireCollector();
        _g.GcStress = options.GcStress;
    }

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

    private static nuint CheckLimit(long limit)
    {
        if (limit < LuaLimits.MinMemoryLimit || limit > LuaLimits.MaxMemoryLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), $"A memory limit is between {LuaLimits.MinMemoryLimit} bytes and 4 GiB.");
        }

        return (nuint)limit;
    }

    /// <summary>The options the state was created with.</summary>
    public LuaOptions Options { get; }

    /// <summary>Exact statistics of the state's heap.</summary>
    public MemoryStats MemoryStats => _g.Heap.Stats;

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
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(code);
        return DoBuffer(bytes, chunkName ?? code);
    }

    /// <summary>Loads a chunk (source or bytecode) from bytes and runs it, returning its results.</summary>
    /// <exception cref="LuaException">The chunk did not load or raised an error.</exception>
    public LuaValue[] DoBuffer(ReadOnlySpan<byte> chunk, string chunkName) => DoBuffer(chunk, chunkName, null);

    /// <summary>Loads and runs a chunk with string arguments (what a script sees as <c>...</c>).</summary>
    internal LuaValue[] DoBuffer(ReadOnlySpan<byte> chunk, string chunkName, IReadOnlyList<string>? args)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Coroutine co = _vm.Main;
        int baseTop = _vm.GetTop(co);
        int baseFrames = co.FrameCount;
        try
        {
            if (!_rt.TryLoad(chunk, chunkName, "bt", Value.Object(Tag.Table, _rt.Globals), out Value fn, out string? error))
            {
                throw new LuaException(error!, (string?)null);
            }

            _vm.Push(co, fn);
            if (args != null)
            {
                foreach (string a in args)
                {
                    _vm.Push(co, _g.NewStringFromHost(a));
                }
            }

            _vm.Call(co, baseTop, -1);
            int top = _vm.GetTop(co);
            var results = new LuaValue[top - baseTop];
            for (int i = 0; i < results.Length; i++)
            {
                results[i] = LuaValue.From(_rt, _vm.StackOf(co)[baseTop + i]);
            }

            return results;
        }
        catch (LuaError e)
        {
            Value err = _vm.ErrorValue(co, e);
            string traceback = _vm.Traceback(co, null, 0);
            string message = err.IsString ? _g.ToHostString(err)
                : err.IsNil ? "nil"
                : $"(error object is a {LuaTypeNames.Name(err.Type)} value)";
            if (err.IsNumber)
            {
                message = BaseLibrary.FormatNumber(err);
            }

            throw new LuaException(message, traceback);
        }
        finally
        {
            co.FrameCount = baseFrames;
            _vm.SetTop(co, baseTop);
            _vm.CCalls = 0;
        }
    }

    /// <summary>Calls global function <paramref name="name"/> with one string argument (tests and tools).</summary>
    internal LuaValue[] CallGlobalWithString(string name, ReadOnlySpan<byte> argument)
    {
        Coroutine co = _vm.Main;
        int baseTop = _vm.GetTop(co);
        int baseFrames = co.FrameCount;
        try
        {
            Value f = LuaTable.Get(_g, _rt.Globals, _g.NewString(name));
            _vm.Push(co, f);
            _vm.Push(co, _g.NewString(argument));
            _vm.Call(co, baseTop, -1);
            int top = _vm.GetTop(co);
            var results = new LuaValue[top - baseTop];
            for (int i = 0; i < results.Length; i++)
            {
                results[i] = LuaValue.From(_rt, _vm.StackOf(co)[baseTop + i]);
            }

            return results;
        }
        catch (LuaError e)
        {
            Value err = _vm.ErrorValue(co, e);
            throw new LuaException(err.IsString ? _g.ToHostString(err) : "error", (string?)null);
        }
        finally
        {
            co.FrameCount = baseFrames;
            _vm.SetTop(co, baseTop);
            _vm.CCalls = 0;
        }
    }

    /// <summary>Runs a full garbage collection.</summary>
    public void CollectGarbage() => _rt.FullCollect();

    /// <summary>Frees the heap block. The state cannot be used afterwards.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            try
            {
                // As lua_close: pending finalizers run before the state goes away.
                _vm.Main.FrameCount = 0;
                _vm.CCalls = 0;
                _rt.Collector.RunAllFinalizers();
            }
            catch (LuaError)
            {
                // A finalizer error at close is reported as a warning by the collector; nothing more to do.
            }
            finally
            {
                _g.Dispose();
            }
        }
    }
}
