using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MicroLua.Debugging;

/// <summary>
/// One client's DAP connection: messages framed as "Content-Length: N\r\n\r\n" and N bytes of
/// UTF-8 JSON, read on one thread and written from any (writes are serialised by a lock).
/// </summary>
internal sealed class DapConnection : IDisposable
{
    /// <summary>No single message is allowed past this size (a bad header must not make the adapter allocate without bound).</summary>
    private const int MaxMessageLength = 16 << 20;

    private readonly Stream _input;
    private readonly Stream _output;
    private readonly object _writeLock = new();
    private int _seq;
    private bool _closed;

    public DapConnection(Stream input, Stream output)
    {
        _input = input;
        _output = output;
    }

    /// <summary>What <see cref="Read"/> found: a request, a message that is not one (with why), or the end of the stream.</summary>
    public enum ReadKind
    {
        Request,
        Malformed,
        End,
    }

    /// <summary>Reads the next message. A malformed one is reported with the seq it carried (0 if none) so that an error response can answer it.</summary>
    public ReadKind Read(out DapRequest? request, out string? problem, out int seq)
    {
        request = null;
        problem = null;
        seq = 0;
        int length = -1;
        bool sawHeader = false;
        while (true)
        {
            string? line = ReadHeaderLine();
            if (line == null)
            {
                return ReadKind.End;
            }

            if (line.Length == 0)
            {
                if (sawHeader)
                {
                    break;
                }

                continue; // blank lines between messages
            }

            sawHeader = true;
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(line[(colon + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > MaxMessageLength)
                {
                    length = -2;
                }
            }
        }

        if (length < 0)
        {
            problem = length == -2 ? "bad Content-Length header" : "message without a Content-Length header";
            return ReadKind.Malformed;
        }

        byte[] body = new byte[length];
        int read = 0;
        while (read < length)
        {
            int n = _input.Read(body, read, length - read);
            if (n <= 0)
            {
                return ReadKind.End;
            }

            read += n;
        }

        return Parse(body, out request, out problem, out seq);
    }

    private static ReadKind Parse(byte[] body, out DapRequest? request, out string? problem, out int seq)
    {
        request = null;
        problem = null;
        seq = 0;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            problem = "malformed JSON: " + e.Message;
            return ReadKind.Malformed;
        }

        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "a message is a JSON object";
                return ReadKind.Malformed;
            }

            if (root.TryGetProperty("seq", out JsonElement s) && s.ValueKind == JsonValueKind.Number)
            {
                s.TryGetInt32(out seq);
            }

            if (!root.TryGetProperty("type", out JsonElement type) || type.ValueKind != JsonValueKind.String)
            {
                problem = "a message needs a \"type\"";
                return ReadKind.Malformed;
            }

            if (type.GetString() != "request")
            {
                problem = $"the adapter accepts requests only, not a \"{type.GetString()}\"";
                return ReadKind.Malformed;
            }

            if (!root.TryGetProperty("command", out JsonElement command) || command.ValueKind != JsonValueKind.String || command.GetString()!.Length == 0)
            {
                problem = "a request needs a \"command\"";
                return ReadKind.Malformed;
            }

            JsonElement args = root.TryGetProperty("arguments", out JsonElement a) ? a.Clone() : default;
            request = new DapRequest(seq, command.GetString()!, args);
            return ReadKind.Request;
        }
    }

    /// <summary>A header line (ASCII, ended by CRLF or LF), or null at the end of the stream.</summary>
    private string? ReadHeaderLine()
    {
        var sb = new StringBuilder();
        while (true)
        {
            int b = _input.ReadByte();
            if (b < 0)
            {
                return null;
            }

            if (b == '\n')
            {
                return sb.ToString().TrimEnd('\r');
            }

            if (sb.Length < 1024)
            {
                sb.Append((char)b);
            }
        }
    }

    // ---- writing ----

    public void SendResponse<T>(DapRequest request, T body, JsonTypeInfo<T> info) =>
        Send(w =>
        {
            WriteResponseHead(w, request.Seq, request.Command, true, null);
            w.WritePropertyName("body");
            JsonSerializer.Serialize(w, body, info);
        });

    public void SendSuccess(DapRequest request) => Send(w => WriteResponseHead(w, request.Seq, request.Command, true, null));

    public void SendError(int requestSeq, string command, string message) =>
        Send(w =>
        {
            WriteResponseHead(w, requestSeq, command, false, message);
            w.WritePropertyName("body");
            w.WriteStartObject();
            w.WritePropertyName("error");
            w.WriteStartObject();
            w.WriteNumber("id", 1);
            w.WriteString("format", message.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));
            w.WriteBoolean("showUser", false);
            w.WriteEndObject();
            w.WriteEndObject();
        });

    public void SendEvent<T>(string name, T body, JsonTypeInfo<T> info) =>
        Send(w =>
        {
            w.WriteString("type", "event");
            w.WriteString("event", name);
            w.WritePropertyName("body");
            JsonSerializer.Serialize(w, body, info);
        });

    public void SendEvent(string name) =>
        Send(w =>
        {
            w.WriteString("type", "event");
            w.WriteString("event", name);
        });

    private static void WriteResponseHead(Utf8JsonWriter w, int requestSeq, string command, bool success, string? message)
    {
        w.WriteString("type", "response");
        w.WriteNumber("request_seq", requestSeq);
        w.WriteBoolean("success", success);
        w.WriteString("command", command);
        if (message != null)
        {
            w.WriteString("message", message);
        }
    }

    private void Send(Action<Utf8JsonWriter> write)
    {
        lock (_writeLock)
        {
            if (_closed)
            {
                return;
            }

            var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteNumber("seq", ++_seq);
                write(w);
                w.WriteEndObject();
            }

            byte[] head = Encoding.ASCII.GetBytes($"Content-Length: {buffer.Length}\r\n\r\n");
            try
            {
                _output.Write(head);
                _output.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
                _output.Flush();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                _closed = true; // the client went away; the reader sees the end of its stream
            }
        }
    }

    public void Dispose()
    {
        lock (_writeLock)
        {
            _closed = true;
        }

        _input.Dispose();
        _output.Dispose();
    }
}
