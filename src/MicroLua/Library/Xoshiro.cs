using System.Numerics;

namespace MicroLua.Library;

/// <summary>
/// math.random's generator: xoshiro256** (Blackman and Vigna), seeded and projected onto
/// intervals as Lua 5.4.4 does, so a seed gives the same sequence as lua5.4.
/// A struct of four words: it lives inside the state, no allocation.
/// </summary>
internal struct Xoshiro
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>math.randomseed(n1, n2): state {n1, 0xff, n2, 0}, then 16 values discarded.</summary>
    public void Seed(long n1, long n2 = 0)
    {
        _s0 = (ulong)n1;
        _s1 = 0xff;
        _s2 = (ulong)n2;
        _s3 = 0;
        for (int i = 0; i < 16; i++)
        {
            Next();
        }
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        ulong s0 = _s0;
        ulong s1 = _s1;
        ulong s2 = _s2 ^ s0;
        ulong s3 = _s3 ^ s1;
        ulong result = BitOperations.RotateLeft(s1 * 5, 7) * 9;
        _s0 = s0 ^ s3;
        _s1 = s1 ^ s2;
        _s2 = s2 ^ (s1 << 17);
        _s3 = BitOperations.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>math.random(): a float in [0, 1) from the high 53 bits.</summary>
    public double NextFloat() => (Next() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>math.random(0): all 64 bits as an integer.</summary>
    public long NextInteger() => (long)Next();

    /// <summary>math.random(low, up) for low &lt;= up (the caller checks "interval is empty").</summary>
    public long NextInRange(long low, long up)
    {
        ulong ran = Next();
        ulong n = (ulong)up - (ulong)low;
        if ((n & (n + 1)) == 0)
        {
            return (long)((ran & n) + (ulong)low); // n + 1 is a power of 2: a mask suffices
        }
        ulong lim = n; // smallest 2^b - 1 not below n, then reject values above n
        lim |= lim >> 1;
        lim |= lim >> 2;
        lim |= lim >> 4;
        lim |= lim >> 8;
        lim |= lim >> 16;
        lim |= lim >> 32;
        while ((ran &= lim) > n)
        {
            ran = Next();
        }
        return (long)(ran + (ulong)low);
    }
}
