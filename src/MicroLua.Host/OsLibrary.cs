using System.Text;
using MicroLua.Core;
using MicroLua.Library;
using MicroLua.Values;
using MicroLua.Vm;

namespace MicroLua.Host;

/// <summary>The os library: time and dates, the process clock, environment, files, exit.</summary>
internal static unsafe class OsLibrary
{
    public static void Open(LuaRuntime rt, LuaHostOptions options)
    {
        HostState.Of(rt).Options = options;
        LuaRuntime.DefineLazyLibrary(LuaRuntime.LazyLibrary.Os, 10, Fill);
        rt.NewLazyLibraryTable("os", LuaRuntime.LazyLibrary.Os);
    }

    /// <summary>Fills the os table on first use (LuaRuntime.NewLazyLibraryTable).</summary>
    private static void Fill(LuaRuntime rt, uint os)
    {
        rt.Register(os, "clock", Clock, "os.clock");
        rt.Register(os, "date", Date, "os.date");
        rt.Register(os, "difftime", DiffTime, "os.difftime");
        rt.Register(os, "exit", Exit, "os.exit");
        rt.Register(os, "getenv", GetEnv, "os.getenv");
        rt.Register(os, "remove", Remove, "os.remove");
        rt.Register(os, "rename", Rename, "os.rename");
        rt.Register(os, "setlocale", SetLocale, "os.setlocale");
        rt.Register(os, "time", Time, "os.time");
        rt.Register(os, "tmpname", TmpName, "os.tmpname");
    }

    private static int Clock(ref CallContext c) => c.Return(ProcessClock.Seconds());

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    // ---- date ----

    private static int Date(ref CallContext c)
    {
        ReadOnlySpan<byte> fmt = c.IsNoneOrNil(1) ? "%c"u8 : c.CheckString(1);
        long t = c.IsNoneOrNil(2) ? Now() : c.CheckInteger(2);
        bool utc = fmt.Length > 0 && fmt[0] == '!';
        if (utc)
        {
            fmt = fmt[1..];
        }

        CalendarTime tm = utc ? CalendarTime.Utc(t) : CalendarTime.Local(t);
        if (tm.Year - 1900 is > int.MaxValue or < int.MinValue)
        {
            throw new LuaError("date result cannot be represented in this installation");
        }

        if (fmt.StartsWith("*t"u8))
        {
            uint table = LuaTable.New(c.G, 0, 9);
            c.Push(Value.Object(Tag.Table, table));
            SetAllFields(ref c, table, tm);
            return 1;
        }

        c.ChargeByteLoop(fmt.Length); // the format is read a byte at a time (each conversion writes at most a few dozen)
        LuaRuntime rt = LuaRuntime.Of(c.Vm);
        ByteBuilder sb = rt.RentBuilder(); // reused per state: no managed garbage per call
        try
        {
            for (int i = 0; i < fmt.Length; i++)
            {
                if (fmt[i] != '%')
                {
                    sb.Append(fmt[i]);
                    continue;
                }

                ReadOnlySpan<byte> rest = fmt[(i + 1)..];
                if (!CalendarTime.IsValidConversion(rest, out int len))
                {
                    throw c.ArgError(1, $"invalid conversion specifier '%{Encoding.Latin1.GetString(rest)}'");
                }

                tm.Append(sb, (char)rest[len - 1]);
                i += len;
            }

            return c.Return(sb.WrittenSpan);
        }
        finally
        {
            rt.ReturnBuilder(sb);
        }
    }

    private static void SetAllFields(ref CallContext c, uint table, in CalendarTime tm)
    {
        LuaRuntime rt = LuaRuntime.Of(c.Vm);
        rt.SetField(table, "year", Value.Integer(tm.Year));
        rt.SetField(table, "month", Value.Integer(tm.Month));
        rt.SetField(table, "day", Value.Integer(tm.Day));
        rt.SetField(table, "hour", Value.Integer(tm.Hour));
        rt.SetField(table, "min", Value.Integer(tm.Min));
        rt.SetField(table, "sec", Value.Integer(tm.Sec));
        rt.SetField(table, "yday", Value.Integer(tm.YDay + 1));
        rt.SetField(table, "wday", Value.Integer(tm.WDay + 1));
        rt.SetField(table, "isdst", Value.Boolean(tm.IsDst));
    }

    // ---- time ----

    private static int Time(ref CallContext c)
    {
        if (c.IsNoneOrNil(1))
        {
            return c.Return(Now());
        }

        uint table = c.CheckTable(1).R;
        long year = GetField(ref c, table, "year", -1, 1900);
        long month = GetField(ref c, table, "month", -1, 1);
        long day = GetField(ref c, table, "day", -1, 0);
        long hour = GetField(ref c, table, "hour", 12, 0);
        long min = GetField(ref c, table, "min", 0, 0);
        long sec = GetField(ref c, table, "sec", 0, 0);
        Value dstField = LuaTable.Get(c.G, table, c.G.NewString("isdst"));
        int isdst = dstField.IsNil ? -1 : dstField.IsFalsy ? 0 : 1;
        long t = CalendarTime.MakeLocal(year, month - 1, day, hour, min, sec, isdst);
        CalendarTime tm = CalendarTime.Local(t);
        if (tm.Year - 1900 is > int.MaxValue or < int.MinValue)
        {
            throw new LuaError("time result cannot be represented in this installation");
        }

        SetAllFields(ref c, table, tm);
        return c.Return(t);
    }

    /// <summary>An integer field of a date table; its value minus <paramref name="delta"/> must fit a C int.</summary>
    private static long GetField(ref CallContext c, uint table, string key, long def, long delta)
    {
        Value v = LuaTable.Get(c.G, table, c.G.NewString(key));
        if (!LuaConvert.ToInteger(c.G, v, out long r))
        {
            if (!v.IsNil)
            {
                throw new LuaError($"field '{key}' is not an integer");
            }

            if (def < 0)
            {
                throw new LuaError($"field '{key}' missing in date table");
            }

            return def;
        }

        bool fits = r >= 0 ? r - delta <= int.MaxValue : int.MinValue + delta <= r;
        if (!fits)
        {
            throw new LuaError($"field '{key}' is out-of-bound");
        }

        return r;
    }

    private static int DiffTime(ref CallContext c)
    {
        long t1 = c.CheckInteger(1);
        long t2 = c.CheckInteger(2);
        return c.Return((double)t1 - t2);
    }

    // ---- process and environment ----

    private static int Exit(ref CallContext c)
    {
        int code = c.TypeOf(1) == LuaType.Boolean ? (c.ToBoolean(1) ? 0 : 1) : (int)c.OptInteger(1, 0);
        HostState hs = HostState.Of(LuaRuntime.Of(c.Vm));
        bool close = c.ToBoolean(2);
        if (close)
        {
            hs.State?.CloseForExit(); // lua_close: pending <close> variables, then __gc finalizers
        }

        hs.FlushAll();
        if (hs.Options.Exit != null)
        {
            hs.Options.Exit(code);
            if (close)
            {
                hs.State?.Dispose(); // called from inside the state: stops the script, frees it on the way out
            }

            return 0;
        }

        Environment.Exit(code);
        return 0;
    }

    private static int GetEnv(ref CallContext c)
    {
        string? v = Environment.GetEnvironmentVariable(Encoding.UTF8.GetString(c.CheckString(1)));
        return v == null ? c.Return(default(Value)) : c.Return(v);
    }

    private static int SetLocale(ref CallContext c)
    {
        string? locale = c.IsNoneOrNil(1) ? null : Encoding.UTF8.GetString(c.CheckString(1));
        string category = c.IsNoneOrNil(2) ? "all" : Encoding.UTF8.GetString(c.CheckString(2));
        if (category is not ("all" or "collate" or "ctype" or "monetary" or "numeric" or "time"))
        {
            throw c.ArgError(2, $"invalid option '{category}'");
        }

        // Only the C locale exists here.
        return locale is null or "" or "C" or "POSIX" ? c.Return("C") : c.Return(default(Value));
    }

    // ---- files ----

    private static int Remove(ref CallContext c)
    {
        string path = Encoding.UTF8.GetString(c.CheckString(1));
        try
        {
            if (Directory.Exists(path) && !File.Exists(path))
            {
                if (Directory.EnumerateFileSystemEntries(path).Any())
                {
                    throw new ErrnoException(Errno.ENOTEMPTY);
                }

                Directory.Delete(path);
            }
            else if (File.Exists(path) || IsDanglingLink(path))
            {
                File.Delete(path);
            }
            else
            {
                throw new ErrnoException(Errno.ENOENT);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return IoLibrary.FileFail(ref c, e, path);
        }

        return c.Return(true);
    }

    private static bool IsDanglingLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget != null;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int Rename(ref CallContext c)
    {
        string from = Encoding.UTF8.GetString(c.CheckString(1));
        string to = Encoding.UTF8.GetString(c.CheckString(2));
        try
        {
            if (Directory.Exists(from) && !File.Exists(from))
            {
                Directory.Move(from, to);
            }
            else if (File.Exists(from))
            {
                File.Move(from, to, overwrite: true);
            }
            else
            {
                throw new ErrnoException(Errno.ENOENT);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return IoLibrary.FileFail(ref c, e);
        }

        return c.Return(true);
    }

    private static int TmpName(ref CallContext c)
    {
        const string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        string dir = OperatingSystem.IsWindows() ? Path.GetTempPath() : "/tmp";
        for (int attempt = 0; attempt < 100; attempt++)
        {
            var name = new StringBuilder("lua_");
            for (int i = 0; i < 6; i++)
            {
                name.Append(chars[Random.Shared.Next(chars.Length)]);
            }

            string path = Path.Combine(dir, name.ToString());
            try
            {
                using (new FileStream(path, FileMode.CreateNew, FileAccess.Write))
                {
                }

                return c.Return(path);
            }
            catch (IOException)
            {
                // taken: try another name
            }
        }

        throw new LuaError("unable to generate a unique filename");
    }
}
