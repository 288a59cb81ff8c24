using MicroLua.Gc;

namespace MicroLua;

/// <summary>Heap compaction on request (Gc/Compactor.cs; docs/memory.md, Compaction).</summary>
public sealed partial class LuaState
{
    /// <summary>
    /// Slides every live object toward the start of the heap so that all free memory becomes one
    /// block at the end: after it, an allocation of up to <see cref="MemoryStats.FreeBytes"/>
    /// minus the block header succeeds whatever the heap's history. A collection cycle under way is
    /// finished first (what it found dead is freed; no finalizer runs). Handles the host holds
    /// (<see cref="LuaValue"/>, <see cref="LuaTableRef"/>, <see cref="LuaFunction"/>...) stay valid,
    /// and so do suspended coroutines. The cost is a walk of the heap and a copy of the live bytes
    /// above the first hole (docs/memory.md gives times per live MiB).
    /// </summary>
    /// <remarks>
    /// Object identities seen by the host change: <see cref="LuaReference.ToString"/> and the hash
    /// code of a handle (a dictionary keyed by handles must be rebuilt), and the order in which
    /// <c>next</c> visits tables whose keys are tables, functions, userdata or coroutines (they are
    /// rehashed, since their keys' hashes come from the references).
    /// </remarks>
    /// <exception cref="InvalidOperationException">Lua code is running (the call comes from a host function, a hook, a coroutine or a finalizer).</exception>
    /// <exception cref="ObjectDisposedException">The state was disposed.</exception>
    public LuaCompactionResult Compact()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckAccess();
        if (!_vm.AtSafePoint || _g.InCollection)
        {
            throw new InvalidOperationException("The heap can be compacted only where no Lua code runs (not from a host function, a hook or a coroutine).");
        }

        return CompactNow();
    }

    /// <summary>Test hook: called after each compaction (the tests run the heap verifier). Must not touch the Lua heap.</summary>
    internal Action? AfterCompaction { get; set; }

    /// <summary>Compactions run since the state was created (by <see cref="Compact"/> or at safe points).</summary>
    internal long Compactions { get; private set; }

    private LuaCompactionResult CompactNow()
    {
        Compactor.Result r = Compactor.Compact(_g, map =>
        {
            _vm.Relocate(map);
            _rt.Relocate(map);
        });
        Compactions++;
        AfterCompaction?.Invoke();
        return new LuaCompactionResult(r.BytesMoved, r.LargestFreeBefore, r.LargestFreeAfter, r.FreeBlocksBefore);
    }

    /// <summary>With <see cref="LuaOptions.CompactAtSafePoints"/>: compacts when the outermost API call returns to the host.</summary>
    private void CompactAtSafePoint()
    {
        if (Options.CompactAtSafePoints && !_disposed && _vm.AtSafePoint && !_g.InCollection)
        {
            CompactNow();
        }
    }
}
