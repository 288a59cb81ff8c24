using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MicroLua.Host;

/// <summary>
/// The CPU time of the process, for os.clock (C's clock()). Asked of the system directly:
/// Process.TotalProcessorTime builds a Process object and reads /proc on every call (264 bytes
/// of managed garbage per call on Linux), and Environment.CpuUsage is not in net8.0 or
/// netstandard2.1. clock_gettime(CLOCK_PROCESS_CPUTIME_ID) on Linux and macOS,
/// GetProcessTimes on Windows; anywhere else, or when the call fails, Process as before.
/// </summary>
internal static class ProcessClock
{
    /// <summary>CLOCK_PROCESS_CPUTIME_ID: 2 in Linux's time.h, 12 in macOS's.</summary>
    private static readonly int s_clockId = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? 2
        : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? 12
        : -1;

    private static readonly bool s_windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

    /// <summary>Set when the system call failed once (no such entry point, say): every later call uses Process.</summary>
    private static bool s_fallback;

    /// <summary>Seconds of CPU time (user + system) the process has used.</summary>
    public static double Seconds()
    {
        if (!s_fallback)
        {
            try
            {
                if (s_clockId >= 0 && clock_gettime(s_clockId, out Timespec ts) == 0)
                {
                    return ts.Seconds + (ts.Nanoseconds / 1e9);
                }

                if (s_windows && GetProcessTimes(-1, out _, out _, out long kernel, out long user) != 0)
                {
                    return (kernel + user) / 1e7; // 100-nanosecond units
                }
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // not the C library this platform was taken for
            }

            s_fallback = true;
        }

        return Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    }

    /// <summary>struct timespec on the 64-bit and 32-bit ABIs alike: time_t and long are pointer-sized there.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public nint Seconds;
        public nint Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int clock_gettime(int clockId, out Timespec ts);

    [DllImport("kernel32", EntryPoint = "GetProcessTimes")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    private static extern int GetProcessTimes(nint process, out long creation, out long exit, out long kernel, out long user);
}
