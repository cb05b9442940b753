using HazChem.Transport.Contracts.Compliance.V1;
using HazChem.Transport.Contracts.Waybill.V1;
using HazChem.Transport.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HazChem.Transport.RouteCompliance.Tests.Service;

/// <summary>C-OFFLINE end to end in the service: the timer-driven sweep (on a fake clock) and the next fix.</summary>
public sealed class OfflineSweepTests(PostgresFixture postgres, KafkaFixture kafka)
{
    [Fact]
    public async Task Sweep_LoadedVehicleSilentFor21Minutes_OpensGpsOfflineAndTheNextFixClosesIt()
    {
        await using var stack = await ComplianceStack.CreateAsync(postgres, kafka, null, "rc_offline");
        var clock = new FakeTimeProvider(ComplianceFlowTests.Whole(DateTimeOffset.UtcNow));
        var host = await stack.StartHostAsync(services => services.AddSingleton<TimeProvider>(clock));
        var police = host.As("police", "officer-1");                              // issued before the clock moves
        var plate = ComplianceStack.NewPlate();
        await stack.PublishTripAsync("wb-offline", plate, [(106.5, 29.0), (106.9, 29.0)], WaybillStatus.Loaded, occurredAt: clock.GetUtcNow().AddMinutes(-5));
        await Waits.ForTripAsync(host, plate, "wb-offline");
        var lastFix = clock.GetUtcNow().AddMinutes(-1);
        await stack.PublishFixesAsync(plate, [(lastFix, 106.6, 29.0, 40)]);
        await Waits.ForFixAsync(host, plate, lastFix);

        clock.Advance(TimeSpan.FromMinutes(10));
        await Task.Delay(500, TestContext.Current.CancellationToken);
        var quiet = await host.Client.ListViolationsAsync(new ListViolationsRequest { Plate = plate, Kind = ViolationKind.GpsOffline }, police);
        clock.Advance(TimeSpan.FromMinutes(11));
        var opened = await WaitAsync(host, police, plate, v => v.Status == ViolationStatus.Open);
        var back = clock.GetUtcNow();
        await stack.PublishFixesAsync(plate, [(back, 106.61, 29.0, 40)]);
        var closed = await WaitAsync(host, police, plate, v => v.Status == ViolationStatus.Closed);

        Assert.Empty(quiet.Violations);
        Assert.Equal("C-OFFLINE", opened.Code);
        Assert.Equal("wb-offline", opened.WaybillId);
        Assert.Equal(lastFix, opened.StartTime.ToDateTimeOffset());
        Assert.Equal(opened.Id, closed.Id);
        Assert.Equal(back, closed.EndTime.ToDateTimeOffset());
        Assert.Equal("first fix after the gap", closed.Evidence[^1].Note);
    }

    private static async Task<Violation> WaitAsync(ComplianceHost host, global::Grpc.Core.CallOptions police, string plate, Func<Violation, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var list = await host.Client.ListViolationsAsync(new ListViolationsRequest { Plate = plate, Kind = ViolationKind.GpsOffline }, police);
            if (list.Violations.FirstOrDefault(done) is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No GPS_OFFLINE of {plate} as expected: {list}");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }
}
