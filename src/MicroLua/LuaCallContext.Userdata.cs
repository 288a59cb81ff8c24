using MicroLua.Core;
using MicroLua.Values;

namespace MicroLua;

/// <summary>
/// The userdata side of a host function's call, over the metatable registry
/// (<see cref="LuaState.NewMetatable{T}"/>): luaL_checkudata / luaL_testudata and pushing a
/// new userdata of a registered type, without a handle. The generated bindings are written
/// against these; hand-written host functions use the same ones.
/// </summary>
public readonly ref partial struct LuaCallContext
{
    /// <summary>
    /// The .NET object of type <typeparamref name="T"/> that the userdata argument
    /// <paramref name="i"/> wraps; otherwise Lua's "bad argument #i to 'f' (Point expected, got number)",
    /// with the name <typeparamref name="T"/> was registered under. Allocates nothing.
    /// </summary>
    public T CheckUserdata<T>(int i) where T : class =>
        i >= 1 && State.UserdataTarget(_c.Arg(i)) is T t ? t : throw _c.TypeError(i, State.LuaTypeName(typeof(T)));

    /// <summary>luaL_testudata: the object of type <typeparamref name="T"/> argument <paramref name="i"/> wraps, or null.</summary>
    public T? TestUserdata<T>(int i) where T : class => i >= 1 ? State.UserdataTarget(_c.Arg(i)) as T : null;

    /// <summary>
    /// luaL_checkudata by name: argument <paramref name="i"/> must be a userdata whose metatable
    /// is the one registered under <paramref name="name"/> (<see cref="LuaState.NewMetatable(string, out LuaTableRef)"/>);
    /// otherwise "bad argument #i to 'f' (name expected, got ...)". Returns the .NET object it
    /// wraps (null for a userdata that wraps none).
    /// </summary>
    public object? CheckUserdata(int i, string name)
    {
        uint mt = State.MetatableRef(name);
        if (i < 1 || mt == 0 || State.UserdataMetatable(_c.Arg(i)) != mt)
        {
            throw _c.TypeError(i, name);
        }

        return State.UserdataTarget(_c.Arg(i));
    }

    /// <summary>
    /// Pushes a new userdata wrapping <paramref name="value"/> with the metatable registered for
    /// <typeparamref name="T"/> (nil when <paramref name="value"/> is null). Each push makes a
    /// new userdata: two pushes of one object are two Lua values (give the type an <c>__eq</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> has no registered metatable.</exception>
    public void PushUserdata<T>(T? value) where T : class
    {
        if (value == null)
        {
            _c.Push(default);
            return;
        }

        State.PushUserdata(in _c, value, typeof(T));
    }

    /// <summary>Returns a new userdata of a registered type (see <see cref="PushUserdata{T}"/>); null returns nil.</summary>
    public int ReturnUserdata<T>(T? value) where T : class
    {
        PushUserdata(value);
        return 1;
    }

    /// <summary>
    /// Argument <paramref name="i"/> as an integer (as <see cref="CheckInteger(int)"/>) between
    /// <paramref name="min"/> and <paramref name="max"/>; otherwise "bad argument #i to 'f'
    /// (value out of range)", as string.char says. For a .NET parameter narrower than Lua's integers.
    /// </summary>
    public long CheckInteger(int i, long min, long max)
    {
        long v = _c.CheckInteger(i);
        return v >= min && v <= max ? v : throw _c.ArgError(i, LuaErrors.ValueOutOfRange);
    }

    /// <summary>
    /// luaL_getmetafield with the key taken from an argument: returns the raw field
    /// <c>getmetatable(arg i)[arg keyArgument]</c> (nil when there is no metatable or no such
    /// field), without a handle. An <c>__index</c> function that resolves properties itself ends
    /// with this to find methods stored in the metatable; it allocates nothing.
    /// </summary>
    public int ReturnMetafield(int i, int keyArgument)
    {
        uint mt = i >= 1 ? _c.Vm.GetMetatable(_c.Arg(i)) : 0;
        Value key = keyArgument >= 1 ? _c.Arg(keyArgument) : default;
        _c.Push(mt == 0 || key.IsNil ? default : LuaTable.Get(_c.G, mt, key));
        return 1;
    }
}
