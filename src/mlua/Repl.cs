using System.Text;
using MicroLua.Compiler;

namespace MicroLua.Cli;

/// <summary>
/// The interactive loop, as lua.c's doREPL: a line is first tried as an expression ("return
/// line", and "=expr" is "return expr") whose values are printed through the global print; a
/// chunk that ends too early asks for more lines with ">>" (the prompts are _PROMPT and
/// _PROMPT2 when those globals are strings). Errors are printed without the program name.
/// When both standard input and output are a terminal, lines are read by <see cref="LineEditor"/> (editing and history); otherwise
/// as plain lines.
/// </summary>
internal static class Repl
{
    public static void Run(LuaState lua, long? instructionLimit)
    {
        LineEditor? editor = Console.IsInputRedirected || Console.IsOutputRedirected ? null : new LineEditor();
        while (true)
        {
            string? line = ReadLine(lua, editor, true, out bool interrupted);
            if (line == null)
            {
                StandardStreams.Flush();
                Console.Out.WriteLine();
                return;
            }

            if (interrupted)
            {
                continue;
            }

            string code = line.StartsWith('=') ? "return " + line[1..] : line;
            if (Compiles("return " + code, out _))
            {
                code = "return " + code;
            }
            else
            {
                while (!Compiles(code, out string? error) && error!.EndsWith("<eof>", StringComparison.Ordinal))
                {
                    string? more = ReadLine(lua, editor, false, out interrupted);
                    if (more == null || interrupted)
                    {
                        break;
                    }

                    code += "\n" + more;
                }

                if (interrupted)
                {
                    continue;
                }
            }

            lua.InstructionBudget = instructionLimit; // each line gets the whole budget
            LuaFunction chunk;
            try
            {
                chunk = lua.Load(code, "=stdin");
            }
            catch (LuaException e)
            {
                Program.WriteError(e.Message);
                continue;
            }

            using (chunk)
            {
                ErrorReport.Run(() => RunLine(lua, chunk), "");
            }
        }
    }

    /// <summary>Runs a line's chunk and prints its results through the global print, as lua.c's l_print.</summary>
    private static void RunLine(LuaState lua, LuaFunction chunk)
    {
        LuaValue[] results = chunk.Call();
        try
        {
            if (results.Length == 0)
            {
                return;
            }

            LuaValue print = lua["print"];
            if (print.Type != LuaType.Function)
            {
                Program.WriteError("error calling 'print' (attempt to call a nil value)");
                return;
            }

            try
            {
                print.AsFunction().Call(results);
            }
            catch (LuaException e)
            {
                Program.WriteError($"error calling 'print' ({e.Message})");
            }
        }
        finally
        {
            foreach (LuaValue v in results)
            {
                v.Reference?.Dispose();
            }
        }
    }

    /// <summary>Shows the prompt (after what standard output holds) and reads a line; null at the end of input.</summary>
    private static string? ReadLine(LuaState lua, LineEditor? editor, bool first, out bool interrupted)
    {
        interrupted = false;
        string prompt = Prompt(lua, first);
        StandardStreams.Flush();
        if (editor != null)
        {
            return editor.ReadLine(prompt, out interrupted);
        }

        Console.Out.Write(prompt);
        Console.Out.Flush();
        return Console.In.ReadLine();
    }

    private static string Prompt(LuaState lua, bool first)
    {
        LuaValue p = lua[first ? "_PROMPT" : "_PROMPT2"];
        return p.AsString() ?? (first ? "> " : ">> ");
    }

    private static bool Compiles(string code, out string? error)
    {
        try
        {
            LuaCompiler.Instance.Compile(Encoding.UTF8.GetBytes(code), "=stdin");
            error = null;
            return true;
        }
        catch (LuaCompileException e)
        {
            error = e.Message;
            return false;
        }
    }
}
