using MicroLua.Tests.Host;
using MicroLua.Tests.Library;

namespace MicroLua.Tests.Vm;

/// <summary>Behaviour found wrong by the official suite once bytecode, hooks and the API came together.</summary>
public sealed class IntegrationRegressionTests
{
    [Fact]
    public void MethodCall_WithMoreThan255Constants_NamesTheMethod()
    {
        // Past 255 constants SELF takes its key from a register loaded by LOADK; the message
        // still names the method (errors.lua).
        var code = new System.Text.StringBuilder();
        for (int i = 1; i <= 300; i++)
        {
            code.Append("aaa = x").Append(i).Append("; ");
        }

        code.Append("local t = {}; t:bbb()");
        string program = code.ToString();
        string output = LuaRun.Output($"print(select(2, pcall(load({Quote(program)}))))");
        Assert.Contains("attempt to call a nil value (method 'bbb')", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Loadfile_BinaryChunkAfterFirstLineComment_Loads()
    {
        using var h = new HostTestState();
        h.Lua.DoString("""
            local name = DIR .. '/bin.mlu'
            local f = io.open(name, 'wb')
            f:write('#a comment line\n', string.dump(function() return 20, '\0\0\0' end))
            f:close()
            local a, b, c = assert(loadfile(name))()
            print(a, #b, c)
            """);
        Assert.Equal("20\t3\tnil\n", h.Output);
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
