using MicroLua.Core;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua;

/// <summary>
/// A .NET function callable from Lua. It reads its arguments and pushes its results through
/// <paramref name="call"/> and returns how many results it pushed (the last values pushed),
/// usually as <c>return call.Return(x);</c>. Throw <see cref="LuaCallContext.ArgumentError"/>
/// and friends for Lua's argument messages; any other exception (except cancellation and
/// fatal ones) becomes a Lua error with the exception's message, which pcall can catch.
/// </summary>
public delegate int LuaCallback(LuaCallContext call);

/// <summary>
/// What a <see cref="LuaCallback"/> sees of the call: arguments numbered from 1, checks that
/// raise Lua's messages ("bad argument #1 to 'f' (number expected, got nil)"), and results.
/// Valid only during the call; reading numbers and booleans and returning them allocates nothing.
/// </summary>
public readonly ref partial struct LuaCallContext
{
#if NETSTANDARD2_1
    // netstandard2.1 runtimes have no ref fields: a copy, which is the same context because
    // every member of CallContext is read-only (it lives on the interpreter's stack for the call).
    private readonly CallContext _c;
#else
    private readonly ref CallContext _c;
#endif

    internal LuaCallContext(LuaState state, ref CallContext c)
    {
        State = state;
#if NETSTANDARD2_1
        _c = c;
#else
        _c = ref c;
#endif
    }

    /// <summary>The state the function runs in (to call Lua, create tables ...).</summary>
    public LuaState State { get; }

    /// <summary>How many arguments the function was called with.</summary>
    public int ArgumentCount => _c.ArgCount;

    /// <summary>The type of argument <paramref name="i"/>; <see cref="LuaType.None"/> when absent.</summary>
    public LuaType TypeOf(int i)
    {
        if (i > _c.ArgCount || i < 1)
        {
            return LuaType.None;
        }

        Value v = _c.Arg(i);
        return v.Tag == Tag.LightUserdata ? LuaType.LightUserdata : v.Type;
    }

    /// <summary>Whether argument <paramref name="i"/> is absent or nil.</summary>
    public bool IsNoneOrNil(int i) => i < 1 || _c.IsNoneOrNil(i);

    /// <summary>Argument <paramref name="i"/> as a host value (nil when absent). Objects come as new handles: dispose those you keep.</summary>
    public LuaValue this[int i] => i < 1 ? default : State.ToPublic(_c.Arg(i));

    /// <summary>Argument <paramref name="i"/> as a number (numeric strings convert); Lua's error otherwise.</summary>
    public double CheckNumber(int i) => _c.CheckNumber(i);

    /// <summary>Argument <paramref name="i"/> as an integer (floats with an integer value and numeric strings convert).</summary>
    public long CheckInteger(int i) => _c.CheckInteger(i);

    /// <summary>Argument <paramref name="i"/> as a string (numbers convert); Lua's error otherwise.</summary>
    public string CheckString(int i) => System.Text.Encoding.UTF8.GetString(_c.CheckString(i));

    /// <summary>Argument <paramref name="i"/>'s bytes (numbers convert), valid until the function returns.</summary>
    public ReadOnlySpan<byte> CheckBytes(int i) => _c.CheckString(i);

    /// <summary>Argument <paramref name="i"/> as a table handle (dispose it when kept).</summary>
    public LuaTableRef CheckTable(int i) => (LuaTableRef)State.Handle(_c.CheckTable(i));

    /// <summary>Argument <paramref name="i"/> as a function handle (dispose it when kept).</summary>
    public LuaFunction CheckFunction(int i) => (LuaFunction)State.Handle(_c.CheckFunction(i));

    /// <summary>
    /// The .NET object of type <typeparamref name="T"/> wrapped by the userdata argument
    /// <paramref name="i"/>; otherwise "bad argument #i to 'f' (<paramref name="typeName"/> expected, got ...)".
    /// </summary>
    public T CheckObject<T>(int i, string typeName) where T : class =>
        State.UserdataTarget(_c.Arg(i)) as T ?? throw _c.TypeError(i, typeName);

    /// <summary>Raises "bad argument #i to 'f' (value expected)" when argument <paramref name="i"/> is absent.</summary>
    public void CheckAny(int i) => _c.CheckAny(i);

    /// <summary>Argument <paramref name="i"/>'s truth value (nil, false and absent are false).</summary>
    public bool ToBoolean(int i) => i >= 1 && _c.ToBoolean(i);

    /// <summary>Argument <paramref name="i"/> as a number, or <paramref name="defaultValue"/> when absent or nil.</summary>
    public double OptNumber(int i, double defaultValue) => _c.OptNumber(i, defaultValue);

    /// <summary>Argument <paramref name="i"/> as an integer, or <paramref name="defaultValue"/> when absent or nil.</summary>
    public long OptInteger(int i, long defaultValue) => _c.OptInteger(i, defaultValue);

    /// <summary>Argument <paramref name="i"/> as a string, or <paramref name="defaultValue"/> when absent or nil.</summary>
    public string? OptString(int i, string? defaultValue) => IsNoneOrNil(i) ? defaultValue : CheckString(i);

    /// <summary>The error "bad argument #i to 'f' (message)", to throw.</summary>
    public Exception ArgumentError(int i, string message) => _c.ArgError(i, message);

    /// <summary>The error "bad argument #i to 'f' (expected expected, got type)", to throw.</summary>
    public Exception TypeError(int i, string expected) => _c.TypeError(i, expected);

    /// <summary>A Lua error with <paramref name="message"/>, to throw; as luaL_error it gets the position of the calling Lua code.</summary>
    public static Exception Error(string message) => new LuaError(message);

    /// <summary>
    /// Suspends the running coroutine when the host function returns this method's value, as
    /// <c>lua_yieldk</c>: <paramref name="values"/> go to the resumer (what coroutine.resume or
    /// <see cref="LuaCoroutine.Resume"/> returns). When the coroutine is resumed,
    /// <paramref name="continuation"/> runs in place of this host function, with the resume
    /// values as its arguments; what it returns (or raises, or yields again) is this call's
    /// outcome. Without a continuation the resume values are the call's results, as for
    /// coroutine.yield. Use it as <c>return call.Yield(k, v1, v2);</c>.
    /// </summary>
    /// <exception cref="LuaException">
    /// Raised as a Lua error (pcall catches it): "attempt to yield from outside a coroutine" on
    /// the main thread (and in a script run by <see cref="LuaState.CallAsync"/>, whose coroutine
    /// is the main thread to Lua code), "attempt to yield across a C-call boundary" when a host
    /// call between the coroutine's body and this function cannot be suspended (a function
    /// called through <see cref="LuaFunction.Call(ReadOnlySpan{LuaValue})"/>, a library callback such as table.sort's comparator).
    /// </exception>
    public int Yield(LuaCallback? continuation, params ReadOnlySpan<LuaValue> values)
    {
        _c.CheckYieldable();
        foreach (LuaValue v in values)
        {
            Push(v);
        }

        return _c.Yield(values.Length, continuation == null ? null : new LuaState.ContinuationAdapter(continuation));
    }

    /// <summary>Suspends the running coroutine with <paramref name="values"/> (as coroutine.yield); the resume values are this call's results. See <see cref="Yield(LuaCallback?, ReadOnlySpan{LuaValue})"/>.</summary>
    /// <exception cref="LuaException">As for <see cref="Yield(LuaCallback?, ReadOnlySpan{LuaValue})"/>.</exception>
    public int Yield(params ReadOnlySpan<LuaValue> values) => Yield(null, values);

    /// <summary>Pushes a result.</summary>
    public void Push(LuaValue value)
    {
        if (value.IsNumber)
        {
            _c.Push(value.IsInteger ? Value.Integer(value.ToInteger()) : Value.Float(value.ToNumber()));
            return;
        }

        _c.Push(State.ToInternal(value));
    }

    /// <summary>Returns no results.</summary>
    public int Return() => 0;

    /// <summary>Returns one result.</summary>
    public int Return(LuaValue value)
    {
        Push(value);
        return 1;
    }

    /// <summary>Returns a float.</summary>
    public int Return(double value) => _c.Return(value);

    /// <summary>Returns an integer.</summary>
    public int Return(long value) => _c.Return(value);

    /// <summary>Returns a boolean.</summary>
    public int Return(bool value) => _c.Return(value);

    /// <summary>
    /// Returns <c>rawget(table, argument i)</c> straight from the table to Lua: no handle and
    /// nothing on the managed heap, whatever the field holds. The <c>__index</c> function of a
    /// userdata type returns its methods this way (<c>ctx.ReturnRawGet(methods, 2)</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The table is of another state.</exception>
    public int ReturnRawGet(LuaTableRef table, int i)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.State != State)
        {
            throw LuaState.ForeignHandle(nameof(table));
        }

        Value key = i < 1 ? default : _c.Arg(i);
        _c.Push(LuaTable.Get(State.Global, table.Value.R, key));
        return 1;
    }

    /// <summary>Pushes a string of exactly these bytes (nothing allocated on the managed heap).</summary>
    public void Push(ReadOnlySpan<byte> bytes) => _c.Push(State.Global.NewString(bytes));

    /// <summary>Returns a string of exactly these bytes (nothing allocated on the managed heap).</summary>
    public int Return(ReadOnlySpan<byte> bytes)
    {
        Push(bytes);
        return 1;
    }

    /// <summary>Returns a string (UTF-8); null returns nil.</summary>
    public int Return(string? value)
    {
        Push(value);
        return 1;
    }
}
