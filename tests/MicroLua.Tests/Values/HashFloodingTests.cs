using MicroLua.Core;
using MicroLua.Values;

namespace MicroLua.Tests.Values;

/// <summary>
/// Keys computed to share one chain under an unseeded multiplicative hash must spread out
/// under the seeded one (LuaGlobal.KeySeed): the longest chain is the step count of the
/// slowest lookup, so these tests measure work, not time.
/// </summary>
public sealed unsafe class HashFloodingTests
{
    private const int Keys = 40_000;

    /// <summary>j &lt;&lt; 16 | j &lt;&lt; 48: the halves cancel in the old hash's x ^ (x &gt;&gt; 32), leaving only bits that multiply above the index.</summary>
    private static long CollidingKey(int j) => ((long)j << 16) | ((long)j << 48);

    /// <summary>The integer hash before it was seeded: one multiply-xorshift round.</summary>
    private static uint OldHash(long i)
    {
        ulong x = (ulong)i;
        x ^= x >> 32;
        x *= 0x9E3779B97F4A7C15ul;
        return (uint)(x >> 32);
    }

    private static int LongestChain(uint? seed, Func<int, Value> key)
    {
        using var lua = new LuaState(new LuaOptions { MemoryLimit = 64L * 1024 * 1024, HashSeed = seed });
        LuaGlobal g = lua.Global;
        Value t = Value.Object(Tag.Table, LuaTable.New(g, 0, 0));
        g.PushTemp(t);
        try
        {
            for (int j = 1; j <= Keys; j++)
            {
                LuaTable.Set(g, t.R, key(j), Value.Integer(j));
            }

            return LuaTable.LongestChain(g, t.R);
        }
        finally
        {
            g.PopTemp();
        }
    }

    [Fact]
    public void CollidingKeys_CollideUnderTheOldHash()
    {
        for (int j = 1; j <= Keys; j++)
        {
            Assert.Equal(0u, OldHash(CollidingKey(j)) & 0xFFFF); // one chain for any table of up to 2^16 nodes
        }
    }

    [Theory]
    [InlineData(7u)]
    [InlineData(0u)]
    [InlineData(0xFFFF_FFFFu)]
    [InlineData(null)]
    public void IntegerKeys_ComputedToCollide_SpreadAsRandomKeysDo(uint? seed)
    {
        var rng = new Random(5);
        int random = LongestChain(seed, _ => Value.Integer(rng.NextInt64()));
        int colliding = LongestChain(seed, j => Value.Integer(CollidingKey(j)));
        int floats = LongestChain(seed, j => Value.Float(j + 0.5));
        Assert.InRange(random, 1, 24);
        Assert.InRange(colliding, 1, 24); // 40,000 with the old hash
        Assert.InRange(floats, 1, 24);
    }

    [Fact]
    public void CollidingKeys_ThroughLua_RunUnderASmallBudget()
    {
        using var lua = new LuaState(new LuaOptions { Compiler = MicroLua.Compiler.LuaCompiler.Instance, MemoryLimit = 64L * 1024 * 1024 });
        lua.InstructionBudget = 1_000_000; // the loops count ~160,000: lookups are not charged, so a long chain would not stop them
        LuaValue[] r = lua.DoString("local t = {} for j = 1, 40000 do t[j << 16 | j << 48] = j end local s = 0 for j = 1, 40000 do s = s + t[j << 16 | j << 48] end return s");
        Assert.Equal(40000L * 40001 / 2, r[0].ToInteger());
    }
}
