using MicroLua.Core;
using MicroLua.Memory;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua;

/// <summary>One row of <see cref="LuaState.GetAllocationProfile"/>: the allocations of one object type made at one source line.</summary>
/// <param name="Source">The chunk's display name (as in error messages), or "?" outside any Lua function (the host, loading).</param>
/// <param name="Line">The line, or 0 when unknown (outside Lua code, or a stripped chunk).</param>
/// <param name="Type">The heap block's type (Table, TableArray, TableNodes, ShortString, LongString, LuaClosure, UpValue, ...).</param>
/// <param name="Count">Blocks allocated.</param>
/// <param name="Bytes">Their bytes, headers included.</param>
public sealed record LuaAllocationSite(string Source, int Line, string Type, long Count, long Bytes);

/// <summary>The allocation freeze and the allocation profile.</summary>
public sealed unsafe partial class LuaState
{
    private AllocationTracker? _alloc;

    /// <summary>
    /// The allocation freeze: while true, any allocation on the Lua heap raises a Lua error
    /// "allocation while allocations are frozen (table)" (or string, function, ...), positioned at the running Lua line (a
    /// host arms it after its set-up phase to prove a frame loop allocates nothing; an allocation
    /// by a library function names the Lua line that called it). The error
    /// message is itself an allocation, so the first refused allocation also ends the freeze:
    /// read the property after a call to see whether it tripped, and set it again to re-arm.
    /// The collector's own work (finalizers excepted) is not the program's and is not refused.
    /// </summary>
    public bool AllocationFrozen
    {
        get => _alloc?.Frozen ?? false;
        set
        {
            Tracker().Frozen = value;
            UpdateObserver();
        }
    }

    /// <summary>
    /// While true, every allocation is counted by source line and object type (see
    /// <see cref="GetAllocationProfile"/>). Off by default; off costs one test per allocation.
    /// </summary>
    public bool AllocationProfiling
    {
        get => _alloc?.Profiling ?? false;
        set
        {
            Tracker().Profiling = value;
            UpdateObserver();
        }
    }

    /// <summary>The allocations counted while <see cref="AllocationProfiling"/> was on, most bytes first.</summary>
    public IReadOnlyList<LuaAllocationSite> GetAllocationProfile()
    {
        var rows = new List<LuaAllocationSite>();
        if (_alloc != null)
        {
            foreach (KeyValuePair<(string Source, int Line, ObjType Type), long[]> e in _alloc.Sites)
            {
                rows.Add(new LuaAllocationSite(e.Key.Source, e.Key.Line, e.Key.Type.ToString(), e.Value[0], e.Value[1]));
            }
        }

        rows.Sort((a, b) => b.Bytes != a.Bytes ? b.Bytes.CompareTo(a.Bytes)
            : b.Count != a.Count ? b.Count.CompareTo(a.Count)
            : string.CompareOrdinal($"{a.Source}:{a.Line}:{a.Type}", $"{b.Source}:{b.Line}:{b.Type}"));
        return rows;
    }

    /// <summary>Forgets the counts of <see cref="GetAllocationProfile"/>.</summary>
    public void ResetAllocationProfile() => _alloc?.Sites.Clear();

    private AllocationTracker Tracker() => _alloc ??= new AllocationTracker(_g, _vm);

    private void UpdateObserver() =>
        _g.AllocObserver = _alloc != null && (_alloc.Frozen || _alloc.Profiling) ? _alloc : null;

    /// <summary>Sees each allocation (<see cref="LuaGlobal.Allocate"/>): refuses it when frozen, counts it when profiling.</summary>
    private sealed class AllocationTracker : Values.IAllocationObserver
    {
        private readonly LuaGlobal _g;
        private readonly Interpreter _vm;

        // The last chunk name resolved: its string's reference and bytes (a reference may be
        // reused by another string after a collection, so the bytes are compared too).
        private uint _lastSource;
        private byte[] _lastBytes = [];
        private string _lastName = "?";

        public AllocationTracker(LuaGlobal g, Interpreter vm)
        {
            _g = g;
            _vm = vm;
        }

        public bool Frozen;
        public bool Profiling;
        public readonly Dictionary<(string Source, int Line, ObjType Type), long[]> Sites = new();

        public void OnAllocate(ObjType type, nuint payloadBytes)
        {
            if (Frozen)
            {
                Frozen = false; // the error message is an allocation too
                _g.AllocObserver = Profiling ? this : null;
                (string source, int line) = Site();
                string where = line > 0 ? $"{source}:{line.ToString(System.Globalization.CultureInfo.InvariantCulture)}: " : "";
                throw new LuaError($"{where}allocation while allocations are frozen ({TypeName(type)})") { HasPosition = true };
            }

            if (Profiling)
            {
                (string source, int line) = Site();
                var key = (source, line, type);
                if (!Sites.TryGetValue(key, out long[]? c))
                {
                    c = new long[2];
                    Sites[key] = c;
                }

                c[0]++;
                c[1] += payloadBytes > uint.MaxValue - 64 ? (long)payloadBytes : Heap.AdjustSize((uint)payloadBytes);
            }
        }

        /// <summary>The running Lua line, or the line that called the running host function.</summary>
        private (string Source, int Line) Site()
        {
            Coroutine? co = _vm.Running;
            if (co == null)
            {
                return ("?", 0);
            }

            int fi = co.FrameCount - 1;
            if (fi >= 0 && !co.Frames[fi].IsLua)
            {
                fi--;
            }

            if (fi < 0 || !co.Frames[fi].IsLua)
            {
                return ("?", 0);
            }

            ProtoObj* p = _vm.Proto(_vm.ProtoOfClosure(co.Frames[fi].Closure));
            int line = _vm.CurrentLine(p, co.Frames[fi].Pc - 1);
            if (p->Source == 0)
            {
                return ("?", Math.Max(line, 0));
            }

            ReadOnlySpan<byte> src = _g.StringSpan(Value.Object(Tag.ShortString, p->Source));
            if (p->Source != _lastSource || !src.SequenceEqual(_lastBytes))
            {
                _lastSource = p->Source;
                _lastBytes = src.ToArray();
                _lastName = ChunkId.Format(System.Text.Encoding.Latin1.GetString(src));
            }

            return (_lastName, Math.Max(line, 0));
        }

        private static string TypeName(ObjType type) => type switch
        {
            ObjType.ShortString or ObjType.LongString => "string",
            ObjType.Table or ObjType.TableArray or ObjType.TableNodes => "table",
            ObjType.LuaClosure or ObjType.HostClosure => "function",
            ObjType.UpValue => "upvalue",
            ObjType.Userdata => "userdata",
            ObjType.Thread or ObjType.Stack => "thread",
            ObjType.Proto or ObjType.Bytes or ObjType.RefArray => "prototype",
            _ => "block",
        };
    }
}
