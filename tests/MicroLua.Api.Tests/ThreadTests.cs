namespace MicroLua.Api.Tests;

public sealed class ThreadTests
{
    private const string Script = """
        local t = {}
        for i = 1, 20000 do t[i] = string.format('%d:%s', i, ('x'):rep(i % 7)) end
        local s = 0
        for i, v in ipairs(t) do s = s + #v end
        local co = coroutine.wrap(function() for i = 1, 100 do coroutine.yield(i) end end)
        for i = 1, 100 do s = s + co() end
        collectgarbage()
        return s, host(s)
        """;

    private static (long, long) RunOne()
    {
        using var lua = new Lua();
        lua.State.Register("host", c => c.Return(c.CheckInteger(1) % 1000));
        LuaValue[] r = lua.Do(Script);
        return (r[0].ToInteger(), r[1].ToInteger());
    }

    [Fact]
    public void FourThreads_OwnStates_SameResults()
    {
        (long, long) expected = RunOne();
        var results = new (long, long)[4];
        var threads = new Thread[4];
        for (int i = 0; i < threads.Length; i++)
        {
            int k = i;
            threads[i] = new Thread(() =>
            {
                for (int rep = 0; rep < 5; rep++)
                {
                    results[k] = RunOne();
                }
            });
            threads[i].Start();
        }

        foreach (Thread t in threads)
        {
            t.Join();
        }

        Assert.All(results, r => Assert.Equal(expected, r));
    }
}
