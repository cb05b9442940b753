using static HazChem.Transport.Geofence.Tests.TestZones;

namespace HazChem.Transport.Geofence.Tests;

public sealed class ScheduleTests
{
    // 2026-11-23 is a Monday; 2026-11-27 a Friday.
    private static readonly ScheduleWindow WeekdayDaytime = new([1, 2, 3, 4, 5], new TimeOnly(7, 0), new TimeOnly(20, 0));
    private static readonly ScheduleWindow FridayNight = new([5], new TimeOnly(22, 0), new TimeOnly(6, 0));

    [Fact]
    public void IsScheduledAt_EmptySchedule_IsAlwaysTrue()
    {
        Assert.True(Zone("z").IsScheduledAt(Local(2026, 11, 28, 3)));
    }

    [Theory]
    [InlineData(23, 7, 0, true)] // Monday at the opening minute (inclusive)
    [InlineData(23, 6, 59, false)]
    [InlineData(23, 19, 59, true)]
    [InlineData(23, 20, 0, false)] // closing time is exclusive
    [InlineData(28, 12, 0, false)] // Saturday
    public void IsScheduledAt_WeekdayDaytimeWindow_FollowsLocalTime(int day, int hour, int minute, bool expected)
    {
        var zone = Zone("z", schedule: [WeekdayDaytime]);

        Assert.Equal(expected, zone.IsScheduledAt(Local(2026, 11, day, hour, minute)));
    }

    [Fact]
    public void IsScheduledAt_LocalMondayMorningIsUtcSunday_UsesTheLocalWeekday()
    {
        // Monday 02:00 in Shanghai is Sunday 18:00 UTC; only Monday is listed.
        var zone = Zone("z", schedule: [new ScheduleWindow([1], new TimeOnly(0, 0), new TimeOnly(6, 0))]);
        var instant = new DateTimeOffset(2026, 11, 22, 18, 0, 0, TimeSpan.Zero);

        Assert.Equal(DayOfWeek.Sunday, instant.UtcDateTime.DayOfWeek);
        Assert.True(zone.IsScheduledAt(instant));
        Assert.False(zone.IsScheduledAt(instant.AddHours(-3))); // Sunday 23:00 local
    }

    [Theory]
    [InlineData(27, 21, 59, false)] // Friday before the window
    [InlineData(27, 22, 0, true)] // Friday opening
    [InlineData(27, 23, 59, true)]
    [InlineData(28, 0, 0, true)] // Saturday after midnight, still Friday's window
    [InlineData(28, 5, 59, true)]
    [InlineData(28, 6, 0, false)] // closing is exclusive
    [InlineData(28, 23, 0, false)] // Saturday night: Saturday is not listed
    [InlineData(27, 5, 0, false)] // Friday early morning belongs to Thursday's window, which is not listed
    public void IsScheduledAt_WindowWrappingPastMidnight_BelongsToTheDayItStarts(int day, int hour, int minute, bool expected)
    {
        var zone = Zone("z", schedule: [FridayNight]);

        Assert.Equal(expected, zone.IsScheduledAt(Local(2026, 11, day, hour, minute)));
    }

    [Fact]
    public void IsScheduledAt_FullDayWindow_CoversTheWholeListedDayOnly()
    {
        var zone = Zone("z", schedule: [new ScheduleWindow([6, 7], TimeOnly.MinValue, TimeOnly.MinValue)]);

        Assert.True(zone.IsScheduledAt(Local(2026, 11, 28, 0, 0)));
        Assert.True(zone.IsScheduledAt(Local(2026, 11, 29, 23, 59)));
        Assert.False(zone.IsScheduledAt(Local(2026, 11, 30, 0, 0)));
        Assert.False(zone.IsScheduledAt(Local(2026, 11, 27, 23, 59)));
    }

    [Fact]
    public void ScheduleWindowStart_EmptySchedule_IsMinValue()
    {
        Assert.Equal(DateTimeOffset.MinValue, Zone("z").ScheduleWindowStart(Local(2026, 11, 23, 12)));
    }

    [Fact]
    public void ScheduleWindowStart_OutsideEveryWindow_IsNull()
    {
        Assert.Null(Zone("z", schedule: [WeekdayDaytime]).ScheduleWindowStart(Local(2026, 11, 23, 21)));
    }

    [Fact]
    public void ScheduleWindowStart_InsideDaytimeWindow_IsTheOpeningInstantInUtc()
    {
        var start = Zone("z", schedule: [WeekdayDaytime]).ScheduleWindowStart(Local(2026, 11, 24, 15, 30));

        Assert.Equal(Local(2026, 11, 24, 7, 0), start);
        Assert.Equal(TimeSpan.Zero, start!.Value.Offset);
    }

    [Fact]
    public void ScheduleWindowStart_AfterMidnightInWrappedWindow_IsThePreviousEvening()
    {
        var start = Zone("z", schedule: [FridayNight]).ScheduleWindowStart(Local(2026, 11, 28, 5, 0));

        Assert.Equal(Local(2026, 11, 27, 22, 0), start);
    }

    [Fact]
    public void ScheduleWindowStart_AtTheOpeningInstant_IsThatInstant()
    {
        var opening = Local(2026, 11, 27, 22, 0);

        Assert.Equal(opening, Zone("z", schedule: [FridayNight]).ScheduleWindowStart(opening));
    }

    [Fact]
    public void ScheduleWindowStart_TouchingWindows_ReturnsTheStartOfTheUnbrokenBan()
    {
        // Monday 22:00–02:00 runs into Tuesday 00:00–06:00: a truck inside at Tuesday 05:00 has been banned since Monday 22:00.
        var zone = Zone("z", schedule:
        [
            new ScheduleWindow([1], new TimeOnly(22, 0), new TimeOnly(2, 0)),
            new ScheduleWindow([2], new TimeOnly(0, 0), new TimeOnly(6, 0)),
        ]);

        Assert.Equal(Local(2026, 11, 23, 22, 0), zone.ScheduleWindowStart(Local(2026, 11, 24, 5, 0)));
    }

    [Fact]
    public void ScheduleWindowStart_ScheduleCoveringTheWholeWeek_IsMinValue()
    {
        var zone = Zone("z", schedule: [new ScheduleWindow([1, 2, 3, 4, 5, 6, 7], TimeOnly.MinValue, TimeOnly.MinValue)]);

        Assert.Equal(DateTimeOffset.MinValue, zone.ScheduleWindowStart(Local(2026, 11, 25, 9)));
    }

    [Fact]
    public void ScheduleWindowStart_VehicleAlreadyInsideWhenWindowOpens_StartsAtTheOpeningNotAtTheFirstFix()
    {
        var zone = Zone("z", schedule: [WeekdayDaytime]);
        var firstFixInside = Local(2026, 11, 23, 6, 30); // before the ban
        var laterFix = Local(2026, 11, 23, 7, 5);

        Assert.False(zone.IsScheduledAt(firstFixInside));
        Assert.True(zone.IsScheduledAt(laterFix));
        Assert.Equal(Local(2026, 11, 23, 7, 0), zone.ScheduleWindowStart(laterFix));
    }

    [Fact]
    public void Resolve_UnknownZoneId_FallsBackToFixedPlusEightHours()
    {
        var (zone, isFallback) = ShanghaiTime.Resolve("No/Such_Zone");

        Assert.True(isFallback);
        Assert.Equal(TimeSpan.FromHours(8), zone.GetUtcOffset(new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc)));
    }

    [Fact]
    public void Zone_OnThisMachine_IsAsiaShanghaiAtPlusEight()
    {
        Assert.Equal(TimeSpan.FromHours(8), ShanghaiTime.Zone.GetUtcOffset(new DateTime(2026, 1, 15, 0, 0, 0, DateTimeKind.Utc)));
    }
}
