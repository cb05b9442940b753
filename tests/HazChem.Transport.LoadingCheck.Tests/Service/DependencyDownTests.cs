using HazChem.Transport.Contracts.LoadingCheck.V1;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.TestSupport;

namespace HazChem.Transport.LoadingCheck.Tests.Service;

/// <summary>A check never passes on missing data: a dependency that cannot answer makes the verdict UNAVAILABLE, recorded.</summary>
public sealed class DependencyDownTests(PostgresFixture postgres, KafkaFixture kafka, StackCache cache) : IClassFixture<StackCache>
{
    [Fact]
    public async Task CreateLoadingCheck_TelemetryDown_IsUnavailableWithGpsNotChecked()
    {
        var stack = await cache.GetAsync(postgres, kafka, "lc_down");
        var (r, waybillId) = await ReadyAsync(stack);

        var check = await WithLinkDownAsync(stack.Links.Telemetry, () => CheckAsync(stack, r, waybillId));

        Assert.Equal(Verdict.Unavailable, check.Verdict);
        var gps = Assert.Single(check.Items, i => !i.Passed);
        Assert.Equal("L-GPS-ONLINE", gps.Code);
        Assert.Contains("not checked", gps.Message, StringComparison.Ordinal);
        Assert.Contains("Telemetry service could not answer", gps.Message, StringComparison.Ordinal);
        Assert.Equal(check, (await stack.Client.GetLoadingCheckAsync(new GetLoadingCheckRequest { Id = check.Id }, stack.As(Roles.Police, "p"))).Check);
    }

    [Fact]
    public async Task CreateLoadingCheck_WaybillDown_IsUnavailable()
    {
        var stack = await cache.GetAsync(postgres, kafka, "lc_down");
        var (r, waybillId) = await ReadyAsync(stack);

        var check = await WithLinkDownAsync(stack.Links.Waybill, () => CheckAsync(stack, r, waybillId));

        Assert.Equal(Verdict.Unavailable, check.Verdict);
        var goods = Assert.Single(check.Items, i => i.Code == "L-GOODS-MATCH");
        Assert.False(goods.Passed);
        Assert.Contains("Waybill service could not answer", goods.Message, StringComparison.Ordinal);
        Assert.Contains(check.Items, i => i.Code == "L-GPS-ONLINE" && i.Passed);
    }

    [Fact]
    public async Task CreateLoadingCheck_QualificationDown_IsUnavailableWithRegistryItemsNotChecked()
    {
        var stack = await cache.GetAsync(postgres, kafka, "lc_down");
        var (r, waybillId) = await ReadyAsync(stack);

        var check = await WithLinkDownAsync(stack.Links.Qualification, () => CheckAsync(stack, r, waybillId));

        Assert.Equal(Verdict.Unavailable, check.Verdict);
        Assert.Equal(
            ["L-VEHICLE-DOCS", "L-PERSONNEL", "L-INSPECTION", "L-TANK-MEDIUM", "L-GOODS-MATCH", "L-BLACKLIST"],
            check.Items.Where(i => !i.Passed).Select(i => i.Code));
        Assert.All(check.Items.Where(i => !i.Passed), i => Assert.Contains("Qualification service could not answer", i.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateLoadingCheck_TelemetrySlowerThanTheDeadline_IsUnavailable()
    {
        await using var stack = await LoadingCheckStack.StartAsync(postgres, kafka, "lc_slow",
            new Dictionary<string, string?> { ["LoadingCheck:TelemetryTimeout"] = "00:00:00.300" });
        var (r, waybillId) = await ReadyAsync(stack);
        stack.Links.Telemetry.Delay = TimeSpan.FromSeconds(5);

        var check = await CheckAsync(stack, r, waybillId);

        Assert.Equal(Verdict.Unavailable, check.Verdict);
        Assert.Contains("did not answer within 0.3 s", Assert.Single(check.Items, i => !i.Passed).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateLoadingCheck_QualificationAtADeadAddress_IsUnavailable()
    {
        // Nothing listens on port 1: connection refused, over the real network stack.
        await using var stack = await LoadingCheckStack.StartAsync(postgres, kafka, "lc_dead",
            new Dictionary<string, string?> { ["Services:Qualification"] = "http://127.0.0.1:1" });
        var r = await stack.RegisterAsync();
        var waybillId = await stack.IssueWaybillAsync(r);
        stack.Positions.Report(r.Plate, DateTimeOffset.UtcNow);

        var check = await CheckAsync(stack, r, waybillId);

        Assert.Equal(Verdict.Unavailable, check.Verdict);
        Assert.Contains(check.Items, i => i.Code == "L-VEHICLE-DOCS" && !i.Passed && i.Message.Contains("Qualification service", StringComparison.Ordinal));
    }

    private static async Task<(Registration R, string WaybillId)> ReadyAsync(LoadingCheckStack stack)
    {
        var r = await stack.RegisterAsync();
        var waybillId = await stack.IssueWaybillAsync(r);
        stack.Positions.Report(r.Plate, DateTimeOffset.UtcNow);
        Assert.Equal(Verdict.Pass, (await CheckAsync(stack, r, waybillId)).Verdict);
        return (r, waybillId);
    }

    private static async Task<LoadingCheckRecord> CheckAsync(LoadingCheckStack stack, Registration r, string waybillId) =>
        (await stack.Client.CreateLoadingCheckAsync(LoadingCheckStack.CheckRequest(r, waybillId), stack.As(Roles.Terminal, "T001"))).Check;

    private static async Task<T> WithLinkDownAsync<T>(Link link, Func<Task<T>> action)
    {
        link.Down = true;
        try
        {
            return await action();
        }
        finally
        {
            link.Down = false;
        }
    }
}
