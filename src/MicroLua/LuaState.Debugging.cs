using System.Text;
using MicroLua.Bytecode;
using MicroLua.Core;
using MicroLua.Library;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua;

/// <summary>
/// The debugging surface a host debugger builds on (MicroLua.Debugging's adapter does):
/// attach a <see cref="LuaDebugHook"/>, and, while one of its methods runs, list threads and
/// frames, read and write locals, varargs and upvalues. Frames are named by their index from
/// the bottom of their thread, which stays valid while code runs above them (an evaluation).
/// With no hook attached, none of this costs anything: the interpreter runs its unhooked loop.
/// </summary>
public sealed unsafe partial class LuaState
{
    private LuaDebugHook? _debugHook;
    private DebugBridge? _debugBridge;
    private int _debugThreadIds;

    /// <summary>
    /// The attached debugger, or null. Attaching makes every coroutine run the hooked loop (each
    /// new line is reported to <see cref="LuaDebugHook.OnLine"/>); detaching returns them to the
    /// unhooked one. Set it from the thread that runs the state, while no script is running or
    /// from inside a host function or a hook method.
    /// </summary>
    public LuaDebugHook? DebugHook
    {
        get => _debugHook;
        set
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _debugHook = value;
            _debugBridge = value == null ? null : new DebugBridge(this, value);
            _vm.Debugger = _debugBridge;
            _vm.DebugFilter = value?.Filter ?? DebugLineFilter.None;
            _rt.Chunks.ChunkLoaded = value == null ? null : OnChunkLoaded;
            SetDebugMask(_vm.Main, value != null); // the main coroutine is not in the handle table
            foreach (object o in _g.Handles.LiveItems())
            {
                if (o is Coroutine co && co != _vm.Main)
                {
                    SetDebugMask(co, value != null);
                }
            }
        }
    }

    /// <summary>The thread running now (the one a hook method is called for, or the main thread when no script runs).</summary>
    public LuaDebugThread CurrentThread => DebugView(_vm.Running);

    /// <summary>The main thread and every coroutine that is not dead, in order of <see cref="LuaDebugThread.Id"/>.</summary>
    public IReadOnlyList<LuaDebugThread> GetThreads()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var list = new List<LuaDebugThread> { DebugView(_vm.Main) }; // the main coroutine is not in the handle table
        foreach (object o in _g.Handles.LiveItems())
        {
            if (o is Coroutine co && co != _vm.Main && co.Status != CoStatus.Dead)
            {
                list.Add(DebugView(co));
            }
        }

        list.Sort((a, b) => a.Id.CompareTo(b.Id));
        return list;
    }

    /// <summary>The frames of <paramref name="thread"/>, innermost first.</summary>
    public IReadOnlyList<LuaStackFrame> GetStackFrames(LuaDebugThread thread)
    {
        Coroutine co = CheckThread(thread);
        var frames = new List<LuaStackFrame>(co.FrameCount);
        for (int fi = co.FrameCount - 1; fi >= 0; fi--)
        {
            frames.Add(FrameView(co, fi));
        }

        return frames;
    }

    /// <summary>Frame <paramref name="frame"/> (an index from the bottom) of <paramref name="thread"/>.</summary>
    public LuaStackFrame GetStackFrame(LuaDebugThread thread, int frame) => FrameView(CheckFrame(thread, frame), frame);

    /// <summary>The chunk name of the function in frame <paramref name="frame"/> (as <see cref="LuaStackFrame.Source"/>, without building the rest of the frame's description); null for a host function.</summary>
    public string? GetFrameSource(LuaDebugThread thread, int frame)
    {
        Coroutine co = CheckFrame(thread, frame);
        ref CallFrame fr = ref co.Frames[frame];
        return fr.IsLua ? SourceName(_vm.Proto(_vm.ProtoOfClosure(fr.Closure))) : null;
    }

    // The last source name made, reused while the same bytes come again (a debugger asks for it at every breakpoint line).
    private byte[] _lastSourceBytes = [];
    private string _lastSourceName = "";

    private string SourceName(ProtoObj* p)
    {
        ReadOnlySpan<byte> bytes = _g.StringSpan(Value.Object(Tag.ShortString, p->Source));
        if (!bytes.SequenceEqual(_lastSourceBytes))
        {
            _lastSourceBytes = bytes.ToArray();
            _lastSourceName = System.Text.Encoding.UTF8.GetString(bytes);
        }

        return _lastSourceName;
    }

    private LuaStackFrame FrameView(Coroutine co, int fi)
    {
        ref CallFrame fr = ref co.Frames[fi];
        var sb = new StringBuilder();
        _vm.AppendFunctionName(sb, co, fi);
        bool tail = (fr.Flags & FrameFlags.Tail) != 0;
        if (!fr.IsLua)
        {
            return new LuaStackFrame(fi, false, null, "[C]", -1, -1, sb.ToString(), tail);
        }

        ProtoObj* p = _vm.Proto(_vm.ProtoOfClosure(fr.Closure));
        string source = SourceName(p);
        return new LuaStackFrame(fi, true, source, ChunkId.Format(source), _vm.CurrentLine(p, fr.Pc - 1), p->LineDefined, sb.ToString(), tail);
    }

    /// <summary>The named local variables active in frame <paramref name="frame"/>, in declaration order (internal ones, such as a for loop's state, left out).</summary>
    public IReadOnlyList<LuaDebugVariable> GetLocals(LuaDebugThread thread, int frame)
    {
        Coroutine co = CheckFrame(thread, frame);
        var list = new List<LuaDebugVariable>();
        if (!co.Frames[frame].IsLua)
        {
            return list;
        }

        for (int n = 1; ; n++)
        {
            string? name = DebugLibrary.FindLocal(_vm, co, frame, n, out int slot);
            if (name == null || name == "(temporary)")
            {
                return list;
            }

            if (!name.StartsWith('('))
            {
                list.Add(new LuaDebugVariable(name, ToPublic(_vm.StackOf(co)[slot]), n));
            }
        }
    }

    /// <summary>The extra arguments of a vararg function's frame (what <c>...</c> holds there).</summary>
    public IReadOnlyList<LuaDebugVariable> GetVarargs(LuaDebugThread thread, int frame)
    {
        Coroutine co = CheckFrame(thread, frame);
        var list = new List<LuaDebugVariable>();
        for (int n = 1; ; n++)
        {
            if (DebugLibrary.FindLocal(_vm, co, frame, -n, out int slot) == null)
            {
                return list;
            }

            list.Add(new LuaDebugVariable("(vararg)", ToPublic(_vm.StackOf(co)[slot]), -n));
        }
    }

    /// <summary>The upvalues of the function running in frame <paramref name="frame"/> (none for a host function without upvalues).</summary>
    public IReadOnlyList<LuaDebugVariable> GetUpvalues(LuaDebugThread thread, int frame)
    {
        Coroutine co = CheckFrame(thread, frame);
        Value f = _vm.StackOf(co)[co.Frames[frame].Func];
        var list = new List<LuaDebugVariable>();
        for (int n = 1; ; n++)
        {
            Value* slot = DebugLibrary.UpvalueSlot(_g, f, n, out _);
            if (slot == null)
            {
                return list;
            }

            list.Add(new LuaDebugVariable(DebugLibrary.UpvalueNameOf(_vm, f, n), ToPublic(*slot), n));
        }
    }

    /// <summary>Sets local number <paramref name="index"/> (negative: a vararg) of frame <paramref name="frame"/>, as debug.setlocal; false when there is no such local.</summary>
    public bool SetLocal(LuaDebugThread thread, int frame, int index, LuaValue value)
    {
        Coroutine co = CheckFrame(thread, frame);
        if (DebugLibrary.FindLocal(_vm, co, frame, index, out int slot) == null)
        {
            return false;
        }

        _vm.StackOf(co)[slot] = ToInternal(value);
        return true;
    }

    /// <summary>Sets upvalue number <paramref name="index"/> of the function running in frame <paramref name="frame"/>, as debug.setupvalue; false when there is no such upvalue.</summary>
    public bool SetUpvalue(LuaDebugThread thread, int frame, int index, LuaValue value)
    {
        Coroutine co = CheckFrame(thread, frame);
        Value f = _vm.StackOf(co)[co.Frames[frame].Func];
        Value v = ToInternal(value);
        Value* slot = DebugLibrary.UpvalueSlot(_g, f, index, out uint owner);
        if (slot == null)
        {
            return false;
        }

        *slot = v;
        _g.WriteBarrier(owner, v);
        return true;
    }

    /// <summary>The function running in frame <paramref name="frame"/> (a new handle).</summary>
    public LuaFunction GetFrameFunction(LuaDebugThread thread, int frame)
    {
        Coroutine co = CheckFrame(thread, frame);
        return (LuaFunction)Handle(_vm.StackOf(co)[co.Frames[frame].Func]);
    }

    private Coroutine CheckThread(LuaDebugThread thread)
    {
        ArgumentNullException.ThrowIfNull(thread);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (thread.State != this)
        {
            throw new ArgumentException("The thread belongs to another state.", nameof(thread));
        }

        return thread.Coroutine;
    }

    private Coroutine CheckFrame(LuaDebugThread thread, int frame)
    {
        Coroutine co = CheckThread(thread);
        if (frame < 0 || frame >= co.FrameCount)
        {
            throw new ArgumentOutOfRangeException(nameof(frame), "No such frame on the thread.");
        }

        return co;
    }

    private static void SetDebugMask(Coroutine co, bool on) =>
        co.HookMask = on ? co.HookMask | Interpreter.HookMaskDebug : co.HookMask & ~Interpreter.HookMaskDebug;

    private LuaDebugThread DebugView(Coroutine co) =>
        co.DebugView as LuaDebugThread ?? (LuaDebugThread)(co.DebugView = new LuaDebugThread(this, co, co == _vm.Main ? 1 : ++_debugThreadIds + 1));

    private void OnChunkLoaded(FunctionProto proto, byte[]? source)
    {
        if (_debugHook is not { } hook)
        {
            return;
        }

        var lines = new SortedSet<int>();
        var pending = new Stack<FunctionProto>();
        pending.Push(proto);
        while (pending.Count > 0)
        {
            FunctionProto p = pending.Pop();
            for (int pc = p.IsVararg ? 1 : 0; pc < p.LineInfo.Length; pc++)
            {
                if (p.LineInfo[pc] > 0)
                {
                    lines.Add(p.LineInfo[pc]);
                }
            }

            foreach (FunctionProto child in p.Protos)
            {
                pending.Push(child);
            }
        }

        hook.OnChunkLoaded(this, new LuaChunkInfo(proto.Source, [.. lines], source));
    }

    /// <summary>Turns the interpreter's events into the hook's calls.</summary>
    private sealed class DebugBridge(LuaState state, LuaDebugHook hook) : IDebugEvents
    {
        public void Line(Coroutine co, int line) => hook.OnLine(state, state.DebugView(co), line);

        public void TailCall(Coroutine co) => hook.OnTailCall(state, state.DebugView(co));

        public void Error(Coroutine co, LuaError e, bool caught) =>
            hook.OnError(state, state.DebugView(co), state.ErrorMessage(state._vm.ErrorValue(co, e)), caught);
    }
}
