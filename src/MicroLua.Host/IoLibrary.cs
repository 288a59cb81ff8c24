using System.Text;
using MicroLua.Core;
using MicroLua.Library;
using MicroLua.Memory;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua.Host;

/// <summary>
/// The io library. A file handle is a full userdata whose metatable is registry["FILE*"];
/// its host handle is a <see cref="LuaFile"/>. The default input and output files live in
/// the registry (keys "_IO_input" and "_IO_output") so the collector sees them.
/// Failures of the operating system come back as Lua's triple: nil, message, errno.
/// </summary>
internal static unsafe class IoLibrary
{
    private const string InputKey = "_IO_input";
    private const string OutputKey = "_IO_output";
    private const int MaxNumeralLength = 200;

    public static void Open(LuaRuntime rt, LuaHostOptions options)
    {
        HostState.Of(rt).Options = options;
        LuaRuntime.DefineLazyLibrary(LuaRuntime.LazyLibrary.Io, 14, Fill);
        rt.NewLazyLibraryTable("io", LuaRuntime.LazyLibrary.Io);
    }

    /// <summary>
    /// Fills the io table on first use (LuaRuntime.NewLazyLibraryTable), with what only io's
    /// functions reach: the FILE* metatable and methods, the standard files and the default
    /// input and output in the registry.
    /// </summary>
    private static void Fill(LuaRuntime rt, uint io)
    {
        HostState hs = HostState.Of(rt);
        LuaGlobal g = rt.G;

        uint mt = LuaTable.New(g, 0, 8);
        rt.SetField(g.Registry.R, "FILE*", Value.Object(Tag.Table, mt));
        hs.FileMetatable = mt;
        hs.FollowCompaction(g);
        rt.SetField(mt, "__name", g.NewString("FILE*"));
        uint methods = LuaTable.New(g, 0, 8);
        rt.SetField(mt, "__index", Value.Object(Tag.Table, methods));
        rt.Register(mt, "__gc", Collect, "?");
        rt.Register(mt, "__close", Collect, "?");
        rt.Register(mt, "__tostring", ToStringMeta, "?");
        rt.Register(methods, "close", FileClose, "?");
        rt.Register(methods, "flush", FileFlush, "?");
        rt.Register(methods, "lines", FileLines, "?");
        rt.Register(methods, "read", FileRead, "?");
        rt.Register(methods, "seek", FileSeek, "?");
        rt.Register(methods, "setvbuf", FileSetVBuf, "?");
        rt.Register(methods, "write", FileWrite, "?");

        rt.Register(io, "close", IoClose, "io.close");
        rt.Register(io, "flush", IoFlush, "io.flush");
        rt.Register(io, "input", IoInput, "io.input");
        rt.Register(io, "lines", IoLines, "io.lines");
        rt.Register(io, "open", IoOpen, "io.open");
        rt.Register(io, "output", IoOutput, "io.output");
        rt.Register(io, "popen", IoPopen, "io.popen");
        rt.Register(io, "read", IoRead, "io.read");
        rt.Register(io, "tmpfile", IoTmpFile, "io.tmpfile");
        rt.Register(io, "type", IoType, "io.type");
        rt.Register(io, "write", IoWrite, "io.write");

        Value stdin = NewFile(rt, LuaFile.Standard(FileKind.StdIn, rt));
        rt.SetField(io, "stdin", stdin);
        rt.SetField(g.Registry.R, InputKey, stdin);
        Value stdout = NewFile(rt, LuaFile.Standard(FileKind.StdOut, rt));
        rt.SetField(io, "stdout", stdout);
        rt.SetField(g.Registry.R, OutputKey, stdout);
        Value stderr = NewFile(rt, LuaFile.Standard(FileKind.StdErr, rt));
        rt.SetField(io, "stderr", stderr);
    }

    // ---- userdata ----

    /// <summary>
    /// A new FILE* userdata for <paramref name="file"/>. The result is held only by the caller:
    /// anchor it (push it) before the next allocation.
    /// </summary>
    public static Value NewFile(LuaRuntime rt, LuaFile file)
    {
        LuaGlobal g = rt.G;
        HostState hs = HostState.Of(rt);
        uint r = g.Allocate((nuint)(sizeof(UserdataObj) - sizeof(ObjHeader)), ObjType.Userdata);
        var u = (UserdataObj*)g.Heap.Ptr(r);
        u->H.Extra = 0;
        u->Metatable = hs.FileMetatable;
        u->Size = 0;
        u->Padding = 0;
        u->Handle = g.Handles.Add(file);
        hs.OpenFiles.Add(file);
        Value v = Value.Object(Tag.Userdata, r);
        g.CheckFinalizer(r, hs.FileMetatable); // so that a file dropped unclosed is closed (and flushed) by its __gc
        return v;
    }

    /// <summary>The file a value stands for, or null when it is not a FILE* userdata.</summary>
    private static LuaFile? AsFile(ref CallContext c, in Value v)
    {
        if (v.Tag != Tag.Userdata)
        {
            return null;
        }

        LuaGlobal g = c.G;
        var u = (UserdataObj*)g.Heap.Ptr(v.R);
        if (u->Metatable == 0 || u->Metatable != HostState.Of(LuaRuntime.Of(c.Vm)).FileMetatable || !g.Handles.IsLive(u->Handle))
        {
            return null;
        }

        return g.Handles.Get(u->Handle) as LuaFile;
    }

    private static LuaFile CheckFileArg(ref CallContext c, int i)
    {
        LuaFile? f = AsFile(ref c, c.Arg(i));
        return f ?? throw c.TypeError(i, "FILE*");
    }

    /// <summary>An open file argument; a closed one raises "attempt to use a closed file".</summary>
    private static LuaFile ToFile(ref CallContext c, int i)
    {
        LuaFile f = CheckFileArg(ref c, i);
        if (f.IsClosed)
        {
            LuaErrors.ThrowClosedFile();
        }

        return f;
    }

    private static Value RegistryGet(LuaGlobal g, string key) => LuaTable.Get(g, g.Registry.R, g.NewString(key));

    /// <summary>The default input or output file; raises when it was closed.</summary>
    private static Value DefaultFile(ref CallContext c, string key, out LuaFile file)
    {
        Value v = RegistryGet(c.G, key);
        LuaFile? f = AsFile(ref c, v);
        if (f == null || f.IsClosed)
        {
            throw new LuaError($"default {(key == InputKey ? "input" : "output")} file is closed");
        }

        file = f;
        return v;
    }

    // ---- results ----

    /// <summary>nil, "[path: ]message", errno.</summary>
    internal static int FileFail(ref CallContext c, Exception e, string? path = null)
    {
        int errno = Errno.From(e, path);
        string msg = Errno.Message(errno);
        c.Push(default);
        c.Push(c.G.NewString(path != null ? $"{path}: {msg}" : msg));
        c.Push(Value.Integer(errno));
        return 3;
    }

    private static bool IsOsError(Exception e) => e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException;

    private static string PathArg(ref CallContext c, int i) => Encoding.UTF8.GetString(c.CheckString(i));

    // ---- io functions ----

    private static int IoOpen(ref CallContext c)
    {
        string path = PathArg(ref c, 1);
        string mode = c.IsNoneOrNil(2) ? "r" : Encoding.UTF8.GetString(c.CheckString(2));
        if (!IsValidMode(mode))
        {
            throw c.ArgError(2, "invalid mode");
        }

        LuaFile f;
        try
        {
            f = LuaFile.Open(path, mode);
        }
        catch (Exception e) when (IsOsError(e))
        {
            return FileFail(ref c, e, path);
        }

        return c.Return(NewFile(LuaRuntime.Of(c.Vm), f));
    }

    /// <summary>A C fopen mode: r, w or a, an optional '+', then only 'b's.</summary>
    internal static bool IsValidMode(string mode)
    {
        if (mode.Length == 0 || (mode[0] != 'r' && mode[0] != 'w' && mode[0] != 'a'))
        {
            return false;
        }

        int i = 1;
        if (i < mode.Length && mode[i] == '+')
        {
            i++;
        }

        for (; i < mode.Length; i++)
        {
            if (mode[i] != 'b')
            {
                return false;
            }
        }

        return true;
    }

    private static int IoClose(ref CallContext c)
    {
        if (c.IsNoneOrNil(1))
        {
            Value v = RegistryGet(c.G, OutputKey);
            LuaFile? d = AsFile(ref c, v);
            if (d == null || d.IsClosed)
            {
                LuaErrors.ThrowClosedFile();
            }

            return Close(ref c, d);
        }

        return FileClose(ref c);
    }

    private static int FileClose(ref CallContext c) => Close(ref c, ToFile(ref c, 1));

    private static int Close(ref CallContext c, LuaFile f)
    {
        if (f.IsStandard)
        {
            return c.Fail("cannot close standard file");
        }

        try
        {
            f.Close();
        }
        catch (Exception e) when (IsOsError(e))
        {
            return FileFail(ref c, e);
        }
        finally
        {
            HostState.Of(LuaRuntime.Of(c.Vm)).OpenFiles.Remove(f);
        }

        return c.Return(true);
    }

    private static int Collect(ref CallContext c)
    {
        LuaFile f = CheckFileArg(ref c, 1);
        if (!f.IsClosed && !f.IsStandard)
        {
            try
            {
                f.Close();
            }
            catch (Exception e) when (IsOsError(e))
            {
                // a finalizer has no one to report to
            }

            HostState.Of(LuaRuntime.Of(c.Vm)).OpenFiles.Remove(f);
        }

        return 0;
    }

    private static int ToStringMeta(ref CallContext c)
    {
        LuaFile f = CheckFileArg(ref c, 1);
        if (f.IsClosed)
        {
            return c.Return("file (closed)");
        }

        ulong address = (ulong)c.G.Heap.Ptr(c.Arg(1).R);
        return c.Return($"file (0x{address:x14})");
    }

    private static int IoFlush(ref CallContext c)
    {
        DefaultFile(ref c, OutputKey, out LuaFile f);
        return Flush(ref c, f);
    }

    private static int FileFlush(ref CallContext c) => Flush(ref c, ToFile(ref c, 1));

    private static int Flush(ref CallContext c, LuaFile f)
    {
        try
        {
            f.Flush();
            if (f.Kind == FileKind.StdOut)
            {
                HostState.Of(LuaRuntime.Of(c.Vm)).Options.FlushStandardOutput?.Invoke();
            }
        }
        catch (Exception e) when (IsOsError(e))
        {
            return FileFail(ref c, e);
        }

        return c.Return(true);
    }

    private static int IoInput(ref CallContext c) => SetDefault(ref c, InputKey, "r");

    private static int IoOutput(ref CallContext c) => SetDefault(ref c, OutputKey, "w");

    private static int SetDefault(ref CallContext c, string key, string mode)
    {
        if (!c.IsNoneOrNil(1))
        {
            Value v;
            if (c.Arg(1).IsString)
            {
                string path = PathArg(ref c, 1);
                LuaFile f = OpenOrRaise(path, mode);
                v = NewFile(LuaRuntime.Of(c.Vm), f);
                c.Push(v);
            }
            else
            {
                ToFile(ref c, 1);
                v = c.Arg(1);
            }

            LuaRuntime.Of(c.Vm).SetField(c.G.Registry.R, key, v);
        }

        return c.Return(RegistryGet(c.G, key));
    }

    private static LuaFile OpenOrRaise(string path, string mode)
    {
        try
        {
            return LuaFile.Open(path, mode);
        }
        catch (Exception e) when (IsOsError(e))
        {
            throw new LuaError($"cannot open file '{path}' ({Errno.Message(Errno.From(e, path))})");
        }
    }

    private static int IoPopen(ref CallContext c) => throw new LuaError("'popen' not supported");

    private static int IoTmpFile(ref CallContext c)
    {
        LuaFile f;
        try
        {
            f = LuaFile.Temporary();
        }
        catch (Exception e) when (IsOsError(e))
        {
            return FileFail(ref c, e);
        }

        return c.Return(NewFile(LuaRuntime.Of(c.Vm), f));
    }

    private static int IoType(ref CallContext c)
    {
        c.CheckAny(1);
        LuaFile? f = AsFile(ref c, c.Arg(1));
        if (f == null)
        {
            return c.Return(default(Value));
        }

        return c.Return(f.IsClosed ? "closed file" : "file");
    }

    // ---- lines ----

    private static int IoLines(ref CallContext c)
    {
        if (c.IsNoneOrNil(1))
        {
            Value input = RegistryGet(c.G, InputKey);
            LuaFile? d = AsFile(ref c, input);
            if (d == null || d.IsClosed)
            {
                LuaErrors.ThrowClosedFile();
            }

            return Lines(ref c, input, toClose: false);
        }

        string path = PathArg(ref c, 1);
        LuaFile f = OpenOrRaise(path, "r");
        c.SetArg(1, NewFile(LuaRuntime.Of(c.Vm), f));
        Lines(ref c, c.Arg(1), toClose: true);
        c.Push(default);
        c.Push(default);
        c.Push(c.Arg(1));
        return 4;
    }

    private static int FileLines(ref CallContext c)
    {
        ToFile(ref c, 1);
        return Lines(ref c, c.Arg(1), toClose: false);
    }

    /// <summary>The iterator closure: upvalues are the file, whether to close it at the end, and the formats.</summary>
    private static int Lines(ref CallContext c, Value file, bool toClose)
    {
        int nformats = Math.Max(0, c.ArgCount - 1);
        if (nformats > 250)
        {
            throw c.ArgError(252, "too many arguments");
        }

        var upvalues = new Value[2 + nformats];
        upvalues[0] = file;
        upvalues[1] = Value.Boolean(toClose);
        for (int i = 0; i < nformats; i++)
        {
            upvalues[2 + i] = c.Arg(2 + i);
        }

        return c.Return(LuaRuntime.Of(c.Vm).NewRepeatedHostClosure("?", LinesIterator, upvalues));
    }

    private static int LinesIterator(ref CallContext c)
    {
        Value* self = c.Vm.StackOf(c.Coroutine) + c.Base - 1;
        var closure = (HostClosureObj*)c.G.Heap.Ptr(self->R);
        int n = closure->H.Extra;
        Value* upv = HostClosureObj.Upvals(closure);
        Value fileValue = upv[0];
        bool toClose = !upv[1].IsFalsy;
        var formats = new Value[n - 2];
        for (int i = 0; i < formats.Length; i++)
        {
            formats[i] = upv[2 + i];
        }

        LuaFile f = AsFile(ref c, fileValue)!;
        if (f.IsClosed)
        {
            throw new LuaError("file is already closed");
        }

        int first = c.Top;
        int results = Read(ref c, f, formats, 2);
        Value r1 = c.StackAt(first);
        if (!r1.IsNil)
        {
            return results;
        }

        if (results > 1)
        {
            Value msg = c.StackAt(first + 1);
            throw new LuaError(msg, msg.IsString ? c.G.ToDotNetString(msg) : "?");
        }

        if (toClose)
        {
            f.Close();
            HostState.Of(LuaRuntime.Of(c.Vm)).OpenFiles.Remove(f);
        }

        return 0;
    }

    // ---- read ----

    private static int IoRead(ref CallContext c)
    {
        DefaultFile(ref c, InputKey, out LuaFile f);
        return Read(ref c, f, ArgsFrom(ref c, 1), 1);
    }

    private static int FileRead(ref CallContext c) => Read(ref c, ToFile(ref c, 1), ArgsFrom(ref c, 2), 2);

    private static Value[] ArgsFrom(ref CallContext c, int first)
    {
        var a = new Value[Math.Max(0, c.ArgCount - first + 1)];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = c.Arg(first + i);
        }

        return a;
    }

    /// <summary>Reads by <paramref name="formats"/> (argument numbers from <paramref name="firstArg"/>); pushes the results.</summary>
    private static int Read(ref CallContext c, LuaFile f, Value[] formats, int firstArg)
    {
        if (formats.Length == 0)
        {
            formats = [c.G.NewString("l")];
        }

        int pushed = 0;
        try
        {
            for (int k = 0; k < formats.Length; k++)
            {
                Value fmt = formats[k];
                bool ok;
                if (fmt.IsNumber)
                {
                    if (!LuaConvert.ToInteger(c.G, fmt, out long count))
                    {
                        throw c.ArgError(firstArg + k, LuaErrors.NoIntegerRepresentation);
                    }

                    ok = ReadCount(ref c, f, count);
                }
                else
                {
                    if (!fmt.IsString)
                    {
                        throw c.ArgError(firstArg + k, $"string expected, got {c.Vm.TypeName(fmt)}");
                    }

                    ReadOnlySpan<byte> s = c.G.StringSpan(fmt);
                    if (s.Length > 0 && s[0] == (byte)'*')
                    {
                        s = s[1..]; // Lua 5.3 spelling, still accepted
                    }

                    switch (s.Length > 0 ? s[0] : 0)
                    {
                        case (byte)'n':
                            ok = ReadNumber(ref c, f);
                            break;
                        case (byte)'l':
                            ok = ReadLine(ref c, f, keepNewline: false);
                            break;
                        case (byte)'L':
                            ok = ReadLine(ref c, f, keepNewline: true);
                            break;
                        case (byte)'a':
                            ReadAll(ref c, f);
                            ok = true;
                            break;
                        default:
                            throw c.ArgError(firstArg + k, "invalid format");
                    }
                }

                pushed++;
                if (!ok)
                {
                    c.Top--;
                    c.Push(default); // fail
                    break;
                }
            }
        }
        catch (Exception e) when (IsOsError(e))
        {
            return FileFail(ref c, e);
        }

        return pushed;
    }

    private static bool ReadCount(ref CallContext c, LuaFile f, long count)
    {
        if (count <= 0)
        {
            int b = f.ReadByte();
            f.Unread(b);
            c.Push(c.G.NewString(""u8));
            return b >= 0;
        }

        var buf = new byte[(int)Math.Min(count, 1 << 16)];
        using var ms = new MemoryStream();
        long left = count;
        while (left > 0)
        {
            int n = f.Read(buf.AsSpan(0, (int)Math.Min(left, buf.Length)));
            if (n == 0)
            {
                break;
            }

            ms.Write(buf, 0, n);
            left -= n;
        }

        c.Push(c.G.NewString(ms.GetBuffer().AsSpan(0, (int)ms.Length)));
        return ms.Length > 0;
    }

    private static bool ReadLine(ref CallContext c, LuaFile f, bool keepNewline)
    {
        var line = new List<byte>(80);
        int b;
        while ((b = f.ReadByte()) >= 0 && b != '\n')
        {
            line.Add((byte)b);
        }

        if (b == '\n' && keepNewline)
        {
            line.Add((byte)'\n');
        }

        c.Push(c.G.NewString(LuaRuntime.AsSpan(line)));
        return b == '\n' || line.Count > 0;
    }

    private static void ReadAll(ref CallContext c, LuaFile f)
    {
        var buf = new byte[4096];
        using var ms = new MemoryStream();
        int n;
        while ((n = f.Read(buf)) > 0)
        {
            ms.Write(buf, 0, n);
        }

        c.Push(c.G.NewString(ms.GetBuffer().AsSpan(0, (int)ms.Length)));
    }

    /// <summary>
    /// Reads the longest prefix that can start a numeral (at most 200 bytes), looking one byte
    /// ahead and giving that byte back, then converts it as tonumber does.
    /// </summary>
    private static bool ReadNumber(ref CallContext c, LuaFile f)
    {
        var r = new NumeralReader(f);
        r.Current = f.ReadByte();
        while (r.Current is ' ' or '\t' or '\n' or '\r' or '\f' or '\v')
        {
            r.Current = f.ReadByte();
        }

        r.Accept("-+");
        bool hex = false;
        int count = 0;
        if (r.Accept("0"))
        {
            if (r.Accept("xX"))
            {
                hex = true;
            }
            else
            {
                count = 1;
            }
        }

        count += r.Digits(hex);
        if (r.Accept("."))
        {
            count += r.Digits(hex);
        }

        if (count > 0 && r.Accept(hex ? "pP" : "eE"))
        {
            r.Accept("-+");
            r.Digits(hex: false);
        }

        f.Unread(r.Current);
        if (!r.Overflow && LuaConvert.TryParseNumber(LuaRuntime.AsSpan(r.Text), out Value v))
        {
            c.Push(v);
            return true;
        }

        c.Push(default);
        return false;
    }

    private sealed class NumeralReader(LuaFile file)
    {
        public readonly List<byte> Text = new(32);
        public int Current;
        public bool Overflow;

        public bool Accept(string set)
        {
            if (Current < 0 || set.IndexOf((char)Current, StringComparison.Ordinal) < 0)
            {
                return false;
            }

            return Next();
        }

        private bool Next()
        {
            if (Text.Count >= MaxNumeralLength)
            {
                Overflow = true;
                return false;
            }

            Text.Add((byte)Current);
            Current = file.ReadByte();
            return true;
        }

        public int Digits(bool hex)
        {
            int n = 0;
            while (Current >= 0 && (hex ? char.IsAsciiHexDigit((char)Current) : char.IsAsciiDigit((char)Current)) && Next())
            {
                n++;
            }

            return n;
        }
    }

    // ---- write ----

    private static int IoWrite(ref CallContext c)
    {
        Value fv = DefaultFile(ref c, OutputKey, out LuaFile f);
        return Write(ref c, f, fv, 1);
    }

    private static int FileWrite(ref CallContext c)
    {
        LuaFile f = ToFile(ref c, 1);
        return Write(ref c, f, c.Arg(1), 2);
    }

    private static int Write(ref CallContext c, LuaFile f, Value fileValue, int first)
    {
        Span<byte> num = stackalloc byte[64];
        try
        {
            for (int i = first; i <= c.ArgCount; i++)
            {
                Value v = c.Arg(i);
                if (v.IsNumber)
                {
                    int n = NumberText.Format(v, num);
                    f.Write(num[..n]);
                }
                else if (v.IsString)
                {
                    f.Write(c.G.StringSpan(v));
                }
                else
                {
                    throw c.TypeError(i, "string");
                }
            }
        }
        catch (Exception e) when (IsOsError(e))
        {
            return FileFail(ref c, e);
        }

        return c.Return(fileValue);
    }

    // ---- seek, setvbuf ----

    private static int FileSeek(ref CallContext c)
    {
        LuaFile f = ToFile(ref c, 1);
        string whence = c.IsNoneOrNil(2) ? "cur" : Encoding.UTF8.GetString(c.CheckString(2));
        SeekOrigin origin = whence switch
        {
            "set" => SeekOrigin.Begin,
            "cur" => SeekOrigin.Current,
            "end" => SeekOrigin.End,
            _ => throw c.ArgError(2, $"invalid option '{whence}'"),
        };
        long offset = c.OptInteger(3, 0);
        try
        {
            return c.Return(f.Seek(offset, origin));
        }
        catch (Exception e) when (IsOsError(e))
        {
            return FileFail(ref c, e);
        }
    }

    private static int FileSetVBuf(ref CallContext c)
    {
        LuaFile f = ToFile(ref c, 1);
        string mode = Encoding.UTF8.GetString(c.CheckString(2));
        if (mode is not ("no" or "full" or "line"))
        {
            throw c.ArgError(2, $"invalid option '{mode}'");
        }

        c.OptInteger(3, 0);
        try
        {
            f.SetBuffering(unbuffered: mode == "no");
        }
        catch (Exception e) when (IsOsError(e))
        {
            return FileFail(ref c, e);
        }

        return c.Return(true);
    }
}
