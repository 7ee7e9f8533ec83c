namespace DeviceRegistry.Infrastructure;

/// <summary>
/// The registry's day: "today" and the local date of any instant, both in <c>Registry:TimeZone</c>.
/// The one place the system turns time into dates: ingest, detection, enforcement, the EIR, the
/// portal and the scheduled jobs all ask it.
/// </summary>
public sealed class RegistryClock
{
    private readonly TimeProvider time;

    // Today for the current UTC minute: a zone's date only turns on a minute boundary, so the EIR's
    // checks convert time zones once a minute rather than every time.
    private DayOfMinute? cachedDay;

    public RegistryClock(TimeProvider time, RegistrySettings settings)
    {
        this.time = time;
        Zone = FindZone(settings.TimeZone);
    }

    public TimeZoneInfo Zone { get; }

    public TimeProvider Time => time;

    public DateTimeOffset UtcNow => time.GetUtcNow();

    public DateOnly Today()
    {
        var now = time.GetUtcNow();
        var minute = now.UtcTicks / TimeSpan.TicksPerMinute;
        var cached = Volatile.Read(ref cachedDay);
        if (cached is not null && cached.Minute == minute)
        {
            return cached.Day;
        }

        var day = DateOf(now);
        Volatile.Write(ref cachedDay, new DayOfMinute(minute, day));
        return day;
    }

    /// <summary>The registry's date of an instant.</summary>
    public DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>A converter for one reader's many timestamps (not thread-safe: one per file).</summary>
    public ZoneOffsets Offsets() => new(Zone);

    /// <summary>
    /// The registry's time zone. A machine without time-zone data still knows Baku: UTC+4 with no
    /// daylight saving since 2016. Any other unknown zone is a configuration error, not a silent UTC.
    /// </summary>
    public static TimeZoneInfo FindZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException) when (id == "Asia/Baku")
        {
            return TimeZoneInfo.CreateCustomTimeZone("Asia/Baku", TimeSpan.FromHours(4), "Baku", "Baku");
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            throw new InvalidOperationException($"is '{id}', which is not a time zone this machine knows; give an IANA id such as Asia/Baku or UTC", ex);
        }
    }

    private sealed record DayOfMinute(long Minute, DateOnly Day);
}

/// <summary>
/// The zone's UTC offset at an instant, remembered per quarter hour (every offset and every transition
/// in use falls on a quarter hour), so a file of timestamps costs one zone lookup per quarter hour it spans.
/// </summary>
public sealed class ZoneOffsets(TimeZoneInfo zone)
{
    private const long QuarterHourMinutes = 15;
    private long cachedQuarter = long.MinValue;
    private int cachedOffsetMinutes;

    public TimeZoneInfo Zone => zone;

    /// <summary>The offset in minutes at <paramref name="utcMinute"/> (minutes since 0001-01-01 UTC).</summary>
    public int OffsetMinutesAt(long utcMinute)
    {
        var quarter = utcMinute / QuarterHourMinutes;
        if (quarter != cachedQuarter)
        {
            var utc = new DateTime(quarter * QuarterHourMinutes * TimeSpan.TicksPerMinute, DateTimeKind.Utc);
            cachedOffsetMinutes = (int)zone.GetUtcOffset(utc).TotalMinutes;
            cachedQuarter = quarter;
        }

        return cachedOffsetMinutes;
    }
}
