using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using KeraLua;
using MicroLua;
using MicroLua.Compiler;

BenchmarkRunner.Run<MicroLua.Bench.EmbeddingBenchmarks>(args: args);

namespace MicroLua.Bench
{

    /// <summary>
    /// The three embedding paths, each the same work in MicroLua, NLua (reflection-based binding
    /// over C Lua) and KeraLua (NLua's thin layer over the C API: the floor a C Lua binding can reach).
    /// </summary>
    [MemoryDiagnoser]
    public class EmbeddingBenchmarks
    {
        private const string Script = "function add(a, b) return a + b end t = {} " +
            "function loop(n) local s = 0 for i = 1, n do s = s + hostadd(i, 1) end return s end";

        private const int LoopCalls = 1000;

        private LuaState _micro = null!;
        private MicroLua.LuaFunction _microAdd = null!;
        private MicroLua.LuaFunction _microLoop = null!;
        private LuaTableRef _microTable = null!;

        private NLua.Lua _nlua = null!;
        private NLua.LuaFunction _nluaAdd = null!;
        private NLua.LuaFunction _nluaLoop = null!;
        private NLua.LuaTable _nluaTable = null!;

        private KeraLua.Lua _kera = null!;
        private KeraLua.LuaFunction _keraHostAdd = null!;

        [GlobalSetup]
        public void Setup()
        {
            _micro = new LuaState(new LuaOptions { Compiler = LuaCompiler.Instance });
            _micro.Register("hostadd", c => c.Return(c.CheckInteger(1) + c.CheckInteger(2)));
            _micro.DoString(Script, "=bench");
            _microAdd = _micro["add"].AsFunction();
            _microLoop = _micro["loop"].AsFunction();
            _microTable = _micro["t"].AsTable();

            _nlua = new NLua.Lua();
            _nlua.RegisterFunction("hostadd", typeof(EmbeddingBenchmarks).GetMethod(nameof(HostAdd)));
            _nlua.DoString(Script);
            _nluaAdd = _nlua.GetFunction("add");
            _nluaLoop = _nlua.GetFunction("loop");
            _nluaTable = _nlua.GetTable("t");

            _kera = new KeraLua.Lua();
            _keraHostAdd = KeraHostAdd;
            _kera.Register("hostadd", _keraHostAdd);
            if (_kera.DoString(Script))
            {
                throw new InvalidOperationException(_kera.ToString(-1));
            }
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            _micro.Dispose();
            _nlua.Dispose();
            _kera.Dispose();
        }

        public static long HostAdd(long a, long b) => a + b;

        private static int KeraHostAdd(IntPtr p)
        {
            KeraLua.Lua l = KeraLua.Lua.FromIntPtr(p);
            l.PushInteger(l.CheckInteger(1) + l.CheckInteger(2));
            return 1;
        }

        // ---- host to Lua: call add(1, 2) and read the result ----

        [Benchmark(Description = "host->Lua call: MicroLua")]
        public long HostToLua_MicroLua() => _microAdd.Invoke(1, 2).ToInteger();

        [Benchmark(Description = "host->Lua call: NLua")]
        public long HostToLua_NLua() => (long)_nluaAdd.Call(1L, 2L)[0];

        [Benchmark(Description = "host->Lua call: KeraLua")]
        public long HostToLua_KeraLua()
        {
            _kera.GetGlobal("add");
            _kera.PushInteger(1);
            _kera.PushInteger(2);
            _kera.PCall(2, 1, 0);
            long r = _kera.ToInteger(-1);
            _kera.Pop(1);
            return r;
        }

        // ---- Lua to host: a Lua loop calling a host function (per call) ----

        [Benchmark(Description = "Lua->host call: MicroLua", OperationsPerInvoke = LoopCalls)]
        public long LuaToHost_MicroLua() => _microLoop.Invoke(LoopCalls).ToInteger();

        [Benchmark(Description = "Lua->host call: NLua", OperationsPerInvoke = LoopCalls)]
        public long LuaToHost_NLua() => (long)_nluaLoop.Call((long)LoopCalls)[0];

        [Benchmark(Description = "Lua->host call: KeraLua", OperationsPerInvoke = LoopCalls)]
        public long LuaToHost_KeraLua()
        {
            _kera.GetGlobal("loop");
            _kera.PushInteger(LoopCalls);
            _kera.PCall(1, 1, 0);
            long r = _kera.ToInteger(-1);
            _kera.Pop(1);
            return r;
        }

        // ---- table access through the API: t.x = 7 then read t.x ----

        [Benchmark(Description = "table set+get: MicroLua")]
        public long Table_MicroLua()
        {
            _microTable["x"] = 7;
            return _microTable["x"].ToInteger();
        }

        [Benchmark(Description = "table set+get: NLua")]
        public long Table_NLua()
        {
            _nluaTable["x"] = 7L;
            return (long)_nluaTable["x"];
        }

        [Benchmark(Description = "table set+get: KeraLua")]
        public long Table_KeraLua()
        {
            _kera.GetGlobal("t");
            _kera.PushInteger(7);
            _kera.SetField(-2, "x");
            _kera.GetField(-1, "x");
            long r = _kera.ToInteger(-1);
            _kera.Pop(2);
            return r;
        }
    }
}
