using HazChem.Transport.RouteCompliance.Engine;
using Microsoft.Extensions.DependencyInjection;

namespace HazChem.Transport.RouteCompliance.Tests.Service;

/// <summary>Polling until the service has caught up (bounded by a generous deadline; never a timing assertion).</summary>
internal static class Waits
{
    /// <summary>Until the host knows the plate's active trip from the waybill events.</summary>
    public static async Task ForTripAsync(ComplianceHost host, string plate, string waybillId)
    {
        var trips = host.Services.GetRequiredService<TripDirectory>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (trips.Get(plate)?.WaybillId != waybillId)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The trip of {plate} never arrived from the waybill events.");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Until the plate's hot state says the fix at <paramref name="lastFix"/> was applied.</summary>
    public static async Task ForFixAsync(ComplianceHost host, string plate, DateTimeOffset lastFix)
    {
        var states = host.Services.GetRequiredService<VehicleStateStore>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await states.LoadAsync(plate, TestContext.Current.CancellationToken)).Last?.Time != lastFix)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The fix of {plate} at {lastFix:O} was never applied.");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
