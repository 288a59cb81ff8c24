using System.Globalization;
using System.Text;

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

    private static string ZoneName(int offset, bool dst)
    {
        TimeZoneInfo tz = TimeZoneInfo.Local;
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

    /// <summary>Appends conversion <paramref name="conv"/> (E and O modifiers already removed).</summary>
    public readonly void Append(StringBuilder sb, char conv)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        switch (conv)
        {
            case 'a': sb.Append(s_days[WDay], 0, 3); break;
            case 'A': sb.Append(s_days[WDay]); break;
            case 'b':
            case 'h': sb.Append(s_months[Month - 1], 0, 3); break;
            case 'B': sb.Append(s_months[Month - 1]); break;
            case 'c':
                Append(sb, 'a'); sb.Append(' '); Append(sb, 'b'); sb.Append(' '); Append(sb, 'e'); sb.Append(' ');
                Append(sb, 'T'); sb.Append(' '); Append(sb, 'Y');
                break;
            case 'C': Two(sb, FloorDiv(Year, 100)); break;
            case 'd': Two(sb, Day); break;
            case 'D':
            case 'x': Append(sb, 'm'); sb.Append('/'); Append(sb, 'd'); sb.Append('/'); Append(sb, 'y'); break;
            case 'e': sb.Append(Day < 10 ? " " : "").Append(Day.ToString(inv)); break;
            case 'F': Append(sb, 'Y'); sb.Append('-'); Append(sb, 'm'); sb.Append('-'); Append(sb, 'd'); break;
            case 'g': Two(sb, ((IsoYear(out _) % 100) + 100) % 100); break;
            case 'G': sb.Append(IsoYear(out _).ToString(inv)); break;
            case 'H': Two(sb, Hour); break;
            case 'I': Two(sb, Hour % 12 == 0 ? 12 : Hour % 12); break;
            case 'j': sb.Append((YDay + 1).ToString("000", inv)); break;
            case 'm': Two(sb, Month); break;
            case 'M': Two(sb, Min); break;
            case 'n': sb.Append('\n'); break;
            case 'p': sb.Append(Hour < 12 ? "AM" : "PM"); break;
            case 'r': Append(sb, 'I'); sb.Append(':'); Append(sb, 'M'); sb.Append(':'); Append(sb, 'S'); sb.Append(' '); Append(sb, 'p'); break;
            case 'R': Append(sb, 'H'); sb.Append(':'); Append(sb, 'M'); break;
            case 'S': Two(sb, Sec); break;
            case 't': sb.Append('\t'); break;
            case 'T':
            case 'X': Append(sb, 'H'); sb.Append(':'); Append(sb, 'M'); sb.Append(':'); Append(sb, 'S'); break;
            case 'u': sb.Append(WDay == 0 ? '7' : (char)('0' + WDay)); break;
            case 'U': Two(sb, (YDay + 7 - WDay) / 7); break;
            case 'V': IsoYear(out int week); Two(sb, week); break;
            case 'w': sb.Append((char)('0' + WDay)); break;
            case 'W': Two(sb, (YDay + 7 - ((WDay + 6) % 7)) / 7); break;
            case 'y': Two(sb, ((Year % 100) + 100) % 100); break;
            case 'Y': sb.Append(Year.ToString(inv)); break;
            case 'z':
            {
                int a = Math.Abs(Offset) / 60;
                sb.Append(Offset < 0 ? '-' : '+').Append((a / 60).ToString("00", inv)).Append((a % 60).ToString("00", inv));
                break;
            }

            case 'Z': sb.Append(Zone); break;
            default: sb.Append('%'); break;
        }
    }

    private static void Two(StringBuilder sb, long v) => sb.Append(v.ToString("00", CultureInfo.InvariantCulture));

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
