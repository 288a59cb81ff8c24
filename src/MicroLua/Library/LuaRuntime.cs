using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MicroLua.Bytecode;
using MicroLua.Core;
using MicroLua.Memory;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua.Library;

/// <summary>
/// The services the standard libraries share: registering host functions, tostring with
/// metamethods, the output callback, loading chunks, the collector's controls. One per state.
/// </summary>
internal sealed unsafe partial class LuaRuntime : IRuntimeServices, ILazyTableFiller
{
    private Value[] _typeNames;

    public LuaRuntime(LuaGlobal g, Interpreter vm, uint globals)
    {
        G = g;
        Vm = vm;
        Globals = globals;
        g.LazyTables = this;
        Chunks = new ChunkLoader(g, vm);
        _typeNames = new Value[10];
        for (int t = -1; t <= 8; t++)
        {
            Value s = g.NewString(LuaTypeNames.Name((LuaType)t));
            ((ObjHeader*)g.Heap.Ptr(s.R))->Gc |= GcBits.Fixed;
            _typeNames[t + 1] = s;
        }
    }

    /// <summary>Rewrites, for the compactor, the references the libraries keep (the type names in a new array: the old one may be shared with snapshots).</summary>
    public void Relocate(Func<uint, uint> map)
    {
        Globals = map(Globals);
        var names = new Value[_typeNames.Length];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = _typeNames[i];
            LuaGlobal.Relocate(ref names[i], map);
        }

        _typeNames = names;
        LuaGlobal.Relocate(ref IPairsIterator, map);
        LuaGlobal.Relocate(ref NextFunction, map);
    }

    /// <summary>
    /// The services of the state a library function runs in. The interpreter knows them only as
    /// the <see cref="IRuntimeServices"/> its layer declares; this is the one place that turns
    /// them back into the library's own object (the only implementation).
    /// </summary>
    public static LuaRuntime Of(Interpreter vm) => (LuaRuntime)vm.G.Services!;

    public LuaGlobal G { get; }

    public Interpreter Vm { get; }

    public uint Globals { get; private set; }

    public Value IPairsIterator;

    public Value NextFunction;

    /// <summary>math.random's generator (copied into a state made from a snapshot).</summary>
    public Xoshiro Random;

    /// <summary>The host's require handler (package's searcher calls it), or null.</summary>
    public HostModuleSearcher? HostSearcher;

    /// <summary>Why a snapshot of this state is refused (a library that keeps per-state host objects), or null.</summary>
    public string? SnapshotRefusal;

    /// <summary>The public state this runtime belongs to (a LuaState): host callbacks find their state through it, so one function serves every state made from a snapshot.</summary>
    public object? Owner;

    /// <summary>print's line buffer, made at the first print (an idle state keeps no buffers: issue 15's 2 KB).</summary>
    public List<byte> PrintBuffer => _printBuffer ??= [];

    private List<byte>? _printBuffer;

    // Made at the first rent, for the same reason.
    private Stack<ByteBuilder>? _builders;
    private Stack<PatternMatch>? _matches;

    /// <summary>A scratch byte buffer for a library call (calls can nest: each rents its own).</summary>
    public ByteBuilder RentBuilder()
    {
        if (_builders != null && _builders.TryPop(out ByteBuilder? b))
        {
            b.Clear();
            return b;
        }

        return new ByteBuilder();
    }

    public void ReturnBuilder(ByteBuilder b)
    {
        if (b.Length <= 1 << 20)
        {
            (_builders ??= new()).Push(b);
        }
    }

    /// <summary>A reusable match result for a pattern call.</summary>
    public PatternMatch RentMatch() => _matches != null && _matches.TryPop(out PatternMatch? m) ? m : new PatternMatch();

    public void ReturnMatch(PatternMatch m) => (_matches ??= new()).Push(m);

    /// <summary>Chunk loading (compile or read, verify, load into the heap, dump) for load, require and string.dump.</summary>
    public ChunkLoader Chunks { get; }

    public LuaOutputHandler? Output { get; set; }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (Output != null)
        {
            Output(bytes, LuaOutputKind.Standard);
        }
        else
        {
            using Stream stdout = Console.OpenStandardOutput();
            stdout.Write(bytes);
        }
    }

    public Value TypeNameString(LuaType t) => _typeNames[(int)t + 1];

    // ---- registration ----

    public Value NewHostFunction(string name, LuaHostFunction fn) => HostFunctionValue(new HostFunctionInfo(fn, name));

    /// <summary>A host function whose description every state shares (a static <paramref name="fn"/>): an image finds it by identity, not only by name.</summary>
    public Value NewSharedHostFunction(string name, LuaHostFunction fn) => HostFunctionValue(SharedInfo(fn, name));

    private Value HostFunctionValue(HostFunctionInfo info) => Value.HostFunction(G.Handles.Add(info));

    /// <summary>A host function with upvalues (a HostClosure block).</summary>
    public Value NewHostClosure(string name, LuaHostFunction fn, ReadOnlySpan<Value> upvalues) =>
        NewHostClosure(G.Handles.Add(new HostFunctionInfo(fn, name)), upvalues);

    /// <summary>
    /// A host closure of a function that a library makes many of (gmatch's iterator,
    /// coroutine.wrap's function, io.lines'): every closure of <paramref name="fn"/> shares one
    /// description, registered at the first. A closure's handle is never released (the
    /// collector frees only its block), so one per closure was a handle and a managed object
    /// per call that stayed for the state's life.
    /// </summary>
    public Value NewRepeatedHostClosure(string name, LuaHostFunction fn, ReadOnlySpan<Value> upvalues)
    {
        _repeatedClosures ??= [];
        if (!_repeatedClosures.TryGetValue(fn, out int handle))
        {
            handle = G.Handles.Add(new HostFunctionInfo(fn, name));
            _repeatedClosures.Add(fn, handle);
        }

        return NewHostClosure(handle, upvalues);
    }

    /// <summary>The handles <see cref="NewRepeatedHostClosure"/> registered, by function (made at first use).</summary>
    private Dictionary<LuaHostFunction, int>? _repeatedClosures;

    private Value NewHostClosure(int handle, ReadOnlySpan<Value> upvalues)
    {
        for (int i = 0; i < upvalues.Length; i++)
        {
            G.PushTemp(upvalues[i]);
        }

        uint c;
        try
        {
            c = G.Allocate((nuint)(sizeof(HostClosureObj) - sizeof(ObjHeader) + (upvalues.Length * sizeof(Value))), ObjType.HostClosure);
        }
        finally
        {
            G.PopTemp(upvalues.Length);
        }

        var co = (HostClosureObj*)G.Heap.Ptr(c);
        co->Handle = handle;
        co->Padding = 0;
        co->H.Extra = (ushort)upvalues.Length;
        upvalues.CopyTo(new Span<Value>(HostClosureObj.Upvals(co), upvalues.Length));
        return Value.Object(Tag.HostClosure, c);
    }

    /// <summary>Registers <paramref name="fn"/> as field <paramref name="name"/> of table <paramref name="table"/>.</summary>
    public Value Register(uint table, string name, LuaHostFunction fn, string? qualifiedName = null)
    {
        Value f = HostFunctionValue(SharedInfo(fn, qualifiedName ?? name));
        SetField(table, name, f);
        return f;
    }

    /// <summary>Descriptions of static library functions, one per function for every state of the process (they are immutable; a state from scratch then holds no copy of its own).</summary>
    private static readonly ConditionalWeakTable<LuaHostFunction, HostFunctionInfo> SharedInfos = new();

    /// <summary>The shared description of a static function registered under <paramref name="name"/>, or a new one (instance delegates, or a function registered under another name).</summary>
    private static HostFunctionInfo SharedInfo(LuaHostFunction fn, string name)
    {
        if (fn.Target != null)
        {
            return new HostFunctionInfo(fn, name);
        }

        if (SharedInfos.TryGetValue(fn, out HostFunctionInfo? info))
        {
            return info.Name == name ? info : new HostFunctionInfo(fn, name);
        }

        info = new HostFunctionInfo(fn, name);
        SharedInfos.AddOrUpdate(fn, info);
        return info;
    }

    /// <summary>table[name] = v, with the new key and the value anchored while the table may grow.</summary>
    public void SetField(uint table, string name, in Value v)
    {
        G.PushTemp(Value.Object(Tag.Table, table));
        G.PushTemp(v);
        try
        {
            Value key = G.NewString(name);
            G.PushTemp(key);
            LuaTable.Set(G, table, key, v);
            G.PopTemp();
        }
        finally
        {
            G.PopTemp(2);
        }
    }

    /// <summary>
    /// A new table stored as global <paramref name="name"/>, with a hash part for exactly
    /// <paramref name="fields"/> keys: a fresh state's tables are their final size (no part
    /// allocated twice, no node a library never fills beyond the power of two).
    /// </summary>
    public uint NewLibraryTable(string name, int fields)
    {
        uint t = LuaTable.New(G, 0, fields);
        SetField(Globals, name, Value.Object(Tag.Table, t));
        return t;
    }

    /// <summary>
    /// The libraries whose tables are filled on first use, by their number in
    /// <see cref="TableObj.Lazy"/> (which a snapshot image stores: the numbers never change).
    /// </summary>
    public enum LazyLibrary
    {
        None,
        Coroutine,
        String,
        Table,
        Math,
        Utf8,
        Debug,
        /// <summary>MicroLua.Host's os (its fill is defined when it opens; a state with it open is never snapshotted, so no image holds it).</summary>
        Os,
        /// <summary>MicroLua.Host's io, as <see cref="Os"/>.</summary>
        Io,
    }

    /// <summary>For each lazy library (by number, from 1): its field count and what fills its table.</summary>
    private static readonly (int Fields, Action<LuaRuntime, uint>? Fill)[] s_lazyLibraries =
    [
        (0, null),
        (8, CoroutineLibrary.Fill),
        (17, StringLibrary.Fill),
        (7, TableLibrary.Fill),
        (27, MathLibrary.Fill),
        (6, Utf8Library.Fill),
        (15, DebugLibrary.Fill),
        (0, null), // os: DefineLazyLibrary
        (0, null), // io: DefineLazyLibrary
    ];

    /// <summary>Defines the fill of a lazy library of another assembly (MicroLua.Host's os and io) before its first table is made.</summary>
    public static void DefineLazyLibrary(LazyLibrary library, int fields, Action<LuaRuntime, uint> fill)
    {
        s_lazyLibraries[(int)library] = (fields, fill);
        LazyLibraries.Define((int)library);
    }

    /// <summary>
    /// A library table stored as global <paramref name="name"/> that is filled on first use
    /// (the first lookup, assignment or traversal, see <see cref="LuaGlobal.FillLazyTable"/>):
    /// until a script touches the library, its table costs one table header and its function
    /// names cost nothing. Filled, it is the table <see cref="NewLibraryTable"/> would have
    /// made (the same size, the same fields in the same order, so pairs sees the same order).
    /// </summary>
    public uint NewLazyLibraryTable(string name, LazyLibrary library)
    {
        uint t = LuaTable.New(G, 0, 0);
        LuaTable.Obj(G, t)->Lazy = (ushort)library;
        SetField(Globals, name, Value.Object(Tag.Table, t));
        return t;
    }

    /// <summary>Fills every library table still waiting for its first use (an image's catalog of library functions needs them all).</summary>
    public void FillLazyTables()
    {
        Value key = default;
        while (LuaTable.Next(G, Globals, key, out Value k, out Value v))
        {
            key = k;
            if (v.Tag == Tag.Table && LuaTable.Obj(G, v.R)->Lazy != 0)
            {
                G.FillLazyTable(v.R);
            }
        }
    }

    /// <inheritdoc/>
    void ILazyTableFiller.Fill(uint table, int library)
    {
        var (fields, fill) = s_lazyLibraries[library]; // the verifier keeps an image's numbers to libraries this process has
        LuaTable.Resize(G, table, 0, fields);
        fill!(this, table);
    }

    // ---- conversions ----

    /// <summary>The <c>__tostring</c> field of <paramref name="v"/>'s metatable, or null when it has none.</summary>
    public Value* ToStringMetamethod(in Value v)
    {
        uint mt = Vm.GetMetatable(v);
        Value* f = mt == 0 ? null : LuaTable.FindShortString(G, mt, G.NewString("__tostring"u8).R);
        return f != null && !f->IsNil ? f : null;
    }

    /// <summary>tostring: __tostring, __name, numbers as %.14g, addresses for the rest.</summary>
    public Value ToStringMeta(Coroutine co, in Value v)
    {
        Value* f = ToStringMetamethod(v);
        if (f != null)
        {
            Value r = Vm.CallTM(co, *f, v, v);
            if (!r.IsString)
            {
                if (r.IsNumber && Vm.ToStringCoerce(r, out Value rs))
                {
                    return rs;
                }

                throw new LuaError("'__tostring' must return a string");
            }

            return r;
        }

        switch (v.Tag)
        {
            case Tag.Nil:
                return G.NewString("nil"u8);
            case Tag.True:
                return G.NewString("true"u8);
            case Tag.False:
                return G.NewString("false"u8);
            case Tag.Integer:
            case Tag.Float:
            {
                Vm.ToStringCoerce(v, out Value s);
                return s;
            }

            case Tag.ShortString:
            case Tag.LongString:
                return v;
            default:
            {
                string kind = Vm.TypeName(v);
                ulong address = v.IsCollectable ? (ulong)G.Heap.Ptr(v.R) : 0x7f0000000000ul + ((ulong)v.I * 16);
                if (kind.Length > 32)
                {
                    return G.NewString($"{kind}: 0x{address:x14}");
                }

                // "kind: 0x" and 14 hex digits, made on the stack: tostring makes no managed garbage
                Span<byte> text = stackalloc byte[64];
                int n = System.Text.Encoding.Latin1.GetBytes(kind.AsSpan(), text);
                ": 0x"u8.CopyTo(text[n..]);
                n += 4;
                System.Buffers.Text.Utf8Formatter.TryFormat(address, text[n..], out int digits, new System.Buffers.StandardFormat('x', 14));
                return G.NewString(text[..(n + digits)]);
            }
        }
    }

    // ---- collector controls ----

    public Gc.Collector Collector => (Gc.Collector)G.Collector!;

    public void FullCollect() => Collector.FullCollect();

    public bool Step(long kb) => Collector.StepCollect(kb);

    /// <summary>Whether warnings are emitted (warn "@on"/"@off"; off by default, as in lua.c).</summary>
    public bool WarningsOn { get; set; }

    /// <summary>Emits a warning as lua.c does: "Lua warning: msg" on the warning output.</summary>
    public void Warning(string message)
    {
        if (!WarningsOn)
        {
            return;
        }

        byte[] text = System.Text.Encoding.Latin1.GetBytes("Lua warning: " + message + "\n");
        if (Output != null)
        {
            Output(text, LuaOutputKind.Warning);
        }
        else
        {
            using Stream err = Console.OpenStandardError();
            err.Write(text);
        }
    }

    /// <summary>Connects the collector to the interpreter: running coroutines as roots, __gc calls, warnings (<see cref="IRuntimeServices"/>).</summary>
    public void WireCollector()
    {
        G.Services = this;
        Collector.DeadKeysInStrongTables = true;
    }

    void IRuntimeServices.MarkExtraRoots(IRootMarker marker)
    {
        for (Coroutine? co = Vm.Running; co != null; co = co.Resumer)
        {
            marker.MarkObject(co.Thread);
            if (co.Resumer == co)
            {
                break;
            }
        }
    }

    void IRuntimeServices.ThreadFreed(int handle)
    {
        if (G.Handles.Get(handle) is Coroutine co)
        {
            Vm.RecycleCoroutine(co);
        }
    }

    void IRuntimeServices.CallFinalizer(Value gc, Value obj)
    {
        Coroutine co = Vm.Running;
        int top = Vm.GetTop(co);
        int slot = Math.Max(top, co.FrameCount > 0 ? co.Frames[co.FrameCount - 1].Top : 0);
        int frames = co.FrameCount;
        try
        {
            Vm.EnsureStack(co, slot + 2);
            Vm.StackOf(co)[slot] = gc;
            Vm.StackOf(co)[slot + 1] = obj;
            Vm.SetTop(co, slot + 2);
            Vm.Call(co, slot, 0, FrameFlags.Finalizer);
        }
        catch (LuaError e)
        {
            Value err = Vm.ErrorValue(co, e);
            string msg = err.IsString ? G.ToDotNetString(err) : $"error object is a {LuaTypeNames.Name(err.Type)} value";
            co.FrameCount = frames;
            throw new LuaError(msg, e);
        }
        finally
        {
            co.FrameCount = frames;
            Vm.SetTop(co, top);
        }
    }

    bool IRuntimeServices.IsStop(Exception e) => Interpreter.IsStop(e);

    void IRuntimeServices.Warn(string message) => Warning(message);

    public void CheckFinalizer(in Value obj, uint mt) => G.CheckFinalizer(obj.R, mt);

    public static ReadOnlySpan<byte> AsSpan(List<byte> list) => CollectionsMarshal.AsSpan(list);
}
