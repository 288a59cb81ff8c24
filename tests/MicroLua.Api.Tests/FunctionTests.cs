namespace MicroLua.Api.Tests;

public sealed class FunctionTests
{
    [Fact]
    public void LuaFunction_CallFromHost_ReturnsResults()
    {
        using var lua = new Lua();
        lua.Do("function add(a, b, c) return a + b + c, 'sum' end");
        using LuaFunction add = lua.State["add"].AsFunction();
        Assert.Equal(6L, add.Invoke(1, 2, 3).ToInteger());
        LuaValue[] all = add.Call(1, 2, 3.5);
        Assert.Equal(6.5, all[0].ToNumber());
        Assert.Equal("sum", all[1].ToString());
        var three = new LuaValue[3];
        Assert.Equal(2, add.Call([1, 1, 1], three));
        Assert.True(three[2].IsNil);
    }

    [Fact]
    public void Load_CompilesWithoutRunning_ChunkNameInMessages()
    {
        using var lua = new Lua();
        using LuaFunction f = lua.State.Load("local x = ... ; if x then error('boom') end return 'ok'", "=mychunk");
        Assert.Equal("ok", f.Invoke().ToString());
        var e = Assert.Throws<LuaException>(() => f.Invoke(true));
        Assert.Equal("mychunk:1: boom", e.Message);
    }

    [Fact]
    public void Load_SyntaxError_IsLuaException()
    {
        using var lua = new Lua();
        var e = Assert.Throws<LuaException>(() => lua.State.Load("x = = 1", "=bad"));
        Assert.StartsWith("bad:1:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DoBuffer_DetectsBinaryFromFirstByte()
    {
        using var lua = new Lua();
        byte[] source = "return 5"u8.ToArray();
        Assert.Equal(5L, lua.State.DoBuffer(source, "=src")[0].ToInteger());
        // 0x1B starts a binary chunk: it goes to the binary loader, not the compiler.
        var e = Assert.Throws<LuaException>(() => lua.State.DoBuffer([0x1B, (byte)'L', (byte)'u', (byte)'a'], "=bin"));
        Assert.Contains("binary", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("binary chunks are disabled", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HostFunction_Register_CalledFromLua()
    {
        using var lua = new Lua();
        lua.State.Register("hypot", c => c.Return(Math.Sqrt((c.CheckNumber(1) * c.CheckNumber(1)) + (c.CheckNumber(2) * c.CheckNumber(2)))));
        lua.State.Register("greet", c => c.Return("hello, " + c.OptString(1, "world")));
        lua.State.Register("pair", c =>
        {
            c.Push(c.ArgumentCount);
            c.Push(c.TypeOf(1).ToString());
            return 2;
        });
        Assert.Equal(5.0, lua.Eval("hypot(3, 4)").ToNumber());
        Assert.Equal("hello, world hello, lua", lua.Eval("greet() .. ' ' .. greet('lua')").ToString());
        Assert.Equal("2 Table", lua.Eval("(function() local n, t = pair({}, 1) return n .. ' ' .. t end)()").ToString());
    }

    [Theory]
    [InlineData("f()", "test:1: bad argument #1 to 'f' (number expected, got no value)")]
    [InlineData("f(nil)", "test:1: bad argument #1 to 'f' (number expected, got nil)")]
    [InlineData("f('x')", "test:1: bad argument #1 to 'f' (number expected, got string)")]
    [InlineData("f(1.5)", "test:1: bad argument #1 to 'f' (number has no integer representation)")]
    [InlineData("f(1, {})", "test:1: bad argument #2 to 'f' (string expected, got table)")]
    [InlineData("f(1, 's', 3)", "test:1: bad argument #3 to 'f' (positive expected)")]
    public void HostFunction_ArgumentChecks_UseLuaMessages(string call, string expected)
    {
        using var lua = new Lua();
        lua.State.Register("f", c =>
        {
            c.CheckInteger(1);
            c.OptString(2, null);
            if (c.ArgumentCount >= 3)
            {
                throw c.ArgumentError(3, "positive expected");
            }

            return 0;
        });
        var e = Assert.Throws<LuaException>(() => lua.Do(call));
        Assert.Equal(expected, e.Message);
    }

    [Fact]
    public void RegisterLibrary_IsGlobalAndRequirable()
    {
        using var lua = new Lua();
        lua.State.RegisterLibrary("vec", new Dictionary<string, LuaCallback>
        {
            ["dot"] = c => c.Return((c.CheckNumber(1) * c.CheckNumber(3)) + (c.CheckNumber(2) * c.CheckNumber(4))),
            ["zero"] = c => c.Return(0),
        });
        Assert.Equal(11.0, lua.Eval("vec.dot(1, 2, 3, 4)").ToNumber());
        Assert.True(lua.Eval("require('vec') == vec").ToBoolean());
        var e = Assert.Throws<LuaException>(() => lua.Do("vec.dot()"));
        Assert.Equal("test:1: bad argument #1 to 'dot' (number expected, got no value)", e.Message);
    }

    [Fact]
    public void HostFunction_CallsBackIntoLua()
    {
        using var lua = new Lua();
        lua.State.Register("apply", c =>
        {
            using LuaFunction f = c.CheckFunction(1);
            return c.Return(f.Invoke(c.CheckNumber(2)));
        });
        Assert.Equal(49L, lua.Eval("apply(function(x) return x * x end, 7)").ToInteger());
    }

    [Fact]
    public void CreateFunction_IsAValueToStore()
    {
        using var lua = new Lua();
        using LuaFunction twice = lua.State.CreateFunction("twice", c => c.Return(c.CheckInteger(1) * 2));
        using LuaTableRef t = lua.State.CreateTable();
        t["twice"] = twice;
        lua.State["m"] = t;
        Assert.Equal(10L, lua.Eval("m.twice(5)").ToInteger());
        Assert.Equal(8L, twice.Invoke(4).ToInteger());
    }
}
