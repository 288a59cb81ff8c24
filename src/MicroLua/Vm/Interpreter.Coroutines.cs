using MicroLua.Core;

namespace MicroLua.Vm;

/// <summary>
/// The managed objects of coroutines, reused: a collected thread's <see cref="Coroutine"/> goes
/// to a pool (the collector reports it through IRuntimeServices.ThreadFreed) and the next
/// coroutine.create takes it back, so creating coroutines in steady state allocates only in
/// the Lua heap.
/// </summary>
internal sealed partial class Interpreter
{
    private Coroutine[] _coroutinePool = [];
    private int _pooledCoroutines;

    /// <summary>A coroutine object for the new thread <paramref name="thread"/>: a pooled one when there is one.</summary>
    public Coroutine NewCoroutineObject(uint thread)
    {
        if (_pooledCoroutines == 0)
        {
            return new Coroutine(thread);
        }

        Coroutine co = _coroutinePool[--_pooledCoroutines];
        _coroutinePool[_pooledCoroutines] = null!;
        co.Reset(thread);
        return co;
    }

    /// <summary>
    /// Keeps the object of a collected thread for <see cref="NewCoroutineObject"/>. Nothing else
    /// refers to it any more: its handle is released, and a running coroutine (or one that
    /// resumed it) is never collected. Not while a debugger is attached, whose views may still
    /// name it; not when its arrays grew large.
    /// </summary>
    public void RecycleCoroutine(Coroutine co)
    {
        if (Debugger != null || co == Main || co.Frames.Length > LuaLimits.PooledCoroutineFrames || co.Tbc.Length > LuaLimits.PooledCoroutineFrames
            || _pooledCoroutines == LuaLimits.CoroutinePoolSize)
        {
            return;
        }

        if (_pooledCoroutines == _coroutinePool.Length)
        {
            Array.Resize(ref _coroutinePool, Math.Min(Math.Max(16, _pooledCoroutines * 2), LuaLimits.CoroutinePoolSize));
        }

        co.Reset(0); // drops its continuation, hook and resumer
        _coroutinePool[_pooledCoroutines++] = co;
    }
}
