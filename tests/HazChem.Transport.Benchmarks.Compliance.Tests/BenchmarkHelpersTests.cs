using HazChem.Transport.Benchmarks.Compliance;
using HazChem.Transport.Simulator.Fleet;
using Microsoft.Extensions.Time.Testing;

namespace HazChem.Transport.Benchmarks.Compliance.Tests;

public sealed class PercentilesTests
{
    [Fact]
    public void NearestRank_HundredValues_ReturnsTheRankedValue()
    {
        var sorted = Enumerable.Range(1, 100).Select(i => (double)i).ToList();

        Assert.Equal(50, Percentiles.NearestRank(sorted, 50));
        Assert.Equal(99, Percentiles.NearestRank(sorted, 99));
        Assert.Equal(100, Percentiles.NearestRank(sorted, 100));
        Assert.Equal(1, Percentiles.NearestRank(sorted, 0));
    }

    [Fact]
    public void NearestRank_FewValues_P99IsTheMaximum()
    {
        Assert.Equal(30, Percentiles.NearestRank([10, 20, 30], 99));
    }

    [Fact]
    public void NearestRank_Empty_IsNaN()
    {
        Assert.True(double.IsNaN(Percentiles.NearestRank([], 50)));
    }
}

public sealed class FleetMotionTests
{
    private static readonly IReadOnlyList<TruckPlan> Fleet = FleetPlanner.Plan(new FleetOptions { Vehicles = 10, PlateLetters = "K", PhonePrefix = "0148", WaybillEvery = 0, Seed = 6006 });

    [Fact]
    public void Schedule_FortyPercentOfTen_FourSpeedersEvenlySpacedOverTheSpan()
    {
        var schedule = FleetMotion.Schedule(10, 0.4, from: 1, to: 28, seed: 1);

        var starts = schedule.Where(double.IsFinite).Order().ToList();
        Assert.Equal([1.0, 10.0, 19.0, 28.0], starts);
        Assert.Equal(6, schedule.Count(double.IsPositiveInfinity));
    }

    [Fact]
    public void Next_SpeedingForOpenAfter_PredictsTheFirstFixAtTheThresholdAsOpening()
    {
        var schedule = Enumerable.Repeat(double.PositiveInfinity, Fleet.Count).ToArray();
        schedule[0] = 2;
        var motion = new FleetMotion(Fleet, schedule, TimeSpan.FromSeconds(30));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero));
        var fixes = new List<MotionFix>();
        for (var second = 0; second <= 40; second++)
        {
            fixes.Add(motion.Next(0, time.GetUtcNow(), second));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.All(fixes.Take(2), f => Assert.Equal(Fleet[0].CruiseKmh, f.Fix.SpeedKmh, 1));
        Assert.All(fixes.Skip(2), f => Assert.Equal(FleetMotion.SpeedingKmh, f.Fix.SpeedKmh));
        var opening = Assert.Single(fixes, f => f.Opening);
        Assert.Equal(fixes[32].FixMs, opening.FixMs); // first speeding fix at second 2, + 30 s
        Assert.Equal(opening.FixMs, motion.PredictedOpenings()[Fleet[0].Plate]);
    }

    [Fact]
    public void Next_SameMillisecond_FixTimesStillIncrease()
    {
        var motion = new FleetMotion(Fleet, Enumerable.Repeat(double.PositiveInfinity, Fleet.Count).ToArray(), TimeSpan.FromSeconds(30));
        var now = new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero);

        var first = motion.Next(3, now, 0);
        var second = motion.Next(3, now, 0);

        Assert.Equal(first.FixMs + 1, second.FixMs);
        Assert.InRange(first.Fix.Lat, -90, 90);
        Assert.InRange(first.Fix.Lon, -180, 180);
    }
}

public sealed class LatencyBookTests
{
    [Fact]
    public void TryGetSent_RecordedFix_IsFoundByPlateAndFixTime()
    {
        var book = new LatencyBook();
        book.RecordSent("渝K00001", 1_700_000_000_123, 42);

        Assert.True(book.TryGetSent("渝K00001", 1_700_000_000_123, out var sent));
        Assert.Equal(42, sent);
        Assert.False(book.TryGetSent("渝K00001", 1_700_000_000_124, out _));
    }
}
