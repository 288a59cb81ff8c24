namespace MicroLua.Bytecode;

/// <summary>
/// The display form of a chunk name in messages, as Lua's luaO_chunkid: "=name" shows name,
/// "@file" shows the file name (the end kept when too long), anything else is source text
/// shown as [string "first line..."].
/// </summary>
internal static class ChunkId
{
    /// <summary>Lua's LUA_IDSIZE: room for the display form, terminator included.</summary>
    public const int IdSize = 60;

    public static string Format(string source)
    {
        const int max = IdSize - 1;
        if (source.StartsWith('='))
        {
            string rest = source[1..];
            return rest.Length <= max ? rest : rest[..max];
        }

        if (source.StartsWith('@'))
        {
            string rest = source[1..];
            return rest.Length <= max ? rest : "..." + rest[^(max - 3)..];
        }

        int nl = source.IndexOfAny(['\n', '\r']);
        const string pre = "[string \"";
        const string pos = "\"]";
        const string dots = "...";
        int avail = max - pre.Length - dots.Length - pos.Length;
        if (source.Length <= avail && nl < 0)
        {
            return pre + source + pos;
        }

        int len = nl >= 0 ? nl : source.Length;
        if (len > avail)
        {
            len = avail;
        }

        return pre + source[..len] + dots + pos;
    }
}
