using System.Text;
using MicroLua.Compiler;

namespace MicroLua.Tests.Library;

/// <summary>Runs a Lua snippet as chunk "=t" and returns what it printed (bytes as Latin-1 characters).</summary>
internal static class LuaRun
{
    public static string Output(string code, bool gcStress = false)
    {
        var output = new StringBuilder();
        using var lua = new LuaState(new LuaOptions
        {
            Compiler = LuaCompiler.Instance,
            Libraries = LuaLibraries.All, // the debug library's tests run through here
            GcStress = gcStress,
            Output = (bytes, kind) => output.Append(Encoding.Latin1.GetString(bytes)),
        });
        lua.DoString(code, "=t");
        return output.ToString();
    }
}
