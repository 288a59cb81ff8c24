using System.Diagnostics;
using MicroLua.Tests.Scripts;

namespace MicroLua.Tests.Hostile;

/// <summary>
/// The hostile-input scripts of tests/hostile: each is run in-process on a thread with a
/// 1 MiB stack (Windows' default, below Linux's 8 MiB, so every stack guard is exercised),
/// through the mlua command, and through mlua under <c>ulimit -s 1024</c>; what each prints
/// must equal its .expected file, which lua5.4 produced.
/// </summary>
public sealed class HostileScriptTests
{
    internal const int OneMiB = 1 << 20;

    internal static string Directory
    {
        get
        {
            string? dir = AppContext.BaseDirectory;
            while (dir != null && !System.IO.Directory.Exists(Path.Combine(dir, "tests", "hostile")))
            {
                dir = Path.GetDirectoryName(dir);
            }

            return Path.Combine(dir ?? throw new DirectoryNotFoundException("tests/hostile not found"), "tests", "hostile");
        }
    }

    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (string f in System.IO.Directory.GetFiles(Directory, "*.lua").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(f));
        }

        return data;
    }

    private static string Expected(string script) =>
        File.ReadAllText(Path.Combine(Directory, Path.ChangeExtension(script, ".expected")));

    /// <summary>Runs <paramref name="body"/> on a new thread with <paramref name="stackSize"/> bytes of stack; rethrows what it threw.</summary>
    internal static void OnThread(int stackSize, Action body)
    {
        Exception? failure = null;
        var t = new Thread(
            () =>
            {
                try
                {
                    body();
                }
#pragma warning disable CA1031 // the test thread hands every exception back to the test
                catch (Exception e)
                {
                    failure = e;
                }
#pragma warning restore CA1031
            },
            stackSize);
        t.Start();
        t.Join();
        if (failure != null)
        {
            throw new InvalidOperationException("the test thread failed", failure);
        }
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_InProcessOnOneMiBThread_MatchesLua54(string script)
    {
        string output = "";
        OnThread(OneMiB, () => output = GoldenScriptTests.RunWith(
            new LuaOptions { Libraries = LuaLibraries.All },
            lua => lua.DoBuffer(File.ReadAllBytes(Path.Combine(Directory, script)), "@" + script)));
        Assert.Equal(Expected(script), output);
    }

    [Theory(Skip = NotOnNetstandard.Mlua)]
    [MemberData(nameof(Scripts))]
    public void Script_ThroughMlua_MatchesLua54(string script)
    {
        var (exit, o, e) = RunMlua(null, script);
        Assert.Equal("", e);
        Assert.Equal(0, exit);
        Assert.Equal(Expected(script), o);
    }

    [Theory(Skip = NotOnNetstandard.Mlua)]
    [MemberData(nameof(Scripts))]
    public void Script_ThroughMluaUnderUlimit1024_MatchesLua54(string script)
    {
        var (exit, o, e) = RunMlua(1024, script);
        Assert.Equal("", e);
        Assert.Equal(0, exit);
        Assert.Equal(Expected(script), o);
    }

    /// <summary>Runs mlua (the build next to the tests) in tests/hostile, optionally under <c>ulimit -s</c> KiB.</summary>
    internal static (int Exit, string Out, string Err) RunMlua(int? stackKiB, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "mlua.dll");
        ProcessStartInfo psi;
        if (stackKiB is int kib)
        {
            psi = new ProcessStartInfo("/bin/sh");
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add($"ulimit -s {kib} && exec dotnet \"$@\"");
            psi.ArgumentList.Add("sh");
        }
        else
        {
            psi = new ProcessStartInfo("dotnet");
        }

        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        psi.WorkingDirectory = Directory;
        psi.ArgumentList.Add(dll);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string o = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, o, err.Result);
    }
}
