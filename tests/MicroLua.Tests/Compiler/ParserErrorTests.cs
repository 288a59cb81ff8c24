using static MicroLua.Tests.Compiler.CompilerTestHelpers;

namespace MicroLua.Tests.Compiler;

/// <summary>Syntax and semantic error messages, each compared with the text lua5.4 gives for <c>load(source)</c>.</summary>
public sealed class ParserErrorTests
{
    [Theory]
    [InlineData("x = = 1",
        "[string \"x = = 1\"]:1: unexpected symbol near '='")]
    [InlineData("local a <foo> = 1",
        "[string \"local a <foo> = 1\"]:1: unknown attribute 'foo'")]
    [InlineData("local a <close>, b <close> = 1",
        "[string \"local a <close>, b <close> = 1\"]:1: multiple to-be-closed variables in local list")]
    [InlineData("local a <const> = 1; a = 2",
        "[string \"local a <const> = 1; a = 2\"]:1: attempt to assign to const variable 'a'")]
    [InlineData("goto x",
        "[string \"goto x\"]:1: no visible label 'x' for <goto> at line 1")]
    [InlineData("::x:: ::x::",
        "[string \"::x:: ::x::\"]:1: label 'x' already defined on line 1")]
    [InlineData("do goto x; local a; ::x:: print(a) end",
        "[string \"do goto x; local a; ::x:: print(a) end\"]:1: <goto x> at line 1 jumps into the scope of local 'a'")]
    [InlineData("x = '\\q'",
        "[string \"x = '\\q'\"]:1: invalid escape sequence near ''\\q'")]
    [InlineData("x = '\\300'",
        "[string \"x = '\\300'\"]:1: decimal escape too large near ''\\300''")]
    [InlineData("x = '\\u{80000000}'",
        "[string \"x = '\\u{80000000}'\"]:1: UTF-8 value too large near ''\\u{80000000'")]
    [InlineData("x = '\\u123'",
        "[string \"x = '\\u123'\"]:1: missing '{' near ''\\u1'")]
    [InlineData("x = 3x",
        "[string \"x = 3x\"]:1: malformed number near '3x'")]
    [InlineData("x = \"abc",
        "[string \"x = \"abc\"]:1: unfinished string near <eof>")]
    [InlineData("x = [[abc",
        "[string \"x = [[abc\"]:1: unfinished long string (starting at line 1) near <eof>")]
    [InlineData("--[[abc",
        "[string \"--[[abc\"]:1: unfinished long comment (starting at line 1) near <eof>")]
    [InlineData("x = [=abc",
        "[string \"x = [=abc\"]:1: invalid long string delimiter near '[='")]
    [InlineData("function f(...) end; function g() return ... end",
        "[string \"function f(...) end; function g() return ... ...\"]:1: cannot use '...' outside a vararg function near '...'")]
    [InlineData("function f()\n\n x = 1\n",
        "[string \"function f()...\"]:4: 'end' expected (to close 'function' at line 1) near <eof>")]
    [InlineData("local x y",
        "[string \"local x y\"]:1: syntax error near <eof>")]
    [InlineData("local 1",
        "[string \"local 1\"]:1: <name> expected near '1'")]
    [InlineData("x = '\\xZZ'",
        "[string \"x = '\\xZZ'\"]:1: hexadecimal digit expected near ''\\xZ'")]
    [InlineData("x = '\\u{zz}'",
        "[string \"x = '\\u{zz}'\"]:1: hexadecimal digit expected near ''\\u{z'")]
    [InlineData("x = '\\u{12'",
        "[string \"x = '\\u{12'\"]:1: missing '}' near ''\\u{12''")]
    [InlineData("for i=1 do end",
        "[string \"for i=1 do end\"]:1: ',' expected near 'do'")]
    [InlineData("break",
        "[string \"break\"]:1: break outside loop at line 1")]
    [InlineData("x = 1 .. ",
        "[string \"x = 1 .. \"]:1: unexpected symbol near <eof>")]
    [InlineData("x = }",
        "[string \"x = }\"]:1: unexpected symbol near '}'")]
    [InlineData("f() = 1",
        "[string \"f() = 1\"]:1: syntax error near '='")]
    [InlineData("x.y:z = 1",
        "[string \"x.y:z = 1\"]:1: function arguments expected near '='")]
    [InlineData("return return",
        "[string \"return return\"]:1: unexpected symbol near 'return'")]
    [InlineData("local t = {} t.x",
        "[string \"local t = {} t.x\"]:1: syntax error near <eof>")]
    [InlineData("x = 0x",
        "[string \"x = 0x\"]:1: malformed number near '0x'")]
    [InlineData("x = 1e",
        "[string \"x = 1e\"]:1: malformed number near '1e'")]
    [InlineData("x = '\n'",
        "[string \"x = '...\"]:1: unfinished string near '''")]
    [InlineData("x = 'a\\\n\\\r\nb",
        "[string \"x = 'a\\...\"]:3: unfinished string near <eof>")]
    [InlineData("\u0001",
        "[string \"\u0001\"]:1: unexpected symbol near '<\\1>'")]
    [InlineData("x = ~~",
        "[string \"x = ~~\"]:1: unexpected symbol near <eof>")]
    [InlineData("a = #",
        "[string \"a = #\"]:1: unexpected symbol near <eof>")]
    [InlineData("f(",
        "[string \"f(\"]:1: unexpected symbol near <eof>")]
    [InlineData("x = {1,2,3,,}",
        "[string \"x = {1,2,3,,}\"]:1: unexpected symbol near ','")]
    [InlineData("x = 'abc\\zdef\\ 1'",
        "[string \"x = 'abc\\zdef\\ 1'\"]:1: invalid escape sequence near ''abcdef\\ '")]
    [InlineData("and",
        "[string \"and\"]:1: unexpected symbol near 'and'")]
    [InlineData("x = a ~= b = c",
        "[string \"x = a ~= b = c\"]:1: unexpected symbol near '='")]
    [InlineData("local x = function end",
        "[string \"local x = function end\"]:1: '(' expected near 'end'")]
    [InlineData("if x then else elseif end",
        "[string \"if x then else elseif end\"]:1: 'end' expected near 'elseif'")]
    [InlineData("x = 'a' 'b'",
        "[string \"x = 'a' 'b'\"]:1: unexpected symbol near ''b''")]
    [InlineData("repeat local x until y goto z",
        "[string \"repeat local x until y goto z\"]:1: no visible label 'z' for <goto> at line 1")]
    [InlineData("repeat local x goto z; local y ::z:: until x",
        "[string \"repeat local x goto z; local y ::z:: until x\"]:1: <goto z> at line 1 jumps into the scope of local 'y'")]
    [InlineData("x = [==[\n]=]",
        "[string \"x = [==[...\"]:2: unfinished long string (starting at line 1) near <eof>")]
    [InlineData("x=1\r\n\n\r\r\ny = = 2",
        "[string \"x=1\r...\"]:4: unexpected symbol near '='")]
    [InlineData("x=0x1p4 y = 3..4",
        "[string \"x=0x1p4 y = 3..4\"]:1: malformed number near '3..4'")]
    [InlineData("local function f() goto x end ::x::",
        "[string \"local function f() goto x end ::x::\"]:1: no visible label 'x' for <goto> at line 1")]
    [InlineData("while true do end ::x:: ::x::",
        "[string \"while true do end ::x:: ::x::\"]:1: label 'x' already defined on line 1")]
    [InlineData("x = ... local function f() return ... end",
        "[string \"x = ... local function f() return ... end\"]:1: cannot use '...' outside a vararg function near '...'")]
    [InlineData("local x <const> = 1 local function f() x = 2 end",
        "[string \"local x <const> = 1 local function f() x = 2 ...\"]:1: attempt to assign to const variable 'x'")]
    [InlineData("for i in 1 do",
        "[string \"for i in 1 do\"]:1: 'end' expected near <eof>")]
    [InlineData("for a.b = 1, 2 do end",
        "[string \"for a.b = 1, 2 do end\"]:1: '=' or 'in' expected near '.'")]
    [InlineData("function a.b:c.d() end",
        "[string \"function a.b:c.d() end\"]:1: '(' expected near '.'")]
    [InlineData("function f(a, 1) end",
        "[string \"function f(a, 1) end\"]:1: <name> or '...' expected near '1'")]
    [InlineData("function f(a,",
        "[string \"function f(a,\"]:1: <name> or '...' expected near <eof>")]
    [InlineData("x = {[1] 2}",
        "[string \"x = {[1] 2}\"]:1: '=' expected near '2'")]
    [InlineData("x = {a = }",
        "[string \"x = {a = }\"]:1: unexpected symbol near '}'")]
    [InlineData("local function 1() end",
        "[string \"local function 1() end\"]:1: <name> expected near '1'")]
    [InlineData("return 1 1",
        "[string \"return 1 1\"]:1: <eof> expected near '1'")]
    [InlineData("if x then",
        "[string \"if x then\"]:1: 'end' expected near <eof>")]
    [InlineData("while x",
        "[string \"while x\"]:1: 'do' expected near <eof>")]
    [InlineData("repeat",
        "[string \"repeat\"]:1: 'until' expected near <eof>")]
    [InlineData("x = a.1",
        "[string \"x = a.1\"]:1: unexpected symbol near '.1'")]
    [InlineData("x = a:b",
        "[string \"x = a:b\"]:1: function arguments expected near <eof>")]
    [InlineData("x = a:b.c()",
        "[string \"x = a:b.c()\"]:1: function arguments expected near '.'")]
    [InlineData("::1::",
        "[string \"::1::\"]:1: <name> expected near '1'")]
    [InlineData("goto 1",
        "[string \"goto 1\"]:1: <name> expected near '1'")]
    [InlineData("x = not",
        "[string \"x = not\"]:1: unexpected symbol near <eof>")]
    [InlineData("x = #",
        "[string \"x = #\"]:1: unexpected symbol near <eof>")]
    [InlineData("(x)",
        "[string \"(x)\"]:1: syntax error near <eof>")]
    [InlineData("x, y",
        "[string \"x, y\"]:1: '=' expected near <eof>")]
    [InlineData("x = (1)(2) = 3",
        "[string \"x = (1)(2) = 3\"]:1: unexpected symbol near '='")]
    [InlineData("x = '\\u{7FFFFFFF}' .. '\\u{FFFFFFFFF}'",
        "[string \"x = '\\u{7FFFFFFF}' .. '\\u{FFFFFFFFF}'\"]:1: UTF-8 value too large near ''\\u{FFFFFFFF'")]
    [InlineData("x = '\\x5'",
        "[string \"x = '\\x5'\"]:1: hexadecimal digit expected near ''\\x5''")]
    [InlineData("x = '\\",
        "[string \"x = '\\\"]:1: unfinished string near <eof>")]
    [InlineData("x = '\\\r",
        "[string \"x = '\\\r\"]:2: unfinished string near <eof>")]
    [InlineData("x = \"\\256\"",
        "[string \"x = \"\\256\"\"]:1: decimal escape too large near '\"\\256\"'")]
    [InlineData("x = 1.2.3",
        "[string \"x = 1.2.3\"]:1: malformed number near '1.2.3'")]
    [InlineData("x = 0x1p",
        "[string \"x = 0x1p\"]:1: malformed number near '0x1p'")]
    [InlineData("x = 0x.p1",
        "[string \"x = 0x.p1\"]:1: malformed number near '0x.p1'")]
    [InlineData("x = .e1",
        "[string \"x = .e1\"]:1: unexpected symbol near '.'")]
    [InlineData("x = 1..2",
        "[string \"x = 1..2\"]:1: malformed number near '1..2'")]
    [InlineData("x = 3e+",
        "[string \"x = 3e+\"]:1: malformed number near '3e+'")]
    [InlineData("x = 0xep",
        "[string \"x = 0xep\"]:1: malformed number near '0xep'")]
    [InlineData("x = 1 + + 2",
        "[string \"x = 1 + + 2\"]:1: unexpected symbol near '+'")]
    [InlineData("do local x ::l1:: goto l2 end ::l2:: goto l1",
        "[string \"do local x ::l1:: goto l2 end ::l2:: goto l1\"]:1: no visible label 'l1' for <goto> at line 1")]
    [InlineData("x = a..b..c..",
        "[string \"x = a..b..c..\"]:1: unexpected symbol near <eof>")]
    [InlineData("local function f() local x <const> = 10 return function() x = 1 end end",
        "[string \"local function f() local x <const> = 10 retur...\"]:1: attempt to assign to const variable 'x'")]
    [InlineData("for i = 1, 2, 3, 4 do end",
        "[string \"for i = 1, 2, 3, 4 do end\"]:1: 'do' expected near ','")]
    [InlineData("x = 'abc",
        "[string \"x = 'abc\"]:1: unfinished string near <eof>")]
    [InlineData("#!shebang\nx = = 1",
        "[string \"#!shebang...\"]:1: unexpected symbol near '#'")]
    [InlineData("x = [[\n\n]]\n y = = 1",
        "[string \"x = [[...\"]:4: unexpected symbol near '='")]
    [InlineData("--[==[ x\n\n]==] y = = 1",
        "[string \"--[==[ x...\"]:3: unexpected symbol near '='")]
    [InlineData("x = '\\ddd'",
        "[string \"x = '\\ddd'\"]:1: invalid escape sequence near ''\\d'")]
    [InlineData("a = 1\n::a::\n::a::",
        "[string \"a = 1...\"]:3: label 'a' already defined on line 3")]
    [InlineData("local x = 1; local x <const> = 2; x = 3",
        "[string \"local x = 1; local x <const> = 2; x = 3\"]:1: attempt to assign to const variable 'x'")]
    [InlineData("x = 1e400 + 'a' (",
        "[string \"x = 1e400 + 'a' (\"]:1: unexpected symbol near <eof>")]
    [InlineData("f{}{}'' = 1",
        "[string \"f{}{}'' = 1\"]:1: syntax error near '='")]
    [InlineData("x = 'a\\zb",
        "[string \"x = 'a\\zb\"]:1: unfinished string near <eof>")]
    [InlineData("do goto l end local a ::l:: return",
        "[string \"do goto l end local a ::l:: return\"]:1: <goto l> at line 1 jumps into the scope of local 'a'")]
    [InlineData("repeat goto cont; local x; ::cont:: until x",
        "[string \"repeat goto cont; local x; ::cont:: until x\"]:1: <goto cont> at line 1 jumps into the scope of local 'x'")]
    [InlineData("x = function(a, ..., b) end",
        "[string \"x = function(a, ..., b) end\"]:1: ')' expected near ','")]
    [InlineData("local t <const> = {} t = 1",
        "[string \"local t <const> = {} t = 1\"]:1: attempt to assign to const variable 't'")]
    [InlineData("x = a[]",
        "[string \"x = a[]\"]:1: unexpected symbol near ']'")]
    [InlineData("x = 1 < 2 < 3 <",
        "[string \"x = 1 < 2 < 3 <\"]:1: unexpected symbol near <eof>")]
    [InlineData("x = y.z.w:v",
        "[string \"x = y.z.w:v\"]:1: function arguments expected near <eof>")]
    [InlineData("x = '\\v\\a\\b\\f'\n\n\n)",
        "[string \"x = '\\v\\a\\b\\f'...\"]:4: unexpected symbol near ')'")]
    [InlineData("local x <close> <const> = 1",
        "[string \"local x <close> <const> = 1\"]:1: unexpected symbol near '<'")]
    [InlineData("x = 1 \0", "[string \"x = 1 \"]:1: unexpected symbol")]
    [InlineData("local t = {a\0}", "[string \"local t = {a\"]:1: '}' expected")]
    [InlineData("x = \"a\0b\" y", "[string \"x = \"a\"]:1: syntax error near <eof>")]
    public void Load_InvalidSource_GivesLuaMessage(string source, string expected)
    {
        Assert.Equal(expected, LoadError(source));
    }

    [Theory]
    [InlineData("local a <const> = 1; return a")]
    [InlineData("goto continue; local x = 1; ::continue::")]
    [InlineData("for i = 1, 3 do if i then break end end")]
    [InlineData("local t = {f = function(self, ...) return select('#', ...) end}; return t:f(1, 2)")]
    [InlineData("return function(...) local a, b = ... return a and b or ... end")]
    public void Load_ValidSource_Compiles(string source)
    {
        Assert.Null(LoadError(source));
    }

    [Fact]
    public void Load_ChunkNameForms_ShowAsLuaChunkId()
    {
        byte[] src = "x = = 1"u8.ToArray();
        var c = MicroLua.Compiler.LuaCompiler.Instance;
        Assert.Equal("file.lua:1: unexpected symbol near '='",
            Assert.Throws<LuaCompileException>(() => c.Compile(src, "@file.lua")).Message);
        Assert.Equal("stdin:1: unexpected symbol near '='",
            Assert.Throws<LuaCompileException>(() => c.Compile(src, "=stdin")).Message);
    }
}
