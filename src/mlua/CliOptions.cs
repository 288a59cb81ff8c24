namespace MicroLua.Cli;

/// <summary>What one of the options that run in their command-line order does.</summary>
internal enum CliStepKind
{
    /// <summary>-e stat: run the chunk.</summary>
    Execute,

    /// <summary>-l mod, -l g=mod: require the module into a global.</summary>
    Library,

    /// <summary>-I file, --include file: run the file.</summary>
    Include,

    /// <summary>-W: turn warnings on.</summary>
    WarningsOn,
}

/// <summary>An option that runs in command-line order, as lua.c runs -e, -l and -W.</summary>
internal readonly record struct CliStep(CliStepKind Kind, string Text);

/// <summary>
/// mlua's command line once parsed (Program.ParseOptions fills it): one field per option.
/// A new option is a field here, a case in ParseOptions' switch and a line in PrintUsage.
/// </summary>
internal sealed class CliOptions
{
    /// <summary>-e, -l, -I and -W in the order they were given.</summary>
    public List<CliStep> Steps { get; } = [];

    /// <summary>The index in the arguments of the script ("-" for standard input), or -1.</summary>
    public int Script { get; set; } = -1;

    /// <summary>-i: enter the REPL after the script.</summary>
    public bool Interactive { get; set; }

    /// <summary>-v: print the version first.</summary>
    public bool Version { get; set; }

    /// <summary>-h, --help.</summary>
    public bool Help { get; set; }

    /// <summary>-E: ignore LUA_INIT and the LUA_PATH/LUA_CPATH variables.</summary>
    public bool IgnoreEnvironment { get; set; }

    /// <summary>-d, --dump: memory statistics to stderr at exit.</summary>
    public bool Dump { get; set; }

    /// <summary>--alloc-profile: count allocations by source line and type, print the top sites to stderr at exit.</summary>
    public bool AllocProfile { get; set; }

    /// <summary>--heap-map file: write the picture of the heap as SVG at exit.</summary>
    public string? HeapMap { get; set; }

    /// <summary>--snapshot img: run the script, then write the state as an image.</summary>
    public string? SnapshotImage { get; set; }

    /// <summary>--image img: start from the image instead of a new state.</summary>
    public string? BootImage { get; set; }

    /// <summary>--debug: the index of the first argument after it (the script); -1 when absent.</summary>
    public int DebugFrom { get; set; } = -1;

    /// <summary>-o file: compile the script to a chunk instead of running it.</summary>
    public string? Output { get; set; }

    /// <summary>-s: with -o, strip debug information.</summary>
    public bool Strip { get; set; }

    /// <summary>--big-endian: with -o, write the big-endian form.</summary>
    public bool BigEndian { get; set; }

    /// <summary>--memory-limit N: the heap's size in bytes (0: the runtime's default).</summary>
    public long MemoryLimit { get; set; }

    /// <summary>--instruction-limit N: the instruction budget (null: unlimited).</summary>
    public long? InstructionLimit { get; set; }
}
