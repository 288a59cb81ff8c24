using System.Globalization;
using MicroLua.Core;
using MicroLua.Library;

namespace MicroLua.Host;

/// <summary>
/// A broken-down time (C's struct tm) with 64-bit arithmetic for any year, the conversions
/// os.date and os.time need (gmtime, localtime through <see cref="TimeZoneInfo.Local"/>,
/// mktime's normalisation) and strftime in the C locale as glibc spells it.
/// </summary>
internal struct CalendarTime
{
    public long Year;
    public int Month;   // 1..12
    public int Day;     // 1..31
    public int Hour;
    public int Min;
    public int Sec;
    public int WDay;    // 0..6, Sunday 0
    public int YDay;    // 0..365
    public bool IsDst;
    public int Offset;  // seconds east of UTC
    public string Zone;

    private static readonly string[] s_days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    private static readonly string[] s_months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    // ---- days and civil dates (proleptic Gregorian) ----

    /// <summary>Days since 1970-01-01 of a civil date; month 1..12.</summary>
    public static long DaysFromCivil(long y, int m, int d)
    {
        y -= m <= 2 ? 1 : 0;
        long era = FloorDiv(y, 400);
        long yoe = y - (era * 400);
        long doy = ((153 * (m + (m > 2 ? -3 : 9))) + 2) / 5 + d - 1;
        long doe = (yoe * 365) + (yoe / 4) - (yoe / 100) + doy;
        return (era * 146097) + doe - 719468;
    }

    private static void CivilFromDays(long z, out long y, out int m, out int d)
    {
        z += 719468;
        long era = FloorDiv(z, 146097);
        long doe = z - (era * 146097);
        long yoe = (doe - (doe / 1460) + (doe / 36524) - (doe / 146096)) / 365;
        y = yoe + (era * 400);
        long doy = doe - ((365 * yoe) + (yoe / 4) - (yoe / 100));
        long mp = ((5 * doy) + 2) / 153;
        d = (int)(doy - (((153 * mp) + 2) / 5) + 1);
        m = (int)(mp < 10 ? mp + 3 : mp - 9);
        y += m <= 2 ? 1 : 0;
    }

    public static long FloorDiv(long a, long b) => (a / b) - ((a % b != 0 && ((a < 0) != (b < 0))) ? 1 : 0);

    public static bool IsLeap(long y) => (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    /// <summary>The broken-down time of <paramref name="t"/> seen <paramref name="offset"/> seconds east of UTC.</summary>
    public static CalendarTime FromSeconds(long t, int offset, bool dst, string zone)
    {
        long ls = t + offset;
        long days = FloorDiv(ls, 86400);
        long secs = ls - (days * 86400);
        CivilFromDays(days, out long y, out int m, out int d);
        return new CalendarTime
        {
            Year = y,
            Month = m,
            Day = d,
            Hour = (int)(secs / 3600),
            Min = (int)(secs / 60 % 60),
            Sec = (int)(secs % 60),
            WDay = (int)(((days % 7) + 11) % 7), // 1970-01-01 was a Thursday
            YDay = (int)(days - DaysFromCivil(y, 1, 1)),
            IsDst = dst,
            Offset = offset,
            Zone = zone,
        };
    }

    public static CalendarTime Utc(long t) => FromSeconds(t, 0, false, "GMT");

    public static CalendarTime Local(long t)
    {
        LocalOffset(t, out int offset, out bool dst);
        return FromSeconds(t, offset, dst, ZoneName(offset, dst));
    }

    private const long MinDateTimeSeconds = -62135596800;
    private const long MaxDateTimeSeconds = 253402300799;

    public static void LocalOffset(long t, out int offset, out bool dst)
    {
        TimeZoneInfo tz = TimeZoneInfo.Local;
        if (t < MinDateTimeSeconds || t > MaxDateTimeSeconds)
        {
            offset = (int)tz.BaseUtcOffset.TotalSeconds;
            dst = false;
            return;
        }

        var when = DateTimeOffset.FromUnixTimeSeconds(t);
        offset = (int)tz.GetUtcOffset(when).TotalSeconds;
        dst = tz.IsDaylightSavingTime(when);
    }

    /// <summary>The last zone name made, for its zone, offset and DST flag: os.date makes no string per call.</summary>
    private sealed record ZoneNameCache(TimeZoneInfo Zone, int Offset, bool Dst, string Name);

    private static ZoneNameCache? s_zoneName;

    private static string ZoneName(int offset, bool dst)
    {
        TimeZoneInfo tz = TimeZoneInfo.Local;
        ZoneNameCache? cached = s_zoneName; // one read: another thread may replace it
        if (cached != null && ReferenceEquals(cached.Zone, tz) && cached.Offset == offset && cached.Dst == dst)
        {
            return cached.Name;
        }

        string made = MakeZoneName(tz, offset, dst);
        s_zoneName = new ZoneNameCache(tz, offset, dst, made);
        return made;
    }

    private static string MakeZoneName(TimeZoneInfo tz, int offset, bool dst)
    {
        string name = dst ? tz.DaylightName : tz.StandardName;
        if (offset == 0 && (tz.Id is "UTC" or "Etc/UTC" or "Etc/Universal" or "Universal" or "Zulu" or "Etc/Zulu" || name.Contains("Coordinated Universal", StringComparison.Ordinal)))
        {
            return "UTC";
        }

        if (name.Length is > 0 and <= 6 && !name.Contains(' ', StringComparison.Ordinal))
        {
            return name;
        }

        int a = Math.Abs(offset) / 60;
        string s = (offset < 0 ? "-" : "+") + (a / 60).ToString("00", CultureInfo.InvariantCulture);
        return a % 60 == 0 ? s : s + (a % 60).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>mktime: normalises the fields and gives the time in seconds; <paramref name="isdst"/> is -1 when unknown.</summary>
    public static long MakeLocal(long year, long month0, long day, long hour, long min, long sec, int isdst)
    {
        long y = year + FloorDiv(month0, 12);
        int m = (int)(month0 - (FloorDiv(month0, 12) * 12)) + 1;
        long ls = ((DaysFromCivil(y, m, 1) + day - 1) * 86400) + (hour * 3600) + (min * 60) + sec;
        LocalOffset(ls, out int off, out _);
        long t = ls - off;
        LocalOffset(t, out int off2, out bool dst);
        if (off2 != off)
        {
            t = ls - off2;
            LocalOffset(t, out _, out dst);
        }

        if (isdst > 0 && !dst)
        {
            t -= 3600;
        }
        else if (isdst == 0 && dst)
        {
            t += 3600;
        }

        return t;
    }

    // ---- strftime ----

    /// <summary>Whether the conversion at <paramref name="s"/> (after the '%') is one C99 allows; its length in <paramref name="length"/>.</summary>
    public static bool IsValidConversion(ReadOnlySpan<byte> s, out int length)
    {
        length = 0;
        if (s.Length == 0)
        {
            return false;
        }

        const string single = "aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ%";
        const string eMod = "cCxXyY";
        const string oMod = "deHImMSuUVwWy";
        if (s[0] == 'E' || s[0] == 'O')
        {
            string allowed = s[0] == 'E' ? eMod : oMod;
            if (s.Length >= 2 && allowed.Contains((char)s[1], StringComparison.Ordinal))
            {
                length = 2;
                return true;
            }

            return false;
        }

        if (single.Contains((char)s[0], StringComparison.Ordinal))
        {
            length = 1;
            return true;
        }

        return false;
    }

    /// <summary>Appends conversion <paramref name="conv"/> (E and O modifiers already removed), in bytes: no managed garbage per call.</summary>
    public readonly void Append(ByteBuilder sb, char conv)
    {
        switch (conv)
        {
            case 'a': Prefix(sb, s_days[WDay], 3); break;
            case 'A': sb.AppendAscii(s_days[WDay]); break;
            case 'b':
            case 'h': Prefix(sb, s_months[Month - 1], 3); break;
            case 'B': sb.AppendAscii(s_months[Month - 1]); break;
            case 'c':
                Append(sb, 'a'); sb.Append((byte)' '); Append(sb, 'b'); sb.Append((byte)' '); Append(sb, 'e'); sb.Append((byte)' ');
                Append(sb, 'T'); sb.Append((byte)' '); Append(sb, 'Y');
                break;
            case 'C': Pad(sb, FloorDiv(Year, 100), 2); break;
            case 'd': Pad(sb, Day, 2); break;
            case 'D':
            case 'x': Append(sb, 'm'); sb.Append((byte)'/'); Append(sb, 'd'); sb.Append((byte)'/'); Append(sb, 'y'); break;
            case 'e': sb.Append((byte)' ', Day < 10 ? 1 : 0); Pad(sb, Day, 1); break;
            case 'F': Append(sb, 'Y'); sb.Append((byte)'-'); Append(sb, 'm'); sb.Append((byte)'-'); Append(sb, 'd'); break;
            case 'g': Pad(sb, ((IsoYear(out _) % 100) + 100) % 100, 2); break;
            case 'G': Pad(sb, IsoYear(out _), 1); break;
            case 'H': Pad(sb, Hour, 2); break;
            case 'I': Pad(sb, Hour % 12 == 0 ? 12 : Hour % 12, 2); break;
            case 'j': Pad(sb, YDay + 1, 3); break;
            case 'm': Pad(sb, Month, 2); break;
            case 'M': Pad(sb, Min, 2); break;
            case 'n': sb.Append((byte)'\n'); break;
            case 'p': sb.Append(Hour < 12 ? "AM"u8 : "PM"u8); break;
            case 'r': Append(sb, 'I'); sb.Append((byte)':'); Append(sb, 'M'); sb.Append((byte)':'); Append(sb, 'S'); sb.Append((byte)' '); Append(sb, 'p'); break;
            case 'R': Append(sb, 'H'); sb.Append((byte)':'); Append(sb, 'M'); break;
            case 'S': Pad(sb, Sec, 2); break;
            case 't': sb.Append((byte)'\t'); break;
            case 'T':
            case 'X': Append(sb, 'H'); sb.Append((byte)':'); Append(sb, 'M'); sb.Append((byte)':'); Append(sb, 'S'); break;
            case 'u': sb.Append((byte)(WDay == 0 ? '7' : '0' + WDay)); break;
            case 'U': Pad(sb, (YDay + 7 - WDay) / 7, 2); break;
            case 'V': IsoYear(out int week); Pad(sb, week, 2); break;
            case 'w': sb.Append((byte)('0' + WDay)); break;
            case 'W': Pad(sb, (YDay + 7 - ((WDay + 6) % 7)) / 7, 2); break;
            case 'y': Pad(sb, ((Year % 100) + 100) % 100, 2); break;
            case 'Y': Pad(sb, Year, 1); break;
            case 'z':
            {
                int a = Math.Abs(Offset) / 60;
                sb.Append((byte)(Offset < 0 ? '-' : '+'));
                Pad(sb, a / 60, 2);
                Pad(sb, a % 60, 2);
                break;
            }

            case 'Z': sb.AppendAscii(Zone); break;
            default: sb.Append((byte)'%'); break;
        }
    }

    /// <summary>The decimal digits of <paramref name="v"/>, zero-padded to <paramref name="width"/> after the sign (as .NET's "00" format and C's %02d print).</summary>
    private static void Pad(ByteBuilder sb, long v, int width)
    {
        Span<byte> digits = stackalloc byte[24];
        if (v < 0)
        {
            sb.Append((byte)'-');
            v = -v;
        }

        int n = LuaNumber.FormatInteger(v, digits);
        sb.Append((byte)'0', width - n);
        sb.Append(digits[..n]);
    }

    /// <summary>The first <paramref name="count"/> characters of an ASCII name (Mon for Monday).</summary>
    private static void Prefix(ByteBuilder sb, string name, int count)
    {
        for (int i = 0; i < count; i++)
        {
            sb.Append((byte)name[i]);
        }
    }

    /// <summary>The ISO 8601 week-based year and week number (weeks start on Monday; week 1 holds January 4).</summary>
    private readonly long IsoYear(out int week)
    {
        int isoWDay = WDay == 0 ? 7 : WDay;
        int w = (YDay + 1 - isoWDay + 10) / 7;
        if (w < 1)
        {
            week = WeeksIn(Year - 1);
            return Year - 1;
        }

        if (w > WeeksIn(Year))
        {
            week = 1;
            return Year + 1;
        }

        week = w;
        return Year;
    }

    private static int WeeksIn(long y)
    {
        static long P(long y) => ((y + FloorDiv(y, 4) - FloorDiv(y, 100) + FloorDiv(y, 400)) % 7 + 7) % 7;
        return P(y) == 4 || P(y - 1) == 3 ? 53 : 52;
    }
}
