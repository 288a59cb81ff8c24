using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using MicroLua.Gc;

namespace MicroLua.Tests.Snapshot;

public sealed class ImageTests
{
    private const string Init = """
        local greeting = "hello"
        config = { name = "device", limits = { 1, 2, 3 }, [true] = 1.5 }
        function greet(who) return greeting .. ", " .. who .. " from " .. config.name end
        fresh = coroutine.create(function(x) return x * 2 end)
        done = coroutine.create(function() end) coroutine.resume(done)
        setmetatable(config, { __index = function(_, k) return k .. "?" end, __gc = function() end })
        iter = string.gmatch("a b c", "%a")
        """;

    private const string Main = """
        print(greet("you"), config.limits[3], config.missing, config[true])
        print(coroutine.resume(fresh, 21), coroutine.status(done), iter(), iter())
        print(host_add(2, 3), math.random(1, 1000))
        """;

    private static Dictionary<string, LuaCallback> Functions() => new()
    {
        ["host_add"] = call => call.Return(call.CheckInteger(1) + call.CheckInteger(2)),
    };

    private static byte[] MakeImage(StringBuilder outputAfter)
    {
        var output = new StringBuilder();
        using var s = new LuaState(SnapshotTests.Options(output));
        s.Register("host_add", Functions()["host_add"]);
        s.DoString(Init);
        byte[] image = s.Snapshot().ToImage();
        s.DoString(Main);
        outputAfter.Append(output);
        return image;
    }

    [Fact]
    public void AnImageRunsLikeTheStateItWasMadeFrom()
    {
        var expected = new StringBuilder();
        byte[] image = MakeImage(expected);
        LuaSnapshot snap = LuaSnapshot.ReadImage(image, Functions());
        var output = new StringBuilder();
        using LuaState s = LuaState.FromSnapshot(snap, SnapshotTests.Options(output));
        Assert.Null(HeapVerifier.Verify(s.Global));
        s.DoString(Main);
        Assert.Equal(expected.ToString(), output.ToString());
        Assert.True(output.ToString().Contains("hello, you from device\t3\tmissing?\t1.5", StringComparison.Ordinal), output.ToString());
        Assert.True(output.ToString().Contains("true\tdead\ta\tb\n5\t", StringComparison.Ordinal), output.ToString());
    }

    [Fact]
    public void AMissingHostFunctionIsAClearError()
    {
        byte[] image = MakeImage(new StringBuilder());
        var e = Assert.Throws<InvalidDataException>(() => LuaSnapshot.ReadImage(image));
        Assert.Equal("bad image: the image needs the host function 'host_add', which the host did not provide", e.Message);
    }

    [Fact]
    public void WhatHasNoMeaningInAnotherProcessIsRefused()
    {
        using var s = new LuaState(SnapshotTests.Options(new StringBuilder()));
        using (LuaUserdata u = s.CreateUserdata(new object()))
        {
            s["u"] = u;
        }

        Assert.Contains("userdata wrapping a .NET object", Assert.Throws<InvalidOperationException>(() => s.Snapshot().ToImage()).Message);
        s.DoString("u = nil; co = coroutine.create(function() coroutine.yield() end); coroutine.resume(co)");
        s.CollectGarbage();
        Assert.Contains("suspended in the middle", Assert.Throws<InvalidOperationException>(() => s.Snapshot().ToImage()).Message);
    }

    [Fact]
    public void DamageIsFoundByTheChecksumAndTheHeader()
    {
        byte[] image = MakeImage(new StringBuilder());
        Assert.Equal("bad image: not an image (wrong magic bytes)", Assert.Throws<InvalidDataException>(() => LuaSnapshot.ReadImage("hello"u8)).Message);
        byte[] cut = image[..^100];
        Assert.Contains("checksum", Assert.Throws<InvalidDataException>(() => LuaSnapshot.ReadImage(cut, Functions())).Message);
        byte[] flipped = (byte[])image.Clone();
        flipped[image.Length / 2] ^= 0x40;
        Assert.Contains("checksum", Assert.Throws<InvalidDataException>(() => LuaSnapshot.ReadImage(flipped, Functions())).Message);
    }

    /// <summary>
    /// A restored state keeps the collector debt its image carries, so a hostile debt is clamped
    /// to what a state of that heap can owe: both extremes load and run, and the collector works.
    /// With the most negative debt no cycle starts before the heap is full: the emergency
    /// collection has to free the garbage the booted state made (it freed none when the image
    /// gave the collector no white).
    /// </summary>
    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void AnExtremeCollectorDebtIsClampedAndTheStateRuns(long debt)
    {
        byte[] image = MakeImage(new StringBuilder());
        const int DebtAt = 8 + 4 + 8 + 4 + 4 + 4 + 4 + (3 * 9) + (9 * 4) + 12; // after the string table (docs/memory.md's table)
        long saved = BinaryPrimitives.ReadInt64LittleEndian(image.AsSpan(DebtAt));
        Assert.InRange(saved, -(1L << 40), 1L << 40); // the field is where the format puts it
        BinaryPrimitives.WriteInt64LittleEndian(image.AsSpan(DebtAt), debt);
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(image.Length - 8), Fnv(image.AsSpan(0, image.Length - 8)));
        LuaSnapshot snap = LuaSnapshot.ReadImage(image, Functions());
        var output = new StringBuilder();
        using LuaState s = LuaState.FromSnapshot(snap, SnapshotTests.Options(output));
        s.DoString("local t = {} for i = 1, 20000 do t[i % 100] = {i} end print(greet('x'))");
        s.CollectGarbage();
        Assert.Null(HeapVerifier.Verify(s.Global));
        Assert.Equal("hello, x from device\n", output.ToString());
        Assert.InRange(s.Global.GcDebt, -(long)snap.HeapLength * 100, (long)snap.HeapLength);
    }

    /// <summary>
    /// 10,000 mutated images (checksum recomputed, so that the verification, not the checksum,
    /// has to find the damage), each read on a thread with 1 MiB of stack: every one yields a
    /// state that passes the heap verifier and survives a full collection, or an
    /// InvalidDataException. Bounded to a minute.
    /// </summary>
    [Fact]
    public void MutatedImagesYieldASoundStateOrAClearError()
    {
        byte[] image = MakeImage(new StringBuilder());
        Dictionary<string, LuaCallback> functions = Functions();
        int states = 0, errors = 0, done = 0;
        Exception? failure = null;
        var watch = Stopwatch.StartNew();
        var thread = new Thread(() =>
        {
            var rng = new Random(15);
            for (int i = 0; i < 10_000 && watch.Elapsed < TimeSpan.FromMinutes(1); i++, done++)
            {
                byte[] m = Mutate(image, rng);
                try
                {
                    LuaSnapshot snap = LuaSnapshot.ReadImage(m, functions);
                    using LuaState s = LuaState.FromSnapshot(snap);
                    string? e = HeapVerifier.Verify(s.Global);
                    if (e != null)
                    {
                        throw new InvalidOperationException($"mutation {i}: read, but the verifier says {e}");
                    }

                    s.CollectGarbage();
                    e = HeapVerifier.Verify(s.Global);
                    if (e != null)
                    {
                        throw new InvalidOperationException($"mutation {i}: after a collection the verifier says {e}");
                    }

                    states++;
                }
                catch (InvalidDataException e) when (e.Message.StartsWith("bad image: ", StringComparison.Ordinal))
                {
                    errors++;
                }
                catch (LuaException)
                {
                    states++; // a finalizer of the mutated state raised an error: the state ran Lua, soundly
                }
                catch (Exception e)
                {
                    failure = new InvalidOperationException($"mutation {i} failed", e);
                    return;
                }
            }
        }, 1 << 20);
        thread.Start();
        thread.Join();
        Assert.Null(failure);
        Assert.True(done == 10_000 || watch.Elapsed >= TimeSpan.FromMinutes(1), $"{done} images");
        Assert.True(states > 0 && errors > 0, $"{states} states, {errors} errors");
    }

    private static byte[] Mutate(byte[] image, Random rng)
    {
        byte[] m = (byte[])image.Clone();
        int body = m.Length - 8;
        switch (rng.Next(4))
        {
            case 0: // flip a few bits anywhere
                for (int k = rng.Next(1, 4); k > 0; k--)
                {
                    m[rng.Next(8, body)] ^= (byte)(1 << rng.Next(8));
                }

                break;
            case 1: // a word set to a small or a random value
            {
                int at = rng.Next(8, body - 4) & ~3;
                uint v = rng.Next(3) switch { 0 => (uint)rng.Next(64), 1 => (uint)rng.Next(), _ => 0xFFFFFFFF };
                BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(at), v);
                break;
            }

            case 2: // a byte in the first fields (header, roots, handles)
                m[rng.Next(8, Math.Min(body, 600))] = (byte)rng.Next(256);
                break;
            default: // a run of bytes copied from elsewhere
            {
                int len = rng.Next(1, 32);
                int from = rng.Next(8, body - len), to = rng.Next(8, body - len);
                Array.Copy(image, from, m, to, len);
                break;
            }
        }

        if (rng.Next(10) != 0)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(m.AsSpan(body), Fnv(m.AsSpan(0, body)));
        }

        return m;
    }

    private static ulong Fnv(ReadOnlySpan<byte> bytes)
    {
        ulong h = 14695981039346656037ul;
        foreach (byte b in bytes)
        {
            h = (h ^ b) * 1099511628211ul;
        }

        return h;
    }
}
