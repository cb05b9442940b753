using Grpc.Core;
using HazChem.Transport.Contracts.Common.V1;
using HazChem.Transport.Contracts.Waybill.V1;
using HazChem.Transport.TestSupport;

namespace HazChem.Transport.Waybill.Tests.Service;

/// <summary>ISSUED → LOADED → IN_TRANSIT → DELIVERED, cancellations and amendments, each recorded and published in order.</summary>
public sealed class WaybillLifecycleServiceTests(PostgresFixture postgres, KafkaFixture kafka, StackCache cache) : IClassFixture<StackCache>
{
    private Task<WaybillStack> StackAsync() => cache.GetAsync(postgres, kafka, "waybill_lifecycle");

    [Fact]
    public async Task Lifecycle_IssueLoadDepartDeliver_RecordsEveryTransitionAndPublishesThemInOrder()
    {
        var stack = await StackAsync();
        var r = stack.Register();
        var carrier = stack.Waybill.As("carrier", r.CarrierId);
        var id = (await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), carrier)).Waybill.Id;

        var loaded = (await stack.Client.MarkWaybillLoadedAsync(Loaded(id, "check-1", 19500), stack.Waybill.As("service", "HazChem.Transport.LoadingCheck"))).Waybill;
        var departed = (await stack.Client.DepartWaybillAsync(new DepartWaybillRequest { Id = id, Note = "left the terminal" }, carrier)).Waybill;
        var delivered = (await stack.Client.DeliverWaybillAsync(new DeliverWaybillRequest { Id = id, Note = "unloaded" }, carrier)).Waybill;

        Assert.Equal((WaybillStatus.Loaded, 2, "check-1"), (loaded.Status, loaded.Version, loaded.LoadingCheckId));
        Assert.Equal(("1203", 19500.0), (loaded.Loaded.Single().UnNumber, loaded.Loaded.Single().QuantityKg));
        Assert.Equal((WaybillStatus.InTransit, 3), (departed.Status, departed.Version));
        Assert.Equal((WaybillStatus.Delivered, 4), (delivered.Status, delivered.Version));
        Assert.Equal(
            [
                (WaybillEvent.Types.EventType.Issued, 1, WaybillStatus.Issued, r.CarrierId, ""),
                (WaybillEvent.Types.EventType.Loaded, 2, WaybillStatus.Loaded, "HazChem.Transport.LoadingCheck", "loading check check-1 at terminal T001"),
                (WaybillEvent.Types.EventType.InTransit, 3, WaybillStatus.InTransit, r.CarrierId, "left the terminal"),
                (WaybillEvent.Types.EventType.Delivered, 4, WaybillStatus.Delivered, r.CarrierId, "unloaded"),
            ],
            delivered.History.Select(h => (h.Type, h.Version, h.Status, h.Actor, h.Reason)));
        Assert.All(delivered.History, h => Assert.True(h.At.ToDateTime() > DateTime.UtcNow.AddMinutes(-5)));

        var events = await stack.ConsumeEventsAsync(id, expected: 4);
        Assert.Equal([id + ":1", id + ":2", id + ":3", id + ":4"], events.Select(e => e.Event.EventId));
        Assert.Equal([WaybillStatus.Issued, WaybillStatus.Loaded, WaybillStatus.InTransit, WaybillStatus.Delivered], events.Select(e => e.Event.Status));

        // The vehicle is free again: the next trip can be issued, and the old one reads back per version.
        var next = (await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), carrier)).Waybill;
        Assert.Equal(WaybillStatus.Issued, next.Status);
        var firstVersion = (await stack.Client.GetWaybillAsync(new GetWaybillRequest { Id = id, Version = 1 }, carrier)).Waybill;
        Assert.Equal((WaybillStatus.Issued, 1, 1), (firstVersion.Status, firstVersion.Version, firstVersion.History.Count));
    }

    [Fact]
    public async Task Transition_NotAllowedInTheCurrentStatus_IsRefusedWithWState()
    {
        var stack = await StackAsync();
        var r = stack.Register();
        var carrier = stack.Waybill.As("carrier", r.CarrierId);
        var id = (await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), carrier)).Waybill.Id;

        var departEarly = await Assert.ThrowsAsync<RpcException>(() => stack.Client.DepartWaybillAsync(new DepartWaybillRequest { Id = id }, carrier).ResponseAsync);
        await stack.Client.MarkWaybillLoadedAsync(Loaded(id, "check-2", 20000), stack.Waybill.As("service", "loadingcheck"));
        await stack.Client.DepartWaybillAsync(new DepartWaybillRequest { Id = id }, carrier);
        var cancelInTransit = await Assert.ThrowsAsync<RpcException>(() => stack.Client.CancelWaybillAsync(new CancelWaybillRequest { Id = id, Reason = "changed plans" }, carrier).ResponseAsync);

        foreach (var error in new[] { departEarly, cancelInTransit })
        {
            Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
            Assert.Equal("W-STATE", error.GetRpcStatus()!.GetDetail<RuleFindings>().Findings.Single().Code);
        }

        Assert.Contains("ISSUED", departEarly.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(3, (await stack.Client.GetWaybillAsync(new GetWaybillRequest { Id = id }, carrier)).Waybill.Version);
    }

    [Fact]
    public async Task CancelWaybill_WithReason_IsCancelledAndFreesTheVehicle()
    {
        var stack = await StackAsync();
        var r = stack.Register();
        var carrier = stack.Waybill.As("carrier", r.CarrierId);
        var id = (await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), carrier)).Waybill.Id;

        var noReason = await Assert.ThrowsAsync<RpcException>(() => stack.Client.CancelWaybillAsync(new CancelWaybillRequest { Id = id }, carrier).ResponseAsync);
        var (status, body) = await stack.Waybill.RestAsync(HttpMethod.Post, $"/api/v1/waybills/{id}:cancel", "carrier", r.CarrierId, new { reason = "consignee closed" });

        Assert.Equal("reason", noReason.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Single().Field);
        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        Assert.Equal(("CANCELLED", "consignee closed"), (body.GetProperty("status").GetString(), body.GetProperty("cancelReason").GetString()));
        var active = await Assert.ThrowsAsync<RpcException>(() => stack.Client.GetActiveWaybillForVehicleAsync(new GetActiveWaybillForVehicleRequest { Plate = r.Plate }, carrier).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, active.StatusCode);
        var events = await stack.ConsumeEventsAsync(id, expected: 2);
        Assert.Equal((WaybillEvent.Types.EventType.Cancelled, "consignee closed"), (events[1].Event.Type, events[1].Event.Reason));
    }

    [Fact]
    public async Task AmendWaybill_WhileIssued_IsANewVersionCheckedByTheRules()
    {
        var stack = await StackAsync();
        var r = stack.Register();
        var carrier = stack.Waybill.As("carrier", r.CarrierId);
        var issued = (await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), carrier)).Waybill;

        var tooHeavy = await Assert.ThrowsAsync<RpcException>(() => stack.Client.AmendWaybillAsync(
            Amend(issued.Id, WaybillStack.IssueRequest(r, WaybillStack.Goods("1203", "3", "II", 22000)), "more fuel"), carrier).ResponseAsync);
        var stale = await Assert.ThrowsAsync<RpcException>(() => stack.Client.AmendWaybillAsync(
            Amend(issued.Id, WaybillStack.IssueRequest(r), "typo", expectedVersion: 7), carrier).ResponseAsync);
        var amended = (await stack.Client.AmendWaybillAsync(
            Amend(issued.Id, WaybillStack.IssueRequest(r, WaybillStack.Goods("1203", "3", "II", 18000), WaybillStack.Goods("1202", "3", "III", 2000)), "split the load", expectedVersion: 1), carrier)).Waybill;

        Assert.Equal("W-LOAD-TANK", tooHeavy.GetRpcStatus()!.GetDetail<RuleFindings>().Findings.Single().Code);
        Assert.Equal(StatusCode.Aborted, stale.StatusCode);
        Assert.Equal((issued.Id, 2, WaybillStatus.Issued), (amended.Id, amended.Version, amended.Status));
        Assert.Equal([18000.0, 2000.0], amended.Goods.Select(g => g.QuantityKg));
        Assert.Equal((WaybillEvent.Types.EventType.Amended, "split the load"), (amended.History[1].Type, amended.History[1].Reason));
        var original = (await stack.Client.GetWaybillAsync(new GetWaybillRequest { Id = issued.Id, Version = 1 }, carrier)).Waybill;
        Assert.Equal([20000.0], original.Goods.Select(g => g.QuantityKg));
        var events = await stack.ConsumeEventsAsync(issued.Id, expected: 2);
        Assert.Equal(["1203", "1202"], events[1].Event.UnNumbers);

        await stack.Client.MarkWaybillLoadedAsync(Loaded(issued.Id, "check-3", 18000), stack.Waybill.As("service", "loadingcheck"));
        var afterLoading = await Assert.ThrowsAsync<RpcException>(() => stack.Client.AmendWaybillAsync(Amend(issued.Id, WaybillStack.IssueRequest(r), "too late"), carrier).ResponseAsync);
        Assert.Equal("W-STATE", afterLoading.GetRpcStatus()!.GetDetail<RuleFindings>().Findings.Single().Code);
    }

    [Fact]
    public async Task MarkWaybillLoaded_ByCarrierOrAboveTheWaybillQuantity_IsRefusedAndARetryIsIdempotent()
    {
        var stack = await StackAsync();
        var r = stack.Register();
        var carrier = stack.Waybill.As("carrier", r.CarrierId);
        var service = stack.Waybill.As("service", "loadingcheck");
        var id = (await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), carrier)).Waybill.Id;

        var byCarrier = await Assert.ThrowsAsync<RpcException>(() => stack.Client.MarkWaybillLoadedAsync(Loaded(id, "check-4", 19000), carrier).ResponseAsync);
        var tooMuch = await Assert.ThrowsAsync<RpcException>(() => stack.Client.MarkWaybillLoadedAsync(Loaded(id, "check-4", 20001), service).ResponseAsync);
        var first = (await stack.Client.MarkWaybillLoadedAsync(Loaded(id, "check-4", 19000), service)).Waybill;
        var retry = (await stack.Client.MarkWaybillLoadedAsync(Loaded(id, "check-4", 19000), service)).Waybill;
        var otherCheck = await Assert.ThrowsAsync<RpcException>(() => stack.Client.MarkWaybillLoadedAsync(Loaded(id, "check-5", 19000), service).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, byCarrier.StatusCode);
        Assert.Equal("L-QUANTITY", tooMuch.GetRpcStatus()!.GetDetail<RuleFindings>().Findings.Single().Code);
        Assert.Equal((2, 2), (first.Version, retry.Version));
        Assert.Equal("W-STATE", otherCheck.GetRpcStatus()!.GetDetail<RuleFindings>().Findings.Single().Code);
    }

    [Fact]
    public async Task CancelWaybill_ConcurrentCancellations_ExactlyOneWinsTheOthersSeeWState()
    {
        var stack = await StackAsync();
        var r = stack.Register();
        var carrier = stack.Waybill.As("carrier", r.CarrierId);
        var id = (await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), carrier)).Waybill.Id;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 5).Select(async i =>
        {
            try
            {
                return (await stack.Client.CancelWaybillAsync(new CancelWaybillRequest { Id = id, Reason = $"reason {i}" }, carrier)).Waybill.Status.ToString();
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
            {
                return ex.GetRpcStatus()!.GetDetail<RuleFindings>().Findings.Single().Code;
            }
        }));

        Assert.Single(outcomes, o => o == nameof(WaybillStatus.Cancelled));
        Assert.Equal(4, outcomes.Count(o => o == "W-STATE"));
        var waybill = (await stack.Client.GetWaybillAsync(new GetWaybillRequest { Id = id }, carrier)).Waybill;
        Assert.Equal((2, 2), (waybill.Version, waybill.History.Count));
    }

    [Fact]
    public async Task GetWaybill_UnknownIdOrVersion_IsNotFound()
    {
        var stack = await StackAsync();
        var r = stack.Register();
        var carrier = stack.Waybill.As("carrier", r.CarrierId);
        var id = (await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), carrier)).Waybill.Id;

        var (status, _) = await stack.Waybill.RestAsync(HttpMethod.Get, "/api/v1/waybills/nope", "police", "officer-1");
        var version = await Assert.ThrowsAsync<RpcException>(() => stack.Client.GetWaybillAsync(new GetWaybillRequest { Id = id, Version = 2 }, carrier).ResponseAsync);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, status);
        Assert.Equal(StatusCode.NotFound, version.StatusCode);
    }

    private static MarkWaybillLoadedRequest Loaded(string id, string checkId, double kg) =>
        new() { Id = id, LoadingCheckId = checkId, TerminalId = "T001", Loaded = { new LoadedLine { UnNumber = "1203", QuantityKg = kg } } };

    private static AmendWaybillRequest Amend(string id, IssueWaybillRequest content, string reason, int expectedVersion = 0)
    {
        var amend = new AmendWaybillRequest
        {
            Id = id,
            Reason = reason,
            ExpectedVersion = expectedVersion,
            Consignor = content.Consignor,
            Consignee = content.Consignee,
            LoadingUnit = content.LoadingUnit,
            VehiclePlate = content.VehiclePlate,
            TrailerPlate = content.TrailerPlate,
            TankNumber = content.TankNumber,
            DriverId = content.DriverId,
            EscortId = content.EscortId,
            Origin = content.Origin,
            Destination = content.Destination,
            Route = content.Route,
            Window = content.Window,
            EmergencyPhone = content.EmergencyPhone,
            RoadPassNumber = content.RoadPassNumber,
        };
        amend.Goods.AddRange(content.Goods);
        return amend;
    }
}
