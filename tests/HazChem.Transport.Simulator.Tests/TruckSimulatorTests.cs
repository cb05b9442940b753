using HazChem.Transport.Simulator.Fleet;
using HazChem.Transport.Simulator.Jt808;

namespace HazChem.Transport.Simulator.Tests;

public sealed class TruckSimulatorTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 1, 0, 0, TimeSpan.Zero);
    private static readonly FleetOptions Options = new() { Vehicles = 20 };
    private static readonly IReadOnlyList<TruckPlan> Fleet = FleetPlanner.Plan(Options);

    [Fact]
    public void Step_NormalTruckForAnHour_PlausibleFixesWithoutAlarmsOrJumps()
    {
        var truck = Fleet.First(t => t.Behaviour == TruckBehaviour.Normal);
        var fixes = Run(truck, TimeSpan.FromHours(1), TimeSpan.FromSeconds(5)).Select(s => s.Fix).ToList();

        Assert.All(fixes, f => Assert.Equal(0u, f.AlarmFlags));
        Assert.All(fixes, f => Assert.InRange(f.SpeedKmh, 40, 80));
        Assert.All(fixes, f => Assert.True(Math.Abs(f.Lat) <= 90 && Math.Abs(f.Lon) <= 180));
        for (var i = 1; i < fixes.Count; i++)
        {
            var seconds = (fixes[i].FixTime - fixes[i - 1].FixTime).TotalSeconds;
            Assert.True(seconds >= 1, "fix times strictly increase by whole seconds");
            var implied = Geo.DistanceM(new GeoPoint(fixes[i - 1].Lat, fixes[i - 1].Lon), new GeoPoint(fixes[i].Lat, fixes[i].Lon)) / seconds * 3.6;
            Assert.True(implied < 100, $"implied speed {implied:0} km/h at fix {i}");
        }

        Assert.True(fixes[^1].MileageKm > fixes[0].MileageKm + 40);
    }

    [Fact]
    public void Step_DeviatingTruck_OffRouteWithAlarmDuringTheEpisodeOnlyAndBackAfter()
    {
        var truck = Fleet.First(t => t.Behaviour == TruckBehaviour.Deviating);
        var steps = Run(truck, Options.Cycle, TimeSpan.FromSeconds(10));

        var during = steps.Where(s => s.At >= Options.AnomalyStart + TimeSpan.FromMinutes(1) && s.At < Options.AnomalyStart + Options.AnomalyDuration - TimeSpan.FromMinutes(1)).ToList();
        var outside = steps.Where(s => s.At < Options.AnomalyStart || s.At >= Options.AnomalyStart + Options.AnomalyDuration).ToList();
        Assert.NotEmpty(during);
        Assert.All(during, s => Assert.True(OffRouteM(truck, s.Fix) > 1_000, $"{OffRouteM(truck, s.Fix):0} m off at {s.At}"));
        Assert.All(during, s => Assert.NotEqual(0u, s.Fix.AlarmFlags & Jt808Bits.AlarmRouteDeviation));
        Assert.All(outside, s => Assert.True(OffRouteM(truck, s.Fix) < 100, $"{OffRouteM(truck, s.Fix):0} m off at {s.At}"));
        Assert.All(outside, s => Assert.Equal(0u, s.Fix.AlarmFlags));
    }

    [Fact]
    public void Step_SpeedingTruck_AboveEightyWithOverspeedBitDuringTheEpisode()
    {
        var truck = Fleet.First(t => t.Behaviour == TruckBehaviour.Speeding);
        var steps = Run(truck, Options.Cycle, TimeSpan.FromSeconds(10));

        var during = steps.Where(s => s.At >= Options.AnomalyStart && s.At < Options.AnomalyStart + Options.AnomalyDuration).ToList();
        Assert.NotEmpty(during);
        Assert.All(during, s => Assert.InRange(s.Fix.SpeedKmh, 95, 105));
        Assert.All(during, s => Assert.NotEqual(0u, s.Fix.AlarmFlags & Jt808Bits.AlarmOverspeed));
        Assert.All(steps.Except(during), s => Assert.True(s.Fix.SpeedKmh < 80));
    }

    [Fact]
    public void Step_ZoneTruckForAnHour_CrossesTheRestrictedZoneAndNormalTrucksNever()
    {
        var zoneTruck = Fleet.First(t => t.Behaviour == TruckBehaviour.RestrictedZone);
        bool Inside(LocationFix f) => Geo.Contains(Chongqing.RestrictedZone, new GeoPoint(f.Lat, f.Lon));

        var inside = Run(zoneTruck, TimeSpan.FromHours(1), TimeSpan.FromSeconds(5)).Count(s => Inside(s.Fix));

        Assert.InRange(inside, 10, 700);
        Assert.All(Fleet.Where(t => t.Behaviour == TruckBehaviour.Normal), t => Assert.DoesNotContain(Run(t, TimeSpan.FromHours(1), TimeSpan.FromSeconds(30)), s => Inside(s.Fix)));
    }

    [Fact]
    public void Step_RestartedLater_ContinuesNearWhereTheFirstRunIsThen()
    {
        var truck = Fleet.First(t => t.Behaviour == TruckBehaviour.Normal);
        var first = new TruckSimulator(truck, Options, Start);
        for (var t = TimeSpan.FromSeconds(5); t <= TimeSpan.FromMinutes(20); t += TimeSpan.FromSeconds(5))
        {
            first.Step(Start + t);
        }

        var at = Start + TimeSpan.FromMinutes(20) + TimeSpan.FromSeconds(5);
        var continued = first.Step(at).Fix;
        var restarted = new TruckSimulator(truck, Options, at - TimeSpan.FromSeconds(5)).Step(at).Fix;

        Assert.True(Geo.DistanceM(new GeoPoint(continued.Lat, continued.Lon), new GeoPoint(restarted.Lat, restarted.Lon)) < 1_000);
    }

    [Fact]
    public void Step_SilentTruck_HoldsFixesWhileSilentThenReleasesThemAllAsLateInOrder()
    {
        var truck = Fleet.First(t => t.Behaviour == TruckBehaviour.Silent);
        var steps = Run(truck, Options.AnomalyStart + Options.SilenceDuration + TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10));

        var offline = steps.Where(s => !s.Step.Online).ToList();
        var resumed = steps.First(s => s.Step.BlindBackfill.Count > 0);
        Assert.Equal(Options.SilenceDuration.TotalSeconds / 10, offline.Count);
        Assert.All(offline, s => Assert.InRange(s.At, Options.AnomalyStart, Options.AnomalyStart + Options.SilenceDuration));
        Assert.Equal(offline.Select(s => s.Fix.FixTime), resumed.Step.BlindBackfill.Select(f => f.FixTime));
        Assert.All(resumed.Step.BlindBackfill, f => Assert.True(f.Late));
        Assert.True(resumed.Step.Online);
        Assert.False(resumed.Fix.Late);
        Assert.Equal(1, steps.Count(s => s.Step.BlindBackfill.Count > 0));
    }

    [Fact]
    public void Step_PastTheRouteEnd_TurnsRoundAndStaysOnTheRoute()
    {
        var truck = Fleet.First(t => t.Behaviour == TruckBehaviour.Normal);
        var hours = truck.Route.LengthM / (truck.CruiseKmh / 3.6) / 3600 * 1.6;
        var fixes = Run(truck, TimeSpan.FromHours(hours), TimeSpan.FromSeconds(30)).Select(s => s.Fix).ToList();

        Assert.All(fixes, f => Assert.True(OffRouteM(truck, f) < 100));
        var headings = fixes.Select(f => f.HeadingDeg).ToList();
        Assert.Contains(headings, h => Math.Abs(((h - headings[0] + 540) % 360) - 180) < 60);
    }

    private static List<(TimeSpan At, TruckStep Step, LocationFix Fix)> Run(TruckPlan truck, TimeSpan length, TimeSpan every)
    {
        var simulator = new TruckSimulator(truck, Options, Start);
        var steps = new List<(TimeSpan, TruckStep, LocationFix)>();
        for (var t = every; t <= length; t += every)
        {
            var step = simulator.Step(Start + t);
            steps.Add((t, step, step.Fix));
        }

        return steps;
    }

    private static double OffRouteM(TruckPlan truck, LocationFix fix) => truck.Route.MinDistanceM(new GeoPoint(fix.Lat, fix.Lon), 20);
}
