namespace MicroLua.Api.Tests;

/// <summary>
/// Library functions in steady state allocate nothing on the managed heap: their results live
/// in the Lua heap. Each case runs a loop of calls once to warm up, then again measured.
/// Not here yet, because they still allocate (bytes per call, measured 2026-12-02):
/// coroutine.create 576, an error raised and caught 496-584 (1,024 for a library's argument error).
/// (table.concat 128, string.gsub 32, string.format's %f 144, string.pack 120 and string.unpack
/// 128 were fixed the same day: a rented builder, the replacement read in place, 128-bit digits,
/// struct error builders instead of closures.)
/// </summary>
public sealed class LibraryAllocationTests
{
    public static TheoryData<string> Calls() => new()
    {
        "string.upper('hello world')",
        "string.lower('HELLO WORLD')",
        "string.upper(long)",
        "string.rep('ab', 10)",
        "string.rep('ab', 10, ',')",
        "string.rep('abc', 100)",
        "string.reverse('hello')",
        "string.sub(long, 5, 20)",
        "string.len(long)",
        "string.byte('abc', 2)",
        "string.find(long, 'xyz', 1, true)",
        "string.find(long, 'b+c')",
        "string.match('key=value', '(%w+)=(%w+)')",
        "tostring(12)",
        "tonumber('0x10')",
        "math.floor(3.5)",
        "math.max(1, 2, 3)",
        "select('#', 1, 2, 3)",
        "type(long)",
        "rawlen(t)",
        "rawget(t, 1)",
        "next(t)",
        "ipairs(t)",
        "#t",
        "string.char(104, 105)",
        "string.format('%d %s', 1, 'x')",
        "utf8.char(72, 228)",
        "math.random(1, 10)",
        "tostring(1.5)",
        "('x'):rep(3)",
        "setmetatable({}, mt)",
        "table.unpack(t)",
        "table.insert(t, 1) table.remove(t)",
        "table.concat(t, ',')",
        "table.concat(t)",
        "string.gsub('hello world', 'o', '0')",
        "string.gsub('hello world', '(o)', '%1%1')",
        "string.format('%f', 1.5)",
        "string.format('%5.2f', 1.5)",
        "string.format('%e %g %a', 1.5, 2.5, 3.5)",
        "string.pack('i4', 7)",
        "string.unpack('i4', packed)",
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public void LibraryCall_InALoop_AllocatesNothing(string call)
    {
        using var lua = new Lua();
        using LuaFunction loop = lua.State.Load(
            $"local n = ... local long, t, mt, packed = string.rep('abcdefgh', 20), {{1, 2, 3}}, {{}}, '\\7\\0\\0\\0' for i = 1, n do local _ = {call} end",
            "=loop");
        loop.Invoke(20_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        loop.Invoke(20_000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
