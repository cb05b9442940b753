namespace HazChem.Transport.Waybill.Domain;

/// <summary>Dates in the business time zone, Asia/Shanghai (UTC+8, no daylight saving since 1991).</summary>
internal static class BusinessCalendar
{
    private static readonly TimeZoneInfo Zone = FindZone();

    /// <summary>The calendar date of <paramref name="instant"/> in Asia/Shanghai.</summary>
    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>The travel dates a qualification must hold on: the window's first and last day.</summary>
    public static IReadOnlyList<DateOnly> TravelDates(TravelWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        var first = DateOf(window.Start);
        // The window is half-open: a trip ending at 00:00 does not need the next day.
        var last = DateOf(window.End - TimeSpan.FromTicks(1));
        return last > first ? [first, last] : [first];
    }

    private static TimeZoneInfo FindZone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            // Without tzdata the rule is still simple: China Standard Time is UTC+8 all year.
            return TimeZoneInfo.CreateCustomTimeZone("Asia/Shanghai", TimeSpan.FromHours(8), "China Standard Time", "China Standard Time");
        }
    }
}
