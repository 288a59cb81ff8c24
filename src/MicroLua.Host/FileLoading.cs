using MicroLua.Core;
using MicroLua.Library;
using MicroLua.Vm;

namespace MicroLua.Host;

/// <summary>loadfile and dofile: the base functions that read files, opened with the host libraries.</summary>
internal static class FileLoading
{
    public static void Open(LuaRuntime rt)
    {
        rt.Register(rt.Globals, "loadfile", LoadFile);
        rt.Register(rt.Globals, "dofile", DoFile);
    }

    /// <summary>Reads a chunk from a file (or standard input when <paramref name="name"/> is null), skipping a UTF-8 byte-order mark and a first '#' line as lua.c's loader does.</summary>
    internal static bool TryRead(string? name, out byte[] bytes, out string chunkName, out string? error)
    {
        error = null;
        chunkName = name == null ? "=stdin" : "@" + name;
        if (name != null && Directory.Exists(name))
        {
            bytes = [];
            error = $"cannot read {name}: Is a directory"; // C's fopen opens a directory; its first read fails
            return false;
        }

        try
        {
            if (name == null)
            {
                using var ms = new MemoryStream();
                Console.OpenStandardInput().CopyTo(ms);
                bytes = ms.ToArray();
            }
            else
            {
                bytes = File.ReadAllBytes(name);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            bytes = [];
            string reason = e is FileNotFoundException or DirectoryNotFoundException ? "No such file or directory"
                : e is UnauthorizedAccessException ? "Permission denied"
                : e.Message;
            error = $"cannot open {name}: {reason}";
            return false;
        }

        ReadOnlySpan<byte> chunk = SkipPreamble(bytes);
        if (chunk.Length != bytes.Length)
        {
            bytes = chunk.ToArray();
        }

        return true;
    }

    /// <summary>
    /// What luaL_loadfile skips before a chunk: a UTF-8 byte-order mark (not part of the chunk)
    /// and a first line starting with '#' (its newline stays, keeping line numbers right,
    /// unless a binary chunk follows it).
    /// </summary>
    internal static ReadOnlySpan<byte> SkipPreamble(ReadOnlySpan<byte> s)
    {
        if (s.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            s = s[3..];
        }

        if (s.Length > 0 && s[0] == '#')
        {
            int nl = s.IndexOf((byte)'\n');
            s = nl < 0 ? [] : nl + 1 < s.Length && s[nl + 1] == 0x1B ? s[(nl + 1)..] : s[nl..];
        }

        return s;
    }

    private static int LoadFile(ref CallContext c)
    {
        string? name = c.IsNoneOrNil(1) ? null : c.G.ToDotNetString(c.CheckStringValue(1));
        string mode = c.IsNoneOrNil(2) ? "bt" : c.G.ToDotNetString(c.CheckStringValue(2));
        LuaRuntime rt = LuaRuntime.Of(c.Vm);
        Value env = c.ArgCount >= 3 ? c.Arg(3) : Value.Object(Tag.Table, rt.Globals);
        if (!TryRead(name, out byte[] bytes, out string chunkName, out string? error))
        {
            return c.Fail(error!);
        }

        if (!rt.Chunks.TryLoad(bytes, chunkName, mode, env, out Value fn, out error))
        {
            return c.Fail(error!);
        }

        return c.Return(fn);
    }

    private static int DoFile(ref CallContext c)
    {
        string? name = c.IsNoneOrNil(1) ? null : c.G.ToDotNetString(c.CheckStringValue(1));
        LuaRuntime rt = LuaRuntime.Of(c.Vm);
        if (!TryRead(name, out byte[] bytes, out string chunkName, out string? error)
            || !rt.Chunks.TryLoad(bytes, chunkName, "bt", Value.Object(Tag.Table, rt.Globals), out Value fn, out error))
        {
            throw new LuaError(c.G.NewString(error!), error!);
        }

        return c.TailCall(fn, []); // the chunk replaces dofile's frame, so it may yield
    }
}
