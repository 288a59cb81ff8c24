using MicroLua.Core;

namespace MicroLua.Values;

/// <summary>The managed references of the shared state, rewritten when the heap is compacted (Gc/Compactor.cs).</summary>
internal sealed unsafe partial class LuaGlobal
{
    /// <summary>
    /// Called by the compactor, before the blocks move, with the map from old to new references,
    /// for code outside the runtime's own layers that keeps references in managed fields (host
    /// libraries; the collector, interpreter and libraries are called by LuaState directly, so an
    /// idle state holds no delegate for them). Null unless such code subscribed.
    /// </summary>
    public Action<Func<uint, uint>>? Relocating;

    /// <summary>Rewrites the roots this class holds: registry, main thread, fixed message, type metatables, host roots, temps, pending blocks.</summary>
    public void RelocateRoots(Func<uint, uint> map)
    {
        Relocate(ref Registry, map);
        Relocate(ref MainThread, map);
        Relocate(ref MemoryErrorString, map);
        for (int i = 0; i < TypeMetatables.Length; i++)
        {
            TypeMetatables[i] = map(TypeMetatables[i]);
        }

        for (int i = 0; i < HostRoots.Count; i++)
        {
            Value v = HostRoots[i];
            Relocate(ref v, map);
            HostRoots[i] = v;
        }

        for (int i = 0; i < _tempCount; i++)
        {
            Relocate(ref _temps[i], map);
        }

        for (int i = 0; i < _pendingCount; i++)
        {
            _pending[i] = map(_pending[i]);
        }
    }

    /// <summary>Rewrites one value's reference, if it has one.</summary>
    public static void Relocate(ref Value v, Func<uint, uint> map)
    {
        if (v.IsCollectable)
        {
            v.I = map(v.R);
        }
    }
}
