using MicroLua.Core;
using MicroLua.Vm;

namespace MicroLua;

/// <summary>
/// What a <see cref="LuaAsyncCallback"/> sees of its call: as <see cref="LuaCallContext"/>, but
/// a plain struct that an <c>async</c> method may keep across awaits. It is valid until the
/// function's task completes (a copy used later throws <see cref="InvalidOperationException"/>).
/// Results pushed are kept in .NET values and reach Lua when the task completes; reading
/// numbers and booleans and returning them allocates nothing. After an await, each member is an
/// API call on the state: use it from one thread at a time, as every API call
/// (<see cref="InvalidOperationException"/> when another thread is inside the state).
/// </summary>
public readonly struct LuaAsyncCallContext
{
    private readonly LuaState.AsyncCall _call;
    private readonly int _version;

    internal LuaAsyncCallContext(LuaState.AsyncCall call, int version)
    {
        _call = call;
        _version = version;
    }

    /// <summary>The state the function runs in.</summary>
    public LuaState State => _call.State;

    /// <summary>The token of the async run (<see cref="LuaState.CallAsync"/>'s, linked with <see cref="LuaState.CancellationToken"/>): pass it to the operations awaited.</summary>
    public CancellationToken CancellationToken => _call.Cancellation;

    /// <summary>How many arguments the function was called with.</summary>
    public int ArgumentCount => _call.ArgumentCount(_version);

    /// <summary>The type of argument <paramref name="i"/>; <see cref="LuaType.None"/> when absent.</summary>
    public LuaType TypeOf(int i)
    {
        CallContext c = _call.Open(_version);
        try
        {
            if (i > c.ArgCount || i < 1)
            {
                return LuaType.None;
            }

            Value v = c.Arg(i);
            return v.Tag == Tag.LightUserdata ? LuaType.LightUserdata : v.Type;
        }
        finally
        {
            _call.Close();
        }
    }

    /// <summary>Whether argument <paramref name="i"/> is absent or nil.</summary>
    public bool IsNoneOrNil(int i) => TypeOf(i) is LuaType.None or LuaType.Nil;

    /// <summary>Argument <paramref name="i"/> as a host value (nil when absent). Objects come as new handles: dispose those you keep.</summary>
    public LuaValue this[int i]
    {
        get
        {
            CallContext c = _call.Open(_version);
            try
            {
                return i < 1 ? default : State.ToPublic(c.Arg(i));
            }
            finally
            {
                _call.Close();
            }
        }
    }

    /// <summary>Argument <paramref name="i"/> as a number (numeric strings convert); Lua's error otherwise.</summary>
    public double CheckNumber(int i)
    {
        CallContext c = _call.Open(_version);
        try
        {
            return c.CheckNumber(i);
        }
        finally
        {
            _call.Close();
        }
    }

    /// <summary>Argument <paramref name="i"/> as an integer (floats with an integer value and numeric strings convert).</summary>
    public long CheckInteger(int i)
    {
        CallContext c = _call.Open(_version);
        try
        {
            return c.CheckInteger(i);
        }
        finally
        {
            _call.Close();
        }
    }

    /// <summary>Argument <paramref name="i"/> as a string (numbers convert); Lua's error otherwise.</summary>
    public string CheckString(int i)
    {
        CallContext c = _call.Open(_version);
        try
        {
            return System.Text.Encoding.UTF8.GetString(c.CheckString(i));
        }
        finally
        {
            _call.Close();
        }
    }

    /// <summary>Argument <paramref name="i"/> as a table handle (dispose it when kept).</summary>
    public LuaTableRef CheckTable(int i)
    {
        CallContext c = _call.Open(_version);
        try
        {
            return (LuaTableRef)State.Handle(c.CheckTable(i));
        }
        finally
        {
            _call.Close();
        }
    }

    /// <summary>Argument <paramref name="i"/> as a function handle (dispose it when kept).</summary>
    public LuaFunction CheckFunction(int i)
    {
        CallContext c = _call.Open(_version);
        try
        {
            return (LuaFunction)State.Handle(c.CheckFunction(i));
        }
        finally
        {
            _call.Close();
        }
    }

    /// <summary>The .NET object of type <typeparamref name="T"/> wrapped by the userdata argument <paramref name="i"/>; otherwise Lua's "bad argument" error naming <paramref name="typeName"/>.</summary>
    public T CheckObject<T>(int i, string typeName) where T : class
    {
        CallContext c = _call.Open(_version);
        try
        {
            return State.UserdataTarget(c.Arg(i)) as T ?? throw c.TypeError(i, typeName);
        }
        finally
        {
            _call.Close();
        }
    }

    /// <summary>Raises "bad argument #i to 'f' (value expected)" when argument <paramref name="i"/> is absent.</summary>
    public void CheckAny(int i)
    {
        if (i > ArgumentCount)
        {
            throw ArgumentError(i, "value expected");
        }
    }

    /// <summary>Argument <paramref name="i"/>'s truth value (nil, false and absent are false).</summary>
    public bool ToBoolean(int i) => TypeOf(i) switch
    {
        LuaType.None or LuaType.Nil => false,
        LuaType.Boolean => this[i].ToBoolean(),
        _ => true,
    };

    /// <summary>Argument <paramref name="i"/> as a number, or <paramref name="defaultValue"/> when absent or nil.</summary>
    public double OptNumber(int i, double defaultValue) => IsNoneOrNil(i) ? defaultValue : CheckNumber(i);

    /// <summary>Argument <paramref name="i"/> as an integer, or <paramref name="defaultValue"/> when absent or nil.</summary>
    public long OptInteger(int i, long defaultValue) => IsNoneOrNil(i) ? defaultValue : CheckInteger(i);

    /// <summary>Argument <paramref name="i"/> as a string, or <paramref name="defaultValue"/> when absent or nil.</summary>
    public string? OptString(int i, string? defaultValue) => IsNoneOrNil(i) ? defaultValue : CheckString(i);

    /// <summary>The error "bad argument #i to 'f' (message)", to throw.</summary>
    public Exception ArgumentError(int i, string message)
    {
        CallContext c = _call.Open(_version);
        try
        {
            return c.ArgError(i, message);
        }
        finally
        {
            _call.Close();
        }
    }

    /// <summary>The error "bad argument #i to 'f' (expected expected, got type)", to throw.</summary>
    public Exception TypeError(int i, string expected)
    {
        CallContext c = _call.Open(_version);
        try
        {
            return c.TypeError(i, expected);
        }
        finally
        {
            _call.Close();
        }
    }

    /// <summary>Pushes a result. An object is kept by a handle of the call's own, so the handle passed may be disposed at once.</summary>
    public void Push(LuaValue value) => _call.Push(_version, value);

    /// <summary>Returns no results.</summary>
    public int Return() => 0;

    /// <summary>Returns one result.</summary>
    public int Return(LuaValue value)
    {
        Push(value);
        return 1;
    }

    /// <summary>Returns a float.</summary>
    public int Return(double value) => Return(LuaValue.FromNumber(value));

    /// <summary>Returns an integer.</summary>
    public int Return(long value) => Return(LuaValue.FromInteger(value));

    /// <summary>Returns a boolean.</summary>
    public int Return(bool value) => Return(value ? LuaValue.True : LuaValue.False);

    /// <summary>Returns a string (UTF-8 in Lua); null returns nil.</summary>
    public int Return(string? value) => Return(value == null ? default : LuaValue.FromString(value));
}
