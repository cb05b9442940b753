using HazChem.Transport.Contracts.Compliance.V1;
using HazChem.Transport.Geofence;
using HazChem.Transport.RouteCompliance.Domain;

namespace HazChem.Transport.RouteCompliance.Tests.Domain;

/// <summary>
/// Late and out-of-order fixes (JT/T 808 0x0704 blind-area uploads arriving after newer fixes) drive no transition:
/// they never create a phantom episode and never close or reopen a real one.
/// </summary>
public sealed class LateFixTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(20);

    [Fact]
    public void Process_LateFixesInsideAZoneTheVehicleHasLeft_CreateNoEpisode()
    {
        var drive = new Drive { Trip = Drive.NewTrip(), Index = new GeofenceIndex([Drive.Square("z1")]) };
        drive.Stay(Drive.T0.AddMinutes(10), Step, 3, 106.65, Drive.RouteLat);
        for (var i = 0; i < 10; i++)
        {
            var context = drive.At(Drive.T0.AddMinutes(2) + (Step * i), 106.60, Drive.RouteLat, late: true);
            Assert.Equal(FixFilter.LateReason, context.StopReason);
        }

        Assert.Empty(drive.Changes);
        Assert.Equal(10, drive.State.LateFixes);
        Assert.Empty(drive.State.InsideSince);
    }

    [Fact]
    public void Process_LateFixBackOnTheRouteDuringADeviation_DoesNotCloseIt()
    {
        var drive = new Drive { Trip = Drive.NewTrip() };
        drive.Stay(Drive.T0, TimeSpan.FromSeconds(30), 6, 106.60, Drive.North(1500));
        drive.Stay(Drive.T0.AddMinutes(-5), TimeSpan.FromSeconds(30), 6, 106.60, Drive.RouteLat);
        drive.Stay(Drive.T0.AddMinutes(3), TimeSpan.FromSeconds(30), 4, 106.60, Drive.North(1500));

        Assert.Equal([ChangeType.Opened], drive.Changes.Select(c => c.Type));
    }

    [Fact]
    public void Process_SameFixTwice_SecondDrivesNothing()
    {
        var drive = new Drive { Trip = Drive.NewTrip(), Index = new GeofenceIndex([Drive.Square("z1")]) };
        drive.Stay(Drive.T0, Step, 3, 106.60, Drive.RouteLat);
        var count = drive.Changes.Count;

        var again = drive.At(Drive.T0 + (Step * 2), 106.60, Drive.RouteLat);

        Assert.True(again.Stopped);
        Assert.Equal(count, drive.Changes.Count);
    }

    [Fact]
    public void Process_BlindAreaFixesNewerThanTheLast_ArePlacedInOrderAndCount()
    {
        // Fixes flagged late but newer than the last applied one fill a gap in order: they drive the detectors.
        var drive = new Drive { Trip = Drive.NewTrip(), Index = new GeofenceIndex([Drive.Square("z1")]) };
        drive.At(Drive.T0, 106.55, Drive.RouteLat);
        for (var i = 1; i <= 4; i++)
        {
            drive.At(Drive.T0 + (Step * i), 106.60, Drive.RouteLat, late: true);
        }

        var opened = Assert.Single(drive.Changes);
        Assert.Equal(Drive.T0 + Step, opened.Violation.Start);
    }

    [Fact]
    public void Process_SameFixesOnAFreshState_SameIdsAndEventIds()
    {
        static List<string> Run()
        {
            var drive = new Drive { Trip = Drive.NewTrip(), Index = new GeofenceIndex([Drive.Square("z1")]) };
            for (var i = 0; i < 30; i++)
            {
                drive.At(Drive.T0 + (Step * i), 106.571 + (i * 0.002), i is > 20 and < 28 ? Drive.North(1500) : Drive.RouteLat, speedKmh: 50);
            }

            return drive.Changes.Select(c => c.EventId).ToList();
        }

        var first = Run();
        Assert.NotEmpty(first);
        Assert.Equal(first, Run());
    }

    [Fact]
    public void Process_AHandlerThrows_TheOtherHandlersStillRun()
    {
        var failures = new List<string>();
        var pipeline = new FixPipeline(new ComplianceRules(), _ => Drive.NewTrip(), () => throw new InvalidOperationException("index broken"));
        var state = new VehicleState { Plate = Drive.Plate };
        var changes = new List<EpisodeChange>();
        for (var i = 0; i < 6; i++)
        {
            var fix = new Fix(Drive.Plate, Drive.T0.AddSeconds(30 * i), 106.6, Drive.North(1500), 40);
            changes.AddRange(pipeline.Process(fix, state, (handler, _) => failures.Add(handler.GetType().Name)).Changes);
        }

        Assert.Equal(6, failures.Count);
        Assert.All(failures, f => Assert.Equal(nameof(ZoneMembership), f));
        Assert.Equal(ViolationKind.RouteDeviation, Assert.Single(changes).Violation.Kind);
        Assert.Equal(Drive.T0.AddSeconds(150), state.Last?.Time);
    }

    [Fact]
    public void Process_BadFixes_NeverDriveAViolation()
    {
        var drive = new Drive { Trip = Drive.NewTrip() };
        var bad = new[]
        {
            new Fix(Drive.Plate, Drive.T0, 106.6, Drive.North(1500), 40, Valid: false),
            new Fix(Drive.Plate, Drive.T0.AddMinutes(1), 0, 0, 40),
            new Fix(Drive.Plate, Drive.T0.AddMinutes(2), 200, 29.5, 40),
            new Fix(Drive.Plate, Drive.T0.AddMinutes(30), 106.6, Drive.North(1500), 40, Received: Drive.T0.AddMinutes(3)),
        };
        foreach (var fix in bad)
        {
            Assert.True(drive.Pipeline.Process(fix, drive.State).Stopped);
        }

        Assert.Null(drive.State.Last);
    }
}
