using MicroLua.Tests.Library;

namespace MicroLua.Tests.Vm;

/// <summary>What debug.getinfo sees from handlers the VM calls: __close while an error unwinds to a pcall, __gc (expected outputs from lua5.4).</summary>
public sealed class UnwindingTests
{
    [Fact]
    public void CloseDuringErrorUnwinding_SeesPcallAsItsCaller()
    {
        const string code = """
            local Y, N
            local function foo()
              local x <close> = setmetatable({}, {__close = function() Y = debug.getinfo(2, "S").what; N = debug.traceback("tb", 1) end})
              error(43)
            end
            local co = coroutine.create(function() return pcall(foo) end)
            print(coroutine.resume(co))
            print(Y)
            print(N)
            """;
        Assert.Equal(
            "true\tfalse\t43\nC\ntb\nstack traceback:\n\tt:3: in function <t:3>\n\t[C]: in function 'pcall'\n\tt:6: in function <t:6>\n",
            LuaRun.Output(code));
    }

    [Fact]
    public void Finalizer_IsNamedMetamethodGc()
    {
        const string code = """
            local t
            setmetatable({}, {__gc = function () local i = debug.getinfo(1, "n") t = i.namewhat .. " " .. i.name end})
            collectgarbage()
            print(t)
            """;
        Assert.Equal("metamethod __gc\n", LuaRun.Output(code));
    }
}
