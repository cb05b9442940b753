using HazChem.Transport.Contracts.Compliance.V1;
using HazChem.Transport.Geofence;
using HazChem.Transport.RouteCompliance.Domain;

namespace HazChem.Transport.RouteCompliance.Tests.Domain;

/// <summary>C-RESTRICTED-ZONE: inside a zone while its schedule bans the goods' class; hysteresis at the fence edge.</summary>
public sealed class RestrictedZoneTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(20);

    /// <summary>Along the route through the zone (106.59..106.61): inside for fixes 10..19, out from fix 20.</summary>
    private static void DriveThrough(Drive drive, int fixes = 26)
    {
        for (var i = 0; i < fixes; i++)
        {
            drive.At(Drive.T0 + (Step * i), 106.571 + (i * 0.002), Drive.RouteLat);
        }
    }

    [Fact]
    public void Process_DrivingThroughABannedZone_EpisodeFromTheFirstFixInsideToTheFirstFixOutside()
    {
        var drive = new Drive { Trip = Drive.NewTrip(), Index = new GeofenceIndex([Drive.Square("z1")]) };
        DriveThrough(drive);

        var changes = drive.Of(ViolationKind.RestrictedZone).ToList();
        Assert.Equal([ChangeType.Opened, ChangeType.Closed], changes.Select(c => c.Type));
        var v = changes[^1].Violation;
        Assert.Equal("z1", v.ZoneId);
        Assert.Equal("z1 name", v.ZoneName);
        Assert.Equal(Drive.T0 + (Step * 10), v.Start);
        Assert.Equal(Drive.T0 + (Step * 20), v.End);
        Assert.Equal("C-RESTRICTED-ZONE", v.Code);
        Assert.Equal(["3"], v.GoodsClasses);
        Assert.Equal(Drive.T0 + (Step * 10), v.Evidence[0].FixTime);
        Assert.Equal(Drive.T0 + (Step * 20), v.Evidence[^1].FixTime);
        // Opened once inside for 30 s: at the third fix inside.
        Assert.Equal(Drive.T0 + (Step * 12), changes[0].Violation.Evidence[^1].FixTime);
    }

    [Fact]
    public void Process_WobblingOnTheFenceEdge_OneEpisodeOnly()
    {
        var drive = new Drive { Trip = Drive.NewTrip(), Index = new GeofenceIndex([Drive.Square("z1")]) };
        var t = Drive.T0;
        drive.Stay(t, TimeSpan.FromSeconds(10), 6, 106.595, Drive.RouteLat);      // well inside for 50 s: opens
        for (var i = 0; i < 18; i++)
        {
            // East edge at 106.61: ±30 m either side every 10 s for three minutes.
            drive.At(t + TimeSpan.FromSeconds(60 + (i * 10)), i % 2 == 0 ? 106.6097 : 106.6103, Drive.RouteLat);
        }

        drive.Stay(t + TimeSpan.FromSeconds(240), TimeSpan.FromSeconds(10), 5, 106.63, Drive.RouteLat);

        var changes = drive.Of(ViolationKind.RestrictedZone).ToList();
        Assert.Equal([ChangeType.Opened, ChangeType.Closed], changes.Select(c => c.Type));
        // The last wobble (230 s) was outside and the vehicle stayed out: the episode ends there.
        Assert.Equal(t + TimeSpan.FromSeconds(230), changes[^1].Violation.End);
    }

    [Fact]
    public void Process_OneFixJustInsideTheEdge_RaisesNothing()
    {
        var drive = new Drive { Trip = Drive.NewTrip(), Index = new GeofenceIndex([Drive.Square("z1")]) };
        drive.At(Drive.T0, 106.615, Drive.RouteLat);
        drive.At(Drive.T0 + Step, 106.6098, Drive.RouteLat);
        drive.Stay(Drive.T0 + (Step * 2), Step, 5, 106.615, Drive.RouteLat);

        Assert.Empty(drive.Changes);
    }

    [Fact]
    public void Process_ZoneWhoseScheduleExcludesToday_RaisesNothing()
    {
        // T0 is a Tuesday; the ban applies at weekends only.
        var weekend = new ScheduleWindow([6, 7], new TimeOnly(7, 0), new TimeOnly(21, 0));
        var drive = new Drive { Trip = Drive.NewTrip(), Index = new GeofenceIndex([Drive.Square("z1", schedule: [weekend])]) };
        DriveThrough(drive);

        Assert.Empty(drive.Changes);
    }

    [Fact]
    public void Process_AlreadyInsideWhenTheBanBegins_InViolationFromTheBanStart()
    {
        // Tuesday 10:00–12:00 Shanghai = 02:00–04:00 UTC; the truck is parked inside from 09:50.
        var ban = new ScheduleWindow([2], new TimeOnly(10, 0), new TimeOnly(12, 0));
        var drive = new Drive { Trip = Drive.NewTrip(), Index = new GeofenceIndex([Drive.Square("z1", schedule: [ban])]) };
        drive.Stay(Drive.T0.AddMinutes(-10), TimeSpan.FromSeconds(90), 12, 106.60, Drive.RouteLat, speedKmh: 0);

        var opened = Assert.Single(drive.Of(ViolationKind.RestrictedZone));
        Assert.Equal(ChangeType.Opened, opened.Type);
        Assert.Equal(Drive.T0, opened.Violation.Start);
        Assert.Contains("ban began", opened.Violation.Evidence[0].Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Process_ZoneBansAnotherClass_RaisesNothing()
    {
        var drive = new Drive { Trip = Drive.NewTrip(), Index = new GeofenceIndex([Drive.Square("z1", hazardClasses: ["2", "8"])]) };
        DriveThrough(drive);

        Assert.Empty(drive.Changes);
    }

    [Fact]
    public void Process_ZoneBansTheWholeClassOfTheGoodsDivision_Opens()
    {
        var drive = new Drive { Trip = Drive.NewTrip(goodsClasses: ["2.1"]), Index = new GeofenceIndex([Drive.Square("z1", hazardClasses: ["2"])]) };
        DriveThrough(drive);

        Assert.Equal([ChangeType.Opened, ChangeType.Closed], drive.Of(ViolationKind.RestrictedZone).Select(c => c.Type));
    }

    [Fact]
    public void Process_TwoOverlappingZones_OneEpisodeEach()
    {
        var drive = new Drive { Trip = Drive.NewTrip(), Index = new GeofenceIndex([Drive.Square("z1"), Drive.Square("z2", halfDegrees: 0.02)]) };
        DriveThrough(drive, 40);

        var opened = drive.Of(ViolationKind.RestrictedZone).Where(c => c.Type == ChangeType.Opened).Select(c => c.Violation.ZoneId).Order().ToList();
        Assert.Equal(["z1", "z2"], opened);
    }

    [Fact]
    public void Process_ZoneDeletedWhileInside_ClosesTheEpisode()
    {
        var drive = new Drive { Trip = Drive.NewTrip(), Index = new GeofenceIndex([Drive.Square("z1")]) };
        drive.Stay(Drive.T0, Step, 4, 106.60, Drive.RouteLat);
        drive.Index = new GeofenceIndex([]);
        drive.Stay(Drive.T0 + (Step * 4), Step, 3, 106.60, Drive.RouteLat);

        var changes = drive.Of(ViolationKind.RestrictedZone).ToList();
        Assert.Equal([ChangeType.Opened, ChangeType.Closed], changes.Select(c => c.Type));
        Assert.Equal(Drive.T0 + (Step * 4), changes[^1].Violation.End);
    }
}
