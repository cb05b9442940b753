using System.Text.Json;
using HazChem.Transport.Benchmarks.Compliance;
using HazChem.Transport.Simulator.Fleet;
using Microsoft.Extensions.Time.Testing;

namespace HazChem.Transport.Benchmarks.Compliance.Tests;

public sealed class WaybillPlanTests
{
    private static readonly IReadOnlyList<TruckPlan> Fleet = FleetPlanner.Plan(new FleetOptions { Vehicles = 20, PlateLetters = "K", PhonePrefix = "0148", WaybillEvery = 0, Seed = 6006 });

    [Fact]
    public void Coordinates_SimulatorRoute_EveryPointInOrderAsLonLat()
    {
        var route = Fleet[0].Route;

        var coordinates = WaybillPlan.Coordinates(route);

        Assert.Equal(route.Points.Count, coordinates.Length);
        for (var i = 0; i < coordinates.Length; i++)
        {
            Assert.Equal([route.Points[i].Lon, route.Points[i].Lat], coordinates[i]);
        }
    }

    [Fact]
    public void Coordinates_FixesOfHoursOfDrivingBackAndForth_AllWithinTwentyMetresOfThePlannedRoute()
    {
        var motion = new FleetMotion(Fleet, Enumerable.Repeat(double.PositiveInfinity, Fleet.Count).ToArray(), TimeSpan.FromSeconds(30));
        var planned = Fleet.Select(t => new Route("planned", [.. WaybillPlan.Coordinates(t.Route).Select(c => new GeoPoint(c[1], c[0]))])).ToList();
        var now = new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero);
        var worst = 0.0;
        var backwards = 0;
        for (var minute = 0; minute <= 240; minute += 4)
        {
            for (var v = 0; v < Fleet.Count; v++)
            {
                var fix = motion.Next(v, now.AddMinutes(minute), minute * 60.0).Fix;
                worst = Math.Max(worst, planned[v].MinDistanceM(new GeoPoint(fix.Lat, fix.Lon), stepM: 20));
                var forward = Fleet[v].Route.At(0).HeadingDeg;
                backwards += Math.Abs(((fix.HeadingDeg - forward + 540) % 360) - 180) > 90 ? 1 : 0;
            }
        }

        Assert.InRange(worst, 0, 20); // sampled every 20 m, so ≤ 10 m off plus rounding; the corridor is 500 m
        Assert.True(backwards > 0, "some fixes are on the way back, so the whole polyline both ways is covered");
    }

    [Fact]
    public void Window_RunOfNinetySeconds_StartsAnHourBeforeAndEndsAnHourAfterTheRun()
    {
        var now = new DateTimeOffset(2026, 11, 23, 23, 30, 0, TimeSpan.Zero);

        var (start, end) = WaybillPlan.Window(now, TimeSpan.FromSeconds(90));

        Assert.Equal(now.AddHours(-1), start);
        Assert.Equal(now.AddSeconds(90).AddHours(1), end);
    }

    [Fact]
    public void Window_NegativeRun_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WaybillPlan.Window(DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void OutsideWindow_OnePercentOfAThousand_TenVehiclesSpreadOverTheFleet()
    {
        var probes = Enumerable.Range(0, 1000).Where(i => WaybillPlan.OutsideWindow(i, 0.01)).ToList();

        Assert.Equal([99, 199, 299, 399, 499, 599, 699, 799, 899, 999], probes);
        Assert.DoesNotContain(Enumerable.Range(0, 1000), i => WaybillPlan.OutsideWindow(i, 0));
    }

    [Fact]
    public void LaterWindow_Run_StartsWhereTheNormalWindowEnds()
    {
        var now = new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero);
        var run = TimeSpan.FromSeconds(90);

        var (start, end) = WaybillPlan.LaterWindow(now, run);

        Assert.Equal(WaybillPlan.Window(now, run).End, start);
        Assert.True(start > now + run);
        Assert.Equal(start.AddHours(1), end);
    }

    [Fact]
    public void GoodsOf_EvenAndOddVehicles_MotorSpiritAndSulphuricAcid()
    {
        Assert.Equal(("1203", "3", "II"), (WaybillPlan.GoodsOf(0).UnNumber, WaybillPlan.GoodsOf(0).Class, WaybillPlan.GoodsOf(0).PackingGroup));
        Assert.Equal(("1830", "8", "II"), (WaybillPlan.GoodsOf(1).UnNumber, WaybillPlan.GoodsOf(1).Class, WaybillPlan.GoodsOf(1).PackingGroup));
        Assert.Equal("1203", WaybillPlan.GoodsOf(998).UnNumber);
    }

    [Fact]
    public void Body_Vehicle_NamesItsPlateTankRouteEndsWindowAndGoods()
    {
        var truck = Fleet[3];
        var window = WaybillPlan.Window(new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(2));

        var json = JsonSerializer.SerializeToElement(WaybillPlan.Body(truck, "carrier-1", "driver-1", "escort-1", window));

        Assert.Equal(truck.Plate, json.GetProperty("vehiclePlate").GetString());
        Assert.Equal("BWB-" + truck.Plate[1..], json.GetProperty("tankNumber").GetString());
        Assert.Equal("carrier-1", json.GetProperty("carrierId").GetString());
        Assert.Equal(("driver-1", "escort-1"), (json.GetProperty("driverId").GetString(), json.GetProperty("escortId").GetString()));
        var route = json.GetProperty("route");
        Assert.Equal("WGS84", route.GetProperty("crs").GetString());
        Assert.Equal(WaybillPlan.CorridorMeters, route.GetProperty("corridorMeters").GetDouble());
        Assert.Equal(truck.Route.Points.Count, route.GetProperty("coordinates").GetArrayLength());
        Assert.Equal(truck.Route.Points[0].Lon, json.GetProperty("origin").GetProperty("lon").GetDouble());
        Assert.Equal(truck.Route.Points[^1].Lat, json.GetProperty("destination").GetProperty("lat").GetDouble());
        Assert.Equal(window.Start, json.GetProperty("window").GetProperty("start").GetDateTimeOffset());
        Assert.Equal(window.End, json.GetProperty("window").GetProperty("end").GetDateTimeOffset());
        var goods = Assert.Single(json.GetProperty("goods").EnumerateArray());
        Assert.Equal("1830", goods.GetProperty("unNumber").GetString());
        Assert.Equal("8", goods.GetProperty("class").GetString());
    }
}

public sealed class RequestPacerTests
{
    [Fact]
    public void Reserve_ThreeAtOnceAtHundredPerSecond_SpacedTenMillisecondsApart()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero));
        var pacer = new RequestPacer(100, time);

        Assert.Equal(TimeSpan.Zero, pacer.Reserve());
        Assert.Equal(TimeSpan.FromMilliseconds(10), pacer.Reserve());
        Assert.Equal(TimeSpan.FromMilliseconds(20), pacer.Reserve());
    }

    [Fact]
    public void Reserve_AfterAnIdleSecond_NoWaitAndNoBurstBuiltUp()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero));
        var pacer = new RequestPacer(100, time);
        pacer.Reserve();

        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.Zero, pacer.Reserve());
        Assert.Equal(TimeSpan.FromMilliseconds(10), pacer.Reserve());
    }

    [Fact]
    public async Task WaitAsync_SecondRequest_CompletesOnlyWhenItsSlotComes()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero));
        var pacer = new RequestPacer(10, time);
        await pacer.WaitAsync(TestContext.Current.CancellationToken);

        var second = pacer.WaitAsync(TestContext.Current.CancellationToken);
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(100));

        await second;
        Assert.True(second.IsCompletedSuccessfully);
    }
}
