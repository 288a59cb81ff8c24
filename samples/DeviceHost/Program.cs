// A simulated device host: the kind of program MicroLua is for. The device ships with the
// runtime only (no compiler); each customer's behaviour arrives as a .mlu chunk compiled on
// the development host with `mlua -o`. The Lua heap is one 32 KiB block the device owns, the
// chunk runs in place from the device's memory, and every tick has an instruction budget.
using System.Runtime.InteropServices;
using System.Text;
using MicroLua;
using MicroLua.Library;

const int HeapSize = 32 * 1024;
const int Ticks = 40;
const long TickBudget = 20_000;

if (args.Length != 1)
{
    Console.Error.WriteLine("usage: DeviceHost behaviour.mlu");
    return 2;
}

// The chunk lives in memory the device owns for as long as the state runs (in a real device:
// flash or a memory-mapped file). A pinned array keeps its address fixed.
byte[] file = File.ReadAllBytes(args[0]);
byte[] image = GC.AllocateArray<byte>(file.Length, pinned: true);
file.CopyTo(image, 0);

unsafe
{
    byte* heap = (byte*)NativeMemory.AlignedAlloc(HeapSize, 8);
    try
    {
        return RunDevice(heap, image, Path.GetFileName(args[0]));
    }
    finally
    {
        NativeMemory.AlignedFree(heap);
    }
}

static unsafe int RunDevice(byte* heap, byte[] image, string name)
{
    bool heaterOn = false;
    var options = new LuaOptions
    {
        // No compiler, no io/os/debug: base, string, table and math only.
        Libraries = LuaLibraries.Base | LuaLibraries.String | LuaLibraries.Table | LuaLibraries.Math,
        HashSeed = 1,
        Output = (bytes, kind) => Console.WriteLine($"[lua {kind}] {Encoding.UTF8.GetString(bytes).TrimEnd('\n')}"),
    };
    using var lua = new LuaState(options, heap, HeapSize);

    // The device's own functions, as one library table `device`.
    lua.RegisterLibrary("device", new Dictionary<string, LuaCallback>
    {
        ["set_heater"] = call =>
        {
            bool on = call.ToBoolean(1);
            if (on != heaterOn)
            {
                heaterOn = on;
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
    });

    LuaTableRef behaviour;
    try
    {
        // Runs the chunk where it lies: its instructions are read from `image`, not copied.
        using LuaFunction main = lua.LoadInPlace(image, "=" + name);
        behaviour = main.Invoke().AsTable();
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
    Console.WriteLine($"heap: {lua.MemoryStats.PoolBytes} bytes, peak {lua.MemoryStats.PeakBytesInUse} in use, {lua.MemoryStats.BytesInUse} after collection");
    return 0;
}
