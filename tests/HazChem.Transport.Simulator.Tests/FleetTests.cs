using System.Text.RegularExpressions;
using HazChem.Transport.Simulator.Fleet;
using HazChem.Transport.Simulator.Jt808;

namespace HazChem.Transport.Simulator.Tests;

public sealed partial class FleetTests
{
    private static readonly FleetOptions Options = new() { Vehicles = 40 };

    [Fact]
    public void Plan_SameSeed_SameFleet()
    {
        var a = FleetPlanner.Plan(Options);
        var b = FleetPlanner.Plan(Options);

        Assert.Equal(a.Select(t => (t.Plate, t.Route.Name, t.Route.LengthM, t.StartDistanceM)), b.Select(t => (t.Plate, t.Route.Name, t.Route.LengthM, t.StartDistanceM)));
    }

    [Fact]
    public void Plan_FortyTrucks_ValidUniquePlatesAndPhonesBothEditionsEveryBehaviour()
    {
        var fleet = FleetPlanner.Plan(Options);

        Assert.All(fleet, t => Assert.Matches(PlateShape(), t.Plate));
        Assert.All(fleet, t => Assert.Matches("^[0-9]{12}$", t.TerminalPhone));
        Assert.Equal(fleet.Count, fleet.Select(t => t.Plate).Distinct().Count());
        Assert.Equal(fleet.Count, fleet.Select(t => t.TerminalPhone.TrimStart('0')).Distinct().Count());
        Assert.Equal(20, fleet.Count(t => t.Edition == Jt808Edition.V2013));
        Assert.Equal(20, fleet.Count(t => t.Edition == Jt808Edition.V2019));
        Assert.Equal(Enum.GetValues<TruckBehaviour>().Order(), fleet.Select(t => t.Behaviour).Distinct().Order());
        Assert.Equal(2, fleet.Count(t => t.Behaviour == TruckBehaviour.Silent));
        Assert.Equal(24, fleet.Count(t => t.HasWaybill));
        Assert.All(fleet.Where(t => t.Behaviour != TruckBehaviour.Normal), t => Assert.True(t.HasWaybill, t.Plate));
    }

    [Fact]
    public void Plan_Routes_StayAroundChongqingAndOnlyZoneTrucksCrossTheRestrictedZone()
    {
        var fleet = FleetPlanner.Plan(Options);

        foreach (var truck in fleet)
        {
            Assert.All(truck.Route.Points, p => Assert.True(p.Lat is > 28.9 and < 30.3 && p.Lon is > 105.7 and < 107.7, $"{truck.Plate} {p}"));
            Assert.InRange(truck.Route.LengthM, 10_000, 120_000);
            var inside = truck.Route.FirstDistanceInside(Chongqing.RestrictedZone);
            if (truck.Behaviour == TruckBehaviour.RestrictedZone)
            {
                Assert.NotNull(inside);
                Assert.InRange(inside.Value - truck.StartDistanceM, 2_000, 4_000);
            }
            else
            {
                Assert.Null(inside);
            }
        }
    }

    [Fact]
    public void PlateOf_BeyondOneHundredThousand_MovesToTheNextLetter()
    {
        Assert.Equal("渝D00000", FleetPlanner.PlateOf(Options, 0));
        Assert.Equal("渝D99999", FleetPlanner.PlateOf(Options, 99_999));
        Assert.Equal("渝E00000", FleetPlanner.PlateOf(Options, 100_000));
        Assert.Equal("014500100000", FleetPlanner.PhoneOf(Options, 100_000));
    }

    [Fact]
    public void Contains_RestrictedZone_CentreInsideAndHubsOutside()
    {
        Assert.True(Geo.Contains(Chongqing.RestrictedZone, Chongqing.RestrictedZoneCentre));
        Assert.All(Chongqing.Hubs, h => Assert.False(Geo.Contains(Chongqing.RestrictedZone, h.Point), h.Name));
    }

    [Fact]
    public void Offset_ThenDistanceAndBearing_RoundTrip()
    {
        var start = new GeoPoint(29.56, 106.55);

        var end = Geo.Offset(start, 60, 10_000);

        Assert.Equal(10_000, Geo.DistanceM(start, end), 1);
        Assert.Equal(60, Geo.BearingDeg(start, end), 0);
    }

    [GeneratedRegex("^渝[A-HJ-Z][A-HJ-NP-Z0-9]{5}$")]
    private static partial Regex PlateShape();
}
