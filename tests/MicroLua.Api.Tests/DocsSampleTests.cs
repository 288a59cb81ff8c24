using MicroLua.Compiler;

namespace MicroLua.Api.Tests;

/// <summary>The first example of docs/embedding.md and the README, as written there.</summary>
public sealed class DocsSampleTests
{
    [Fact]
    public void FirstScript_RunsAsDocumented()
    {
        using var lua = new LuaState(new LuaOptions { Compiler = LuaCompiler.Instance });
        lua.Register("greet", call => call.Return("hello, " + call.CheckString(1)));
        LuaValue[] results = lua.DoString("return greet('world'), 6 * 7");
        Assert.Equal("hello, world", results[0].ToString());
        Assert.Equal(42, results[1].ToInteger());
    }

    [Fact]
    public void CoroutineExample_RunsAsDocumented()
    {
        using var lua = new LuaState(new LuaOptions { Compiler = LuaCompiler.Instance });
        using LuaFunction body = lua.DoString("return function(a) local b = coroutine.yield(a * 2) return b end")[0].AsFunction();
        using LuaCoroutine co = lua.CreateCoroutine(body);
        Assert.Equal(42, co.Resume(21)[0].ToInteger());
        Assert.Equal(LuaCoroutineStatus.Suspended, co.Status);
        Assert.Equal("done", co.Resume("done")[0].ToString());
        Assert.Equal(LuaCoroutineStatus.Dead, co.Status);
    }
}
