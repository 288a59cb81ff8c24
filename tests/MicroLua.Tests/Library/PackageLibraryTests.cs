using System.Diagnostics;
using System.Text;
using MicroLua.Compiler;
using MicroLua.Host;
using MicroLua.Library;

namespace MicroLua.Tests.Library;

public sealed class PackageLibraryTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mlua-pkg-" + Guid.NewGuid().ToString("N"));
    private readonly StringBuilder _out = new();

    public PackageLibraryTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private LuaState NewState(LuaRequireHandler? handler = null, bool files = false, bool gcStress = false)
    {
        var lua = new LuaState(new LuaOptions
        {
            Compiler = LuaCompiler.Instance,
            GcStress = gcStress,
            Require = handler,
            Output = (bytes, kind) => _out.Append(Encoding.Latin1.GetString(bytes)),
        });
        if (files)
        {
            LuaHostLibraries.OpenAll(lua);
        }

        return lua;
    }

    private string Run(LuaState lua, string code)
    {
        _out.Clear();
        lua.DoString(code, "=t");
        return _out.ToString();
    }

    private void Write(string relative, string text)
    {
        string path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    [Fact]
    public void PackageTableHasLuaFields()
    {
        using var lua = NewState();
        Assert.Equal(
            "table\ttable\ttable\tstring\tstring\tstring\tfunction\tfunction\n/\n;\n?\n!\n-\n\ntrue\ttrue\ttrue\ttrue\n",
            Run(lua, """
                print(type(package.loaded), type(package.preload), type(package.searchers),
                      type(package.path), type(package.cpath), type(package.config),
                      type(package.searchpath), type(require))
                print(package.config)
                print(package.loaded._G == _G, package.loaded.string == string,
                      package.loaded.package == package, package.loaded.math == math)
                """));
        Assert.Equal(PackageLibrary.DefaultPath + "\n", Run(lua, "print(package.path)"));
    }

    [Fact]
    public void PackageIsOptional()
    {
        using var lua = new LuaState(new LuaOptions { Compiler = LuaCompiler.Instance, Libraries = LuaLibraries.All & ~LuaLibraries.Package });
        Assert.Equal("nil", lua.DoString("return type(require) .. ''")[0].ToString());
    }

    [Fact]
    public void PreloadLoaderGetsNameAndPreloadMark()
    {
        using var lua = NewState(gcStress: true);
        Assert.Equal(
            "m\t:preload:\ntrue\t:preload:\ntrue\n42\t:preload:\n42\n",
            Run(lua, """
                package.preload.m = function(...) print(...) end
                print(require "m")
                print(package.loaded.m)
                package.preload.n = function() return 42 end
                print(require "n")
                print(require "n")
                """));
    }

    [Fact]
    public void LoadedIsCachedAndCanBeSetByTheModule()
    {
        using var lua = NewState();
        Assert.Equal(
            "1\ntrue\t1\nfirst\tset\n",
            Run(lua, """
                local calls = 0
                package.preload.c = function() calls = calls + 1 return {} end
                local a = require "c"
                local b = require "c"
                print(calls)
                print(a == b, select('#', require "c"))
                package.loaded.d = "first"
                package.preload.e = function(name) package.loaded[name] = "set" end
                print(require "d", (require "e"))
                """));
    }

    [Fact]
    public void RequireHandlerLoadsModules()
    {
        var asked = new List<string>();
        using var lua = NewState(name =>
        {
            asked.Add(name);
            return name switch
            {
                "util" => new LuaModuleSource(Encoding.UTF8.GetBytes("local n, d = ... return { name = n, data = d }"), "@lib/util.lua"),
                "broken" => new LuaModuleSource(Encoding.UTF8.GetBytes("return +"), "=broken"),
                "fails" => new LuaModuleSource(Encoding.UTF8.GetBytes("error('boom')"), "@fails.lua"),
                _ => null,
            };
        });
        Assert.Equal(
            "util\tlib/util.lua\tlib/util.lua\n",
            Run(lua, "local m, d = require 'util' print(m.name, m.data, d)"));
        Assert.Equal(
            "false\tmodule 'other' not found:\n\tno field package.preload['other']\n\tno module 'other' in the host's require handler\n",
            Run(lua, "print(pcall(require, 'other'))"));
        Assert.Equal(
            "false\terror loading module 'broken' from file 'broken':\n\tbroken:1: unexpected symbol near '+'\n",
            Run(lua, "print(pcall(require, 'broken'))"));
        Assert.Equal("false\tfails.lua:1: boom\n", Run(lua, "print(pcall(require, 'fails'))"));
        Assert.Equal(["util", "other", "broken", "fails"], asked);
    }

    [Fact]
    public void RequireChecksItsArgumentAndTables()
    {
        using var lua = NewState();
        Assert.Equal(
            "false\tbad argument #1 to 'require' (string expected, got no value)\n" +
            "false\t'package.searchers' must be a table\n",
            Run(lua, """
                print(pcall(require))
                package.searchers = nil
                print(pcall(require, "x"))
                """));
    }

    [Fact]
    public void FileModulesLoadFromPackagePath()
    {
        Write("m.lua", "#!/usr/bin/lua\nlocal name, file = ... return { name = name, file = file }");
        Write("pkg/sub.lua", "return 'sub'");
        Write("pkg/init.lua", "return 'pkg init'");
        Write("none.lua", "x_loaded = true");
        Write("bad.lua", "local x = = 1");
        using var lua = NewState(files: true, gcStress: false);
        string d = _dir.Replace("\\", "/");
        Run(lua, $"package.path = '{d}/?.lua;{d}/?/init.lua'");
        Assert.Equal(
            $"m\t{d}/m.lua\t{d}/m.lua\n",
            Run(lua, "local m, f = require 'm' print(m.name, m.file, f)"));
        Assert.Equal("sub\tpkg init\n", Run(lua, "print(require 'pkg.sub', (require 'pkg'))"));
        Assert.Equal("true\ttrue\n", Run(lua, "print(require 'none', x_loaded)"));
        Assert.Equal(
            $"false\terror loading module 'bad' from file '{d}/bad.lua':\n\t{d}/bad.lua:1: unexpected symbol near '='\n",
            Run(lua, "print(pcall(require, 'bad'))"));
        Assert.Equal($"{d}/pkg/sub.lua\n", Run(lua, "print(package.searchpath('pkg.sub', package.path))"));
        Assert.Equal(
            $"nil\tno file '{d}/q/r.lua'\n\tno file '{d}/q/r/init.lua'\n",
            Run(lua, "print(package.searchpath('q.r', package.path))"));
        Assert.Equal("true\ttrue\n", Run(lua, "print(package.loaded.io == io, package.loaded.os == os)"));
    }

    [Fact]
    public void FileModulesUnderGcStress()
    {
        Write("g.lua", "local t = {} for i = 1, 10 do t[i] = tostring(i) end return t");
        using var lua = NewState(files: true, gcStress: true);
        string d = _dir.Replace("\\", "/");
        Assert.Equal("10\t10\n", Run(lua, $"package.path = '{d}/?.lua' local t = require 'g' print(#t, t[10])"));
    }

    [Fact]
    public void SearchPathReplacesSeparators()
    {
        using var lua = NewState(files: true);
        Assert.Equal(
            "nil\tno file 'a/b'\n\tno file 'x/a/b.lua'\n\tno file ''\n" +
            "nil\tno file './a.b.lua'\n" +
            "nil\tno file 'a_b'\n",
            Run(lua, """
                print(package.searchpath("a.b", "?;x/?.lua;"))
                print(package.searchpath("a.b", "./?.lua", "", ""))
                print(package.searchpath("a.b", "?", ".", "_"))
                """));
    }

    /// <summary>What lua5.4 prints for <see cref="NotFoundCode"/> (recorded from /usr/bin/lua5.4 5.4.4).</summary>
    private const string NotFoundExpected =
        "module 'a.b' not found:\n" +
        "\tno field package.preload['a.b']\n" +
        "\tno file './nomod/a/b.lua'\n" +
        "\tno file '/nonexistent/a/b/init.lua'\n" +
        "\tno file ''\n" +
        "\tno file ''\n" +
        "\tno file '/nonexistent/a/b.so'\n" +
        "\tno file './nomod/loadall.so'\n" +
        "\tno file '/nonexistent/a.so'\n" +
        "\tno file './nomod/loadall.so'\n";

    private const string NotFoundCode =
        "package.path = './nomod/?.lua;/nonexistent/?/init.lua;;' " +
        "package.cpath = '/nonexistent/?.so;./nomod/loadall.so' " +
        "print(select(2, pcall(require, 'a.b')))";

    [Fact]
    public void NotFoundMessageIsLuas()
    {
        using var lua = NewState(files: true);
        Assert.Equal(NotFoundExpected, Run(lua, NotFoundCode));
    }

    [Fact]
    public void NotFoundMessageMatchesLua54WhenInstalled()
    {
        const string lua54 = "/usr/bin/lua5.4";
        if (!File.Exists(lua54))
        {
            return;
        }

        var psi = new ProcessStartInfo(lua54, ["-e", NotFoundCode]) { RedirectStandardOutput = true, WorkingDirectory = _dir };
        using var p = Process.Start(psi)!;
        string expected = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        using var lua = NewState(files: true);
        Assert.Equal(expected, Run(lua, NotFoundCode));
    }

    [Fact]
    public void FoundCLibraryIsReportedAsUnsupported()
    {
        Write("clib.so", "not really");
        using var lua = NewState(files: true);
        string d = _dir.Replace("\\", "/");
        Assert.Equal(
            $"false\terror loading module 'clib' from file '{d}/clib.so':\n\tdynamic libraries not enabled; check your Lua installation\n",
            Run(lua, $"package.path = '' package.cpath = '{d}/?.so' print(pcall(require, 'clib'))"));
    }

    [Fact]
    public void EnvironmentPathExpandsDoubleSemicolon()
    {
        Assert.Equal("d", FileRequirer.PathFromEnvironment(null, null, "d"));
        Assert.Equal("a;d;b", FileRequirer.PathFromEnvironment("a;;b", "x", "d"));
        Assert.Equal("d;b", FileRequirer.PathFromEnvironment(null, ";;b", "d"));
        Assert.Equal("a;d", FileRequirer.PathFromEnvironment("a;;", null, "d"));
        Assert.Equal("d", FileRequirer.PathFromEnvironment(";;", null, "d"));
        Assert.Equal("a;b", FileRequirer.PathFromEnvironment("a;b", null, "d"));
    }
}
