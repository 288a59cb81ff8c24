using System.Globalization;
using System.Text;
using MicroLua;
#if !MLUA_NO_COMPILER
using MicroLua.Bytecode;
using MicroLua.Compiler;
#endif
using MicroLua.Host;
using MicroLua.Library;
using MicroLua.Values;

namespace MicroLua.Cli;

/// <summary>
/// The mlua command, with lua.c's options and behaviour: run a script with its arguments in
/// the global "arg", -e chunks, "-" for standard input, -i and the REPL; plus -d (memory
/// statistics to stderr at exit), --memory-limit N (bytes, with K or M suffixes), and
/// -o out.mlu (compile the script to a chunk instead of running it; -s strips debug
/// information, --big-endian writes the big-endian form). Built with
/// <c>-p:WithoutCompiler=true</c> it carries no compiler: it runs .mlu chunks and refuses
/// source text, -e, -o and the REPL.
/// </summary>
internal static partial class Program
{
    private const string ProgName = "mlua";
    private const string Version = "MicroLua 0.1 (Lua 5.4)";

    private static Stream s_stdout = Stream.Null;

    private static int Main(string[] args)
    {
        s_stdout = new BufferedStream(Console.OpenStandardOutput(), 1 << 16);
        try
        {
            return Run(args);
        }
        finally
        {
            s_stdout.Flush();
        }
    }

    private static int Run(string[] args)
    {
        var chunks = new List<(bool IsFile, string Text)>();
        bool interactive = false, version = false, dump = false, ignoreEnvironment = false;
        bool strip = false, bigEndian = false;
        string? output = null;
        string? snapshotImage = null, bootImage = null;
        long memoryLimit = 0;
        int script = -1;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--")
            {
                if (i + 1 < args.Length)
                {
                    script = i + 1;
                }

                break;
            }

            if (a == "-" || !a.StartsWith('-'))
            {
                script = i;
                break;
            }

            switch (a)
            {
                case "-e":
                    if (++i >= args.Length)
                    {
                        return Usage("'-e' needs argument");
                    }

                    chunks.Add((false, args[i]));
                    break;
                case "-i":
                    interactive = version = true;
                    break;
                case "-v":
                case "--version":
                    version = true;
                    break;
                case "-h":
                case "--help":
                    PrintUsage(Console.Out);
                    return 0;
                case "-d":
                case "--dump":
                    dump = true;
                    break;
                case "-E":
                    ignoreEnvironment = true;
                    break;
                case "-W":
                    break;
                case "-o":
                    if (++i >= args.Length)
                    {
                        return Usage("'-o' needs argument");
                    }

                    output = args[i];
                    break;
                case "-s":
                    strip = true;
                    break;
                case "--big-endian":
                    bigEndian = true;
                    break;
                case "--snapshot":
                case "--image":
                    if (++i >= args.Length)
                    {
                        return Usage($"'{a}' needs an image file");
                    }

                    _ = a == "--snapshot" ? snapshotImage = args[i] : bootImage = args[i];
                    break;
                case "--memory-limit":
                    if (++i >= args.Length || !TryParseSize(args[i], out memoryLimit))
                    {
                        return Usage("'--memory-limit' needs a size in bytes (K and M suffixes allowed)");
                    }

                    break;
                default:
                    if (a.StartsWith("-e", StringComparison.Ordinal))
                    {
                        chunks.Add((false, a[2..]));
                        break;
                    }

                    return Usage($"unrecognized option '{a}'");
            }
        }

        if (output != null)
        {
            return script < 0 || args[script] == "-" ? Usage("'-o' needs a script file to compile")
                : CompileToFile(args[script], output, strip, bigEndian);
        }

#if MLUA_NO_COMPILER
        if (chunks.Count > 0 || interactive || (script < 0 && !Console.IsInputRedirected))
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
        if (memoryLimit > 0)
        {
            options = options with { MemoryLimit = memoryLimit };
        }

        if (snapshotImage != null)
        {
            return script < 0 ? Usage("'--snapshot' needs a script to run") : WriteImage(options, args, script, snapshotImage);
        }

        LuaState lua;
        try
        {
            LuaState? booted = bootImage == null ? null : BootImage(bootImage, options);
            if (bootImage != null && booted == null)
            {
                return 1;
            }

            lua = booted ?? new LuaState(options);
        }
        catch (ArgumentOutOfRangeException e)
        {
            return Usage(e.Message);
        }

        using (lua)
        {
            LuaHostLibraries.OpenAll(lua, new LuaHostOptions
            {
                FlushStandardOutput = () => s_stdout.Flush(),
                PathsFromEnvironment = !ignoreEnvironment,
                Exit = code =>
                {
                    s_stdout.Flush();
                    Environment.Exit(code);
                },
            });
            if (version)
            {
                Console.Out.WriteLine(Version);
            }

            CreateArgTable(lua, args, script);
            int status = 0;
            foreach (var (_, text) in chunks)
            {
                if (!Report(() => lua.DoString(text, "=(command line)")))
                {
                    status = 1;
                    break;
                }
            }

            if (status == 0 && script >= 0)
            {
                status = RunScript(lua, args, script) ? 0 : 1;
            }

            if (status == 0)
            {
                if (interactive)
                {
                    RunRepl(lua);
                }
                else if (script < 0 && chunks.Count == 0 && !version)
                {
                    if (!Console.IsInputRedirected)
                    {
                        Console.Out.WriteLine(Version);
                        RunRepl(lua);
                    }
                    else
                    {
                        status = Report(() => lua.DoBuffer(ReadAll(Console.OpenStandardInput()), "=stdin")) ? 0 : 1;
                    }
                }
            }

            if (dump)
            {
                s_stdout.Flush();
                DumpStats(lua);
            }

            return status;
        }
    }

    private static void RunRepl(LuaState lua)
    {
#if MLUA_NO_COMPILER
        WriteError($"{ProgName}: this mlua has no compiler: no interactive mode");
        _ = lua;
#else
        Repl.Run(lua, WriteError);
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
        byte[] source;
        try
        {
            source = File.ReadAllBytes(script);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError($"{ProgName}: cannot open {script}");
            return 1;
        }

        if (source.Length > 0 && source[0] == '#')
        {
            int nl = Array.IndexOf(source, (byte)'\n');
            source = nl < 0 ? [] : source[nl..];
        }

        byte[] chunk;
        try
        {
            chunk = LuaBytecode.Compile(source, "@" + script, strip, bigEndian);
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

    private static bool RunScript(LuaState lua, string[] args, int script)
    {
        string name = args[script];
        byte[] bytes;
        string chunkName;
        if (name == "-")
        {
            bytes = ReadAll(Console.OpenStandardInput());
            chunkName = "=stdin";
        }
        else
        {
            try
            {
                bytes = File.ReadAllBytes(name);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                WriteError($"{ProgName}: cannot open {name}");
                return false;
            }

            chunkName = "@" + name;
        }

        // A first line starting with '#' (a Unix shebang) is skipped, as lua.c does.
        if (bytes.Length > 0 && bytes[0] == '#')
        {
            int nl = Array.IndexOf(bytes, (byte)'\n');
            bytes = nl < 0 ? [] : nl + 1 < bytes.Length && bytes[nl + 1] == 0x1B ? bytes[(nl + 1)..] : bytes[nl..];
        }

        string[] scriptArgs = args[(script + 1)..];
        return Report(() => lua.DoBuffer(bytes, chunkName, scriptArgs));
    }

    private static byte[] ReadAll(Stream s)
    {
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    /// <summary>Runs an action; an error is reported as lua.c does ("mlua: msg" and the traceback on stderr).</summary>
    private static bool Report(Action run)
    {
        try
        {
            run();
            return true;
        }
        catch (LuaException e)
        {
            s_stdout.Flush();
            string text = $"{ProgName}: {e.Message}";
            if (e.LuaTraceback != null)
            {
                text += "\n" + e.LuaTraceback;
            }

            WriteError(text);
            return false;
        }
    }

    /// <summary>The global "arg" as lua.c builds it, made directly in the heap (no compiler needed).</summary>
    private static void CreateArgTable(LuaState lua, string[] args, int script)
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
            s_stdout.Write(bytes);
        }
        else
        {
            s_stdout.Flush();
            using Stream err = Console.OpenStandardError();
            err.Write(bytes);
        }
    }

    private static void WriteError(string text)
    {
        s_stdout.Flush();
        Console.Error.WriteLine(text);
        Console.Error.Flush();
    }

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
        foreach (var (type, blocks, bytes) in s.ByType())
        {
            err.WriteLine($"  {type,-16} {bytes,14:N0} bytes in {blocks:N0} blocks");
        }
    }

    internal static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        long mul = 1;
        string t = text.Trim();
        if (t.EndsWith('K') || t.EndsWith('k'))
        {
            mul = 1024;
            t = t[..^1];
        }
        else if (t.EndsWith('M') || t.EndsWith('m'))
        {
            mul = 1024 * 1024;
            t = t[..^1];
        }
        else if (t.EndsWith('G') || t.EndsWith('g'))
        {
            mul = 1024 * 1024 * 1024;
            t = t[..^1];
        }

        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n <= 0 || n > long.MaxValue / mul)
        {
            return false;
        }

        bytes = n * mul;
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
        w.WriteLine("  -v        show version information");
        w.WriteLine("  -d        print memory statistics to stderr at exit (also --dump)");
        w.WriteLine("  -o file   compile 'script' to the .mlu chunk 'file' instead of running it");
        w.WriteLine("  -s        with -o: strip debug information");
        w.WriteLine("  --big-endian  with -o: write the big-endian form");
        w.WriteLine("  --memory-limit N  cap the Lua heap at N bytes (K, M and G suffixes)");
        w.WriteLine("  -h        show this help (also --help)");
        w.WriteLine("  --        stop handling options");
        w.WriteLine("  -         stop handling options and execute stdin");
    }
}
