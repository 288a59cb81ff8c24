using MicroLua.Core;
using MicroLua.Memory;
using MicroLua.Values;

namespace MicroLua.Gc;

/// <summary>
/// A debug aid: checks that the heap is well formed. The allocator's own invariants
/// (<see cref="Heap.CheckIntegrity"/>), then every block: a known type, a size that holds
/// what its header says, and every reference inside a live object pointing at the start of
/// a live block of an allowed type (a value's tag must equal its block's type); sub-blocks
/// owned at most once; the string table's chains holding exactly the live short strings;
/// the sum of live blocks equal to the statistics; outside a cycle, no block left marked;
/// and, while a cycle marks (outside its atomic phase), the tri-colour invariant: no black
/// object references a white one (the sub-blocks of a black object are marked too). In
/// generational mode, between collections: the young objects are exactly the collector's new
/// and survival lists (white), every other object is old (marked), every sub-block is marked,
/// and an old object refers to a young one only if the next minor collection traverses it
/// (touched, just promoted, touched before the last one, or a thread). While
/// the sweep runs, dead objects not yet swept are skipped. Slow (it builds managed indexes of the heap): for tests and <c>mlua -d</c>.
/// </summary>
internal static unsafe class HeapVerifier
{
    /// <summary>
    /// Null when the heap is sound, otherwise the first problem found. With
    /// <paramref name="afterFullCollection"/>, also requires every sub-block (array parts,
    /// node blocks, stacks, prototype arrays) to have an owner or be pending: the sweep frees
    /// the others, so one left over means something kept it alive by mistake.
    /// </summary>
    public static string? Verify(LuaGlobal g, bool afterFullCollection = false) => new Checker(g, null).Run(afterFullCollection);

    /// <summary>
    /// <see cref="Verify(LuaGlobal, bool)"/> for a heap read from untrusted bytes (an image): also
    /// requires every host-function (and light userdata) value to be one <paramref name="isHostFunction"/>
    /// accepts. Reads nothing outside the block whatever the bytes are.
    /// </summary>
    public static string? VerifyUntrusted(LuaGlobal g, Func<Tag, long, bool> isHostFunction) => new Checker(g, isHostFunction).Run(false);

    /// <summary>Throws <see cref="InvalidOperationException"/> with the problem when the heap is not sound.</summary>
    public static void Check(LuaGlobal g, bool afterFullCollection = false)
    {
        string? error = Verify(g, afterFullCollection);
        if (error != null)
        {
            throw new InvalidOperationException("heap verification failed: " + error);
        }
    }

    private sealed class Checker
    {
        private readonly LuaGlobal _g;
        private readonly Heap _heap;
        private readonly List<uint> _starts = []; // byte offsets of used blocks, ascending
        private readonly Dictionary<uint, ObjType> _types = []; // ref -> type of used blocks
        private readonly HashSet<uint> _owned = []; // sub-blocks already claimed by an owner
        private readonly Func<Tag, long, bool>? _isHostFunction;
        private readonly Collector? _collector;
        private uint _blackOwner; // the black object being checked (its references must not be white), or 0
        private byte _deadWhite; // while sweeping: the colour of dead objects not yet swept

        public Checker(LuaGlobal g, Func<Tag, long, bool>? isHostFunction)
        {
            _g = g;
            _heap = g.Heap;
            _isHostFunction = isHostFunction;
            _collector = g.Collector as Collector;
            if (_collector?.Phase == GcPhase.Sweep)
            {
                _deadWhite = (byte)(_heap.NewObjectGc ^ GcBits.Whites);
            }
        }

        /// <summary>The fixed part of each object type's payload: a smaller block cannot hold its header struct.</summary>
        private static int MinPayload(ObjType t) => t switch
        {
            ObjType.ShortString or ObjType.LongString => StringObj.DataOffset + 1 - Heap.HeaderSize,
            ObjType.Table => sizeof(TableObj) - Heap.HeaderSize,
            ObjType.LuaClosure => sizeof(LuaClosureObj) - Heap.HeaderSize,
            ObjType.HostClosure => sizeof(HostClosureObj) - Heap.HeaderSize,
            ObjType.UpValue => sizeof(UpValueObj) - Heap.HeaderSize,
            ObjType.Userdata => sizeof(UserdataObj) - Heap.HeaderSize,
            ObjType.Thread => sizeof(ThreadObj) - Heap.HeaderSize,
            ObjType.Proto => sizeof(ProtoObj) - Heap.HeaderSize,
            _ => 0,
        };

        private bool IsDead(uint r) => (_heap.Ptr(r)[5] & _deadWhite) != 0 && (_heap.Ptr(r)[5] & GcBits.Fixed) == 0;

        private string? WhiteFromBlack(uint r, string what) =>
            _blackOwner == 0 || (_heap.Ptr(r)[5] & GcBits.Marked) != 0 ? null
            : _young != null ? $"old object {_blackOwner} ({_types[_blackOwner]}), neither touched nor remembered, refers to young {_types[r]} {r} ({what})"
            : $"black object {_blackOwner} refers to white {_types[r]} {r} ({what})";

        // Generational mode: the young objects (new and survival) and the old ones the next minor collection traverses.
        private HashSet<uint>? _young;
        private HashSet<uint>? _remembered;

        /// <summary>
        /// The generational representation: young objects (white, unmarked) are exactly those the
        /// collector lists as new or survival; every other object is old (marked, no white); a
        /// sub-block is marked; an old object that is not black (touched) is remembered.
        /// </summary>
        private string? CheckGenerations()
        {
            _young = [];
            _remembered = [.. _collector!.RememberedObjects()];
            foreach (uint r in _collector.YoungObjects())
            {
                if (!_types.TryGetValue(r, out ObjType t) || t >= ObjType.TableArray)
                {
                    return $"young object {r} is not a live object";
                }

                if (!_young.Add(r))
                {
                    return $"young object {r} is listed twice";
                }
            }

            foreach (uint r in _remembered)
            {
                if (!_types.TryGetValue(r, out ObjType t) || ((_heap.Ptr(r)[5] & GcBits.Marked) == 0 && !(t == ObjType.Thread && _young.Contains(r))))
                {
                    return $"remembered object {r} is not a live old object (nor a young thread)";
                }
            }

            foreach (KeyValuePair<uint, ObjType> kv in _types)
            {
                byte gc = _heap.Ptr(kv.Key)[5];
                bool marked = (gc & GcBits.Marked) != 0;
                if (kv.Value >= ObjType.TableArray)
                {
                    if (!marked)
                    {
                        return $"{kv.Value} block {kv.Key} is not marked in generational mode";
                    }

                    continue;
                }

                if (_young.Contains(kv.Key))
                {
                    if (marked || (gc & GcBits.Black) != 0 || (gc & GcBits.Whites) != _heap.NewObjectGc)
                    {
                        return $"young {kv.Value} {kv.Key} has colour bits {gc:x2}";
                    }
                }
                else if (!marked || (gc & GcBits.Whites) != 0)
                {
                    return $"{kv.Value} {kv.Key} is neither listed young nor old (colour bits {gc:x2})";
                }
                else if ((gc & GcBits.Black) == 0 && kv.Value != ObjType.Thread && !_remembered.Contains(kv.Key))
                {
                    return $"old {kv.Value} {kv.Key} is gray but not remembered";
                }
            }

            return null;
        }

        public string? Run(bool afterFullCollection)
        {
            string? e = _heap.CheckIntegrity();
            if (e != null)
            {
                return e;
            }

            e = WalkBlocks();
            if (e != null)
            {
                return e;
            }

            foreach (uint r in _g.PendingBlocks)
            {
                if (!_types.ContainsKey(r))
                {
                    return $"pending block {r} is not a live block";
                }

                _owned.Add(r);
            }

            e = CheckStringTable() ?? CheckRoots();
            if (e != null)
            {
                return e;
            }

            bool generations = _collector != null && _collector.GenerationalActive && !_g.InCollection;
            if (generations)
            {
                e = CheckGenerations();
                if (e != null)
                {
                    return e;
                }
            }

            foreach (uint b in _starts)
            {
                if (IsDead(b >> 3))
                {
                    continue; // garbage the sweep has not reached: its parts may be gone already
                }

                byte gc = _heap.Ptr(b >> 3)[5];
                _blackOwner = _collector != null && _collector.Phase == GcPhase.Propagate && !_collector.InAtomic
                    && (gc & GcBits.Black) != 0 && (b >> 3) != _collector.SliceTable && _types[b >> 3] != ObjType.Thread
                    ? b >> 3 : 0;
                if (generations && (gc & GcBits.Black) != 0 && _types[b >> 3] < ObjType.TableArray && !_remembered!.Contains(b >> 3))
                {
                    _blackOwner = b >> 3; // old and untouched: refers to old objects only
                }

                e = CheckObject(b >> 3);
                _blackOwner = 0;
                if (e != null)
                {
                    return e;
                }
            }

            if (afterFullCollection)
            {
                foreach (KeyValuePair<uint, ObjType> kv in _types)
                {
                    bool subBlock = kv.Value is ObjType.TableArray or ObjType.TableNodes or ObjType.StringBuckets
                        or ObjType.Stack or ObjType.ValueArray or ObjType.Bytes or ObjType.RefArray;
                    if (subBlock && !_owned.Contains(kv.Key))
                    {
                        return $"{kv.Value} block {kv.Key} has no owner after a full collection";
                    }
                }
            }

            return null;
        }

        private string? WalkBlocks()
        {
            long bytes = 0;
            long blocks = 0;
            bool inCollection = _g.InCollection || (_collector != null && (_collector.Phase != GcPhase.Pause || _collector.GenerationalActive));
            for (Heap.BlockWalker w = _heap.Walk(); w.MoveNext();)
            {
                if (w.IsFree)
                {
                    continue;
                }

                bytes += w.Size;
                blocks++;
                ObjType t = w.Type;
                if (!Enum.IsDefined(t) || t == ObjType.None)
                {
                    bool pending = _g.PendingBlocks.IndexOf(w.Ref) >= 0;
                    if (!(t == ObjType.None && pending))
                    {
                        return $"block {w.Ref} has unknown type {(byte)t}";
                    }
                }

                if (w.Size - Heap.HeaderSize < MinPayload(t))
                {
                    return $"block {w.Ref} ({t}) is too small for its type";
                }

                byte gc = _heap.Ptr(w.Ref)[5];
                if (!inCollection && (gc & (GcBits.Marked | GcBits.OpenUpvalSeen)) != 0)
                {
                    return $"block {w.Ref} ({t}) is still marked outside a collection";
                }

                if ((gc & GcBits.Fixed) != 0 && t is not (ObjType.ShortString or ObjType.LongString))
                {
                    return $"block {w.Ref} ({t}) is fixed but is not a string";
                }

                _starts.Add(w.Offset);
                _types.Add(w.Ref, t);
            }

            if (bytes != _heap.Stats.BytesInUse)
            {
                return $"live blocks add up to {bytes} bytes, statistics say {_heap.Stats.BytesInUse}";
            }

            if (blocks != _heap.Stats.LiveBlocks)
            {
                return $"{blocks} live blocks walked, statistics say {_heap.Stats.LiveBlocks}";
            }

            return null;
        }

        private uint Payload(uint r) => _heap.BlockSize(r) - (uint)Heap.HeaderSize;

        private string? CheckRef(uint r, ObjType expected, string what, bool allowZero = true)
        {
            if (r == 0)
            {
                return allowZero ? null : $"{what} is absent";
            }

            if (!_types.TryGetValue(r, out ObjType t))
            {
                return $"{what} ({r}) is not the start of a live block";
            }

            return t == expected ? WhiteFromBlack(r, what) : $"{what} ({r}) is a {t}, expected {expected}";
        }

        private string? CheckString(uint r, string what)
        {
            if (r == 0)
            {
                return null;
            }

            if (!_types.TryGetValue(r, out ObjType t))
            {
                return $"{what} ({r}) is not the start of a live block";
            }

            return t is ObjType.ShortString or ObjType.LongString ? WhiteFromBlack(r, what) : $"{what} ({r}) is a {t}, expected a string";
        }

        /// <summary>A sub-block: of the right type, big enough, owned by no one else.</summary>
        private string? CheckSubBlock(uint r, ObjType expected, ulong bytesNeeded, string what)
        {
            if (r == 0 && bytesNeeded > 0)
            {
                return $"{what} is absent but should hold {bytesNeeded} bytes";
            }

            string? e = CheckRef(r, expected, what);
            if (e != null || r == 0)
            {
                return e;
            }

            if (Payload(r) < bytesNeeded)
            {
                return $"{what} ({r}) holds {Payload(r)} bytes, needs {bytesNeeded}";
            }

            return _owned.Add(r) ? null : $"{what} ({r}) has a second owner";
        }

        private string? CheckValue(in Value v, string what)
        {
            if (v.Tag > Tag.DeadKey || v.Tag == (Tag)7)
            {
                return $"{what} has an unknown tag {(byte)v.Tag}";
            }

            if (v.Tag is Tag.HostFunction or Tag.LightUserdata && _isHostFunction != null && !_isHostFunction(v.Tag, v.I))
            {
                return $"{what} is a {v.Tag} the heap cannot hold ({v.I})";
            }

            if (!v.IsCollectable)
            {
                return null;
            }

            if ((ulong)v.I > uint.MaxValue)
            {
                return $"{what} has a reference with high bits set";
            }

            if (!_types.TryGetValue(v.R, out ObjType t))
            {
                return $"{what} ({v.Tag} {v.R}) is not the start of a live block";
            }

            return (byte)t == (byte)v.Tag ? WhiteFromBlack(v.R, what) : $"{what} ({v.Tag} {v.R}) refers to a {t} block";
        }

        private string? CheckValues(Value* vs, ulong n, string what)
        {
            for (ulong i = 0; i < n; i++)
            {
                string? e = CheckValue(vs[i], what);
                if (e != null)
                {
                    return $"{e} (slot {i})";
                }
            }

            return null;
        }

        private string? CheckRoots()
        {
            string? e = CheckValue(_g.Registry, "registry") ?? CheckValue(_g.MainThread, "main thread")
                ?? CheckValue(_g.MemoryErrorString, "memory error string");
            if (e != null)
            {
                return e;
            }

            for (int i = 0; i < _g.TypeMetatables.Length; i++)
            {
                e = CheckRef(_g.TypeMetatables[i], ObjType.Table, $"metatable of type {i}");
                if (e != null)
                {
                    return e;
                }
            }

            foreach (Value v in _g.HostRoots)
            {
                e = CheckValue(v, "host root");
                if (e != null)
                {
                    return e;
                }
            }

            foreach (Value v in _g.Temps)
            {
                e = CheckValue(v, "temp");
                if (e != null)
                {
                    return e;
                }
            }

            return null;
        }

        private string? CheckStringTable()
        {
            StringTable st = _g.Strings;
            string? e = CheckSubBlock(st.BucketsRef, ObjType.StringBuckets, (ulong)st.Size * 4, "string table buckets");
            if (e != null)
            {
                return e;
            }

            var buckets = (uint*)(_heap.Ptr(st.BucketsRef) + Heap.HeaderSize);
            var linked = new HashSet<uint>();
            for (int i = 0; i < st.Size; i++)
            {
                for (uint r = buckets[i]; r != 0; r = ((StringObj*)_heap.Ptr(r))->Next)
                {
                    e = CheckRef(r, ObjType.ShortString, $"string table bucket {i}");
                    if (e != null)
                    {
                        return e;
                    }

                    var so = (StringObj*)_heap.Ptr(r);
                    if ((so->Hash & (uint)(st.Size - 1)) != (uint)i)
                    {
                        return $"short string {r} is in bucket {i}, its hash says otherwise";
                    }

                    if (!linked.Add(r))
                    {
                        return $"short string {r} is linked twice (a cycle?)";
                    }
                }
            }

            if (linked.Count != st.Count)
            {
                return $"string table counts {st.Count} strings, its chains hold {linked.Count}";
            }

            foreach (KeyValuePair<uint, ObjType> kv in _types)
            {
                if (kv.Value == ObjType.ShortString && !linked.Contains(kv.Key))
                {
                    return $"short string {kv.Key} is not interned";
                }
            }

            return null;
        }

        private string? CheckObject(uint r)
        {
            byte* p = _heap.Ptr(r);
            ObjType type = _types[r];
            uint payload = Payload(r);
            switch (type)
            {
                case ObjType.ShortString:
                case ObjType.LongString:
                {
                    var s = (StringObj*)p;
                    if ((ulong)StringObj.DataOffset + s->Length + 1 > _heap.BlockSize(r))
                    {
                        return $"string {r} of length {s->Length} overruns its block";
                    }

                    if (StringObj.Data(s)[s->Length] != 0)
                    {
                        return $"string {r} is not zero-terminated";
                    }

                    if (type == ObjType.ShortString)
                    {
                        if (s->Length > LuaLimits.MaxShortStringLength)
                        {
                            return $"short string {r} has length {s->Length}";
                        }

                        if ((s->H.Extra & StringObj.HasHash) == 0 || s->Hash != LuaGlobal.HashBytes(StringObj.Span(s), _g.Seed))
                        {
                            return $"short string {r} has a wrong hash";
                        }
                    }

                    return null;
                }

                case ObjType.Table:
                    return CheckTable(r, (TableObj*)p);
                case ObjType.LuaClosure:
                {
                    var c = (LuaClosureObj*)p;
                    if (LuaClosureObj.UpvalsOffset - Heap.HeaderSize + (4 * c->H.Extra) > payload)
                    {
                        return $"Lua closure {r} with {c->H.Extra} upvalues overruns its block";
                    }

                    string? e = CheckRef(c->Proto, ObjType.Proto, $"prototype of closure {r}", allowZero: false);
                    for (int i = 0; e == null && i < c->H.Extra; i++)
                    {
                        e = CheckRef(LuaClosureObj.Upvals(c)[i], ObjType.UpValue, $"upvalue {i} of closure {r}");
                    }

                    return e;
                }

                case ObjType.HostClosure:
                {
                    var c = (HostClosureObj*)p;
                    if (HostClosureObj.UpvalsOffset - Heap.HeaderSize + (16 * c->H.Extra) > payload)
                    {
                        return $"host closure {r} with {c->H.Extra} upvalues overruns its block";
                    }

                    return CheckValues(HostClosureObj.Upvals(c), c->H.Extra, $"upvalue of host closure {r}");
                }

                case ObjType.UpValue:
                    return CheckUpValue(r, (UpValueObj*)p);
                case ObjType.Userdata:
                {
                    var u = (UserdataObj*)p;
                    if ((ulong)UserdataObj.UserValuesOffset - Heap.HeaderSize + (16ul * u->H.Extra) + u->Size > payload)
                    {
                        return $"userdata {r} overruns its block";
                    }

                    return CheckRef(u->Metatable, ObjType.Table, $"metatable of userdata {r}")
                        ?? CheckValues(UserdataObj.UserValues(u), u->H.Extra, $"user value of userdata {r}");
                }

                case ObjType.Thread:
                    return CheckThread(r, (ThreadObj*)p);
                case ObjType.Proto:
                    return CheckProto(r, (ProtoObj*)p);
                default:
                    return null; // sub-blocks are checked through their owners
            }
        }

        private string? CheckTable(uint r, TableObj* t)
        {
            string? e = CheckRef(t->Metatable, ObjType.Table, $"metatable of table {r}");
            if (e != null)
            {
                return e;
            }

            if ((t->Array == 0) != (t->ArraySize == 0))
            {
                return $"table {r} has array block {t->Array} of size {t->ArraySize}";
            }

            if (t->Lazy != 0 && (!LazyLibraries.IsDefined(t->Lazy) || t->Array != 0 || t->Nodes != 0))
            {
                return $"table {r} is library {t->Lazy} to fill but has parts, or this process has no such library";
            }

            e = CheckSubBlock(t->Array, ObjType.TableArray, (ulong)t->ArraySize * 16, $"array part of table {r}");
            if (e != null)
            {
                return e;
            }

            if (t->ArraySize > 0)
            {
                e = CheckValues(LuaTable.ArrayBase(_g, t), t->ArraySize, $"array item of table {r}");
                if (e != null)
                {
                    return e;
                }
            }

            if (t->Nodes == 0)
            {
                return null;
            }

            if (t->NodeLog2 > LuaLimits.MaxNodeBits)
            {
                return $"table {r} has 2^{t->NodeLog2} nodes";
            }

            int count = LuaTable.NodeCount(t);
            e = CheckSubBlock(t->Nodes, ObjType.TableNodes, (ulong)count * 32, $"hash part of table {r}");
            if (e != null)
            {
                return e;
            }

            if (t->LastFree > count)
            {
                return $"table {r} has LastFree {t->LastFree} beyond {count} nodes";
            }

            Node* nodes = LuaTable.NodeBase(_g, t);
            for (int i = 0; i < count; i++)
            {
                Node* n = nodes + i;
                uint black = _blackOwner;
                if (n->Val.IsNil)
                {
                    _blackOwner = 0; // the key of an empty entry may die (it becomes a dead key)
                }

                e = CheckValue(Node.GetKey(n), $"key of node {i} of table {r}");
                _blackOwner = black;
                e ??= CheckValue(n->Val, $"value of node {i} of table {r}");
                if (e != null)
                {
                    return e;
                }

                if (n->KeyTag == Tag.Nil && !n->Val.IsNil)
                {
                    return $"node {i} of table {r} has a value but no key";
                }

                long next = (long)i + n->Next;
                if (next < 0 || next >= count)
                {
                    return $"node {i} of table {r} chains outside the hash part";
                }
            }

            return null;
        }

        private string? CheckUpValue(uint r, UpValueObj* u)
        {
            if (u->V == r + UpValueObj.ClosedUnits)
            {
                return CheckValue(u->Closed, $"closed upvalue {r}");
            }

            // Open: V must be a slot inside some Stack block.
            ulong vb = (ulong)u->V << 3;
            int i = _starts.BinarySearch((uint)Math.Min(vb, uint.MaxValue));
            if (i < 0)
            {
                i = ~i - 1;
            }

            if (i < 0)
            {
                return $"open upvalue {r} points before every block";
            }

            uint start = _starts[i];
            if (_types[start >> 3] != ObjType.Stack)
            {
                return $"open upvalue {r} points into a {_types[start >> 3]} block";
            }

            ulong offsetIn = vb - start;
            if (offsetIn < (ulong)Heap.HeaderSize || (offsetIn - (ulong)Heap.HeaderSize) % 16 != 0
                || offsetIn + 16 > _heap.BlockSize(start >> 3))
            {
                return $"open upvalue {r} points at no slot of stack {start >> 3}";
            }

            _blackOwner = 0; // the chain of open upvalues belongs to the thread (gray until the atomic phase)
            return CheckRef(u->NextOpen, ObjType.UpValue, $"next open upvalue of {r}");
        }

        private string? CheckThread(uint r, ThreadObj* t)
        {
            string? e = CheckSubBlock(t->Stack, ObjType.Stack, (ulong)t->StackSize * 16, $"stack of thread {r}");
            if (e != null)
            {
                return e;
            }

            if (t->Top > t->StackSize)
            {
                return $"thread {r} has top {t->Top} beyond its stack size {t->StackSize}";
            }

            if (t->Stack != 0)
            {
                e = CheckValues(LuaThread.StackBase(_g, t), t->Top, $"stack slot of thread {r}");
                if (e != null)
                {
                    return e;
                }
            }

            uint stackStart = t->Stack + 1; // first slot, in 8-byte units (the header is one unit)
            uint stackEnd = stackStart + (t->StackSize * 2);
            uint prevLevel = uint.MaxValue;
            int steps = 0;
            for (uint uv = t->OpenUpval; uv != 0; uv = ((UpValueObj*)_heap.Ptr(uv))->NextOpen)
            {
                e = CheckRef(uv, ObjType.UpValue, $"open upvalue of thread {r}");
                if (e != null)
                {
                    return e;
                }

                uint v = ((UpValueObj*)_heap.Ptr(uv))->V;
                if (v < stackStart || v >= stackEnd)
                {
                    return $"open upvalue {uv} of thread {r} points outside its stack";
                }

                if (v >= prevLevel)
                {
                    return $"open upvalues of thread {r} are not in decreasing stack order";
                }

                prevLevel = v;
                if (++steps > t->StackSize)
                {
                    return $"open upvalue chain of thread {r} is too long (a cycle?)";
                }
            }

            return null;
        }

        private string? CheckProto(uint r, ProtoObj* p)
        {
            // Code loaded in place lies outside the heap (InPlaceCode): the block is then absent.
            // Line info and upvalue names are optional (a stripped chunk has neither).
            string? e = CheckSubBlock(p->Code, ObjType.Bytes, p->InPlaceCode != 0 ? 0 : (ulong)p->SizeCode * 4, $"code of prototype {r}")
                ?? CheckSubBlock(p->Constants, ObjType.ValueArray, (ulong)p->SizeConstants * 16, $"constants of prototype {r}")
                ?? CheckSubBlock(p->Protos, ObjType.RefArray, (ulong)p->SizeProtos * 4, $"nested prototypes of prototype {r}")
                ?? CheckSubBlock(p->Upvals, ObjType.Bytes, (ulong)p->SizeUpvals * 4, $"upvalue descriptors of prototype {r}")
                ?? CheckSubBlock(p->UpvalNames, ObjType.RefArray, p->UpvalNames == 0 ? 0 : (ulong)p->SizeUpvals * 4, $"upvalue names of prototype {r}")
                ?? CheckSubBlock(p->LineInfo, ObjType.Bytes, p->LineInfo == 0 ? 0 : (ulong)p->SizeCode * 4, $"line info of prototype {r}")
                ?? CheckSubBlock(p->LocVars, ObjType.Bytes, (ulong)p->SizeLocVars * 12, $"local variables of prototype {r}")
                ?? CheckString(p->Source, $"source of prototype {r}");
            if (e != null)
            {
                return e;
            }

            if (p->Constants != 0)
            {
                e = CheckValues((Value*)(_heap.Ptr(p->Constants) + Heap.HeaderSize), p->SizeConstants, $"constant of prototype {r}");
            }

            if (e == null && p->Protos != 0)
            {
                var ps = (uint*)(_heap.Ptr(p->Protos) + Heap.HeaderSize);
                for (uint i = 0; e == null && i < p->SizeProtos; i++)
                {
                    e = CheckRef(ps[i], ObjType.Proto, $"nested prototype {i} of prototype {r}");
                }
            }

            if (e == null && p->UpvalNames != 0)
            {
                var names = (uint*)(_heap.Ptr(p->UpvalNames) + Heap.HeaderSize);
                for (uint i = 0; e == null && i < p->SizeUpvals; i++)
                {
                    e = CheckString(names[i], $"upvalue name {i} of prototype {r}");
                }
            }

            if (e == null && p->LocVars != 0)
            {
                var lv = (uint*)(_heap.Ptr(p->LocVars) + Heap.HeaderSize);
                for (uint i = 0; e == null && i < p->SizeLocVars; i++)
                {
                    e = CheckString(lv[i * 3], $"name of local variable {i} of prototype {r}");
                }
            }

            return e;
        }
    }
}
