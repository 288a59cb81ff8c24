using MicroLua.Core;
using MicroLua.Vm;

namespace MicroLua.Tests.Vm;

public sealed class InstructionTests
{
    [Theory]
    [InlineData(0, 0, 0, false)]
    [InlineData(255, 255, 255, true)]
    [InlineData(17, 3, 200, false)]
    public void CreateABCk_RoundTrips(int a, int b, int c, bool k)
    {
        uint i = Instruction.CreateABCk(OpCode.Add, a, b, c, k);
        Assert.Equal(OpCode.Add, Instruction.Op(i));
        Assert.Equal(a, Instruction.A(i));
        Assert.Equal(b, Instruction.B(i));
        Assert.Equal(c, Instruction.C(i));
        Assert.Equal(k, Instruction.K(i));
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(255, 255, 255)]
    [InlineData(17, 3, 200)]
    [InlineData(1, 128, 7)]
    public unsafe void Slots_AreTheFieldsTimesTheSizeOfAValue(int a, int b, int c)
    {
        Value* v = (Value*)0x1000;
        foreach (bool k in new[] { false, true })
        {
            uint i = Instruction.CreateABCk(OpCode.GetTable, a, b, c, k);
            Assert.Equal((nint)(v + a), (nint)Instruction.SlotA(v, i));
            Assert.Equal((nint)(v + b), (nint)Instruction.SlotB(v, i));
            Assert.Equal((nint)(v + c), (nint)Instruction.SlotC(v, i));
        }
    }

    [Theory]
    [InlineData(-65535)]
    [InlineData(0)]
    [InlineData(65536)]
    public void CreateAsBx_RoundTrips(int sbx)
    {
        uint i = Instruction.CreateAsBx(OpCode.LoadI, 9, sbx);
        Assert.Equal(9, Instruction.A(i));
        Assert.Equal(sbx, Instruction.SBx(i));
    }

    [Theory]
    [InlineData(-16777215)]
    [InlineData(0)]
    [InlineData(16777216)]
    public void CreateSJ_RoundTrips(int sj)
    {
        uint i = Instruction.CreateSJ(OpCode.Jmp, sj);
        Assert.Equal(OpCode.Jmp, Instruction.Op(i));
        Assert.Equal(sj, Instruction.SJ(i));
    }

    [Fact]
    public void OpCodes_FitInSevenBits()
    {
        Assert.Equal(83, Enum.GetValues<OpCode>().Length);
        Assert.True((int)OpCode.ExtraArg < 128);
    }
}
