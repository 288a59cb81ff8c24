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
    public void YieldExample_RunsAsDocumented()
    {
        using var lua = new LuaState(new LuaOptions { Compiler = LuaCompiler.Instance });
        lua.Register("ask", call =>
        {
            string question = call.CheckString(1);
            return call.Yield(resumed => resumed.Return("answer: " + resumed.CheckString(1)), question);
        });
        LuaValue[] r = lua.DoString("local co = coroutine.wrap(function() return ask('name?') end) return co(), co('Ada')");
        Assert.Equal("name?", r[0].ToString());
        Assert.Equal("answer: Ada", r[1].ToString());
    }

    /// <summary>The fetch example, with an HttpClient whose handler answers in memory.</summary>
    [Fact]
    public async Task FetchExample_RunsAsDocumented()
    {
        using var lua = new LuaState(new LuaOptions { Compiler = LuaCompiler.Instance });
        using var http = new HttpClient(new InMemoryHandler());
        lua.RegisterAsyncFunction("fetch", async call =>
        {
            string url = call.CheckString(1);
            using HttpResponseMessage response = await http.GetAsync(url, call.CancellationToken);
            string body = await response.Content.ReadAsStringAsync(call.CancellationToken);
            call.Push((long)response.StatusCode);
            call.Push(body);
            return 2;
        });
        using var cts = new CancellationTokenSource();
        LuaValue[] r = await lua.DoStringAsync("""
            local status, body = fetch("https://example.org/items/1")
            if status ~= 200 then error("fetch failed: " .. status) end
            local ok, other = pcall(fetch, "https://example.org/items/2")   -- one after the other
            return #body, ok
            """, "=items", cts.Token);
        Assert.Equal("item /items/1".Length, r[0].ToInteger());
        Assert.True(r[1].ToBoolean());
    }

    private sealed class InMemoryHandler : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(1, cancellationToken);
            return new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent("item " + request.RequestUri!.AbsolutePath) };
        }
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
