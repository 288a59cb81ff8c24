using System.Text;
using MicroLua.Core;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua.Library;

/// <summary>
/// The package library and require, as Lua 5.4's manual describes them: package.loaded
/// (registry._LOADED), package.preload (registry._PRELOAD), package.searchers, package.path,
/// package.cpath, package.config and package.searchpath. The runtime has no file system: its
/// searchers are the preload table and the embedder's require handler (<see cref="HostModuleSearcher"/>); the file
/// searchers come from MicroLua.Host (FileRequirer). Lua text is handled as Latin-1 .NET
/// strings, which keep every byte.
/// </summary>
internal static unsafe class PackageLibrary
{
    /// <summary>package.path when nothing else is set (as /usr/bin/lua5.4 on Debian-style systems).</summary>
    public const string DefaultPath =
        "/usr/local/share/lua/5.4/?.lua;/usr/local/share/lua/5.4/?/init.lua;" +
        "/usr/local/lib/lua/5.4/?.lua;/usr/local/lib/lua/5.4/?/init.lua;" +
        "/usr/share/lua/5.4/?.lua;/usr/share/lua/5.4/?/init.lua;" +
        "./?.lua;./?/init.lua";

    /// <summary>package.cpath when nothing else is set (C modules are never loaded; the searchers only report).</summary>
    public const string DefaultCPath =
        "/usr/local/lib/lua/5.4/?.so;/usr/lib/x86_64-linux-gnu/lua/5.4/?.so;" +
        "/usr/lib/lua/5.4/?.so;/usr/local/lib/lua/5.4/loadall.so;./?.so";

    /// <summary>What lua says when it was built without dynamic libraries.</summary>
    public const string NoDynamicLibraries = "dynamic libraries not enabled; check your Lua installation";

    private const string LoadedKey = "_LOADED";
    private const string PreloadKey = "_PRELOAD";

    /// <summary>The runtime's libraries, recorded in package.loaded when package opens (after them).</summary>
    private static readonly string[] LoadedLibraries = ["_G", "coroutine", "string", "table", "math", "utf8", "debug", "package"];

    /// <summary>Opens the library; <paramref name="searcher"/> is the host's require handler, or null.</summary>
    public static void Open(LuaRuntime rt, HostModuleSearcher? searcher)
    {
        LuaGlobal g = rt.G;
        uint pkg = rt.NewLibraryTable("package", 7);
        Value pkgV = Value.Object(Tag.Table, pkg);

        // package.loaded holds the libraries opened so far (the list below) and grows for later ones.
        int opened = 1;
        foreach (string name in LoadedLibraries)
        {
            opened += name != "package" && LuaTable.Get(g, rt.Globals, g.NewString(name)).Tag == Tag.Table ? 1 : 0;
        }

        uint loaded = LuaTable.New(g, 0, opened);
        rt.SetField(g.Registry.R, LoadedKey, Value.Object(Tag.Table, loaded));
        rt.SetField(pkg, "loaded", Value.Object(Tag.Table, loaded));
        uint preload = LuaTable.New(g, 0, 0);
        rt.SetField(g.Registry.R, PreloadKey, Value.Object(Tag.Table, preload));
        rt.SetField(pkg, "preload", Value.Object(Tag.Table, preload));

        rt.SetField(pkg, "config", g.NewString("/\n;\n?\n!\n-\n"));
        rt.SetField(pkg, "path", g.NewString(DefaultPath));
        rt.SetField(pkg, "cpath", g.NewString(DefaultCPath));
        rt.SetField(rt.Globals, "require", rt.NewHostClosure("require", Require, [pkgV]));
        SetSearchPath(rt, static _ => false);

        uint searchers = LuaTable.New(g, 4, 0);
        rt.SetField(pkg, "searchers", Value.Object(Tag.Table, searchers));
        AddSearcher(rt, rt.NewHostClosure("searcher_preload", SearcherPreload, [pkgV]));
        rt.HostSearcher = searcher;
        if (searcher != null)
        {
            AddSearcher(rt, rt.NewHostClosure("searcher_host", SearcherHost, [pkgV]));
        }

        // The libraries opened so far are already loaded modules, as in lua.
        foreach (string name in LoadedLibraries)
        {
            AddLoaded(rt, name);
        }
    }

    /// <summary>package.loaded[name] = the global <paramref name="name"/>, when it is a table (for libraries opened later, such as io and os).</summary>
    public static void AddLoaded(LuaRuntime rt, string name)
    {
        LuaGlobal g = rt.G;
        Value loaded = LuaTable.Get(g, g.Registry.R, g.NewString(LoadedKey));
        if (loaded.Tag != Tag.Table)
        {
            return;
        }

        Value lib = LuaTable.Get(g, rt.Globals, g.NewString(name));
        if (lib.Tag == Tag.Table)
        {
            rt.SetField(loaded.R, name, lib);
        }
    }

    /// <summary>The package table require uses, or 0 when the library is not open.</summary>
    public static uint PackageTable(LuaRuntime rt)
    {
        Value req = LuaTable.Get(rt.G, rt.Globals, rt.G.NewString("require"));
        if (req.Tag != Tag.HostClosure)
        {
            return 0;
        }

        var clo = (HostClosureObj*)rt.G.Heap.Ptr(req.R);
        return clo->H.Extra == 1 && HostClosureObj.Upvals(clo)[0].Tag == Tag.Table ? HostClosureObj.Upvals(clo)[0].R : 0;
    }

    /// <summary>Appends a searcher (a function with the package table as upvalue 1 if it needs one) to package.searchers.</summary>
    public static void AddSearcher(LuaRuntime rt, in Value searcher)
    {
        LuaGlobal g = rt.G;
        uint pkg = PackageTable(rt);
        if (pkg == 0)
        {
            return;
        }

        Value s = LuaTable.Get(g, pkg, g.NewString("searchers"));
        if (s.Tag == Tag.Table)
        {
            g.PushTemp(searcher);
            try
            {
                LuaTable.SetInt(g, s.R, LuaTable.Length(g, s.R) + 1, searcher);
            }
            finally
            {
                g.PopTemp();
            }
        }
    }

    /// <summary>Sets package.searchpath to a function that tests files with <paramref name="readable"/>.</summary>
    public static void SetSearchPath(LuaRuntime rt, Func<string, bool> readable)
    {
        uint pkg = PackageTable(rt);
        if (pkg == 0)
        {
            pkg = LuaTable.Get(rt.G, rt.Globals, rt.G.NewString("package")).R;
        }

        rt.Register(pkg, "searchpath", (ref CallContext c) => SearchPathFunction(ref c, readable), "searchpath");
    }

    private static int SearchPathFunction(ref CallContext c, Func<string, bool> readable)
    {
        string name = c.G.ToDotNetString(c.CheckStringValue(1));
        string path = c.G.ToDotNetString(c.CheckStringValue(2));
        string sep = c.IsNoneOrNil(3) ? "." : c.G.ToDotNetString(c.CheckStringValue(3));
        string rep = c.IsNoneOrNil(4) ? "/" : c.G.ToDotNetString(c.CheckStringValue(4));
        string? found = SearchPath(name, path, sep, rep, readable, out string message);
        return found != null ? c.Return(found) : c.Fail(message);
    }

    /// <summary>
    /// package.searchpath: each ';'-separated template of <paramref name="path"/> with '?'
    /// replaced by <paramref name="name"/> (in which <paramref name="sep"/> became
    /// <paramref name="rep"/>); the first readable one, or null and "no file 'a'\n\tno file 'b'...".
    /// </summary>
    public static string? SearchPath(string name, string path, string sep, string rep, Func<string, bool> readable, out string message)
    {
        if (sep.Length > 0)
        {
            name = name.Replace(sep, rep, StringComparison.Ordinal);
        }

        string all = path.Replace("?", name, StringComparison.Ordinal);
        foreach (string file in all.Split(';'))
        {
            if (file.Length > 0 && readable(file))
            {
                message = "";
                return file;
            }
        }

        message = "no file '" + all.Replace(";", "'\n\tno file '", StringComparison.Ordinal) + "'";
        return null;
    }

    /// <summary>
    /// The file a searcher looks for: package[<paramref name="field"/>] (path or cpath) must be
    /// a string; null and the not-found message when no template gives a readable file.
    /// </summary>
    public static string? FindFile(ref CallContext c, string name, string field, Func<string, bool> readable, out string message)
    {
        Value pkg = Upvalue(in c);
        Value p = c.Vm.GetIndex(c.Coroutine, pkg, c.G.NewString(field));
        if (!p.IsString && !(p.IsNumber && c.Vm.ToStringCoerce(p, out p)))
        {
            throw new LuaError($"'package.{field}' must be a string");
        }

        return SearchPath(name, c.G.ToDotNetString(p), ".", "/", readable, out message);
    }

    /// <summary>The first upvalue of the running host closure (the package table for searchers and require).</summary>
    public static Value Upvalue(in CallContext c)
    {
        Value self = c.StackAt(c.Base - 1);
        return HostClosureObj.Upvals((HostClosureObj*)c.G.Heap.Ptr(self.R))[0];
    }

    /// <summary>The message of a loader that failed: "error loading module 'x' from file 'f':\n\tmsg".</summary>
    public static LuaError LoadError(string module, string file, string message) =>
        new($"error loading module '{module}' from file '{file}':\n\t{message}");

    private static int SearcherPreload(ref CallContext c)
    {
        Value name = c.CheckStringValue(1);
        Value preload = LuaTable.Get(c.G, c.G.Registry.R, c.G.NewString(PreloadKey));
        Value loader = preload.Tag == Tag.Table ? c.Vm.GetIndex(c.Coroutine, preload, name) : default;
        if (preload.Tag != Tag.Table)
        {
            throw new LuaError("'package.preload' must be a table");
        }

        if (loader.IsNil)
        {
            return c.Return($"no field package.preload['{c.G.ToDotNetString(name)}']");
        }

        c.Push(loader);
        c.Push(c.G.NewString(":preload:"u8));
        return 2;
    }

    private static int SearcherHost(ref CallContext c)
    {
        // The handler is the state's own (a state made from a snapshot has its own).
        LuaRuntime rt = LuaRuntime.Of(c.Vm);
        Value nameV = c.CheckStringValue(1);
        string name = c.G.ToDotNetString(nameV);
        HostModule source = default;
        if (rt.HostSearcher?.Invoke(rt, c.G.ToHostString(nameV), out source) != true)
        {
            return c.Return($"no module '{name}' in the host's require handler");
        }

        if (source.IsValue)
        {
            // The module is a ready value: its loader returns it.
            c.Push(source.Value);
            Value loader = rt.NewHostClosure("loader_host", ReturnUpvalue, [c.StackAt(c.Top - 1)]);
            c.Top--;
            c.Push(loader);
            c.Push(c.G.NewString(":host:"u8));
            return 2;
        }

        string data = source.ChunkName.Length > 0 && source.ChunkName[0] is '@' or '=' ? source.ChunkName[1..] : source.ChunkName;
        if (!rt.Chunks.TryLoad(source.Chunk.Span, source.ChunkName, "bt", Value.Object(Tag.Table, rt.Globals), out Value fn, out string? error, fromHost: true))
        {
            throw LoadError(name, data, error!);
        }

        c.Push(fn);
        c.Push(c.G.NewStringFromHost(data));
        return 2;
    }

    internal static int ReturnUpvalue(ref CallContext c)
    {
        Value* self = c.Vm.StackOf(c.Coroutine) + c.Base - 1;
        return c.Return(HostClosureObj.Upvals((HostClosureObj*)c.G.Heap.Ptr(self->R))[0]);
    }

    private static int Require(ref CallContext c)
    {
        Value name = c.CheckStringValue(1);
        c.Top = c.Base + 1;
        LuaGlobal g = c.G;
        Value loaded = LuaTable.Get(g, g.Registry.R, g.NewString(LoadedKey));
        if (loaded.Tag != Tag.Table)
        {
            throw new LuaError("'package.loaded' must be a table");
        }

        c.Push(loaded); // slot 2
        Value mod = c.Vm.GetIndex(c.Coroutine, loaded, name);
        if (!mod.IsFalsy)
        {
            return c.Return(mod);
        }

        // Find a loader: ask each searcher in turn, collecting their reasons.
        Value searchers = c.Vm.GetIndex(c.Coroutine, Upvalue(in c), g.NewString("searchers"u8));
        if (searchers.Tag != Tag.Table)
        {
            throw new LuaError("'package.searchers' must be a table");
        }

        c.Push(searchers); // slot 3
        var reasons = new StringBuilder();
        int r;
        for (long i = 1; ; i++)
        {
            Value searcher = LuaTable.Get(g, searchers.R, Value.Integer(i));
            if (searcher.IsNil)
            {
                throw new LuaError($"module '{g.ToDotNetString(name)}' not found:{reasons}");
            }

            r = c.Call(searcher, [name], 2);
            Value found = c.StackAt(r);
            if (found.IsFunction)
            {
                break;
            }

            if (found.IsString || (found.IsNumber && c.Vm.ToStringCoerce(found, out found)))
            {
                reasons.Append("\n\t").Append(g.ToDotNetString(found));
            }

            c.Top = r;
        }

        // Stack: name, loaded, searchers, loader, data. Run loader(name, data).
        Value loader = c.StackAt(r), data = c.StackAt(r + 1);
        int res = c.Call(loader, [name, data], 1);
        Value result = c.StackAt(res);
        if (!result.IsNil)
        {
            c.Vm.SetIndex(c.Coroutine, loaded, name, result);
        }

        mod = c.Vm.GetIndex(c.Coroutine, loaded, name);
        if (mod.IsNil)
        {
            mod = Value.Boolean(true);
            c.Vm.SetIndex(c.Coroutine, loaded, name, mod);
        }

        c.Top = res;
        c.Push(mod);
        c.Push(c.StackAt(r + 1));
        return 2;
    }
}

/// <summary>
/// The host's require handler as the package library sees it: false when it does not know
/// <paramref name="moduleName"/>. The public door adapts the embedder's handler to it, so
/// the library needs none of the public value types.
/// </summary>
internal delegate bool HostModuleSearcher(LuaRuntime rt, string moduleName, out HostModule module);

/// <summary>A module the host found: a chunk for require to load, or a ready value (already in this state's heap, pushed at once).</summary>
internal readonly struct HostModule(ReadOnlyMemory<byte> chunk, string chunkName, Value value, bool isValue)
{
    public ReadOnlyMemory<byte> Chunk { get; } = chunk;
    public string ChunkName { get; } = chunkName;
    public Value Value { get; } = value;
    public bool IsValue { get; } = isValue;
}
