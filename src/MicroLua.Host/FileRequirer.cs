using System.Text;
using MicroLua.Core;
using MicroLua.Library;
using MicroLua.Vm;

namespace MicroLua.Host;

/// <summary>
/// The file searchers of require, as lua's: the Lua searcher (package.path templates, the
/// found file loaded as chunk "@path" and called with the module name and the file name) and
/// the two C searchers, which look in package.cpath and report their reasons as lua does but
/// load nothing (C modules are not supported: a found library fails with lua's message for a
/// build without dynamic libraries). Also makes package.searchpath look at the file system.
/// </summary>
internal static class FileRequirer
{
    private static readonly Func<string, bool> s_readable = Readable;

    /// <summary>Adds the searchers to package.searchers; with <paramref name="environment"/>, package.path and cpath come from LUA_PATH_5_4/LUA_PATH and LUA_CPATH_5_4/LUA_CPATH.</summary>
    public static void Open(LuaRuntime rt, bool environment)
    {
        uint pkg = PackageLibrary.PackageTable(rt);
        if (pkg == 0)
        {
            return; // the state was made without the package library
        }

        Value pkgV = Value.Object(Tag.Table, pkg);
        if (environment)
        {
            SetPath(rt, pkg, "path", "LUA_PATH", PackageLibrary.DefaultPath);
            SetPath(rt, pkg, "cpath", "LUA_CPATH", PackageLibrary.DefaultCPath);
        }

        PackageLibrary.SetSearchPath(rt, s_readable);
        PackageLibrary.AddSearcher(rt, rt.NewHostClosure("searcher_Lua", SearcherLua, [pkgV]));
        PackageLibrary.AddSearcher(rt, rt.NewHostClosure("searcher_C", SearcherC, [pkgV]));
        PackageLibrary.AddSearcher(rt, rt.NewHostClosure("searcher_Croot", SearcherCRoot, [pkgV]));
    }

    /// <summary>
    /// The path from the environment, as lua.c sets it: NAME_5_4, else NAME, else the default;
    /// the first ";;" in it stands for the default path.
    /// </summary>
    internal static string PathFromEnvironment(string? versioned, string? plain, string defaultPath)
    {
        string? path = versioned ?? plain;
        if (path == null)
        {
            return defaultPath;
        }

        int mark = path.IndexOf(";;", StringComparison.Ordinal);
        if (mark < 0)
        {
            return path;
        }

        var sb = new StringBuilder();
        if (mark > 0)
        {
            sb.Append(path, 0, mark).Append(';');
        }

        sb.Append(defaultPath);
        if (mark < path.Length - 2)
        {
            sb.Append(';').Append(path, mark + 2, path.Length - mark - 2);
        }

        return sb.ToString();
    }

    private static void SetPath(LuaRuntime rt, uint pkg, string field, string variable, string defaultPath)
    {
        string path = PathFromEnvironment(Environment.GetEnvironmentVariable(variable + "_5_4"), Environment.GetEnvironmentVariable(variable), defaultPath);
        rt.SetField(pkg, field, rt.G.NewStringFromHost(path));
    }

    /// <summary>A Lua file name (Latin-1 string of its bytes) as a host path.</summary>
    private static string HostPath(string luaName) => Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(luaName));

    /// <summary>Whether the file can be opened for reading (lua's fopen test).</summary>
    private static bool Readable(string luaName)
    {
        try
        {
            using var f = new FileStream(HostPath(luaName), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return false;
        }
    }

    private static int SearcherLua(ref CallContext c)
    {
        string name = c.G.ToDotNetString(c.CheckStringValue(1));
        string? file = PackageLibrary.FindFile(ref c, name, "path", s_readable, out string message);
        if (file == null)
        {
            return c.Return(message);
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(HostPath(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw PackageLibrary.LoadError(name, file, $"cannot read {file}");
        }

        LuaRuntime rt = LuaRuntime.Of(c.Vm);
        if (!rt.Chunks.TryLoad(FileLoading.SkipPreamble(bytes), "@" + file, "bt", Value.Object(Tag.Table, rt.Globals), out Value fn, out string? error))
        {
            throw PackageLibrary.LoadError(name, file, error!);
        }

        c.Push(fn);
        c.Push(c.G.NewString(file));
        return 2;
    }

    private static int SearcherC(ref CallContext c)
    {
        string name = c.G.ToDotNetString(c.CheckStringValue(1));
        string? file = PackageLibrary.FindFile(ref c, name, "cpath", s_readable, out string message);
        if (file == null)
        {
            return c.Return(message);
        }

        throw PackageLibrary.LoadError(name, file, PackageLibrary.NoDynamicLibraries);
    }

    private static int SearcherCRoot(ref CallContext c)
    {
        string name = c.G.ToDotNetString(c.CheckStringValue(1));
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return 0; // a root module: the C searcher has looked already
        }

        string? file = PackageLibrary.FindFile(ref c, name[..dot], "cpath", s_readable, out string message);
        if (file == null)
        {
            return c.Return(message);
        }

        throw PackageLibrary.LoadError(name, file, PackageLibrary.NoDynamicLibraries);
    }
}
