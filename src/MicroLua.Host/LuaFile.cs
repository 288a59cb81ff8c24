using MicroLua.Library;

namespace MicroLua.Host;

/// <summary>Which stream a file handle stands for.</summary>
internal enum FileKind
{
    Regular,
    StdIn,
    StdOut,
    StdErr,
}

/// <summary>
/// The object behind a FILE* userdata: a stream with C stdio's behaviour where Lua shows it.
/// One byte can be pushed back (read "n" looks one character ahead, as ungetc allows);
/// append mode writes at the end whatever the position; a read on a write-only file fails
/// with EBADF. Standard output and error write through the state's output callback so
/// io.write and print stay in order.
/// </summary>
internal sealed class LuaFile
{
    private readonly Stream? _stream;
    private readonly LuaRuntime? _rt;
    private readonly bool _append;
    private int _pushback = -1;
    private bool _unbuffered;

    private LuaFile(FileKind kind, Stream? stream, LuaRuntime? rt, bool canRead, bool canWrite, bool append)
    {
        Kind = kind;
        _stream = stream;
        _rt = rt;
        CanRead = canRead;
        CanWrite = canWrite;
        _append = append;
    }

    public FileKind Kind { get; }

    public bool CanRead { get; }

    public bool CanWrite { get; }

    public bool IsClosed { get; private set; }

    public bool IsStandard => Kind != FileKind.Regular;

    public static LuaFile Standard(FileKind kind, LuaRuntime rt) => kind switch
    {
        FileKind.StdIn => new LuaFile(kind, new BufferedStream(HostState.Of(rt).Options.OpenStandardInput?.Invoke() ?? Console.OpenStandardInput(), 4096), rt, canRead: true, canWrite: false, append: false),
        _ => new LuaFile(kind, null, rt, canRead: false, canWrite: true, append: false),
    };

    /// <summary>Opens <paramref name="path"/> with a C mode ("r", "w+", "ab"...; already checked).</summary>
    public static LuaFile Open(string path, string mode)
    {
        bool plus = mode.Contains('+', StringComparison.Ordinal);
        FileMode fm;
        bool read = plus, write = plus, append = false;
        switch (mode[0])
        {
            case 'r':
                fm = FileMode.Open;
                read = true;
                break;
            case 'w':
                fm = FileMode.Create;
                write = true;
                break;
            default:
                fm = FileMode.OpenOrCreate;
                write = true;
                append = true;
                break;
        }

        if (path.Length == 0)
        {
            throw new ErrnoException(Errno.ENOENT);
        }

        if (write && Directory.Exists(path))
        {
            throw new ErrnoException(Errno.EISDIR);
        }

        FileAccess access = read && write ? FileAccess.ReadWrite : read ? FileAccess.Read : FileAccess.Write;
        var fs = new FileStream(path, fm, access, FileShare.ReadWrite | FileShare.Delete, 4096);
        if (append && !read)
        {
            fs.Seek(0, SeekOrigin.End);
        }

        return new LuaFile(FileKind.Regular, fs, null, read, write, append);
    }

    /// <summary>A temporary file opened "w+", removed when closed.</summary>
    public static LuaFile Temporary()
    {
        string path = Path.Combine(Path.GetTempPath(), "lua_" + Path.GetRandomFileName());
        var fs = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.DeleteOnClose);
        return new LuaFile(FileKind.Regular, fs, null, canRead: true, canWrite: true, append: false);
    }

    // ---- reading ----

    /// <summary>The next byte, or -1 at end of file.</summary>
    public int ReadByte()
    {
        CheckReadable();
        if (_pushback >= 0)
        {
            int b = _pushback;
            _pushback = -1;
            return b;
        }

        return _stream!.ReadByte();
    }

    /// <summary>Gives back the byte just read (one at most), as ungetc.</summary>
    public void Unread(int b)
    {
        if (b >= 0)
        {
            _pushback = b;
        }
    }

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes; fewer only at end of file.</summary>
    public int Read(Span<byte> buffer)
    {
        CheckReadable();
        int n = 0;
        if (_pushback >= 0 && buffer.Length > 0)
        {
            buffer[n++] = (byte)_pushback;
            _pushback = -1;
        }

        while (n < buffer.Length)
        {
            int r = _stream!.Read(buffer[n..]);
            if (r == 0)
            {
                break;
            }

            n += r;
        }

        return n;
    }

    private void CheckReadable()
    {
        if (!CanRead || _stream == null)
        {
            throw new ErrnoException(Errno.EBADF);
        }
    }

    // ---- writing ----

    public void Write(ReadOnlySpan<byte> bytes)
    {
        switch (Kind)
        {
            case FileKind.StdOut:
                _rt!.Write(bytes);
                return;
            case FileKind.StdErr:
                WriteError(bytes);
                return;
        }

        if (!CanWrite || _stream == null)
        {
            throw new ErrnoException(Errno.EBADF);
        }

        DropPushback();
        if (_append)
        {
            _stream.Seek(0, SeekOrigin.End);
        }

        _stream.Write(bytes);
        if (_unbuffered)
        {
            _stream.Flush();
        }
    }

    private void WriteError(ReadOnlySpan<byte> bytes)
    {
        if (_rt!.Output != null)
        {
            _rt.Output(bytes, LuaOutputKind.Warning);
        }
        else
        {
            using Stream err = Console.OpenStandardError();
            err.Write(bytes);
        }
    }

    /// <summary>A pushed-back byte is given back to the stream before it moves or writes.</summary>
    private void DropPushback()
    {
        if (_pushback >= 0)
        {
            _pushback = -1;
            if (_stream!.CanSeek)
            {
                _stream.Seek(-1, SeekOrigin.Current);
            }
        }
    }

    // ---- position, buffering ----

    public long Seek(long offset, SeekOrigin origin)
    {
        if (_stream == null || !_stream.CanSeek)
        {
            throw new ErrnoException(Errno.ESPIPE);
        }

        DropPushback();
        long start = origin switch
        {
            SeekOrigin.Begin => 0,
            SeekOrigin.Current => _stream.Position,
            _ => _stream.Length,
        };
        if (start + offset < 0)
        {
            throw new ErrnoException(Errno.EINVAL);
        }

        return _stream.Seek(start + offset, SeekOrigin.Begin);
    }

    public void SetBuffering(bool unbuffered)
    {
        _unbuffered = unbuffered;
        if (unbuffered)
        {
            Flush();
        }
    }

    public void Flush()
    {
        if (Kind == FileKind.Regular && CanWrite)
        {
            _stream!.Flush();
        }
    }

    public void TryFlush()
    {
        try
        {
            if (!IsClosed)
            {
                Flush();
            }
        }
        catch (IOException)
        {
        }
    }

    public void Close()
    {
        IsClosed = true;
        _stream?.Dispose();
    }
}
