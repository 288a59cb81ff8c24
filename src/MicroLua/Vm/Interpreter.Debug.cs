using MicroLua.Values;
using static MicroLua.Vm.Instruction;

namespace MicroLua.Vm;

/// <summary>Helpers for the debug library: call levels as Lua counts them, and names of the pcall/xpcall levels.</summary>
internal sealed unsafe partial class Interpreter
{
    /// <summary>Level resolved to no frame (out of range).</summary>
    public const int NoLevel = int.MinValue;

    /// <summary>
    /// The frame index of call level <paramref name="level"/> (0 = the running function), a
    /// negative marker for a virtual pcall (-2) / xpcall (-3) level, or <see cref="NoLevel"/>.
    /// <paramref name="protectedFrame"/> is, for a virtual level, the frame it protects.
    /// </summary>
    public int FrameOfLevel(Coroutine co, long level, out int protectedFrame)
    {
        protectedFrame = -1;
        if (level < 0)
        {
            return NoLevel;
        }

        ChargeWork(Math.Min(level, co.FrameCount)); // the levels walked
        List<int> levels = Levels(co, (int)Math.Min(level + 1, int.MaxValue));
        if (co == Main && levels.Count <= level)
        {
            levels.Add(HostLevel); // the host that called in, "[C]: in ?" in tracebacks
        }

        if (level >= levels.Count)
        {
            return NoLevel;
        }

        int fi = levels[(int)level];
        if (fi < HostLevel)
        {
            // the protected frame is the first one at or below the level above (an unwound
            // protected frame has no level of its own)
            int pf = levels[(int)level - 1];
            while (pf > 0 && (co.Frames[pf].Flags & FrameFlags.Protected) == 0)
            {
                pf--;
            }

            protectedFrame = pf;
        }

        return fi;
    }

    /// <summary>The level of the host that called into the main thread (a C level without a function).</summary>
    public const int HostLevel = -1;

    /// <summary>Whether frame marker <paramref name="fi"/> is a virtual xpcall level (else pcall).</summary>
    public static bool IsXPCallLevel(int fi) => fi == XPCallLevel;

    /// <summary>How the pcall/xpcall that runs frame <paramref name="protectedFrame"/> was called (from the caller's CALL instruction).</summary>
    public string? ProtectedCallName(Coroutine co, int protectedFrame, out string? name)
    {
        name = null;
        if (protectedFrame <= 0)
        {
            return null;
        }

        ref CallFrame caller = ref co.Frames[protectedFrame - 1];
        if (!caller.IsLua || caller.Pc <= 0)
        {
            return null;
        }

        ProtoObj* p = Proto(ProtoOfClosure(caller.Closure));
        int pc = caller.Pc - 1;
        uint i = Code(p)[pc];
        return Op(i) is OpCode.Call or OpCode.TailCall ? GetObjName(p, pc, A(i), out name) : null;
    }

    /// <summary>Lua's list of the call levels of <paramref name="co"/>, as the traceback counts them.</summary>
    public int LevelCount(Coroutine co) => Levels(co).Count;
}
