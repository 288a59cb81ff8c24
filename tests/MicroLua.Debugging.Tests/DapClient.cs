using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MicroLua.Core;

namespace MicroLua.Debugging.Tests;

/// <summary>
/// A DAP client for the tests: sends requests, reads every message on a thread of its own,
/// and checks each against the specification's envelope (seq, type, and for a response
/// request_seq, success, command, message on failure; for an event its name).
/// </summary>
internal sealed class DapClient : IDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    private readonly Stream _toAdapter;
    private readonly Stream _fromAdapter;
    private readonly BlockingCollection<JsonElement> _messages = [];
    private readonly List<JsonElement> _pendingEvents = [];
    private readonly StringBuilder _output = new();
    private readonly Thread _reader;
    private int _seq;

    public DapClient(Stream fromAdapter, Stream toAdapter)
    {
        _fromAdapter = fromAdapter;
        _toAdapter = toAdapter;
        _reader = new Thread(ReadLoop) { IsBackground = true };
        _reader.Start();
    }

    /// <summary>Everything the output events carried so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private void ReadLoop()
    {
        try
        {
            while (true)
            {
                int length = -1;
                while (true)
                {
                    string? line = ReadLine();
                    if (line == null)
                    {
                        return;
                    }

                    if (line.Length == 0)
                    {
                        break;
                    }

                    Assert.StartsWith("Content-Length: ", line);
                    length = int.Parse(line["Content-Length: ".Length..], CultureInfo.InvariantCulture);
                }

                byte[] body = new byte[length];
                int read = 0;
                while (read < length)
                {
                    int n = _fromAdapter.Read(body, read, length - read);
                    if (n <= 0)
                    {
                        return;
                    }

                    read += n;
                }

                JsonElement msg = JsonDocument.Parse(body).RootElement.Clone();
                CheckEnvelope(msg);
                if (msg.GetProperty("type").GetString() == "event" && msg.GetProperty("event").GetString() == "output")
                {
                    lock (_output)
                    {
                        _output.Append(msg.GetProperty("body").GetProperty("output").GetString());
                    }
                }

                _messages.Add(msg);
            }
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            _messages.CompleteAdding();
        }
    }

    private string? ReadLine()
    {
        var sb = new StringBuilder();
        while (true)
        {
            int b = _fromAdapter.ReadByte();
            if (b < 0)
            {
                return null;
            }

            if (b == '\n')
            {
                return sb.ToString().TrimEnd('\r');
            }

            sb.Append((char)b);
        }
    }

    /// <summary>The specification's ProtocolMessage, Response and Event shapes.</summary>
    private static void CheckEnvelope(JsonElement msg)
    {
        Assert.Equal(JsonValueKind.Object, msg.ValueKind);
        Assert.True(msg.GetProperty("seq").GetInt32() > 0);
        string type = msg.GetProperty("type").GetString()!;
        if (type == "response")
        {
            msg.GetProperty("request_seq").GetInt32();
            bool success = msg.GetProperty("success").GetBoolean();
            Assert.False(string.IsNullOrEmpty(msg.GetProperty("command").GetString()));
            if (!success)
            {
                Assert.False(string.IsNullOrEmpty(msg.GetProperty("message").GetString()));
            }
        }
        else
        {
            Assert.Equal("event", type);
            Assert.False(string.IsNullOrEmpty(msg.GetProperty("event").GetString()));
        }
    }

    /// <summary>Sends raw bytes (for malformed-message tests).</summary>
    public void SendRaw(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        _toAdapter.Write(bytes);
        _toAdapter.Flush();
    }

    public int Send(string command, JsonObject? arguments = null)
    {
        int seq = Interlocked.Increment(ref _seq);
        var msg = new JsonObject { ["seq"] = seq, ["type"] = "request", ["command"] = command };
        if (arguments != null)
        {
            msg["arguments"] = arguments;
        }

        SendBody(msg.ToJsonString());
        return seq;
    }

    public void SendBody(string json)
    {
        byte[] body = Encoding.UTF8.GetBytes(json);
        lock (_toAdapter)
        {
            _toAdapter.Write(Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n"));
            _toAdapter.Write(body);
            _toAdapter.Flush();
        }
    }

    /// <summary>Sends a request and returns its response (success or not); events read meanwhile are kept for <see cref="WaitEvent"/>.</summary>
    public JsonElement Request(string command, JsonObject? arguments = null)
    {
        int seq = Send(command, arguments);
        JsonElement r = WaitResponse(seq);
        Assert.Equal(command, r.GetProperty("command").GetString());
        return r;
    }

    /// <summary>A request that must succeed: its body (or an empty object).</summary>
    public JsonElement Ok(string command, JsonObject? arguments = null)
    {
        JsonElement r = Request(command, arguments);
        Assert.True(r.GetProperty("success").GetBoolean(), $"{command} failed: {(r.TryGetProperty("message", out JsonElement m) ? m.GetString() : "")}");
        return r.TryGetProperty("body", out JsonElement body) ? body : JsonDocument.Parse("{}").RootElement;
    }

    /// <summary>A request that must fail: its error message.</summary>
    public string Fails(string command, JsonObject? arguments = null)
    {
        JsonElement r = Request(command, arguments);
        Assert.False(r.GetProperty("success").GetBoolean(), $"{command} succeeded");
        return r.GetProperty("message").GetString()!;
    }

    public JsonElement WaitResponse(int requestSeq)
    {
        while (true)
        {
            JsonElement msg = Next();
            if (msg.GetProperty("type").GetString() == "response" && msg.GetProperty("request_seq").GetInt32() == requestSeq)
            {
                return msg;
            }

            if (msg.GetProperty("type").GetString() == "event")
            {
                lock (_pendingEvents)
                {
                    _pendingEvents.Add(msg);
                }
            }
        }
    }

    /// <summary>The next message that is a response (for malformed input, whose request_seq the test cannot know).</summary>
    public JsonElement NextResponse()
    {
        while (true)
        {
            JsonElement msg = Next();
            if (msg.GetProperty("type").GetString() == "response")
            {
                return msg;
            }

            lock (_pendingEvents)
            {
                _pendingEvents.Add(msg);
            }
        }
    }

    /// <summary>Waits for the event <paramref name="name"/> (one already read counts) and returns its body.</summary>
    public JsonElement WaitEvent(string name)
    {
        lock (_pendingEvents)
        {
            int i = _pendingEvents.FindIndex(e => e.GetProperty("event").GetString() == name);
            if (i >= 0)
            {
                JsonElement e = _pendingEvents[i];
                _pendingEvents.RemoveAt(i);
                return Body(e);
            }
        }

        while (true)
        {
            JsonElement msg = Next();
            if (msg.GetProperty("type").GetString() == "event")
            {
                if (msg.GetProperty("event").GetString() == name)
                {
                    return Body(msg);
                }

                lock (_pendingEvents)
                {
                    _pendingEvents.Add(msg);
                }
            }
        }
    }

    /// <summary>Whether an event <paramref name="name"/> was read and not yet consumed.</summary>
    public bool HasPendingEvent(string name)
    {
        lock (_pendingEvents)
        {
            return _pendingEvents.Exists(e => e.GetProperty("event").GetString() == name);
        }
    }

    /// <summary>Waits until the output so far contains <paramref name="text"/>.</summary>
    public void WaitOutput(string text)
    {
        DateTime end = DateTime.UtcNow + s_wait;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < end, $"no output '{text}' in: {Output}");
            if (_messages.TryTake(out JsonElement msg, 50))
            {
                if (msg.GetProperty("type").GetString() == "event")
                {
                    lock (_pendingEvents)
                    {
                        _pendingEvents.Add(msg);
                    }
                }
            }
        }
    }

    /// <summary>Waits until the adapter has closed its stream: every message it sent has been read.</summary>
    public void WaitEndOfStream() => Assert.True(_reader.Join(s_wait), "the adapter did not close its stream");

    private static JsonElement Body(JsonElement msg) => msg.TryGetProperty("body", out JsonElement b) ? b : JsonDocument.Parse("{}").RootElement;

    private JsonElement Next()
    {
        Assert.True(_messages.TryTake(out JsonElement msg, s_wait), "no message from the adapter in time");
        return msg;
    }

    // ---- conveniences ----

    /// <summary>initialize, then checks the capabilities and the initialized event.</summary>
    public JsonElement Initialize()
    {
        JsonElement caps = Ok("initialize", new JsonObject { ["clientID"] = "tests", ["adapterID"] = "mlua", ["linesStartAt1"] = true, ["columnsStartAt1"] = true, ["pathFormat"] = "path" });
        Assert.True(caps.GetProperty("supportsConfigurationDoneRequest").GetBoolean());
        WaitEvent("initialized");
        return caps;
    }

    public JsonElement SetBreakpoints(string path, params int[] lines)
    {
        var bps = new JsonArray();
        foreach (int l in lines)
        {
            bps.Add(new JsonObject { ["line"] = l });
        }

        return Ok("setBreakpoints", new JsonObject { ["source"] = new JsonObject { ["path"] = path }, ["breakpoints"] = bps })
            .GetProperty("breakpoints");
    }

    /// <summary>Waits for a stopped event; returns (reason, threadId).</summary>
    public (string Reason, int ThreadId, JsonElement Body) WaitStopped()
    {
        JsonElement b = WaitEvent("stopped");
        return (b.GetProperty("reason").GetString()!, b.GetProperty("threadId").GetInt32(), b);
    }

    public JsonElement[] StackTrace(int threadId)
    {
        JsonElement b = Ok("stackTrace", new JsonObject { ["threadId"] = threadId });
        JsonElement[] frames = [.. b.GetProperty("stackFrames").EnumerateArray()];
        Assert.Equal(frames.Length, b.GetProperty("totalFrames").GetInt32());
        foreach (JsonElement f in frames)
        {
            f.GetProperty("id").GetInt32();
            f.GetProperty("name").GetString();
            f.GetProperty("line").GetInt32();
            f.GetProperty("column").GetInt32();
        }

        return frames;
    }

    /// <summary>The variables of the scope <paramref name="scope"/> of frame <paramref name="frameId"/> as name → value.</summary>
    public Dictionary<string, string> Scope(int frameId, string scope)
    {
        JsonElement scopes = Ok("scopes", new JsonObject { ["frameId"] = frameId }).GetProperty("scopes");
        foreach (JsonElement s in scopes.EnumerateArray())
        {
            if (s.GetProperty("name").GetString() == scope)
            {
                return Variables(s.GetProperty("variablesReference").GetInt32());
            }
        }

        return [];
    }

    public int ScopeReference(int frameId, string scope)
    {
        JsonElement scopes = Ok("scopes", new JsonObject { ["frameId"] = frameId }).GetProperty("scopes");
        foreach (JsonElement s in scopes.EnumerateArray())
        {
            if (s.GetProperty("name").GetString() == scope)
            {
                return s.GetProperty("variablesReference").GetInt32();
            }
        }

        throw new InvalidOperationException($"no scope {scope}");
    }

    public Dictionary<string, string> Variables(int reference, JsonObject? extra = null)
    {
        var args = new JsonObject { ["variablesReference"] = reference };
        if (extra != null)
        {
            foreach (var kv in extra)
            {
                args[kv.Key] = kv.Value?.DeepClone();
            }
        }

        var result = new Dictionary<string, string>();
        foreach (JsonElement v in Ok("variables", args).GetProperty("variables").EnumerateArray())
        {
            result[v.GetProperty("name").GetString()!] = v.GetProperty("value").GetString()!;
            v.GetProperty("variablesReference").GetInt32();
        }

        return result;
    }

    public JsonElement[] VariableList(int reference, JsonObject? extra = null)
    {
        var args = new JsonObject { ["variablesReference"] = reference };
        if (extra != null)
        {
            foreach (var kv in extra)
            {
                args[kv.Key] = kv.Value?.DeepClone();
            }
        }

        return [.. Ok("variables", args).GetProperty("variables").EnumerateArray()];
    }

    public string Evaluate(string expression, int? frameId, string context = "watch") => EvaluateBody(expression, frameId, context).GetProperty("result").GetString()!;

    public JsonElement EvaluateBody(string expression, int? frameId, string context = "watch")
    {
        var args = new JsonObject { ["expression"] = expression, ["context"] = context };
        if (frameId != null)
        {
            args["frameId"] = frameId;
        }

        return Ok("evaluate", args);
    }

    public void Continue(int threadId) => Ok("continue", new JsonObject { ["threadId"] = threadId });

    public void Step(string command, int threadId) => Ok(command, new JsonObject { ["threadId"] = threadId });

    public void Dispose()
    {
        _toAdapter.Dispose();
        _fromAdapter.Dispose();
        _reader.Join(TimeSpan.FromSeconds(5));
    }
}
