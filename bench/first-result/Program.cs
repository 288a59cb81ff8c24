using System.Diagnostics;
using MicroLua;
using MicroLua.Compiler;

// `baseline` prints a constant: the cost of starting .NET and this program, without MicroLua.
if (args.Length > 0 && args[0] == "baseline")
{
    Console.WriteLine("55");
    return;
}

const string Script = """
    local function fib(n)
      if n < 2 then return n end
      return fib(n - 1) + fib(n - 2)
    end
    local t = {}
    for i = 1, 10 do t[#t + 1] = fib(i) end
    local s = table.concat(t, ",")
    assert(#s > 0)
    return t[10]
    """;

long start = Stopwatch.GetTimestamp();
using var lua = new LuaState(new LuaOptions { Compiler = LuaCompiler.Instance });
TimeSpan made = Stopwatch.GetElapsedTime(start);
LuaValue[] result = lua.DoString(Script, "=first");
Console.WriteLine(result[0]);
if (args.Length > 0 && args[0] == "time")
{
    Console.Error.WriteLine($"in-process {Stopwatch.GetElapsedTime(start).TotalMilliseconds:F1} ms (state made after {made.TotalMilliseconds:F1} ms)");
}
