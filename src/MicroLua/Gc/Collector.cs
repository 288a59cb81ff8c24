using MicroLua.Values;

namespace MicroLua.Gc;

/// <summary>The garbage collector of one state (stub: collects nothing yet).</summary>
internal sealed class Collector : IGarbageCollector
{
    private readonly LuaGlobal _g;

    private Collector(LuaGlobal g)
    {
        _g = g;
    }

    /// <summary>Creates the collector of <paramref name="g"/> and installs it.</summary>
    public static Collector Attach(LuaGlobal g)
    {
        var c = new Collector(g);
        g.Collector = c;
        return c;
    }

    public void FullCollect(bool emergency)
    {
        _g.Heap.Stats.Collections++;
    }

    public void CheckFinalizer(in Value obj, uint mt)
    {
    }

    public void Step()
    {
        _g.GcDebt = 0;
    }
}
