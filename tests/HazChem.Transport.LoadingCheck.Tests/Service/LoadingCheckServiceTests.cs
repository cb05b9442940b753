using System.Net;
using Grpc.Core;
using HazChem.Transport.Contracts.Common.V1;
using HazChem.Transport.Contracts.LoadingCheck.V1;
using HazChem.Transport.Contracts.Waybill.V1;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.TestSupport;

namespace HazChem.Transport.LoadingCheck.Tests.Service;

/// <summary>
/// The check against the real registry and waybill services: PASS when everything is in order and the vehicle reported
/// a fix just now; each refusal with its failed item; and the record read back.
/// </summary>
public sealed class LoadingCheckServiceTests(PostgresFixture postgres, KafkaFixture kafka, StackCache cache) : IClassFixture<StackCache>
{
    [Fact]
    public async Task CreateLoadingCheck_EverythingInOrderAndRecentFix_PassesAndIsStored()
    {
        var stack = await cache.GetAsync(postgres, kafka, "lc_create");
        var r = await stack.RegisterAsync();
        var waybillId = await stack.IssueWaybillAsync(r);
        stack.Positions.Report(r.Plate, DateTimeOffset.UtcNow.AddMinutes(-1));

        var check = (await stack.Client.CreateLoadingCheckAsync(LoadingCheckStack.CheckRequest(r, waybillId), stack.As(Roles.Terminal, "T001"))).Check;

        Assert.True(check.Verdict == Verdict.Pass, check.ToString());
        Assert.Equal(
            ["L-VEHICLE-DOCS", "L-PERSONNEL", "L-INSPECTION", "L-TANK-MEDIUM", "L-GOODS-MATCH", "L-BLACKLIST", "L-GPS-ONLINE"],
            check.Items.Select(i => i.Code));
        Assert.All(check.Items, i => Assert.True(i.Passed, i.ToString()));
        Assert.Equal(
            [CheckCategory.Vehicle, CheckCategory.Personnel, CheckCategory.Tank, CheckCategory.Documents, CheckCategory.Gps],
            check.Items.Select(i => i.Category).Distinct());
        Assert.Equal(r.CarrierId, check.CarrierId);
        Assert.Equal(1, check.WaybillVersion);
        Assert.Equal("T001", check.CheckedBy);
        Assert.Null(check.Confirmation);

        var read = (await stack.Client.GetLoadingCheckAsync(new GetLoadingCheckRequest { Id = check.Id }, stack.As(Roles.Police, "officer-1"))).Check;
        Assert.Equal(check, read);
    }

    [Fact]
    public async Task CreateLoadingCheck_VehicleNeverReported_RefusesWithFailedGpsItemThenPassesAfterAFix()
    {
        var stack = await cache.GetAsync(postgres, kafka, "lc_create");
        var r = await stack.RegisterAsync();
        var waybillId = await stack.IssueWaybillAsync(r);
        var terminal = stack.As(Roles.Terminal, "T001");

        var refused = (await stack.Client.CreateLoadingCheckAsync(LoadingCheckStack.CheckRequest(r, waybillId), terminal)).Check;
        stack.Positions.Report(r.Plate, DateTimeOffset.UtcNow);
        var passed = (await stack.Client.CreateLoadingCheckAsync(LoadingCheckStack.CheckRequest(r, waybillId), terminal)).Check;

        Assert.Equal(Verdict.Refuse, refused.Verdict);
        var gps = Assert.Single(refused.Items, i => !i.Passed);
        Assert.Equal(CheckCategory.Gps, gps.Category);
        Assert.Equal("L-GPS-ONLINE", gps.Code);
        Assert.Contains("never reported", gps.Message, StringComparison.Ordinal);
        Assert.Equal(Verdict.Pass, passed.Verdict);
        Assert.Contains(r.Plate, stack.Positions.Asked);
    }

    [Fact]
    public async Task CreateLoadingCheck_FixOlderThanTenMinutes_RefusesWithGps()
    {
        var stack = await cache.GetAsync(postgres, kafka, "lc_create");
        var r = await stack.RegisterAsync();
        var waybillId = await stack.IssueWaybillAsync(r);
        stack.Positions.Report(r.Plate, DateTimeOffset.UtcNow.AddMinutes(-11));

        var check = (await stack.Client.CreateLoadingCheckAsync(LoadingCheckStack.CheckRequest(r, waybillId), stack.As(Roles.Terminal, "T001"))).Check;

        Assert.Equal(Verdict.Refuse, check.Verdict);
        Assert.Equal("L-GPS-ONLINE", Assert.Single(check.Items, i => !i.Passed).Code);
    }

    [Fact]
    public async Task CreateLoadingCheck_DriverNotTheWaybills_FailsPersonnel()
    {
        var stack = await cache.GetAsync(postgres, kafka, "lc_create");
        var r = await stack.RegisterAsync();
        var waybillId = await stack.IssueWaybillAsync(r);
        stack.Positions.Report(r.Plate, DateTimeOffset.UtcNow);
        var otherDriver = await stack.AnotherDriverAsync(r.CarrierId);
        var request = LoadingCheckStack.CheckRequest(r, waybillId);
        request.DriverId = otherDriver;

        var check = (await stack.Client.CreateLoadingCheckAsync(request, stack.As(Roles.Terminal, "T001"))).Check;

        Assert.Equal(Verdict.Refuse, check.Verdict);
        var personnel = Assert.Single(check.Items, i => i.Category == CheckCategory.Personnel);
        Assert.False(personnel.Passed);
        Assert.Equal("L-PERSONNEL", personnel.Code);
        Assert.Contains(otherDriver, personnel.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateLoadingCheck_BlacklistedVehicle_FailsBlacklistWithTheRegistryFinding()
    {
        var stack = await cache.GetAsync(postgres, kafka, "lc_create");
        var r = await stack.RegisterAsync();
        var waybillId = await stack.IssueWaybillAsync(r);
        stack.Positions.Report(r.Plate, DateTimeOffset.UtcNow);
        await stack.Registry.CreateBlacklistEntryAsync(
            new Contracts.Qualification.V1.CreateBlacklistEntryRequest { SubjectType = Contracts.Qualification.V1.SubjectType.Vehicle, SubjectId = r.Plate, Reason = "tampered GPS terminal" },
            stack.As(Roles.Admin, "authority-1"));

        var check = (await stack.Client.CreateLoadingCheckAsync(LoadingCheckStack.CheckRequest(r, waybillId), stack.As(Roles.Terminal, "T001"))).Check;

        Assert.Equal(Verdict.Refuse, check.Verdict);
        var blacklist = Assert.Single(check.Items, i => !i.Passed);
        Assert.Equal("L-BLACKLIST", blacklist.Code);
        Assert.Equal("Q-VEHICLE-BLACKLIST", Assert.Single(blacklist.Findings).Code);
    }

    [Fact]
    public async Task CreateLoadingCheck_UnknownWaybill_RefusesWithGoodsMatch()
    {
        var stack = await cache.GetAsync(postgres, kafka, "lc_create");
        var r = await stack.RegisterAsync();
        stack.Positions.Report(r.Plate, DateTimeOffset.UtcNow);

        var check = (await stack.Client.CreateLoadingCheckAsync(LoadingCheckStack.CheckRequest(r, "no-such-waybill"), stack.As(Roles.Terminal, "T001"))).Check;

        Assert.Equal(Verdict.Refuse, check.Verdict);
        var goods = Assert.Single(check.Items, i => i.Code == "L-GOODS-MATCH");
        Assert.False(goods.Passed);
        Assert.Contains("no waybill no-such-waybill", goods.Message, StringComparison.Ordinal);
        Assert.Equal("", check.CarrierId);
    }

    [Fact]
    public async Task CreateLoadingCheck_MissingFields_IsInvalidArgumentNamingEachField()
    {
        var stack = await cache.GetAsync(postgres, kafka, "lc_create");

        var error = await Assert.ThrowsAsync<RpcException>(() => stack.Client.CreateLoadingCheckAsync(
            new CreateLoadingCheckRequest { TerminalId = "T001" }, stack.As(Roles.Terminal, "T001")).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Select(v => v.Field);
        Assert.Equal(["waybillId", "plate", "driverId", "escortId"], fields);
    }

    [Fact]
    public async Task CreateLoadingCheck_Rest_AnswersTheDesignFieldNames()
    {
        var stack = await cache.GetAsync(postgres, kafka, "lc_create");
        var r = await stack.RegisterAsync();
        var waybillId = await stack.IssueWaybillAsync(r);
        stack.Positions.Report(r.Plate, DateTimeOffset.UtcNow);

        var (status, body) = await stack.RestAsync(HttpMethod.Post, "/api/v1/loading-checks", Roles.Terminal, "T001",
            new { terminalId = "T001", waybillId, plate = r.Plate, driverId = r.DriverId, escortId = r.EscortId, tankNumber = r.Tank });

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal("PASS", body.GetProperty("verdict").GetString());
        var first = body.GetProperty("items")[0];
        Assert.Equal("VEHICLE", first.GetProperty("category").GetString());
        Assert.Equal("L-VEHICLE-DOCS", first.GetProperty("code").GetString());
        Assert.True(first.GetProperty("passed").GetBoolean());
        var id = body.GetProperty("id").GetString();
        var (readStatus, read) = await stack.RestAsync(HttpMethod.Get, $"/api/v1/loading-checks/{id}", Roles.Carrier, r.CarrierId);
        Assert.Equal(HttpStatusCode.OK, readStatus);
        Assert.Equal(waybillId, read.GetProperty("waybillId").GetString());
    }

    [Fact]
    public async Task ListLoadingChecks_PerTerminalAndPerWaybill_NewestFirstAndPaged()
    {
        var stack = await cache.GetAsync(postgres, kafka, "lc_create");
        var r = await stack.RegisterAsync();
        var waybillId = await stack.IssueWaybillAsync(r);
        var terminalId = "T-list-" + Guid.NewGuid().ToString("N")[..8];
        var terminal = stack.As(Roles.Terminal, terminalId);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await stack.Client.CreateLoadingCheckAsync(LoadingCheckStack.CheckRequest(r, waybillId, terminalId), terminal)).Check.Id);
        }

        ids.Reverse();
        var first = await stack.Client.ListLoadingChecksAsync(new ListLoadingChecksRequest { PageSize = 2 }, terminal);
        var second = await stack.Client.ListLoadingChecksAsync(new ListLoadingChecksRequest { PageSize = 2, PageToken = first.NextPageToken }, terminal);
        var byWaybill = await stack.Client.ListLoadingChecksAsync(new ListLoadingChecksRequest { WaybillId = waybillId }, stack.As(Roles.Admin, "authority-1"));
        var byCarrier = await stack.Client.ListLoadingChecksAsync(new ListLoadingChecksRequest { WaybillId = waybillId }, stack.As(Roles.Carrier, r.CarrierId));
        var otherCarrier = await stack.Client.ListLoadingChecksAsync(new ListLoadingChecksRequest { WaybillId = waybillId }, stack.As(Roles.Carrier, "someone-else"));

        Assert.Equal(ids, first.Checks.Concat(second.Checks).Select(c => c.Id));
        Assert.Equal("", second.NextPageToken);
        Assert.Equal(ids, byWaybill.Checks.Select(c => c.Id));
        Assert.Equal(ids, byCarrier.Checks.Select(c => c.Id));
        Assert.Empty(otherCarrier.Checks);
    }
}
