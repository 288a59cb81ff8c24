using MicroLua.Values;

namespace MicroLua.Vm;

/// <summary>What a snapshot keeps of the interpreter, and the interpreter of a state made from one.</summary>
internal sealed unsafe partial class Interpreter
{
    /// <summary>The interpreter's lasting state at a safe point: fixed names (references into the heap) and the main coroutine.</summary>
    internal sealed class Saved
    {
        /// <summary>Metamethod names (shared, never written after the state is made).</summary>
        public required uint[] TmNames { get; init; }
        public required uint[] HookNames { get; init; }
        public required int PCallHandle { get; init; }
        public required int XPCallHandle { get; init; }
        /// <summary>A copy of the main coroutine (no frames: snapshots are taken where no Lua code runs).</summary>
        public required Coroutine Main { get; init; }
        /// <summary>The family the snapshot's state belongs to (see <see cref="_family"/>); for a snapshot read from an image, its own name array.</summary>
        public required object Family { get; init; }
    }

    /// <summary>Whether no Lua code runs: the main coroutine runs, without frames, and no host call is active.</summary>
    public bool AtSafePoint => Running == Main && Main.FrameCount == 0 && CCalls == 0;

    /// <summary>Whether the snapshot's fixed names are this interpreter's (it was taken from this state's family).</summary>
    public bool SharesNamesWith(Saved s) => ReferenceEquals(s.Family, _family);

    public Saved Save() => new()
    {
        TmNames = _tmNames,
        HookNames = _hookNames,
        PCallHandle = PCallHandle,
        XPCallHandle = XPCallHandle,
        Main = Main.Clone(),
        Family = _family,
    };

    /// <summary>The interpreter of a heap copied from a snapshot; with <paramref name="ownFamily"/>, the first of a family of its own.</summary>
    public Interpreter(LuaGlobal g, Saved s, bool ownFamily = false)
    {
        G = g;
        _hb = g.Heap.Base;
        _tmNames = s.TmNames;
        _hookNames = s.HookNames;
        _family = ownFamily ? new object() : s.Family;
        PCallHandle = s.PCallHandle;
        XPCallHandle = s.XPCallHandle;
        Main = s.Main.Clone();
        g.MainCoroutine = Main;
        Running = Main;
    }

    /// <summary>Puts the main coroutine back to the snapshot's (Restore of the same state).</summary>
    public void Load(Saved s)
    {
        _tmNames = s.TmNames; // the snapshot's heap bytes put the names back where its arrays say
        _hookNames = s.HookNames;
        Main = s.Main.Clone();
        G.MainCoroutine = Main;
        Running = Main;
        CCalls = 0;
    }

    /// <summary>
    /// Rewrites, for the compactor, the references the interpreter keeps: the fixed names (in new
    /// arrays: the old ones may be shared with snapshots and their other states) and every
    /// coroutine's thread, frames' closures and hook.
    /// </summary>
    public void Relocate(Func<uint, uint> map)
    {
        _tmNames = Array.ConvertAll(_tmNames, r => map(r));
        _hookNames = Array.ConvertAll(_hookNames, r => map(r));
        Relocate(Main, map);
        HandleTable handles = G.Handles;
        for (int i = 0; i < handles.Capacity; i++)
        {
            if (handles.At(i) is Coroutine co && co != Main)
            {
                Relocate(co, map);
            }
        }
    }

    private static void Relocate(Coroutine co, Func<uint, uint> map)
    {
        co.Thread = map(co.Thread);
        for (int i = 0; i < co.FrameCount; i++)
        {
            co.Frames[i].Closure = map(co.Frames[i].Closure);
        }

        LuaGlobal.Relocate(ref co.Hook, map);
    }
}
