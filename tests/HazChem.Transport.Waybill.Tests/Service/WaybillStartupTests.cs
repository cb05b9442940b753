using Grpc.Core;
using HazChem.Transport.Contracts.Waybill.V1;
using HazChem.Transport.TestSupport;
using HazChem.Transport.Waybill.Domain;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.Waybill.Tests.Service;

/// <summary>Start-up checks, and the embedded mode of the dev stack: SQLite, the built-in dangerous-goods list, the in-process broker.</summary>
public sealed class WaybillStartupTests(KafkaFixture kafka) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hazchem-waybill-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Start_MalformedDangerousGoodsCsv_FailsNamingTheLine()
    {
        var csv = Path.Combine(_directory, "goods.csv");
        await File.WriteAllTextAsync(csv, "un_number,name_zh,name_en,class,subsidiary_risk,packing_group\n1203,汽油,PETROL,3,-,II\n1202,柴油,DIESEL,3,-\n", TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<DangerousGoodsFormatException>(() => WaybillTestHost.StartAsync(SigningKeys.Create(), Settings(csv), qualification: null));

        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
        Assert.Contains(csv, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_DangerousGoodsCsvMissing_FailsNamingTheKey()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => WaybillTestHost.StartAsync(SigningKeys.Create(), Settings(Path.Combine(_directory, "absent.csv")), qualification: null));

        Assert.Contains("Waybill:DangerousGoodsCsv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BadWaybillOption_FailsNamingTheKey()
    {
        var settings = Settings(csv: null);
        settings["Waybill:HighlyToxicUnNumbers"] = "1689,cyanide";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => WaybillTestHost.StartAsync(SigningKeys.Create(), settings, qualification: null));

        Assert.Contains("Waybill:HighlyToxicUnNumbers", error.Message, StringComparison.Ordinal);
        Assert.Contains("cyanide", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbeddedMode_SqliteWithBuiltInList_IssuesEnforcesOneActiveCancelsAndPublishes()
    {
        kafka.Require();
        var topic = await kafka.CreateTopicAsync("waybill-events-sqlite", cancellationToken: TestContext.Current.CancellationToken);
        var settings = Settings(csv: null);
        settings["Kafka:BootstrapServers"] = kafka.BootstrapServers;
        settings["Kafka:GroupProtocol"] = kafka.IsMockCluster ? "Consumer" : "Classic";
        settings["Kafka:Topics:WaybillEvents"] = topic;
        var key = SigningKeys.Create();
        await using var qualification = await QualificationTestHost.StartAsync(key);
        await using var waybill = await WaybillTestHost.StartAsync(key, settings, qualification.Server.CreateHandler);
        var r = qualification.Registry.Register("77001");
        var carrier = waybill.As("carrier", r.CarrierId);

        var issued = (await waybill.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), carrier)).Waybill;
        var second = await Assert.ThrowsAsync<RpcException>(() => waybill.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), carrier).ResponseAsync);
        var unknownToBuiltIn = await Assert.ThrowsAsync<RpcException>(() => waybill.Client.IssueWaybillAsync(
            WaybillStack.IssueRequest(r, WaybillStack.Goods("0004", "1.1D", "-", 10)), carrier).ResponseAsync);
        var cancelled = (await waybill.Client.CancelWaybillAsync(new CancelWaybillRequest { Id = issued.Id, Reason = "test" }, carrier)).Waybill;
        var again = (await waybill.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), carrier)).Waybill;
        var list = await waybill.Client.ListWaybillsAsync(new ListWaybillsRequest { PageSize = 1 }, carrier);
        var page2 = await waybill.Client.ListWaybillsAsync(new ListWaybillsRequest { PageSize = 1, PageToken = list.NextPageToken }, carrier);

        Assert.Equal(WaybillStatus.Issued, issued.Status);
        Assert.Equal(StatusCode.FailedPrecondition, second.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, unknownToBuiltIn.StatusCode);
        Assert.Equal((WaybillStatus.Cancelled, 2), (cancelled.Status, cancelled.Version));
        Assert.Equal(WaybillStatus.Issued, again.Status);
        Assert.Equal([again.Id], list.Waybills.Select(w => w.Id));
        Assert.Equal([issued.Id], page2.Waybills.Select(w => w.Id));
        Assert.Equal("", page2.NextPageToken);
        var events = await WaybillStack.ConsumeEventsAsync(kafka, topic, issued.Id, expected: 2);
        Assert.Equal([issued.Id + ":1", issued.Id + ":2"], events.Select(e => e.Event.EventId));
    }

    private Dictionary<string, string?> Settings(string? csv) => new()
    {
        ["Storage:Provider"] = "Sqlite",
        ["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(_directory, "waybill.db")}",
        ["Kafka:BootstrapServers"] = "127.0.0.1:1",
        ["Waybill:DangerousGoodsCsv"] = csv,
    };
}
