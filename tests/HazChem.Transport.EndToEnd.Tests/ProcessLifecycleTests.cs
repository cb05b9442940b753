using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace HazChem.Transport.EndToEnd.Tests;

/// <summary>Each service process can die and come back while the others keep running; state stays in the data folder.</summary>
[Collection(DevStackGroup.Name)]
public sealed class ProcessLifecycleTests(DevStackFixture stack)
{
    [Fact]
    public async Task KillService_OthersKeepServing_AndItComesBack()
    {
        var waybill = stack.Stack["waybill"];
        var before = waybill.ProcessId;

        waybill.Kill();
        using var duringResponse = await stack.Client.GetAsync("health", TestContext.Current.CancellationToken);
        var during = await duringResponse.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, duringResponse.StatusCode);
        Assert.Equal("Unhealthy", during.GetProperty("services").GetProperty("waybill").GetProperty("status").GetString());
        Assert.Equal("Healthy", during.GetProperty("services").GetProperty("qualification").GetProperty("status").GetString());
        using (var unauthorized = await stack.SendAsync(HttpMethod.Get, "api/v1/carriers"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        }

        var (healthy, body) = await stack.Stack.WaitHealthyAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.True(healthy, body + Environment.NewLine + stack.Log);
        Assert.NotEqual(before, waybill.ProcessId);
        Assert.Equal(1, waybill.Restarts);
    }

    [Fact]
    public void DataFolder_HoldsOneDatabasePerService()
    {
        var files = Directory.GetFiles(stack.DataDirectory, "*.db").Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(["loadingcheck.db", "qualification.db", "routecompliance.db", "telemetry.db", "waybill.db"], files);
    }
}
