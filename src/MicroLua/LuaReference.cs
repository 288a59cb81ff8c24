using MicroLua.Core;

namespace MicroLua;

/// <summary>
/// A handle on a Lua object (table, function, full userdata, coroutine) held by the host.
/// While the handle is alive the object is a root: the collector keeps it. Dispose releases
/// the root (the object is collected once nothing else references it); disposing the state
/// releases every handle. A handle dropped without Dispose is released too, later: its .NET
/// finalizer queues the root, and the next API call on the state (on the state's thread)
/// releases it. A handle belongs to one state and, like the state, to one thread at a time.
/// </summary>
public abstract class LuaReference : IDisposable
{
    private int _slot;

    private protected LuaReference(LuaState state, int slot)
    {
        State = state;
        _slot = slot;
    }

    /// <summary>The state the object lives in.</summary>
    public LuaState State { get; }

    /// <summary>The Lua type of the object.</summary>
    public abstract LuaType Type { get; }

    /// <summary>Whether <see cref="Dispose"/> was called (or the state was disposed).</summary>
    public bool IsDisposed => _slot < 0 || State.IsDisposed;

    /// <summary>The object as an internal value (throws once released).</summary>
    internal Value Value
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            return State.Rooted(_slot);
        }
    }

    internal bool SameObject(LuaReference other) =>
        ReferenceEquals(this, other) || (State == other.State && !IsDisposed && !other.IsDisposed && Value.SameRaw(other.Value));

    internal int ObjectHashCode() => IsDisposed ? 0 : Value.I.GetHashCode();

    /// <summary>Lua's type name and the handle's identity, for debugging.</summary>
    public override string ToString() => IsDisposed ? $"{LuaTypeNames.Name(Type)} (released)" : $"{LuaTypeNames.Name(Type)}: {Value.I:x}";

    /// <summary>Releases the root; the object itself lives on while Lua references it.</summary>
    public void Dispose()
    {
        if (_slot >= 0)
        {
            if (!State.IsDisposed)
            {
                State.Unroot(_slot);
            }

            _slot = -1;
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Runs on the finalizer thread for a handle dropped without <see cref="Dispose"/>: hands the
    /// root to the state, which releases it at its next API call (the heap is never touched here).
    /// </summary>
    ~LuaReference()
    {
        if (_slot >= 0)
        {
            State.Dropped(_slot);
        }
    }
}
