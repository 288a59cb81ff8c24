// Expected outputs were produced by lua5.4 (chunk name "=t").
namespace MicroLua.Tests.Library;

public sealed partial class Utf8LibraryTests
{
    [Theory]
    [InlineData("print(utf8.char(72, 233, 8364, 128512), utf8.char() == '') print(utf8.char(0), utf8.char(0x7F), utf8.char(0x80), utf8.char(0x7FF), utf8.char(0x800), utf8.char(0xFFFF), utf8.char(0x10000), utf8.char(0x10FFFF), utf8.char(0x110000), utf8.char(0x7FFFFFFF), utf8.char(0x3FFFFFF), utf8.char(0x4000000), utf8.char('65'))", "H\u00c3\u00a9\u00e2\u0082\u00ac\u00f0\u009f\u0098\u0080\ttrue\n\u0000\t\u007f\t\u00c2\u0080\t\u00df\u00bf\t\u00e0\u00a0\u0080\t\u00ef\u00bf\u00bf\t\u00f0\u0090\u0080\u0080\t\u00f4\u008f\u00bf\u00bf\t\u00f4\u0090\u0080\u0080\t\u00fd\u00bf\u00bf\u00bf\u00bf\u00bf\t\u00fb\u00bf\u00bf\u00bf\u00bf\t\u00fc\u0084\u0080\u0080\u0080\u0080\tA\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.char(-1) return x end)", "false\tt:2: bad argument #1 to 'char' (value out of range)\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.char(65, 0x80000000) return x end)", "false\tt:2: bad argument #2 to 'char' (value out of range)\n")]
    public void Char_CodePoints_EncodesUtf8(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("print(utf8.charpattern == '[\\0-\\x7F\\xC2-\\xFD][\\x80-\\xBF]*', #utf8.charpattern)", "true\t14\n")]
    public void CharPattern_Value_MatchesLua(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("local s = 'h\\u{E9}\\u{20AC}\\u{1F600}!' print(utf8.len(s), utf8.len(''), utf8.len('abc'), utf8.len(s, 2), utf8.len(s, -5), utf8.len(s, 1, 1))", "5\t0\t3\t4\t2\t1\n")]
    [InlineData("print(utf8.len('ab\\xffcd')) print(utf8.len('\\x80')) print(utf8.len('a\\xE2\\x82')) print(utf8.len('\\xC3')) print(utf8.len('ok\\xC3\\xA9\\xC3')) print(utf8.len('h\\u{E9}', 3))", "nil\t3\nnil\t1\nnil\t2\nnil\t1\nnil\t5\nnil\t3\n")]
    [InlineData("print(utf8.len('\\xed\\xa0\\x80')) print(utf8.len('\\xed\\xa0\\x80', 1, -1, true)) print(utf8.len('\\xf4\\x90\\x80\\x80')) print(utf8.len('\\xf4\\x90\\x80\\x80', 1, -1, true)) print(utf8.len('\\xc0\\x80', 1, -1, true)) print(utf8.len('\\u{7FFFFFFF}', 1, -1, true))", "nil\t1\n1\nnil\t1\n1\nnil\t1\n1\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.len('abc', 5) return x end)", "false\tt:2: bad argument #2 to 'len' (initial position out of bounds)\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.len('abc', 1, 4) return x end)", "false\tt:2: bad argument #3 to 'len' (final position out of bounds)\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.len('abc', 0) return x end)", "false\tt:2: bad argument #2 to 'len' (initial position out of bounds)\n")]
    public void Len_Strings_CountsCharacters(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("local s = 'h\\u{E9}\\u{20AC}\\u{1F600}!' print(utf8.codepoint(s)) print(utf8.codepoint(s, 2)) print(utf8.codepoint(s, 1, -1)) print(select('#', utf8.codepoint('abc', 4, 3)))", "104\n233\n104\t233\t8364\t128512\t33\n0\n")]
    [InlineData("print(utf8.codepoint('\\xed\\xa0\\x80', 1, 1, true), utf8.codepoint('\\u{7FFFFFFF}', 1, 1, true))", "55296\t2147483647\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.codepoint('\\xff') return x end)", "false\tt:2: invalid UTF-8 code\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.codepoint('abc', 4) return x end)", "false\tt:2: bad argument #3 to 'codepoint' (out of bounds)\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.codepoint('abc', 0) return x end)", "false\tt:2: bad argument #2 to 'codepoint' (out of bounds)\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.codepoint('\\xed\\xa0\\x80') return x end)", "false\tt:2: invalid UTF-8 code\n")]
    public void CodePoint_Ranges_DecodesCharacters(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("local r = {} for p, c in utf8.codes('h\\u{E9}\\u{20AC}\\u{1F600}!') do r[#r + 1] = p .. ':' .. c end print(table.concat(r, ' '))", "1:104 2:233 4:8364 7:128512 11:33\n")]
    [InlineData("local r = {} for p, c in utf8.codes('a\\u{D7FF}\\xed\\xa0\\x80', true) do r[#r + 1] = p .. ':' .. c end print(table.concat(r, ' '))", "1:97 2:55295 5:55296\n")]
    [InlineData("for p, c in utf8.codes('') do print(p, c) end print('empty')", "empty\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() for p, c in utf8.codes('a\\xffb') do end end)", "false\tt:2: invalid UTF-8 code\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() for p, c in utf8.codes('\\xed\\xa0\\x80') do end end)", "false\tt:2: invalid UTF-8 code\n")]
    public void Codes_Strings_IteratesCharacters(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    [Theory]
    [InlineData("local s = 'h\\u{E9}\\u{20AC}\\u{1F600}!' print(utf8.offset(s, 1), utf8.offset(s, 2), utf8.offset(s, 3), utf8.offset(s, 4), utf8.offset(s, 5), utf8.offset(s, 6), utf8.offset(s, 7))", "1\t2\t4\t7\t11\t12\tnil\n")]
    [InlineData("local s = 'h\\u{E9}\\u{20AC}\\u{1F600}!' print(utf8.offset(s, -1), utf8.offset(s, -2), utf8.offset(s, -5), utf8.offset(s, -6), utf8.offset(s, 1, 4), utf8.offset(s, 2, 4))", "11\t7\t1\tnil\t4\t7\n")]
    [InlineData("local s = 'h\\u{E9}\\u{20AC}\\u{1F600}!' print(utf8.offset(s, 0, 5), utf8.offset(s, 0, 6), utf8.offset(s, 0, 1), utf8.offset(s, 0, 12), utf8.offset('', 1), utf8.offset('', -1))", "4\t4\t1\t12\t1\tnil\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.offset('h\\u{E9}', 1, 3) return x end)", "false\tt:2: initial position is a continuation byte\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.offset('abc', 1, 5) return x end)", "false\tt:2: bad argument #3 to 'offset' (position out of bounds)\n")]
    [InlineData("local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.offset('abc', 1, 0) return x end)", "false\tt:2: bad argument #3 to 'offset' (position out of bounds)\n")]
    public void Offset_Positions_FindsCharacterStarts(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code));

    public static TheoryData<string, string> AllCases => new()
    {
        { "print(utf8.char(72, 233, 8364, 128512), utf8.char() == '') print(utf8.char(0), utf8.char(0x7F), utf8.char(0x80), utf8.char(0x7FF), utf8.char(0x800), utf8.char(0xFFFF), utf8.char(0x10000), utf8.char(0x10FFFF), utf8.char(0x110000), utf8.char(0x7FFFFFFF), utf8.char(0x3FFFFFF), utf8.char(0x4000000), utf8.char('65'))", "H\u00c3\u00a9\u00e2\u0082\u00ac\u00f0\u009f\u0098\u0080\ttrue\n\u0000\t\u007f\t\u00c2\u0080\t\u00df\u00bf\t\u00e0\u00a0\u0080\t\u00ef\u00bf\u00bf\t\u00f0\u0090\u0080\u0080\t\u00f4\u008f\u00bf\u00bf\t\u00f4\u0090\u0080\u0080\t\u00fd\u00bf\u00bf\u00bf\u00bf\u00bf\t\u00fb\u00bf\u00bf\u00bf\u00bf\t\u00fc\u0084\u0080\u0080\u0080\u0080\tA\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.char(-1) return x end)", "false\tt:2: bad argument #1 to 'char' (value out of range)\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.char(65, 0x80000000) return x end)", "false\tt:2: bad argument #2 to 'char' (value out of range)\n" },
        { "print(utf8.charpattern == '[\\0-\\x7F\\xC2-\\xFD][\\x80-\\xBF]*', #utf8.charpattern)", "true\t14\n" },
        { "local s = 'h\\u{E9}\\u{20AC}\\u{1F600}!' print(utf8.len(s), utf8.len(''), utf8.len('abc'), utf8.len(s, 2), utf8.len(s, -5), utf8.len(s, 1, 1))", "5\t0\t3\t4\t2\t1\n" },
        { "print(utf8.len('ab\\xffcd')) print(utf8.len('\\x80')) print(utf8.len('a\\xE2\\x82')) print(utf8.len('\\xC3')) print(utf8.len('ok\\xC3\\xA9\\xC3')) print(utf8.len('h\\u{E9}', 3))", "nil\t3\nnil\t1\nnil\t2\nnil\t1\nnil\t5\nnil\t3\n" },
        { "print(utf8.len('\\xed\\xa0\\x80')) print(utf8.len('\\xed\\xa0\\x80', 1, -1, true)) print(utf8.len('\\xf4\\x90\\x80\\x80')) print(utf8.len('\\xf4\\x90\\x80\\x80', 1, -1, true)) print(utf8.len('\\xc0\\x80', 1, -1, true)) print(utf8.len('\\u{7FFFFFFF}', 1, -1, true))", "nil\t1\n1\nnil\t1\n1\nnil\t1\n1\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.len('abc', 5) return x end)", "false\tt:2: bad argument #2 to 'len' (initial position out of bounds)\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.len('abc', 1, 4) return x end)", "false\tt:2: bad argument #3 to 'len' (final position out of bounds)\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.len('abc', 0) return x end)", "false\tt:2: bad argument #2 to 'len' (initial position out of bounds)\n" },
        { "local s = 'h\\u{E9}\\u{20AC}\\u{1F600}!' print(utf8.codepoint(s)) print(utf8.codepoint(s, 2)) print(utf8.codepoint(s, 1, -1)) print(select('#', utf8.codepoint('abc', 4, 3)))", "104\n233\n104\t233\t8364\t128512\t33\n0\n" },
        { "print(utf8.codepoint('\\xed\\xa0\\x80', 1, 1, true), utf8.codepoint('\\u{7FFFFFFF}', 1, 1, true))", "55296\t2147483647\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.codepoint('\\xff') return x end)", "false\tt:2: invalid UTF-8 code\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.codepoint('abc', 4) return x end)", "false\tt:2: bad argument #3 to 'codepoint' (out of bounds)\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.codepoint('abc', 0) return x end)", "false\tt:2: bad argument #2 to 'codepoint' (out of bounds)\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.codepoint('\\xed\\xa0\\x80') return x end)", "false\tt:2: invalid UTF-8 code\n" },
        { "local r = {} for p, c in utf8.codes('h\\u{E9}\\u{20AC}\\u{1F600}!') do r[#r + 1] = p .. ':' .. c end print(table.concat(r, ' '))", "1:104 2:233 4:8364 7:128512 11:33\n" },
        { "local r = {} for p, c in utf8.codes('a\\u{D7FF}\\xed\\xa0\\x80', true) do r[#r + 1] = p .. ':' .. c end print(table.concat(r, ' '))", "1:97 2:55295 5:55296\n" },
        { "for p, c in utf8.codes('') do print(p, c) end print('empty')", "empty\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() for p, c in utf8.codes('a\\xffb') do end end)", "false\tt:2: invalid UTF-8 code\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() for p, c in utf8.codes('\\xed\\xa0\\x80') do end end)", "false\tt:2: invalid UTF-8 code\n" },
        { "local s = 'h\\u{E9}\\u{20AC}\\u{1F600}!' print(utf8.offset(s, 1), utf8.offset(s, 2), utf8.offset(s, 3), utf8.offset(s, 4), utf8.offset(s, 5), utf8.offset(s, 6), utf8.offset(s, 7))", "1\t2\t4\t7\t11\t12\tnil\n" },
        { "local s = 'h\\u{E9}\\u{20AC}\\u{1F600}!' print(utf8.offset(s, -1), utf8.offset(s, -2), utf8.offset(s, -5), utf8.offset(s, -6), utf8.offset(s, 1, 4), utf8.offset(s, 2, 4))", "11\t7\t1\tnil\t4\t7\n" },
        { "local s = 'h\\u{E9}\\u{20AC}\\u{1F600}!' print(utf8.offset(s, 0, 5), utf8.offset(s, 0, 6), utf8.offset(s, 0, 1), utf8.offset(s, 0, 12), utf8.offset('', 1), utf8.offset('', -1))", "4\t4\t1\t12\t1\tnil\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.offset('h\\u{E9}', 1, 3) return x end)", "false\tt:2: initial position is a continuation byte\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.offset('abc', 1, 5) return x end)", "false\tt:2: bad argument #3 to 'offset' (position out of bounds)\n" },
        { "local function e(f, ...) local ok, m = pcall(f, ...) print(ok, m) end\ne(function() local x = utf8.offset('abc', 1, 0) return x end)", "false\tt:2: bad argument #3 to 'offset' (position out of bounds)\n" },
    };

    [Theory]
    [MemberData(nameof(AllCases))]
    public void AllCases_UnderGcStress_SameOutput(string code, string expected) => Assert.Equal(expected, LuaRun.Output(code, gcStress: true));
}
