using MicroLua.Core;
using MicroLua.Memory;
using MicroLua.Values;
using static MicroLua.Tests.Gc.GcTestKit;

namespace MicroLua.Tests.Gc;

/// <summary>
/// Random object graphs checked against a model: after each collection exactly the tables
/// the model says are reachable from the roots survive, with their edges intact.
/// </summary>
public sealed class RandomGraphTests
{
    [Theory]
    [InlineData(1, false, 300)]
    [InlineData(2, false, 300)]
    [InlineData(3, true, 60)]
    public void ExactlyTheReachableTablesSurvive(int seed, bool stress, int n)
    {
        using LuaState s = NewState(stress: stress);
        LuaGlobal g = s.Global;
        var rng = new Random(seed);
        Settle(s);
        long baseTables = Blocks(g, ObjType.Table);

        // The model: node i has edges to other nodes (by slot number) and a payload string.
        var edges = new List<int>[n];
        var all = Global(s, "all", Table(g, n, 0)); // holds every node while building
        for (int i = 0; i < n; i++)
        {
            edges[i] = [];
            Value t = Table(g);
            LuaTable.SetInt(g, all.R, i + 1, t);
            Set(g, t, "id", Value.Integer(i));
            Set(g, t, "name", Str(g, "node" + i + new string('.', rng.Next(50))));
        }

        for (int e = 0; e < n * 2; e++)
        {
            int a = rng.Next(n);
            int b = rng.Next(n);
            edges[a].Add(b);
            Value ta = LuaTable.Get(g, all.R, Value.Integer(a + 1));
            Value tb = LuaTable.Get(g, all.R, Value.Integer(b + 1));
            Set(g, ta, Value.Integer(edges[a].Count), tb);
        }

        var roots = new List<int>();
        for (int i = 0; i < 5; i++)
        {
            int r = rng.Next(n);
            roots.Add(r);
            Root(g, LuaTable.Get(g, all.R, Value.Integer(r + 1)));
        }

        Global(s, "all", Value.Nil);

        for (int round = 0; round < 4; round++)
        {
            s.Gc().FullCollect();
            AssertHeapOk(g);

            var reachable = new HashSet<int>();
            var stack = new Stack<int>(roots);
            while (stack.Count > 0)
            {
                int x = stack.Pop();
                if (reachable.Add(x))
                {
                    edges[x].ForEach(stack.Push);
                }
            }

            Assert.Equal(baseTables + reachable.Count, Blocks(g, ObjType.Table));

            // Walk the heap graph from the roots and compare it with the model.
            var seen = new HashSet<long>();
            var work = new Stack<Value>(g.HostRoots.Where(v => !v.IsNil));
            while (work.Count > 0)
            {
                Value t = work.Pop();
                long id = Get(g, t, "id").I;
                if (!seen.Add(id))
                {
                    continue;
                }

                Assert.StartsWith("node" + id, g.ToDotNetString(Get(g, t, "name")));
                for (int k = 1; k <= edges[id].Count; k++)
                {
                    Value next = LuaTable.Get(g, t.R, Value.Integer(k));
                    Assert.Equal(edges[id][k - 1], Get(g, next, "id").I);
                    work.Push(next);
                }
            }

            Assert.Equal(reachable.Count, seen.Count);

            // Drop a root for the next round.
            int drop = rng.Next(roots.Count);
            roots.RemoveAt(drop);
            g.HostRoots.RemoveAt(drop);
        }
    }

    [Theory]
    [InlineData(11, false)]
    [InlineData(12, false)]
    [InlineData(13, false)]
    [InlineData(14, true)]
    public void WeakTablesMatchTheEphemeronModel(int seed, bool stress)
    {
        using LuaState s = NewState(stress: stress);
        LuaGlobal g = s.Global;
        var rng = new Random(seed);
        const int n = 60;
        Value e = Global(s, "E", Table(g));
        MakeWeak(g, e, "k");
        Value w = Global(s, "W", Table(g));
        MakeWeak(g, w, "v");
        Settle(s, "all");
        long baseTables = Blocks(g, ObjType.Table);

        var strong = new List<int>[n];
        var all = Global(s, "all", Table(g, n, 0));
        for (int i = 0; i < n; i++)
        {
            strong[i] = [];
            Value t = Table(g);
            LuaTable.SetInt(g, all.R, i + 1, t);
            Set(g, t, "id", Value.Integer(i));
        }

        Value Node(int i) => LuaTable.Get(g, all.R, Value.Integer(i + 1));
        for (int k = 0; k < n / 2; k++)
        {
            int a = rng.Next(n);
            int b = rng.Next(n);
            strong[a].Add(b);
            Set(g, Node(a), Value.Integer(strong[a].Count), Node(b));
        }

        var eph = new Dictionary<int, int>(); // E[x] = y
        for (int k = 0; k < n; k++)
        {
            int x = rng.Next(n);
            int y = rng.Next(n);
            eph[x] = y;
            Set(g, e, Node(x), Node(y));
        }

        var weakValues = new Dictionary<int, int>(); // W[i] = node
        for (int k = 0; k < n / 2; k++)
        {
            int v = rng.Next(n);
            weakValues[k] = v;
            Set(g, w, Value.Integer(k + 1), Node(v));
        }

        var roots = new List<int>();
        for (int k = 0; k < 4; k++)
        {
            int r = rng.Next(n);
            roots.Add(r);
            Root(g, Node(r));
        }

        Global(s, "all", Value.Nil);
        s.Gc().FullCollect();
        AssertHeapOk(g);

        // Model: strong closure of the roots, then ephemeron entries whose key is reached add their value.
        var reached = new HashSet<int>();
        void Reach(int start)
        {
            var stack = new Stack<int>();
            stack.Push(start);
            while (stack.Count > 0)
            {
                int x = stack.Pop();
                if (reached.Add(x))
                {
                    strong[x].ForEach(stack.Push);
                }
            }
        }

        roots.ForEach(Reach);
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach ((int x, int y) in eph)
            {
                if (reached.Contains(x) && !reached.Contains(y))
                {
                    Reach(y);
                    changed = true;
                }
            }
        }

        Assert.Equal(baseTables + reached.Count, Blocks(g, ObjType.Table));
        var eLeft = new Dictionary<long, long>();
        Value key = Value.Nil;
        while (LuaTable.Next(g, e.R, key, out Value nk, out Value nv))
        {
            eLeft[Get(g, nk, "id").I] = Get(g, nv, "id").I;
            key = nk;
        }

        Assert.Equal(eph.Where(p => reached.Contains(p.Key)).ToDictionary(p => (long)p.Key, p => (long)p.Value), eLeft);
        for (int k = 0; k < n / 2; k++)
        {
            Value v = LuaTable.Get(g, w.R, Value.Integer(k + 1));
            Assert.Equal(reached.Contains(weakValues[k]), !v.IsNil);
        }
    }
}
