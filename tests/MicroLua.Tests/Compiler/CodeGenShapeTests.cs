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
        var ops = p.Code.Select(MicroLua.Vm.Instruction.Op).ToList();
        int kx = ops.IndexOf(MicroLua.Vm.OpCode.LoadKX);
        Assert.True(kx > 0);
        Assert.Equal(MicroLua.Vm.OpCode.ExtraArg, ops[kx + 1]);
        Assert.Equal(MicroLua.Vm.OpCode.LoadKX, ops[kx + 2]);
        Assert.Equal(MicroLua.Vm.OpCode.SetTable, ops[kx + 4]); // key and value beyond RK range go through registers
        Assert.True(p.Constants.Length > 131072);
    }
}
