namespace MicroLua.Core;

/// <summary>
/// The display form of a chunk name in messages (Lua's luaO_chunkid): "=name" shows as
/// name, "@file" as file (cut at the front with "..." when long), anything else is source
/// text shown as <c>[string "first line..."]</c>. The result is at most
/// <see cref="IdSize"/> - 1 characters, as Lua's LUA_IDSIZE buffer allows.
/// </summary>
internal static class ChunkId
{
    /// <summary>Lua's LUA_IDSIZE: the buffer size for a chunk id, terminator included.</summary>
    public const int IdSize = 60;

    /// <summary>Returns the display form of <paramref name="source"/> (cut at a NUL character, as Lua's C strings are).</summary>
    public static string Format(string source)
    {
        const int bufLen = IdSize - 1;
        int nul = source.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0)
        {
            source = source.Substring(0, nul); // Lua sees chunk names as C strings
        }
        if (source.StartsWith('='))
        {
            string rest = source.Substring(1);
            return rest.Length <= bufLen ? rest : rest.Substring(0, bufLen);
        }
        if (source.StartsWith('@'))
        {
            string rest = source.Substring(1);
            if (rest.Length <= bufLen)
            {
                return rest;
            }
            return string.Concat("...", rest.AsSpan(rest.Length - (bufLen - 3)));
        }
        const string pre = "[string \"";
        const string post = "\"]";
        const string dots = "...";
        int nl = source.IndexOf('\n');
        int room = bufLen - (pre.Length + dots.Length + post.Length);
        if (source.Length < room && nl < 0)
        {
            return pre + source + post;
        }
        int len = nl >= 0 ? nl : source.Length;
        if (len > room)
        {
            len = room;
        }
        return string.Concat(pre, source.AsSpan(0, len), dots + post);
    }
}
