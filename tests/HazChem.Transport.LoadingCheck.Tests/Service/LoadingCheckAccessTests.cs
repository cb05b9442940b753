using Grpc.Core;
using HazChem.Transport.Contracts.LoadingCheck.V1;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.TestSupport;

namespace HazChem.Transport.LoadingCheck.Tests.Service;

/// <summary>Only a terminal runs and confirms checks, and only as itself; police, admin and the owning carrier read.</summary>
public sealed class LoadingCheckAccessTests(PostgresFixture postgres, KafkaFixture kafka, StackCache cache) : IClassFixture<StackCache>
{
    [Theory]
    [InlineData(Roles.Police)]
    [InlineData(Roles.Admin)]
    [InlineData(Roles.Carrier)]
    [InlineData(Roles.Gps)]
    [InlineData(Roles.Service)]
    public async Task CreateLoadingCheck_NotATerminal_IsPermissionDenied(string role)
    {
        var stack = await cache.GetAsync(postgres, kafka, "lc_access");

        var error = await Assert.ThrowsAsync<RpcException>(() => stack.Client.CreateLoadingCheckAsync(
            new CreateLoadingCheckRequest { TerminalId = "T001", WaybillId = "w", Plate = "渝A12345", DriverId = "d", EscortId = "e" }, stack.As(role, "T001")).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task CreateLoadingCheck_ForAnotherTerminal_IsPermissionDeniedAndNothingIsStored()
    {
        var stack = await cache.GetAsync(postgres, kafka, "lc_access");

        var error = await Assert.ThrowsAsync<RpcException>(() => stack.Client.CreateLoadingCheckAsync(
            new CreateLoadingCheckRequest { TerminalId = "T002", WaybillId = "w", Plate = "渝A12345", DriverId = "d", EscortId = "e" }, stack.As(Roles.Terminal, "T001")).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Empty((await stack.Client.ListLoadingChecksAsync(new ListLoadingChecksRequest { TerminalId = "T002" }, stack.As(Roles.Admin, "a"))).Checks);
    }

    [Fact]
    public async Task GetLoadingCheck_EachRole_SeesWhatItMay()
    {
        var stack = await cache.GetAsync(postgres, kafka, "lc_access");
        var r = await stack.RegisterAsync();
        var waybillId = await stack.IssueWaybillAsync(r);
        var check = (await stack.Client.CreateLoadingCheckAsync(LoadingCheckStack.CheckRequest(r, waybillId, "T-own"), stack.As(Roles.Terminal, "T-own"))).Check;
        var get = new GetLoadingCheckRequest { Id = check.Id };

        foreach (var (role, subject) in new[] { (Roles.Terminal, "T-own"), (Roles.Police, "officer"), (Roles.Admin, "authority"), (Roles.Carrier, r.CarrierId) })
        {
            Assert.Equal(check.Id, (await stack.Client.GetLoadingCheckAsync(get, stack.As(role, subject))).Check.Id);
        }

        foreach (var (role, subject, code) in new[]
        {
            (Roles.Terminal, "T-other", StatusCode.PermissionDenied),
            (Roles.Carrier, "other-carrier", StatusCode.PermissionDenied),
            (Roles.Gps, "gw", StatusCode.PermissionDenied),
        })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => stack.Client.GetLoadingCheckAsync(get, stack.As(role, subject)).ResponseAsync);
            Assert.True(error.StatusCode == code, $"{role}:{subject} got {error.StatusCode}");
        }

        var missing = await Assert.ThrowsAsync<RpcException>(() => stack.Client.GetLoadingCheckAsync(new GetLoadingCheckRequest { Id = "nope" }, stack.As(Roles.Police, "officer")).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task ListLoadingChecks_TerminalAskingForAnotherTerminal_IsPermissionDenied()
    {
        var stack = await cache.GetAsync(postgres, kafka, "lc_access");

        var error = await Assert.ThrowsAsync<RpcException>(() => stack.Client.ListLoadingChecksAsync(
            new ListLoadingChecksRequest { TerminalId = "T002" }, stack.As(Roles.Terminal, "T001")).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task ConfirmLoadingCheck_OtherTerminalOrPolice_IsPermissionDenied()
    {
        var stack = await cache.GetAsync(postgres, kafka, "lc_access");
        var r = await stack.RegisterAsync();
        var waybillId = await stack.IssueWaybillAsync(r);
        stack.Positions.Report(r.Plate, DateTimeOffset.UtcNow);
        var check = (await stack.Client.CreateLoadingCheckAsync(LoadingCheckStack.CheckRequest(r, waybillId), stack.As(Roles.Terminal, "T001"))).Check;
        var confirm = new ConfirmLoadingCheckRequest { Id = check.Id, Loaded = { new Contracts.Common.V1.LoadedLine { UnNumber = "1203", QuantityKg = 19500 } } };

        var byOther = await Assert.ThrowsAsync<RpcException>(() => stack.Client.ConfirmLoadingCheckAsync(confirm, stack.As(Roles.Terminal, "T002")).ResponseAsync);
        var byPolice = await Assert.ThrowsAsync<RpcException>(() => stack.Client.ConfirmLoadingCheckAsync(confirm, stack.As(Roles.Police, "T001")).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, byOther.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, byPolice.StatusCode);
        Assert.Equal(Contracts.Waybill.V1.WaybillStatus.Issued, (await stack.WaybillAsync(waybillId)).Status);
    }
}
