using System.Net;
using Grpc.Core;
using HazChem.Transport.Contracts.Waybill.V1;
using HazChem.Transport.TestSupport;

namespace HazChem.Transport.Waybill.Tests.Service;

/// <summary>Without the registry's verdict no waybill is issued: the caller gets UNAVAILABLE, never ISSUED.</summary>
public sealed class QualificationDependencyTests(PostgresFixture postgres, KafkaFixture kafka)
{
    [Fact]
    public async Task IssueWaybill_QualificationServiceDown_IsUnavailableAndNothingIsStored()
    {
        await using var stack = await WaybillStack.StartAsync(postgres, kafka, "waybill_qualification_down");
        var r = stack.Register();
        await stack.Waybill.DisposeAsync();
        // Nothing listens on port 1: the registry is down.
        await using var waybill = await WaybillTestHost.StartAsync(
            stack.SigningKey,
            new Dictionary<string, string?>(WaybillStack.Settings(stack.ConnectionString, stack.Topic, kafka)) { ["Services:Qualification"] = "http://127.0.0.1:1" },
            qualification: null);

        var error = await Assert.ThrowsAsync<RpcException>(() => waybill.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), waybill.As("carrier", r.CarrierId)).ResponseAsync);
        var (status, body) = await waybill.RestAsync(HttpMethod.Post, "/api/v1/waybills", "carrier", r.CarrierId, WaybillStack.IssueJson(r));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("qualification registry did not answer", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("no waybill was issued", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty((await waybill.Client.ListWaybillsAsync(new ListWaybillsRequest { Plate = r.Plate }, waybill.As("admin", "authority"))).Waybills);
        Assert.Empty(await stack.ConsumeEventsAsync(r.Plate, expected: 0, settle: TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task IssueWaybill_QualificationSlowerThanTheDeadline_IsUnavailable()
    {
        await using var stack = await WaybillStack.StartAsync(postgres, kafka, "waybill_qualification_slow",
            extraSettings: new Dictionary<string, string?> { ["Waybill:QualificationTimeout"] = "00:00:00.300" });
        var r = stack.Register();
        // Far beyond the deadline, so "answered by the deadline, not by the registry" has a wide margin on a busy machine.
        stack.Qualification.Registry.Delay = TimeSpan.FromSeconds(60);
        var started = DateTime.UtcNow;

        var error = await Assert.ThrowsAsync<RpcException>(() => stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), stack.Waybill.As("carrier", r.CarrierId)).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("did not answer within 0.3 s", error.Status.Detail, StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30));
        stack.Qualification.Registry.Delay = TimeSpan.Zero;
        var missing = await Assert.ThrowsAsync<RpcException>(() => stack.Client.GetActiveWaybillForVehicleAsync(new GetActiveWaybillForVehicleRequest { Plate = r.Plate }, stack.Waybill.As("admin", "authority")).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }
}
