using static MicroLua.Tests.Compiler.CompilerTestHelpers;

namespace MicroLua.Tests.Compiler;

/// <summary>
/// Instruction shapes compared with what the reference compiler (luac 5.4.4, <c>luac -l</c>)
/// emits for the same source: same opcodes, same operands, same order.
/// </summary>
public sealed class CodeGenShapeTests
{
    [Theory]
    [InlineData("local a, b = 1, 2; a, b = b, a",
        "VARARGPREP 0; LOADI 0 1; LOADI 1 2; MOVE 2 1; MOVE 1 0; MOVE 0 2; RETURN 2 1 1")]
    [InlineData("local t = {}; local i = 1; i, t[i] = i + 1, 20",
        "VARARGPREP 0; NEWTABLE 0 0 0; EXTRAARG 0; LOADI 1 1; ADDI 2 1 1; MMBINI 1 1 6 0; SETTABLE 0 1 0k; MOVE 1 2; RETURN 2 1 1")]
    [InlineData("x = a and b or c",
        "VARARGPREP 0; GETTABUP 0 0 1; TEST 0 0; JMP 3; GETTABUP 0 0 2; TEST 0 1; JMP 1; GETTABUP 0 0 3; SETTABUP 0 0 0; RETURN 0 1 1")]
    [InlineData("if a < 10 then f() elseif a >= 3.0 then g() else h() end",
        "VARARGPREP 0; GETTABUP 0 0 0; LTI 0 10 0; JMP 3; GETTABUP 0 0 1; CALL 0 1 1; JMP 8; GETTABUP 0 0 0; GEI 0 3 0; JMP 3; GETTABUP 0 0 2; CALL 0 1 1; JMP 2; GETTABUP 0 0 3; CALL 0 1 1; RETURN 0 1 1")]
    [InlineData("while i do i = i - 1 end",
        "VARARGPREP 0; GETTABUP 0 0 0; TEST 0 0; JMP 5; GETTABUP 0 0 0; ADDI 0 0 -1; MMBINI 0 1 7 0; SETTABUP 0 0 0; JMP -8; RETURN 0 1 1")]
    [InlineData("repeat local x = f() until x",
        "VARARGPREP 0; GETTABUP 0 0 0; CALL 0 1 2; TEST 0 0; JMP -4; RETURN 0 1 1")]
    [InlineData("for i = 1, 10, 2 do f(i) end",
        "VARARGPREP 0; LOADI 0 1; LOADI 1 10; LOADI 2 2; FORPREP 0 3; GETTABUP 4 0 0; MOVE 5 3; CALL 4 2 1; FORLOOP 0 4; RETURN 0 1 1")]
    [InlineData("for k, v in pairs(t) do f(k, v) end",
        "VARARGPREP 0; GETTABUP 0 0 0; GETTABUP 1 0 1; CALL 0 2 5; TFORPREP 0 4; GETTABUP 6 0 2; MOVE 7 4; MOVE 8 5; CALL 6 3 1; TFORCALL 0 2; TFORLOOP 0 6; CLOSE 0; RETURN 0 1 1k")]
    [InlineData("local function f(...) return g(...) end",
        "VARARGPREP 0; CLOSURE 0 0; RETURN 1 1 1; VARARGPREP 0; GETTABUP 0 0 0; VARARG 1 0; TAILCALL 0 0 1; RETURN 0 0 1; RETURN 0 1 1")]
    [InlineData("local t = {1, 2, 3, f()}",
        "VARARGPREP 0; NEWTABLE 0 0 3; EXTRAARG 0; LOADI 1 1; LOADI 2 2; LOADI 3 3; GETTABUP 4 0 0; CALL 4 1 0; SETLIST 0 0 0; RETURN 1 1 1")]
    [InlineData("function a.b.c:m(x) return self, x end",
        "VARARGPREP 0; GETTABUP 0 0 0; GETFIELD 0 0 1; GETFIELD 0 0 2; CLOSURE 1 0; SETFIELD 0 3 1; RETURN 0 1 1; MOVE 2 0; MOVE 3 1; RETURN 2 3 0; RETURN0")]
    [InlineData("obj:method(\"s\", {})",
        "VARARGPREP 0; GETTABUP 0 0 0; SELF 0 0 1k; LOADK 2 2; NEWTABLE 3 0 0; EXTRAARG 0; CALL 0 4 1; RETURN 0 1 1")]
    [InlineData("local x <const> = 2^53; return x",
        "VARARGPREP 0; LOADK 0 0; RETURN 0 2 1; RETURN 0 1 1")]
    [InlineData("local x <close> = f(); return 1",
        "VARARGPREP 0; GETTABUP 0 0 0; CALL 0 1 2; TBC 0; LOADI 1 1; RETURN 1 2 1k; RETURN 1 1 1k")]
    [InlineData("do local a; goto l; ::l:: end",
        "VARARGPREP 0; LOADNIL 0 0; JMP 0; RETURN 0 1 1")]
    [InlineData("local s = \"a\" .. \"b\" .. c .. d",
        "VARARGPREP 0; LOADK 0 0; LOADK 1 1; GETTABUP 2 0 2; GETTABUP 3 0 3; CONCAT 0 4; RETURN 1 1 1")]
    [InlineData("return not a == nil, -x, #t, ~y",
        "VARARGPREP 0; GETTABUP 0 0 0; NOT 0 0; EQK 0 1 1; JMP 1; LFALSESKIP 0; LOADTRUE 0; GETTABUP 1 0 2; UNM 1 1; GETTABUP 2 0 3; LEN 2 2; GETTABUP 3 0 4; BNOT 3 3; RETURN 0 5 1; RETURN 0 1 1")]
    [InlineData("local a = {}; a.x, a.y = a.y, a.x",
        "VARARGPREP 0; NEWTABLE 0 0 0; EXTRAARG 0; GETFIELD 1 0 1; GETFIELD 2 0 0; SETFIELD 0 1 2; SETFIELD 0 0 1; RETURN 1 1 1")]
    [InlineData("return 1 // 0, 1 % 0, 3 // 2, 7.5 % 2, 1 / 2, 2^2, -(-9223372036854775807 - 1), 1 << 63, 1 >> -1, 3 & 1.0, 0.0 * -1, 0/0",
        "VARARGPREP 0; LOADI 0 1; IDIVK 0 0 0; MMBINK 0 0 12 0; LOADI 1 1; MODK 1 1 0; MMBINK 1 0 9 0; LOADI 2 1; LOADK 3 1; LOADK 4 2; LOADF 5 4; LOADK 6 3; LOADK 7 3; LOADI 8 2; LOADI 9 1; LOADI 10 -1; MULK 10 10 4; MMBINK 10 4 8 1; LOADI 11 0; DIVK 11 11 0; MMBINK 11 0 11 0; RETURN 0 13 1; RETURN 0 1 1")]
    [InlineData("local x = 100000; return x + 1000, x - 5, x * 2.5, 3 - x, x << 2, 2 << x, x >> 1, x & 255, 1 | x",
        "VARARGPREP 0; LOADK 0 0; ADDK 1 0 1; MMBINK 0 1 6 0; ADDI 2 0 -5; MMBINI 0 5 7 0; MULK 3 0 2; MMBINK 0 2 8 0; LOADI 4 3; SUB 4 4 0; MMBIN 4 0 7; SHRI 5 0 -2; MMBINI 0 2 16 0; SHLI 6 0 2; MMBINI 0 2 16 1; SHRI 7 0 1; MMBINI 0 1 17 0; BANDK 8 0 3; MMBINK 0 3 13 0; BORK 9 0 4; MMBINK 0 4 14 1; RETURN 1 10 1; RETURN 1 1 1")]
    [InlineData("return a == \"str\", a ~= 1, 1 == a, a < 1.5, 2 > a, a <= b, a > b",
        "VARARGPREP 0; GETTABUP 0 0 0; EQK 0 1 1; JMP 1; LFALSESKIP 0; LOADTRUE 0; GETTABUP 1 0 0; EQI 1 1 0; JMP 1; LFALSESKIP 1; LOADTRUE 1; GETTABUP 2 0 0; EQI 2 1 1; JMP 1; LFALSESKIP 2; LOADTRUE 2; GETTABUP 3 0 0; LOADK 4 2; LT 3 4 1; JMP 1; LFALSESKIP 3; LOADTRUE 3; GETTABUP 4 0 0; LTI 4 2 1; JMP 1; LFALSESKIP 4; LOADTRUE 4; GETTABUP 5 0 0; GETTABUP 6 0 3; LE 5 6 1; JMP 1; LFALSESKIP 5; LOADTRUE 5; GETTABUP 6 0 0; GETTABUP 7 0 3; LT 7 6 1; JMP 1; LFALSESKIP 6; LOADTRUE 6; RETURN 0 8 1; RETURN 0 1 1")]
    [InlineData("local up = 1; local function g() up = up + 1; return up end",
        "VARARGPREP 0; LOADI 0 1; CLOSURE 1 0; RETURN 2 1 1k; GETUPVAL 0 0; ADDI 0 0 1; MMBINI 0 1 6 0; SETUPVAL 0 0; GETUPVAL 0 0; RETURN1 0; RETURN0")]
    [InlineData("f(a, b)(c)[d] = e.f.g",
        "VARARGPREP 0; GETTABUP 0 0 0; GETTABUP 1 0 1; GETTABUP 2 0 2; CALL 0 3 2; GETTABUP 1 0 3; CALL 0 2 2; GETTABUP 1 0 4; GETTABUP 2 0 5; GETFIELD 2 2 0; GETFIELD 2 2 6; SETTABLE 0 1 2; RETURN 0 1 1")]
    [InlineData("local a <const> = \"hello\"; local b <const> = a; return b .. b",
        "VARARGPREP 0; LOADK 0 0; LOADK 1 0; CONCAT 0 2; RETURN 0 2 1; RETURN 0 1 1")]
    [InlineData("local a <close> = f(); local b <close> = g(); return h()",
        "VARARGPREP 0; GETTABUP 0 0 0; CALL 0 1 2; TBC 0; GETTABUP 1 0 1; CALL 1 1 2; TBC 1; GETTABUP 2 0 2; CALL 2 1 0; RETURN 2 0 1k; RETURN 2 1 1k")]
    [InlineData("local x = 1; local function g() return x end; do local y = 2; local function h() return y end end",
        "VARARGPREP 0; LOADI 0 1; CLOSURE 1 0; LOADI 2 2; CLOSURE 3 1; CLOSE 2; RETURN 2 1 1k; GETUPVAL 0 0; RETURN1 0; RETURN0; GETUPVAL 0 0; RETURN1 0; RETURN0")]
    [InlineData("for i = 1, 3 do local c = i; fs[i] = function() return c end; if c then goto next end ::next:: end",
        "VARARGPREP 0; LOADI 0 1; LOADI 1 3; LOADI 2 1; FORPREP 0 8; MOVE 4 3; GETTABUP 5 0 0; CLOSURE 6 0; SETTABLE 5 3 6; TEST 4 0; JMP 1; JMP 0; CLOSE 4; FORLOOP 0 9; RETURN 0 1 1k; GETUPVAL 0 0; RETURN1 0; RETURN0")]
    [InlineData("repeat local z = f(); g(function() return z end) until z",
        "VARARGPREP 0; GETTABUP 0 0 0; CALL 0 1 2; GETTABUP 1 0 1; CLOSURE 2 0; CALL 1 2 1; TEST 0 0; JMP 2; CLOSE 0; JMP 2; CLOSE 0; JMP -11; RETURN 0 1 1k; GETUPVAL 0 0; RETURN1 0; RETURN0")]
    [InlineData("while true do local q = f(); if q then break end; h(function() return q end) end",
        "VARARGPREP 0; GETTABUP 0 0 0; CALL 0 1 2; TEST 0 1; JMP 5; GETTABUP 1 0 1; CLOSURE 2 0; CALL 1 2 1; CLOSE 0; JMP -9; CLOSE 0; RETURN 0 1 1k; GETUPVAL 0 0; RETURN1 0; RETURN0")]
    [InlineData("local a, b, c = ...; return select('#', ...), ...",
        "VARARGPREP 0; VARARG 0 4; GETTABUP 3 0 0; LOADK 4 1; VARARG 5 0; CALL 3 0 2; VARARG 4 0; RETURN 3 0 1; RETURN 3 1 1")]
    [InlineData("local t = {...}; local u = {f(), g()}; local v = {x = 1, y = 2, [3] = 4, 5}",
        "VARARGPREP 0; NEWTABLE 0 0 0; EXTRAARG 0; VARARG 1 0; SETLIST 0 0 0; NEWTABLE 1 0 1; EXTRAARG 0; GETTABUP 2 0 0; CALL 2 1 2; GETTABUP 3 0 1; CALL 3 1 0; SETLIST 1 0 0; NEWTABLE 2 3 1; EXTRAARG 0; SETFIELD 2 2 3k; SETFIELD 2 4 5k; SETI 2 3 6k; LOADI 3 5; SETLIST 2 1 0; RETURN 3 1 1")]
    [InlineData("return function(a, b, ...) local s = a .. b .. ...; return s end",
        "VARARGPREP 0; CLOSURE 0 0; RETURN 0 2 1; RETURN 0 1 1; VARARGPREP 2; MOVE 2 0; MOVE 3 1; VARARG 4 2; CONCAT 2 3; RETURN 2 2 3; RETURN 3 1 3")]
    [InlineData("goto skip; local x = 1; ::skip::",
        "VARARGPREP 0; JMP 1; LOADI 0 1; RETURN 1 1 1")]
    [InlineData("do local a = 1; goto out; end ::out::",
        "VARARGPREP 0; LOADI 0 1; JMP 0; RETURN 0 1 1")]
    [InlineData("x, y, z = f()",
        "VARARGPREP 0; GETTABUP 0 0 3; CALL 0 1 4; SETTABUP 0 2 2; SETTABUP 0 1 1; SETTABUP 0 0 0; RETURN 0 1 1")]
    [InlineData("local a, b = f(), g(); a.x, b.y = b.y, a.x",
        "VARARGPREP 0; GETTABUP 0 0 0; CALL 0 1 2; GETTABUP 1 0 1; CALL 1 1 2; GETFIELD 2 1 3; GETFIELD 3 0 2; SETFIELD 1 3 3; SETFIELD 0 2 2; RETURN 2 1 1")]
    [InlineData("local t = {}; t[1], t[2], t[3] = 1, 2",
        "VARARGPREP 0; NEWTABLE 0 0 0; EXTRAARG 0; LOADI 1 1; LOADI 2 2; LOADNIL 3 0; SETI 0 3 3; SETI 0 2 2; SETI 0 1 1; RETURN 1 1 1")]
    [InlineData("return a.b.c.d, a[1][2], a[\"long key name that does not fit in a short string!!\"]",
        "VARARGPREP 0; GETTABUP 0 0 0; GETFIELD 0 0 1; GETFIELD 0 0 2; GETFIELD 0 0 3; GETTABUP 1 0 0; GETI 1 1 1; GETI 1 1 2; GETTABUP 2 0 0; LOADK 3 4; GETTABLE 2 2 3; RETURN 0 4 1; RETURN 0 1 1")]
    [InlineData("return a == 1, a == 1.0, a == 1.5, a == \"x\", a == nil, a == true, 1 < a, 1.0 <= a, a > 200, a >= -200",
        "VARARGPREP 0; GETTABUP 0 0 0; EQI 0 1 1; JMP 1; LFALSESKIP 0; LOADTRUE 0; GETTABUP 1 0 0; EQI 1 1 1; JMP 1; LFALSESKIP 1; LOADTRUE 1; GETTABUP 2 0 0; EQK 2 1 1; JMP 1; LFALSESKIP 2; LOADTRUE 2; GETTABUP 3 0 0; EQK 3 2 1; JMP 1; LFALSESKIP 3; LOADTRUE 3; GETTABUP 4 0 0; EQK 4 3 1; JMP 1; LFALSESKIP 4; LOADTRUE 4; GETTABUP 5 0 0; EQK 5 4 1; JMP 1; LFALSESKIP 5; LOADTRUE 5; GETTABUP 6 0 0; GTI 6 1 1; JMP 1; LFALSESKIP 6; LOADTRUE 6; GETTABUP 7 0 0; GEI 7 1 1; JMP 1; LFALSESKIP 7; LOADTRUE 7; GETTABUP 8 0 0; LOADI 9 200; LT 9 8 1; JMP 1; LFALSESKIP 8; LOADTRUE 8; GETTABUP 9 0 0; LOADI 10 -200; LE 10 9 1; JMP 1; LFALSESKIP 9; LOADTRUE 9; RETURN 0 11 1; RETURN 0 1 1")]
    [InlineData("if a then return 1 end return 2",
        "VARARGPREP 0; GETTABUP 0 0 0; TEST 0 0; JMP 2; LOADI 0 1; RETURN 0 2 1; LOADI 0 2; RETURN 0 2 1; RETURN 0 1 1")]
    [InlineData("return a and b, a or b, not (a and b), a and b or c and d",
        "VARARGPREP 0; GETTABUP 0 0 0; TEST 0 0; JMP 1; GETTABUP 0 0 1; GETTABUP 1 0 0; TEST 1 1; JMP 1; GETTABUP 1 0 1; GETTABUP 2 0 0; TEST 2 0; JMP 4; GETTABUP 2 0 1; NOT 2 2; JMP 2; LFALSESKIP 2; LOADTRUE 2; GETTABUP 3 0 0; TEST 3 0; JMP 3; GETTABUP 3 0 1; TEST 3 1; JMP 4; GETTABUP 3 0 2; TEST 3 0; JMP 1; GETTABUP 3 0 3; RETURN 0 5 1; RETURN 0 1 1")]
    [InlineData("local x <const> = 1 << 62; local y <const> = x * 4; return y, x // 0",
        "VARARGPREP 0; LOADI 0 0; LOADK 1 1; IDIVK 1 1 0; MMBINK 1 0 12 0; RETURN 0 3 1; RETURN 0 1 1")]
    [InlineData("local s <const> = \"abc\"; local n <const> = nil; local b <const> = false; return s, n, b, #s",
        "VARARGPREP 0; LOADK 0 0; LOADNIL 1 0; LOADFALSE 2; LOADK 3 0; LEN 3 3; RETURN 0 5 1; RETURN 0 1 1")]
    [InlineData("return 10 // 3, -10 // 3, 10 % -3, 10.0 // 3, 2^-1, 1e308 * 10, -1e308 * 10",
        "VARARGPREP 0; LOADI 0 3; LOADI 1 -4; LOADI 2 -2; LOADF 3 3; LOADK 4 0; LOADK 5 1; LOADK 6 2; RETURN 0 8 1; RETURN 0 1 1")]
    [InlineData("return 0x7fffffffffffffff + 1, math.mininteger // -1, 5 // 0.0, -5 % 0.0",
        "VARARGPREP 0; LOADK 0 0; GETTABUP 1 0 1; GETFIELD 1 1 2; IDIVK 1 1 3; MMBINK 1 3 12 0; LOADI 2 5; IDIVK 2 2 4; MMBINK 2 4 12 0; LOADI 3 -5; MODK 3 3 4; MMBINK 3 4 9 0; RETURN 0 5 1; RETURN 0 1 1")]
    [InlineData("local a = 1; a = a + 1; a = a - 1; a = a * 2; a = a / 2; a = a % 3; a = a ^ 2; a = a // 2; a = a & 1; a = a | 1; a = a ~ 1; a = a << 1; a = a >> 1; return a",
        "VARARGPREP 0; LOADI 0 1; ADDI 0 0 1; MMBINI 0 1 6 0; ADDI 0 0 -1; MMBINI 0 1 7 0; MULK 0 0 0; MMBINK 0 0 8 0; DIVK 0 0 0; MMBINK 0 0 11 0; MODK 0 0 1; MMBINK 0 1 9 0; POWK 0 0 0; MMBINK 0 0 10 0; IDIVK 0 0 0; MMBINK 0 0 12 0; BANDK 0 0 2; MMBINK 0 2 13 0; BORK 0 0 2; MMBINK 0 2 14 0; BXORK 0 0 2; MMBINK 0 2 15 0; SHRI 0 0 -1; MMBINI 0 1 16 0; SHRI 0 0 1; MMBINI 0 1 17 0; RETURN 0 2 1; RETURN 1 1 1")]
    [InlineData("local a = 1; return 1 - a, 1 + a, 2 * a, 300 + a, a - 300, a + 1.5, a << 300, 300 >> a, a >> -3",
        "VARARGPREP 0; LOADI 0 1; LOADI 1 1; SUB 1 1 0; MMBIN 1 0 7; ADDI 2 0 1; MMBINI 0 1 6 1; MULK 3 0 0; MMBINK 0 0 8 1; ADDK 4 0 1; MMBINK 0 1 6 1; SUBK 5 0 1; MMBINK 0 1 7 0; ADDK 6 0 2; MMBINK 0 2 6 0; LOADI 7 300; SHL 7 0 7; MMBIN 0 7 16; LOADI 8 300; SHR 8 8 0; MMBIN 8 0 17; SHRI 9 0 -3; MMBINI 0 -3 17 0; RETURN 1 10 1; RETURN 1 1 1")]
    [InlineData("obj.field:method(1):other{2}\"str\"",
        "VARARGPREP 0; GETTABUP 0 0 0; GETFIELD 0 0 1; SELF 0 0 2k; LOADI 2 1; CALL 0 3 2; SELF 0 0 3k; NEWTABLE 2 0 1; EXTRAARG 0; LOADI 3 2; SETLIST 2 1 0; CALL 0 3 2; LOADK 1 4; CALL 0 2 1; RETURN 0 1 1")]
    [InlineData("local function rec(n) if n == 0 then return 0 end return rec(n - 1) end",
        "VARARGPREP 0; CLOSURE 0 0; RETURN 1 1 1k; EQI 0 0 0; JMP 2; LOADI 1 0; RETURN1 1; GETUPVAL 1 0; ADDI 2 0 -1; MMBINI 0 1 7 0; TAILCALL 1 2 0; RETURN 1 0 0; RETURN0")]
    [InlineData("function g(...) local a <close> = nil; return f(...) end",
        "VARARGPREP 0; CLOSURE 0 0; SETTABUP 0 0 0; RETURN 0 1 1; VARARGPREP 0; LOADNIL 0 0; TBC 0; GETTABUP 1 0 0; VARARG 2 0; CALL 1 0 0; RETURN 1 0 1k; RETURN 1 1 1k")]
    [InlineData("for k, v in next, t do for i = #t, 1, -1 do t[i] = k .. v end end",
        "VARARGPREP 0; GETTABUP 0 0 0; GETTABUP 1 0 1; LOADNIL 2 1; TFORPREP 0 11; GETTABUP 6 0 1; LEN 6 6; LOADI 7 1; LOADI 8 -1; FORPREP 6 5; GETTABUP 10 0 1; MOVE 11 4; MOVE 12 5; CONCAT 11 2; SETTABLE 10 9 11; FORLOOP 6 6; TFORCALL 0 2; TFORLOOP 0 13; CLOSE 0; RETURN 0 1 1k")]
    [InlineData("local a; local b; local c; a = nil; b = nil; c = nil; local d, e, f = nil",
        "VARARGPREP 0; LOADNIL 0 5; RETURN 6 1 1")]
    [InlineData("return {1, 2, 3, nil, x = nil, [nil] = 1}",
        "VARARGPREP 0; NEWTABLE 0 2 4; EXTRAARG 0; LOADI 1 1; LOADI 2 2; LOADI 3 3; LOADNIL 4 0; SETFIELD 0 0 1k; LOADNIL 5 0; SETTABLE 0 5 2k; SETLIST 0 4 0; RETURN 0 2 1; RETURN 0 1 1")]
    [InlineData("local t = setmetatable({}, {__index = function(t, k) return k * 2 end})",
        "VARARGPREP 0; GETTABUP 0 0 0; NEWTABLE 1 0 0; EXTRAARG 0; NEWTABLE 2 1 0; EXTRAARG 0; CLOSURE 3 0; SETFIELD 2 1 3; CALL 0 3 2; RETURN 1 1 1; MULK 2 1 0; MMBINK 1 0 8 0; RETURN1 2; RETURN0")]
    public void Compile_Snippet_MatchesReferenceShape(string source, string expected)
    {
        Assert.Equal(expected, Shape(Compile(source)));
    }

    [Fact]
    public void Compile_MainChunk_IsVarargWithEnvUpvalue()
    {
        var p = Compile("return 1");
        Assert.True(p.IsVararg);
        Assert.Equal(0, p.NumParams);
        var up = Assert.Single(p.Upvalues);
        Assert.Equal("_ENV", up.Name);
        Assert.True(up.InStack);
        Assert.Equal(0, up.Index);
        Assert.Equal(p.Code.Length, p.LineInfo.Length);
    }

    [Fact]
    public void Compile_NestedFunction_RecordsLinesParamsAndUpvalueKinds()
    {
        var p = Compile("local c <const> = {}\nlocal k <close> = nil\nlocal function f(a, b)\n  return c, k, a\nend");
        var f = Assert.Single(p.Protos);
        Assert.Equal(3, f.LineDefined);
        Assert.Equal(5, f.LastLineDefined);
        Assert.Equal(2, f.NumParams);
        Assert.False(f.IsVararg);
        Assert.Equal(1, f.Upvalues[0].Kind);
        Assert.Equal(2, f.Upvalues[1].Kind);
        Assert.Equal(["c", "k", "f"], p.LocalVars.Select(v => v.Name));
    }

    [Fact]
    public void Compile_ManyListItems_FlushesEvery50()
    {
        string src = "return {" + string.Join(",", Enumerable.Range(1, 120)) + "}";
        string shape = Shape(Compile(src));
        Assert.Contains("SETLIST 0 50 0", shape, StringComparison.Ordinal);
        Assert.Contains("SETLIST 0 50 50", shape, StringComparison.Ordinal);
        Assert.Contains("SETLIST 0 20 100", shape, StringComparison.Ordinal);
        Assert.StartsWith("VARARGPREP 0; NEWTABLE 0 0 120; EXTRAARG 0", shape, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_ManyConstants_UsesLoadKxAndRegisterOperands()
    {
        var sb = new System.Text.StringBuilder("local t = {}\n");
        for (int i = 0; i < 66000; i++)
        {
            sb.Append("t[").Append(i + 1000000).Append("] = 'k").Append(i).Append("'\n");
        }
        sb.Append("t.last = 'k1'; return t.zzz");
        var p = Compile(sb.ToString());
        var ops = p.Code.Select(i => MicroLua.Vm.Instruction.Op(i)).ToList();
        int kx = ops.IndexOf(MicroLua.Vm.OpCode.LoadKX);
        Assert.True(kx > 0);
        Assert.Equal(MicroLua.Vm.OpCode.ExtraArg, ops[kx + 1]);
        Assert.Equal(MicroLua.Vm.OpCode.LoadKX, ops[kx + 2]);
        Assert.Equal(MicroLua.Vm.OpCode.SetTable, ops[kx + 4]); // key and value beyond RK range go through registers
        Assert.True(p.Constants.Length > 131072);
    }
}
