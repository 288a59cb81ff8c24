using MicroLua.Core;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua.Library;

/// <summary>
/// The debug library, written from the Lua 5.4 manual. Call levels count as Lua counts them
/// (0 = the running function; pcall and xpcall are levels of their own). Hooks are called
/// by the interpreter (Vm/Interpreter.Hooks.cs); this file sets and reports them.
/// </summary>
internal static unsafe class DebugLibrary
{
    public static void Open(LuaRuntime rt) => rt.NewLazyLibraryTable("debug", LuaRuntime.LazyLibrary.Debug);

    /// <summary>Fills the library table <paramref name="t"/> on first use (LuaRuntime.NewLazyLibraryTable).</summary>
    public static void Fill(LuaRuntime rt, uint t)
    {
        rt.Register(t, "gethook", GetHook, "debug.gethook");
        rt.Register(t, "getinfo", GetInfo, "debug.getinfo");
        rt.Register(t, "getlocal", GetLocal, "debug.getlocal");
        rt.Register(t, "getmetatable", GetMetatable, "debug.getmetatable");
        rt.Register(t, "getregistry", GetRegistry, "debug.getregistry");
        rt.Register(t, "getupvalue", GetUpvalue, "debug.getupvalue");
        rt.Register(t, "getuservalue", GetUserValue, "debug.getuservalue");
        rt.Register(t, "sethook", SetHook, "debug.sethook");
        rt.Register(t, "setlocal", SetLocal, "debug.setlocal");
        rt.Register(t, "setmetatable", SetMetatable, "debug.setmetatable");
        rt.Register(t, "setupvalue", SetUpvalue, "debug.setupvalue");
        rt.Register(t, "setuservalue", SetUserValue, "debug.setuservalue");
        rt.Register(t, "traceback", Traceback, "debug.traceback");
        rt.Register(t, "upvalueid", UpvalueId, "debug.upvalueid");
        rt.Register(t, "upvaluejoin", UpvalueJoin, "debug.upvaluejoin");
    }

    /// <summary>The optional leading thread argument: its coroutine and the offset of the other arguments (1 with a thread, else 0).</summary>
    private static Coroutine GetThread(ref CallContext c, out int arg)
    {
        if (c.Arg(1).Tag == Tag.Thread)
        {
            arg = 1;
            return CoroutineLibrary.Of(c.G, c.Arg(1));
        }

        arg = 0;
        return c.Coroutine;
    }

    /// <summary>t[name] = v with v and the key anchored on the stack (t must be anchored by the caller).</summary>
    private static void SetField(ref CallContext c, uint t, string name, in Value v)
    {
        Value val = v;
        c.Push(val);
        Value k = c.G.NewString(name);
        c.Push(k);
        LuaTable.Set(c.G, t, k, val);
        c.Top -= 2;
    }

    private static Value SourceValue(LuaGlobal g, ProtoObj* p)
    {
        var s = (StringObj*)g.Heap.Ptr(p->Source);
        return Value.Object(s->Length > LuaLimits.MaxShortStringLength ? Tag.LongString : Tag.ShortString, p->Source);
    }

    // ---- traceback ----

    private static int Traceback(ref CallContext c)
    {
        Coroutine co = GetThread(ref c, out int arg);
        Value msg = c.Arg(arg + 1);
        string? message;
        if (msg.IsString)
        {
            message = c.G.ToDotNetString(msg);
        }
        else if (msg.IsNumber && c.Vm.ToStringCoerce(msg, out Value s))
        {
            message = c.G.ToDotNetString(s);
        }
        else if (!msg.IsNil)
        {
            return c.Return(msg);
        }
        else
        {
            message = null;
        }

        int nul = message?.IndexOf('\0') ?? -1;
        if (nul >= 0)
        {
            message = message![..nul]; // luaL_traceback formats the message with %s
        }

        long level = c.OptInteger(arg + 2, co == c.Coroutine ? 1 : 0);
        if (level < 0 || level > int.MaxValue / 2)
        {
            level = int.MaxValue / 2;
        }

        c.ChargeWork(co.FrameCount); // the levels are walked
        return c.Return(c.Vm.Traceback(co, message, (int)level, hostBoundary: co == c.Vm.Main));
    }

    // ---- getinfo ----

    private static int GetInfo(ref CallContext c)
    {
        Coroutine co = GetThread(ref c, out int arg);
        string options = c.IsNoneOrNil(arg + 2) ? "flnSrtu" : c.G.ToDotNetString(c.CheckStringValue(arg + 2));
        if (options.StartsWith('>'))
        {
            throw c.ArgError(arg + 2, "invalid option '>'");
        }

        foreach (char ch in options)
        {
            if ("SlnrutfL".IndexOf(ch) < 0)
            {
                throw c.ArgError(arg + 2, "invalid option");
            }
        }

        Interpreter vm = c.Vm;
        LuaGlobal g = c.G;
        Value fv = c.Arg(arg + 1);
        int fi = Interpreter.NoLevel;
        int protectedFrame = -1;
        if (!fv.IsFunction)
        {
            long level = c.CheckInteger(arg + 1);
            fi = vm.FrameOfLevel(co, level, out protectedFrame);
            if (fi == Interpreter.NoLevel)
            {
                return c.Return(Value.Nil);
            }

            fv = fi >= 0 ? vm.StackOf(co)[co.Frames[fi].Func]
                : fi == Interpreter.HostLevel ? Value.Nil
                : Value.HostFunction(Interpreter.IsXPCallLevel(fi) ? vm.XPCallHandle : vm.PCallHandle);
        }

        bool active = fi != Interpreter.NoLevel;
        bool isLua = fv.Tag == Tag.LuaClosure;
        uint t = LuaTable.New(g, 0, 16);
        c.Push(Value.Object(Tag.Table, t));
        c.Push(fv); // keeps the function alive while the table fills
        ProtoObj* p = isLua ? vm.Proto(vm.ProtoOfClosure(fv.R)) : null;
        foreach (char ch in options)
        {
            switch (ch)
            {
                case 'S':
                    if (isLua)
                    {
                        Value src = SourceValue(g, p);
                        SetField(ref c, t, "source", src);
                        SetField(ref c, t, "short_src", g.NewString(ChunkId.Format(g.ToDotNetString(src))));
                        SetField(ref c, t, "linedefined", Value.Integer(p->LineDefined));
                        SetField(ref c, t, "lastlinedefined", Value.Integer(p->LastLineDefined));
                        SetField(ref c, t, "what", g.NewString(p->LineDefined == 0 ? "main" : "Lua"));
                    }
                    else
                    {
                        SetField(ref c, t, "source", g.NewString("=[C]"));
                        SetField(ref c, t, "short_src", g.NewString("[C]"));
                        SetField(ref c, t, "linedefined", Value.Integer(-1));
                        SetField(ref c, t, "lastlinedefined", Value.Integer(-1));
                        SetField(ref c, t, "what", g.NewString("C"));
                    }

                    break;
                case 'l':
                    SetField(ref c, t, "currentline", Value.Integer(isLua && fi >= 0 ? vm.CurrentLine(p, co.Frames[fi].Pc - 1) : -1));
                    break;
                case 'u':
                {
                    int nups = fv.Tag switch
                    {
                        Tag.LuaClosure => ((LuaClosureObj*)g.Heap.Ptr(fv.R))->H.Extra,
                        Tag.HostClosure => ((HostClosureObj*)g.Heap.Ptr(fv.R))->H.Extra,
                        _ => 0,
                    };
                    SetField(ref c, t, "nups", Value.Integer(nups));
                    SetField(ref c, t, "nparams", Value.Integer(isLua ? p->NumParams : 0));
                    SetField(ref c, t, "isvararg", Value.Boolean(!isLua || p->IsVararg != 0));
                    break;
                }

                case 'n':
                {
                    string? name = null;
                    string? kind = !active || fi == Interpreter.HostLevel ? null
                        : fi >= 0 ? vm.FunctionName(co, fi, out name) : vm.ProtectedCallName(co, protectedFrame, out name);
                    if (kind != null)
                    {
                        SetField(ref c, t, "name", g.NewString(name ?? "?"));
                    }

                    SetField(ref c, t, "namewhat", g.NewString(kind ?? ""));
                    break;
                }

                case 't':
                    SetField(ref c, t, "istailcall", Value.Boolean(fi >= 0 && (co.Frames[fi].Flags & FrameFlags.Tail) != 0));
                    break;
                case 'r':
                {
                    bool hooked = fi >= 0 && fi == co.HookFrame; // transfer information exists only for the function a hook runs for
                    SetField(ref c, t, "ftransfer", Value.Integer(hooked ? co.TransferFirst : 0));
                    SetField(ref c, t, "ntransfer", Value.Integer(hooked ? co.TransferCount : 0));
                    break;
                }

                case 'f':
                    if (!fv.IsNil)
                    {
                        SetField(ref c, t, "func", fv);
                    }

                    break;
                case 'L':
                    if (isLua)
                    {
                        uint lines = LuaTable.New(g, 0, 0);
                        c.Push(Value.Object(Tag.Table, lines));
                        int n = (int)p->SizeCode;
                        for (int pc = p->IsVararg != 0 ? 1 : 0; pc < n; pc++)
                        {
                            int line = vm.CurrentLine(p, pc);
                            if (line >= 0)
                            {
                                LuaTable.SetInt(g, lines, line, Value.True);
                            }
                        }

                        SetField(ref c, t, "activelines", Value.Object(Tag.Table, lines));
                        c.Top--;
                    }

                    break;
            }
        }

        c.Top--; // the function
        return 1;
    }

    // ---- locals ----

    /// <summary>Name and stack slot of local <paramref name="n"/> of frame <paramref name="fi"/>, as lua_getlocal finds them.</summary>
    internal static string? FindLocal(Interpreter vm, Coroutine co, int fi, long n, out int slot)
    {
        slot = 0;
        ref CallFrame fr = ref co.Frames[fi];
        string? name = null;
        if (fr.IsLua)
        {
            ProtoObj* p = vm.Proto(vm.ProtoOfClosure(fr.Closure));
            if (n < 0)
            {
                if (p->IsVararg != 0 && -n <= fr.NVarargs)
                {
                    slot = fr.Func - fr.NVarargs + (int)(-n - 1);
                    return "(vararg)";
                }

                return null;
            }

            if (n <= int.MaxValue)
            {
                name = vm.LocalNameAt(p, (int)n, fr.Pc - 1);
            }
        }

        if (name == null)
        {
            int limit = fi == co.FrameCount - 1 ? vm.GetTop(co) : co.Frames[fi + 1].Func;
            if (n > 0 && limit - fr.Base >= n)
            {
                name = fr.IsLua ? "(temporary)" : "(C temporary)";
            }
            else
            {
                return null;
            }
        }

        slot = fr.Base + (int)(n - 1);
        return name;
    }

    private static int GetLocal(ref CallContext c)
    {
        Coroutine co = GetThread(ref c, out int arg);
        Interpreter vm = c.Vm;
        Value f = c.Arg(arg + 1);
        if (f.IsFunction)
        {
            long pn = c.CheckInteger(arg + 2);
            string? pname = null;
            if (f.Tag == Tag.LuaClosure && pn > 0 && pn <= int.MaxValue)
            {
                pname = vm.LocalNameAt(vm.Proto(vm.ProtoOfClosure(f.R)), (int)pn, 0);
            }

            return c.Return(pname == null ? Value.Nil : c.G.NewString(pname));
        }

        long level = c.CheckInteger(arg + 1);
        long n = c.CheckInteger(arg + 2);
        int fi = vm.FrameOfLevel(co, level, out _);
        if (fi == Interpreter.NoLevel)
        {
            throw c.ArgError(arg + 1, "level out of range");
        }

        int slot = 0;
        string? name = fi >= 0 ? FindLocal(vm, co, fi, n, out slot) : null;
        if (name == null)
        {
            return c.Return(Value.Nil);
        }

        c.Push(c.G.NewString(name));
        c.Push(vm.StackOf(co)[slot]);
        return 2;
    }

    private static int SetLocal(ref CallContext c)
    {
        Coroutine co = GetThread(ref c, out int arg);
        Interpreter vm = c.Vm;
        long level = c.CheckInteger(arg + 1);
        int fi = vm.FrameOfLevel(co, level, out _);
        if (fi == Interpreter.NoLevel)
        {
            throw c.ArgError(arg + 1, "level out of range");
        }

        long n = c.CheckInteger(arg + 2);
        c.CheckAny(arg + 3);
        int slot = 0;
        string? name = fi >= 0 ? FindLocal(vm, co, fi, n, out slot) : null;
        if (name == null)
        {
            return c.Return(Value.Nil);
        }

        vm.StackOf(co)[slot] = c.Arg(arg + 3);
        return c.Return(name);
    }

    // ---- upvalues ----

    /// <summary>Pointer to upvalue <paramref name="n"/> (1-based) of function <paramref name="f"/> and its owner block, or null.</summary>
    internal static Value* UpvalueSlot(LuaGlobal g, in Value f, long n, out uint owner)
    {
        owner = 0;
        if (f.Tag == Tag.LuaClosure)
        {
            var cl = (LuaClosureObj*)g.Heap.Ptr(f.R);
            if (n < 1 || n > cl->H.Extra)
            {
                return null;
            }

            owner = LuaClosureObj.Upvals(cl)[n - 1];
            return (Value*)g.Heap.Ptr(((UpValueObj*)g.Heap.Ptr(owner))->V);
        }

        if (f.Tag == Tag.HostClosure)
        {
            var hc = (HostClosureObj*)g.Heap.Ptr(f.R);
            if (n < 1 || n > hc->H.Extra)
            {
                return null;
            }

            owner = f.R;
            return HostClosureObj.Upvals(hc) + (n - 1);
        }

        return null;
    }

    internal static string UpvalueNameOf(Interpreter vm, in Value f, long n) =>
        f.Tag == Tag.LuaClosure ? vm.UpvalueName(vm.Proto(vm.ProtoOfClosure(f.R)), (int)(n - 1)) ?? "(no name)" : "";

    private static int GetUpvalue(ref CallContext c)
    {
        Value f = c.CheckFunction(1);
        long n = c.CheckInteger(2);
        if (UpvalueSlot(c.G, f, n, out _) == null)
        {
            return 0;
        }

        c.Push(c.G.NewString(UpvalueNameOf(c.Vm, f, n)));
        c.Push(*UpvalueSlot(c.G, f, n, out _));
        return 2;
    }

    private static int SetUpvalue(ref CallContext c)
    {
        c.CheckAny(3);
        Value f = c.CheckFunction(1);
        long n = c.CheckInteger(2);
        Value* slot = UpvalueSlot(c.G, f, n, out uint owner);
        if (slot == null)
        {
            return 0;
        }

        Value v = c.Arg(3);
        *slot = v;
        c.G.WriteBarrier(owner, v);
        return c.Return(UpvalueNameOf(c.Vm, f, n));
    }

    /// <summary>A unique identity for an upvalue: the heap byte offset of the upvalue block (Lua) or of the value slot (host closure).</summary>
    private static nint UpvalueIdOf(LuaGlobal g, in Value f, long n)
    {
        if (UpvalueSlot(g, f, n, out uint owner) == null)
        {
            return 0;
        }

        return f.Tag == Tag.LuaClosure ? (nint)owner << 3 : ((nint)owner << 3) + HostClosureObj.UpvalsOffset + ((nint)(n - 1) * sizeof(Value));
    }

    private static int UpvalueId(ref CallContext c)
    {
        Value f = c.CheckFunction(1);
        long n = c.CheckInteger(2);
        nint id = UpvalueIdOf(c.G, f, n);
        return c.Return(id == 0 ? Value.Nil : Value.LightUserdata(id));
    }

    private static int UpvalueJoin(ref CallContext c)
    {
        Value f1 = c.CheckFunction(1);
        long n1 = c.CheckInteger(2);
        if (UpvalueIdOf(c.G, f1, n1) == 0)
        {
            throw c.ArgError(2, "invalid upvalue index");
        }

        Value f2 = c.CheckFunction(3);
        long n2 = c.CheckInteger(4);
        if (UpvalueIdOf(c.G, f2, n2) == 0)
        {
            throw c.ArgError(4, "invalid upvalue index");
        }

        if (f1.Tag != Tag.LuaClosure)
        {
            throw c.ArgError(1, "Lua function expected");
        }

        if (f2.Tag != Tag.LuaClosure)
        {
            throw c.ArgError(3, "Lua function expected");
        }

        uint u = LuaClosureObj.Upvals((LuaClosureObj*)c.G.Heap.Ptr(f2.R))[n2 - 1];
        LuaClosureObj.Upvals((LuaClosureObj*)c.G.Heap.Ptr(f1.R))[n1 - 1] = u;
        c.G.WriteBarrierRef(f1.R, u);
        return 0;
    }

    // ---- metatables, user values, registry ----

    private static int GetMetatable(ref CallContext c)
    {
        c.CheckAny(1);
        uint mt = c.Vm.GetMetatable(c.Arg(1));
        return c.Return(mt == 0 ? Value.Nil : Value.Object(Tag.Table, mt));
    }

    private static int SetMetatable(ref CallContext c)
    {
        c.CheckAny(1);
        Value v = c.Arg(1);
        Value mt = c.Arg(2);
        if (mt.Tag != Tag.Nil && mt.Tag != Tag.Table)
        {
            throw c.TypeError(2, "nil or table");
        }

        uint m = mt.IsNil ? 0 : mt.R;
        switch (v.Tag)
        {
            case Tag.Table:
                LuaTable.SetMetatable(c.G, v.R, m);
                break;
            case Tag.Userdata:
                ((UserdataObj*)c.G.Heap.Ptr(v.R))->Metatable = m;
                c.G.WriteBarrierRef(v.R, m);
                break;
            default:
                c.G.TypeMetatables[(int)v.Type] = m;
                break;
        }

        if (m != 0 && v.Tag is Tag.Table or Tag.Userdata)
        {
            LuaRuntime.Of(c.Vm).CheckFinalizer(v, m);
        }

        return c.Return(v);
    }

    private static int GetUserValue(ref CallContext c)
    {
        long n = c.OptInteger(2, 1);
        Value u = c.Arg(1);
        if (u.Tag != Tag.Userdata)
        {
            return c.Return(Value.Nil);
        }

        var uo = (UserdataObj*)c.G.Heap.Ptr(u.R);
        if (n < 1 || n > uo->H.Extra)
        {
            return c.Return(Value.Nil);
        }

        return c.Return(UserdataObj.UserValues(uo)[n - 1], Value.True);
    }

    private static int SetUserValue(ref CallContext c)
    {
        Value u = c.Arg(1);
        if (u.Tag != Tag.Userdata)
        {
            throw c.TypeError(1, "userdata");
        }

        c.CheckAny(2);
        long n = c.OptInteger(3, 1);
        var uo = (UserdataObj*)c.G.Heap.Ptr(u.R);
        if (n < 1 || n > uo->H.Extra)
        {
            return c.Return(Value.Nil);
        }

        Value v = c.Arg(2);
        UserdataObj.UserValues(uo)[n - 1] = v;
        c.G.WriteBarrier(u.R, v);
        return c.Return(u);
    }

    private static int GetRegistry(ref CallContext c) => c.Return(c.G.Registry);

    // ---- hooks ----

    /// <summary>registry._HOOKKEY, a weak-keyed table thread -> hook function (as Lua's ldblib keeps it), created on demand (left on the stack).</summary>
    private static uint HookTable(ref CallContext c, bool create)
    {
        LuaGlobal g = c.G;
        Value key = g.NewString("_HOOKKEY");
        c.Push(key);
        Value t = LuaTable.Get(g, g.Registry.R, key);
        if (t.Tag == Tag.Table || !create)
        {
            c.Top--;
            c.Push(t);
            return t.Tag == Tag.Table ? t.R : 0;
        }

        uint nt = LuaTable.New(g, 0, 1);
        c.Push(Value.Object(Tag.Table, nt));
        uint mt = LuaTable.New(g, 0, 1);
        c.Push(Value.Object(Tag.Table, mt));
        SetField(ref c, mt, "__mode", g.NewString("k"));
        LuaTable.SetMetatable(g, nt, mt);
        c.Top--;
        LuaTable.Set(g, g.Registry.R, key, Value.Object(Tag.Table, nt));
        Value tv = Value.Object(Tag.Table, nt);
        c.Top -= 2;
        c.Push(tv);
        return nt;
    }

    /// <summary>
    /// debug.sethook([thread,] hook, mask [, count]): the hook is kept in registry._HOOKKEY
    /// (which keeps it alive) and on the coroutine, whose mask switches the interpreter to its
    /// hooked loop. No arguments (or a nil hook) turn the hook off.
    /// </summary>
    private static int SetHook(ref CallContext c)
    {
        Coroutine co = GetThread(ref c, out int arg);
        Value thread = Value.Object(Tag.Thread, co.Thread);
        int mask = 0;
        long count = 0;
        Value hook = default;
        if (!c.IsNoneOrNil(arg + 1))
        {
            ReadOnlySpan<byte> smask = c.CheckString(arg + 2);
            hook = c.CheckFunction(arg + 1);
            count = c.OptInteger(arg + 3, 0);
            mask = (smask.Contains((byte)'c') ? Interpreter.HookMaskCall : 0) | (smask.Contains((byte)'r') ? Interpreter.HookMaskReturn : 0)
                | (smask.Contains((byte)'l') ? Interpreter.HookMaskLine : 0) | (count > 0 ? Interpreter.HookMaskCount : 0);
        }

        int icount = (int)Math.Clamp(count, 0, int.MaxValue);
        if (mask == 0)
        {
            Interpreter.SetHook(co, default, 0, 0);
            uint ht = HookTable(ref c, create: false);
            if (ht != 0)
            {
                LuaTable.Set(c.G, ht, thread, Value.Nil);
            }

            return 0;
        }

        uint t = HookTable(ref c, create: true);
        LuaTable.Set(c.G, t, thread, hook);
        Interpreter.SetHook(co, hook, mask, icount);
        return 0;
    }

    /// <summary>debug.gethook([thread]): the hook function, its mask letters and its count (nothing but nil when no hook is set).</summary>
    private static int GetHook(ref CallContext c)
    {
        Coroutine co = GetThread(ref c, out _);
        if ((co.HookMask & ~Interpreter.HookMaskDebug) == 0)
        {
            return c.Return(Value.Nil);
        }

        int m = co.HookMask;
        c.Push(co.Hook);
        string mask = ((m & Interpreter.HookMaskCall) != 0 ? "c" : "") + ((m & Interpreter.HookMaskReturn) != 0 ? "r" : "") + ((m & Interpreter.HookMaskLine) != 0 ? "l" : "");
        c.Push(c.G.NewString(mask));
        c.Push(Value.Integer(co.BaseHookCount));
        return 3;
    }
}
