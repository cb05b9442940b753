using System.Net;
using Grpc.Core;
using HazChem.Transport.Contracts.Common.V1;
using HazChem.Transport.Contracts.LoadingCheck.V1;
using HazChem.Transport.Contracts.Waybill.V1;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.TestSupport;

namespace HazChem.Transport.LoadingCheck.Tests.Service;

/// <summary>Confirming the loaded quantities (定量装车): the legal load makes the waybill LOADED; everything else is refused with its code.</summary>
public sealed class ConfirmLoadingCheckTests(PostgresFixture postgres, KafkaFixture kafka, StackCache cache) : IClassFixture<StackCache>
{
    [Fact]
    public async Task ConfirmLoadingCheck_LegalQuantities_WaybillIsLoadedAndTheConfirmationIsStored()
    {
        var (stack, r, waybillId, check) = await PassedCheckAsync();

        var confirmed = (await stack.Client.ConfirmLoadingCheckAsync(Confirm(check.Id, 19500), stack.As(Roles.Terminal, "T001"))).Check;

        Assert.NotNull(confirmed.Confirmation);
        Assert.Equal("T001", confirmed.Confirmation.ConfirmedBy);
        Assert.Equal(19500, Assert.Single(confirmed.Confirmation.Loaded).QuantityKg);
        var waybill = await stack.WaybillAsync(waybillId);
        Assert.Equal(WaybillStatus.Loaded, waybill.Status);
        Assert.Equal(check.Id, waybill.LoadingCheckId);
        Assert.Equal(19500, Assert.Single(waybill.Loaded).QuantityKg);
        var read = (await stack.Client.GetLoadingCheckAsync(new GetLoadingCheckRequest { Id = check.Id }, stack.As(Roles.Carrier, r.CarrierId))).Check;
        Assert.Equal(confirmed, read);
    }

    [Fact]
    public async Task ConfirmLoadingCheck_SameConfirmationAgain_AnswersTheConfirmedCheckAndOtherQuantitiesAreRefused()
    {
        var (stack, _, waybillId, check) = await PassedCheckAsync();
        var terminal = stack.As(Roles.Terminal, "T001");

        var first = (await stack.Client.ConfirmLoadingCheckAsync(Confirm(check.Id, 19500), terminal)).Check;
        var again = (await stack.Client.ConfirmLoadingCheckAsync(Confirm(check.Id, 19500), terminal)).Check;
        var other = await RefusalAsync(stack, Confirm(check.Id, 18000));

        Assert.Equal(first, again);
        Assert.Equal(["L-RECORD"], other);
        var waybill = await stack.WaybillAsync(waybillId);
        Assert.Equal(WaybillStatus.Loaded, waybill.Status);
        Assert.Equal(19500, Assert.Single(waybill.Loaded).QuantityKg);
        Assert.Equal(1, waybill.History.Count(h => h.Status == WaybillStatus.Loaded));
    }

    [Fact]
    public async Task ConfirmLoadingCheck_MoreThanTheTankAllows_IsRefusedWithQuantityAndNothingChanges()
    {
        // The tank is certified for 21 t of UN1203 and the waybill says 21 t (the waybill itself refuses more: W-LOAD-TANK).
        var stack = await cache.GetAsync(postgres, kafka, "lc_confirm");
        var r = await stack.RegisterAsync();
        var waybillId = await stack.IssueWaybillAsync(r, kg: 21000);
        stack.Positions.Report(r.Plate, DateTimeOffset.UtcNow);
        var check = (await stack.Client.CreateLoadingCheckAsync(LoadingCheckStack.CheckRequest(r, waybillId), stack.As(Roles.Terminal, "T001"))).Check;
        Assert.Equal(Verdict.Pass, check.Verdict);

        var error = await Assert.ThrowsAsync<RpcException>(() => stack.Client.ConfirmLoadingCheckAsync(Confirm(check.Id, 21500), stack.As(Roles.Terminal, "T001")).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        var findings = error.GetRpcStatus()!.GetDetail<RuleFindings>().Findings;
        Assert.Contains(findings, f => f.Code == "L-QUANTITY" && f.Subject == "tank:" + r.Tank);
        Assert.Contains(findings, f => f.Code == "L-QUANTITY" && f.Subject == "waybill:" + waybillId);
        Assert.Equal(WaybillStatus.Issued, (await stack.WaybillAsync(waybillId)).Status);
        Assert.Null((await stack.Client.GetLoadingCheckAsync(new GetLoadingCheckRequest { Id = check.Id }, stack.As(Roles.Carrier, r.CarrierId))).Check.Confirmation);
    }

    [Fact]
    public async Task ConfirmLoadingCheck_MoreThanTheRatedLoad_IsRefusedWithQuantity()
    {
        var stack = await cache.GetAsync(postgres, kafka, "lc_confirm");
        var r = await stack.RegisterAsync(ratedLoadKg: 20000);
        var waybillId = await stack.IssueWaybillAsync(r, kg: 20000);
        stack.Positions.Report(r.Plate, DateTimeOffset.UtcNow);
        var check = (await stack.Client.CreateLoadingCheckAsync(LoadingCheckStack.CheckRequest(r, waybillId), stack.As(Roles.Terminal, "T001"))).Check;

        var error = await Assert.ThrowsAsync<RpcException>(() => stack.Client.ConfirmLoadingCheckAsync(Confirm(check.Id, 20001), stack.As(Roles.Terminal, "T001")).ResponseAsync);

        var findings = error.GetRpcStatus()!.GetDetail<RuleFindings>().Findings;
        Assert.Contains(findings, f => f.Code == "L-QUANTITY" && f.Subject == "vehicle:" + r.Plate);
    }

    [Fact]
    public async Task ConfirmLoadingCheck_RefusedCheck_IsRefusedWithRecordOverRestAs422()
    {
        var stack = await cache.GetAsync(postgres, kafka, "lc_confirm");
        var r = await stack.RegisterAsync();
        var waybillId = await stack.IssueWaybillAsync(r);
        var refused = (await stack.Client.CreateLoadingCheckAsync(LoadingCheckStack.CheckRequest(r, waybillId), stack.As(Roles.Terminal, "T001"))).Check;
        Assert.Equal(Verdict.Refuse, refused.Verdict);

        var (status, body) = await stack.RestAsync(HttpMethod.Post, $"/api/v1/loading-checks/{refused.Id}:confirm", Roles.Terminal, "T001",
            new { loaded = new[] { new { unNumber = "1203", quantityKg = 19500 } } });

        Assert.True(status == HttpStatusCode.UnprocessableEntity, body.ToString());
        var codes = body.GetProperty("details").EnumerateArray()
            .Where(d => d.TryGetProperty("findings", out _))
            .SelectMany(d => d.GetProperty("findings").EnumerateArray())
            .Select(f => f.GetProperty("code").GetString());
        Assert.Equal(["L-RECORD"], codes);
        Assert.Equal(WaybillStatus.Issued, (await stack.WaybillAsync(waybillId)).Status);
    }

    [Fact]
    public async Task ConfirmLoadingCheck_OlderCheckOfTheWaybill_IsRefusedWithRecord()
    {
        var (stack, r, waybillId, older) = await PassedCheckAsync();
        var newer = (await stack.Client.CreateLoadingCheckAsync(LoadingCheckStack.CheckRequest(r, waybillId), stack.As(Roles.Terminal, "T001"))).Check;
        Assert.Equal(Verdict.Pass, newer.Verdict);

        Assert.Equal(["L-RECORD"], await RefusalAsync(stack, Confirm(older.Id, 19500)));
        Assert.NotNull((await stack.Client.ConfirmLoadingCheckAsync(Confirm(newer.Id, 19500), stack.As(Roles.Terminal, "T001"))).Check.Confirmation);
    }

    [Fact]
    public async Task ConfirmLoadingCheck_GoodsNotOnTheWaybill_IsRefusedWithGoodsMatch()
    {
        var (stack, _, _, check) = await PassedCheckAsync();
        var request = Confirm(check.Id, 1000);
        request.Loaded[0].UnNumber = "1005";

        Assert.Equal(["L-GOODS-MATCH"], await RefusalAsync(stack, request));
    }

    [Fact]
    public async Task ConfirmLoadingCheck_BadLines_IsInvalidArgumentNamingTheField()
    {
        var (stack, _, _, check) = await PassedCheckAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => stack.Client.ConfirmLoadingCheckAsync(
            new ConfirmLoadingCheckRequest { Id = check.Id, Loaded = { new LoadedLine { UnNumber = "12O3", QuantityKg = -1 } } }, stack.As(Roles.Terminal, "T001")).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["loaded[0].unNumber", "loaded[0].quantityKg"], error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public async Task ConfirmLoadingCheck_WaybillServiceDown_IsUnavailableNothingIsRecordedAndARetrySucceeds()
    {
        var (stack, _, waybillId, check) = await PassedCheckAsync();
        var terminal = stack.As(Roles.Terminal, "T001");

        stack.Links.Waybill.Down = true;
        RpcException error;
        try
        {
            error = await Assert.ThrowsAsync<RpcException>(() => stack.Client.ConfirmLoadingCheckAsync(Confirm(check.Id, 19500), terminal).ResponseAsync);
        }
        finally
        {
            stack.Links.Waybill.Down = false;
        }

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("Waybill service", error.Status.Detail, StringComparison.Ordinal);
        Assert.Null((await stack.Client.GetLoadingCheckAsync(new GetLoadingCheckRequest { Id = check.Id }, terminal)).Check.Confirmation);
        Assert.Equal(WaybillStatus.Issued, (await stack.WaybillAsync(waybillId)).Status);

        var retried = (await stack.Client.ConfirmLoadingCheckAsync(Confirm(check.Id, 19500), terminal)).Check;
        Assert.NotNull(retried.Confirmation);
        Assert.Equal(WaybillStatus.Loaded, (await stack.WaybillAsync(waybillId)).Status);
    }

    [Fact]
    public async Task ConfirmLoadingCheck_RegistryDown_IsUnavailableAndNothingIsRecorded()
    {
        var (stack, _, waybillId, check) = await PassedCheckAsync();
        var terminal = stack.As(Roles.Terminal, "T001");

        stack.Links.Qualification.Down = true;
        RpcException error;
        try
        {
            error = await Assert.ThrowsAsync<RpcException>(() => stack.Client.ConfirmLoadingCheckAsync(Confirm(check.Id, 19500), terminal).ResponseAsync);
        }
        finally
        {
            stack.Links.Qualification.Down = false;
        }

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("rated load and tank limits could not be read", error.Status.Detail, StringComparison.Ordinal);
        Assert.Null((await stack.Client.GetLoadingCheckAsync(new GetLoadingCheckRequest { Id = check.Id }, terminal)).Check.Confirmation);
        Assert.Equal(WaybillStatus.Issued, (await stack.WaybillAsync(waybillId)).Status);
    }

    [Fact]
    public async Task ConfirmLoadingCheck_ConcurrentSameConfirmations_LoadOnceAndAllAnswerTheConfirmedCheck()
    {
        var (stack, _, waybillId, check) = await PassedCheckAsync();
        var terminal = stack.As(Roles.Terminal, "T001");

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => stack.Client.ConfirmLoadingCheckAsync(Confirm(check.Id, 19500), terminal).ResponseAsync));

        Assert.All(results, r => Assert.Equal(results[0].Check, r.Check));
        var waybill = await stack.WaybillAsync(waybillId);
        Assert.Equal(1, waybill.History.Count(h => h.Status == WaybillStatus.Loaded));
    }

    private async Task<(LoadingCheckStack Stack, Registration R, string WaybillId, LoadingCheckRecord Check)> PassedCheckAsync()
    {
        var stack = await cache.GetAsync(postgres, kafka, "lc_confirm");
        var r = await stack.RegisterAsync();
        var waybillId = await stack.IssueWaybillAsync(r);
        stack.Positions.Report(r.Plate, DateTimeOffset.UtcNow);
        var check = (await stack.Client.CreateLoadingCheckAsync(LoadingCheckStack.CheckRequest(r, waybillId), stack.As(Roles.Terminal, "T001"))).Check;
        Assert.True(check.Verdict == Verdict.Pass, check.ToString());
        return (stack, r, waybillId, check);
    }

    private static ConfirmLoadingCheckRequest Confirm(string id, double kg) =>
        new() { Id = id, Loaded = { new LoadedLine { UnNumber = "1203", QuantityKg = kg } } };

    private static async Task<List<string>> RefusalAsync(LoadingCheckStack stack, ConfirmLoadingCheckRequest request)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => stack.Client.ConfirmLoadingCheckAsync(request, stack.As(Roles.Terminal, "T001")).ResponseAsync);
        Assert.True(error.StatusCode == StatusCode.FailedPrecondition, error.ToString());
        return [.. error.GetRpcStatus()!.GetDetail<RuleFindings>().Findings.Select(f => f.Code)];
    }
}
