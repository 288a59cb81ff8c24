using System.Diagnostics;

namespace MicroLua.Tests.Cli;

/// <summary>mlua -o: a script compiled to a chunk prints what the script prints.</summary>
public sealed class MluaBytecodeCliTests
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mlua.dll"));
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        string o = p.StandardOutput.ReadToEnd();
        string e = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, o, e);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-s")]
    [InlineData("--big-endian")]
    public void CompiledChunk_PrintsWhatTheScriptPrints(string option)
    {
        string[] options = option.Length == 0 ? [] : [option];
        string dir = Path.Combine(Path.GetTempPath(), $"mlua-o-{Environment.ProcessId}-{options.Length}-{string.Concat(options)}");
        Directory.CreateDirectory(dir);
        string script = Path.Combine(dir, "x.lua");
        string chunk = Path.Combine(dir, "x.mlu");
        File.WriteAllText(script, "#!/usr/bin/env mlua\nlocal t = {} for i = 1, 5 do t[i] = i * i end\nprint(table.concat(t, ' '), ..., #arg)\nprint(pcall(error, 'e'))\n");
        try
        {
            var (exit, fromSource, _) = Run(script, "a", "b");
            Assert.Equal(0, exit);
            var (cexit, cout, cerr) = Run([.. options, "-o", chunk, script]);
            Assert.True(cexit == 0, cerr);
            Assert.Equal("", cout);
            Assert.Equal(0x1B, File.ReadAllBytes(chunk)[0]);
            var (rexit, fromChunk, rerr) = Run(chunk, "a", "b");
            Assert.True(rexit == 0, rerr);
            Assert.Equal(fromSource, fromChunk);
            Assert.Equal("1 4 9 16 25\ta\t2\nfalse\te\n", fromChunk);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void CompileError_IsReported()
    {
        string script = Path.Combine(Path.GetTempPath(), $"mlua-bad-{Environment.ProcessId}.lua");
        File.WriteAllText(script, "x = = 1");
        try
        {
            var (exit, _, err) = Run("-o", script + ".mlu", script);
            Assert.Equal(1, exit);
            Assert.Contains("unexpected symbol near '='", err, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(script);
        }
    }
}
