using System.Runtime.CompilerServices;
using MicroLua.Core;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua.Library;

/// <summary>What a capture holds.</summary>
internal enum CaptureKind
{
    /// <summary>A substring: start and length in the subject.</summary>
    Substring,

    /// <summary>A position capture "()": the 0-based position (Lua shows position + 1).</summary>
    Position,
}

/// <summary>
/// The result of a pattern match, reused across matches: the matched range and the captures.
/// One instance per state (or per library call) keeps matching allocation-free.
/// </summary>
internal sealed class PatternMatch
{
    /// <summary>Lua's LUA_MAXCAPTURES.</summary>
    public const int MaxCaptures = 32;

    internal const int CapUnfinished = -1;
    internal const int CapPosition = -2;

    internal readonly int[] CaptureStart = new int[MaxCaptures];
    internal readonly int[] CaptureLength = new int[MaxCaptures];

    /// <summary>Number of captures the pattern made (0 when it has none).</summary>
    public int Level { get; internal set; }

    /// <summary>0-based start of the whole match.</summary>
    public int MatchStart { get; internal set; }

    /// <summary>0-based end (exclusive) of the whole match.</summary>
    public int MatchEnd { get; internal set; }

    /// <summary>
    /// Capture <paramref name="index"/> (0-based) as Lua's get_onecapture gives it: when the
    /// pattern made no captures, index 0 is the whole match. Throws "invalid capture index %n"
    /// or "unfinished capture" as Lua does.
    /// </summary>
    public CaptureKind GetCapture(int index, out int start, out int length)
    {
        if (index >= Level)
        {
            if (index != 0)
            {
                throw new LuaError($"invalid capture index %{index + 1}");
            }
            start = MatchStart;
            length = MatchEnd - MatchStart;
            return CaptureKind.Substring;
        }
        start = CaptureStart[index];
        int l = CaptureLength[index];
        if (l == CapUnfinished)
        {
            throw new LuaError("unfinished capture");
        }
        if (l == CapPosition)
        {
            length = 0;
            return CaptureKind.Position;
        }
        length = l;
        return CaptureKind.Substring;
    }
}

/// <summary>How gsub turns one match into replacement bytes (a string, a table lookup, a function call).</summary>
internal interface IGsubReplacement
{
    /// <summary>Appends the replacement for the match in <paramref name="m"/> over <paramref name="subject"/>.</summary>
    void Append(ReadOnlySpan<byte> subject, PatternMatch m, ByteBuilder output);
}

/// <summary>gsub with a replacement string: "%0"-"%9" and "%%".</summary>
internal readonly struct StringReplacement : IGsubReplacement
{
    private readonly byte[]? _replacement;
    private readonly LuaGlobal? _g;
    private readonly Value _string;

    /// <summary>Wraps the replacement string bytes.</summary>
    public StringReplacement(byte[] replacement) => _replacement = replacement;

    /// <summary>Reads the replacement from a Lua string in place (it is an argument, so it stays put): no copy per call.</summary>
    public StringReplacement(LuaGlobal g, Value s)
    {
        _g = g;
        _string = s;
    }

    /// <inheritdoc/>
    public void Append(ReadOnlySpan<byte> subject, PatternMatch m, ByteBuilder output) =>
        LuaPattern.AppendReplacement(subject, _replacement ?? _g!.StringSpan(_string), m, output);
}

/// <summary>
/// Lua 5.4 patterns over bytes (C locale classes, ASCII only).
/// <para>
/// The matcher follows Lua's backtracking semantics exactly: the same match is found and
/// "pattern too complex" is raised when a match nests more than 200 calls deep (Lua's
/// MAXCCALLS), which also bounds C# recursion. Lua itself takes polynomial or exponential
/// time on patterns like ".-.-.-b" over a long subject; here, once a match has taken more
/// than <see cref="MemoThreshold"/> steps, and the pattern has no back-references, failed
/// (subject position, pattern position) states are remembered in a bit set. A failure does not
/// depend on the capture values without back-references, so the answer is unchanged; and for a
/// failed "x*", "x+" or "x-" item all later start positions inside the same run of x fail too,
/// so they are marked at once. That makes every match O(subject x pattern). The bit set is
/// skipped when it would exceed <see cref="MaxMemoBits"/>, and patterns with back-references
/// keep Lua's own cost.
/// </para>
/// </summary>
internal static class LuaPattern
{
    /// <summary>Lua's MAXCCALLS for patterns: the deepest nesting of match calls.</summary>
    public const int MaxMatchDepth = 200;

    /// <summary>Steps after which failed states are memoized.</summary>
    public const int MemoThreshold = 100_000;

    /// <summary>Matching steps charged to the instruction budget at once (a power of two); the rest is charged when a search ends.</summary>
    private const int ChargeBlock = 256;

    /// <summary>Largest failure bit set (bits); 16 MiB.</summary>
    public const long MaxMemoBits = 1L << 27;

    /// <summary>True if <paramref name="pattern"/> has a magic character, so string.find cannot search it as plain text.</summary>
    public static bool HasSpecials(ReadOnlySpan<byte> pattern) => pattern.IndexOfAny(s_specials) >= 0;

    private static readonly System.Buffers.SearchValues<byte> s_specials = System.Buffers.SearchValues.Create("^$*+?.([%-"u8);

    /// <summary>Plain substring search from <paramref name="init"/> (0-based); the 0-based index or -1.</summary>
    public static int PlainFind(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> needle, int init)
    {
        if (init > subject.Length)
        {
            return -1;
        }
        int i = subject[init..].IndexOf(needle);
        return i < 0 ? -1 : init + i;
    }

    /// <summary>
    /// string.find/string.match: the first match at or after <paramref name="init"/> (0-based, at
    /// most the subject length); a leading '^' anchors the match at <paramref name="init"/>.
    /// </summary>
    public static bool Find(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> pattern, int init, PatternMatch m, Interpreter? vm = null)
    {
        bool anchor = pattern.Length > 0 && pattern[0] == '^';
        var matcher = new Matcher(subject, pattern, m, vm);
        int pStart = anchor ? 1 : 0;
        int s = init;
        do
        {
            int e = matcher.Start(s, pStart);
            if (e >= 0)
            {
                m.MatchStart = s;
                m.MatchEnd = e;
                matcher.ChargeRest();
                return true;
            }
        }
        while (s++ < subject.Length && !anchor);
        matcher.ChargeRest();
        return false;
    }

    /// <summary>
    /// One step of gmatch: the next match starting at or after <paramref name="position"/> whose
    /// end differs from <paramref name="lastMatch"/> (-1 at first). Both are updated on success.
    /// As in Lua 5.4, '^' is not an anchor here.
    /// </summary>
    public static bool GMatchNext(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> pattern, ref int position, ref int lastMatch, PatternMatch m, Interpreter? vm = null)
    {
        var matcher = new Matcher(subject, pattern, m, vm);
        for (int src = position; src <= subject.Length; src++)
        {
            int e = matcher.Start(src, 0);
            if (e >= 0 && e != lastMatch)
            {
                m.MatchStart = src;
                m.MatchEnd = e;
                position = lastMatch = e;
                matcher.ChargeRest();
                return true;
            }
        }
        position = subject.Length + 1;
        matcher.ChargeRest();
        return false;
    }

    /// <summary>
    /// string.gsub: appends the subject with up to <paramref name="maxReplacements"/> matches replaced
    /// to <paramref name="output"/>; returns the number of matches.
    /// </summary>
    public static long Gsub<TRepl>(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> pattern, long maxReplacements, ref TRepl replacement, PatternMatch m, ByteBuilder output, Interpreter? vm = null)
        where TRepl : IGsubReplacement
    {
        bool anchor = pattern.Length > 0 && pattern[0] == '^';
        int pStart = anchor ? 1 : 0;
        var matcher = new Matcher(subject, pattern, m, vm);
        int src = 0;
        int lastMatch = -1;
        long n = 0;
        while (n < maxReplacements)
        {
            int e = matcher.Start(src, pStart);
            if (e >= 0 && e != lastMatch)
            {
                n++;
                m.MatchStart = src;
                m.MatchEnd = e;
                int before = output.Length;
                replacement.Append(subject, m, output);
                vm?.ChargeBytes(output.Length - before); // the replacement's bytes (its steps are one unit)
                src = lastMatch = e;
            }
            else if (src < subject.Length)
            {
                output.Append(subject[src++]);
            }
            else
            {
                break;
            }
            if (anchor)
            {
                break;
            }
        }
        if (src < subject.Length)
        {
            output.Append(subject[src..]);
        }
        matcher.ChargeRest();
        vm?.ChargeBytes(output.Length); // the result is copied once more into a string
        return n;
    }

    /// <summary>Appends a gsub replacement string for match <paramref name="m"/>: "%0" whole match, "%1"-"%9" captures, "%%".</summary>
    public static void AppendReplacement(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> replacement, PatternMatch m, ByteBuilder output)
    {
        Span<byte> buf = stackalloc byte[24];
        int i = 0;
        while (i < replacement.Length)
        {
            int pct = replacement[i..].IndexOf((byte)'%');
            if (pct < 0)
            {
                output.Append(replacement[i..]);
                return;
            }
            output.Append(replacement.Slice(i, pct));
            i += pct + 1;
            byte c = i < replacement.Length ? replacement[i] : (byte)0;
            i++;
            if (c == '%')
            {
                output.Append((byte)'%');
            }
            else if (c >= '0' && c <= '9')
            {
                if (c == '0')
                {
                    output.Append(subject[m.MatchStart..m.MatchEnd]);
                }
                else if (m.GetCapture(c - '1', out int start, out int length) == CaptureKind.Position)
                {
                    ((long)start + 1).TryFormat(buf, out int w, default, System.Globalization.CultureInfo.InvariantCulture);
                    output.Append(buf[..w]);
                }
                else
                {
                    output.Append(subject.Slice(start, length));
                }
            }
            else
            {
                throw new LuaError("invalid use of '%' in replacement string");
            }
        }
    }

    private static bool HasBackReference(ReadOnlySpan<byte> p)
    {
        for (int i = 0; i + 1 < p.Length; i++)
        {
            if (p[i] == '%')
            {
                if (p[i + 1] >= '0' && p[i + 1] <= '9')
                {
                    return true;
                }
                i++; // skip the escaped character
            }
        }
        return false;
    }

    /// <summary>The backtracking matcher; one per search, reused across start positions.</summary>
    private ref struct Matcher
    {
        private readonly ReadOnlySpan<byte> _s;
        private readonly ReadOnlySpan<byte> _p;
        private readonly PatternMatch _m;
        private readonly Interpreter? _vm;
        private readonly bool _memoAllowed;
        private int _depthLeft;
        private long _steps;
        private ulong[]? _failed;
        private int[]? _runFrom;
        private int[]? _runEnd;

        public Matcher(ReadOnlySpan<byte> s, ReadOnlySpan<byte> p, PatternMatch m, Interpreter? vm)
        {
            _s = s;
            _p = p;
            _m = m;
            _vm = vm;
            _depthLeft = MaxMatchDepth;
            _memoAllowed = !HasBackReference(p) && (long)(s.Length + 1) * (p.Length + 1) <= MaxMemoBits;
        }

        /// <summary>A fresh attempt at subject position <paramref name="s"/> (Lua's reprepstate + do_match).</summary>
        public int Start(int s, int p)
        {
            _m.Level = 0;
            _depthLeft = MaxMatchDepth;
            return Match(s, p);
        }

        /// <summary>Charges the steps not yet charged to the budget (call when a search ends).</summary>
        public readonly void ChargeRest() => _vm?.ChargeWork(_steps & (ChargeBlock - 1));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Step()
        {
            if ((++_steps & (ChargeBlock - 1)) == 0 || _steps == MemoThreshold)
            {
                StepRare();
            }
        }

        /// <summary>A step that charges a block of the budget or starts the failure memo.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private void StepRare()
        {
            if ((_steps & (ChargeBlock - 1)) == 0)
            {
                _vm?.ChargeWork(ChargeBlock); // one budget unit per step, charged in blocks
            }

            if (_steps == MemoThreshold && _memoAllowed)
            {
                _failed = new ulong[((long)(_s.Length + 1) * (_p.Length + 1) + 63) / 64];
                _runFrom = new int[_p.Length + 1];
                _runFrom.AsSpan().Fill(int.MaxValue);
                _runEnd = new int[_p.Length + 1];
            }
        }

        /// <summary>Whether state (s, p) is known to fail; inlined, as most matches end before the memo starts.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private readonly bool IsFailed(int s, int p) => _failed is not null && IsMarked(s, p);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private readonly bool IsMarked(int s, int p)
        {
            long bit = (long)s * (_p.Length + 1) + p;
            return (_failed![bit >> 6] & (1UL << (int)(bit & 63))) != 0;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private readonly void MarkFailed(int s, int p)
        {
            if (_failed is not null)
            {
                Mark(s, p);
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private readonly void Mark(int s, int p)
        {
            long bit = (long)s * (_p.Length + 1) + p;
            _failed![bit >> 6] |= 1UL << (int)(bit & 63);
        }

        private readonly void MarkFailedRun(int from, int to, int p)
        {
            if (_failed is null)
            {
                return;
            }
            // stop at a state already known: the run beyond it was marked before (descending
            // starts), and an unmarked gap only costs speed, never correctness
            MarkFailed(from, p);
            for (int s = from + 1; s <= to && !IsFailed(s, p); s++)
            {
                MarkFailed(s, p);
            }
        }

        private int Match(int s, int p)
        {
            // Lua's MAXCCALLS bound, and the .NET stack actually left (checked every few levels:
            // a level is three small frames, Match, MatchBody and an expansion loop)
            if (_depthLeft-- == 0 || ((_depthLeft & 7) == 0 && !RuntimeHelpers.TryEnsureSufficientExecutionStack()))
            {
                throw new LuaError("pattern too complex");
            }
            Step();
            int entryS = s;
            int entryP = p;
            int result = IsFailed(s, p) ? -1 : MatchBody(s, p);
            if (result < 0)
            {
                MarkFailed(entryS, entryP);
            }
            _depthLeft++;
            return result;
        }

        private int MatchBody(int s, int p)
        {
            ReadOnlySpan<byte> pat = _p;
            while (true)
            {
                if (p == pat.Length)
                {
                    return s;
                }
                if (IsFailed(s, p))
                {
                    return -1; // a state this loop reached without a new Match call (after '?', a single item) is known to fail
                }
                switch (pat[p])
                {
                    case (byte)'(':
                        if (p + 1 < pat.Length && pat[p + 1] == ')')
                        {
                            return StartCapture(s, p + 2, PatternMatch.CapPosition);
                        }
                        return StartCapture(s, p + 1, PatternMatch.CapUnfinished);
                    case (byte)')':
                        return EndCapture(s, p + 1);
                    case (byte)'$' when p + 1 == pat.Length:
                        return s == _s.Length ? s : -1;
                    case (byte)'%' when p + 1 < pat.Length && pat[p + 1] == 'b':
                        s = MatchBalance(s, p + 2);
                        if (s < 0)
                        {
                            return -1;
                        }
                        p += 4;
                        continue;
                    case (byte)'%' when p + 1 < pat.Length && pat[p + 1] == 'f':
                    {
                        p += 2;
                        if (p >= pat.Length || pat[p] != '[')
                        {
                            throw new LuaError("missing '[' after '%f' in pattern");
                        }
                        int ep = ClassEnd(p);
                        int prev = s == 0 ? 0 : _s[s - 1];
                        int cur = s < _s.Length ? _s[s] : 0;
                        if (!MatchBracketClass(prev, p, ep - 1) && MatchBracketClass(cur, p, ep - 1))
                        {
                            p = ep;
                            continue;
                        }
                        return -1;
                    }
                    case (byte)'%' when p + 1 < pat.Length && pat[p + 1] >= '0' && pat[p + 1] <= '9':
                        s = MatchBackReference(s, pat[p + 1]);
                        if (s < 0)
                        {
                            return -1;
                        }
                        p += 2;
                        continue;
                    default:
                    {
                        int ep = ClassEnd(p);
                        bool m = s < _s.Length && SingleMatch(_s[s], p, ep);
                        byte q = ep < pat.Length ? pat[ep] : (byte)0;
                        if (q == '?')
                        {
                            if (m)
                            {
                                int r = Match(s + 1, ep + 1);
                                if (r >= 0)
                                {
                                    return r;
                                }
                            }
                            p = ep + 1;
                            continue;
                        }
                        if (q == '+' || q == '*' || q == '-')
                        {
                            if (IsFailed(s, p))
                            {
                                return -1;
                            }
                            int runEnd;
                            int r = q switch
                            {
                                (byte)'+' => m ? MaxExpand(s, s + 1, p, ep, out runEnd) : Fail(s, out runEnd),
                                (byte)'*' => MaxExpand(s, s, p, ep, out runEnd),
                                _ => MinExpand(s, p, ep, out runEnd),
                            };
                            if (r < 0)
                            {
                                MarkFailedRun(s, runEnd, p);
                            }
                            return r;
                        }
                        if (!m)
                        {
                            return -1;
                        }
                        s++;
                        p = ep;
                        continue;
                    }
                }
            }
        }

        private static int Fail(int s, out int runEnd)
        {
            runEnd = s;
            return -1;
        }

        // Longest run first, then backing off one character at a time. stateS is where the
        // item's state starts (s - 1 for 'x+'); when the memo knows the state one position on
        // failed, every longer end failed with it and only the shortest end is left to try.
        private int MaxExpand(int stateS, int s, int p, int ep, out int runEnd)
        {
            runEnd = RunEnd(s, p, ep);
            int i = runEnd - s;
            if (i > 0 && IsFailed(stateS + 1, p))
            {
                i = 0;
            }
            for (; i >= 0; i--)
            {
                Step();
                int r = Match(s + i, ep + 1);
                if (r >= 0)
                {
                    return r;
                }
            }
            return -1;
        }

        // First position at or after s where the single-character item at p fails to match.
        private readonly int RunEnd(int s, int p, int ep)
        {
            int[]? from = _runFrom;
            if (from is not null && s >= from[p] && s <= _runEnd![p])
            {
                return _runEnd[p]; // inside the last run seen for this item: same end
            }
            int e = s;
            while (e < _s.Length && SingleMatch(_s[e], p, ep))
            {
                e++;
                if (from is not null && e == from[p])
                {
                    e = _runEnd![p]; // joined the last run seen for this item
                    break;
                }
            }
            if (from is not null)
            {
                from[p] = s;
                _runEnd![p] = e;
            }
            return e;
        }

        // Shortest first, growing one character at a time. Reaching a position whose state
        // (same item) is known to fail means the rest of this loop fails the same way.
        private int MinExpand(int s, int p, int ep, out int runEnd)
        {
            while (true)
            {
                Step();
                int r = Match(s, ep + 1);
                if (r >= 0)
                {
                    runEnd = s;
                    return r;
                }
                if (s < _s.Length && SingleMatch(_s[s], p, ep))
                {
                    s++;
                    if (IsFailed(s, p))
                    {
                        runEnd = s;
                        return -1;
                    }
                }
                else
                {
                    runEnd = s;
                    return -1;
                }
            }
        }

        private int StartCapture(int s, int p, int what)
        {
            PatternMatch m = _m;
            int level = m.Level;
            if (level >= PatternMatch.MaxCaptures)
            {
                throw new LuaError("too many captures");
            }
            m.CaptureStart[level] = s;
            m.CaptureLength[level] = what;
            m.Level = level + 1;
            int r = Match(s, p);
            if (r < 0)
            {
                m.Level--;
            }
            return r;
        }

        private int EndCapture(int s, int p)
        {
            PatternMatch m = _m;
            int l = -1;
            for (int i = m.Level - 1; i >= 0; i--)
            {
                if (m.CaptureLength[i] == PatternMatch.CapUnfinished)
                {
                    l = i;
                    break;
                }
            }
            if (l < 0)
            {
                throw new LuaError("invalid pattern capture");
            }
            m.CaptureLength[l] = s - m.CaptureStart[l];
            int r = Match(s, p);
            if (r < 0)
            {
                m.CaptureLength[l] = PatternMatch.CapUnfinished;
            }
            return r;
        }

        private readonly int MatchBalance(int s, int p)
        {
            if (p + 1 >= _p.Length)
            {
                throw new LuaError("malformed pattern (missing arguments to '%b')");
            }
            if (s >= _s.Length || _s[s] != _p[p])
            {
                return -1;
            }
            byte open = _p[p];
            byte close = _p[p + 1];
            int depth = 1;
            for (int i = s + 1; i < _s.Length; i++)
            {
                byte c = _s[i];
                if (c == close)
                {
                    if (--depth == 0)
                    {
                        return i + 1;
                    }
                }
                else if (c == open)
                {
                    depth++;
                }
            }
            return -1;
        }

        private readonly int MatchBackReference(int s, byte digit)
        {
            PatternMatch m = _m;
            int l = digit - '1';
            if (l < 0 || l >= m.Level || m.CaptureLength[l] == PatternMatch.CapUnfinished)
            {
                throw new LuaError($"invalid capture index %{l + 1}");
            }
            int len = m.CaptureLength[l];
            if (len < 0 || _s.Length - s < len)
            {
                return -1; // a position capture never matches as text
            }
            return _s.Slice(m.CaptureStart[l], len).SequenceEqual(_s.Slice(s, len)) ? s + len : -1;
        }

        // Index just past the single-character class at p.
        private readonly int ClassEnd(int p)
        {
            ReadOnlySpan<byte> pat = _p;
            byte c = pat[p++];
            if (c == '%')
            {
                if (p >= pat.Length)
                {
                    throw new LuaError("malformed pattern (ends with '%')");
                }
                return p + 1;
            }
            if (c == '[')
            {
                if (p < pat.Length && pat[p] == '^')
                {
                    p++;
                }
                do
                {
                    // the first character (even ']') belongs to the set
                    if (p >= pat.Length)
                    {
                        throw new LuaError("malformed pattern (missing ']')");
                    }
                    if (pat[p++] == '%' && p < pat.Length)
                    {
                        p++;
                    }
                }
                while (p >= pat.Length || pat[p] != ']');
                return p + 1;
            }
            return p;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private readonly bool SingleMatch(int c, int p, int ep)
        {
            byte pc = _p[p];
            return pc switch
            {
                (byte)'.' => true,
                (byte)'%' => MatchClass(c, _p[p + 1]),
                (byte)'[' => MatchBracketClass(c, p, ep - 1),
                _ => pc == c,
            };
        }

        // [set] between p ('[') and ec (']').
        private readonly bool MatchBracketClass(int c, int p, int ec)
        {
            ReadOnlySpan<byte> pat = _p;
            bool sig = true;
            if (pat[p + 1] == '^')
            {
                sig = false;
                p++;
            }
            while (++p < ec)
            {
                if (pat[p] == '%')
                {
                    p++;
                    if (MatchClass(c, pat[p]))
                    {
                        return sig;
                    }
                }
                else if (pat[p + 1] == '-' && p + 2 < ec)
                {
                    p += 2;
                    if (pat[p - 2] <= c && c <= pat[p])
                    {
                        return sig;
                    }
                }
                else if (pat[p] == c)
                {
                    return sig;
                }
            }
            return !sig;
        }
    }

    /// <summary>Whether byte <paramref name="c"/> is in class <paramref name="cl"/> (a letter after '%'; other characters match themselves).</summary>
    public static bool MatchClass(int c, int cl)
    {
        bool res;
        switch (cl | 0x20)
        {
            case 'a': res = IsAlpha(c); break;
            case 'c': res = c < 32 || c == 127; break;
            case 'd': res = c >= '0' && c <= '9'; break;
            case 'g': res = c > 32 && c < 127; break;
            case 'l': res = c >= 'a' && c <= 'z'; break;
            case 'p': res = c > 32 && c < 127 && !IsAlnum(c); break;
            case 's': res = c == ' ' || (c >= '\t' && c <= '\r'); break;
            case 'u': res = c >= 'A' && c <= 'Z'; break;
            case 'w': res = IsAlnum(c); break;
            case 'z': res = c == 0; break; // deprecated, but lua5.4 still accepts it
            case 'x': res = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); break;
            default: return cl == c;
        }
        if (cl >= 'A' && cl <= 'Z')
        {
            res = !res;
        }
        return res;
    }

    private static bool IsAlpha(int c) => (c | 0x20) >= 'a' && (c | 0x20) <= 'z';

    private static bool IsAlnum(int c) => IsAlpha(c) || (c >= '0' && c <= '9');
}
