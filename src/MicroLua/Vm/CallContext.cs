using System.Diagnostics;
using System.Runtime.CompilerServices;
using MicroLua.Core;
using MicroLua.Values;

namespace MicroLua.Vm;

/// <summary>
/// What a host function sees of the VM: its arguments, a way to push results, argument
/// checks that raise Lua's messages ("bad argument #1 to 'abs' (number expected, got nil)"),
/// and calls back into Lua. Library code is written against this and nothing else.
/// Arguments are numbered from 1; results are the values pushed last.
/// </summary>
internal unsafe struct CallContext
{
    private readonly Interpreter _vm;
    private readonly Coroutine _co;
    private readonly int _frame;
    private readonly HostFunctionInfo _info;
    private readonly int _base;

    public CallContext(Interpreter vm, Coroutine co, int frame, HostFunctionInfo info)
    {
        _vm = vm;
        _co = co;
        _frame = frame;
        _info = info;
        _base = co.Frames[frame].Base;
        ArgCount = vm.GetTop(co) - _base;
    }

    /// <summary>A context on frame <paramref name="frame"/> of a suspended host call, whose arguments are the <paramref name="argCount"/> values at the frame's base (an async host function's, read after an await).</summary>
    public CallContext(Interpreter vm, Coroutine co, int frame, HostFunctionInfo info, int argCount)
    {
        _vm = vm;
        _co = co;
        _frame = frame;
        _info = info;
        _base = co.Frames[frame].Base;
        ArgCount = argCount;
    }

    public readonly Interpreter Vm => _vm;

    /// <summary>The frame of the host function's call.</summary>
    public readonly int Frame => _frame;

    /// <summary>The host function running.</summary>
    public readonly HostFunctionInfo Info => _info;

    public readonly LuaGlobal G => _vm.G;

    public readonly Coroutine Coroutine => _co;

    /// <summary>Number of arguments the function was called with.</summary>
    public int ArgCount { get; private set; }

    /// <summary>Stack index of argument 1.</summary>
    public readonly int Base => _base;

    /// <summary>The registered name of the function (for messages).</summary>
    public readonly string Name => _info.Name;

    /// <summary>Current top of the stack (first free slot).</summary>
    public readonly int Top
    {
        get => _vm.GetTop(_co);
        set => _vm.SetTop(_co, value);
    }

    /// <summary>Argument <paramref name="i"/> (nil when absent).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Value Arg(int i) => i <= ArgCount ? _vm.StackOf(_co)[_base + i - 1] : default;

    /// <summary>Pointer to argument <paramref name="i"/>'s slot (valid until the stack grows).</summary>
    public readonly Value* ArgPtr(int i) => _vm.StackOf(_co) + _base + i - 1;

    /// <summary>Overwrites argument <paramref name="i"/>.</summary>
    public readonly void SetArg(int i, in Value v) => _vm.StackOf(_co)[_base + i - 1] = v;

    public readonly bool IsNoneOrNil(int i) => i > ArgCount || Arg(i).IsNil;

    public readonly LuaType TypeOf(int i) => i > ArgCount ? LuaType.None : Arg(i).Type;

    // ---- argument checks ----

    public readonly LuaError ArgError(int i, string message)
    {
        string? kind = _vm.FunctionName(_co, _frame, out string? name);
        if (kind == "method")
        {
            i--;
            if (i == 0)
            {
                return new LuaError($"calling '{name}' on bad self ({message})");
            }
        }

        name ??= _info.Name;
        return new LuaError($"bad argument #{i} to '{name}' ({message})");
    }

    public readonly LuaError TypeError(int i, string expected)
    {
        string got = i > ArgCount ? "no value" : _vm.TypeName(Arg(i));
        if (i <= ArgCount && Arg(i).Tag == Tag.LightUserdata)
        {
            got = "light userdata";
        }

        return ArgError(i, $"{expected} expected, got {got}");
    }

    public readonly void CheckAny(int i)
    {
        if (i > ArgCount)
        {
            throw ArgError(i, "value expected");
        }
    }

    public readonly long CheckInteger(int i)
    {
        Value v = Arg(i);
        if (v.Tag == Tag.Integer)
        {
            return v.I;
        }

        if (v.Tag == Tag.LongString)
        {
            ChargeByteLoop(G.StringSpan(v).Length); // the parser reads it all
        }

        if (LuaConvert.ToInteger(G, v, out long r))
        {
            return r;
        }

        if (LuaConvert.TryToNumber(G, v, out _))
        {
            throw ArgError(i, LuaErrors.NoIntegerRepresentation);
        }

        throw TypeError(i, "number");
    }

    public readonly long OptInteger(int i, long def) => IsNoneOrNil(i) ? def : CheckInteger(i);

    public readonly double CheckNumber(int i)
    {
        Value v = Arg(i);
        if (v.Tag == Tag.Float)
        {
            return v.D;
        }

        if (v.Tag == Tag.Integer)
        {
            return v.I;
        }

        if (_vm.ToNumberCharged(v, out Value n))
        {
            return LuaConvert.ToDouble(n);
        }

        throw TypeError(i, "number");
    }

    /// <summary>A number argument kept as integer or float.</summary>
    public readonly Value CheckNumberValue(int i)
    {
        Value v = Arg(i);
        if (v.IsNumber)
        {
            return v;
        }

        if (_vm.ToNumberCharged(v, out Value n))
        {
            return n;
        }

        throw TypeError(i, "number");
    }

    public readonly double OptNumber(int i, double def) => IsNoneOrNil(i) ? def : CheckNumber(i);

    /// <summary>A string argument; a number is converted in place, as luaL_checklstring does.</summary>
    public readonly Value CheckStringValue(int i)
    {
        Value v = Arg(i);
        if (v.IsString)
        {
            return v;
        }

        if (v.IsNumber && _vm.ToStringCoerce(v, out Value s))
        {
            SetArg(i, s);
            return s;
        }

        throw TypeError(i, "string");
    }

    public readonly ReadOnlySpan<byte> CheckString(int i) => G.StringSpan(CheckStringValue(i));

    public readonly Value CheckTable(int i)
    {
        Value v = Arg(i);
        if (v.Tag != Tag.Table)
        {
            throw TypeError(i, "table");
        }

        return v;
    }

    public readonly Value CheckFunction(int i)
    {
        Value v = Arg(i);
        if (!v.IsFunction)
        {
            throw TypeError(i, "function");
        }

        return v;
    }

    public readonly bool ToBoolean(int i) => !Arg(i).IsFalsy;

    // ---- work and room ----

    /// <summary>Charges <paramref name="units"/> of library work (elements, comparisons, steps) to the instruction budget; may stop the script.</summary>
    public readonly void ChargeWork(long units) => _vm.ChargeWork(units);

    /// <summary>Charges <paramref name="bytes"/> bytes of string produced, copied or scanned to the instruction budget; may stop the script.</summary>
    public readonly void ChargeBytes(long bytes) => _vm.ChargeBytes(bytes);

    /// <summary>Charges <paramref name="bytes"/> bytes handled one at a time (case mapping, UTF-8 decoding) to the instruction budget.</summary>
    public readonly void ChargeByteLoop(long bytes) => _vm.ChargeByteLoop(bytes);

    /// <summary>
    /// Makes room for <paramref name="n"/> more values on the stack, as luaL_checkstack: past
    /// the stack limit "stack overflow (<paramref name="message"/>)". Charges one unit per value.
    /// </summary>
    public readonly void CheckStack(long n, string message)
    {
        if (n < 0 || n > _vm.MaxStack - Top)
        {
            throw new LuaError($"stack overflow ({message})");
        }

        _vm.ChargeWork(n);
        _vm.EnsureStack(_co, Top + (int)n);
    }

    // ---- results ----

    /// <summary>Pushes a value (growing the stack when needed).</summary>
    public readonly void Push(in Value v) => _vm.Push(_co, v);

    public readonly int Return() => 0;

    public readonly int Return(in Value v)
    {
        Push(v);
        return 1;
    }

    public readonly int Return(long i) => Return(Value.Integer(i));

    public readonly int Return(double d) => Return(Value.Float(d));

    public readonly int Return(bool b) => Return(Value.Boolean(b));

    public readonly int Return(ReadOnlySpan<byte> s) => Return(G.NewString(s));

    public readonly int Return(string s) => Return(G.NewString(s));

    public readonly int Return(in Value a, in Value b)
    {
        Value x = a, y = b;
        Push(x);
        Push(y);
        return 2;
    }

    /// <summary>Returns nil and a message (the usual failure result).</summary>
    public readonly int Fail(string message)
    {
        Push(default);
        Push(G.NewString(message));
        return 2;
    }

    // ---- calls back into Lua ----

    /// <summary>Calls <paramref name="f"/> with the given arguments; the results are pushed (nresults, or all when -1). Returns the stack index of the first.</summary>
    public readonly int Call(in Value f, ReadOnlySpan<Value> args, int nresults)
    {
        int func = Top;
        Push(f);
        foreach (Value a in args)
        {
            Push(a);
        }

        _vm.Call(_co, func, nresults);
        return func;
    }

    /// <summary>As <see cref="Call(in Value, ReadOnlySpan{Value}, int)"/> with two arguments, without a span (table.sort's comparator).</summary>
    public readonly int Call(in Value f, in Value a, in Value b, int nresults)
    {
        int func = Top;
        Push(f);
        Push(a);
        Push(b);
        _vm.Call(_co, func, nresults);
        return func;
    }

    /// <summary>
    /// Ends the host function with a call of <paramref name="f"/>: its results become the
    /// host function's results, and because the call replaces the host frame it may yield.
    /// Return the value of this method from the host function.
    /// </summary>
    public readonly int TailCall(in Value f, ReadOnlySpan<Value> args)
    {
        int func = Top;
        Push(f);
        foreach (Value a in args)
        {
            Push(a);
        }

        _co.PendingTailCall = func;
        return 0;
    }

    /// <summary>
    /// Ends the host function with the error <paramref name="error"/> (any Lua value, its
    /// position already added): <c>return c.Raise(v);</c>. A pcall of the same interpreter
    /// activation catches it without a .NET exception, so that an error raised and caught in
    /// Lua makes no managed garbage; anywhere else it goes on as a thrown LuaError, as
    /// <c>throw</c> would (see Interpreter.Raise.cs).
    /// </summary>
    public readonly int Raise(in Value error) => _vm.SetRaised(error);

    // ---- yielding ----

    /// <summary>
    /// Raises Lua's error when the running coroutine cannot be suspended by this host function:
    /// the main thread (or the coroutine the async API drives, which is the main thread to Lua
    /// code), or a coroutine inside a host call that cannot be suspended (a C-call boundary).
    /// </summary>
    public readonly void CheckYieldable()
    {
        if (_co == _vm.Main || _co.Async)
        {
            throw LuaError.Runtime("attempt to yield from outside a coroutine");
        }

        if (_co.NonYieldable > 0)
        {
            throw LuaError.Runtime("attempt to yield across a C-call boundary");
        }
    }

    /// <summary>
    /// Suspends the coroutine when the host function returns this method's value (as
    /// lua_yieldk): the last <paramref name="nvalues"/> values pushed go to the resumer. When
    /// it is resumed, <paramref name="continuation"/> runs in this host function's frame with
    /// the resume values as its arguments, and its results (or its own yield, or its error)
    /// are this call's; without a continuation the resume values are the call's results.
    /// </summary>
    public readonly int Yield(int nvalues, HostContinuation? continuation)
    {
        CheckYieldable();
        return Suspend(nvalues, continuation);
    }

    /// <summary>
    /// Suspends the coroutine the async API drives while an async host function's task runs
    /// (<paramref name="continuation"/> is awaiting); its driver resumes it with no values once
    /// the task completes, and the continuation delivers the task's results. The caller has
    /// checked that the coroutine is async and not behind a C-call boundary.
    /// </summary>
    public readonly int Await(HostContinuation continuation)
    {
        Debug.Assert(_co.Async && _co.NonYieldable == 0 && continuation.IsAwaiting);
        return Suspend(0, continuation);
    }

    private readonly int Suspend(int nvalues, HostContinuation? continuation)
    {
        _co.Yielding = true;
        _co.YieldCount = nvalues;
        _co.Continuation = continuation;
        if (continuation != null)
        {
            continuation.Info = _info;
        }

        return nvalues;
    }

    /// <summary>Stack value at absolute index <paramref name="index"/>.</summary>
    public readonly Value StackAt(int index) => _vm.StackOf(_co)[index];
}
