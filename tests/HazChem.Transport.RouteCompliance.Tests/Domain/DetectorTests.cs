using HazChem.Transport.Contracts.Compliance.V1;
using HazChem.Transport.Geofence;
using HazChem.Transport.RouteCompliance.Domain;

namespace HazChem.Transport.RouteCompliance.Tests.Domain;

/// <summary>C-WINDOW, C-SPEED, C-FATIGUE, C-OFFLINE, C-NO-WAYBILL and C-STOP with the DOMAIN.md default thresholds.</summary>
public sealed class DetectorTests
{
    private static readonly TimeSpan TenSeconds = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);

    [Fact]
    public void Process_MovingAfterTheTravelWindow_OpensOutsideTravelWindowFromTheFirstMovingFix()
    {
        var drive = new Drive { Trip = Drive.NewTrip() };
        var after = Drive.T0.AddHours(9);                                            // the window's end
        drive.Stay(after.AddMinutes(-2), TenSeconds, 6, 106.60, Drive.RouteLat, speedKmh: 0);
        drive.Stay(after.AddMinutes(1), TenSeconds, 6, 106.60, Drive.RouteLat, speedKmh: 30);

        var opened = Assert.Single(drive.Of(ViolationKind.OutsideTravelWindow));
        Assert.Equal(ChangeType.Opened, opened.Type);
        Assert.Equal(after.AddMinutes(1), opened.Violation.Start);
        Assert.Equal("C-WINDOW", opened.Violation.Code);
    }

    [Fact]
    public void Process_StationaryOutsideTheTravelWindow_RaisesNothing()
    {
        var drive = new Drive { Trip = Drive.NewTrip() };
        drive.Stay(Drive.T0.AddHours(-2), TenSeconds, 20, 106.5, Drive.RouteLat, speedKmh: 3);

        Assert.Empty(drive.Of(ViolationKind.OutsideTravelWindow));
    }

    [Fact]
    public void Process_Over80For30SecondsAndMore_OpensUpdatesTheNewPeakAndClosesWhenSlower()
    {
        var drive = new Drive { Trip = Drive.NewTrip() };
        var t = Drive.T0;
        drive.Stay(t, TenSeconds, 4, 106.60, Drive.RouteLat, speedKmh: 95);          // 0..30 s: opens at 30 s
        drive.Stay(t.AddSeconds(40), TenSeconds, 6, 106.60, Drive.RouteLat, speedKmh: 90);
        drive.At(t.AddSeconds(100), 106.60, Drive.RouteLat, speedKmh: 110);         // new peak a minute after opening
        drive.Stay(t.AddSeconds(120), TenSeconds, 4, 106.60, Drive.RouteLat, speedKmh: 60);

        var changes = drive.Of(ViolationKind.Overspeed).ToList();
        Assert.Equal([ChangeType.Opened, ChangeType.Updated, ChangeType.Closed], changes.Select(c => c.Type));
        var v = changes[^1].Violation;
        Assert.Equal(t, v.Start);
        Assert.Equal(t.AddSeconds(120), v.End);
        Assert.Equal(110, v.MaxSpeedKmh);
        Assert.Equal(80, v.SpeedLimitKmh);
        Assert.Equal("", v.ZoneId);
        Assert.Contains(v.Evidence, e => e.Note == "max speed 110 km/h");
        Assert.Equal([1, 2, 3], changes.Select(c => c.Violation.Revision));
    }

    [Fact]
    public void Process_Over80ForLessThan30Seconds_RaisesNothing()
    {
        var drive = new Drive { Trip = Drive.NewTrip() };
        drive.Stay(Drive.T0, TenSeconds, 3, 106.60, Drive.RouteLat, speedKmh: 120);
        drive.Stay(Drive.T0.AddSeconds(30), TenSeconds, 5, 106.60, Drive.RouteLat, speedKmh: 70);

        Assert.Empty(drive.Changes);
    }

    [Fact]
    public void Process_OverTheLowerLimitOfAZone_OpensWithTheZoneAndItsLimit()
    {
        var drive = new Drive { Trip = Drive.NewTrip(), Index = new GeofenceIndex([Drive.Square("tunnel-1", kind: "tunnel", hazardClasses: ["1"], speedLimitKmh: 40)]) };
        drive.Stay(Drive.T0, TenSeconds, 6, 106.60, Drive.RouteLat, speedKmh: 55);

        var opened = Assert.Single(drive.Changes);
        Assert.Equal(ViolationKind.Overspeed, opened.Violation.Kind);
        Assert.Equal("tunnel-1", opened.Violation.ZoneId);
        Assert.Equal(40, opened.Violation.SpeedLimitKmh);
    }

    [Fact]
    public void Process_DrivingOverFourHoursWithoutRest_OpensFatigueAndTheRestClosesItAtItsStart()
    {
        var drive = new Drive { Trip = Drive.NewTrip() };
        var t = Drive.T0;
        for (var i = 0; i <= 54; i++)                                              // 4 h 30 min of driving
        {
            drive.At(t + (FiveMinutes * i), 106.5 + (i * 0.001), Drive.RouteLat, speedKmh: 50);
        }

        var restStart = t + (FiveMinutes * 55);
        drive.Stay(restStart, FiveMinutes, 5, 106.56, Drive.RouteLat, speedKmh: 0);  // 20 min stationary

        var changes = drive.Of(ViolationKind.Fatigue).ToList();
        Assert.Equal([ChangeType.Opened, ChangeType.Closed], changes.Select(c => c.Type));
        Assert.Equal(t.AddHours(4).AddMinutes(5), changes[0].Violation.Start);
        Assert.Equal(restStart, changes[1].Violation.End);
        Assert.Equal("C-FATIGUE", changes[1].Violation.Code);
    }

    [Fact]
    public void Process_DrivingFourAndAHalfHoursWithATwentyMinuteRest_RaisesNoFatigue()
    {
        var drive = new Drive { Trip = Drive.NewTrip() };
        var t = Drive.T0;
        drive.Stay(t, FiveMinutes, 25, 106.5, Drive.RouteLat, speedKmh: 50);        // 2 h
        drive.Stay(t.AddHours(2).AddMinutes(5), FiveMinutes, 5, 106.5, Drive.RouteLat, speedKmh: 0);
        drive.Stay(t.AddHours(2).AddMinutes(30), FiveMinutes, 30, 106.5, Drive.RouteLat, speedKmh: 50);

        Assert.Empty(drive.Of(ViolationKind.Fatigue));
    }

    [Fact]
    public void Process_ShortStopsOnly_DoNotResetTheDrivingStretch()
    {
        var drive = new Drive { Trip = Drive.NewTrip() };
        var t = Drive.T0;
        for (var i = 0; i <= 60; i++)                                              // 5 h with a 10-minute stop every hour
        {
            drive.At(t + (FiveMinutes * i), 106.5, Drive.RouteLat, speedKmh: i % 12 is 10 or 11 ? 0 : 50);
        }

        Assert.Equal(ChangeType.Opened, Assert.Single(drive.Of(ViolationKind.Fatigue)).Type);
    }

    [Fact]
    public void Sweep_NoFixForOver20MinutesWhileInTransit_OpensGpsOfflineFromTheLastFixAndTheNextFixClosesIt()
    {
        var drive = new Drive { Trip = Drive.NewTrip() };
        drive.At(Drive.T0, 106.6, Drive.RouteLat);
        drive.Sweep(Drive.T0.AddMinutes(19));
        Assert.Empty(drive.Changes);

        drive.Sweep(Drive.T0.AddMinutes(21));
        drive.Sweep(Drive.T0.AddMinutes(22));
        drive.At(Drive.T0.AddMinutes(25), 106.7, Drive.RouteLat);

        var changes = drive.Of(ViolationKind.GpsOffline).ToList();
        Assert.Equal([ChangeType.Opened, ChangeType.Closed], changes.Select(c => c.Type));
        Assert.Equal(Drive.T0, changes[1].Violation.Start);
        Assert.Equal(Drive.T0.AddMinutes(25), changes[1].Violation.End);
        Assert.Equal("last fix before the gap", changes[0].Violation.Evidence[0].Note);
        Assert.Equal(ViolationIds.Create(Drive.Plate, ViolationKind.GpsOffline, "wb-1", Drive.T0), changes[1].Violation.Id);
    }

    [Fact]
    public void Process_GapTheSweepDidNotSee_RecordsTheSameEpisodeOpenedAndClosed()
    {
        var drive = new Drive { Trip = Drive.NewTrip() };
        drive.At(Drive.T0, 106.6, Drive.RouteLat);
        drive.At(Drive.T0.AddMinutes(30), 106.7, Drive.RouteLat);

        var changes = drive.Of(ViolationKind.GpsOffline).ToList();
        Assert.Equal([ChangeType.Opened, ChangeType.Closed], changes.Select(c => c.Type));
        Assert.Equal(ViolationIds.Create(Drive.Plate, ViolationKind.GpsOffline, "wb-1", Drive.T0), changes[1].Violation.Id);
        Assert.Equal(Drive.T0.AddMinutes(30), changes[1].Violation.End);
    }

    [Fact]
    public void Process_FirstFixAfterTheStateWasLost_InventsNoOfflineEpisode()
    {
        // Loaded three hours ago; the hot state was lost and rebuilt just now: the gap before the rebuild is unknown.
        var drive = new Drive { Trip = Drive.NewTrip(monitoredSince: Drive.T0.AddHours(-3)) };
        drive.State.RebuiltAt = Drive.T0.AddMinutes(-1);
        drive.Sweep(Drive.T0.AddMinutes(5));
        drive.At(Drive.T0.AddMinutes(6), 106.6, Drive.RouteLat);
        drive.Sweep(Drive.T0.AddMinutes(20));

        Assert.Empty(drive.Changes);
        drive.Sweep(Drive.T0.AddMinutes(27));
        Assert.Equal(Drive.T0.AddMinutes(6), Assert.Single(drive.Changes).Violation.Start);
    }

    [Fact]
    public void Sweep_WaybillOnlyIssued_RaisesNoGpsOffline()
    {
        var drive = new Drive { Trip = Drive.NewTrip(status: TripStatus.Issued) };
        drive.At(Drive.T0, 106.6, Drive.RouteLat);
        drive.Sweep(Drive.T0.AddHours(2));
        drive.At(Drive.T0.AddHours(3), 106.6, Drive.RouteLat, speedKmh: 0);

        Assert.Empty(drive.Of(ViolationKind.GpsOffline));
    }

    [Fact]
    public void Process_Over5KilometresWithoutAWaybill_OpensFromTheFirstFixAndClosesWhenAWaybillIsActive()
    {
        var drive = new Drive();
        var t = Drive.T0;
        for (var i = 0; i < 8; i++)                                                 // ≈ 970 m per minute
        {
            drive.At(t.AddMinutes(i), 106.5 + (i * 0.01), Drive.RouteLat, speedKmh: 58);
        }

        drive.Trip = Drive.NewTrip();
        drive.At(t.AddMinutes(8), 106.58, Drive.RouteLat, speedKmh: 58);

        var changes = drive.Of(ViolationKind.NoActiveWaybill).ToList();
        Assert.Equal([ChangeType.Opened, ChangeType.Closed], changes.Select(c => c.Type));
        Assert.Equal(t, changes[0].Violation.Start);
        Assert.Equal("C-NO-WAYBILL", changes[0].Violation.Code);
        Assert.Equal("", changes[0].Violation.WaybillId);
        Assert.Equal(t.AddMinutes(6), changes[0].Violation.Evidence[^1].FixTime); // 5.8 km reached at the seventh fix
        Assert.Equal(t.AddMinutes(8), changes[1].Violation.End);
    }

    [Fact]
    public void Process_3KilometresWithoutAWaybill_RaisesNothing()
    {
        var drive = new Drive();
        drive.Stay(Drive.T0, TimeSpan.FromMinutes(1), 4, 106.5, Drive.RouteLat);
        for (var i = 0; i < 4; i++)
        {
            drive.At(Drive.T0.AddMinutes(4 + i), 106.5 + (i * 0.01), Drive.RouteLat, speedKmh: 58);
        }

        Assert.Empty(drive.Changes);
    }

    [Fact]
    public void Process_HighHazardGoodsStationary40MinutesMidRoute_OpensAbnormalStopFromTheFirstStationaryFix()
    {
        var drive = new Drive { Trip = Drive.NewTrip(highHazard: true, goodsClasses: ["6.1"]) };
        var stop = Drive.T0;
        drive.Stay(stop, FiveMinutes, 9, 106.7, Drive.RouteLat, speedKmh: 0);
        drive.At(stop.AddMinutes(45), 106.71, Drive.RouteLat, speedKmh: 30);

        var changes = drive.Of(ViolationKind.AbnormalStop).ToList();
        Assert.Equal([ChangeType.Opened, ChangeType.Closed], changes.Select(c => c.Type));
        Assert.Equal(stop, changes[0].Violation.Start);
        Assert.Equal(stop.AddMinutes(45), changes[1].Violation.End);
        Assert.Equal(stop.AddMinutes(35), changes[0].Violation.Evidence[^1].FixTime);
    }

    [Fact]
    public void Process_HighHazardGoodsStationaryAtTheDestination_RaisesNothing()
    {
        var drive = new Drive { Trip = Drive.NewTrip(highHazard: true) };
        drive.Stay(Drive.T0, FiveMinutes, 12, 106.899, Drive.RouteLat, speedKmh: 0);

        Assert.Empty(drive.Of(ViolationKind.AbnormalStop));
    }

    [Fact]
    public void Process_OrdinaryGoodsStationaryMidRoute_RaisesNoAbnormalStop()
    {
        var drive = new Drive { Trip = Drive.NewTrip() };
        drive.Stay(Drive.T0, FiveMinutes, 12, 106.7, Drive.RouteLat, speedKmh: 0);

        Assert.Empty(drive.Of(ViolationKind.AbnormalStop));
    }
}
