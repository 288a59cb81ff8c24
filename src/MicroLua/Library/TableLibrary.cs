using System.Runtime.InteropServices;
using MicroLua.Core;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua.Library;

/// <summary>
/// The table library of Lua 5.4. Every element access goes through <see cref="Get"/> and
/// <see cref="Set"/>, which honour __index and __newindex like lua_geti/lua_seti; a table
/// without a metatable takes a raw path that neither looks up metamethods nor calls back.
/// Lengths come from <see cref="LengthOf"/> (the # operator, __len included).
/// </summary>
internal static unsafe class TableLibrary
{
    /// <summary>What a function needs of a non-table argument's metatable (Lua's TAB_R/TAB_W/TAB_L).</summary>
    [Flags]
    private enum Needs
    {
        Read = 1,
        Write = 2,
        Length = 4,
    }

    public static void Open(LuaRuntime rt) => rt.NewLazyLibraryTable("table", LuaRuntime.LazyLibrary.Table);

    /// <summary>Fills the library table <paramref name="t"/> on first use (LuaRuntime.NewLazyLibraryTable).</summary>
    public static void Fill(LuaRuntime rt, uint t)
    {
        rt.Register(t, "concat", Concat, "table.concat");
        rt.Register(t, "insert", Insert, "table.insert");
        rt.Register(t, "move", Move, "table.move");
        rt.Register(t, "pack", Pack, "table.pack");
        rt.Register(t, "remove", Remove, "table.remove");
        rt.Register(t, "sort", Sort, "table.sort");
        rt.Register(t, "unpack", Unpack, "table.unpack");
    }

    // ---- element access ----

    /// <summary>A table without a metatable, whose elements the library reads and writes raw.</summary>
    private static bool IsPlainTable(ref CallContext c, in Value t) => t.Tag == Tag.Table && LuaTable.GetMetatable(c.G, t.R) == 0;

    /// <summary>t[i] as lua_geti: raw for a plain table, with __index otherwise. The result is not anchored.</summary>
    private static Value Get(ref CallContext c, in Value t, long i)
    {
        if (IsPlainTable(ref c, t))
        {
            Value* slot = LuaTable.FindInt(c.G, t.R, i);
            return slot == null ? default : *slot;
        }

        return c.Vm.GetIndex(c.Coroutine, t, Value.Integer(i));
    }

    /// <summary>t[i] = v as lua_seti: raw for a plain table, with __newindex otherwise. Anchors v while the store may allocate.</summary>
    private static void Set(ref CallContext c, in Value t, long i, in Value v)
    {
        if (IsPlainTable(ref c, t))
        {
            Value* slot = LuaTable.FindInt(c.G, t.R, i);
            if (slot != null || v.IsNil)
            {
                LuaTable.SetAt(c.G, t.R, Value.Integer(i), slot, v); // the lookup above; no allocation (an existing key, or nil for an absent one)
                return;
            }
        }

        c.G.PushTemp(v);
        try
        {
            if (IsPlainTable(ref c, t))
            {
                LuaTable.SetInt(c.G, t.R, i, v);
            }
            else
            {
                c.Vm.SetIndex(c.Coroutine, t, Value.Integer(i), v);
            }
        }
        finally
        {
            c.G.PopTemp();
        }
    }

    /// <summary>#v as luaL_len: __len honoured, and the length must be an integer.</summary>
    private static long LengthOf(ref CallContext c, in Value v)
    {
        if (IsPlainTable(ref c, v))
        {
            return LuaTable.Length(c.G, v.R);
        }

        Value n = c.Vm.Length(c.Coroutine, v);
        if (!LuaConvert.ToInteger(c.G, n, out long len))
        {
            throw new LuaError("object length is not an integer");
        }

        return len;
    }

    /// <summary>Argument <paramref name="arg"/> is a table, or has a metatable with every metamethod the operation needs.</summary>
    private static Value CheckTableLike(ref CallContext c, int arg, Needs needs)
    {
        Value v = c.Arg(arg);
        if (v.Tag == Tag.Table)
        {
            return v;
        }

        uint mt = c.Vm.GetMetatable(v);
        if (mt != 0
            && ((needs & Needs.Read) == 0 || HasField(ref c, mt, "__index"u8))
            && ((needs & Needs.Write) == 0 || HasField(ref c, mt, "__newindex"u8))
            && ((needs & Needs.Length) == 0 || HasField(ref c, mt, "__len"u8)))
        {
            return v;
        }

        throw c.TypeError(arg, "table");
    }

    private static bool HasField(ref CallContext c, uint mt, ReadOnlySpan<byte> name)
    {
        Value key = c.G.NewString(name); // mt is reachable from the argument: no anchor needed
        return !LuaTable.Get(c.G, mt, key).IsNil;
    }

    private static long LengthArg(ref CallContext c, int arg, Needs needs)
    {
        Value t = CheckTableLike(ref c, arg, needs | Needs.Length);
        return LengthOf(ref c, t);
    }

    // ---- functions ----

    private static int Concat(ref CallContext c)
    {
        long last = LengthArg(ref c, 1, Needs.Read);
        Value t = c.Arg(1);
        bool hasSep = !c.IsNoneOrNil(2);
        int sepLength = hasSep ? c.CheckString(2).Length : 0;
        long i = c.OptInteger(3, 1);
        last = c.OptInteger(4, last);

        LuaRuntime rt = LuaRuntime.Of(c.Vm);
        ByteBuilder buffer = rt.RentBuilder(); // reused per state: no managed garbage per call
        try
        {
            Span<byte> number = stackalloc byte[64];
            for (; i <= last; i++)
            {
                Value v = Get(ref c, t, i);
                c.ChargeWork(1); // an element
                if (v.IsString)
                {
                    c.ChargeBytes(c.G.StringSpan(v).Length + sepLength);
                    buffer.Append(c.G.StringSpan(v));
                }
                else if (v.IsNumber)
                {
                    int len = LuaConvert.FormatNumber(v, number);
                    buffer.Append(number[..len]);
                }
                else
                {
                    throw new LuaError($"invalid value ({c.Vm.TypeName(v)}) at index {i} in table for 'concat'");
                }

                if (i == last)
                {
                    break; // last may be maxinteger: never step past it
                }

                if (hasSep)
                {
                    buffer.Append(c.G.StringSpan(c.Arg(2))); // read again: an __index call may have run
                }
            }

            return c.Return(buffer.WrittenSpan);
        }
        finally
        {
            rt.ReturnBuilder(buffer);
        }
    }

    private static int Insert(ref CallContext c)
    {
        long e = unchecked(LengthArg(ref c, 1, Needs.Read | Needs.Write) + 1); // first empty slot
        Value t = c.Arg(1);
        long pos;
        switch (c.ArgCount)
        {
            case 2:
                pos = e;
                break;
            case 3:
                pos = c.CheckInteger(2);
                if (unchecked((ulong)pos - 1) >= (ulong)e)
                {
                    throw c.ArgError(2, "position out of bounds");
                }

                c.ChargeWork(e - pos); // the elements moved
                if (e > pos)
                {
                    Set(ref c, t, e, Get(ref c, t, e - 1)); // first the one beyond the list (the table may grow)
                    if (!IsPlainTable(ref c, t) || !LuaTable.TryMoveInArray(c.G, t.R, pos, pos + 1, e - 1 - pos))
                    {
                        for (long i = e - 1; i > pos; i--)
                        {
                            Set(ref c, t, i, Get(ref c, t, i - 1)); // move up
                        }
                    }
                }

                break;
            default:
                throw new LuaError("wrong number of arguments to 'insert'");
        }

        Set(ref c, t, pos, c.Arg(c.ArgCount));
        return 0;
    }

    private static int Remove(ref CallContext c)
    {
        long size = LengthArg(ref c, 1, Needs.Read | Needs.Write);
        Value t = c.Arg(1);
        long pos = c.OptInteger(2, size);
        if (pos != size && unchecked((ulong)pos - 1) > (ulong)size)
        {
            throw c.ArgError(1, "position out of bounds"); // size + 1 is allowed; lua5.4.4 names argument 1
        }

        c.Push(Get(ref c, t, pos)); // the result
        if (pos < size)
        {
            c.ChargeWork(size - pos); // the elements moved
        }

        if (pos < size && IsPlainTable(ref c, t) && LuaTable.TryMoveInArray(c.G, t.R, pos + 1, pos, size - pos))
        {
            pos = size; // moved down as one block
        }

        for (; pos < size; pos++)
        {
            Set(ref c, t, pos, Get(ref c, t, pos + 1)); // move down
        }

        Set(ref c, t, pos, Value.Nil);
        return 1;
    }

    private static int Move(ref CallContext c)
    {
        long f = c.CheckInteger(2);
        long e = c.CheckInteger(3);
        long t = c.CheckInteger(4);
        int tt = c.IsNoneOrNil(5) ? 1 : 5;
        Value a1 = CheckTableLike(ref c, 1, Needs.Read);
        Value a2 = CheckTableLike(ref c, tt, Needs.Write);
        if (e >= f)
        {
            if (!(f > 0 || e < long.MaxValue + f))
            {
                throw c.ArgError(3, "too many elements to move");
            }

            long n = e - f; // elements to move, less one
            if (t > long.MaxValue - n)
            {
                throw c.ArgError(4, "destination wrap around");
            }

            // Front to back unless the ranges overlap with the destination ahead of the source.
            if (t > e || t <= f || (tt != 1 && !c.Vm.EqualsWithMeta(c.Coroutine, a1, a2)))
            {
                for (long i = 0; i <= n; i++)
                {
                    c.ChargeWork(1); // an element moved
                    Set(ref c, a2, t + i, Get(ref c, a1, f + i));
                }
            }
            else
            {
                for (long i = n; i >= 0; i--)
                {
                    c.ChargeWork(1); // an element moved
                    Set(ref c, a2, t + i, Get(ref c, a1, f + i));
                }
            }
        }

        return c.Return(a2);
    }

    private static int Pack(ref CallContext c)
    {
        int n = c.ArgCount;
        c.ChargeWork(n); // the elements stored
        Value t = Value.Object(Tag.Table, LuaTable.New(c.G, n, 1));
        c.Push(t); // anchored: also the result
        for (int i = 1; i <= n; i++)
        {
            LuaTable.SetInt(c.G, t.R, i, c.Arg(i)); // array part is preallocated
        }

        Value key = c.G.NewString("n"u8);
        c.G.PushTemp(key);
        try
        {
            LuaTable.Set(c.G, t.R, key, Value.Integer(n));
        }
        finally
        {
            c.G.PopTemp();
        }

        return 1;
    }

    private static int Unpack(ref CallContext c)
    {
        Value t = c.Arg(1);
        long i = c.OptInteger(2, 1);
        long e = c.IsNoneOrNil(3) ? LengthOf(ref c, t) : c.CheckInteger(3);
        if (i > e)
        {
            return 0;
        }

        ulong n = unchecked((ulong)e - (ulong)i) + 1; // number of results (0 means 2^64)
        if (n == 0 || n >= int.MaxValue || (long)n >= c.Vm.MaxStack - c.Top)
        {
            throw new LuaError("too many results to unpack");
        }

        c.ChargeWork((long)n); // the values pushed
        c.Vm.EnsureStack(c.Coroutine, c.Top + (int)n);
        for (long k = i; ; k++)
        {
            c.Push(Get(ref c, t, k));
            if (k == e)
            {
                break; // e may be maxinteger
            }
        }

        return (int)n;
    }

    // ---- sort ----

    /// <summary>
    /// State of one sort: the table and comparator (arguments 1 and 2), and three stack slots
    /// that keep the pivot and the two values being compared or swapped alive while the
    /// comparator (which may change the table) runs.
    /// </summary>
    private struct Sorter
    {
        public Value Table;
        public Value Comparator;
        public int PivotSlot;
        public int ASlot;
        public int BSlot;
    }

    private static int Sort(ref CallContext c)
    {
        long n = LengthArg(ref c, 1, Needs.Read | Needs.Write);
        if (n > 1)
        {
            if (n >= int.MaxValue)
            {
                throw c.ArgError(1, "array too big");
            }

            if (!c.IsNoneOrNil(2))
            {
                c.CheckFunction(2);
            }

            int top = c.Top;
            c.Push(Value.Nil);
            c.Push(Value.Nil);
            c.Push(Value.Nil);
            var s = new Sorter
            {
                Table = c.Arg(1),
                Comparator = c.Arg(2),
                PivotSlot = top,
                ASlot = top + 1,
                BSlot = top + 2,
            };
            QuickSort(ref c, ref s, 1, (int)n);
        }

        return 0;
    }

    private static void SetSlot(ref CallContext c, int slot, in Value v) => c.SetArg(slot - c.Base + 1, v);

    /// <summary>a &lt; b by the comparator, or by the &lt; operator when there is none.</summary>
    private static bool Less(ref CallContext c, ref Sorter s, in Value a, in Value b)
    {
        c.ChargeWork(1); // a comparison
        if (s.Comparator.IsNil)
        {
            return c.Vm.Compare(c.Coroutine, a, b, TM.Lt);
        }

        int func = c.Call(s.Comparator, a, b, 1);
        bool r = !c.StackAt(func).IsFalsy;
        c.Top = func;
        return r;
    }

    /// <summary>Loads t[i] into slot A and t[j] into slot B.</summary>
    private static void Load(ref CallContext c, ref Sorter s, long i, long j)
    {
        SetSlot(ref c, s.ASlot, Get(ref c, s.Table, i));
        SetSlot(ref c, s.BSlot, Get(ref c, s.Table, j));
    }

    /// <summary>t[i], t[j] = slot B, slot A (the values loaded by <see cref="Load"/>, exchanged).</summary>
    private static void StoreSwapped(ref CallContext c, ref Sorter s, long i, long j)
    {
        Set(ref c, s.Table, i, c.StackAt(s.BSlot));
        Set(ref c, s.Table, j, c.StackAt(s.ASlot));
    }

    private static void Swap(ref CallContext c, ref Sorter s, long i, long j)
    {
        Load(ref c, ref s, i, j);
        StoreSwapped(ref c, ref s, i, j);
    }

    /// <summary>
    /// Quicksort of t[lo..hi] with median-of-three pivots. The partition scans stop at the
    /// sentinels the median step leaves at both ends; a scan that runs past them can only mean
    /// an inconsistent comparator, which is reported as Lua does. The smaller part is sorted
    /// recursively and the larger one by looping, so the depth stays logarithmic.
    /// </summary>
    private static void QuickSort(ref CallContext c, ref Sorter s, int lo, int hi)
    {
        while (lo < hi)
        {
            // Order t[lo] and t[hi].
            Load(ref c, ref s, lo, hi);
            if (Less(ref c, ref s, c.StackAt(s.BSlot), c.StackAt(s.ASlot)))
            {
                StoreSwapped(ref c, ref s, lo, hi);
            }

            if (hi - lo == 1)
            {
                return;
            }

            // Put the median of t[lo], t[mid], t[hi] in the middle.
            int mid = (int)(((uint)lo + (uint)hi) / 2);
            Load(ref c, ref s, mid, lo);
            if (Less(ref c, ref s, c.StackAt(s.ASlot), c.StackAt(s.BSlot)))
            {
                StoreSwapped(ref c, ref s, mid, lo);
            }
            else
            {
                Load(ref c, ref s, mid, hi);
                if (Less(ref c, ref s, c.StackAt(s.BSlot), c.StackAt(s.ASlot)))
                {
                    StoreSwapped(ref c, ref s, mid, hi);
                }
            }

            if (hi - lo == 2)
            {
                return;
            }

            // Pivot to hi - 1: t[lo] <= pivot <= t[hi] bound the scans below.
            SetSlot(ref c, s.PivotSlot, Get(ref c, s.Table, mid));
            Swap(ref c, ref s, mid, hi - 1);
            int p = Partition(ref c, ref s, lo, hi);

            if (p - lo < hi - p)
            {
                QuickSort(ref c, ref s, lo, p - 1);
                lo = p + 1;
            }
            else
            {
                QuickSort(ref c, ref s, p + 1, hi);
                hi = p - 1;
            }
        }
    }

    /// <summary>Partitions t[lo..hi] around the pivot (in its slot and at hi - 1); returns the pivot's final index.</summary>
    private static int Partition(ref CallContext c, ref Sorter s, int lo, int hi)
    {
        int i = lo;
        int j = hi - 1;
        while (true)
        {
            // Scan up while t[i] < pivot.
            while (true)
            {
                i++;
                SetSlot(ref c, s.ASlot, Get(ref c, s.Table, i));
                if (!Less(ref c, ref s, c.StackAt(s.ASlot), c.StackAt(s.PivotSlot)))
                {
                    break;
                }

                if (i == hi - 1)
                {
                    LuaErrors.ThrowInvalidOrderFunction();
                }
            }

            // Scan down while pivot < t[j].
            while (true)
            {
                j--;
                SetSlot(ref c, s.BSlot, Get(ref c, s.Table, j));
                if (!Less(ref c, ref s, c.StackAt(s.PivotSlot), c.StackAt(s.BSlot)))
                {
                    break;
                }

                if (j < i)
                {
                    LuaErrors.ThrowInvalidOrderFunction();
                }
            }

            if (j < i)
            {
                // Scans crossed: the pivot goes to i, whose value goes to hi - 1.
                Set(ref c, s.Table, hi - 1, c.StackAt(s.ASlot));
                Set(ref c, s.Table, i, c.StackAt(s.PivotSlot));
                return i;
            }

            // t[i] >= pivot >= t[j]: exchange them and go on.
            Set(ref c, s.Table, i, c.StackAt(s.BSlot));
            Set(ref c, s.Table, j, c.StackAt(s.ASlot));
        }
    }
}
