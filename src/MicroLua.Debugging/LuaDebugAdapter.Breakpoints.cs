using System.Globalization;
using System.Text;

namespace MicroLua.Debugging;

/// <summary>
/// Breakpoints and sources. A source is known by a key: "file:" and the full path for a chunk
/// loaded as "@path", "chunk:" and the chunk name for one loaded from a string (whose text the
/// adapter keeps and serves through a sourceReference). A breakpoint is resolved against the
/// lines that have code in the chunks loaded under its key: it moves to the first such line
/// at or after the one asked for. Before its chunk is loaded it waits, unverified, on the line
/// asked for, and is verified (a breakpoint event) when the chunk loads or the line is hit.
/// </summary>
public sealed partial class LuaDebugAdapter
{
    private static readonly StringComparer s_keyComparer = OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>One breakpoint as the client set it and as the adapter resolved it.</summary>
    private sealed class Bp
    {
        public int Id;
        public int RequestedLine;
        public int Line;
        public bool Verified;
        public string? Message;
        public string? Condition;
        public string? HitOp;
        public long HitCount;
        public string? LogMessage;
        public long Hits;
    }

    /// <summary>A source known by the adapter: its chunk name, its text (string chunks) and the reference it is served under.</summary>
    private sealed class SourceInfo(string key, string chunkName, int reference)
    {
        public string Key { get; } = key;

        public string ChunkName { get; } = chunkName;

        public int Reference { get; } = reference;

        public byte[]? Text { get; set; }
    }

    // all under _gate
    private readonly Dictionary<string, List<Bp>> _breakpoints = new(s_keyComparer);
    private readonly Dictionary<string, int[]> _activeLines = new(s_keyComparer);
    private readonly Dictionary<string, SourceInfo> _sourcesByKey = new(s_keyComparer);
    private readonly Dictionary<int, SourceInfo> _sourcesByRef = [];
    private int _nextBreakpointId;

    /// <summary>Line numbers that have a breakpoint in some source: the line event's fast filter.</summary>
    private volatile bool[] _bpLines = [];

    /// <summary>Chunk name to key, on the script thread.</summary>
    private readonly Dictionary<string, string> _keyOfChunk = [];

    private static string FileKey(string path)
    {
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            full = path;
        }

        return "file:" + full;
    }

    // one-entry caches of the line event's slow path (script thread): the same chunk comes again and again
    private string? _lastChunkName;
    private string _lastKey = "";
    private Dictionary<string, Bp[]>? _lastSnapshot;
    private string? _lastBreakpointsKey;
    private Bp[]? _lastBreakpoints;

    /// <summary>The breakpoints by key as of the last change, read by the script thread without the lock.</summary>
    private volatile Dictionary<string, Bp[]> _snapshot = new(s_keyComparer);

    private string KeyOfChunk(string chunkName)
    {
        if (ReferenceEquals(chunkName, _lastChunkName))
        {
            return _lastKey;
        }

        if (!_keyOfChunk.TryGetValue(chunkName, out string? key))
        {
            key = chunkName.StartsWith('@') ? FileKey(chunkName[1..]) : "chunk:" + chunkName;
            _keyOfChunk[chunkName] = key;
        }

        _lastChunkName = chunkName;
        _lastKey = key;
        return key;
    }

    private void SetBreakpoints(DapConnection conn, DapRequest r)
    {
        var a = Args(r, DapJson.Default.SetBreakpointsArguments);
        if (a.Source == null)
        {
            throw new DapRequestException("setBreakpoints needs a source");
        }

        string key;
        lock (_gate)
        {
            if (a.Source.SourceReference is int sref and > 0)
            {
                key = _sourcesByRef.TryGetValue(sref, out SourceInfo? info) ? info.Key : throw new DapRequestException($"unknown sourceReference {sref}");
            }
            else if (!string.IsNullOrEmpty(a.Source.Path))
            {
                key = FileKey(a.Source.Path);
            }
            else
            {
                throw new DapRequestException("setBreakpoints needs a source with a path or a sourceReference");
            }
        }

        SourceBreakpoint[] wanted = a.Breakpoints ?? [.. (a.Lines ?? []).Select(l => new SourceBreakpoint { Line = l })];
        var list = new List<Bp>(wanted.Length);
        var result = new Breakpoint[wanted.Length];
        lock (_gate)
        {
            _activeLines.TryGetValue(key, out int[]? lines);
            for (int i = 0; i < wanted.Length; i++)
            {
                SourceBreakpoint sb = wanted[i];
                var bp = new Bp
                {
                    Id = ++_nextBreakpointId,
                    RequestedLine = sb.Line,
                    Condition = string.IsNullOrWhiteSpace(sb.Condition) ? null : sb.Condition,
                    LogMessage = string.IsNullOrEmpty(sb.LogMessage) ? null : sb.LogMessage,
                };
                Resolve(bp, lines);
                if (!string.IsNullOrWhiteSpace(sb.HitCondition) && !ParseHitCondition(sb.HitCondition, out bp.HitOp, out bp.HitCount))
                {
                    bp.Verified = false;
                    bp.Message = $"bad hit condition '{sb.HitCondition}' (use N, = N, == N, > N, >= N, < N, <= N or % N)";
                }
                else if (sb.Line > 0)
                {
                    list.Add(bp);
                }

                result[i] = ToDap(bp, a.Source);
            }

            _breakpoints[key] = list;
            RebuildLineFilter();
        }

        conn.SendResponse(r, new SetBreakpointsResponseBody { Breakpoints = result }, DapJson.Default.SetBreakpointsResponseBody);
    }

    private static Breakpoint ToDap(Bp bp, Source? source) =>
        new() { Id = bp.Id, Verified = bp.Verified, Message = bp.Message, Line = bp.Line, Source = source };

    /// <summary>Moves the breakpoint to the first line with code at or after the one asked for (<paramref name="lines"/>: the source's, when it was loaded).</summary>
    private static void Resolve(Bp bp, int[]? lines)
    {
        bp.Line = bp.RequestedLine;
        if (lines == null)
        {
            bp.Verified = false;
            bp.Message = "the source is not loaded yet";
            return;
        }

        int i = Array.BinarySearch(lines, bp.RequestedLine);
        if (i < 0)
        {
            i = ~i;
        }

        if (i < lines.Length)
        {
            bp.Line = lines[i];
            bp.Verified = true;
            bp.Message = null;
        }
        else
        {
            bp.Verified = false;
            bp.Message = "no code at or after this line";
        }
    }

    /// <summary>"N" (the N-th hit, as "== N"), "= N", "== N", "> N", "&gt;= N", "&lt; N", "&lt;= N", "% N" (every N-th).</summary>
    private static bool ParseHitCondition(string text, out string? op, out long count)
    {
        string t = text.Trim();
        op = "==";
        foreach (string o in new[] { ">=", "<=", "==", ">", "<", "%", "=" })
        {
            if (t.StartsWith(o, StringComparison.Ordinal))
            {
                op = o == "=" ? "==" : o;
                t = t[o.Length..].Trim();
                break;
            }
        }

        return long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out count) && (op != "%" || count > 0);
    }

    private static bool HitMatches(Bp bp) => bp.HitOp switch
    {
        null => true,
        "==" => bp.Hits == bp.HitCount,
        ">=" => bp.Hits >= bp.HitCount,
        ">" => bp.Hits > bp.HitCount,
        "<" => bp.Hits < bp.HitCount,
        "<=" => bp.Hits <= bp.HitCount,
        _ => bp.Hits % bp.HitCount == 0,
    };

    /// <summary>Rebuilds <see cref="_bpLines"/> (under _gate).</summary>
    private void RebuildLineFilter()
    {
        int max = 0;
        foreach (List<Bp> list in _breakpoints.Values)
        {
            foreach (Bp bp in list)
            {
                max = Math.Max(max, bp.Line);
            }
        }

        bool[] lines = new bool[max + 1];
        foreach (List<Bp> list in _breakpoints.Values)
        {
            foreach (Bp bp in list)
            {
                lines[bp.Line] = true;
            }
        }

        _bpLines = max == 0 ? [] : lines;
        var snapshot = new Dictionary<string, Bp[]>(s_keyComparer);
        foreach (var (key, list) in _breakpoints)
        {
            snapshot[key] = [.. list];
        }

        _snapshot = snapshot;
        _hook.SetLineFilter(_breakpoints.Values.SelectMany(l => l).Select(bp => bp.Line));
    }

    private void ClearBreakpoints()
    {
        _breakpoints.Clear();
        RebuildLineFilter();
    }

    /// <summary>A chunk loaded (script thread): record its lines and text, verify the breakpoints waiting for it.</summary>
    private void ChunkLoaded(LuaChunkInfo chunk)
    {
        string key = KeyOfChunk(chunk.ChunkName);
        var changed = new List<Breakpoint>();
        lock (_gate)
        {
            int[] lines = [.. chunk.ActiveLines];
            if (_activeLines.TryGetValue(key, out int[]? old))
            {
                lines = [.. old.Union(lines).Order()];
            }

            _activeLines[key] = lines;
            SourceInfo? info = SourceOf(key, chunk.ChunkName);
            if (info != null && chunk.SourceText != null)
            {
                info.Text = chunk.SourceText;
            }

            if (_breakpoints.TryGetValue(key, out List<Bp>? list))
            {
                foreach (Bp bp in list)
                {
                    int line = bp.Line;
                    bool verified = bp.Verified;
                    Resolve(bp, lines);
                    if (bp.Line != line || bp.Verified != verified)
                    {
                        changed.Add(ToDap(bp, null));
                    }
                }

                RebuildLineFilter();
            }
        }

        foreach (Breakpoint b in changed)
        {
            _conn?.SendEvent("breakpoint", new BreakpointEventBody { Reason = "changed", Breakpoint = b }, DapJson.Default.BreakpointEventBody);
        }
    }

    /// <summary>The source entry of a string chunk (created on first sight), or null for a file (under _gate).</summary>
    private SourceInfo? SourceOf(string key, string chunkName)
    {
        if (key.StartsWith("file:", StringComparison.Ordinal))
        {
            return null;
        }

        if (!_sourcesByKey.TryGetValue(key, out SourceInfo? info))
        {
            info = new SourceInfo(key, chunkName, _sourcesByRef.Count + 1);
            _sourcesByKey[key] = info;
            _sourcesByRef[info.Reference] = info;
        }

        return info;
    }

    /// <summary>
    /// The breakpoints on <paramref name="line"/> of the top frame's source that want a stop
    /// now (conditions true, hit counts met); logpoints print their message instead. Null
    /// when none does.
    /// </summary>
    private int[]? CheckBreakpoints(LuaState state, LuaDebugThread thread, int line)
    {
        bool[] filter = _bpLines;
        if ((uint)line >= (uint)filter.Length || !filter[line] || thread.Depth == 0)
        {
            return null;
        }

        string? chunk = state.GetFrameSource(thread, thread.Depth - 1);
        if (chunk == null)
        {
            return null;
        }

        string key = KeyOfChunk(chunk);
        Dictionary<string, Bp[]> snapshot = _snapshot;
        if (!ReferenceEquals(key, _lastBreakpointsKey) || snapshot != _lastSnapshot)
        {
            _lastSnapshot = snapshot;
            _lastBreakpointsKey = key;
            _lastBreakpoints = snapshot.TryGetValue(key, out Bp[]? found) ? found : null;
        }

        Bp[]? here = _lastBreakpoints;
        int n = 0;
        for (int i = 0; here != null && i < here.Length; i++)
        {
            n += here[i].Line == line ? 1 : 0;
        }

        if (n == 0)
        {
            return null;
        }

        Bp[] due = Array.FindAll(here!, bp => bp.Line == line);

        List<int>? stops = null;
        int mark = _handles.Count;
        try
        {
            foreach (Bp bp in due)
            {
                if (bp.Condition != null && !ConditionHolds(state, thread, bp))
                {
                    continue;
                }

                bp.Hits++;
                if (!HitMatches(bp))
                {
                    continue;
                }

                if (bp.LogMessage != null)
                {
                    SendOutput(Interpolate(state, thread, bp.LogMessage) + "\n");
                    continue;
                }

                (stops ??= []).Add(bp.Id);
                if (!bp.Verified)
                {
                    bp.Verified = true; // a breakpoint set before its source was seen: it is real now
                    bp.Message = null;
                    _conn?.SendEvent("breakpoint", new BreakpointEventBody { Reason = "changed", Breakpoint = ToDap(bp, null) }, DapJson.Default.BreakpointEventBody);
                }
            }
        }
        finally
        {
            if (stops == null)
            {
                ReleaseHandles(mark);
            }
        }

        return stops?.ToArray();
    }

    private bool ConditionHolds(LuaState state, LuaDebugThread thread, Bp bp)
    {
        try
        {
            LuaValue[] r = EvaluateIn(state, thread, thread.Depth - 1, bp.Condition!, allowStatement: false);
            return r.Length > 0 && r[0].ToBoolean();
        }
        catch (LuaException e)
        {
            SendOutput($"breakpoint condition '{bp.Condition}' failed: {e.Message}\n", "stderr");
            return false;
        }
    }

    /// <summary>A logpoint's message with each {expression} replaced by its value.</summary>
    private string Interpolate(LuaState state, LuaDebugThread thread, string message)
    {
        var sb = new StringBuilder();
        int i = 0;
        while (i < message.Length)
        {
            int open = message.IndexOf('{', i);
            int close = open < 0 ? -1 : message.IndexOf('}', open + 1);
            if (open < 0 || close < 0)
            {
                sb.Append(message, i, message.Length - i);
                break;
            }

            sb.Append(message, i, open - i);
            string expr = message[(open + 1)..close];
            try
            {
                LuaValue[] r = EvaluateIn(state, thread, thread.Depth - 1, expr, allowStatement: false);
                sb.Append(r.Length == 0 ? "nil" : string.Join(", ", r.Select(v => v.IsString ? v.AsString() : Display(v))));
            }
            catch (LuaException e)
            {
                sb.Append('{').Append(e.Message).Append('}');
            }

            i = close + 1;
        }

        return sb.ToString();
    }

    private void SourceRequest(DapConnection conn, DapRequest r)
    {
        var a = Args(r, DapJson.Default.SourceArguments);
        int reference = a.Source?.SourceReference is int s and > 0 ? s : a.SourceReference;
        byte[]? text;
        lock (_gate)
        {
            text = _sourcesByRef.TryGetValue(reference, out SourceInfo? info) ? info.Text : null;
        }

        if (text == null)
        {
            throw new DapRequestException($"no source text for sourceReference {reference}");
        }

        conn.SendResponse(r, new SourceResponseBody { Content = Encoding.UTF8.GetString(text), MimeType = "text/x-lua" }, DapJson.Default.SourceResponseBody);
    }

    /// <summary>The DAP source of a Lua frame's chunk: a path for a file, a reference for a string chunk whose text is known (script thread).</summary>
    private Source SourceOfChunk(string chunkName, string shortSource)
    {
        string key = KeyOfChunk(chunkName);
        if (key.StartsWith("file:", StringComparison.Ordinal))
        {
            string path = key[5..];
            return new Source { Name = Path.GetFileName(path), Path = path };
        }

        lock (_gate)
        {
            SourceInfo info = SourceOf(key, chunkName)!;
            return info.Text != null
                ? new Source { Name = shortSource, SourceReference = info.Reference, Origin = "loaded from a string" }
                : new Source { Name = shortSource, PresentationHint = "deemphasize", Origin = "no source text (loaded before the debugger attached, or bytecode)" };
        }
    }
}
