using System.Runtime.CompilerServices;
using MicroLua.Memory;
using MicroLua.Values;

namespace MicroLua.Gc;

/// <summary>The collector modes <c>collectgarbage("incremental")</c> and <c>("generational")</c> switch between.</summary>
internal enum GcMode
{
    Incremental,
    Generational,
}

/// <summary>
/// The garbage collector of one state: stop-the-world mark and sweep over the heap block,
/// with Lua 5.4's semantics for weak tables (weak values, ephemerons), finalizers (__gc,
/// called in reverse order of registration, with resurrection) and allocation-debt pacing.
///
/// A cycle:
/// <list type="number">
/// <item>Mark from the roots with an explicit gray stack (no recursion: a chain of a million
/// tables costs a deep managed array, not a deep .NET stack). Sub-blocks (array parts, node
/// blocks, stacks, prototype arrays) are marked by their owner and read as part of it.</item>
/// <item>Ephemerons (weak-key tables) are re-traversed until no traversal marks anything: a
/// value is reachable through a weak key only if the key is reachable otherwise.</item>
/// <item>Weak values referring to unreached objects are cleared; then unreached objects marked
/// for finalization are separated and marked again (resurrected) with all they reach; then
/// weak keys are cleared, and weak values once more (tables only reached by resurrection).</item>
/// <item>Open upvalues of dead threads are closed; dead short strings are unlinked from the
/// string table; the heap is swept in address order; the next cycle's threshold is set.</item>
/// <item>Outside emergencies, the separated objects' finalizers run.</item>
/// </list>
/// The collector allocates nothing in the heap, and on the managed side only when one of its
/// work lists outgrows its buffer, so it is safe inside a failed allocation.
///
/// What the interpreter must keep true at every allocation and <see cref="LuaGlobal.CheckGC"/>:
/// each thread's <see cref="ThreadObj.Top"/> covers every live slot (slots above it are
/// cleared to nil by each cycle); open upvalues point below the top; objects held only in C#
/// locals are anchored (temps, pending blocks, or <see cref="LuaGlobal.MarkExtraRoots"/>).
/// </summary>
internal sealed unsafe partial class Collector : IGarbageCollector, IRootMarker
{
    private readonly LuaGlobal _g;
    private readonly Heap _heap;

    /// <summary>Interned, fixed "__mode" and "__gc".</summary>
    private readonly uint _modeString;
    private readonly uint _gcString;

    // The work lists are made by the constructors (a state made from a snapshot starts them empty).
    private RefList _gray;
    private RefList _weakValues; // tables whose values are weak (v and kv)
    private RefList _weakKeys; // tables whose keys are weak (k and kv)
    private RefList _ephemerons; // tables with weak keys only
    private RefList _openUpvals; // open upvalues reached this cycle
    private RefList _deadKeyTables; // strong tables with entries whose value is nil

    /// <summary>Objects marked for finalization, in the order they were marked.</summary>
    private RefList _finobj;

    /// <summary>Objects whose finalizers are due, in call order; entries before the head ran.</summary>
    private RefList _tobefnz;
    private int _tobefnzHead;

    private long _marks; // objects marked in this cycle: ephemeron convergence compares it
    private bool _closing;
    private bool _runningFinalizers;

    private Collector(LuaGlobal g)
    {
        _g = g;
        _heap = g.Heap;
        _gray = new(256);
        _weakValues = new(16);
        _weakKeys = new(16);
        _ephemerons = new(16);
        _openUpvals = new(16);
        _deadKeyTables = new(16);
        _finobj = new(16);
        _tobefnz = new(16);
        _modeString = InternFixed(g, "__mode"u8);
        _gcString = InternFixed(g, "__gc"u8);
    }

    /// <summary>Creates the collector of <paramref name="g"/> and installs it.</summary>
    public static Collector Attach(LuaGlobal g)
    {
        var c = new Collector(g);
        g.Collector = c;
        c.SetThreshold();
        return c;
    }

    private static uint InternFixed(LuaGlobal g, ReadOnlySpan<byte> s)
    {
        uint r = g.Strings.Intern(s);
        ((ObjHeader*)g.Heap.Ptr(r))->Gc |= GcBits.Fixed;
        return r;
    }

    /// <summary>
    /// Called with the host handle of every full userdata the sweep frees, just before the
    /// handle is released. Runs inside the collection: it must not touch the Lua heap.
    /// </summary>
    public Action<int>? UserdataFreed { get; set; }

    /// <summary>The mode last selected (both modes collect stop-the-world for now).</summary>
    public GcMode Mode { get; private set; } = GcMode.Incremental;

    /// <summary>Step size (log2 of kilobytes) recorded for the incremental mode.</summary>
    public int StepSize { get; private set; } = 13;

    /// <summary>Minor multiplier recorded for the generational mode.</summary>
    public int MinorMul { get; private set; } = 20;

    /// <summary>Major multiplier recorded for the generational mode.</summary>
    public int MajorMul { get; private set; } = 100;

    /// <summary>
    /// Whether entries of ordinary tables whose value is nil stop keeping their key alive (as
    /// in Lua: the key becomes a dead key when nothing else reaches it). Off by default: until
    /// LuaTable's insertion handles dead keys in a main position, dead keys are made only in
    /// weak-key tables, and a removed key (t[k] = nil) lives until the table's next rehash.
    /// </summary>
    public bool DeadKeysInStrongTables { get; set; }

    /// <summary>Number of objects marked for finalization whose finalizer is not yet due.</summary>
    public int FinalizableCount => _finobj.Count;

    /// <summary>Number of objects whose finalizers are due but have not run.</summary>
    public int PendingFinalizerCount => _tobefnz.Count - _tobefnzHead;

    // ---- collectgarbage options ----

    /// <summary><c>collectgarbage("collect")</c>: a full cycle, then due finalizers.</summary>
    public void FullCollect() => FullCollect(emergency: false);

    /// <summary>Whether finalizers are running: the collector is not reentrant, so a collection asked for now does nothing.</summary>
    public bool IsRunningFinalizers => _runningFinalizers;

    /// <summary>
    /// <c>collectgarbage("step", kbytes)</c>: stop-the-world, so a step is a whole cycle, and
    /// it completes one (true). Runs even when the collector is stopped, as in Lua.
    /// </summary>
    public bool StepCollect(long kbytes)
    {
        _ = kbytes;
        if (_runningFinalizers)
        {
            return false;
        }

        FullCollect(emergency: false);
        return true;
    }

    /// <summary><c>collectgarbage("stop")</c>: no automatic cycles until <see cref="Restart"/> (emergency ones still run).</summary>
    public void Stop() => _g.GcStopped = true;

    /// <summary><c>collectgarbage("restart")</c>.</summary>
    public void Restart()
    {
        _g.GcStopped = false;
        _g.GcDebt = 0;
    }

    /// <summary><c>collectgarbage("isrunning")</c>.</summary>
    public bool IsRunning => !_g.GcStopped;

    /// <summary><c>collectgarbage("count")</c> in bytes.</summary>
    public long Count => _heap.Stats.BytesInUse;

    /// <summary><c>collectgarbage("setpause", p)</c>: returns the previous pause.</summary>
    public int SetPause(int pause)
    {
        int old = _g.GcPause;
        _g.GcPause = Math.Max(0, pause);
        return old;
    }

    /// <summary><c>collectgarbage("setstepmul", m)</c>: returns the previous multiplier.</summary>
    public int SetStepMul(int stepMul)
    {
        int old = _g.GcStepMul;
        _g.GcStepMul = Math.Max(0, stepMul);
        return old;
    }

    /// <summary><c>collectgarbage("incremental", pause, stepmul, stepsize)</c>; zero keeps a setting. Returns the previous mode.</summary>
    public GcMode SetIncremental(int pause = 0, int stepMul = 0, int stepSize = 0)
    {
        GcMode old = Mode;
        if (pause != 0)
        {
            SetPause(pause);
        }

        if (stepMul != 0)
        {
            SetStepMul(stepMul);
        }

        if (stepSize != 0)
        {
            StepSize = stepSize;
        }

        Mode = GcMode.Incremental;
        return old;
    }

    /// <summary><c>collectgarbage("generational", minormul, majormul)</c>; zero keeps a setting. Returns the previous mode.</summary>
    public GcMode SetGenerational(int minorMul = 0, int majorMul = 0)
    {
        GcMode old = Mode;
        if (minorMul != 0)
        {
            MinorMul = minorMul;
        }

        if (majorMul != 0)
        {
            MajorMul = majorMul;
        }

        Mode = GcMode.Generational;
        return old;
    }

    // ---- IGarbageCollector ----

    /// <summary>Pays allocation debt: a full cycle (no steps are taken while finalizers run).</summary>
    public void Step()
    {
        if (_runningFinalizers || _g.InCollection)
        {
            return;
        }

        FullCollect(emergency: false);
    }

    public void FullCollect(bool emergency)
    {
        if (_g.InCollection || (!emergency && _runningFinalizers))
        {
            return;
        }

        _g.InCollection = true;
        try
        {
            Cycle();
        }
        finally
        {
            _g.InCollection = false;
        }

        if (!emergency)
        {
            _g.Strings.ShrinkIfSparse(); // may allocate a smaller bucket array, never collects
            RunPendingFinalizers();
        }
    }

    public void CheckFinalizer(uint obj, uint metatable)
    {
        if (_closing || obj == 0 || metatable == 0)
        {
            return;
        }

        var h = (ObjHeader*)_heap.Ptr(obj);
        if ((h->Type != ObjType.Table && h->Type != ObjType.Userdata) || (h->Gc & GcBits.Finalizable) != 0)
        {
            return;
        }

        Value* gc = LuaTable.FindShortString(_g, metatable, _gcString);
        if (gc == null || gc->IsNil)
        {
            return;
        }

        h->Gc |= GcBits.Finalizable;
        _finobj.Add(obj);
    }

    // ---- finalizers ----

    /// <summary>
    /// Runs every due finalizer, in order. Does nothing while finalizers already run (a
    /// finalizer that collects) or before the interpreter installs <see cref="LuaGlobal.CallFinalizer"/>.
    /// </summary>
    public void RunPendingFinalizers()
    {
        if (_runningFinalizers || _g.CallFinalizer == null || _tobefnzHead == _tobefnz.Count)
        {
            return;
        }

        _runningFinalizers = true;
        try
        {
            // The queue may grow meanwhile (an emergency cycle inside a finalizer separates more).
            while (_tobefnzHead < _tobefnz.Count)
            {
                uint obj = _tobefnz[_tobefnzHead++];
                CallFinalizer(obj);
            }

            _tobefnz.Clear();
            _tobefnzHead = 0;
        }
        finally
        {
            _runningFinalizers = false;
        }
    }

    /// <summary>
    /// At state close: calls the finalizers of every object marked for finalization, reachable
    /// or not (newest first, after those already due), as Lua does in lua_close. Objects marked
    /// for finalization from now on are ignored.
    /// </summary>
    public void RunAllFinalizers()
    {
        _closing = true;
        for (int i = _finobj.Count - 1; i >= 0; i--)
        {
            _tobefnz.Add(_finobj[i]);
        }

        _finobj.Clear();
        RunPendingFinalizers();
    }

    private void CallFinalizer(uint obj)
    {
        var h = (ObjHeader*)_heap.Ptr(obj);
        h->Gc = (byte)((h->Gc & ~GcBits.Finalizable) | GcBits.Finalized);
        bool isTable = h->Type == ObjType.Table;
        uint mt = isTable ? ((TableObj*)h)->Metatable : ((UserdataObj*)h)->Metatable;
        Value* gcSlot = mt == 0 ? null : LuaTable.FindShortString(_g, mt, _gcString);
        if (gcSlot == null || gcSlot->IsNil)
        {
            return;
        }

        Value gc = *gcSlot;
        Value o = Value.Object(isTable ? Tag.Table : Tag.Userdata, obj);
        _g.PushTemp(o); // the object left the queue: anchor it (and its finalizer) during the call
        _g.PushTemp(gc);
        try
        {
            _g.CallFinalizer!(gc, o);
        }
        catch (Exception e) when (!Vm.Interpreter.IsStop(e))
        {
            // Lua: an error in a finalizer becomes a warning; the collection goes on.
            // A stop (instruction budget, cancellation) is no error: it goes on to the host.
            _g.Warn?.Invoke($"error in __gc ({e.Message})");
        }
        finally
        {
            _g.PopTemp(2);
        }
    }

    // ---- the cycle ----

    private void Cycle()
    {
        _gray.Clear();
        _weakValues.Clear();
        _weakKeys.Clear();
        _ephemerons.Clear();
        _openUpvals.Clear();
        _deadKeyTables.Clear();
        _marks = 0;

        MarkRoots();
        Propagate();
        ConvergeEphemerons();

        // Weak values that refer to objects about to be finalized are cleared before the
        // objects are resurrected (Lua manual 2.5.4)...
        ClearValues();
        if (SeparateUnreachedFinalizable())
        {
            Propagate();
            ConvergeEphemerons();
        }

        // ... and weak keys only afterwards, so resurrected keys stay until the next cycle.
        ClearKeys();
        ClearValues(); // tables found only through resurrected objects

        ClearDeadKeysOfStrongTables();
        CloseUpvaluesOfDeadThreads();
        _g.Strings.RemoveDead(&IsDeadString);
        Sweep();
        _heap.Stats.Collections++;
        SetThreshold();
    }

    private void SetThreshold()
    {
        long live = _heap.Stats.BytesInUse;
        long threshold = live / 100 * _g.GcPause + (live % 100 * _g.GcPause / 100);
        _g.GcDebt = live - threshold;
    }

    private static bool IsDeadString(LuaGlobal g, uint r) =>
        (((ObjHeader*)g.Heap.Ptr(r))->Gc & (GcBits.Marked | GcBits.Fixed)) == 0;

    private void MarkRoots()
    {
        MarkValue(_g.Registry);
        MarkValue(_g.MainThread);
        foreach (uint mt in _g.TypeMetatables)
        {
            MarkObject(mt);
        }

        MarkValue(_g.MemoryErrorString);
        foreach (Value v in _g.HostRoots)
        {
            MarkValue(v);
        }

        foreach (Value v in _g.Temps)
        {
            MarkValue(v);
        }

        foreach (uint r in _g.PendingBlocks)
        {
            MarkBlock(r); // not yet initialised: never read
        }

        MarkBlock(_g.Strings.BucketsRef);
        for (int i = _tobefnzHead; i < _tobefnz.Count; i++)
        {
            MarkObject(_tobefnz[i]); // due finalizers keep their objects alive until they run
        }

        _g.MarkExtraRoots?.Invoke(this);
    }

    void IRootMarker.MarkValue(in Value v) => MarkValue(v);

    void IRootMarker.MarkObject(uint r) => MarkObject(r);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsMarked(uint r) => (_heap.Ptr(r)[5] & GcBits.Marked) != 0;

    /// <summary>Marks a value's object, if it has one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void MarkValue(in Value v)
    {
        if (v.IsCollectable)
        {
            MarkObject(v.R);
        }
    }

    /// <summary>Marks an object and queues it for traversal unless it is a leaf. 0 is ignored.</summary>
    private void MarkObject(uint r)
    {
        if (r == 0)
        {
            return;
        }

        byte* h = _heap.Ptr(r);
        if ((h[5] & GcBits.Marked) != 0)
        {
            return;
        }

        h[5] |= GcBits.Marked;
        _marks++;
        var type = (ObjType)h[4];
        if (type is not (ObjType.ShortString or ObjType.LongString))
        {
            _gray.Add(r);
        }
    }

    /// <summary>Marks a sub-block its owner reads itself (or a block never read). 0 is ignored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void MarkBlock(uint r)
    {
        if (r != 0)
        {
            _heap.Ptr(r)[5] |= GcBits.Marked;
        }
    }

    /// <summary>Marks a value that weak tables treat as an object: strings are never removed from them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void MarkIfString(in Value v)
    {
        if (v.IsString)
        {
            MarkObject(v.R);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsCollectableKey(Tag t) => t >= Tag.ShortString && t != Tag.DeadKey;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsStringTag(Tag t) => t is Tag.ShortString or Tag.LongString;

    /// <summary>Whether a weak entry holding <paramref name="v"/> is to be cleared: an object (not a string) nobody reached.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsClearable(in Value v) => v.IsCollectable && !v.IsString && !IsMarked(v.R);

    private void Propagate()
    {
        while (_gray.Count > 0)
        {
            uint r = _gray.Pop();
            byte* p = _heap.Ptr(r);
            switch ((ObjType)p[4])
            {
                case ObjType.Table:
                    TraverseTable(r, (TableObj*)p);
                    break;
                case ObjType.LuaClosure:
                    TraverseLuaClosure((LuaClosureObj*)p);
                    break;
                case ObjType.HostClosure:
                    TraverseHostClosure((HostClosureObj*)p);
                    break;
                case ObjType.UpValue:
                    TraverseUpValue(r, (UpValueObj*)p);
                    break;
                case ObjType.Userdata:
                    TraverseUserdata((UserdataObj*)p);
                    break;
                case ObjType.Thread:
                    TraverseThread((ThreadObj*)p);
                    break;
                case ObjType.Proto:
                    TraverseProto((ProtoObj*)p);
                    break;
                default:
                    break; // a sub-block handed over as a root: marked, nothing to read
            }
        }
    }

    /// <summary>Weakness of a table from its metatable's __mode: bit 1 keys, bit 2 values.</summary>
    private int WeakMode(uint mt)
    {
        if (mt == 0)
        {
            return 0;
        }

        Value* mode = LuaTable.FindShortString(_g, mt, _modeString);
        if (mode == null || !mode->IsString)
        {
            return 0;
        }

        int m = 0;
        foreach (byte b in StringObj.Span((StringObj*)_heap.Ptr(mode->R)))
        {
            if (b == (byte)'k')
            {
                m |= 1;
            }
            else if (b == (byte)'v')
            {
                m |= 2;
            }
        }

        return m;
    }

    private void TraverseTable(uint r, TableObj* t)
    {
        MarkObject(t->Metatable);
        MarkBlock(t->Array);
        MarkBlock(t->Nodes);
        int mode = WeakMode(t->Metatable);
        bool weakKeys = (mode & 1) != 0;
        bool weakValues = (mode & 2) != 0;

        if (t->ArraySize > 0)
        {
            Value* arr = LuaTable.ArrayBase(_g, t);
            uint n = t->ArraySize;
            if (weakValues)
            {
                for (uint i = 0; i < n; i++)
                {
                    MarkIfString(arr[i]);
                }
            }
            else
            {
                for (uint i = 0; i < n; i++)
                {
                    MarkValue(arr[i]); // integer keys: an ephemeron's array part is strong
                }
            }
        }

        if (weakValues)
        {
            _weakValues.Add(r);
        }

        if (weakKeys)
        {
            _weakKeys.Add(r);
        }

        if (t->Nodes == 0)
        {
            return;
        }

        Node* nodes = LuaTable.NodeBase(_g, t);
        int count = LuaTable.NodeCount(t);
        if (mode == 0)
        {
            // Keys of entries whose value is nil: either kept (the table holds them until its
            // next rehash drops them) or left to die as dead keys.
            bool deadKeys = DeadKeysInStrongTables;
            bool anyNil = false;
            for (int i = 0; i < count; i++)
            {
                Node* n = nodes + i;
                if (IsCollectableKey(n->KeyTag))
                {
                    if (deadKeys && n->Val.IsNil)
                    {
                        anyNil = true;
                        continue;
                    }

                    MarkObject((uint)n->KeyI);
                }

                MarkValue(n->Val);
            }

            if (anyNil)
            {
                _deadKeyTables.Add(r);
            }
        }
        else if (mode == 2)
        {
            for (int i = 0; i < count; i++)
            {
                Node* n = nodes + i;
                if (IsCollectableKey(n->KeyTag) && !n->Val.IsNil)
                {
                    MarkObject((uint)n->KeyI); // the key of an empty entry is left to die (ClearValues)
                }

                MarkIfString(n->Val);
            }
        }
        else if (mode == 3)
        {
            // String keys are left for ClearKeys: they stay only if their entry does.
            for (int i = 0; i < count; i++)
            {
                MarkIfString(nodes[i].Val);
            }
        }
        else
        {
            _ephemerons.Add(r);
            TraverseEphemeron(t);
        }
    }

    /// <summary>An ephemeron's hash part: a value is marked only once its key is marked.</summary>
    private void TraverseEphemeron(TableObj* t)
    {
        Node* nodes = LuaTable.NodeBase(_g, t);
        int count = LuaTable.NodeCount(t);
        for (int i = 0; i < count; i++)
        {
            Node* n = nodes + i;
            Tag kt = n->KeyTag;
            if (IsStringTag(kt))
            {
                if (!n->Val.IsNil)
                {
                    MarkObject((uint)n->KeyI); // a string is a value, never a weak reference
                    MarkValue(n->Val);
                }
            }
            else if (!IsCollectableKey(kt))
            {
                if (kt != Tag.DeadKey)
                {
                    MarkValue(n->Val); // a plain key is always reachable
                }
            }
            else if (IsMarked((uint)n->KeyI))
            {
                MarkValue(n->Val);
            }
        }
    }

    /// <summary>Re-traverses ephemerons until a full round marks nothing new.</summary>
    private void ConvergeEphemerons()
    {
        while (true)
        {
            long before = _marks;
            for (int i = 0; i < _ephemerons.Count; i++)
            {
                TraverseEphemeron((TableObj*)_heap.Ptr(_ephemerons[i]));
                Propagate(); // may find more ephemerons: the loop bound is read each time
            }

            if (_marks == before)
            {
                return;
            }
        }
    }

    private void TraverseLuaClosure(LuaClosureObj* c)
    {
        MarkObject(c->Proto);
        uint* up = LuaClosureObj.Upvals(c);
        for (int i = 0; i < c->H.Extra; i++)
        {
            MarkObject(up[i]);
        }
    }

    private void TraverseHostClosure(HostClosureObj* c)
    {
        Value* up = HostClosureObj.Upvals(c);
        for (int i = 0; i < c->H.Extra; i++)
        {
            MarkValue(up[i]);
        }
    }

    private void TraverseUpValue(uint r, UpValueObj* u)
    {
        if (u->V == r + UpValueObj.ClosedUnits)
        {
            MarkValue(u->Closed);
        }
        else if (u->V != 0)
        {
            // Open: the value sits in a thread's stack. Mark it here too, in case the thread
            // is dead; then the upvalue is closed before the sweep frees the stack.
            MarkValue(*(Value*)_heap.Ptr(u->V));
            _openUpvals.Add(r);
        }
    }

    private void TraverseUserdata(UserdataObj* u)
    {
        MarkObject(u->Metatable);
        Value* uv = UserdataObj.UserValues(u);
        for (int i = 0; i < u->H.Extra; i++)
        {
            MarkValue(uv[i]);
        }
    }

    private void TraverseThread(ThreadObj* t)
    {
        if (t->Stack != 0)
        {
            MarkBlock(t->Stack);
            Value* s = LuaThread.StackBase(_g, t);
            uint top = Math.Min(t->Top, t->StackSize);
            for (uint i = 0; i < top; i++)
            {
                MarkValue(s[i]);
            }

            // Slots above the top are dead: clear them so that stale values neither survive
            // nor dangle once their objects are freed.
            new Span<Value>(s + top, (int)(t->StackSize - top)).Clear();
        }

        for (uint uv = t->OpenUpval; uv != 0;)
        {
            var u = (UpValueObj*)_heap.Ptr(uv);
            u->H.Gc |= GcBits.OpenUpvalSeen;
            MarkObject(uv);
            uv = u->NextOpen;
        }
    }

    private void TraverseProto(ProtoObj* p)
    {
        MarkBlock(p->Code);
        MarkBlock(p->Upvals);
        MarkBlock(p->LineInfo);
        MarkObject(p->Source);
        if (p->Constants != 0)
        {
            MarkBlock(p->Constants);
            var k = (Value*)(_heap.Ptr(p->Constants) + sizeof(ObjHeader));
            for (uint i = 0; i < p->SizeConstants; i++)
            {
                MarkValue(k[i]);
            }
        }

        if (p->Protos != 0)
        {
            MarkBlock(p->Protos);
            var ps = (uint*)(_heap.Ptr(p->Protos) + sizeof(ObjHeader));
            for (uint i = 0; i < p->SizeProtos; i++)
            {
                MarkObject(ps[i]);
            }
        }

        if (p->UpvalNames != 0)
        {
            MarkBlock(p->UpvalNames);
            var names = (uint*)(_heap.Ptr(p->UpvalNames) + sizeof(ObjHeader));
            for (uint i = 0; i < p->SizeUpvals; i++)
            {
                MarkObject(names[i]);
            }
        }

        if (p->LocVars != 0)
        {
            MarkBlock(p->LocVars);
            var lv = (uint*)(_heap.Ptr(p->LocVars) + sizeof(ObjHeader));
            for (uint i = 0; i < p->SizeLocVars; i++)
            {
                MarkObject(lv[i * 3]); // records of (name, startpc, endpc)
            }
        }
    }

    // ---- weak tables ----

    private void ClearValues()
    {
        for (int w = 0; w < _weakValues.Count; w++)
        {
            var t = (TableObj*)_heap.Ptr(_weakValues[w]);
            if (t->ArraySize > 0)
            {
                Value* arr = LuaTable.ArrayBase(_g, t);
                for (uint i = 0; i < t->ArraySize; i++)
                {
                    if (IsClearable(arr[i]))
                    {
                        arr[i] = default;
                    }
                }
            }

            if (t->Nodes != 0)
            {
                Node* nodes = LuaTable.NodeBase(_g, t);
                int count = LuaTable.NodeCount(t);
                for (int i = 0; i < count; i++)
                {
                    Node* n = nodes + i;
                    if (IsClearable(n->Val))
                    {
                        n->Val = default;
                    }

                    if (n->Val.IsNil)
                    {
                        ClearKeyIfDead(n);
                    }
                }
            }
        }
    }

    private void ClearKeys()
    {
        for (int w = 0; w < _weakKeys.Count; w++)
        {
            var t = (TableObj*)_heap.Ptr(_weakKeys[w]);
            if (t->Nodes == 0)
            {
                continue;
            }

            Node* nodes = LuaTable.NodeBase(_g, t);
            int count = LuaTable.NodeCount(t);
            for (int i = 0; i < count; i++)
            {
                Node* n = nodes + i;
                if (!IsCollectableKey(n->KeyTag))
                {
                    continue;
                }

                if (IsStringTag(n->KeyTag))
                {
                    // A string key is never removed for weakness: it lives as long as its
                    // entry. An entry already emptied (its weak value was cleared) lets it go
                    // in this same cycle.
                    if (n->Val.IsNil)
                    {
                        ClearKeyIfDead(n);
                    }
                    else
                    {
                        MarkObject((uint)n->KeyI);
                    }
                }
                else if (!IsMarked((uint)n->KeyI))
                {
                    n->Val = default;
                    n->KeyTag = Tag.DeadKey; // the payload stays: next() can go on past it
                }
            }
        }
    }

    private void ClearDeadKeysOfStrongTables()
    {
        for (int w = 0; w < _deadKeyTables.Count; w++)
        {
            var t = (TableObj*)_heap.Ptr(_deadKeyTables[w]);
            Node* nodes = LuaTable.NodeBase(_g, t);
            int count = LuaTable.NodeCount(t);
            for (int i = 0; i < count; i++)
            {
                Node* n = nodes + i;
                if (n->Val.IsNil)
                {
                    ClearKeyIfDead(n); // strings too: a dead string key would dangle
                }
            }
        }
    }

    /// <summary>An entry without value whose key object is unreached: the key becomes a dead key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ClearKeyIfDead(Node* n)
    {
        if (IsCollectableKey(n->KeyTag) && !IsMarked((uint)n->KeyI))
        {
            n->KeyTag = Tag.DeadKey;
        }
    }

    // ---- finalization ----

    /// <summary>
    /// Moves unreached objects marked for finalization to the due queue, newest first (Lua
    /// calls finalizers in the reverse order of marking), and marks them again. True if any.
    /// </summary>
    private bool SeparateUnreachedFinalizable()
    {
        int firstNew = _tobefnz.Count;
        for (int i = _finobj.Count - 1; i >= 0; i--)
        {
            uint o = _finobj[i];
            if (!IsMarked(o))
            {
                _tobefnz.Add(o);
            }
        }

        if (_tobefnz.Count == firstNew)
        {
            return false;
        }

        int kept = 0;
        for (int i = 0; i < _finobj.Count; i++)
        {
            uint o = _finobj[i];
            if (IsMarked(o))
            {
                _finobj[kept++] = o;
            }
        }

        _finobj.Count = kept;
        for (int i = firstNew; i < _tobefnz.Count; i++)
        {
            MarkObject(_tobefnz[i]); // resurrect until the finalizer has run
        }

        return true;
    }

    // ---- sweep ----

    /// <summary>Open upvalues whose thread nobody reached get their value copied in (as when a thread is freed).</summary>
    private void CloseUpvaluesOfDeadThreads()
    {
        for (int i = 0; i < _openUpvals.Count; i++)
        {
            uint r = _openUpvals[i];
            var u = (UpValueObj*)_heap.Ptr(r);
            if ((u->H.Gc & GcBits.OpenUpvalSeen) == 0 && u->V != r + UpValueObj.ClosedUnits)
            {
                u->Closed = *(Value*)_heap.Ptr(u->V);
                u->V = r + UpValueObj.ClosedUnits;
                u->NextOpen = 0;
            }
        }
    }

    /// <summary>
    /// Frees every used block that is neither marked nor fixed, in address order, and clears
    /// the mark bits of the others. Freeing merges a block with free neighbours, so the next
    /// position is computed before the free (skipping a free successor, whose header the merge
    /// leaves stale).
    /// </summary>
    private void Sweep()
    {
        const byte cycleBits = GcBits.Marked | GcBits.OpenUpvalSeen;
        byte* baseP = _heap.Base;
        uint end = _heap.PoolEnd;
        uint b = Heap.FirstBlock;
        while (b < end)
        {
            uint size = _heap.SizeAt(b);
            if (_heap.IsFreeAt(b))
            {
                b += size;
                continue;
            }

            byte* h = baseP + b;
            byte gc = h[5];
            if ((gc & (GcBits.Marked | GcBits.Fixed)) != 0)
            {
                h[5] = (byte)(gc & ~cycleBits);
                b += size;
                continue;
            }

            uint next = b + size;
            if (next < end && _heap.IsFreeAt(next))
            {
                next += _heap.SizeAt(next);
            }

            ReleaseHandle(h);
            _heap.Free(b >> 3);
            b = next;
        }
    }

    private void ReleaseHandle(byte* h)
    {
        switch ((ObjType)h[4])
        {
            case ObjType.Userdata:
                int uh = ((UserdataObj*)h)->Handle;
                if (uh >= 0)
                {
                    UserdataFreed?.Invoke(uh);
                    _g.Handles.Release(uh);
                }

                break;
            case ObjType.Thread:
                int th = ((ThreadObj*)h)->Handle;
                if (th >= 0)
                {
                    _g.Handles.Release(th);
                }

                break;
            default:
                break;
        }
    }

    /// <summary>A growable list of references whose buffer is kept between cycles.</summary>
    private struct RefList
    {
        private uint[] _items;

        public RefList(int capacity)
        {
            _items = capacity == 0 ? [] : new uint[capacity];
            Count = 0;
        }

        public int Count;

        public uint this[int i]
        {
            readonly get => _items[i];
            set => _items[i] = value;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(uint r)
        {
            if (Count == _items.Length)
            {
                Array.Resize(ref _items, Math.Max(16, Count * 2));
            }

            _items[Count++] = r;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public uint Pop() => _items[--Count];

        public void Clear() => Count = 0;
    }
}
