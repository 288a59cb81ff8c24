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
    }

    /// <summary>Whether no Lua code runs: the main coroutine runs, without frames, and no host call is active.</summary>
    public bool AtSafePoint => Running == Main && Main.FrameCount == 0 && CCalls == 0;

    /// <summary>Whether the snapshot's fixed names are this interpreter's (it was taken from this state's family).</summary>
    public bool SharesNamesWith(Saved s) => ReferenceEquals(s.TmNames, _tmNames);

    public Saved Save() => new()
    {
        TmNames = _tmNames,
        HookNames = _hookNames,
        PCallHandle = PCallHandle,
        XPCallHandle = XPCallHandle,
        Main = Main.Clone(),
    };

    /// <summary>The interpreter of a heap copied from a snapshot.</summary>
    public Interpreter(LuaGlobal g, Saved s)
    {
        G = g;
        _hb = g.Heap.Base;
        _tmNames = s.TmNames;
        _hookNames = s.HookNames;
        PCallHandle = s.PCallHandle;
        XPCallHandle = s.XPCallHandle;
        Main = s.Main.Clone();
        g.MainCoroutine = Main;
        Running = Main;
    }

    /// <summary>Puts the main coroutine back to the snapshot's (Restore of the same state).</summary>
    public void Load(Saved s)
    {
        Main = s.Main.Clone();
        G.MainCoroutine = Main;
        Running = Main;
        CCalls = 0;
    }
}
