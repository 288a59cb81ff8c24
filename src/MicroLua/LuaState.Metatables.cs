using MicroLua.Core;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua;

/// <summary>
/// The per-type metatable registry, as luaL_newmetatable / luaL_getmetatable / luaL_checkudata:
/// a metatable is registered under a name in the Lua registry (with <c>__name</c> set to that
/// name, so messages and tostring show it) and, optionally, bound to a .NET type, so that
/// hand-written host functions and the generated bindings (MicroLua.Generators) find the same
/// table, create userdata with it and check their arguments against it.
/// </summary>
public sealed unsafe partial class LuaState
{
    /// <summary>
    /// .NET type to its registered metatable and name. The name's entry in the Lua registry is
    /// the truth (it survives snapshots); this map is the fast path of
    /// <see cref="LuaCallContext.PushUserdata{T}"/> and the source of the names in messages.
    /// </summary>
    private Dictionary<Type, TypeMetatable>? _typeMetatables; // made at the first registration: a state without bindings carries none

    /// <summary>Name to metatable for the names registered through this state's API: the by-name checks read it without touching the heap.</summary>
    private Dictionary<string, LuaTableRef>? _namedMetatables;

    /// <summary>A metatable bound to a .NET type: the handle that keeps it (owned by the state) and its name.</summary>
    private sealed class TypeMetatable(LuaTableRef metatable, string name)
    {
        public LuaTableRef Metatable { get; } = metatable;

        public string Name { get; } = name;
    }

    /// <summary>
    /// luaL_newmetatable: the metatable registered under <paramref name="name"/>, created (with
    /// <c>__name</c> = <paramref name="name"/>) when there is none yet.
    /// </summary>
    /// <param name="name">The registry key; also the type name Lua shows ("Point expected, got number").</param>
    /// <param name="metatable">A new handle on the metatable: dispose it when done.</param>
    /// <returns>True when the table was created by this call (fill it now), false when it was registered before.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or the registry holds a non-table under it.</exception>
    /// <exception cref="LuaException">Out of memory.</exception>
    public bool NewMetatable(string name, out LuaTableRef metatable)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        using var registry = (LuaTableRef)Handle(RegistryValue());
        LuaValue existing = registry.RawGet(name);
        if (!existing.IsNil)
        {
            if (existing.Reference is not LuaTableRef found)
            {
                existing.Reference?.Dispose();
                throw new ArgumentException($"The registry holds a {LuaTypeNames.Name(existing.Type)} under '{name}', not a metatable.", nameof(name));
            }

            metatable = found;
            Remember(name, found);
            return false;
        }

        metatable = CreateTable(0, 4);
        metatable.RawSet("__name", name);
        registry.RawSet(name, metatable);
        Remember(name, metatable);
        return true;
    }

    /// <summary>
    /// <see cref="NewMetatable(string, out LuaTableRef)"/> for the .NET type
    /// <typeparamref name="T"/>: also binds the type to the metatable, so that
    /// <see cref="NewUserdata{T}"/>, <see cref="LuaCallContext.PushUserdata{T}"/> and
    /// <see cref="LuaCallContext.CheckUserdata{T}"/> use it and its name.
    /// </summary>
    /// <param name="name">The registry key and the name Lua shows.</param>
    /// <param name="metatable">A new handle on the metatable: dispose it when done.</param>
    /// <returns>True when the table was created by this call (fill it now), false when it was registered before.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is already bound to another name, or the name to a non-table.</exception>
    /// <exception cref="LuaException">Out of memory.</exception>
    public bool NewMetatable<T>(string name, out LuaTableRef metatable) where T : class
    {
        _typeMetatables ??= [];
        if (_typeMetatables.TryGetValue(typeof(T), out TypeMetatable? bound) && bound.Name != name)
        {
            throw new ArgumentException($"Type {typeof(T).Name} is already registered as '{bound.Name}'.", nameof(name));
        }

        if (bound == null)
        {
            foreach (KeyValuePair<Type, TypeMetatable> other in _typeMetatables)
            {
                if (other.Value.Name == name)
                {
                    throw new ArgumentException($"The name '{name}' is already registered for type {other.Key.Name}.", nameof(name));
                }
            }
        }

        bool created = NewMetatable(name, out metatable);
        if (bound == null)
        {
            _typeMetatables.Add(typeof(T), new TypeMetatable((LuaTableRef)Handle(metatable.Value), name));
        }

        return created;
    }

    /// <summary>luaL_getmetatable: a new handle on the metatable registered under <paramref name="name"/>, or null.</summary>
    public LuaTableRef? GetMetatable(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        using var registry = (LuaTableRef)Handle(RegistryValue());
        LuaValue v = registry.RawGet(name);
        if (v.Reference is LuaTableRef t)
        {
            return t;
        }

        v.Reference?.Dispose();
        return null;
    }

    /// <summary>A new handle on the metatable bound to <typeparamref name="T"/>, or null when the type is not registered.</summary>
    public LuaTableRef? GetMetatable<T>() where T : class
    {
        CheckAccess();
        return _typeMetatables != null && _typeMetatables.TryGetValue(typeof(T), out TypeMetatable? m) ? (LuaTableRef)Handle(m.Metatable.Value) : null;
    }

    /// <summary>Whether <typeparamref name="T"/> is bound to a metatable in this state.</summary>
    public bool IsRegistered<T>() where T : class => _typeMetatables != null && _typeMetatables.ContainsKey(typeof(T));

    /// <summary>
    /// A new full userdata wrapping <paramref name="target"/> with the metatable registered for
    /// <typeparamref name="T"/> (see <see cref="CreateUserdata(object, LuaTableRef?, Action{object}?)"/>
    /// for <paramref name="collected"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> has no registered metatable.</exception>
    /// <exception cref="LuaException">Out of memory.</exception>
    public LuaUserdata NewUserdata<T>(T target, Action<object>? collected = null) where T : class
    {
        ArgumentNullException.ThrowIfNull(target);
        return CreateUserdata(target, TypeMetatableOf(typeof(T)).Metatable, collected);
    }

    /// <summary>The name Lua shows for <paramref name="type"/>: the registered one, else the .NET name.</summary>
    internal string LuaTypeName(Type type) => _typeMetatables != null && _typeMetatables.TryGetValue(type, out TypeMetatable? m) ? m.Name : type.Name;

    /// <summary>The registered metatable of <paramref name="type"/> as a heap reference (0 when none).</summary>
    internal uint MetatableRef(Type type) => _typeMetatables != null && _typeMetatables.TryGetValue(type, out TypeMetatable? m) ? m.Metatable.Value.R : 0;

    /// <summary>The metatable registered under <paramref name="name"/> through this API as a heap reference (0 when none); the hot path of a by-name check.</summary>
    internal uint MetatableRef(string name) => _namedMetatables != null && _namedMetatables.TryGetValue(name, out LuaTableRef? t) ? t.Value.R : 0;

    /// <summary>Keeps a state-owned handle on the metatable of <paramref name="name"/> (the first one seen: luaL_newmetatable never replaces an entry).</summary>
    private void Remember(string name, LuaTableRef metatable)
    {
        _namedMetatables ??= [];
        if (!_namedMetatables.ContainsKey(name))
        {
            _namedMetatables.Add(name, (LuaTableRef)Handle(metatable.Value));
        }
    }

    private TypeMetatable TypeMetatableOf(Type type) => _typeMetatables != null && _typeMetatables.TryGetValue(type, out TypeMetatable? m) ? m
        : throw new InvalidOperationException($"Type {type.Name} has no metatable in this state: register it first (NewMetatable<T>, or the generated LuaRegister).");

    private Value RegistryValue()
    {
        CheckAccess();
        return _g.Registry;
    }

    /// <summary>The metatable reference of a userdata value (0 when none or not a full userdata).</summary>
    internal uint UserdataMetatable(in Value v) => v.Tag == Tag.Userdata ? ((UserdataObj*)_g.Heap.Ptr(v.R))->Metatable : 0;

    /// <summary>
    /// Pushes a new userdata wrapping <paramref name="target"/> with the registered metatable of
    /// <paramref name="type"/> on the running call's stack: no handle, nothing rooted from the host.
    /// </summary>
    internal void PushUserdata(in CallContext c, object target, Type type)
    {
        uint mt = TypeMetatableOf(type).Metatable.Value.R;
        Value ud = NewUserdataValue(target, null);
        c.Push(ud); // anchored before anything else allocates
        ((UserdataObj*)_g.Heap.Ptr(ud.R))->Metatable = mt;
        _g.WriteBarrierRef(ud.R, mt);
        _g.CheckFinalizer(ud.R, mt);
    }
}
