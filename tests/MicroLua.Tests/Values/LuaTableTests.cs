using MicroLua.Core;
using MicroLua.Values;

namespace MicroLua.Tests.Values;

public sealed unsafe class LuaTableTests
{
    private static LuaState NewState() => new(new LuaOptions { MemoryLimit = 64L * 1024 * 1024, HashSeed = 7 });

    /// <summary>A key of the model: integers, floats and strings, with 1.0 and 1 the same key.</summary>
    private static object ModelKey(Value k, LuaGlobal g) => k.Tag switch
    {
        Tag.Integer => k.I,
        Tag.Float => k.D,
        _ => g.ToDotNetString(k),
    };

    private static Value RandomKey(Random rng, LuaGlobal g)
    {
        switch (rng.Next(6))
        {
            case 0:
            case 1:
                return Value.Integer(rng.Next(-5, 300)); // dense integers: array part
            case 2:
                return Value.Integer(rng.NextInt64(long.MinValue, long.MaxValue));
            case 3:
                return Value.Float(rng.Next(-50, 300) + (rng.Next(2) == 0 ? 0.0 : 0.5)); // integral floats normalise
            case 4:
                return g.NewString("k" + rng.Next(200));
            default:
                return g.NewString(new string('L', 41) + rng.Next(50)); // long strings
        }
    }

    private static object NormalisedModelKey(Value k, LuaGlobal g)
    {
        if (k.Tag == Tag.Float && LuaNumber.FloatToInteger(k.D, out long i))
        {
            return i;
        }

        return ModelKey(k, g);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomOperations_AgreeWithDictionary(int seed)
    {
        using var lua = NewState();
        LuaGlobal g = lua.Global;
        var rng = new Random(seed);
        uint t = LuaTable.New(g);
        g.PushTemp(Value.Object(Tag.Table, t));
        var model = new Dictionary<object, long>();
        for (int step = 0; step < 20000; step++)
        {
            Value key = RandomKey(rng, g);
            object mk = NormalisedModelKey(key, g);
            int op = rng.Next(10);
            if (op < 5)
            {
                long v = rng.NextInt64();
                LuaTable.Set(g, t, key, Value.Integer(v));
                model[mk] = v;
            }
            else if (op < 8)
            {
                LuaTable.Set(g, t, key, Value.Nil);
                model.Remove(mk);
            }
            else
            {
                Value got = LuaTable.Get(g, t, key);
                if (model.TryGetValue(mk, out long expected))
                {
                    Assert.Equal(Tag.Integer, got.Tag);
                    Assert.Equal(expected, got.I);
                }
                else
                {
                    Assert.True(got.IsNil);
                }
            }
        }

        // Traversal visits exactly the model's entries, once each.
        var seen = new Dictionary<object, long>();
        Value k = Value.Nil;
        while (LuaTable.Next(g, t, k, out Value nk, out Value nv))
        {
            object mk = ModelKey(nk, g);
            Assert.True(seen.TryAdd(mk, nv.I), $"key {mk} visited twice");
            k = nk;
        }

        Assert.Equal(model.Count, seen.Count);
        foreach (var (key, value) in model)
        {
            Assert.Equal(value, seen[key]);
        }

        Assert.Null(g.Heap.CheckIntegrity());
    }

    [Fact]
    public void Next_SurvivesClearingAndUpdatingDuringTraversal()
    {
        using var lua = NewState();
        LuaGlobal g = lua.Global;
        uint t = LuaTable.New(g);
        g.PushTemp(Value.Object(Tag.Table, t));
        for (int i = 1; i <= 100; i++)
        {
            LuaTable.Set(g, t, g.NewString("f" + i), Value.Integer(i));
            LuaTable.Set(g, t, Value.Integer(i), Value.Integer(i));
        }

        int visited = 0;
        Value k = Value.Nil;
        while (LuaTable.Next(g, t, k, out Value nk, out Value nv))
        {
            visited++;
            // Clear every other entry and overwrite the rest while traversing.
            LuaTable.Set(g, t, nk, visited % 2 == 0 ? Value.Nil : Value.Integer(-nv.I));
            k = nk;
        }

        Assert.Equal(200, visited);
    }

    [Theory]
    [InlineData(new long[] { 1, 2, 3 }, 3)]
    [InlineData(new long[] { }, 0)]
    [InlineData(new long[] { 2 }, 0)]
    [InlineData(new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17 }, 17)]
    public void Length_OfSequence_IsBorder(long[] keys, long expected)
    {
        using var lua = NewState();
        LuaGlobal g = lua.Global;
        uint t = LuaTable.New(g);
        foreach (long key in keys)
        {
            LuaTable.SetInt(g, t, key, Value.True);
        }

        Assert.Equal(expected, LuaTable.Length(g, t));
    }

    [Fact]
    public void Length_WithHoles_IsSomeBorder()
    {
        using var lua = NewState();
        LuaGlobal g = lua.Global;
        var rng = new Random(5);
        for (int round = 0; round < 200; round++)
        {
            uint t = LuaTable.New(g);
            int n = rng.Next(1, 100);
            for (int i = 1; i <= n; i++)
            {
                if (rng.Next(4) != 0)
                {
                    LuaTable.SetInt(g, t, i, Value.True);
                }
            }

            long b = LuaTable.Length(g, t);
            Assert.True(b == 0 || !LuaTable.Get(g, t, Value.Integer(b)).IsNil);
            Assert.True(LuaTable.Get(g, t, Value.Integer(b + 1)).IsNil);
        }
    }

    /// <summary>
    /// The state's length hint (the last border found, tried again with one more and one less)
    /// against a model: two tables changed in turn by appends, removals at the end and holes
    /// punched anywhere, with # read after every change. A sequence has one border, which #
    /// must give exactly; with holes it must give some border.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Length_AfterEachChange_IsABorder_AndTheLengthOfASequence(int seed)
    {
        using var lua = NewState();
        LuaGlobal g = lua.Global;
        var rng = new Random(seed);
        uint[] tables = [LuaTable.New(g), LuaTable.New(g)];
        var models = new List<bool>[] { [], [] }; // models[k][i]: whether t[i + 1] is set
        for (int step = 0; step < 20_000; step++)
        {
            int which = rng.Next(8) == 0 ? 1 - (step & 1) : step & 1;
            uint t = tables[which];
            List<bool> m = models[which];
            int op = rng.Next(10);
            if (op < 5 || m.Count == 0)
            {
                m.Add(true); // t[#t + 1] = v on a sequence, else past the model's end
                LuaTable.SetInt(g, t, m.Count, Value.Integer(step));
            }
            else if (op < 8)
            {
                LuaTable.SetInt(g, t, m.Count, Value.Nil); // remove the last
                m.RemoveAt(m.Count - 1);
                while (m.Count > 0 && !m[^1])
                {
                    m.RemoveAt(m.Count - 1);
                }
            }
            else if (op == 8)
            {
                int i = rng.Next(m.Count);
                m[i] = false; // a hole
                LuaTable.SetInt(g, t, i + 1, Value.Nil);
            }
            else
            {
                int i = rng.Next(m.Count);
                m[i] = true; // a hole filled
                LuaTable.SetInt(g, t, i + 1, Value.True);
            }

            while (m.Count > 0 && !m[^1])
            {
                m.RemoveAt(m.Count - 1);
            }

            long b = LuaTable.Length(g, t);
            if (!m.Contains(false))
            {
                Assert.Equal(m.Count, b);
            }
            else
            {
                Assert.True(b == 0 || m[(int)b - 1], $"step {step}: t[{b}] is nil");
                Assert.True(b >= m.Count || !m[(int)b], $"step {step}: t[{b + 1}] is not nil");
            }
        }
    }

    [Fact]
    public void FloatKeyWithIntegerValue_IsTheIntegerKey()
    {
        using var lua = NewState();
        LuaGlobal g = lua.Global;
        uint t = LuaTable.New(g);
        LuaTable.Set(g, t, Value.Float(1.0), Value.Integer(10));
        Assert.Equal(10, LuaTable.Get(g, t, Value.Integer(1)).I);
        LuaTable.Set(g, t, Value.Float(2.5), Value.Integer(20));
        Assert.Equal(20, LuaTable.Get(g, t, Value.Float(2.5)).I);
        Assert.True(LuaTable.Get(g, t, Value.Integer(2)).IsNil);
    }

    [Fact]
    public void NilAndNaNKeys_RaiseLuaErrors()
    {
        using var lua = NewState();
        LuaGlobal g = lua.Global;
        uint t = LuaTable.New(g);
        Assert.Equal("table index is nil", Assert.Throws<LuaError>(() => LuaTable.Set(g, t, Value.Nil, Value.True)).Message);
        Assert.Equal("table index is NaN", Assert.Throws<LuaError>(() => LuaTable.Set(g, t, Value.Float(double.NaN), Value.True)).Message);
        Assert.True(LuaTable.Get(g, t, Value.Float(double.NaN)).IsNil);
        LuaTable.Set(g, t, Value.Nil, Value.Nil); // assigning nil to a nil key is no error in rawset terms here
    }

    [Fact]
    public void Sequence_GrowsIntoArrayPart()
    {
        using var lua = NewState();
        LuaGlobal g = lua.Global;
        uint t = LuaTable.New(g);
        for (int i = 1; i <= 1000; i++)
        {
            LuaTable.SetInt(g, t, i, Value.Integer(i));
        }

        TableObj* to = LuaTable.Obj(g, t);
        Assert.Equal(1024u, to->ArraySize);
        Assert.Equal(0u, to->Nodes);
        Assert.Equal(1000, LuaTable.Length(g, t));
    }

    [Fact]
    public void StringInterning_SameBytesSameObject()
    {
        using var lua = NewState();
        LuaGlobal g = lua.Global;
        Value a = g.NewString("hello");
        Value b = g.NewString("hel" + "lo");
        Assert.Equal(a.R, b.R);
        Value la = g.NewString(new string('x', 100));
        Value lb = g.NewString(new string('x', 100));
        Assert.NotEqual(la.R, lb.R);
        Assert.True(g.StringEquals(la, lb));
        Assert.Equal(g.StringHash(la), g.StringHash(lb));
        for (int i = 0; i < 5000; i++)
        {
            g.NewString("s" + i);
        }

        Assert.True(g.Strings.Size >= 4096);
        Assert.Equal(g.NewString("s42").R, g.NewString("s42").R);
    }
}
