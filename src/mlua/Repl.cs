using System.Text;
using MicroLua.Bytecode;
using MicroLua.Compiler;

namespace MicroLua.Cli;

/// <summary>
/// The interactive loop, as lua.c's: a line is first tried as an expression ("return line")
/// whose values are printed; a chunk that ends too early asks for more lines with ">>".
/// </summary>
internal static class Repl
{
    public static void Run(LuaState lua, Action<string> reportError)
    {
        while (true)
        {
            Console.Out.Write("> ");
            Console.Out.Flush();
            string? line = Console.In.ReadLine();
            if (line == null)
            {
                Console.Out.WriteLine();
                return;
            }

            string code = line;
            if (Compiles("return " + code, out _))
            {
                code = "return " + code;
            }
            else
            {
                while (!Compiles(code, out string? error) && error!.EndsWith("<eof>", StringComparison.Ordinal))
                {
                    Console.Out.Write(">> ");
                    Console.Out.Flush();
                    string? more = Console.In.ReadLine();
                    if (more == null)
                    {
                        break;
                    }

                    code += "\n" + more;
                }
            }

            try
            {
                LuaValue[] results = lua.DoString(code, "=stdin");
                if (results.Length > 0)
                {
                    var sb = new StringBuilder();
                    for (int i = 0; i < results.Length; i++)
                    {
                        if (i > 0)
                        {
                            sb.Append('\t');
                        }

                        sb.Append(results[i].ToString());
                    }

                    Console.Out.WriteLine(sb.ToString());
                }
            }
            catch (LuaException e)
            {
                reportError($"mlua: {e.Message}" + (e.LuaTraceback != null ? "\n" + e.LuaTraceback : ""));
            }
        }
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
