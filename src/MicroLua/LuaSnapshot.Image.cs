using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using MicroLua.Bytecode;
using MicroLua.Core;
using MicroLua.Gc;
using MicroLua.Library;
using MicroLua.Memory;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua;

/// <summary>
/// Images: a snapshot written as bytes and read back in another process (the format is in
/// docs/memory.md). An image is untrusted input, like a binary chunk: reading verifies it
/// whole before any state can be made from it, and any byte string either yields a snapshot
/// or an <see cref="InvalidDataException"/> that says what is wrong.
/// </summary>
public sealed unsafe partial class LuaSnapshot
{
    /// <summary>The first 8 bytes of an image.</summary>
    private static ReadOnlySpan<byte> Magic => "MLUAIMG\x1A"u8;

    /// <summary>The format version this runtime writes and reads.</summary>
    public const int ImageVersion = 4;

    private const byte SlotFree = 0, SlotBuiltin = 1, SlotHost = 2, SlotCoroutine = 3;

    /// <summary>
    /// The snapshot as an image. Host functions are written as the names they were registered
    /// under (<see cref="LuaState.Register"/>, <see cref="LuaState.RegisterLibrary"/>,
    /// <see cref="LuaState.CreateFunction"/>), the standard libraries' functions as their names.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The snapshot holds what has no meaning in another process: userdata wrapping .NET objects,
    /// a coroutine suspended in the middle of its body, a debug hook, or a host function that was
    /// not registered by name.
    /// </exception>
    public byte[] ToImage()
    {
        if (Vm.Main.HookMask != 0)
        {
            throw new InvalidOperationException("A state with a debug hook set cannot be written to an image.");
        }

        var w = new ImageWriter();
        w.Bytes(Magic);
        w.U32(ImageVersion);
        // options
        w.U64(HeapLength);
        w.U32((uint)Options.Libraries);
        w.I32(Options.MaxCallDepth);
        w.I32(Options.MaxStackSize);
        // global
        LuaGlobal.Saved g = Global;
        w.U32(g.Seed);
        w.Val(g.Registry);
        w.Val(g.MainThread);
        w.Val(g.MemoryErrorString);
        foreach (uint mt in g.TypeMetatables)
        {
            w.U32(mt);
        }

        w.U32(g.StringBuckets);
        w.I32(g.StringSize);
        w.I32(g.StringCount);
        w.I64(g.GcDebt);
        w.I32(g.GcPause);
        w.I32(g.GcStepMul);
        w.U8(g.GcStopped ? (byte)1 : (byte)0);
        // runtime and interpreter
        w.U32(Runtime.Globals);
        w.Val(Runtime.IPairsIterator);
        w.Val(Runtime.NextFunction);
        Xoshiro random = Runtime.Random;
        w.Bytes(MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(ref random, 1)));
        w.U8(Runtime.WarningsOn ? (byte)1 : (byte)0);
        w.I32(Vm.PCallHandle);
        w.I32(Vm.XPCallHandle);
        // collector
        w.U8((byte)Gc.Mode);
        w.I32(Gc.StepSize);
        w.I32(Gc.MinorMul);
        w.I32(Gc.MajorMul);
        w.U8(Gc.DeadKeysInStrongTables ? (byte)1 : (byte)0);
        w.Refs(Gc.Finalizable);
        w.Refs(Gc.DueFinalizers);
        w.I64(Stats.TotalAllocations);
        w.I64(Stats.Collections);
        // handles
        HandleTable handles = g.Handles;
        Catalog catalog = Catalog.For(Options.Libraries);
        w.I32(handles.Capacity);
        for (int i = 0; i < handles.Capacity; i++)
        {
            switch (handles.At(i))
            {
                case null:
                    w.U8(SlotFree);
                    break;
                case HostFunctionInfo { Fn.Target: LuaState.CallbackAdapter } info:
                    w.U8(SlotHost);
                    w.Str(info.Name);
                    break;
                case HostFunctionInfo info:
                    w.U8(SlotBuiltin);
                    w.Str(info.Name);
                    w.I32(catalog.SlotOf(info, i));
                    break;
                case Coroutine co:
                    if (co.FrameCount != 0 || co.TbcCount != 0 || co.HookMask != 0 || !(co.Status == CoStatus.Dead || (co.Status == CoStatus.Suspended && !co.Started)))
                    {
                        throw new InvalidOperationException("A coroutine suspended in the middle of its body cannot be written to an image (only coroutines not yet started or dead can).");
                    }

                    w.U8(SlotCoroutine);
                    w.U8((byte)co.Status);
                    w.U8(co.Started ? (byte)1 : (byte)0);
                    w.U8(co.DiedWithError ? (byte)1 : (byte)0);
                    break;
                case var o:
                    throw new InvalidOperationException($"A {(o.GetType().Name == "HostObject" ? "userdata wrapping a .NET object" : o.GetType().Name)} cannot be written to an image: it has no meaning in another process.");
            }
        }

        // heap
        w.U32(HighWater);
        w.I32(Head.Length);
        w.Zeros(16); // the unused first bytes of the block
        w.Bytes(Head.AsSpan(16));
        w.Bytes(Tail);
        w.U64(Checksum(w.Written));
        return w.ToArray();
    }

    /// <summary>Writes <see cref="ToImage"/> to <paramref name="stream"/>.</summary>
    public void WriteImage(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(ToImage());
    }

    /// <summary>
    /// Reads and verifies an image: the header, the options, the allocator's structure and free
    /// lists, every block and every reference in it (the heap verifier's walk), every prototype's
    /// code (the bytecode verifier), and that host functions are rebound: those the image names
    /// as registered by the host are looked up in <paramref name="hostFunctions"/> by those names.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a sound image, or a host function it names is not in <paramref name="hostFunctions"/>.</exception>
    public static LuaSnapshot ReadImage(ReadOnlySpan<byte> image, IReadOnlyDictionary<string, LuaCallback>? hostFunctions = null)
    {
        try
        {
            return Read(image, hostFunctions);
        }
        catch (ImageException e)
        {
            throw new InvalidDataException("bad image: " + e.Message);
        }
    }

    private sealed class ImageException(string message) : Exception(message);

    private static ImageException Bad(string message) => new(message);

    private static LuaSnapshot Read(ReadOnlySpan<byte> image, IReadOnlyDictionary<string, LuaCallback>? hostFunctions)
    {
        if (image.Length < Magic.Length + 12 || !image[..Magic.Length].SequenceEqual(Magic))
        {
            throw Bad("not an image (wrong magic bytes)");
        }

        if (Checksum(image[..^8]) != BinaryPrimitives.ReadUInt64LittleEndian(image[^8..]))
        {
            throw Bad("checksum mismatch (the image is damaged or truncated)");
        }

        var r = new ImageReader(image[..^8]);
        r.Skip(Magic.Length);
        uint version = r.U32();
        if (version != ImageVersion)
        {
            throw Bad($"format version {version}, this runtime reads version {ImageVersion}");
        }

        ulong length = r.U64();
        if (length < LuaLimits.MinMemoryLimit || length > LuaLimits.MaxMemoryLimit || length % Heap.Align != 0)
        {
            throw Bad($"heap size {length} out of range");
        }

        var libraries = (LuaLibraries)r.U32();
        if ((libraries & ~LuaLibraries.All) != 0)
        {
            throw Bad("unknown libraries");
        }

        int maxCallDepth = r.I32(), maxStack = r.I32();
        if (maxCallDepth < 10 || maxCallDepth > 10_000 || maxStack < 1_000 || maxStack > 100_000_000)
        {
            throw Bad("limits out of range");
        }

        uint seed = r.U32();
        Value registry = r.Val(), mainThread = r.Val(), memoryError = r.Val();
        if (registry.Tag != Tag.Table || mainThread.Tag != Tag.Thread || !memoryError.IsString)
        {
            throw Bad("roots of the wrong types");
        }

        var typeMetatables = new uint[9];
        for (int i = 0; i < typeMetatables.Length; i++)
        {
            typeMetatables[i] = r.U32();
        }

        uint buckets = r.U32();
        int stringSize = r.I32(), stringCount = r.I32();
        if (stringSize < LuaLimits.MinStringTableSize || stringSize > (1 << 30) || (stringSize & (stringSize - 1)) != 0 || stringCount < 0)
        {
            throw Bad("string table size out of range");
        }

        long gcDebt = r.I64();
        int gcPause = r.I32(), gcStepMul = r.I32();
        bool gcStopped = r.Bool();
        uint globals = r.U32();
        Value ipairs = r.Val(), next = r.Val();
        Xoshiro random = MemoryMarshal.Read<Xoshiro>(r.Bytes(sizeof(Xoshiro)));
        bool warningsOn = r.Bool();
        int pcall = r.I32(), xpcall = r.I32();
        byte mode = r.U8();
        if (mode > (byte)GcMode.Generational)
        {
            throw Bad("unknown collector mode");
        }

        int stepSize = r.I32(), minorMul = r.I32(), majorMul = r.I32();
        bool deadKeys = r.Bool();
        uint[] finalizable = r.Refs(), due = r.Refs();
        long totalAllocations = r.I64(), collections = r.I64();

        // handles
        int capacity = r.I32();
        if (capacity < 0 || capacity > r.Left)
        {
            throw Bad("handle count out of range");
        }

        var slots = new object?[capacity];
        var kinds = new byte[capacity];
        Catalog catalog = Catalog.For(libraries);
        for (int i = 0; i < capacity; i++)
        {
            kinds[i] = r.U8();
            switch (kinds[i])
            {
                case SlotFree:
                    break;
                case SlotBuiltin:
                {
                    string name = r.Str();
                    slots[i] = catalog.Find(name, r.I32()) ?? throw Bad($"the image needs the library function '{name}', which these libraries lack");
                    break;
                }

                case SlotHost:
                {
                    string name = r.Str();
                    if (hostFunctions == null || !hostFunctions.TryGetValue(name, out LuaCallback? fn) || fn == null)
                    {
                        throw Bad($"the image needs the host function '{name}', which the host did not provide");
                    }

                    slots[i] = new HostFunctionInfo(new LuaState.CallbackAdapter(fn).Invoke, name);
                    break;
                }

                case SlotCoroutine:
                {
                    var status = (CoStatus)r.U8();
                    bool started = r.Bool(), died = r.Bool();
                    if (!(status == CoStatus.Dead || (status == CoStatus.Suspended && !started)))
                    {
                        throw Bad("a coroutine in a state images cannot hold");
                    }

                    slots[i] = (status, started, died); // made into a Coroutine once its thread is known
                    break;
                }

                default:
                    throw Bad($"unknown handle kind {kinds[i]}");
            }
        }

        // heap
        uint highWater = r.U32();
        int headLength = r.I32();
        if (highWater < Heap.ControlEnd || highWater > length - Heap.HeaderSize
            || headLength != (int)Math.Min((ulong)highWater + Heap.MinBlockSize, length - Heap.TailBytes))
        {
            throw Bad("heap extent out of range");
        }

        byte[] head = r.Bytes(headLength);
        new Span<byte>(head, 0, 16).Clear();
        byte[] tail = r.Bytes(Heap.TailBytes);
        if (r.Left != 0)
        {
            throw Bad("bytes after the heap");
        }

        // Verify on a heap of its own, before any state exists.
        Heap heap = Heap.ForCopy((nuint)length);
        try
        {
            heap.CopyFrom(head, tail, highWater);
            string? e = heap.Recount((uint)headLength);
            if (e != null)
            {
                throw Bad(e);
            }

            // Between cycles every block has the current white, which the image does not say:
            // every used block gets White0 (whatever colour its bytes claim), and the collector
            // starts with it. Without this the collector started with no white, and the objects a
            // booted state made were never freed by its first cycle, nor by an emergency one.
            for (Heap.BlockWalker w = heap.Walk(); w.MoveNext();)
            {
                if (!w.IsFree)
                {
                    byte* gc = heap.Base + w.Offset + 5;
                    *gc = (byte)((*gc & ~GcBits.CycleBits) | GcBits.White0);
                }
            }

            heap.NewObjectGc = heap.NewSubBlockGc = GcBits.White0;

            var frozen = HandleTable.FromSlots(slots);
            var saved = new LuaGlobal.Saved
            {
                Seed = seed,
                Registry = registry,
                MainThread = mainThread,
                MemoryErrorString = memoryError,
                TypeMetatables = typeMetatables,
                StringBuckets = buckets,
                StringSize = stringSize,
                StringCount = stringCount,
                Handles = frozen,
                GcDebt = Math.Clamp(gcDebt, -(long)length * 100, (long)length), // a restore keeps it (the pacing's arithmetic then stays in range): what a state of this heap can owe
                GcPause = Math.Clamp(gcPause, 0, 10_000),
                GcStepMul = Math.Clamp(gcStepMul, 0, 10_000),
                GcStopped = gcStopped,
            };
            var g = new LuaGlobal(heap, saved, frozen);
            e = HeapVerifier.VerifyUntrusted(g, (tag, h) => tag != Tag.LightUserdata && h >= 0 && h < capacity && slots[(int)h] is HostFunctionInfo);
            if (e != null)
            {
                throw Bad(e);
            }

            var checks = new ImageChecks(g, slots, kinds);
            checks.Run(globals, finalizable, due, ipairs, next, pcall, xpcall);
            heap.CopyTo(head, tail); // stack slots above the tops were cleared

            var main = new Coroutine(mainThread.R) { Status = CoStatus.Running, Started = true };
            var stats = heap.Stats.Save();
            uint[] tmNames = checks.Names(Interpreter.TmNameList);
            return new LuaSnapshot
            {
                Options = new LuaOptions
                {
                    MemoryLimit = (long)length,
                    Libraries = libraries,
                    MaxCallDepth = maxCallDepth,
                    MaxStackSize = maxStack,
                    HashSeed = seed,
                    GcPause = saved.GcPause,
                    GcStepMultiplier = saved.GcStepMul,
                },
                HeapLength = (nuint)length,
                Head = head,
                Tail = tail,
                HighWater = highWater,
                Stats = stats with { TotalAllocations = Math.Max(0, totalAllocations), Collections = Math.Max(0, collections) },
                Global = saved,
                Vm = new Interpreter.Saved
                {
                    TmNames = tmNames,
                    Family = tmNames,
                    HookNames = checks.Names(Interpreter.HookNameList),
                    PCallHandle = pcall,
                    XPCallHandle = xpcall,
                    Main = main,
                },
                Runtime = new LuaRuntime.Saved
                {
                    Globals = globals,
                    TypeNames = checks.TypeNames(),
                    IPairsIterator = ipairs,
                    NextFunction = next,
                    Random = random,
                    WarningsOn = warningsOn,
                },
                Gc = new Collector.Saved
                {
                    ModeString = checks.Names(["__mode"])[0],
                    GcString = checks.Names(["__gc"])[0],
                    Finalizable = finalizable,
                    DueFinalizers = due,
                    Mode = (GcMode)mode,
                    StepSize = Math.Clamp(stepSize, 0, 64),
                    MinorMul = Math.Clamp(minorMul, 0, 10_000),
                    MajorMul = Math.Clamp(majorMul, 0, 10_000),
                    DeadKeysInStrongTables = deadKeys,
                    White = GcBits.White0,
                },
            };
        }
        finally
        {
            heap.Dispose();
        }
    }

    /// <summary>FNV-1a, 64 bits: catches damage; the verification, not the checksum, is what makes a hostile image safe.</summary>
    private static ulong Checksum(ReadOnlySpan<byte> bytes)
    {
        ulong h = 14695981039346656037ul;
        foreach (byte b in bytes)
        {
            h = (h ^ b) * 1099511628211ul;
        }

        return h;
    }

    /// <summary>
    /// The checks an image needs beyond the heap verifier's: what ties the heap to the managed
    /// side (thread and userdata handles, host closures, the runtime's roots), and what the
    /// interpreter assumes of a state at a safe point (closed upvalues, closures as wide as
    /// their prototypes, verified code in a forest of prototypes, nothing outside the block).
    /// Runs after the verifier, so every block header and reference it follows is sound.
    /// </summary>
    private sealed class ImageChecks(LuaGlobal g, object?[] slots, byte[] kinds)
    {
        private readonly Dictionary<uint, ObjType> _types = [];
        private readonly Dictionary<uint, uint> _parent = [];

        public void Run(uint globals, uint[] finalizable, uint[] due, in Value ipairs, in Value next, int pcall, int xpcall)
        {
            Heap heap = g.Heap;
            for (Heap.BlockWalker w = heap.Walk(); w.MoveNext();)
            {
                if (!w.IsFree)
                {
                    _types[w.Ref] = w.Type;
                }
            }

            Expect(globals, ObjType.Table, "the globals table");
            foreach (uint f in finalizable.Concat(due))
            {
                if (!_types.TryGetValue(f, out ObjType t) || t is not (ObjType.Table or ObjType.Userdata))
                {
                    throw Bad($"finalizer list names {f}, not a table or userdata");
                }
            }

            CheckFunctionValue(ipairs, "ipairs iterator");
            CheckFunctionValue(next, "next");
            CheckBuiltinSlot(pcall, "pcall");
            CheckBuiltinSlot(xpcall, "xpcall");

            var threadOf = new int[slots.Length];
            Array.Fill(threadOf, -1);
            foreach (KeyValuePair<uint, ObjType> kv in _types)
            {
                byte* p = heap.Ptr(kv.Key);
                switch (kv.Value)
                {
                    case ObjType.Thread:
                        CheckThread(kv.Key, (ThreadObj*)p, threadOf);
                        break;
                    case ObjType.Userdata:
                        if (((UserdataObj*)p)->Handle != -1)
                        {
                            throw Bad($"userdata {kv.Key} holds a .NET object handle");
                        }

                        break;
                    case ObjType.HostClosure:
                    {
                        int h = ((HostClosureObj*)p)->Handle;
                        if (h < 0 || h >= slots.Length || slots[h] is not HostFunctionInfo)
                        {
                            throw Bad($"host closure {kv.Key} names no host function");
                        }

                        break;
                    }

                    case ObjType.UpValue:
                        if (((UpValueObj*)p)->V != kv.Key + UpValueObj.ClosedUnits)
                        {
                            throw Bad($"upvalue {kv.Key} is open");
                        }

                        break;
                    case ObjType.LuaClosure:
                    {
                        var c = (LuaClosureObj*)p;
                        if (c->H.Extra != ((ProtoObj*)heap.Ptr(c->Proto))->SizeUpvals)
                        {
                            throw Bad($"closure {kv.Key} has {c->H.Extra} upvalues, its prototype {((ProtoObj*)heap.Ptr(c->Proto))->SizeUpvals}");
                        }

                        for (int i = 0; i < c->H.Extra; i++)
                        {
                            if (LuaClosureObj.Upvals(c)[i] == 0)
                            {
                                throw Bad($"closure {kv.Key} lacks upvalue {i}");
                            }
                        }

                        break;
                    }

                    case ObjType.Proto:
                        CheckProto(kv.Key, (ProtoObj*)p);
                        break;
                }
            }

            for (int i = 0; i < slots.Length; i++)
            {
                if (kinds[i] == SlotCoroutine && threadOf[i] < 0)
                {
                    slots[i] = null; // a coroutine whose thread is gone: the slot is free
                    g.Handles.Release(i);
                }
            }

            CheckPrototypeForest();
        }

        private void Expect(uint r, ObjType t, string what)
        {
            if (!_types.TryGetValue(r, out ObjType actual) || actual != t)
            {
                throw Bad($"{what} ({r}) is not a {t}");
            }
        }

        private void CheckFunctionValue(in Value v, string what)
        {
            if (!v.IsNil && !(v.Tag == Tag.HostFunction && v.I >= 0 && v.I < slots.Length && slots[v.I] is HostFunctionInfo))
            {
                throw Bad($"{what} is not a host function");
            }
        }

        private void CheckBuiltinSlot(int h, string name)
        {
            if (h != -1 && !(h >= 0 && h < slots.Length && slots[h] is HostFunctionInfo info && info.Name == name))
            {
                throw Bad($"the {name} handle names another function");
            }
        }

        private void CheckThread(uint r, ThreadObj* t, int[] threadOf)
        {
            if (t->OpenUpval != 0)
            {
                throw Bad($"thread {r} has open upvalues");
            }

            Value* stack = LuaThread.StackBase(g, t);
            new Span<Value>(stack + t->Top, (int)(t->StackSize - t->Top)).Clear(); // above the top: never trusted, never read
            if (t->Status > LuaThread.StatusDead)
            {
                throw Bad($"thread {r} has status {t->Status}");
            }

            if (r == g.MainThread.R)
            {
                if (t->Handle != LuaThread.MainHandle)
                {
                    throw Bad("the main thread has a wrong handle");
                }

                return;
            }

            int h = t->Handle;
            if (h < 0 || h >= slots.Length || kinds[h] != SlotCoroutine || threadOf[h] >= 0)
            {
                throw Bad($"thread {r} names no coroutine of its own");
            }

            threadOf[h] = (int)r;
            var (status, started, died) = ((CoStatus, bool, bool))slots[h]!;
            if (status == CoStatus.Suspended && (t->Top < 1 || t->Status != LuaThread.StatusOk))
            {
                throw Bad($"coroutine {r} has no body");
            }

            slots[h] = new Coroutine(r) { Status = status, Started = started, DiedWithError = died };
            g.Handles.Replace(h, slots[h]!);
        }

        private void CheckProto(uint r, ProtoObj* p)
        {
            if (p->InPlaceCode != 0 || p->InPlaceLineInfo != 0 || p->Source == 0 || p->Code == 0 && p->SizeCode != 0
                || p->Constants == 0 && p->SizeConstants != 0 || p->Upvals == 0 && p->SizeUpvals != 0 || p->Protos == 0 && p->SizeProtos != 0
                || p->LocVars == 0 && p->SizeLocVars != 0)
            {
                throw Bad($"prototype {r} points outside the heap");
            }

            Value* k = p->Constants == 0 ? null : (Value*)(g.Heap.Ptr(p->Constants) + Heap.HeaderSize);
            for (uint i = 0; i < p->SizeConstants; i++)
            {
                if (k[i].Tag is not (Tag.Nil or Tag.False or Tag.True or Tag.Integer or Tag.Float or Tag.ShortString or Tag.LongString))
                {
                    throw Bad($"constant {i} of prototype {r} is a {k[i].Tag}");
                }
            }

            if (p->LocVars != 0)
            {
                var lv = (uint*)(g.Heap.Ptr(p->LocVars) + Heap.HeaderSize);
                for (uint i = 0; i < p->SizeLocVars; i++)
                {
                    if (lv[i * 3] == 0)
                    {
                        throw Bad($"local variable {i} of prototype {r} has no name");
                    }
                }
            }

            var children = p->Protos == 0 ? null : (uint*)(g.Heap.Ptr(p->Protos) + Heap.HeaderSize);
            for (uint i = 0; i < p->SizeProtos; i++)
            {
                if (children[i] == 0 || !_parent.TryAdd(children[i], r))
                {
                    throw Bad($"prototype {children[i]} is nested twice or not at all");
                }
            }
        }

        /// <summary>Every prototype has at most one parent and no cycle; each tree, from its root, passes the bytecode verifier.</summary>
        private void CheckPrototypeForest()
        {
            foreach (KeyValuePair<uint, ObjType> kv in _types)
            {
                if (kv.Value != ObjType.Proto)
                {
                    continue;
                }

                int depth = 0;
                for (uint p = kv.Key; _parent.TryGetValue(p, out uint up); p = up)
                {
                    if (++depth > ChunkFormat.MaxDepth)
                    {
                        throw Bad($"prototype {kv.Key} is nested too deeply (or in a cycle)");
                    }
                }
            }

            foreach (KeyValuePair<uint, ObjType> kv in _types)
            {
                if (kv.Value == ObjType.Proto && !_parent.ContainsKey(kv.Key))
                {
                    try
                    {
                        Verifier.Verify(ProtoExporter.Export(g, kv.Key));
                    }
                    catch (ChunkFormatException e)
                    {
                        throw Bad($"prototype {kv.Key}: {e.Message}");
                    }
                }
            }
        }

        /// <summary>The interned, fixed strings with these names (the runtime's metamethod and hook names).</summary>
        public uint[] Names(ReadOnlySpan<string> names)
        {
            var refs = new uint[names.Length];
            for (int i = 0; i < names.Length; i++)
            {
                refs[i] = g.Strings.Find(Encoding.ASCII.GetBytes(names[i]));
                if (refs[i] == 0 || (((ObjHeader*)g.Heap.Ptr(refs[i]))->Gc & GcBits.Fixed) == 0)
                {
                    throw Bad($"the image lacks the runtime's name '{names[i]}'");
                }
            }

            return refs;
        }

        public Value[] TypeNames()
        {
            var v = new Value[10];
            for (int t = -1; t <= 8; t++)
            {
                v[t + 1] = Value.Object(Tag.ShortString, Names([LuaTypeNames.Name((LuaType)t)])[0]);
            }

            return v;
        }
    }

    /// <summary>
    /// The standard libraries' functions of one library set, by the handle slot they get when the
    /// libraries open. Opening is deterministic and function handles are never released, so a
    /// state with these libraries holds each of them in the same slot as a fresh one.
    /// </summary>
    private sealed class Catalog
    {
        private static readonly ConcurrentDictionary<LuaLibraries, Catalog> s_catalogs = new();

        /// <summary>Library functions made while a script runs (not when the libraries open), by name.</summary>
        private static readonly (string Name, LuaHostFunction Fn)[] s_dynamic =
        [
            ("wrap", CoroutineLibrary.WrapCall),
            ("loader_host", PackageLibrary.ReturnUpvalue),
            ("gmatch_aux", StringLibrary.GMatchAux),
        ];

        private readonly HostFunctionInfo?[] _bySlot;

        /// <summary>The template's slot of each name that one function has (-1 for a name several share, as utf8's two iterators).</summary>
        private readonly Dictionary<string, int> _byName = [];

        public static Catalog For(LuaLibraries libraries) => s_catalogs.GetOrAdd(libraries, static l => new Catalog(l));

        private Catalog(LuaLibraries libraries)
        {
            using var template = new LuaState(new LuaOptions { Libraries = libraries, MemoryLimit = 1 << 20, Require = static _ => null, HashSeed = 0 });
            template.Runtime.FillLazyTables(); // a state fills its library tables in the order it uses them: the catalog holds them all
            HandleTable handles = template.Global.Handles;
            _bySlot = new HostFunctionInfo?[handles.Capacity];
            for (int i = 0; i < handles.Capacity; i++)
            {
                if (handles.At(i) is HostFunctionInfo info)
                {
                    _bySlot[i] = info;
                    _byName[info.Name] = _byName.ContainsKey(info.Name) ? -1 : i;
                }
            }
        }

        /// <summary>
        /// The slot the catalog's template holds this library function in (the image stores it
        /// beside the function's own slot): the same description object (functions every state
        /// shares), else the one function of that name; -1 for one made while a script ran.
        /// </summary>
        public int SlotOf(HostFunctionInfo info, int slot)
        {
            if (slot < _bySlot.Length && _bySlot[slot] == info)
            {
                return slot;
            }

            int shared = Array.IndexOf(_bySlot, info);
            if (shared >= 0)
            {
                return shared;
            }

            if (_byName.TryGetValue(info.Name, out int named) && named >= 0)
            {
                return named;
            }

            foreach (var (name, _) in s_dynamic)
            {
                if (name == info.Name)
                {
                    return -1;
                }
            }

            throw new InvalidOperationException($"The host function '{info.Name}' cannot be written to an image: only the standard libraries' functions and functions registered by name (Register, RegisterLibrary, CreateFunction) can be rebound in another process.");
        }

        public HostFunctionInfo? Find(string name, int slot)
        {
            if (slot == -1)
            {
                foreach (var (n, fn) in s_dynamic)
                {
                    if (n == name)
                    {
                        return new HostFunctionInfo(fn, name);
                    }
                }

                return null;
            }

            return slot >= 0 && slot < _bySlot.Length && _bySlot[slot]?.Name == name ? _bySlot[slot] : null;
        }
    }

    private sealed class ImageWriter
    {
        private readonly MemoryStream _s = new();
        private readonly byte[] _b = new byte[16];

        public ReadOnlySpan<byte> Written => new(_s.GetBuffer(), 0, (int)_s.Length);

        public byte[] ToArray() => _s.ToArray();

        public void Bytes(ReadOnlySpan<byte> b) => _s.Write(b);

        public void Zeros(int n) => _s.Write(new byte[n]);

        public void U8(byte v) => _s.WriteByte(v);

        public void U32(uint v)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_b, v);
            _s.Write(_b, 0, 4);
        }

        public void I32(int v) => U32((uint)v);

        public void U64(ulong v)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_b, v);
            _s.Write(_b, 0, 8);
        }

        public void I64(long v) => U64((ulong)v);

        public void Val(in Value v)
        {
            I64(v.I);
            U8((byte)v.Tag);
        }

        public void Refs(uint[] refs)
        {
            I32(refs.Length);
            foreach (uint r in refs)
            {
                U32(r);
            }
        }

        public void Str(string s)
        {
            byte[] b = Encoding.UTF8.GetBytes(s);
            I32(b.Length);
            Bytes(b);
        }
    }

    /// <summary>Reads the image's fields; running past the end is a format error, never an overrun.</summary>
    private ref struct ImageReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _pos;

        public readonly int Left => _data.Length - _pos;

        private ReadOnlySpan<byte> Take(int n)
        {
            if (n < 0 || n > Left)
            {
                throw Bad("truncated");
            }

            ReadOnlySpan<byte> s = _data.Slice(_pos, n);
            _pos += n;
            return s;
        }

        public void Skip(int n) => Take(n);

        public byte[] Bytes(int n) => Take(n).ToArray();

        public byte U8() => Take(1)[0];

        public bool Bool() => U8() switch
        {
            0 => false,
            1 => true,
            _ => throw Bad("a flag is neither 0 nor 1"),
        };

        public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public int I32() => (int)U32();

        public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public long I64() => (long)U64();

        public Value Val()
        {
            long payload = I64();
            byte tag = U8();
            if (tag > (byte)Tag.DeadKey || tag == 7)
            {
                throw Bad($"unknown value tag {tag}");
            }

            return new Value { I = payload, Tag = (Tag)tag };
        }

        public uint[] Refs()
        {
            int n = I32();
            if (n < 0 || n > Left / 4)
            {
                throw Bad("list length out of range");
            }

            var a = new uint[n];
            for (int i = 0; i < n; i++)
            {
                a[i] = U32();
            }

            return a;
        }

        public string Str()
        {
            int n = I32();
            if (n < 0 || n > 4096)
            {
                throw Bad("name length out of range");
            }

            return Encoding.UTF8.GetString(Take(n));
        }
    }
}
