namespace HazChem.Transport.Geofence;

/// <summary>
/// One ban window in local Asia/Shanghai time. <paramref name="To"/> earlier than <paramref name="From"/> wraps past
/// midnight; <paramref name="To"/> equal to <paramref name="From"/> is a full 24 hours (e.g. "00:00"–"24:00").
/// </summary>
/// <param name="Days">ISO weekdays 1 (Monday) .. 7 (Sunday) of the day the window STARTS.</param>
/// <param name="From">Local start time (inclusive).</param>
/// <param name="To">Local end time (exclusive).</param>
public sealed record ScheduleWindow(IReadOnlyList<int> Days, TimeOnly From, TimeOnly To)
{
    /// <summary>True when the window runs past midnight into the next day (including a full 24-hour window).</summary>
    public bool WrapsMidnight => To <= From;

    /// <summary>Length of the window.</summary>
    public TimeSpan Duration => WrapsMidnight ? TimeSpan.FromDays(1) - (From - To) : To - From;

    /// <summary>
    /// The local start of the occurrence of this window that contains <paramref name="local"/>, or null.
    /// </summary>
    /// <param name="local">Asia/Shanghai wall-clock time.</param>
    public DateTime? OccurrenceStartContaining(DateTime local)
    {
        var time = TimeOnly.FromDateTime(local);
        var today = local.Date;

        // The occurrence starting today.
        if (StartsOn(today) && time >= From && (WrapsMidnight || time < To))
        {
            return today + From.ToTimeSpan();
        }

        // The occurrence that started yesterday and runs past midnight.
        if (WrapsMidnight && time < To)
        {
            var yesterday = today.AddDays(-1);
            if (StartsOn(yesterday))
            {
                return yesterday + From.ToTimeSpan();
            }
        }

        return null;
    }

    /// <summary>ISO weekday (Monday 1 .. Sunday 7) of a date.</summary>
    /// <param name="date">The date.</param>
    public static int IsoDayOfWeek(DateTime date) => date.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)date.DayOfWeek;

    private bool StartsOn(DateTime date)
    {
        var iso = IsoDayOfWeek(date);
        foreach (var day in Days)
        {
            if (day == iso)
            {
                return true;
            }
        }

        return false;
    }
}
