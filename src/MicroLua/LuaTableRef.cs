using MicroLua.Core;

namespace MicroLua;

/// <summary>
/// A handle on a Lua table: read and write fields (with or without metamethods), its length,
/// its metatable, and iteration in <c>next</c> order.
/// </summary>
public sealed class LuaTableRef : LuaReference
{
    internal LuaTableRef(LuaState state, int slot) : base(state, slot)
    {
    }

    /// <inheritdoc/>
    public override LuaType Type => LuaType.Table;

    /// <summary>t[key] as Lua code reads and writes it: __index and __newindex apply.</summary>
    /// <exception cref="LuaException">A metamethod raised an error, or the key is nil or NaN on assignment.</exception>
    public LuaValue this[LuaValue key]
    {
        get => State.GetIndex(Value, key, raw: false);
        set => State.SetIndex(Value, key, value, raw: false);
    }

    /// <summary>t[key] without metamethods (rawget).</summary>
    public LuaValue RawGet(LuaValue key) => State.GetIndex(Value, key, raw: true);

    /// <summary>t[key] = value without metamethods (rawset).</summary>
    /// <exception cref="LuaException">The key is nil or NaN.</exception>
    public void RawSet(LuaValue key, LuaValue value) => State.SetIndex(Value, key, value, raw: true);

    /// <summary>The raw length (a border, as rawlen).</summary>
    public long RawLength => State.RawLength(Value);

    /// <summary>The metatable, or null (a new handle each time: dispose it). Set null to remove it.</summary>
    public LuaTableRef? Metatable
    {
        get => State.GetMetatable(Value);
        set => State.SetMetatable(Value, value);
    }

    /// <summary>
    /// The key-value pairs in <c>next</c> order (raw, no __pairs). As in Lua, assigning
    /// existing fields (or nil to them) while iterating is allowed; adding new keys is not.
    /// Keys and values that are objects come as new handles: dispose those you keep. The key a
    /// traversal goes on from is held as a root until the enumerator is disposed (foreach and
    /// LINQ dispose it), so it survives collections and compactions between steps.
    /// </summary>
    public IEnumerable<KeyValuePair<LuaValue, LuaValue>> Pairs()
    {
        // The key the traversal goes on from is a host root, so it stays alive and stays right
        // when the heap is compacted between two steps.
        int keySlot = State.Root(default);
        try
        {
            while (State.Next(Value, keySlot, out LuaValue k, out LuaValue v))
            {
                yield return new KeyValuePair<LuaValue, LuaValue>(k, v);
            }
        }
        finally
        {
            if (!State.IsDisposed)
            {
                State.Unroot(keySlot);
            }
        }
    }
}
