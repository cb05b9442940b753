namespace HazChem.Transport.LoadingCheck.Domain;

/// <summary>
/// Calendar dates of the business time zone, Asia/Shanghai: the registry evaluates validity on the loading date
/// there. Falls back to UTC+8 (no daylight saving time since 1991) where the machine has no time zone database.
/// </summary>
internal static class BusinessCalendar
{
    private static readonly TimeZoneInfo Zone = FindZone();

    /// <summary>The date in Asia/Shanghai at <paramref name="instant"/>.</summary>
    public static DateOnly DateAt(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    private static TimeZoneInfo FindZone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("Asia/Shanghai", TimeSpan.FromHours(8), "China Standard Time", "China Standard Time");
        }
    }
}
