using System.Text;
using MicroLua.Compiler;

namespace MicroLua.Api.Tests;

public sealed class HostCallbackTests
{
    [Fact]
    public void Output_ReceivesPrintAndWarnings_WithKind()
    {
        var parts = new List<(string Text, LuaOutputKind Kind)>();
        using var lua = new LuaState(new LuaOptions
        {
            Compiler = LuaCompiler.Instance,
            Output = (bytes, kind) => parts.Add((Encoding.UTF8.GetString(bytes), kind)),
        });
        lua.DoString("print('hi', 1, 2.5) warn('@on') warn('careful')");
        Assert.Equal("hi\t1\t2.5\n", string.Concat(parts.Where(p => p.Kind == LuaOutputKind.Standard).Select(p => p.Text)));
        Assert.Equal("Lua warning: careful\n", string.Concat(parts.Where(p => p.Kind == LuaOutputKind.Warning).Select(p => p.Text)));
    }

    [Fact]
    public void Output_CanBeChangedLater()
    {
        using var lua = new Lua();
        var sb = new StringBuilder();
        lua.State.Output = (bytes, _) => sb.Append(Encoding.UTF8.GetString(bytes));
        lua.Do("print('later')");
        Assert.Equal("later\n", sb.ToString());
        Assert.Equal("", lua.Output);
    }

    [Fact]
    public void Require_MapsNamesToSourceOrValue()
    {
        var asked = new List<string>();
        using var lua = new Lua(new LuaOptions
        {
            Require = name =>
            {
                asked.Add(name);
                return name switch
                {
                    "util" => new LuaModuleSource(Encoding.UTF8.GetBytes("local M = {} function M.twice(x) return 2 * x end return M"), "@util.lua"),
                    "answer" => LuaModuleSource.FromValue(42),
                    "broken" => new LuaModuleSource("return +"u8.ToArray(), "@broken.lua"),
                    _ => null,
                };
            },
        });
        Assert.Equal(14L, lua.Eval("require('util').twice(7)").ToInteger());
        Assert.Equal(42L, lua.Eval("require('answer')").ToInteger());
        Assert.True(lua.Eval("require('util') == require('util')").ToBoolean());
        Assert.Equal(["util", "answer"], asked);
        var missing = Assert.Throws<LuaException>(() => lua.Do("require('nothere')"));
        Assert.Contains("module 'nothere' not found", missing.Message, StringComparison.Ordinal);
        Assert.Contains("no module 'nothere' in the host's require handler", missing.Message, StringComparison.Ordinal);
        var broken = Assert.Throws<LuaException>(() => lua.Do("require('broken')"));
        Assert.Contains("error loading module 'broken'", broken.Message, StringComparison.Ordinal);
    }
}
