using System.Globalization;
using System.Text;

namespace MicroLua.Debugging;

/// <summary>
/// What the client reads while the script is stopped: threads, frames, scopes, variables,
/// evaluations. Everything here runs on the script thread. Frame ids and variable references
/// are valid for one stop, as the protocol says; the handles taken on Lua objects meanwhile
/// are released when the script goes on.
///
/// Evaluation compiles <c>local _ENV = ...; return &lt;expression&gt;</c> (or, failing that, the
/// text as a statement) and calls it with an environment table whose __index and __newindex
/// look names up in the frame: its locals (the innermost of a name), its function's upvalues,
/// then the frame's _ENV (its globals). So an expression sees what the code at that line sees,
/// and an assignment changes it.
/// </summary>
public sealed partial class LuaDebugAdapter
{
    /// <summary>Tables with more array items than this are shown in pages (indexedVariables).</summary>
    private const int PageThreshold = 100;

    private enum ContainerKind
    {
        Locals,
        Varargs,
        Upvalues,
        Table,
    }

    private sealed record Container(ContainerKind Kind, LuaDebugThread? Thread, int Frame, LuaTableRef? Table);

    // per stop (script thread)
    private LuaState? _stopState;
    private LuaDebugThread? _stopThread;
    private readonly List<LuaReference> _handles = [];
    private readonly List<(LuaDebugThread Thread, int Frame)> _frameRefs = [];
    private readonly List<Container> _containers = [];

    // threads seen at the last stop (written on the script thread, read by the reader under _gate)
    private Dictionary<int, LuaDebugThread> _threads = [];
    private DapThread[] _threadCache = [new DapThread { Id = 1, Name = "main" }];

    // evaluation (script thread; lives while the adapter is attached to the same state)
    private LuaState? _evalState;
    private LuaTableRef? _evalEnv;
    private readonly Dictionary<string, LuaFunction> _compiled = [];
    private LuaDebugThread? _evalThread;
    private int _evalFrame;

    private void RefreshThreads(LuaState state)
    {
        var map = new Dictionary<int, LuaDebugThread>();
        var list = new List<DapThread>();
        foreach (LuaDebugThread t in state.GetThreads())
        {
            map[t.Id] = t;
            list.Add(new DapThread { Id = t.Id, Name = t.IsMain ? "main" : $"coroutine {t.Id - 1} ({StatusName(t.Status)})" });
        }

        lock (_gate)
        {
            _threads = map;
            _threadCache = [.. list];
        }
    }

    private static string StatusName(LuaCoroutineStatus s) => s switch
    {
        LuaCoroutineStatus.Running => "running",
        LuaCoroutineStatus.Normal => "normal",
        LuaCoroutineStatus.Suspended => "suspended",
        _ => "dead",
    };

    private DapThread[] CachedThreads()
    {
        lock (_gate)
        {
            return _threadCache;
        }
    }

    private void Threads(DapConnection conn, DapRequest r)
    {
        RefreshThreads(_stopState!);
        conn.SendResponse(r, new ThreadsResponseBody { Threads = CachedThreads() }, DapJson.Default.ThreadsResponseBody);
    }

    private LuaDebugThread ThreadOf(int id) =>
        _threads.TryGetValue(id, out LuaDebugThread? t) ? t : throw new DapRequestException($"unknown thread {id}");

    /// <summary>Releases the handles taken since <paramref name="mark"/>.</summary>
    private void ReleaseHandles(int mark)
    {
        for (int i = _handles.Count - 1; i >= mark; i--)
        {
            _handles[i].Dispose();
        }

        _handles.RemoveRange(mark, _handles.Count - mark);
    }

    private void EndStop()
    {
        ReleaseHandles(0);
        _frameRefs.Clear();
        _containers.Clear();
        _stopThread = null;
    }

    private LuaValue Track(LuaValue v)
    {
        if (v.Reference != null)
        {
            _handles.Add(v.Reference);
        }

        return v;
    }

    private IReadOnlyList<LuaDebugVariable> Tracked(IReadOnlyList<LuaDebugVariable> vars)
    {
        foreach (LuaDebugVariable v in vars)
        {
            Track(v.Value);
        }

        return vars;
    }

    // ---- stackTrace ----

    private void StackTrace(DapConnection conn, DapRequest r)
    {
        var a = Args(r, DapJson.Default.StackTraceArguments);
        LuaDebugThread thread = ThreadOf(a.ThreadId);
        IReadOnlyList<LuaStackFrame> frames = _stopState!.GetStackFrames(thread);
        int start = Math.Max(0, a.StartFrame ?? 0);
        int count = a.Levels is int l and > 0 ? l : frames.Count;
        var result = new List<StackFrame>();
        for (int i = start; i < frames.Count && result.Count < count; i++)
        {
            LuaStackFrame f = frames[i];
            _frameRefs.Add((thread, f.Index));
            int id = _frameRefs.Count;
            string name = FrameName(f.Name);
            if (!f.IsLua)
            {
                result.Add(new StackFrame { Id = id, Name = name + " [host]", Line = 0, Column = 0, PresentationHint = "subtle" });
            }
            else if (f.IsStripped)
            {
                result.Add(new StackFrame
                {
                    Id = id,
                    Name = $"{name} ({f.ShortSource}: no line information, stripped bytecode)",
                    Line = 0,
                    Column = 0,
                    PresentationHint = "subtle",
                });
            }
            else
            {
                result.Add(new StackFrame { Id = id, Name = name, Source = SourceOfChunk(f.Source!, f.ShortSource), Line = f.Line, Column = 1 });
            }
        }

        conn.SendResponse(r, new StackTraceResponseBody { StackFrames = [.. result], TotalFrames = frames.Count }, DapJson.Default.StackTraceResponseBody);
    }

    /// <summary>"function 'f'" becomes "f"; other descriptions ("main chunk", "function &lt;a.lua:3&gt;", "method 'm'") stay.</summary>
    private static string FrameName(string name) =>
        name.StartsWith("function '", StringComparison.Ordinal) && name.EndsWith('\'') ? name[10..^1] : name;

    private (LuaDebugThread Thread, int Frame) FrameOf(int id) =>
        id >= 1 && id <= _frameRefs.Count ? _frameRefs[id - 1] : throw new DapRequestException($"unknown frameId {id}");

    // ---- scopes and variables ----

    private int NewContainer(Container c)
    {
        _containers.Add(c);
        return _containers.Count;
    }

    private void Scopes(DapConnection conn, DapRequest r)
    {
        var a = Args(r, DapJson.Default.ScopesArguments);
        (LuaDebugThread thread, int frame) = FrameOf(a.FrameId);
        LuaState state = _stopState!;
        var scopes = new List<Scope>
        {
            new() { Name = "Locals", PresentationHint = "locals", VariablesReference = NewContainer(new Container(ContainerKind.Locals, thread, frame, null)) },
        };
        int varargs = Tracked(state.GetVarargs(thread, frame)).Count;
        if (varargs > 0)
        {
            scopes.Add(new Scope { Name = "Varargs", PresentationHint = "arguments", NamedVariables = varargs, VariablesReference = NewContainer(new Container(ContainerKind.Varargs, thread, frame, null)) });
        }

        int upvalues = Tracked(state.GetUpvalues(thread, frame)).Count;
        if (upvalues > 0)
        {
            scopes.Add(new Scope { Name = "Upvalues", VariablesReference = NewContainer(new Container(ContainerKind.Upvalues, thread, frame, null)) });
        }

        LuaTableRef globals = state.GetGlobals();
        _handles.Add(globals);
        scopes.Add(new Scope { Name = "Globals", Expensive = true, VariablesReference = NewContainer(new Container(ContainerKind.Table, null, 0, globals)) });
        conn.SendResponse(r, new ScopesResponseBody { Scopes = [.. scopes] }, DapJson.Default.ScopesResponseBody);
    }

    private Container ContainerOf(int reference) =>
        reference >= 1 && reference <= _containers.Count ? _containers[reference - 1] : throw new DapRequestException($"unknown variablesReference {reference}");

    private void Variables(DapConnection conn, DapRequest r)
    {
        var a = Args(r, DapJson.Default.VariablesArguments);
        Container c = ContainerOf(a.VariablesReference);
        LuaState state = _stopState!;
        var vars = new List<Variable>();
        switch (c.Kind)
        {
            case ContainerKind.Locals:
                foreach (LuaDebugVariable v in Tracked(state.GetLocals(c.Thread!, c.Frame)))
                {
                    vars.Add(MakeVariable(v.Name, v.Value, v.Name));
                }

                break;
            case ContainerKind.Varargs:
                foreach (LuaDebugVariable v in Tracked(state.GetVarargs(c.Thread!, c.Frame)))
                {
                    vars.Add(MakeVariable($"[{-v.Index}]", v.Value, $"select({-v.Index}, ...)"));
                }

                break;
            case ContainerKind.Upvalues:
                foreach (LuaDebugVariable v in Tracked(state.GetUpvalues(c.Thread!, c.Frame)))
                {
                    vars.Add(MakeVariable(v.Name, v.Value, v.Name));
                }

                break;
            default:
                TableVariables(c.Table!, a, vars);
                break;
        }

        int start = c.Kind == ContainerKind.Table ? 0 : Math.Max(0, a.Start ?? 0);
        int count = c.Kind == ContainerKind.Table || a.Count is not int n || n <= 0 ? int.MaxValue : n;
        Variable[] page = [.. vars.Skip(start).Take(count)];
        conn.SendResponse(r, new VariablesResponseBody { Variables = page }, DapJson.Default.VariablesResponseBody);
    }

    /// <summary>A table's children: its array items (in pages when the client asks with filter "indexed"), its other keys, its metatable.</summary>
    private void TableVariables(LuaTableRef table, VariablesArguments a, List<Variable> vars)
    {
        long length = table.RawLength;
        bool paged = length > PageThreshold;
        if (a.Filter != "indexed")
        {
            foreach (KeyValuePair<LuaValue, LuaValue> kv in table.Pairs())
            {
                Track(kv.Key);
                Track(kv.Value);
                if (paged && kv.Key.IsInteger && kv.Key.ToInteger() >= 1 && kv.Key.ToInteger() <= length)
                {
                    continue; // shown in the pages
                }

                vars.Add(MakeVariable(KeyName(kv.Key), kv.Value, null));
            }

            if (table.Metatable is { } mt)
            {
                _handles.Add(mt);
                vars.Add(MakeVariable("(metatable)", mt, null));
            }
        }

        if (a.Filter == "indexed" || (a.Filter == null && paged && a.Start != null))
        {
            long first = (a.Start ?? 0) + 1;
            long last = a.Count is int c and > 0 ? Math.Min(length, first + c - 1) : length;
            for (long i = first; i <= last; i++)
            {
                vars.Add(MakeVariable($"[{i}]", Track(table.RawGet(i)), null));
            }
        }
    }

    private static string KeyName(LuaValue key)
    {
        if (key.IsString)
        {
            string s = key.AsString()!;
            return IsIdentifier(s) ? s : "[" + Quote(s) + "]";
        }

        return "[" + Display(key) + "]";
    }

    private static bool IsIdentifier(string s)
    {
        if (s.Length == 0 || char.IsAsciiDigit(s[0]))
        {
            return false;
        }

        foreach (char ch in s)
        {
            if (!char.IsAsciiLetterOrDigit(ch) && ch != '_')
            {
                return false;
            }
        }

        return true;
    }

    private Variable MakeVariable(string name, LuaValue value, string? evaluateName)
    {
        var v = new Variable { Name = name, Value = Display(value), Type = TypeName(value.Type), EvaluateName = evaluateName };
        if (value.Reference is LuaTableRef t)
        {
            v.VariablesReference = NewContainer(new Container(ContainerKind.Table, null, 0, t));
            long length = t.RawLength;
            if (length > PageThreshold)
            {
                v.IndexedVariables = (int)Math.Min(length, int.MaxValue);
            }
        }

        return v;
    }

    private static string TypeName(LuaType t) => t switch
    {
        LuaType.Nil => "nil",
        LuaType.Boolean => "boolean",
        LuaType.Number => "number",
        LuaType.String => "string",
        LuaType.Table => "table",
        LuaType.Function => "function",
        LuaType.Thread => "thread",
        _ => "userdata",
    };

    /// <summary>A value as the debugger shows it: numbers as Lua prints them, strings quoted, objects by type and identity.</summary>
    private static string Display(LuaValue v) => v.Type switch
    {
        LuaType.String => Quote(v.AsString()!),
        LuaType.LightUserdata => "userdata: 0x" + v.ToPointer().ToString("x", CultureInfo.InvariantCulture),
        LuaType.Nil or LuaType.Boolean or LuaType.Number => v.ToString(),
        _ => v.Reference?.ToString() ?? TypeName(v.Type),
    };

    private static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (char ch in s)
        {
            switch (ch)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                default:
                    if (ch < ' ' || ch == '\x7f')
                    {
                        sb.Append('\\').Append(((int)ch).ToString(CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(ch);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    // ---- setVariable ----

    private void SetVariable(DapConnection conn, DapRequest r)
    {
        var a = Args(r, DapJson.Default.SetVariableArguments);
        if (a.Name == null || a.Value == null)
        {
            throw new DapRequestException("setVariable needs a name and a value");
        }

        Container c = ContainerOf(a.VariablesReference);
        LuaState state = _stopState!;
        (LuaDebugThread thread, int frame) = c.Thread != null ? (c.Thread, c.Frame) : (_stopThread!, Math.Max(0, _stopThread!.Depth - 1));
        LuaValue[] values = EvaluateIn(state, thread, frame, a.Value, allowStatement: false);
        LuaValue value = values.Length > 0 ? values[0] : default;
        bool done = false;
        switch (c.Kind)
        {
            case ContainerKind.Locals:
                done = FindByName(state.GetLocals(thread, frame), a.Name) is int li && state.SetLocal(thread, frame, li, value);
                break;
            case ContainerKind.Upvalues:
                done = FindByName(state.GetUpvalues(thread, frame), a.Name) is int ui && state.SetUpvalue(thread, frame, ui, value);
                break;
            case ContainerKind.Varargs:
                done = a.Name.StartsWith('[') && a.Name.EndsWith(']') && int.TryParse(a.Name[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out int vi)
                    && state.SetLocal(thread, frame, -vi, value);
                break;
            default:
                if (ParseKey(a.Name) is LuaValue key)
                {
                    c.Table!.RawSet(key, value);
                    done = true;
                }

                break;
        }

        if (!done)
        {
            throw new DapRequestException($"cannot set '{a.Name}'");
        }

        Variable v = MakeVariable(a.Name, value, null);
        conn.SendResponse(r, new SetVariableResponseBody { Value = v.Value, Type = v.Type, VariablesReference = v.VariablesReference, IndexedVariables = v.IndexedVariables }, DapJson.Default.SetVariableResponseBody);
    }

    /// <summary>The index of the innermost variable called <paramref name="name"/>, or null (its value handles are tracked).</summary>
    private int? FindByName(IReadOnlyList<LuaDebugVariable> vars, string name)
    {
        int? found = null;
        foreach (LuaDebugVariable v in Tracked(vars))
        {
            if (v.Name == name)
            {
                found = v.Index;
            }
        }

        return found;
    }

    /// <summary>A key as <see cref="KeyName"/> shows it, back to a value: name, [integer], [number], ["string"].</summary>
    private static LuaValue? ParseKey(string name)
    {
        if (IsIdentifier(name))
        {
            return name;
        }

        if (name.Length < 3 || name[0] != '[' || name[^1] != ']')
        {
            return null;
        }

        string inner = name[1..^1];
        if (long.TryParse(inner, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long i))
        {
            return i;
        }

        if (double.TryParse(inner, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
        {
            return d;
        }

        if (inner.Length >= 2 && inner[0] == '"' && inner[^1] == '"' && !inner[1..^1].Contains('\\', StringComparison.Ordinal))
        {
            return inner[1..^1];
        }

        return null;
    }

    // ---- evaluate ----

    private void Evaluate(DapConnection conn, DapRequest r)
    {
        var a = Args(r, DapJson.Default.EvaluateArguments);
        if (string.IsNullOrWhiteSpace(a.Expression))
        {
            throw new DapRequestException("evaluate needs an expression");
        }

        (LuaDebugThread thread, int frame) = a.FrameId is int id ? FrameOf(id) : (_stopThread!, _stopThread!.Depth - 1);
        LuaValue[] results = EvaluateIn(_stopState!, thread, frame, a.Expression, allowStatement: a.Context is null or "repl");
        string text = results.Length == 0 ? "nil" : string.Join(", ", results.Select(Display));
        int reference = 0;
        int? indexed = null;
        if (results.Length == 1)
        {
            Variable v = MakeVariable("", results[0], null);
            reference = v.VariablesReference;
            indexed = v.IndexedVariables;
        }

        conn.SendResponse(r, new EvaluateResponseBody
        {
            Result = text,
            Type = results.Length == 1 ? TypeName(results[0].Type) : null,
            VariablesReference = reference,
            IndexedVariables = indexed,
        }, DapJson.Default.EvaluateResponseBody);
    }

    /// <summary>
    /// Evaluates <paramref name="code"/> in frame <paramref name="frame"/> of <paramref name="thread"/>
    /// (-1: no frame, globals only); its results' handles are tracked.
    /// </summary>
    private LuaValue[] EvaluateIn(LuaState state, LuaDebugThread thread, int frame, string code, bool allowStatement)
    {
        LuaFunction fn = Compile(state, code, allowStatement);
        LuaDebugThread? savedThread = _evalThread;
        int savedFrame = _evalFrame;
        _evalThread = thread;
        _evalFrame = frame;
        try
        {
            LuaValue[] results = fn.Call(_evalEnv!);
            foreach (LuaValue v in results)
            {
                Track(v);
            }

            return results;
        }
        finally
        {
            _evalThread = savedThread;
            _evalFrame = savedFrame;
        }
    }

    private LuaFunction Compile(LuaState state, string code, bool allowStatement)
    {
        if (_evalState != state)
        {
            ResetEvaluation();
            _evalState = state;
            _evalEnv = NewEvalEnvironment(state);
        }

        string key = (allowStatement ? "s:" : "e:") + code;
        if (_compiled.TryGetValue(key, out LuaFunction? fn))
        {
            return fn;
        }

        try
        {
            fn = state.Load("local _ENV = ...; return " + code, "=(eval)");
        }
        catch (LuaException) when (allowStatement)
        {
            fn = state.Load("local _ENV = ...; " + code, "=(eval)");
        }

        if (_compiled.Count >= 256)
        {
            foreach (LuaFunction f in _compiled.Values)
            {
                f.Dispose();
            }

            _compiled.Clear();
        }

        _compiled[key] = fn;
        return fn;
    }

    private void ResetEvaluation()
    {
        foreach (LuaFunction f in _compiled.Values)
        {
            f.Dispose();
        }

        _compiled.Clear();
        _evalEnv?.Dispose();
        _evalEnv = null;
        _evalState = null;
    }

    /// <summary>The environment table of evaluations: its metatable resolves names in the frame being evaluated in.</summary>
    private LuaTableRef NewEvalEnvironment(LuaState state)
    {
        LuaTableRef env = state.CreateTable();
        using LuaTableRef mt = state.CreateTable();
        using LuaFunction index = state.CreateFunction("(debugger __index)", call =>
        {
            LuaValue key = call[2];
            LuaValue v = Lookup(state, key, out _);
            return call.Return(v);
        });
        using LuaFunction newIndex = state.CreateFunction("(debugger __newindex)", call =>
        {
            Assign(state, call[2], call[3]);
            return call.Return();
        });
        mt["__index"] = index;
        mt["__newindex"] = newIndex;
        env.Metatable = mt;
        return env;
    }

    /// <summary>The value a name has in the frame being evaluated in: a local, an upvalue, or a field of the frame's _ENV.</summary>
    private LuaValue Lookup(LuaState state, LuaValue key, out bool found)
    {
        found = true;
        LuaDebugThread? t = _evalThread;
        bool hasFrame = t != null && _evalFrame >= 0 && _evalFrame < t.Depth;
        if (key.IsString && hasFrame)
        {
            string name = key.AsString()!;
            if (FindValue(state.GetLocals(t!, _evalFrame), name, out LuaValue v) || FindValue(state.GetUpvalues(t!, _evalFrame), name, out v))
            {
                return v;
            }
        }

        found = false;
        LuaValue env = FrameEnvironment(state);
        return env.Reference is LuaTableRef et ? Track(et[key]) : default;
    }

    /// <summary>The frame's _ENV (a local or upvalue of that name), else the globals table.</summary>
    private LuaValue FrameEnvironment(LuaState state)
    {
        LuaDebugThread? t = _evalThread;
        if (t != null && _evalFrame >= 0 && _evalFrame < t.Depth
            && (FindValue(state.GetLocals(t, _evalFrame), "_ENV", out LuaValue env) || FindValue(state.GetUpvalues(t, _evalFrame), "_ENV", out env)))
        {
            return env;
        }

        LuaTableRef g = state.GetGlobals();
        _handles.Add(g);
        return g;
    }

    private bool FindValue(IReadOnlyList<LuaDebugVariable> vars, string name, out LuaValue value)
    {
        value = default;
        bool found = false;
        foreach (LuaDebugVariable v in Tracked(vars))
        {
            if (v.Name == name)
            {
                value = v.Value;
                found = true;
            }
        }

        return found;
    }

    private void Assign(LuaState state, LuaValue key, LuaValue value)
    {
        LuaDebugThread? t = _evalThread;
        if (key.IsString && t != null && _evalFrame >= 0 && _evalFrame < t.Depth)
        {
            string name = key.AsString()!;
            if (FindByName(state.GetLocals(t, _evalFrame), name) is int li)
            {
                state.SetLocal(t, _evalFrame, li, value);
                return;
            }

            if (FindByName(state.GetUpvalues(t, _evalFrame), name) is int ui)
            {
                state.SetUpvalue(t, _evalFrame, ui, value);
                return;
            }
        }

        if (FrameEnvironment(state).Reference is LuaTableRef et)
        {
            et[key] = value;
        }
    }

    private void ExceptionInfo(DapConnection conn, DapRequest r)
    {
        Args(r, DapJson.Default.ThreadArguments);
        if (_lastError == null)
        {
            throw new DapRequestException("the script did not stop on an error");
        }

        conn.SendResponse(r, new ExceptionInfoResponseBody
        {
            ExceptionId = "error",
            Description = _lastError,
            BreakMode = _lastErrorCaught ? "always" : "unhandled",
        }, DapJson.Default.ExceptionInfoResponseBody);
    }
}
