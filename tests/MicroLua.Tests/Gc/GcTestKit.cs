using MicroLua.Core;
using MicroLua.Gc;
using MicroLua.Memory;
using MicroLua.Values;

namespace MicroLua.Tests.Gc;

/// <summary>
/// Builders for heap objects the tests need, written so that they are safe in GC-stress mode:
/// every object is anchored (temps or pending blocks) before the next allocation.
/// </summary>
internal static unsafe class GcTestKit
{
    /// <summary>
    /// A state with no libraries and the collector on its own: no interpreter hooks (the tests
    /// install theirs) and removed keys of strong tables kept until a rehash, as these tests'
    /// baselines assume; the dead-key path has tests of its own.
    /// </summary>
    public static LuaState NewState(long limit = 16L * 1024 * 1024, bool stress = false)
    {
        var s = new LuaState(new LuaOptions { MemoryLimit = limit, HashSeed = 12345, GcStress = stress, Libraries = LuaLibraries.None });
        s.Global.Services = null;
        s.Gc().DeadKeysInStrongTables = false;
        s.Global.Strings.Resize(128); // room for the tests' strings: no bucket growth inside a measurement
        return s;
    }

    public static Collector Gc(this LuaState s) => (Collector)s.Global.Collector!;

    /// <summary>The test's own runtime services (installed on first use; none before, so finalizers stay pending).</summary>
    public static TestServices Hooks(this LuaGlobal g)
    {
        if (g.Services is not TestServices hooks)
        {
            hooks = new TestServices();
            g.Services = hooks;
        }

        return hooks;
    }

    /// <summary>Runtime services a test sets piece by piece; a hook left null does nothing.</summary>
    internal sealed class TestServices : IRuntimeServices
    {
        public Action<Value, Value>? CallFinalizer;
        public Action<IRootMarker>? MarkExtraRoots;
        public Action<string>? Warn;

        void IRuntimeServices.MarkExtraRoots(IRootMarker marker) => MarkExtraRoots?.Invoke(marker);

        void IRuntimeServices.CallFinalizer(Value gc, Value obj) => CallFinalizer?.Invoke(gc, obj);

        bool IRuntimeServices.IsStop(Exception e) => false;

        void IRuntimeServices.ThreadFreed(int handle)
        {
        }

        void IRuntimeServices.Warn(string message) => Warn?.Invoke(message);
    }

    public static void AssertHeapOk(LuaGlobal g)
    {
        string? e = HeapVerifier.Verify(g);
        Assert.True(e == null, e);
    }

    /// <summary>Collects fully (twice, so that finalized objects go too) and returns bytes in use.</summary>
    public static long Settle(LuaState s, params string[] declareGlobals)
    {
        // A global set to nil keeps its key string until the table rehashes: declare the
        // names a test will use before taking a baseline.
        foreach (string name in declareGlobals)
        {
            if (GetGlobal(s, name).IsNil)
            {
                Global(s, name, Value.False);
            }
        }

        s.Gc().FullCollect();
        s.Gc().FullCollect();
        string? e = HeapVerifier.Verify(s.Global, afterFullCollection: true);
        Assert.True(e == null, e);
        return s.Global.Heap.Stats.BytesInUse;
    }

    public static Value Table(LuaGlobal g, int narr = 0, int nhash = 0) => Value.Object(Tag.Table, LuaTable.New(g, narr, nhash));

    public static Value Str(LuaGlobal g, string s) => g.NewString(s);

    /// <summary>t[k] = v with t, k and v anchored during a rehash.</summary>
    public static void Set(LuaGlobal g, Value t, Value k, Value v)
    {
        g.PushTemp(t);
        g.PushTemp(k);
        g.PushTemp(v);
        try
        {
            LuaTable.Set(g, t.R, k, v);
        }
        finally
        {
            g.PopTemp(3);
        }
    }

    /// <summary>t[name] = v.</summary>
    public static void Set(LuaGlobal g, Value t, string name, Value v)
    {
        g.PushTemp(t);
        g.PushTemp(v);
        try
        {
            Value k = g.NewString(name);
            Set(g, t, k, v);
        }
        finally
        {
            g.PopTemp(2);
        }
    }

    public static Value Get(LuaGlobal g, Value t, Value k) => LuaTable.Get(g, t.R, k);

    public static Value Get(LuaGlobal g, Value t, string name) => LuaTable.Get(g, t.R, g.NewString(name));

    /// <summary>A fresh table stored at globals[name] (so it stays reachable).</summary>
    public static Value Global(LuaState s, string name, Value v)
    {
        Set(s.Global, Value.Object(Tag.Table, s.GlobalsTable), name, v);
        return v;
    }

    public static Value GetGlobal(LuaState s, string name) => Get(s.Global, Value.Object(Tag.Table, s.GlobalsTable), name);

    /// <summary>Anchors v as a host root; returns its index.</summary>
    public static int Root(LuaGlobal g, Value v)
    {
        g.HostRoots.Add(v);
        return g.HostRoots.Count - 1;
    }

    /// <summary>Gives t a metatable { __mode = mode } and returns the metatable.</summary>
    public static Value MakeWeak(LuaGlobal g, Value t, string mode)
    {
        g.PushTemp(t);
        try
        {
            Value mt = Table(g);
            g.PushTemp(mt);
            try
            {
                Set(g, mt, "__mode", Str(g, mode));
                LuaTable.SetMetatable(g, t.R, mt.R);
                return mt;
            }
            finally
            {
                g.PopTemp();
            }
        }
        finally
        {
            g.PopTemp();
        }
    }

    /// <summary>Sets a metatable with __gc = gc (any value) on a table or userdata, as setmetatable does.</summary>
    public static void SetFinalizer(LuaGlobal g, Value o, Value gc)
    {
        g.PushTemp(o);
        g.PushTemp(gc);
        try
        {
            Value mt = Table(g);
            g.PushTemp(mt);
            try
            {
                Set(g, mt, "__gc", gc);
                SetMetatableOf(g, o, mt.R);
            }
            finally
            {
                g.PopTemp();
            }
        }
        finally
        {
            g.PopTemp(2);
        }
    }

    public static void SetMetatableOf(LuaGlobal g, Value o, uint mt)
    {
        if (o.Tag == Tag.Table)
        {
            LuaTable.SetMetatable(g, o.R, mt);
        }
        else
        {
            ((UserdataObj*)g.Heap.Ptr(o.R))->Metatable = mt;
        }

        g.CheckFinalizer(o.R, mt);
    }

    public static Value Userdata(LuaGlobal g, int userValues = 0, uint size = 0, int handle = -1)
    {
        uint r = g.Allocate((nuint)(sizeof(UserdataObj) - sizeof(ObjHeader) + (userValues * sizeof(Value)) + size), ObjType.Userdata);
        var u = (UserdataObj*)g.Heap.Ptr(r);
        u->Metatable = 0;
        u->Size = size;
        u->Handle = handle;
        u->Padding = 0;
        u->H.Extra = (ushort)userValues;
        new Span<Value>(UserdataObj.UserValues(u), userValues).Clear();
        return Value.Object(Tag.Userdata, r);
    }

    /// <summary>A closed upvalue holding v.</summary>
    public static uint ClosedUpvalue(LuaGlobal g, Value v)
    {
        g.PushTemp(v);
        try
        {
            uint r = g.Allocate((nuint)(sizeof(UpValueObj) - sizeof(ObjHeader)), ObjType.UpValue);
            var u = (UpValueObj*)g.Heap.Ptr(r);
            u->V = r + UpValueObj.ClosedUnits;
            u->NextOpen = 0;
            u->Closed = v;
            return r;
        }
        finally
        {
            g.PopTemp();
        }
    }

    /// <summary>An open upvalue for slot <paramref name="slot"/> of thread <paramref name="thread"/>, linked in its open list.</summary>
    public static uint OpenUpvalue(LuaGlobal g, Value thread, int slot)
    {
        g.PushTemp(thread);
        try
        {
            uint r = g.Allocate((nuint)(sizeof(UpValueObj) - sizeof(ObjHeader)), ObjType.UpValue);
            var t = LuaThread.Obj(g, thread.R);
            var u = (UpValueObj*)g.Heap.Ptr(r);
            u->V = t->Stack + 1 + (uint)(2 * slot);
            u->NextOpen = t->OpenUpval; // tests open them in increasing slot order
            u->Closed = default;
            t->OpenUpval = r;
            return r;
        }
        finally
        {
            g.PopTemp();
        }
    }

    /// <summary>A host closure with the given upvalue values.</summary>
    public static Value HostClosure(LuaGlobal g, params Value[] upvalues)
    {
        foreach (Value v in upvalues)
        {
            g.PushTemp(v);
        }

        try
        {
            uint r = g.Allocate((nuint)(sizeof(HostClosureObj) - sizeof(ObjHeader) + (upvalues.Length * sizeof(Value))), ObjType.HostClosure);
            var c = (HostClosureObj*)g.Heap.Ptr(r);
            c->Handle = -1;
            c->Padding = 0;
            c->H.Extra = (ushort)upvalues.Length;
            for (int i = 0; i < upvalues.Length; i++)
            {
                HostClosureObj.Upvals(c)[i] = upvalues[i];
            }

            return Value.Object(Tag.HostClosure, r);
        }
        finally
        {
            g.PopTemp(upvalues.Length);
        }
    }

    private static uint Block(LuaGlobal g, ObjType type, int bytes)
    {
        uint r = g.Allocate((nuint)Math.Max(bytes, 1), type);
        new Span<byte>(g.Heap.Ptr(r) + sizeof(ObjHeader), Math.Max(bytes, 1)).Clear();
        g.PushPendingBlock(r);
        return r;
    }

    /// <summary>
    /// A prototype with every array filled: constants (the given values), nested prototypes,
    /// upvalue names, local variable names, line info, and a source name.
    /// </summary>
    public static uint Proto(LuaGlobal g, Value[] constants, uint[] nested, string source)
    {
        int temps = 0;
        int pending = 0;
        try
        {
            foreach (Value v in constants)
            {
                g.PushTemp(v);
                temps++;
            }

            Value src = g.NewString(source);
            g.PushTemp(src);
            temps++;
            Value up0 = g.NewString("_ENV");
            g.PushTemp(up0);
            temps++;
            Value loc0 = g.NewString("local_x");
            g.PushTemp(loc0);
            temps++;

            uint code = Block(g, ObjType.Bytes, 4 * 4);
            pending++;
            uint lines = Block(g, ObjType.Bytes, 4 * 4);
            pending++;
            uint k = Block(g, ObjType.ValueArray, constants.Length * sizeof(Value));
            pending++;
            uint ps = Block(g, ObjType.RefArray, nested.Length * 4);
            pending++;
            uint ups = Block(g, ObjType.Bytes, 4);
            pending++;
            uint upNames = Block(g, ObjType.RefArray, 4);
            pending++;
            uint locs = Block(g, ObjType.Bytes, 12);
            pending++;
            uint p = Block(g, ObjType.Proto, sizeof(ProtoObj) - sizeof(ObjHeader));
            pending++;

            var po = (ProtoObj*)g.Heap.Ptr(p);
            po->Code = code;
            po->SizeCode = 4;
            po->LineInfo = lines;
            po->Constants = k;
            po->SizeConstants = (uint)constants.Length;
            constants.CopyTo(new Span<Value>(g.Heap.Ptr(k) + sizeof(ObjHeader), constants.Length));
            po->Protos = ps;
            po->SizeProtos = (uint)nested.Length;
            nested.CopyTo(new Span<uint>(g.Heap.Ptr(ps) + sizeof(ObjHeader), nested.Length));
            po->Upvals = ups;
            po->SizeUpvals = 1;
            po->UpvalNames = upNames;
            *(uint*)(g.Heap.Ptr(upNames) + sizeof(ObjHeader)) = up0.R;
            po->LocVars = locs;
            po->SizeLocVars = 1;
            var lv = (uint*)(g.Heap.Ptr(locs) + sizeof(ObjHeader));
            lv[0] = loc0.R;
            lv[1] = 0;
            lv[2] = 4;
            po->Source = src.R;
            return p;
        }
        finally
        {
            g.PopTemp(temps);
            g.PopPendingBlock(pending);
        }
    }

    /// <summary>A Lua closure of prototype p with the given upvalues (the caller keeps them reachable, e.g. with <see cref="Hold"/>).</summary>
    public static Value LuaClosure(LuaGlobal g, uint proto, params uint[] upvals)
    {
        uint r = g.Allocate((nuint)(sizeof(LuaClosureObj) - sizeof(ObjHeader) + (upvals.Length * 4)), ObjType.LuaClosure);
        var c = (LuaClosureObj*)g.Heap.Ptr(r);
        c->Proto = proto;
        c->Padding = 0;
        c->H.Extra = (ushort)upvals.Length;
        upvals.CopyTo(new Span<uint>(LuaClosureObj.Upvals(c), upvals.Length));
        return Value.Object(Tag.LuaClosure, r);
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<LuaGlobal, List<uint>> s_held = new();

    /// <summary>
    /// Keeps whole objects (prototypes, upvalues: things no Value can hold) alive through the
    /// collector's extra-roots hook, until <see cref="Release"/>.
    /// </summary>
    public static uint Hold(LuaGlobal g, uint r)
    {
        List<uint> held = s_held.GetValue(g, gg =>
        {
            var list = new List<uint>();
            gg.Hooks().MarkExtraRoots = m =>
            {
                foreach (uint x in list)
                {
                    m.MarkObject(x);
                }
            };
            return list;
        });
        held.Add(r);
        return r;
    }

    /// <summary>Drops every object held with <see cref="Hold"/>.</summary>
    public static void Release(LuaGlobal g)
    {
        if (s_held.TryGetValue(g, out List<uint>? held))
        {
            held.Clear();
        }
    }

    /// <summary>Number of live blocks of a type.</summary>
    public static long Blocks(LuaGlobal g, ObjType t) => g.Heap.Stats.BlocksOf(t);
}
