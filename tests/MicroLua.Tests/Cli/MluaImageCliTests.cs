using System.Diagnostics;

namespace MicroLua.Tests.Cli;

/// <summary>mlua --snapshot / --image: an image written by one process runs in another like the state it was taken from.</summary>
public sealed class MluaImageCliTests
{
    private static (int Exit, string Out, string Err) Run(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
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

    private const string Init = """
        local names = {}
        function add(n) names[#names + 1] = n; return #names end
        for i = 1, 50 do add("item" .. i) end
        rules = setmetatable({ limit = 3 }, { __index = function(_, k) return "default " .. k end })
        gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
        print("init done", #names)
        """;

    private const string Main = """
        print(add("x"), rules.limit, rules.other, gen(), gen(), string.format("%.3f", math.pi), ...)
        io.write("io is open: ", tostring(io.stdout ~= nil), "\n")
        """;

    [Fact]
    public void AnImageWrittenByOneProcessRunsInAnother()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"mlua-image-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "init.lua"), Init);
        File.WriteAllText(Path.Combine(dir, "main.lua"), Main);
        File.WriteAllText(Path.Combine(dir, "both.lua"), Init + "\n" + Main);

        var (exit, output, error) = Run(dir, "--snapshot", "app.img", "init.lua");
        Assert.True(exit == 0, error);
        Assert.Equal("init done\t50\n", output);

        var boot = Run(dir, "--image", "app.img", "main.lua", "arg1");
        Assert.True(boot.Exit == 0, boot.Err);
        var direct = Run(dir, "both.lua", "arg1");
        Assert.Equal(direct.Out, "init done\t50\n" + boot.Out);
        Assert.Equal("51\t3\tdefault other\t1\t2\t3.142\targ1\nio is open: true\n", boot.Out);
    }

    [Fact]
    public void ADamagedImageIsAClearError()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"mlua-badimage-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "main.lua"), "print(1)");
        File.WriteAllBytes(Path.Combine(dir, "bad.img"), "MLUAIMG\x1A is not really an image"u8.ToArray());
        var (exit, _, error) = Run(dir, "--image", "bad.img", "main.lua");
        Assert.Equal(1, exit);
        Assert.Equal("mlua: bad.img: bad image: checksum mismatch (the image is damaged or truncated)\n", error);
    }
}
