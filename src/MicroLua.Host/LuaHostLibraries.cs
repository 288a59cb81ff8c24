using System.Runtime.CompilerServices;
using MicroLua.Core;
using MicroLua.Library;
using MicroLua.Values;

namespace MicroLua.Host;

/// <summary>What the host libraries need from the embedding program.</summary>
public sealed record LuaHostOptions
{
    /// <summary>
    /// Called by os.exit with the exit status, after the library has flushed its files (and,
    /// for <c>os.exit(code, true)</c>, closed the state as lua_close does: the main thread's
    /// pending to-be-closed variables and every pending __gc finalizer have run). The
    /// default flushes <see cref="FlushStandardOutput"/> and calls <see cref="Environment.Exit(int)"/>.
    /// When the callback returns, os.exit returns to its caller with no results; after
    /// <c>os.exit(code, true)</c> the state is disposed instead, which stops the script (the
    /// host's call ends with an <see cref="ObjectDisposedException"/>).
    /// </summary>
    public Action<int>? Exit { get; init; }

    /// <summary>Flushes whatever buffers the state's output callback writes through (io.stdout:flush, os.exit).</summary>
    public Action? FlushStandardOutput { get; init; }

    /// <summary>
    /// Whether <see cref="LuaHostLibraries.OpenRequire"/> takes package.path and package.cpath from
    /// LUA_PATH_5_4/LUA_PATH and LUA_CPATH_5_4/LUA_CPATH (";;" standing for the default), as lua.c does.
    /// Off by default: an embedded state keeps the default paths.
    /// </summary>
    public bool PathsFromEnvironment { get; init; }

    /// <summary>
    /// Opens the stream io.stdin reads (io.read and io.lines without a file, too); the default
    /// is <see cref="Console.OpenStandardInput()"/>. The library buffers it.
    /// </summary>
    public Func<Stream>? OpenStandardInput { get; init; }
}

/// <summary>
/// Opens the libraries that touch the operating system, io and os, in a state. They are
/// opt-in: a state created with only <see cref="LuaState"/> has neither. Two presets:
/// <see cref="OpenSafe"/> (the sandbox: os.clock, os.time, os.date, os.difftime only) and
/// <see cref="OpenAll"/> (a trusted script gets what the standalone lua has).
/// </summary>
public static class LuaHostLibraries
{
    private static readonly ConditionalWeakTable<LuaState, LuaHostOptions> s_options = new();

    /// <summary>Opens the io library (global "io"): files, standard streams, io.read/io.write.</summary>
    public static void OpenIo(LuaState lua, LuaHostOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(lua);
        IoLibrary.Open(lua.Runtime, Options(lua, options));
        PackageLibrary.AddLoaded(lua.Runtime, "io");
    }

    /// <summary>Opens the os library (global "os"): time and date, clock, environment, files, exit.</summary>
    public static void OpenOs(LuaState lua, LuaHostOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(lua);
        HostState.Of(lua.Runtime).State = lua; // os.exit(code, true) closes it
        OsLibrary.Open(lua.Runtime, Options(lua, options));
        PackageLibrary.AddLoaded(lua.Runtime, "os");
    }

    /// <summary>The functions of the sandbox's os: they read clocks and format dates, nothing else.</summary>
    private static readonly string[] s_safeOs = ["clock", "date", "difftime", "time"];

    /// <summary>
    /// The sandbox preset: opens os with only os.clock, os.time, os.date and os.difftime (no
    /// files, no environment, no exit) and nothing of io. Goes with <see cref="LuaLibraries.Safe"/>.
    /// </summary>
    public static void OpenSafe(LuaState lua)
    {
        ArgumentNullException.ThrowIfNull(lua);
        LuaRuntime rt = lua.Runtime;
        OsLibrary.Open(rt, Options(lua, null));
        Value os = LuaTable.Get(rt.G, rt.Globals, rt.G.NewString("os"u8));
        rt.G.PushTemp(os);
        try
        {
            Value key = default;
            var remove = new List<string>();
            while (LuaTable.Next(rt.G, os.R, key, out Value k, out _))
            {
                key = k;
                string name = rt.G.ToDotNetString(k);
                if (Array.IndexOf(s_safeOs, name) < 0)
                {
                    remove.Add(name);
                }
            }

            foreach (string name in remove)
            {
                rt.SetField(os.R, name, default);
            }
        }
        finally
        {
            rt.G.PopTemp();
        }

        PackageLibrary.AddLoaded(rt, "os");
    }

    /// <summary>
    /// Lets require load modules from files: adds lua's file searchers to package.searchers
    /// (Lua files found through package.path; C libraries in package.cpath are reported, never
    /// loaded) and makes package.searchpath test files. Nothing happens when the state was
    /// created without <see cref="LuaLibraries.Package"/>.
    /// </summary>
    public static void OpenRequire(LuaState lua, LuaHostOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(lua);
        FileRequirer.Open(lua.Runtime, Options(lua, options).PathsFromEnvironment);
    }

    /// <summary>Opens the base functions that read files: loadfile and dofile.</summary>
    public static void OpenFileLoading(LuaState lua)
    {
        ArgumentNullException.ThrowIfNull(lua);
        FileLoading.Open(lua.Runtime);
    }

    /// <summary>
    /// The trusted preset, what the standalone lua offers: opens io, os, loadfile/dofile and
    /// file loading for require; and, when the state was created without them, the debug
    /// library and binary chunks (as <see cref="LuaLibraries.All"/>).
    /// </summary>
    public static void OpenAll(LuaState lua, LuaHostOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(lua);
        LuaRuntime rt = lua.Runtime;
        rt.Chunks.AllowBinaryChunks = true;
        if ((lua.Options.Libraries & LuaLibraries.Debug) == 0 && LuaTable.Get(rt.G, rt.Globals, rt.G.NewString("debug"u8)).IsNil)
        {
            DebugLibrary.Open(rt);
            PackageLibrary.AddLoaded(rt, "debug");
        }

        OpenFileLoading(lua);
        OpenIo(lua, options);
        OpenOs(lua, options);
        OpenRequire(lua, options);
    }

    private static LuaHostOptions Options(LuaState lua, LuaHostOptions? options)
    {
        // These libraries keep per-state objects (files, options) the heap cannot carry.
        lua.Runtime.SnapshotRefusal ??= "A state with MicroLua.Host's io, os or file require libraries open cannot be snapshotted: open them on the states made from the snapshot.";
        if (options != null)
        {
            s_options.AddOrUpdate(lua, options);
            return options;
        }

        return s_options.GetValue(lua, static _ => new LuaHostOptions());
    }
}

/// <summary>The state the host libraries keep per runtime, found from a host function's runtime.</summary>
internal sealed class HostState
{
    private static readonly ConditionalWeakTable<LuaRuntime, HostState> s_states = new();

    private HostState(LuaRuntime rt) => Runtime = rt;

    public LuaRuntime Runtime { get; }

    public LuaHostOptions Options { get; set; } = new();

    /// <summary>The state the os library was opened in (os.exit with close = true closes it).</summary>
    public LuaState? State { get; set; }

    /// <summary>The FILE* metatable (also registry["FILE*"], which keeps it alive).</summary>
    public uint FileMetatable;

    private bool _followsCompaction;

    /// <summary>Keeps <see cref="FileMetatable"/> right when the heap is compacted (once, however often io is opened).</summary>
    public void FollowCompaction(LuaGlobal g)
    {
        if (!_followsCompaction)
        {
            _followsCompaction = true;
            g.Relocating += map => FileMetatable = map(FileMetatable);
        }
    }

    /// <summary>Open files of the io library, flushed by os.exit.</summary>
    public readonly List<LuaFile> OpenFiles = [];

    public static HostState Of(LuaRuntime rt) => s_states.GetValue(rt, static r => new HostState(r));

    public void FlushAll()
    {
        foreach (LuaFile f in OpenFiles)
        {
            f.TryFlush();
        }

        Options.FlushStandardOutput?.Invoke();
    }
}
