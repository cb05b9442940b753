using System.Net;
using Grpc.Core;
using HazChem.Transport.Contracts.Waybill.V1;
using HazChem.Transport.TestSupport;

namespace HazChem.Transport.Waybill.Tests.Service;

/// <summary>Who may do what: the RPC policies, and a carrier token limited to its own carrier — decided before any rule.</summary>
public sealed class WaybillAccessTests(PostgresFixture postgres, KafkaFixture kafka, StackCache cache) : IClassFixture<StackCache>
{
    private Task<WaybillStack> StackAsync() => cache.GetAsync(postgres, kafka, "waybill_access");

    [Fact]
    public async Task IssueWaybill_AnotherCarriersToken_Is403BeforeAnyRule()
    {
        var stack = await StackAsync();
        var r = stack.Register();
        var evaluationsBefore = stack.Qualification.Registry.Evaluations.Count;

        // Even with malformed content, the answer is 403: authorization comes first.
        var (status, _) = await stack.Waybill.RestAsync(HttpMethod.Post, "/api/v1/waybills", "carrier", "someone-else", WaybillStack.IssueJson(r, emergencyPhone: ""));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(evaluationsBefore, stack.Qualification.Registry.Evaluations.Count);
    }

    [Fact]
    public async Task Waybill_AnotherCarrier_CannotReadOrChangeIt()
    {
        var stack = await StackAsync();
        var r = stack.Register();
        var id = (await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), stack.Waybill.As("carrier", r.CarrierId))).Waybill.Id;
        var other = stack.Waybill.As("carrier", "carrier-other");

        var read = await Assert.ThrowsAsync<RpcException>(() => stack.Client.GetWaybillAsync(new GetWaybillRequest { Id = id }, other).ResponseAsync);
        var cancel = await Assert.ThrowsAsync<RpcException>(() => stack.Client.CancelWaybillAsync(new CancelWaybillRequest { Id = id, Reason = "x" }, other).ResponseAsync);
        var active = await Assert.ThrowsAsync<RpcException>(() => stack.Client.GetActiveWaybillForVehicleAsync(new GetActiveWaybillForVehicleRequest { Plate = r.Plate }, other).ResponseAsync);
        var list = await Assert.ThrowsAsync<RpcException>(() => stack.Client.ListWaybillsAsync(new ListWaybillsRequest { CarrierId = r.CarrierId }, other).ResponseAsync);
        var (restStatus, _) = await stack.Waybill.RestAsync(HttpMethod.Get, $"/api/v1/waybills/{id}", "carrier", "carrier-other");

        Assert.All(new[] { read, cancel, active, list }, e => Assert.Equal(StatusCode.PermissionDenied, e.StatusCode));
        Assert.Equal(HttpStatusCode.Forbidden, restStatus);
        Assert.Equal(WaybillStatus.Issued, (await stack.Client.GetWaybillAsync(new GetWaybillRequest { Id = id }, stack.Waybill.As("police", "officer-1"))).Waybill.Status);
    }

    [Theory]
    [InlineData("police", HttpStatusCode.OK)]
    [InlineData("terminal", HttpStatusCode.OK)]
    [InlineData("admin", HttpStatusCode.OK)]
    [InlineData("gps", HttpStatusCode.Forbidden)]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    public async Task GetWaybill_ByRole_FollowsTheReadPolicy(string? role, HttpStatusCode expected)
    {
        var stack = await StackAsync();
        var r = stack.Register();
        var id = (await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), stack.Waybill.As("carrier", r.CarrierId))).Waybill.Id;

        var (status, _) = await stack.Waybill.RestAsync(HttpMethod.Get, $"/api/v1/waybills/{id}", role, "someone");

        Assert.Equal(expected, status);
    }

    [Theory]
    [InlineData("police")]
    [InlineData("terminal")]
    [InlineData("gps")]
    public async Task IssueWaybill_RoleWithoutWriteRights_Is403(string role)
    {
        var stack = await StackAsync();
        var r = stack.Register();

        var (status, _) = await stack.Waybill.RestAsync(HttpMethod.Post, "/api/v1/waybills", role, r.CarrierId, WaybillStack.IssueJson(r));

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task ListWaybills_Paged_ReturnsEachOfTheCarriersWaybillsOnceNewestFirst()
    {
        var stack = await StackAsync();
        var ids = new List<string>();
        var first = stack.Register();
        for (var i = 0; i < 5; i++)
        {
            // One carrier, five vehicles: register more vehicles under the first carrier.
            var r = i == 0 ? first : stack.Register() with { CarrierId = first.CarrierId };
            foreach (var key in new[] { r.Plate })
            {
                stack.Qualification.Registry.Vehicles[key].CarrierId = first.CarrierId;
            }

            ids.Add((await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), stack.Waybill.As("carrier", first.CarrierId))).Waybill.Id);
        }

        var other = stack.Register();
        await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(other), stack.Waybill.As("carrier", other.CarrierId));

        var seen = new List<string>();
        var pages = 0;
        var token = "";
        do
        {
            var (status, body) = await stack.Waybill.RestAsync(HttpMethod.Get, $"/api/v1/waybills?pageSize=2&pageToken={Uri.EscapeDataString(token)}", "carrier", first.CarrierId);
            Assert.Equal(HttpStatusCode.OK, status);
            seen.AddRange(body.GetProperty("waybills").EnumerateArray().Select(w => w.GetProperty("id").GetString()!));
            token = body.TryGetProperty("nextPageToken", out var next) ? next.GetString() ?? "" : "";
            pages++;
        }
        while (token.Length > 0 && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(ids), seen);
        var (_, byPlate) = await stack.Waybill.RestAsync(HttpMethod.Get, $"/api/v1/waybills?plate={Uri.EscapeDataString(first.Plate)}&status=ISSUED", "police", "officer-1");
        Assert.Equal([ids[0]], byPlate.GetProperty("waybills").EnumerateArray().Select(w => w.GetProperty("id").GetString()));
        var (_, active) = await stack.Waybill.RestAsync(HttpMethod.Get, $"/api/v1/vehicles/{Uri.EscapeDataString(first.Plate)}/waybill", "terminal", "T001");
        Assert.Equal(ids[0], active.GetProperty("id").GetString());
        var delivered = await stack.Client.ListWaybillsAsync(new ListWaybillsRequest { CarrierId = first.CarrierId, Status = WaybillStatus.Delivered }, stack.Waybill.As("admin", "authority"));
        Assert.Empty(delivered.Waybills);
        var badToken = await Assert.ThrowsAsync<RpcException>(() => stack.Client.ListWaybillsAsync(new ListWaybillsRequest { PageToken = "garbage!" }, stack.Waybill.As("admin", "authority")).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, badToken.StatusCode);
    }
}
