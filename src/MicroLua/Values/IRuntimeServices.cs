using MicroLua.Core;

namespace MicroLua.Values;

/// <summary>
/// What the layers below the libraries call upward: the collector asks for the interpreter's
/// extra roots, runs finalizers and reports warnings through it, without naming the library or
/// the interpreter. Declared here, beside <see cref="LuaGlobal"/> which holds it, so that every
/// layer below the libraries reaches their services through a type it owns; Library.LuaRuntime
/// implements it (one per state) and is the only implementation.
/// </summary>
internal interface IRuntimeServices
{
    /// <summary>
    /// Reports the extra roots (threads being resumed, values held by running host code...).
    /// Called at the start of each cycle and again in its atomic phase; must not allocate in the heap.
    /// </summary>
    void MarkExtraRoots(IRootMarker marker);

    /// <summary>Calls a finalizer: <paramref name="gc"/> (the __gc value) with <paramref name="obj"/>. Errors it throws become warnings.</summary>
    void CallFinalizer(Value gc, Value obj);

    /// <summary>
    /// Whether an exception thrown by <see cref="CallFinalizer"/> is a stop (instruction budget,
    /// cancellation, a disposed state) that goes on to the host rather than becoming a warning.
    /// </summary>
    bool IsStop(Exception e);

    /// <summary>
    /// The collector frees the thread whose coroutine object has handle <paramref name="handle"/>;
    /// the handle is released right after. Called while the collector sweeps: must not allocate
    /// in the heap or run Lua code.
    /// </summary>
    void ThreadFreed(int handle);

    /// <summary>Receives a warning (Lua's lua_WarnFunction without the continuation flag), e.g. "error in __gc (msg)".</summary>
    void Warn(string message);
}
