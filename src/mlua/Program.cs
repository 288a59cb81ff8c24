using System.Globalization;
using System.Text;
using MicroLua;
using MicroLua.Core;
#if !MLUA_NO_COMPILER
using MicroLua.Compiler;
#endif
using MicroLua.Host;
using MicroLua.Values;

namespace MicroLua.Cli;

/// <summary>
/// The mlua command, with lua.c's options and behaviour (docs/mlua.md): a script with its
/// arguments in the global "arg", -e, -l, -W, -E, LUA_INIT, "-" for standard input, -i and
/// the REPL; plus MicroLua's own options: -d (memory statistics), --alloc-profile, --heap-map, --memory-limit,
/// --instruction-limit, -I/--include, --no-column, and -o (compile to a .mlu chunk, with -s,
/// --big-endian, and --puc for PUC Lua 5.4's format). Built with <c>-p:WithoutCompiler=true</c> it carries no compiler: it
/// runs .mlu chunks and refuses source text, -e, -o and the REPL.
/// </summary>
internal static partial class Program
{
    internal const string ProgName = "mlua";
    internal const string Version = "MicroLua 0.1 (Lua 5.4)";

    private static int Main(string[] args)
    {
        StandardStreams.Open();
        try
        {
            return Run(args);
        }
        finally
        {
            StandardStreams.Flush();
        }
    }

    private static int Run(string[] args)
    {
        var o = new CliOptions();
        string? usageError = ParseOptions(args, o);
        if (usageError != null)
        {
            return Usage(usageError);
        }

        if (o.Help)
        {
            PrintUsage(Console.Out);
            return 0;
        }

        if (o.DebugFrom >= 0)
        {
            return DebugCommand.Run(args, o.DebugFrom);
        }

        if (o.Output != null)
        {
            return o.Script < 0 || args[o.Script] == "-" ? Usage("'-o' needs a script file to compile")
                : CompileToFile(args[o.Script], o.Output, o.Strip, o.BigEndian);
        }

#if MLUA_NO_COMPILER
        if (o.Steps.Exists(s => s.Kind == CliStepKind.Execute) || o.Interactive || (o.Script < 0 && !Console.IsInputRedirected))
        {
            WriteError($"{ProgName}: this mlua has no compiler: it runs .mlu chunks only (no -e, no interactive mode)");
            return 1;
        }
#endif

        var options = new LuaOptions
        {
#if !MLUA_NO_COMPILER
            Compiler = LuaCompiler.Instance,
#endif
            Output = WriteOutput,
            Libraries = LuaLibraries.All,
        };
        if (o.MemoryLimit > 0)
        {
            options = options with { MemoryLimit = o.MemoryLimit };
        }

        if (o.SnapshotImage != null)
        {
            return o.Script < 0 ? Usage("'--snapshot' needs a script to run") : WriteImage(options, args, o.Script, o.SnapshotImage);
        }

        LuaState? lua = null;
        try
        {
            if (o.BootImage != null)
            {
                lua = BootImage(o.BootImage, options);
                if (lua == null)
                {
                    return 1;
                }
            }

            lua ??= new LuaState(options);
            LuaHostLibraries.OpenAll(lua, new LuaHostOptions
            {
                FlushStandardOutput = StandardStreams.Flush,
                PathsFromEnvironment = !o.IgnoreEnvironment,
                OpenStandardInput = StandardStreams.OpenInput,
                Exit = code =>
                {
                    StandardStreams.Flush();
                    Environment.Exit(code);
                },
            });
            CreateArgTable(lua, args, o.Script); // part of the setup: a heap too small for it is reported the same way
        }
        catch (Exception e) when (e is OutOfMemoryException or LuaException or Core.LuaError)
        {
            // the block cannot be allocated, or the libraries do not fit in it
            lua?.Dispose();
            WriteError($"{ProgName}: cannot open the libraries in a heap of {options.MemoryLimit} bytes: not enough memory");
            return 1;
        }

        using (lua)
        {
            lua.InstructionBudget = o.InstructionLimit;
            ErrorReport.InstructionLimit = o.InstructionLimit;
            Interrupts.Attach(lua);
            if (o.Version)
            {
                Console.Out.WriteLine(Version);
            }

            lua.AllocationProfiling = o.AllocProfile;
            int status = RunAll(lua, args, o) ? 0 : 1;
            if (o.Dump)
            {
                StandardStreams.Flush();
                DumpStats(lua);
            }

            if (o.AllocProfile)
            {
                StandardStreams.Flush();
                DumpAllocationProfile(lua);
            }

            if (o.HeapMap != null && !WriteHeapMap(lua, o.HeapMap, o.Script >= 0 ? args[o.Script] : null))
            {
                status = 1;
            }

            return status;
        }
    }

    /// <summary>
    /// Reads the options before the script into <paramref name="o"/>, as lua.c's collectargs:
    /// returns null, or the usage error to print. -e, -l and -I take their argument attached
    /// ("-estat") or as the next argument.
    /// </summary>
    private static string? ParseOptions(string[] args, CliOptions o)
    {
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--")
            {
                if (i + 1 < args.Length)
                {
                    o.Script = i + 1;
                }

                return null;
            }

            if (a == "-" || !a.StartsWith('-'))
            {
                o.Script = i;
                return null;
            }

            string? value;
            switch (a)
            {
                case "-i":
                    o.Interactive = o.Version = true;
                    break;
                case "--snapshot":
                case "--image":
                    if ((value = Argument(args, ref i)) == null)
                    {
                        return $"'{a}' needs an image file";
                    }

                    if (a == "--snapshot")
                    {
                        o.SnapshotImage = value;
                    }
                    else
                    {
                        o.BootImage = value;
                    }

                    break;
                case "--debug":
                    o.DebugFrom = i + 1; // the Debug Adapter Protocol on stdio (DebugCommand.cs)
                    return null;
                case "-v":
                case "--version":
                    o.Version = true;
                    break;
                case "-h":
                case "--help":
                    o.Help = true;
                    return null;
                case "-E":
                    o.IgnoreEnvironment = true;
                    break;
                case "-W":
                    o.Steps.Add(new CliStep(CliStepKind.WarningsOn, ""));
                    break;
                case "-d":
                case "--dump":
                    o.Dump = true;
                    break;
                case "--alloc-profile":
                    o.AllocProfile = true;
                    break;
                case "--heap-map":
                    if ((value = Argument(args, ref i)) == null)
                    {
                        return "'--heap-map' needs a file name";
                    }

                    o.HeapMap = value;
                    break;
                case "--no-column":
                    break; // our messages carry no columns: nothing to turn off
                case "-o":
                    if ((value = Argument(args, ref i)) == null)
                    {
                        return "'-o' needs argument";
                    }

                    o.Output = value;
                    break;
                case "-s":
                    o.Strip = true;
                    break;
                case "--big-endian":
                    o.BigEndian = true;
                    break;
                case "--puc":
                    ChunkOutput.Puc = true;
                    break;
                case "--memory-limit":
                    if ((value = Argument(args, ref i)) == null || !TryParseSize(value, out long limit)
                        || limit < LuaLimits.MinMemoryLimit || limit > LuaLimits.MaxMemoryLimit + 64)
                    {
                        return $"'--memory-limit' needs a size from {LuaLimits.MinMemoryLimit} bytes to 4G (bytes; K, M and G suffixes)";
                    }

                    o.MemoryLimit = Math.Min(limit, LuaLimits.MaxMemoryLimit);
                    break;
                case "--instruction-limit":
                    if ((value = Argument(args, ref i)) == null || !TryParseCount(value, out long budget))
                    {
                        return "'--instruction-limit' needs a number of instructions (K, M and G suffixes)";
                    }

                    o.InstructionLimit = budget;
                    break;
                case "--include":
                    if ((value = Argument(args, ref i)) == null)
                    {
                        return "'--include' needs argument";
                    }

                    o.Steps.Add(new CliStep(CliStepKind.Include, value));
                    break;
                default:
                    if (a.Length >= 2 && a[1] is 'e' or 'l' or 'I')
                    {
                        value = a.Length > 2 ? a[2..] : Argument(args, ref i);
                        if (value == null)
                        {
                            return $"'{a}' needs argument";
                        }

                        var kind = a[1] switch { 'e' => CliStepKind.Execute, 'l' => CliStepKind.Library, _ => CliStepKind.Include };
                        o.Steps.Add(new CliStep(kind, value));
                        break;
                    }

                    return $"unrecognized option '{a}'";
            }
        }

        return null;
    }

    /// <summary>The argument of an option: the next command-line argument, or null when there is none.</summary>
    private static string? Argument(string[] args, ref int i) => i + 1 < args.Length ? args[++i] : null;

    /// <summary>LUA_INIT, the -e/-l/-I/-W steps, the script, then the REPL or standard input, as lua.c's pmain.</summary>
    private static bool RunAll(LuaState lua, string[] args, CliOptions o)
    {
        if (!o.IgnoreEnvironment && !RunLuaInit(lua))
        {
            return false;
        }

        foreach (CliStep step in o.Steps)
        {
            bool ok = step.Kind switch
            {
                CliStepKind.Execute => RunChunk(lua, Encoding.UTF8.GetBytes(step.Text), "=(command line)", []),
                CliStepKind.Library => RequireLibrary(lua, step.Text),
                CliStepKind.Include => RunFile(lua, step.Text, []),
                _ => EnableWarnings(lua),
            };
            if (!ok)
            {
                return false;
            }
        }

        if (o.Script >= 0 && !RunFile(lua, args[o.Script] == "-" ? null : args[o.Script], args[(o.Script + 1)..]))
        {
            return false;
        }

        if (o.Interactive)
        {
            RunRepl(lua, o);
        }
        else if (o.Script < 0 && !o.Version && !o.Steps.Exists(s => s.Kind == CliStepKind.Execute))
        {
            if (!Console.IsInputRedirected)
            {
                Console.Out.WriteLine(Version);
                RunRepl(lua, o);
            }
            else
            {
                RunFile(lua, null, []); // lua.c ignores how standard input's chunk ended: the status stays 0
            }
        }

        return true;
    }

    /// <summary>LUA_INIT_5_4, else LUA_INIT: a chunk to run, or "@file" for a file, as lua.c's handle_luainit.</summary>
    private static bool RunLuaInit(LuaState lua)
    {
        string name = "LUA_INIT_5_4";
        string? init = Environment.GetEnvironmentVariable(name);
        if (init == null)
        {
            name = "LUA_INIT";
            init = Environment.GetEnvironmentVariable(name);
        }

        return init == null || (init.StartsWith('@') ? RunFile(lua, init[1..], [])
            : RunChunk(lua, Encoding.UTF8.GetBytes(init), "=" + name, []));
    }

    /// <summary>-l: <c>glob = require(mod)</c> for "glob=mod", and <c>mod = require(mod)</c> for "mod".</summary>
    private static bool RequireLibrary(LuaState lua, string text)
    {
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        string global = eq < 0 ? text : text[..eq], module = eq < 0 ? text : text[(eq + 1)..];
        return Report(() =>
        {
            LuaValue require = lua["require"];
            if (require.Type != LuaType.Function)
            {
                throw new LuaException("attempt to call a nil value (global 'require')");
            }

            LuaValue[] results = require.AsFunction().Call(module);
            lua[global] = results.Length > 0 ? results[0] : LuaValue.Nil;
        });
    }

    private static bool EnableWarnings(LuaState lua)
    {
        lua.Runtime.WarningsOn = true;
        return true;
    }

    /// <summary>
    /// Runs a file (standard input when <paramref name="name"/> is null) with arguments, read
    /// as loadfile reads it: a UTF-8 byte-order mark and a first '#' line are skipped.
    /// </summary>
    internal static bool RunFile(LuaState lua, string? name, string[] scriptArgs)
    {
        if (!FileLoading.TryRead(name, out byte[] bytes, out string chunkName, out string? error))
        {
            WriteError($"{ProgName}: {error}");
            return false;
        }

        return RunChunk(lua, bytes, chunkName, scriptArgs);
    }

    private static void RunRepl(LuaState lua, CliOptions o)
    {
#if MLUA_NO_COMPILER
        WriteError($"{ProgName}: this mlua has no compiler: no interactive mode");
        _ = (lua, o);
#else
        Repl.Run(lua, o.InstructionLimit);
#endif
    }

    /// <summary>-o: compiles <paramref name="script"/> and writes the chunk to <paramref name="output"/>.</summary>
    private static int CompileToFile(string script, string output, bool strip, bool bigEndian)
    {
#if MLUA_NO_COMPILER
        _ = (script, output, strip, bigEndian);
        WriteError($"{ProgName}: this mlua has no compiler: it cannot compile {script}");
        return 1;
#else
        if (!FileLoading.TryRead(script, out byte[] source, out string chunkName, out string? error))
        {
            WriteError($"{ProgName}: {error}");
            return 1;
        }

        byte[] chunk;
        try
        {
            chunk = ChunkOutput.Compile(source, chunkName, strip, bigEndian);
        }
        catch (LuaCompileException e)
        {
            WriteError($"{ProgName}: {e.Message}");
            return 1;
        }

        try
        {
            File.WriteAllBytes(output, chunk);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError($"{ProgName}: cannot write {output}");
            return 1;
        }

        return 0;
#endif
    }

    /// <summary>Runs an action of the state; an error is reported as lua.c reports it ("mlua: msg" and the traceback on stderr).</summary>
    private static bool Report(Action run) => ErrorReport.Run(run, ProgName + ": ");

    private static bool RunChunk(LuaState lua, ReadOnlySpan<byte> chunk, string chunkName, string[] args) =>
        ErrorReport.RunChunk(lua, chunk, chunkName, args, ProgName + ": ");

    /// <summary>The global "arg" as lua.c builds it, made directly in the heap (no compiler needed).</summary>
    internal static void CreateArgTable(LuaState lua, string[] args, int script)
    {
        LuaGlobal g = lua.Global;
        int zero = script >= 0 ? script : args.Length;
        uint t = LuaTable.New(g, args.Length, 1);
        g.PushTemp(Value.Object(Tag.Table, t));
        try
        {
            Set(g, t, -zero - 1, ProgName);
            for (int i = 0; i < args.Length; i++)
            {
                Set(g, t, i - zero, args[i]);
            }

            lua.Runtime.SetField(lua.GlobalsTable, "arg", Value.Object(Tag.Table, t));
        }
        finally
        {
            g.PopTemp();
        }
    }

    private static void Set(LuaGlobal g, uint table, long index, string text)
    {
        Value s = g.NewStringFromHost(text);
        g.PushTemp(s);
        try
        {
            LuaTable.Set(g, table, Value.Integer(index), s);
        }
        finally
        {
            g.PopTemp();
        }
    }

    private static void WriteOutput(ReadOnlySpan<byte> bytes, LuaOutputKind kind)
    {
        if (kind == LuaOutputKind.Standard)
        {
            StandardStreams.Write(bytes);
        }
        else
        {
            StandardStreams.WriteError(bytes);
        }
    }

    internal static void WriteError(string text) => StandardStreams.WriteErrorLine(text);

    private static void DumpStats(LuaState lua)
    {
        var s = lua.MemoryStats;
        var err = Console.Error;
        err.WriteLine("mlua memory statistics");
        err.WriteLine($"  heap size        {s.PoolBytes,14:N0} bytes");
        err.WriteLine($"  in use           {s.BytesInUse,14:N0} bytes in {s.LiveBlocks:N0} blocks");
        err.WriteLine($"  peak in use      {s.PeakBytesInUse,14:N0} bytes");
        err.WriteLine($"  free             {s.FreeBytes,14:N0} bytes in {s.FreeBlocks:N0} blocks");
        err.WriteLine($"  allocations      {s.TotalAllocations,14:N0}");
        err.WriteLine($"  collections      {s.Collections,14:N0}");
        LuaGcStatistics gc = lua.GcStatistics;
        err.WriteLine($"  collector work   {gc.Work,14:N0} units in {gc.Time.TotalMilliseconds:N1} ms (longest pause {gc.LongestStep.TotalMilliseconds:N2} ms)");
        err.WriteLine($"  collector steps  {gc.Steps,14:N0} ({gc.MinorCollections:N0} minor, {gc.MajorCollections:N0} major collections)");
        foreach (var (type, blocks, bytes) in s.ByType())
        {
            err.WriteLine($"  {type,-16} {bytes,14:N0} bytes in {blocks:N0} blocks");
        }
    }

    /// <summary>The number of sites --alloc-profile prints.</summary>
    private const int AllocProfileRows = 20;

    private static void DumpAllocationProfile(LuaState lua)
    {
        lua.AllocationProfiling = false;
        IReadOnlyList<LuaAllocationSite> rows = lua.GetAllocationProfile();
        long count = 0, bytes = 0;
        foreach (LuaAllocationSite r in rows)
        {
            count += r.Count;
            bytes += r.Bytes;
        }

        var err = Console.Error;
        err.WriteLine($"mlua allocation profile: {count:N0} allocations, {bytes:N0} bytes, {rows.Count:N0} sites (top {AllocProfileRows} by bytes)");
        err.WriteLine($"  {"bytes",14} {"count",12}  {"type",-12} line");
        for (int i = 0; i < rows.Count && i < AllocProfileRows; i++)
        {
            LuaAllocationSite r = rows[i];
            string where = r.Line > 0 ? $"{r.Source}:{r.Line}" : r.Source;
            err.WriteLine($"  {r.Bytes,14:N0} {r.Count,12:N0}  {r.Type,-12} {where}");
        }
    }

    /// <summary>--heap-map: the picture of the heap at exit (LuaHeapMap.cs draws it), titled with the script's name.</summary>
    private static bool WriteHeapMap(LuaState lua, string file, string? script)
    {
        try
        {
            using var f = new FileStream(file, FileMode.Create, FileAccess.Write);
            lua.WriteHeapMapSvg(f, script == null ? "at exit" : $"{script} at exit");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            WriteError($"{ProgName}: cannot write the heap map {file}: {e.Message}");
            return false;
        }
    }

    /// <summary>A size in bytes: digits with an optional K, M or G suffix (powers of 1024).</summary>
    internal static bool TryParseSize(string text, out long bytes) => TryParseScaled(text, 1024, out bytes);

    /// <summary>A count: digits with an optional K, M or G suffix (powers of 1000).</summary>
    internal static bool TryParseCount(string text, out long count) => TryParseScaled(text, 1000, out count);

    private static bool TryParseScaled(string text, long unit, out long value)
    {
        value = 0;
        long mul = 1;
        string t = text.Trim();
        if (t.Length > 0)
        {
            switch (char.ToUpperInvariant(t[^1]))
            {
                case 'K':
                    mul = unit;
                    break;
                case 'M':
                    mul = unit * unit;
                    break;
                case 'G':
                    mul = unit * unit * unit;
                    break;
            }

            if (mul != 1)
            {
                t = t[..^1];
            }
        }

        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n <= 0 || n > long.MaxValue / mul)
        {
            return false;
        }

        value = n * mul;
        return true;
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"{ProgName}: {message}");
        PrintUsage(Console.Error);
        return 1;
    }

    private static void PrintUsage(TextWriter w)
    {
        w.WriteLine($"usage: {ProgName} [options] [script [args]]");
        w.WriteLine("Available options are:");
        w.WriteLine("  -e stat   execute string 'stat'");
        w.WriteLine("  -i        enter interactive mode after executing 'script'");
        w.WriteLine("  -l mod    require library 'mod' into global 'mod'");
        w.WriteLine("  -l g=mod  require library 'mod' into global 'g'");
        w.WriteLine("  -v        show version information");
        w.WriteLine("  -E        ignore environment variables");
        w.WriteLine("  -W        turn warnings on");
        w.WriteLine("  --        stop handling options");
        w.WriteLine("  -         stop handling options and execute stdin");
        w.WriteLine("MicroLua's options:");
        w.WriteLine("  -I file   run 'file' before the script and the prompt (also --include)");
        w.WriteLine("  -d        print memory statistics to stderr at exit (also --dump)");
        w.WriteLine($"  --alloc-profile  count allocations by source line and type; print the top {AllocProfileRows} to stderr at exit");
        w.WriteLine("  --heap-map file  write a picture of the heap's blocks (SVG) to 'file' at exit");
        w.WriteLine($"  --memory-limit N  cap the Lua heap at N bytes (K, M, G suffixes; default {LuaLimits.DefaultMemoryLimit / (1024 * 1024)}M)");
        w.WriteLine("  --instruction-limit N  stop after N instructions (K, M, G suffixes; default unlimited)");
        w.WriteLine("  --no-column  accepted for compatibility: mlua's messages carry no columns");
        w.WriteLine("  -o file   compile 'script' to the .mlu chunk 'file' instead of running it");
        w.WriteLine("  -s        with -o: strip debug information");
        w.WriteLine("  --big-endian  with -o: write the big-endian form");
        w.WriteLine("  --puc     with -o: write PUC Lua 5.4's format (as luac5.4 does)");
        w.WriteLine("  --snapshot img  run the script, then write the state as the image 'img'");
        w.WriteLine("  --image img     start from the image 'img' (verified), then run the script");
        w.WriteLine("  --debug [script [args]]  serve the Debug Adapter Protocol on stdio (docs/debugging.md)");
        w.WriteLine("  -h        show this help (also --help)");
    }
}
