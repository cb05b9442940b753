using HazChem.Transport.Simulator.Fleet;

namespace HazChem.Transport.Simulator.Tests;

public sealed class CsvTrackTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    [Fact]
    public void Read_SharedLiverpoolTrack_FirstVehicleInTimeOrderAsUtcWithinRange()
    {
        using var reader = File.OpenText(SharedData.Path("tracks", "liverpool_route14_outbound.csv"));

        var points = CsvTrack.Read(reader, London);

        Assert.True(points.Count > 50, $"{points.Count} points");
        Assert.Single(points.Select(p => p.VehicleId).Distinct());
        Assert.Equal("4716", points[0].VehicleId);
        Assert.Equal(new DateTimeOffset(2026, 1, 26, 15, 57, 2, TimeSpan.Zero), points[0].Time); // GMT in January
        Assert.Equal(53.44451, points[0].Point.Lat, 6);
        Assert.Equal(-2.925173, points[0].Point.Lon, 6);
        Assert.Null(points[0].BearingDeg);
        Assert.All(points.Zip(points.Skip(1)), pair => Assert.True(pair.Second.Time >= pair.First.Time));
    }

    [Fact]
    public void Read_SummerTime_ConvertsFromBritishSummerTime()
    {
        const string Csv = "\"id\",\"vehicle_id\",\"trip_id\",\"timestamp\",\"latitude\",\"longitude\",\"bearing\"\n1,\"7\",\"1\",\"2026-07-01 12:00:00\",53.4,-2.9,90\n";

        var points = CsvTrack.Read(new StringReader(Csv), London);

        Assert.Equal(new DateTimeOffset(2026, 7, 1, 11, 0, 0, TimeSpan.Zero), Assert.Single(points).Time);
        Assert.Equal(90, points[0].BearingDeg);
    }

    [Fact]
    public void Read_BadCoordinate_NamesTheLine()
    {
        const string Csv = "vehicle_id,trip_id,timestamp,latitude,longitude\n7,1,2026-07-01 12:00:00,53.4,-2.9\n7,1,2026-07-01 12:00:30,95.1,-2.9\n";

        var error = Assert.Throws<FormatException>(() => CsvTrack.Read(new StringReader(Csv), London));

        Assert.Contains("Line 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingColumn_NamesTheColumn()
    {
        var error = Assert.Throws<FormatException>(() => CsvTrack.Read(new StringReader("vehicle_id,trip_id,timestamp,latitude\n"), London));

        Assert.Contains("longitude", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Schedule_SpeedupFour_CompressesGapsAndFixTimesAndKeepsRecordedSpeed()
    {
        using var reader = File.OpenText(SharedData.Path("tracks", "liverpool_route14_outbound.csv"));
        var points = CsvTrack.Read(reader, London);
        var start = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

        var schedule = CsvTrack.Schedule(points, start, 4);

        Assert.Equal(TimeSpan.Zero, schedule[0].SendAfter);
        Assert.Equal(start, schedule[0].Fix.FixTime);
        var recorded = points[^1].Time - points[0].Time;
        Assert.InRange(schedule[^1].SendAfter, (recorded / 4) - TimeSpan.FromSeconds(1), recorded / 4);
        Assert.All(schedule.Zip(schedule.Skip(1)), p => Assert.True(p.Second.Fix.FixTime > p.First.Fix.FixTime));
        Assert.All(schedule, s => Assert.InRange(s.Fix.SpeedKmh, 0, 120));
        Assert.Contains(schedule, s => s.Fix.SpeedKmh > 5);
    }

    [Fact]
    public void Schedule_KeepTimes_UsesTheRecordedTimes()
    {
        using var reader = File.OpenText(SharedData.Path("tracks", "liverpool_route14_outbound.csv"));
        var points = CsvTrack.Read(reader, London);

        var schedule = CsvTrack.Schedule(points, DateTimeOffset.UnixEpoch, 10, keepOriginalTimes: true);

        Assert.Equal(points[0].Time, schedule[0].Fix.FixTime);
        Assert.Equal(points[^1].Time, schedule[^1].Fix.FixTime);
    }
}
