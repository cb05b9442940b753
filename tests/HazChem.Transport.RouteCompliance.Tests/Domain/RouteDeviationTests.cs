using HazChem.Transport.Contracts.Compliance.V1;
using HazChem.Transport.RouteCompliance.Domain;

namespace HazChem.Transport.RouteCompliance.Tests.Domain;

/// <summary>C-ROUTE: farther than the corridor half-width for at least two minutes.</summary>
public sealed class RouteDeviationTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    [Fact]
    public void Process_1500MetresOffA500MetreCorridorForMinutes_OpensFromTheFirstFixOutsideAndClosesBackInside()
    {
        var drive = new Drive { Trip = Drive.NewTrip() };
        var t = Drive.T0;
        drive.Stay(t, Step, 3, 106.60, Drive.RouteLat);                              // on the route
        var firstOff = t + (Step * 3);
        for (var i = 0; i < 10; i++)
        {
            drive.At(firstOff + (Step * i), 106.61 + (i * 0.002), Drive.North(1500));
            drive.Reload();                                                          // state survives its store between fixes
        }

        var backOn = firstOff + (Step * 10);
        drive.Stay(backOn, Step, 4, 106.64, Drive.RouteLat);

        var changes = drive.Of(ViolationKind.RouteDeviation).ToList();
        Assert.Equal([ChangeType.Opened, ChangeType.Closed], changes.Select(c => c.Type));
        var closed = changes[^1].Violation;
        Assert.Equal(firstOff, closed.Start);
        Assert.Equal(backOn, closed.End);
        Assert.Equal("wb-1", closed.WaybillId);
        Assert.Equal("C-ROUTE", closed.Code);
        Assert.InRange(closed.MaxDistanceMeters, 1485, 1515);
        Assert.Contains(closed.Evidence, e => e.FixTime == firstOff);
        Assert.Contains(closed.Evidence, e => e.FixTime == backOn);
        Assert.Equal(changes[0].Violation.Id, closed.Id);
        Assert.Equal(ViolationIds.Create(Drive.Plate, ViolationKind.RouteDeviation, "wb-1", firstOff), closed.Id);
        // Opened once the vehicle had been off for two minutes (the fifth fix outside).
        Assert.Equal(firstOff + TimeSpan.FromMinutes(2), changes[0].Violation.Evidence.Max(e => e.FixTime));
    }

    [Fact]
    public void Process_OffTheCorridorShorterThanTwoMinutes_RaisesNothing()
    {
        var drive = new Drive { Trip = Drive.NewTrip() };
        drive.Stay(Drive.T0, Step, 4, 106.60, Drive.North(1500));                   // 90 s outside
        drive.Stay(Drive.T0 + (Step * 4), Step, 10, 106.62, Drive.RouteLat);

        Assert.Empty(drive.Changes);
    }

    [Fact]
    public void Process_400MetresOffA500MetreCorridor_RaisesNothing()
    {
        var drive = new Drive { Trip = Drive.NewTrip() };
        drive.Stay(Drive.T0, Step, 20, 106.60, Drive.North(400));

        Assert.Empty(drive.Changes);
    }

    [Fact]
    public void Process_BrieflyBackInsideWhileDeviating_KeepsOneEpisode()
    {
        var drive = new Drive { Trip = Drive.NewTrip() };
        drive.Stay(Drive.T0, Step, 6, 106.60, Drive.North(1500));
        drive.At(Drive.T0 + (Step * 6), 106.60, Drive.RouteLat);                    // one fix back inside
        drive.Stay(Drive.T0 + (Step * 7), Step, 4, 106.60, Drive.North(1500));

        Assert.Equal([ChangeType.Opened], drive.Changes.Select(c => c.Type));
    }

    [Fact]
    public void Process_NoActiveWaybill_RaisesNoRouteDeviation()
    {
        var drive = new Drive();
        drive.Stay(Drive.T0, Step, 10, 106.60, Drive.North(1500), speedKmh: 0);

        Assert.Empty(drive.Of(ViolationKind.RouteDeviation));
    }
}
