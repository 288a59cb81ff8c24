using MicroLua.Core;
using MicroLua.Memory;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua.Library;

/// <summary>Lua's basic functions (print, type, pairs, pcall, load ...), registered in the globals table.</summary>
internal static unsafe class BaseLibrary
{
    public static void Open(LuaRuntime rt)
    {
        uint g = rt.Globals;
        rt.SetField(g, "_G", Value.Object(Tag.Table, g));
        rt.SetField(g, "_VERSION", rt.G.NewString("Lua 5.4"));
        rt.Register(g, "assert", Assert);
        rt.Register(g, "collectgarbage", CollectGarbage);
        rt.Register(g, "error", Error);
        rt.Register(g, "getmetatable", GetMetatable);
        rt.Register(g, "ipairs", IPairs);
        rt.Register(g, "load", Load);
        rt.Register(g, "next", Next);
        rt.Register(g, "pairs", Pairs);
        rt.Vm.PCallHandle = (int)rt.Register(g, "pcall", NotCalledDirectly).I;
        rt.Register(g, "print", Print);
        rt.Register(g, "rawequal", RawEqual);
        rt.Register(g, "rawget", RawGet);
        rt.Register(g, "rawlen", RawLen);
        rt.Register(g, "rawset", RawSet);
        rt.Register(g, "select", Select);
        rt.Register(g, "setmetatable", SetMetatable);
        rt.Register(g, "tonumber", ToNumber);
        rt.Register(g, "tostring", ToString);
        rt.Register(g, "type", Type);
        rt.Register(g, "warn", Warn);
        rt.Vm.XPCallHandle = (int)rt.Register(g, "xpcall", NotCalledDirectly).I;
        rt.IPairsIterator = rt.NewHostFunction("ipairs_aux", IPairsAux);
        rt.NextFunction = LuaTable.Get(rt.G, g, rt.G.NewString("next"));
    }

    private static int NotCalledDirectly(ref CallContext c) => throw new LuaError("pcall and xpcall run as protected frames");

    private static int Assert(ref CallContext c)
    {
        if (c.ToBoolean(1))
        {
            return c.ArgCount; // all arguments are the results
        }

        c.CheckAny(1);
        Value message = c.ArgCount >= 2 ? c.Arg(2) : c.G.NewString("assertion failed!"u8);
        return RaiseAt(ref c, message, 1);
    }

    private static int CollectGarbage(ref CallContext c)
    {
        ReadOnlySpan<byte> opt = c.IsNoneOrNil(1) ? "collect"u8 : c.CheckString(1);
        LuaRuntime rt = LuaRuntime.Of(c.Vm);
        Span<char> name = stackalloc char[16]; // the option as characters, without a string; longer than every option: none
        int len = opt.Length <= name.Length ? opt.Length : 0;
        for (int i = 0; i < len; i++)
        {
            name[i] = (char)opt[i];
        }

        switch ((ReadOnlySpan<char>)name[..len])
        {
            case "collect":
                if (rt.Collector.IsRunningFinalizers)
                {
                    return c.Return(false); // inside a finalizer: not reentrant (Lua 5.4.8 returns fail)
                }

                c.ChargeBytes(c.G.Heap.Stats.BytesInUse); // a full cycle visits the heap
                rt.FullCollect();
                return c.Return(0L);
            case "count":
                return c.Return(c.G.Heap.Stats.BytesInUse / 1024.0);
            case "step":
            {
                long kb = c.OptInteger(2, 0);
                c.ChargeBytes(Math.Min(c.G.Heap.Stats.BytesInUse, kb <= 0 ? 1024 : kb >= long.MaxValue / 1024 ? long.MaxValue : kb * 1024));
                return c.Return(rt.Step(kb));
            }
            case "isrunning":
                return c.Return(!c.G.GcStopped);
            case "stop":
                rt.Collector.Stop();
                return c.Return(0L);
            case "restart":
                rt.Collector.Restart();
                return c.Return(0L);
            case "setpause":
                return c.Return((long)rt.Collector.SetPause((int)c.OptInteger(2, 0)));
            case "setstepmul":
                return c.Return((long)rt.Collector.SetStepMul((int)c.OptInteger(2, 0)));
            case "incremental":
            {
                Gc.GcMode old = rt.Collector.SetIncremental((int)c.OptInteger(2, 0), (int)c.OptInteger(3, 0), (int)c.OptInteger(4, 0));
                return c.Return(old == Gc.GcMode.Incremental ? "incremental" : "generational");
            }

            case "generational":
            {
                Gc.GcMode old = rt.Collector.SetGenerational((int)c.OptInteger(2, 0), (int)c.OptInteger(3, 0));
                return c.Return(old == Gc.GcMode.Incremental ? "incremental" : "generational");
            }

            default:
                throw c.ArgError(1, $"invalid option '{System.Text.Encoding.Latin1.GetString(opt)}'");
        }
    }

    private static int Error(ref CallContext c) => RaiseAt(ref c, c.Arg(1), c.OptInteger(2, 1));

    /// <summary>
    /// Raises what error(v, level) raises: a string gets the position of the function
    /// <paramref name="level"/> levels up. Raised by returning (CallContext.Raise) and the
    /// message built in a rented buffer, so that an error caught by a pcall makes no managed garbage.
    /// </summary>
    private static int RaiseAt(ref CallContext c, Value v, long level)
    {
        if (v.IsString && level > 0)
        {
            Span<byte> where = stackalloc byte[Interpreter.WhereSize];
            int n = c.Vm.WhereLevelTo(c.Coroutine, (int)Math.Min(level, int.MaxValue / 2), where);
            if (n > 0)
            {
                LuaRuntime rt = LuaRuntime.Of(c.Vm);
                ByteBuilder message = rt.RentBuilder();
                try
                {
                    message.Append(where[..n]);
                    message.Append(c.G.StringSpan(v));
                    v = c.G.NewString(message.WrittenSpan);
                }
                finally
                {
                    rt.ReturnBuilder(message);
                }
            }
        }

        return c.Raise(v);
    }

    private static int GetMetatable(ref CallContext c)
    {
        c.CheckAny(1);
        uint mt = c.Vm.GetMetatable(c.Arg(1));
        if (mt == 0)
        {
            return c.Return(Value.Nil);
        }

        Value protectedMt = LuaTable.Get(c.G, mt, c.G.NewString("__metatable"u8));
        return c.Return(protectedMt.IsNil ? Value.Object(Tag.Table, mt) : protectedMt);
    }

    private static int SetMetatable(ref CallContext c)
    {
        Value t = c.Arg(1);
        if (t.Tag != Tag.Table)
        {
            throw c.TypeError(1, "table");
        }

        Value mt = c.Arg(2);
        if ((mt.Tag != Tag.Nil && mt.Tag != Tag.Table) || c.ArgCount < 2)
        {
            throw c.TypeError(2, "nil or table");
        }

        uint old = LuaTable.GetMetatable(c.G, t.R);
        if (old != 0 && !LuaTable.Get(c.G, old, c.G.NewString("__metatable"u8)).IsNil)
        {
            throw new LuaError("cannot change a protected metatable");
        }

        LuaTable.SetMetatable(c.G, t.R, mt.IsNil ? 0 : mt.R);
        if (!mt.IsNil)
        {
            LuaRuntime.Of(c.Vm).CheckFinalizer(t, mt.R);
        }

        return c.Return(t);
    }

    private static int IPairs(ref CallContext c)
    {
        c.CheckAny(1);
        Value t = c.Arg(1);
        c.Push(LuaRuntime.Of(c.Vm).IPairsIterator);
        c.Push(t);
        c.Push(Value.Integer(0));
        return 3;
    }

    private static int IPairsAux(ref CallContext c)
    {
        long i = c.CheckInteger(2) + 1;
        Value t = c.Arg(1);
        Value v;
        if (t.Tag == Tag.Table)
        {
            Value* slot = LuaTable.FindInt(c.G, t.R, i);
            v = slot != null && !slot->IsNil ? *slot : LuaTable.GetMetatable(c.G, t.R) == 0 ? default : c.Vm.GetIndex(c.Coroutine, t, Value.Integer(i));
        }
        else
        {
            v = c.Vm.GetIndex(c.Coroutine, t, Value.Integer(i));
        }

        if (v.IsNil)
        {
            return c.Return(Value.Nil);
        }

        return c.Return(Value.Integer(i), v);
    }

    private static int Next(ref CallContext c)
    {
        Value t = c.CheckTable(1);
        if (LuaTable.Next(c.G, t.R, c.Arg(2), out Value k, out Value v))
        {
            return c.Return(k, v);
        }

        return c.Return(Value.Nil);
    }

    private static int Pairs(ref CallContext c)
    {
        c.CheckAny(1);
        Value t = c.Arg(1);
        Value tm = GetField(c, t, "__pairs");
        if (!tm.IsNil)
        {
            Span<Value> args = stackalloc Value[1]; // not [t]: without inline arrays (netstandard2.1) a collection expression allocates an array
            args[0] = t;
            return c.TailCall(tm, args); // as a tail call, __pairs may yield
        }

        // Any value: next raises the error when the loop calls it, as in Lua 5.4.
        c.Push(LuaRuntime.Of(c.Vm).NextFunction);
        c.Push(t);
        c.Push(Value.Nil);
        return 3;
    }

    private static Value GetField(in CallContext c, in Value v, string field)
    {
        uint mt = c.Vm.GetMetatable(v);
        return mt == 0 ? default : LuaTable.Get(c.G, mt, c.G.NewString(field));
    }

    private static int Print(ref CallContext c)
    {
        LuaRuntime rt = LuaRuntime.Of(c.Vm);
        var buf = rt.PrintBuffer;
        buf.Clear();
        int n = c.ArgCount;
        for (int i = 1; i <= n; i++)
        {
            if (i > 1)
            {
                buf.Add((byte)'\t');
            }

            Value s = rt.ToStringMeta(c.Coroutine, c.Arg(i));
            buf.AddRange(c.G.StringSpan(s));
        }

        buf.Add((byte)'\n');
        c.ChargeBytes(buf.Count);
        rt.Write(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(buf));
        return 0;
    }

    private static int RawEqual(ref CallContext c)
    {
        c.CheckAny(1);
        c.CheckAny(2);
        return c.Return(c.Vm.RawEquals(c.Arg(1), c.Arg(2)));
    }

    private static int RawGet(ref CallContext c)
    {
        Value t = c.CheckTable(1);
        c.CheckAny(2);
        return c.Return(LuaTable.Get(c.G, t.R, c.Arg(2)));
    }

    private static int RawLen(ref CallContext c)
    {
        Value v = c.Arg(1);
        if (v.Tag == Tag.Table)
        {
            return c.Return(LuaTable.Length(c.G, v.R));
        }

        if (v.IsString)
        {
            return c.Return((long)c.G.StringSpan(v).Length);
        }

        throw c.TypeError(1, "table or string");
    }

    private static int RawSet(ref CallContext c)
    {
        Value t = c.CheckTable(1);
        c.CheckAny(2);
        c.CheckAny(3);
        LuaTable.Set(c.G, t.R, c.Arg(2), c.Arg(3));
        return c.Return(t);
    }

    private static int Select(ref CallContext c)
    {
        int n = c.ArgCount;
        Value first = c.Arg(1);
        if (first.IsString && c.G.StringSpan(first).SequenceEqual("#"u8))
        {
            return c.Return((long)(n - 1));
        }

        long i = c.CheckInteger(1);
        if (i < 0)
        {
            i = n + i;
        }
        else if (i > n)
        {
            i = n;
        }

        if (i < 1)
        {
            throw c.ArgError(1, "index out of range");
        }

        c.ChargeWork(n - i); // the values returned
        return n - (int)i;
    }

    private static int ToNumber(ref CallContext c)
    {
        if (c.IsNoneOrNil(2))
        {
            Value v = c.Arg(1);
            if (v.IsNumber)
            {
                return c.Return(v);
            }

            c.CheckAny(1);
            if (v.IsString && c.Vm.ToNumberCharged(v, out Value n))
            {
                return c.Return(n);
            }

            return c.Return(Value.Nil);
        }

        long b = c.CheckInteger(2);
        Value s = c.Arg(1);
        if (!s.IsString)
        {
            throw c.TypeError(1, "string");
        }

        if (b < 2 || b > 36)
        {
            throw c.ArgError(2, "base out of range");
        }

        c.ChargeByteLoop(c.G.StringSpan(s).Length);
        if (LuaNumber.TryParseInteger(c.G.StringSpan(s), (int)b, out long r))
        {
            return c.Return(r);
        }

        return c.Return(Value.Nil);
    }

    private static int ToString(ref CallContext c)
    {
        c.CheckAny(1);
        return c.Return(LuaRuntime.Of(c.Vm).ToStringMeta(c.Coroutine, c.Arg(1)));
    }

    private static int Warn(ref CallContext c)
    {
        int n = c.ArgCount;
        c.CheckStringValue(1);
        var sb = new System.Text.StringBuilder();
        for (int i = 1; i <= n; i++)
        {
            sb.Append(c.G.ToDotNetString(c.CheckStringValue(i)));
        }

        LuaRuntime rt = LuaRuntime.Of(c.Vm);
        string msg = sb.ToString();
        if (n == 1 && msg.StartsWith('@'))
        {
            if (msg == "@on")
            {
                rt.WarningsOn = true;
            }
            else if (msg == "@off")
            {
                rt.WarningsOn = false;
            }

            return 0;
        }

        rt.Warning(msg);
        return 0;
    }

    private static int Type(ref CallContext c)
    {
        c.CheckAny(1);
        return c.Return(LuaRuntime.Of(c.Vm).TypeNameString(c.Arg(1).Type));
    }

    private static int Load(ref CallContext c)
    {
        LuaRuntime rt = LuaRuntime.Of(c.Vm);
        Value chunk = c.Arg(1);
        byte[] bytes;
        string defaultName;
        if (chunk.IsString)
        {
            bytes = c.G.StringSpan(chunk).ToArray();
            defaultName = c.G.ToDotNetString(chunk);
        }
        else if (chunk.IsFunction)
        {
            defaultName = "=(load)";
            var all = new List<byte>();
            while (true)
            {
                if (!TryCallReader(ref c, chunk, out int r))
                {
                    return 2; // nil and the reader's error, as lua_load reports it
                }

                Value piece = c.StackAt(r);
                c.Top = r;
                if (piece.IsNil || (piece.IsString && c.G.StringSpan(piece).Length == 0))
                {
                    break;
                }

                if (!piece.IsString)
                {
                    return c.Fail("reader function must return a string");
                }

                all.AddRange(c.G.StringSpan(piece));
            }

            bytes = [.. all];
        }
        else
        {
            throw c.TypeError(1, "string");
        }

        c.ChargeWork(bytes.Length); // compiling costs about a counted instruction per byte
        string name = c.IsNoneOrNil(2) ? defaultName : c.G.ToDotNetString(c.CheckStringValue(2));
        string mode = c.IsNoneOrNil(3) ? "bt" : c.G.ToDotNetString(c.CheckStringValue(3));
        Value env = c.ArgCount >= 4 ? c.Arg(4) : Value.Object(Tag.Table, rt.Globals);
        if (!rt.Chunks.TryLoad(bytes, name, mode, env, out Value fn, out string? error))
        {
            return c.Fail(error!);
        }

        return c.Return(fn);
    }

    /// <summary>
    /// Calls load's reader function; an error in it makes load return nil and the error
    /// (pushed, with true returned as false) instead of propagating, as lua_load does.
    /// </summary>
    private static bool TryCallReader(ref CallContext c, in Value reader, out int r)
    {
        Coroutine co = c.Coroutine;
        int frames = co.FrameCount;
        int top = c.Top;
        int slot = c.Vm.GetTop(co);
        try
        {
            r = c.Call(reader, [], 1);
            return true;
        }
        catch (LuaError e) when (!co.Yielding)
        {
            Value err = c.Vm.ErrorValue(co, e);
            c.Vm.CloseUpvals(co, slot);
            while (co.TbcCount > 0 && co.Tbc[co.TbcCount - 1] >= slot)
            {
                co.TbcCount--;
            }

            co.FrameCount = frames;
            c.Top = top;
            c.Push(Value.Nil);
            c.Push(err);
            r = 0;
            return false;
        }
    }

    internal static string FormatNumber(in Value v)
    {
        Span<byte> buf = stackalloc byte[64];
        int n = LuaConvert.FormatNumber(v, buf);
        return System.Text.Encoding.ASCII.GetString(buf[..n]);
    }
}
