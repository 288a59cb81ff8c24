using MicroLua.Core;

namespace MicroLua;

/// <summary>
/// A host debugger's view of a state's execution, attached with <see cref="LuaState.DebugHook"/>.
/// Its methods are called on the thread that runs the script, at the moments the script is
/// paused; while one runs, the state may be inspected (<see cref="LuaState.GetStackFrames"/>,
/// <see cref="LuaState.GetLocals"/> ...) and called into (an evaluation), and the method may
/// block for as long as the debugger wants the script to stay stopped. Code run from inside a
/// method raises no further events on the same coroutine.
/// </summary>
public abstract class LuaDebugHook
{
    internal Vm.DebugLineFilter Filter { get; } = new();

    /// <summary>
    /// Whether every new line is reported to <see cref="OnLine"/> (while stepping or pausing);
    /// when false (the default), only lines numbered as in <see cref="SetLineFilter"/> are.
    /// May be set from any thread.
    /// </summary>
    public bool ReportAllLines
    {
        get => Filter.All;
        set => Filter.All = value;
    }

    /// <summary>
    /// The line numbers (in any chunk) whose line events reach <see cref="OnLine"/> while
    /// <see cref="ReportAllLines"/> is false: typically the lines that have breakpoints. The
    /// interpreter checks them before it calls out, so other lines cost almost nothing. May be
    /// called from any thread.
    /// </summary>
    public void SetLineFilter(IEnumerable<int> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        int max = 0;
        foreach (int l in lines)
        {
            max = Math.Max(max, l);
        }

        bool[] set = new bool[max + 1];
        foreach (int l in lines)
        {
            if (l > 0)
            {
                set[l] = true;
            }
        }

        Filter.Lines = set;
    }

    /// <summary>
    /// The top frame of <paramref name="thread"/> (a Lua function) is about to run the first
    /// instruction of <paramref name="line"/>, or jumped back to the start of a line (a loop),
    /// and the line passes the filter (<see cref="ReportAllLines"/>, <see cref="SetLineFilter"/>).
    /// </summary>
    public abstract void OnLine(LuaState state, LuaDebugThread thread, int line);

    /// <summary>A tail call replaced the top frame of <paramref name="thread"/> (stepping uses this: the replaced function is gone). No inspection needed.</summary>
    public virtual void OnTailCall(LuaState state, LuaDebugThread thread)
    {
    }

    /// <summary>
    /// An error is about to unwind <paramref name="thread"/>; its frames are still in place.
    /// <paramref name="caught"/> tells whether something in the script will handle it: a
    /// pcall/xpcall on the thread's stack or, for a coroutine, the coroutine.resume that runs it.
    /// An error that passes through several activations is reported once.
    /// </summary>
    public virtual void OnError(LuaState state, LuaDebugThread thread, string message, bool caught)
    {
    }

    /// <summary>A chunk was loaded (source text or bytecode) while the hook was attached.</summary>
    public virtual void OnChunkLoaded(LuaState state, LuaChunkInfo chunk)
    {
    }
}

/// <summary>
/// A Lua thread (the main one or a coroutine) as a debugger sees it. The same object stands for
/// the same coroutine for as long as it lives; it does not keep the coroutine alive.
/// </summary>
public sealed class LuaDebugThread
{
    internal LuaDebugThread(LuaState state, Vm.Coroutine co, int id)
    {
        State = state;
        Coroutine = co;
        Id = id;
    }

    /// <summary>The state the thread belongs to.</summary>
    public LuaState State { get; }

    internal Vm.Coroutine Coroutine { get; }

    /// <summary>A number unique in the state: 1 for the main thread, then in order of first sight.</summary>
    public int Id { get; }

    /// <summary>Whether this is the state's main thread.</summary>
    public bool IsMain => Coroutine == State.Vm.Main;

    /// <summary>The status as coroutine.status reports it.</summary>
    public LuaCoroutineStatus Status => Coroutine == State.Vm.Running ? LuaCoroutineStatus.Running : Coroutine.Status switch
    {
        Vm.CoStatus.Suspended => LuaCoroutineStatus.Suspended,
        Vm.CoStatus.Running => LuaCoroutineStatus.Running,
        Vm.CoStatus.Normal => LuaCoroutineStatus.Normal,
        _ => LuaCoroutineStatus.Dead,
    };

    /// <summary>How many call frames the thread has (Lua and host functions); <see cref="LuaStackFrame.Index"/> counts from 0 at the bottom.</summary>
    public int Depth => Coroutine.FrameCount;
}

/// <summary>One call frame of a thread, as a debugger shows it.</summary>
/// <param name="Index">The frame's position from the bottom of its thread's stack (0 = the outermost); stable while the frames above it come and go.</param>
/// <param name="IsLua">A Lua function (else a host function).</param>
/// <param name="Source">The chunk name the function was loaded with ("@file.lua", "=stdin", or the code itself); null for a host function.</param>
/// <param name="ShortSource">The chunk name as messages show it ("file.lua", [string "..."]); "[C]" for a host function.</param>
/// <param name="Line">The current line, or -1 (a host function, or bytecode stripped of line information).</param>
/// <param name="LineDefined">The line where the function starts (0 for a main chunk, -1 for a host function).</param>
/// <param name="Name">What the function is, as a traceback says it: "function 'f'", "method 'm'", "main chunk", "function &lt;file.lua:12&gt;", "function 'string.rep'".</param>
/// <param name="IsTailCall">The frame was entered by a tail call (its caller is gone).</param>
public sealed record LuaStackFrame(int Index, bool IsLua, string? Source, string ShortSource, int Line, int LineDefined, string Name, bool IsTailCall)
{
    /// <summary>A Lua function whose chunk carries no line information (stripped bytecode).</summary>
    public bool IsStripped => IsLua && Line < 0;
}

/// <summary>A local variable, vararg or upvalue of a frame.</summary>
/// <param name="Name">The variable's name ("(vararg)" for a vararg; "(no name)" for an upvalue of stripped bytecode).</param>
/// <param name="Value">Its value (objects as new handles: dispose them when done).</param>
/// <param name="Index">What <see cref="LuaState.SetLocal"/> or <see cref="LuaState.SetUpvalue"/> takes: the local's number (1-based, as debug.getlocal), -n for the n-th vararg, the upvalue's number.</param>
public readonly record struct LuaDebugVariable(string Name, LuaValue Value, int Index);

/// <summary>A loaded chunk: its name, the lines that have code (in any of its functions) and its text when it was loaded from source.</summary>
/// <param name="ChunkName">The chunk name it was loaded with ("@file.lua" for a file).</param>
/// <param name="ActiveLines">Every line with code, ascending (empty for bytecode stripped of line information).</param>
/// <param name="SourceText">The source text (UTF-8), or null for a binary chunk.</param>
public sealed record LuaChunkInfo(string ChunkName, IReadOnlyList<int> ActiveLines, byte[]? SourceText);
