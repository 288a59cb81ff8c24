// A simulated device host: the kind of program MicroLua is for. The device ships with the
// runtime only (no compiler); each customer's behaviour arrives as a .mlu chunk compiled on
// the development host with `mlua -o`. The Lua heap is one 32 KiB block the device owns, the
// chunk runs in place from the device's memory, and every tick has an instruction budget.
//
// Or the development host runs the chunk once and ships the resulting state as an image
// (`DeviceHost --make-image behaviour.mlu app.img`); the device then boots from the image
// (`DeviceHost --image app.img`): it verifies the image, copies it into its block and runs
// no initialisation at all. Its host functions are rebound by the names they were registered under.
using System.Runtime.InteropServices;
using System.Text;
using MicroLua;

const int HeapSize = 32 * 1024;

if (args.Length == 3 && args[0] == "--make-image")
{
    return MakeImage(args[1], args[2]);
}

bool fromImage = args.Length == 2 && args[0] == "--image";
if (args.Length != 1 && !fromImage)
{
    Console.Error.WriteLine("usage: DeviceHost behaviour.mlu | DeviceHost --make-image behaviour.mlu app.img | DeviceHost --image app.img");
    return 2;
}

string path = args[^1];

// The chunk (or image) lives in memory the device owns for as long as the state runs (in a
// real device: flash or a memory-mapped file). A pinned array keeps its address fixed.
byte[] file = File.ReadAllBytes(path);
byte[] image = GC.AllocateArray<byte>(file.Length, pinned: true);
file.CopyTo(image, 0);

unsafe
{
    byte* heap = (byte*)NativeMemory.AlignedAlloc(HeapSize, 8);
    try
    {
        return RunDevice(heap, image, Path.GetFileName(path), fromImage);
    }
    finally
    {
        NativeMemory.AlignedFree(heap);
    }
}

static LuaOptions DeviceOptions() => new()
{
    // No compiler, no io/os/debug: base, string, table and math only.
    Libraries = LuaLibraries.Base | LuaLibraries.String | LuaLibraries.Table | LuaLibraries.Math,
    HashSeed = 1,
    MemoryLimit = HeapSize,
    Output = (bytes, kind) => Console.WriteLine($"[lua {kind}] {Encoding.UTF8.GetString(bytes).TrimEnd('\n')}"),
};

// The development host's side: runs the behaviour chunk once, in a state made exactly as the
// device makes its own (same libraries, heap size and device library), and writes the image.
static int MakeImage(string chunk, string output)
{
    using var lua = new LuaState(DeviceOptions());
    lua.RegisterLibrary("device", Device.Functions());
    try
    {
        using LuaFunction main = lua.Load(File.ReadAllBytes(chunk), "=" + Path.GetFileName(chunk));
        using LuaTableRef behaviour = main.Invoke().AsTable();
        lua["behaviour"] = behaviour;
        lua.CollectGarbage();
        File.WriteAllBytes(output, lua.Snapshot().ToImage());
        return 0;
    }
    catch (LuaException e)
    {
        Console.WriteLine($"cannot make an image of {chunk}: {e.Message}");
        return 1;
    }
}

static unsafe int RunDevice(byte* heap, byte[] image, string name, bool fromImage)
{
    LuaState lua;
    if (fromImage)
    {
        try
        {
            // Verified whole before the state exists; the device library is rebound by name.
            LuaSnapshot snapshot = LuaSnapshot.ReadImage(image, Device.ByRegisteredName());
            lua = LuaState.FromSnapshot(snapshot, DeviceOptions(), heap, HeapSize);
        }
        catch (InvalidDataException e)
        {
            Console.WriteLine($"cannot boot from {name}: {e.Message}");
            return 1;
        }
    }
    else
    {
        lua = new LuaState(DeviceOptions(), heap, HeapSize);
        lua.RegisterLibrary("device", Device.Functions());
    }

    using (lua)
    {
        return Run(lua, image, name, fromImage);
    }
}

static int Run(LuaState lua, byte[] image, string name, bool fromImage)
{
    const int Ticks = 40;
    const long TickBudget = 20_000;
    LuaTableRef behaviour;
    try
    {
        if (fromImage)
        {
            behaviour = lua["behaviour"].AsTable(); // the image holds it: nothing to load or run
        }
        else
        {
            // Runs the chunk where it lies: its instructions are read from `image`, not copied.
            using LuaFunction main = lua.LoadInPlace(image, "=" + name);
            behaviour = main.Invoke().AsTable();
        }
    }
    catch (LuaException e)
    {
        Console.WriteLine($"cannot load {name}: {e.Message}");
        return 1;
    }
    catch (InvalidCastException)
    {
        Console.WriteLine($"{name} does not return a behaviour table");
        return 1;
    }

    using (behaviour)
    using (LuaFunction onTick = behaviour["on_tick"].AsFunction())
    using (LuaFunction report = behaviour["report"].AsFunction())
    {
        Console.WriteLine($"device: running {name} in a {HeapSize}-byte heap");
        for (int t = 0; t < Ticks; t++)
        {
            double temperature = 16 + ((t * 37) % 70) / 10.0; // the simulated sensor
            lua.InstructionBudget = TickBudget;
            try
            {
                onTick.Invoke(t, temperature);
            }
            catch (LuaBudgetExceededException)
            {
                Console.WriteLine($"device: tick {t} exceeded its budget of {TickBudget} instructions; script stopped");
                return 3;
            }
            catch (LuaException e)
            {
                Console.WriteLine($"device: tick {t} failed: {e.Message}");
            }
        }

        lua.InstructionBudget = TickBudget;
        Console.WriteLine($"device: {report.Invoke()}");
    }

    lua.CollectGarbage();

    // Between runs the device removes the holes the run left: one free block at the end, so
    // the next customer's allocations cannot fail for fragmentation. The maps show it.
    using (FileStream f = File.Create("heap-before.svg"))
    {
        lua.WriteHeapMapSvg(f, $"{name}: before compaction");
    }

    LuaCompactionResult c = lua.Compact();
    using (FileStream f = File.Create("heap-after.svg"))
    {
        lua.WriteHeapMapSvg(f, $"{name}: after compaction");
    }

    Console.WriteLine($"heap: {lua.MemoryStats.PoolBytes} bytes, peak {lua.MemoryStats.PeakBytesInUse} in use, {lua.MemoryStats.BytesInUse} after collection; "
        + $"compaction: {c.FreeBlocksBefore} free blocks -> 1, largest free {c.LargestFreeBlockBefore} -> {c.LargestFreeBlockAfter} bytes (heap-before.svg, heap-after.svg)");
    return 0;
}

/// <summary>The device's own functions, as one library table `device` (the names an image rebinds them by).</summary>
internal static class Device
{
    private static bool s_heaterOn;

    /// <summary>The functions by the names RegisterLibrary gave them ("device.log"): what an image names them by.</summary>
    public static Dictionary<string, LuaCallback> ByRegisteredName() =>
        Functions().ToDictionary(kv => "device." + kv.Key, kv => kv.Value);

    public static Dictionary<string, LuaCallback> Functions() => new()
    {
        ["set_heater"] = call =>
        {
            bool on = call.ToBoolean(1);
            if (on != s_heaterOn)
            {
                s_heaterOn = on;
                Console.WriteLine($"  relay: heater {(on ? "ON" : "OFF")}");
            }

            return call.Return();
        },
        ["log"] = call =>
        {
            Console.WriteLine($"  log: {call.CheckString(1)}");
            return call.Return();
        },
        ["alarm"] = call =>
        {
            Console.WriteLine($"  ALARM: {call.CheckString(1)}");
            return call.Return();
        },
    };
}
