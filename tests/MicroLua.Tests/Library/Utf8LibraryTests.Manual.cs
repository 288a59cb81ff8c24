namespace MicroLua.Tests.Library;

/// <summary>Cases where lua5.4.4 has a bug fixed since; the expected output follows the manual (and Lua 5.4.6+).</summary>
public sealed partial class Utf8LibraryTests
{
    [Theory]
    [InlineData("print(pcall(function() local f = utf8.codes('\\x80') return f end))", "false\tt:1: bad argument #1 to 'codes' (invalid UTF-8 code)\n")]
    [InlineData("print(pcall(function() for p, c in utf8.codes('a\\x80') do end end))", "false\tt:1: invalid UTF-8 code\n")]
    [InlineData("print(pcall(function() for p, c in utf8.codes('\\xC3\\xA9\\xA9') do end end))", "false\tt:1: invalid UTF-8 code\n")]
    public void Codes_StrayContinuationByte_RaisesError(string code, string expected) =>
        Assert.Equal(expected, LuaRun.Output(code));
}
