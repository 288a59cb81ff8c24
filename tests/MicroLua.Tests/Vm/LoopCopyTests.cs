using MicroLua.Vm;

namespace MicroLua.Tests.Vm;

/// <summary>
/// Which copy of the interpreter loop a suite runs: this suite Run (the JIT's), the netstandard
/// suite RunSplit (a case per operand form of the operators, the copy mlua's NativeAOT build
/// runs), switched on in its project file. Both copies thus run every golden script and stress test.
/// </summary>
public sealed class LoopCopyTests
{
    [Fact]
    public void ThisSuiteRunsItsCopyOfTheLoop()
    {
#if MICROLUA_NETSTANDARD
        Assert.True(Interpreter.SplitOperandForms);
#else
        Assert.False(Interpreter.SplitOperandForms);
#endif
    }
}
