using System.Runtime.InteropServices;

namespace MicroLua.Cli;

/// <summary>
/// mlua's standard streams with C stdio's habits, as lua.c has them: standard output is
/// line-buffered on a terminal and fully buffered otherwise, and it is flushed before
/// standard input is read while it is a terminal (a prompt written with io.write shows
/// before io.read waits). A write to a closed pipe ends the process at once through
/// SIGPIPE, as it ends lua.c (the .NET runtime ignores SIGPIPE; mlua restores the default).
/// </summary>
internal static class StandardStreams
{
    private const int SigPipe = 13; // the same number on Linux, macOS and the BSDs

    private static Stream s_out = Stream.Null;
    private static bool s_lineBuffered;

    /// <summary>Whether standard output is a terminal (then it is line-buffered).</summary>
    public static bool OutputIsTerminal => s_lineBuffered;

    /// <summary>Opens standard output and restores the default action of SIGPIPE.</summary>
    public static void Open()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            try
            {
                _ = signal(SigPipe, 0); // SIG_DFL
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // no libc to ask: a closed pipe then ends mlua through the write's IOException
            }
        }

        s_lineBuffered = !Console.IsOutputRedirected;
        s_out = new BufferedStream(Console.OpenStandardOutput(), 1 << 16);
    }

    /// <summary>Writes to standard output: buffered, and flushed at a newline on a terminal.</summary>
    public static void Write(ReadOnlySpan<byte> bytes)
    {
        try
        {
            s_out.Write(bytes);
            if (s_lineBuffered && bytes.Contains((byte)'\n'))
            {
                s_out.Flush();
            }
        }
        catch (IOException)
        {
            Environment.Exit(1);
        }
    }

    /// <summary>Writes what standard output holds.</summary>
    public static void Flush()
    {
        try
        {
            s_out.Flush();
        }
        catch (IOException)
        {
            Environment.Exit(1);
        }
    }

    /// <summary>Writes to standard error (unbuffered, after flushing standard output, as C's stderr).</summary>
    public static void WriteError(ReadOnlySpan<byte> bytes)
    {
        Flush();
        using Stream err = Console.OpenStandardError();
        err.Write(bytes);
    }

    /// <summary>Writes a line of text to standard error.</summary>
    public static void WriteErrorLine(string text)
    {
        Flush();
        Console.Error.WriteLine(text);
        Console.Error.Flush();
    }

    /// <summary>The stream io.stdin reads: standard input, flushing a terminal's output before each read.</summary>
    public static Stream OpenInput() => new FlushingInput(Console.OpenStandardInput());

    [DllImport("libc", EntryPoint = "signal")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint signal(int signum, nint handler);

    /// <summary>Standard input that first flushes standard output when that is a terminal (C stdio flushes line-buffered streams before it reads).</summary>
    private sealed class FlushingInput(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (s_lineBuffered)
            {
                StandardStreams.Flush();
            }

            return inner.Read(buffer);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
