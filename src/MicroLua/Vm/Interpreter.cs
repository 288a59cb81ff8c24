using System.Runtime.CompilerServices;
using MicroLua.Core;
using MicroLua.Memory;
using MicroLua.Values;
using static MicroLua.Vm.Instruction;

namespace MicroLua.Vm;

/// <summary>A .NET function callable from Lua: reads its arguments and pushes results through the context, returns the result count.</summary>
internal delegate int LuaHostFunction(ref CallContext c);

/// <summary>What a HostFunction value's handle refers to.</summary>
internal sealed class HostFunctionInfo(LuaHostFunction fn, string name)
{
    public LuaHostFunction Fn { get; } = fn;
    public string Name { get; } = name;
}

/// <summary>
/// The interpreter: one per state. <see cref="Run"/> is the loop: one method with a switch
/// over opcodes, pc/base/constants in locals. Lua-to-Lua calls and returns push and pop
/// frames instead of recursing in C#; Lua metamethods called by an instruction run as
/// frames too (FinishOp), so they can yield. Host code that calls Lua re-enters through
/// <see cref="Call(Coroutine, int, int)"/>, which counts against the C-call limit.
/// </summary>
internal sealed unsafe partial class Interpreter
{
    public readonly LuaGlobal G;
    private readonly byte* _hb;
    private uint[] _tmNames;

    /// <summary>
    /// Identifies the states that share this interpreter's origin (one state and those made from
    /// its snapshots): the first name array, which <see cref="SharesNamesWith"/> compares, since
    /// <see cref="_tmNames"/> is replaced when a state's heap is compacted; an object of its own
    /// for a state copied from a template (LuaState.Templates.cs), which shares the names.
    /// </summary>
    private readonly object _family;

    /// <summary>Nested host-to-Lua activations (Lua's nCcalls); "C stack overflow" past the limit.</summary>
    public int CCalls;

    public Interpreter(LuaGlobal g)
    {
        G = g;
        _hb = g.Heap.Base;
        _tmNames = new uint[(int)TM.Count];
        _family = _tmNames;
        string[] names = TmNameList;
        for (int i = 0; i < names.Length; i++)
        {
            Value s = g.NewString(names[i]);
            ((ObjHeader*)g.Heap.Ptr(s.R))->Gc |= GcBits.Fixed;
            _tmNames[i] = s.R;
        }

        InitHookNames();

        Main = new Coroutine(g.MainThread.R) { Status = CoStatus.Running, Started = true };
        ThreadObj(Main)->Handle = LuaThread.MainHandle;
        g.MainCoroutine = Main;
        Running = Main;
    }

    /// <summary>The metamethod names, in <see cref="TM"/> order (fixed strings of every state).</summary>
    internal static readonly string[] TmNameList =
    [
        "__index", "__newindex", "__gc", "__mode", "__len", "__eq", "__add", "__sub", "__mul", "__mod", "__pow",
        "__div", "__idiv", "__band", "__bor", "__bxor", "__shl", "__shr", "__unm", "__bnot", "__lt", "__le",
        "__concat", "__call", "__close",
    ];

    public Coroutine Main { get; private set; }

    public Coroutine Running { get; set; }

    public uint TMName(TM e) => _tmNames[(int)e];

    // ---- stack access ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ThreadObj* ThreadObj(Coroutine co) => (ThreadObj*)(_hb + ((nuint)co.Thread << 3));

    /// <summary>
    /// Moves <paramref name="n"/> values from <paramref name="src"/> to <paramref name="dst"/>,
    /// the ranges possibly overlapping: the one way the VM moves a range of stack slots. A few
    /// values moved down (results to their slot, arguments to a base) are copied in a loop;
    /// Buffer.MemoryCopy's call cost more than the copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MoveValues(Value* src, Value* dst, int n)
    {
        if (n <= 4 && dst <= src)
        {
            for (int i = 0; i < n; i++)
            {
                dst[i] = src[i]; // forward: a slot is read before any write reaches it
            }

            return;
        }

        Buffer.MemoryCopy(src, dst, (long)n * sizeof(Value), (long)n * sizeof(Value));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Value* StackOf(Coroutine co) => (Value*)(_hb + ((nuint)ThreadObj(co)->Stack << 3) + 8);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetTop(Coroutine co) => (int)ThreadObj(co)->Top;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetTop(Coroutine co, int top) => ThreadObj(co)->Top = (uint)top;

    /// <summary>Pushes a value on the coroutine's stack (growing it when needed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(Coroutine co, in Value v)
    {
        ThreadObj* th = ThreadObj(co);
        uint top = th->Top;
        if (top + 1 > th->StackSize)
        {
            PushGrowing(co, v);
            return;
        }

        StackOf(co)[top] = v;
        th->Top = top + 1;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PushGrowing(Coroutine co, Value v)
    {
        int top = GetTop(co);
        G.PushTemp(v); // growing the stack allocates: keep the value alive meanwhile
        try
        {
            EnsureStack(co, top + 1);
        }
        finally
        {
            G.PopTemp();
        }

        StackOf(co)[top] = v;
        SetTop(co, top + 1);
    }

    /// <summary>Makes the stack hold at least <paramref name="needed"/> slots; raises "stack overflow" past Lua's limit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EnsureStack(Coroutine co, int needed)
    {
        if ((uint)needed > ThreadObj(co)->StackSize)
        {
            GrowStack(co, needed);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void GrowStack(Coroutine co, int needed)
    {
        ThreadObj* th = ThreadObj(co);
        int size = (int)th->StackSize;
        if (needed > MaxStack)
        {
            if (size < MaxStack + ErrorStackExtra)
            {
                // Room for the error handling itself, then the error.
                Reallocate(co, MaxStack + ErrorStackExtra);
                throw LuaError.Runtime(LuaErrors.StackOverflow);
            }

            LuaErrors.ThrowErrorInErrorHandling();
        }

        int newSize = Math.Max(needed + 32, Math.Min(size * 2, MaxStack));
        newSize = Math.Max(newSize, needed);
        Reallocate(co, newSize);
    }

    private const int ErrorStackExtra = 200;

    /// <summary>
    /// After an error was handled (a pcall finished with false, the host got the error): a stack
    /// that grew past its limit for a "stack overflow" shrinks back to twice what is in use, as
    /// Lua's luaD_shrinkstack, so that the next overflow has its room for error handling again.
    /// </summary>
    public void ShrinkStack(Coroutine co)
    {
        ThreadObj* th = ThreadObj(co);
        if (th->StackSize <= (uint)MaxStack)
        {
            return;
        }

        int inuse = GetTop(co);
        for (int i = 0; i < co.FrameCount; i++)
        {
            inuse = Math.Max(inuse, co.Frames[i].Top);
        }

        if (co.TbcCount > 0)
        {
            inuse = Math.Max(inuse, co.Tbc[co.TbcCount - 1] + 1);
        }

        if (inuse <= MaxStack)
        {
            try
            {
                Reallocate(co, Math.Min(Math.Max(inuse * 2, inuse + MinHostStack + 1), MaxStack));
            }
            catch (LuaError e) when (e.IsMemoryError)
            {
                // no room for the smaller copy: the stack keeps its size until the next chance
            }
        }
    }

    private void Reallocate(Coroutine co, int newSize)
    {
        ThreadObj* th = ThreadObj(co);
        uint oldStack = th->Stack;
        int oldSize = (int)th->StackSize;
        uint ns = G.Allocate((nuint)newSize * (nuint)sizeof(Value), ObjType.Stack);
        th = ThreadObj(co);
        oldStack = th->Stack;
        oldSize = (int)th->StackSize;
        Value* src = (Value*)(_hb + ((nuint)oldStack << 3) + 8);
        Value* dst = (Value*)(_hb + ((nuint)ns << 3) + 8);
        int keep = Math.Min(oldSize, newSize);
        MoveValues(src, dst, keep);
        new Span<Value>(dst + keep, newSize - keep).Clear();
        th->Stack = ns;
        th->StackSize = (uint)newSize;
        // Open upvalues point into the stack by reference: move them along.
        for (uint uv = th->OpenUpval; uv != 0;)
        {
            var u = (UpValueObj*)(_hb + ((nuint)uv << 3));
            u->V = u->V - oldStack + ns;
            uv = u->NextOpen;
        }

        G.Free(oldStack);
    }

    /// <summary>Stack index of the value an open upvalue's reference denotes.</summary>
    private int SlotOfRef(Coroutine co, uint v) => (int)((v - ThreadObj(co)->Stack - 1) / 2);

    private uint RefOfSlot(Coroutine co, int slot) => ThreadObj(co)->Stack + 1 + (2 * (uint)slot);

    // ---- closures and upvalues ----

    public uint NewLuaClosure(uint proto, int nupvals)
    {
        uint c = G.Allocate((nuint)(sizeof(LuaClosureObj) - sizeof(ObjHeader) + (nupvals * 4)), ObjType.LuaClosure);
        var co = (LuaClosureObj*)(_hb + ((nuint)c << 3));
        co->Proto = proto;
        co->Padding = 0;
        co->H.Extra = (ushort)nupvals;
        new Span<uint>(LuaClosureObj.Upvals(co), nupvals).Clear();
        return c;
    }

    /// <summary>A closed upvalue holding <paramref name="v"/> (for main chunks' _ENV).</summary>
    public uint NewClosedUpval(in Value v)
    {
        Value copy = v;
        uint u = G.Allocate((nuint)(sizeof(UpValueObj) - sizeof(ObjHeader)), ObjType.UpValue);
        var uo = (UpValueObj*)(_hb + ((nuint)u << 3));
        uo->Closed = copy;
        uo->V = u + UpValueObj.ClosedUnits;
        uo->NextOpen = 0;
        return u;
    }

    /// <summary>The open upvalue for stack slot <paramref name="slot"/>, created if needed (the list is sorted by decreasing slot).</summary>
    private uint FindUpval(Coroutine co, int slot)
    {
        uint target = RefOfSlot(co, slot);
        ThreadObj* th = ThreadObj(co);
        uint* link = &th->OpenUpval;
        while (*link != 0)
        {
            var u = (UpValueObj*)(_hb + ((nuint)(*link) << 3));
            if (u->V == target)
            {
                return *link;
            }

            if (u->V < target)
            {
                break;
            }

            link = &u->NextOpen;
        }

        // Blocks never move and open upvalues are kept alive by their thread, so link stays valid.
        uint nu = G.Allocate((nuint)(sizeof(UpValueObj) - sizeof(ObjHeader)), ObjType.UpValue);
        var n = (UpValueObj*)(_hb + ((nuint)nu << 3));
        n->V = RefOfSlot(co, slot);
        n->Closed = default;
        n->NextOpen = *link;
        *link = nu;
        return nu;
    }

    /// <summary>Closes every open upvalue at or above stack slot <paramref name="level"/>.</summary>
    public void CloseUpvals(Coroutine co, int level)
    {
        ThreadObj* th = ThreadObj(co);
        uint limit = RefOfSlot(co, level);
        while (th->OpenUpval != 0)
        {
            uint ur = th->OpenUpval;
            var u = (UpValueObj*)(_hb + ((nuint)ur << 3));
            if (u->V < limit)
            {
                break;
            }

            th->OpenUpval = u->NextOpen;
            u->Closed = *(Value*)(_hb + ((nuint)u->V << 3));
            u->V = ur + UpValueObj.ClosedUnits;
            u->NextOpen = 0;
            G.WriteBarrier(ur, u->Closed);
        }
    }

    // ---- prototypes ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ProtoObj* Proto(uint p) => (ProtoObj*)(_hb + ((nuint)p << 3));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint* Code(ProtoObj* p) => Code(_hb, p);

    /// <summary>
    /// The instructions of <paramref name="p"/> for a heap based at <paramref name="hb"/>: in
    /// place (a mapped chunk) or in the heap. The loop's call and return read the heap's base
    /// once into a local and pass it (the field would be read again after each store, which
    /// the JIT cannot tell from a store to it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint* Code(byte* hb, ProtoObj* p) =>
        p->InPlaceCode == 0 ? (uint*)(hb + ((nuint)p->Code << 3) + 8) : (uint*)p->InPlaceCode;

    /// <summary>
    /// The index a frame saves (CallFrame.Pc) of the loop's instruction pointer <paramref name="pc"/>
    /// into <paramref name="code"/>. Unsigned (pc is never before code): `pc - code` is a signed
    /// division by 4, six instructions where a shift is one, at every slow path and call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PcOf(uint* pc, uint* code) => (int)(((nuint)pc - (nuint)code) >> 2);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Value* Constants(ProtoObj* p) => Constants(_hb, p);

    /// <summary>The constants of <paramref name="p"/> for a heap based at <paramref name="hb"/>, as <see cref="Code(byte*, ProtoObj*)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Value* Constants(byte* hb, ProtoObj* p) => (Value*)(hb + ((nuint)p->Constants << 3) + 8);

    public uint ProtoOfClosure(uint closure) => ((LuaClosureObj*)(_hb + ((nuint)closure << 3)))->Proto;
}
