using MicroLua.Core;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua.Library;

/// <summary>string.format, find, match, gmatch and gsub: the glue between the VM and the engines (StringFormat, LuaPattern).</summary>
internal static unsafe partial class StringLibrary
{
    static partial void OpenEngines(LuaRuntime rt, uint table)
    {
        rt.Register(table, "format", Format, "string.format");
        rt.Register(table, "find", Find, "string.find");
        rt.Register(table, "match", Match, "string.match");
        rt.Register(table, "gmatch", GMatch, "string.gmatch");
        rt.Register(table, "gsub", GSub, "string.gsub");
        OpenPack(rt, table);
    }

    static partial void OpenPack(LuaRuntime rt, uint table);

    /// <summary>The engines' view of a call's arguments.</summary>
    private struct Args : IFormatArguments
    {
        private CallContext _c;

        public Args(CallContext c) => _c = c;

        public readonly int Count => _c.ArgCount;

        public readonly FormatArgKind KindOf(int arg) => arg > _c.ArgCount ? FormatArgKind.None : _c.Arg(arg).Tag switch
        {
            Tag.Nil => FormatArgKind.Nil,
            Tag.False => FormatArgKind.False,
            Tag.True => FormatArgKind.True,
            Tag.Integer => FormatArgKind.Integer,
            Tag.Float => FormatArgKind.Float,
            Tag.ShortString or Tag.LongString => FormatArgKind.String,
            _ => FormatArgKind.Other,
        };

        public readonly long CheckInteger(int arg) => _c.CheckInteger(arg);

        public readonly double CheckNumber(int arg) => _c.CheckNumber(arg);

        public readonly ReadOnlySpan<byte> CheckString(int arg) => _c.CheckString(arg);

        public readonly ReadOnlySpan<byte> ToDisplayString(int arg)
        {
            Value s = LuaRuntime.Of(_c.Vm).ToStringMeta(_c.Coroutine, _c.Arg(arg));
            _c.SetArg(arg, s); // anchored in its argument slot while the engine reads it
            return _c.G.StringSpan(s);
        }

        public readonly ulong ToPointer(int arg)
        {
            Value v = _c.Arg(arg);
            return v.IsCollectable ? (ulong)_c.G.Heap.Ptr(v.R) : v.Tag is Tag.LightUserdata or Tag.HostFunction ? (ulong)v.I : 0;
        }

        public readonly Exception ArgumentError(int arg, string message) => _c.ArgError(arg, message);

        public readonly void ChargeBytes(long bytes) => _c.ChargeBytes(bytes);
    }

    private static int Format(ref CallContext c)
    {
        Value fmt = c.CheckStringValue(1);
        LuaRuntime rt = LuaRuntime.Of(c.Vm);
        ByteBuilder output = rt.RentBuilder();
        try
        {
            var args = new Args(c);
            StringFormat.Format(c.G.StringSpan(fmt), ref args, output);
            c.ChargeBytes(output.Length + c.ArgCount * LuaLimits.WorkBytesPerUnit); // the bytes, and one unit per argument
            return c.Return(output.WrittenSpan);
        }
        finally
        {
            rt.ReturnBuilder(output);
        }
    }

    private static int Find(ref CallContext c) => FindAux(ref c, find: true);

    private static int Match(ref CallContext c) => FindAux(ref c, find: false);

    private static int FindAux(ref CallContext c, bool find)
    {
        Value sv = c.CheckStringValue(1);
        Value pv = c.CheckStringValue(2);
        int len = c.G.StringSpan(sv).Length;
        long init = PosRelative(c.OptInteger(3, 1), len);
        if (init < 1)
        {
            init = 1;
        }

        if (init > len + 1)
        {
            return c.Return(Value.Nil);
        }

        ReadOnlySpan<byte> s = c.G.StringSpan(sv);
        ReadOnlySpan<byte> p = c.G.StringSpan(pv);
        if (find && (c.ToBoolean(4) || !LuaPattern.HasSpecials(p)))
        {
            c.ChargeBytes(s.Length - init + 1); // the bytes searched
            int at = LuaPattern.PlainFind(s, p, (int)init - 1);
            if (at < 0)
            {
                return c.Return(Value.Nil);
            }

            return c.Return(Value.Integer(at + 1), Value.Integer(at + p.Length));
        }

        LuaRuntime rt = LuaRuntime.Of(c.Vm);
        PatternMatch m = rt.RentMatch();
        try
        {
            if (!LuaPattern.Find(s, p, (int)init - 1, m, c.Vm))
            {
                return c.Return(Value.Nil);
            }

            int n = 0;
            if (find)
            {
                c.Push(Value.Integer(m.MatchStart + 1));
                c.Push(Value.Integer(m.MatchEnd));
                n = 2;
                if (m.Level == 0)
                {
                    return n;
                }
            }

            return n + PushCaptures(ref c, sv, m, wholeIfNone: true);
        }
        finally
        {
            rt.ReturnMatch(m);
        }
    }

    /// <summary>Pushes the captures of <paramref name="m"/> (the whole match when there are none); returns the count.</summary>
    private static int PushCaptures(ref CallContext c, Value subject, PatternMatch m, bool wholeIfNone)
    {
        int n = m.Level == 0 && wholeIfNone ? 1 : m.Level;
        for (int i = 0; i < n; i++)
        {
            c.Push(Capture(ref c, subject, m, i));
        }

        return n;
    }

    private static Value Capture(ref CallContext c, Value subject, PatternMatch m, int i)
    {
        if (m.GetCapture(i, out int start, out int length) == CaptureKind.Position)
        {
            return Value.Integer(start + 1);
        }

        c.ChargeBytes(length);
        return c.G.NewString(c.G.StringSpan(subject).Slice(start, length));
    }

    private static int GMatch(ref CallContext c)
    {
        Value sv = c.CheckStringValue(1);
        Value pv = c.CheckStringValue(2);
        int len = c.G.StringSpan(sv).Length;
        long init = PosRelative(c.OptInteger(3, 1), len);
        if (init < 1)
        {
            init = 1;
        }

        if (init > len + 1)
        {
            init = len + 2; // past the end: no match at all, not even an empty one
        }

        Span<Value> ups = stackalloc Value[4]; // not a collection expression: see BaseLibrary.Pairs
        ups[0] = sv;
        ups[1] = pv;
        ups[2] = Value.Integer(init - 1);
        ups[3] = Value.Integer(-1);
        Value iter = LuaRuntime.Of(c.Vm).NewRepeatedHostClosure("gmatch_aux", GMatchAux, ups);
        return c.Return(iter);
    }

    internal static int GMatchAux(ref CallContext c)
    {
        Value self = c.StackAt(c.Base - 1);
        Value* up = HostClosureObj.Upvals((HostClosureObj*)c.G.Heap.Ptr(self.R));
        Value sv = up[0];
        int position = (int)up[2].I;
        int last = (int)up[3].I;
        LuaRuntime rt = LuaRuntime.Of(c.Vm);
        PatternMatch m = rt.RentMatch();
        try
        {
            if (!LuaPattern.GMatchNext(c.G.StringSpan(sv), c.G.StringSpan(up[1]), ref position, ref last, m, c.Vm))
            {
                return 0;
            }

            up = HostClosureObj.Upvals((HostClosureObj*)c.G.Heap.Ptr(self.R));
            up[2] = Value.Integer(position);
            up[3] = Value.Integer(last);
            return PushCaptures(ref c, sv, m, wholeIfNone: true);
        }
        finally
        {
            rt.ReturnMatch(m);
        }
    }

    /// <summary>gsub with a table or a function: the first capture (or the match) looks up or is passed with all captures.</summary>
    private struct LuaReplacement : IGsubReplacement
    {
        private CallContext _c;
        private readonly Value _subject;
        private readonly Value _repl;

        /// <summary>Whether some match was replaced (a false or nil result keeps the match).</summary>
        public bool Changed { get; private set; }

        public LuaReplacement(CallContext c, Value subject, Value repl)
        {
            _c = c;
            _subject = subject;
            _repl = repl;
        }

        public void Append(ReadOnlySpan<byte> subject, PatternMatch m, ByteBuilder output)
        {
            int top = _c.Top;
            Value result;
            if (_repl.Tag == Tag.Table)
            {
                Value key = Capture(ref _c, _subject, m, 0);
                _c.Push(key);
                result = _c.Vm.GetIndex(_c.Coroutine, _repl, key);
            }
            else
            {
                int func = _c.Top;
                _c.Push(_repl);
                int n = PushCaptures(ref _c, _subject, m, wholeIfNone: true);
                _c.Vm.Call(_c.Coroutine, func, 1);
                result = _c.StackAt(func);
                _ = n;
            }

            _c.Top = top;
            if (result.IsFalsy)
            {
                output.Append(_c.G.StringSpan(_subject).Slice(m.MatchStart, m.MatchEnd - m.MatchStart));
            }
            else if (result.IsString || result.IsNumber)
            {
                Changed = true;
                _c.Vm.ToStringCoerce(result, out Value s);
                output.Append(_c.G.StringSpan(s));
            }
            else
            {
                throw new LuaError($"invalid replacement value (a {_c.Vm.TypeName(result)})");
            }
        }
    }

    private static int GSub(ref CallContext c)
    {
        Value sv = c.CheckStringValue(1);
        Value pv = c.CheckStringValue(2);
        Value repl = c.Arg(3);
        if (repl.IsNumber)
        {
            repl = c.CheckStringValue(3);
        }

        if (!repl.IsString && repl.Tag != Tag.Table && !repl.IsFunction)
        {
            throw c.TypeError(3, "string/function/table");
        }

        int len = c.G.StringSpan(sv).Length;
        long max = c.OptInteger(4, (long)len + 1);
        LuaRuntime rt = LuaRuntime.Of(c.Vm);
        ByteBuilder output = rt.RentBuilder();
        PatternMatch m = rt.RentMatch();
        try
        {
            long count;
            bool changed;
            if (repl.IsString)
            {
                var r = new StringReplacement(c.G, repl);
                count = LuaPattern.Gsub(c.G.StringSpan(sv), c.G.StringSpan(pv), max, ref r, m, output, c.Vm);
                changed = count > 0;
            }
            else
            {
                var r = new LuaReplacement(c, sv, repl);
                count = LuaPattern.Gsub(c.G.StringSpan(sv), c.G.StringSpan(pv), max, ref r, m, output, c.Vm);
                changed = r.Changed;
            }

            // As Lua: when nothing was replaced the result is the subject itself, not a copy.
            c.Push(changed ? c.G.NewString(output.WrittenSpan) : sv);
            c.Push(Value.Integer(count));
            return 2;
        }
        finally
        {
            rt.ReturnMatch(m);
            rt.ReturnBuilder(output);
        }
    }
}
