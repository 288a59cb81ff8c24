using System.Diagnostics.CodeAnalysis;
using MicroLua.Core;

namespace MicroLua.Cli;

/// <summary>
/// How mlua reports what ends a chunk, as lua.c's report and msghandler: a Lua error as its
/// message and traceback on stderr; an error value with a __tostring metamethod as the text
/// that gives (and no traceback); a spent instruction budget and Ctrl-C in words of their own.
/// </summary>
internal static class ErrorReport
{
    /// <summary>Runs <paramref name="run"/>; reports what stopped it after <paramref name="prefix"/> ("mlua: ", or nothing in the REPL) and returns false.</summary>
    public static bool Run(Action run, string prefix)
    {
        try
        {
            Interrupts.Run(run);
            return true;
        }
        catch (LuaException e)
        {
            Program.WriteError(prefix + Message(e));
        }
        catch (LuaBudgetExceededException)
        {
            Program.WriteError($"{prefix}instruction limit exceeded ({InstructionLimit} instructions)");
        }
        catch (OperationCanceledException)
        {
            Program.WriteError(prefix + "interrupted!");
        }

        return false;
    }

    /// <summary>
    /// Loads and runs a chunk with string arguments, as lua.c's dochunk: a chunk that does not
    /// load is reported by its message alone, an error while it runs with the traceback.
    /// </summary>
    public static bool RunChunk(LuaState lua, ReadOnlySpan<byte> chunk, string chunkName, string[] args, string prefix)
    {
        LuaFunction main;
        try
        {
            main = lua.Load(chunk, chunkName);
        }
        catch (LuaException e)
        {
            Program.WriteError(prefix + e.Message);
            return false;
        }

        using (main)
        {
            var values = new LuaValue[args.Length];
            for (int i = 0; i < args.Length; i++)
            {
                values[i] = args[i];
            }

            return Run(() => main.Call(values), prefix);
        }
    }

    /// <summary>The instruction limit named when it is spent (--instruction-limit).</summary>
    public static long? InstructionLimit { get; set; }

    /// <summary>An error's text as lua.c's msghandler makes it.</summary>
    private static string Message(LuaException e)
    {
        if (e.HasValue && TryToString(e.Value, out string? text))
        {
            return text;
        }

        return e.LuaTraceback != null ? e.Message + "\n" + e.LuaTraceback : e.Message;
    }

    /// <summary>The string a table's or userdata's __tostring metamethod (a raw field of its metatable) returns for it.</summary>
    private static bool TryToString(LuaValue value, [NotNullWhen(true)] out string? text)
    {
        text = null;
        LuaTableRef? mt = value.Reference switch
        {
            LuaTableRef t => t.Metatable,
            LuaUserdata u => u.Metatable,
            _ => null,
        };
        if (mt == null)
        {
            return false;
        }

        using (mt)
        {
            LuaValue f = mt.RawGet("__tostring");
            if (f.Type != LuaType.Function)
            {
                return false;
            }

            try
            {
                LuaValue[] r = f.AsFunction().Call(value);
                text = r.Length > 0 ? r[0].AsString() : null;
            }
            catch (LuaException)
            {
                return false; // lua.c's msghandler would report the error of the metamethod's call; the first error is kept
            }

            return text != null;
        }
    }
}
