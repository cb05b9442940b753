namespace HazChem.Transport.Geofence;

/// <summary>
/// The business time zone for schedules: IANA "Asia/Shanghai", or a fixed UTC+08:00 when the
/// machine has no time zone database (China has kept +08:00 without daylight saving since 1991).
/// </summary>
public static class ShanghaiTime
{
    /// <summary>The IANA id of the business time zone.</summary>
    public const string ZoneId = "Asia/Shanghai";

    private static readonly (TimeZoneInfo Zone, bool IsFallback) Resolved = Resolve(ZoneId);

    /// <summary>The resolved time zone (never null).</summary>
    public static TimeZoneInfo Zone => Resolved.Zone;

    /// <summary>True when <see cref="Zone"/> is the fixed +08:00 fallback rather than the system's zone data.</summary>
    public static bool IsFallback => Resolved.IsFallback;

    /// <summary>Converts an instant to Asia/Shanghai wall-clock time.</summary>
    /// <param name="instant">Any instant.</param>
    public static DateTime ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone).DateTime;

    /// <summary>Converts an Asia/Shanghai wall-clock time to an instant with offset zero (UTC).</summary>
    /// <param name="local">The local date and time (its Kind is ignored).</param>
    public static DateTimeOffset FromLocal(DateTime local)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        var offset = Zone.GetUtcOffset(unspecified);
        return new DateTimeOffset(unspecified, offset).ToUniversalTime();
    }

    /// <summary>Zone resolution with an explicit fallback; internal so tests can exercise the fallback.</summary>
    internal static (TimeZoneInfo Zone, bool IsFallback) Resolve(string zoneId)
    {
        try
        {
            return (TimeZoneInfo.FindSystemTimeZoneById(zoneId), false);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return (TimeZoneInfo.CreateCustomTimeZone(ZoneId, TimeSpan.FromHours(8), "China Standard Time (fixed +08:00)", "CST"), true);
        }
    }
}
