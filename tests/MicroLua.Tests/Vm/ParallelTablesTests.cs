using MicroLua.Compiler;
using MicroLua.Core;
using MicroLua.Memory;
using MicroLua.Vm;

namespace MicroLua.Tests.Vm;

/// <summary>
/// Tables that must agree with each other because code maps one onto the other by number:
/// each pair is pinned here, so a reordering fails a test instead of corrupting a heap or
/// calling the wrong metamethod.
/// </summary>
public sealed class ParallelTablesTests
{
    [Fact]
    public void ObjType_EqualsTag_ForEveryObjectAValueReferences()
    {
        // Core.Tag and Memory.ObjType live in different layers; from ShortString up a value's
        // tag is its block's type, compared directly by the collector and the verifier.
        int checkedCount = 0;
        foreach (Tag tag in Enum.GetValues<Tag>())
        {
            if (tag < Tag.ShortString || tag == Tag.DeadKey)
            {
                continue;
            }

            Assert.True(Enum.TryParse(tag.ToString(), out ObjType type), $"no ObjType for Tag.{tag}");
            Assert.Equal((byte)tag, (byte)type);
            checkedCount++;
        }

        Assert.Equal(7, checkedCount);
    }

    [Fact]
    public void MetamethodNames_FollowTheEnum()
    {
        Assert.Equal((int)TM.Count, Interpreter.TmNameList.Length);
        for (int i = 0; i < (int)TM.Count; i++)
        {
            Assert.Equal("__" + ((TM)i).ToString().ToLowerInvariant(), Interpreter.TmNameList[i]);
        }
    }

    [Fact]
    public void MetamethodEvents_HaveLuasNumbers()
    {
        // MMBIN's C operand is Lua's TM number: chunks written by luac5.4 carry them.
        Assert.Equal(6, (int)TM.Add);
        Assert.Equal(17, (int)TM.Shr);
        Assert.Equal(24, (int)TM.Close);
    }

    [Fact]
    public void BinaryOperators_MapOntoOpcodesAndEvents()
    {
        // The code generator computes OpCode.Add + opr, OpCode.AddK + opr and TM.Add + opr
        // for the arithmetic and bitwise operators, Add to Shr (the K forms Add to BXor).
        for (BinOpr opr = BinOpr.Add; opr <= BinOpr.Shr; opr++)
        {
            string name = opr.ToString();
            Assert.Equal(Enum.Parse<OpCode>(name), (OpCode)((int)OpCode.Add + (int)opr));
            if (opr <= BinOpr.BXor)
            {
                Assert.Equal(Enum.Parse<OpCode>(name + "K"), (OpCode)((int)OpCode.AddK + (int)opr)); // no SHLK/SHRK: Lua has SHLI/SHRI
            }

            Assert.Equal(Enum.Parse<TM>(name), (TM)((int)TM.Add + (int)opr));
        }

        Assert.Equal(BinOpr.Concat, BinOpr.Shr + 1);
    }
}
