using MicroLua.Core;
using MicroLua.Memory;

namespace MicroLua.Values;

/// <summary>Creation and stack access of coroutine objects; the interpreter drives them.</summary>
internal static unsafe class LuaThread
{
    /// <summary>Coroutine status values kept in <see cref="ThreadObj.Status"/>.</summary>
    public const byte StatusOk = 0;
    public const byte StatusYield = 1;
    public const byte StatusDead = 2;

    /// <summary>
    /// The handle of the main thread: its coroutine is <see cref="LuaGlobal.MainCoroutine"/>, not
    /// in the handle table, so that states made from one snapshot can share that table.
    /// </summary>
    public const int MainHandle = -2;

    /// <summary>A thread with a value stack of <paramref name="stackSize"/> nil slots.</summary>
    public static uint New(LuaGlobal g, int stackSize)
    {
        uint stack = g.Allocate((nuint)stackSize * (nuint)sizeof(Value), ObjType.Stack);
        new Span<Value>(g.Heap.Ptr(stack) + sizeof(ObjHeader), stackSize).Clear();
        g.PushPendingBlock(stack);
        uint t;
        try
        {
            t = g.Allocate((nuint)(sizeof(ThreadObj) - sizeof(ObjHeader)), ObjType.Thread);
        }
        catch
        {
            g.Free(stack);
            throw;
        }
        finally
        {
            g.PopPendingBlock();
        }

        var to = (ThreadObj*)g.Heap.Ptr(t);
        to->Stack = stack;
        to->StackSize = (uint)stackSize;
        to->Top = 0;
        to->OpenUpval = 0;
        to->Handle = -1;
        to->Status = StatusOk;
        to->Padding1 = 0;
        to->Padding2 = 0;
        return t;
    }

    public static ThreadObj* Obj(LuaGlobal g, uint t) => (ThreadObj*)g.Heap.Ptr(t);

    /// <summary>The first slot of the thread's value stack.</summary>
    public static Value* StackBase(LuaGlobal g, ThreadObj* t) => (Value*)(g.Heap.Ptr(t->Stack) + sizeof(ObjHeader));
}
