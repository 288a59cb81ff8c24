using System.Text;

namespace MicroLua.Core;

/// <summary>
/// The display form of a chunk name in messages (Lua's luaO_chunkid): "=name" shows as
/// name, "@file" as file (cut at the front with "..." when long), anything else is source
/// text shown as <c>[string "first line..."]</c>. The result is at most
/// <see cref="IdSize"/> - 1 bytes, as Lua's LUA_IDSIZE buffer allows. Written on bytes, as
/// Lua's chunk names are, so that an error position is made without managed garbage.
/// </summary>
internal static class ChunkId
{
    /// <summary>Lua's LUA_IDSIZE: the buffer size for a chunk id, terminator included.</summary>
    public const int IdSize = 60;

    /// <summary>Returns the display form of <paramref name="source"/>: its characters as Latin-1 bytes (a Lua string's), or as UTF-8 when it has others.</summary>
    public static string Format(string source)
    {
        Encoding encoding = IsLatin1(source) ? Encoding.Latin1 : Encoding.UTF8;
        Span<byte> id = stackalloc byte[IdSize];
        return encoding.GetString(id[..FormatTo(encoding.GetBytes(source), id)]);
    }

    /// <summary>
    /// Writes the display form of <paramref name="source"/> (cut at a NUL byte, as Lua's C
    /// strings are) to <paramref name="dest"/>, which holds at least <see cref="IdSize"/> bytes;
    /// returns its length.
    /// </summary>
    public static int FormatTo(ReadOnlySpan<byte> source, Span<byte> dest)
    {
        const int bufLen = IdSize - 1;
        int nul = source.IndexOf((byte)0);
        if (nul >= 0)
        {
            source = source[..nul]; // Lua sees chunk names as C strings
        }

        if (source.Length > 0 && source[0] == (byte)'=')
        {
            ReadOnlySpan<byte> rest = source[1..];
            return Copy(rest.Length <= bufLen ? rest : rest[..bufLen], dest, 0);
        }

        if (source.Length > 0 && source[0] == (byte)'@')
        {
            ReadOnlySpan<byte> rest = source[1..];
            if (rest.Length <= bufLen)
            {
                return Copy(rest, dest, 0);
            }

            return Copy(rest[(rest.Length - (bufLen - 3))..], dest, Copy("..."u8, dest, 0));
        }

        ReadOnlySpan<byte> pre = "[string \""u8;
        ReadOnlySpan<byte> post = "\"]"u8;
        ReadOnlySpan<byte> dots = "..."u8;
        int nl = source.IndexOf((byte)'\n');
        int room = bufLen - (pre.Length + dots.Length + post.Length);
        int n = Copy(pre, dest, 0);
        if (source.Length < room && nl < 0)
        {
            return Copy(post, dest, Copy(source, dest, n));
        }

        int len = nl >= 0 ? nl : source.Length;
        if (len > room)
        {
            len = room;
        }

        return Copy(post, dest, Copy(dots, dest, Copy(source[..len], dest, n)));
    }

    private static int Copy(ReadOnlySpan<byte> from, Span<byte> dest, int at)
    {
        from.CopyTo(dest[at..]);
        return at + from.Length;
    }

    private static bool IsLatin1(string s)
    {
        foreach (char ch in s)
        {
            if (ch > '\u00FF')
            {
                return false;
            }
        }

        return true;
    }
}
