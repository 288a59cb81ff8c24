namespace MicroLua.Cli;

/// <summary>
/// <c>mlua --snapshot app.img init.lua</c> runs init.lua and writes the state as an image;
/// <c>mlua --image app.img main.lua</c> starts from the image and runs main.lua. The image holds
/// what the runtime's libraries and init.lua made; MicroLua.Host's io and os libraries keep
/// open files and per-process options, which an image cannot carry, so init.lua runs without
/// them and they are opened on the state booted from the image.
/// </summary>
internal static partial class Program
{
    /// <summary>--snapshot: runs the script (without the host libraries) and writes the image.</summary>
    private static int WriteImage(LuaOptions options, string[] args, int script, string image)
    {
        using var lua = new LuaState(options);
        CreateArgTable(lua, args, script);
        if (!RunFile(lua, args[script] == "-" ? null : args[script], args[(script + 1)..]))
        {
            return 1;
        }

        try
        {
            File.WriteAllBytes(image, lua.Snapshot().ToImage());
            return 0;
        }
        catch (InvalidOperationException e)
        {
            WriteError($"{ProgName}: cannot snapshot the state: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError($"{ProgName}: cannot write {image}");
        }

        return 1;
    }

    /// <summary>--image: the state the image holds (verified), or null after reporting why not.</summary>
    private static LuaState? BootImage(string image, LuaOptions options)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(image);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError($"{ProgName}: cannot open {image}");
            return null;
        }

        try
        {
            return LuaState.FromSnapshot(LuaSnapshot.ReadImage(bytes), options);
        }
        catch (InvalidDataException e)
        {
            WriteError($"{ProgName}: {image}: {e.Message}");
            return null;
        }
    }
}
