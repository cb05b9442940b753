using HazChem.Transport.ServiceDefaults.Options;
using HazChem.Transport.Waybill.Messaging;
using HazChem.Transport.Waybill.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.Waybill.Tests.Service;

/// <summary>The outbox pruning settings: their defaults, their bounds, and the pruner running in the real composition.</summary>
public sealed class OutboxPruneOptionsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hazchem-outbox-options-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Bind_NothingConfigured_KeepsSentEventsSevenDaysAndPrunesHourlyInThousands()
    {
        var options = Bind([]);

        Assert.Equal((TimeSpan.FromDays(7), TimeSpan.FromHours(1), 1000), (options.OutboxRetention, options.OutboxPruneInterval, options.OutboxPruneBatchSize));
    }

    [Fact]
    public void Bind_ValidValues_AreTaken()
    {
        var options = Bind(new() { ["Waybill:OutboxRetention"] = "01:00:00", ["Waybill:OutboxPruneInterval"] = "00:05:00", ["Waybill:OutboxPruneBatchSize"] = "50" });

        Assert.Equal((TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), 50), (options.OutboxRetention, options.OutboxPruneInterval, options.OutboxPruneBatchSize));
    }

    [Theory]
    [InlineData("OutboxRetention", "00:59:59")]
    [InlineData("OutboxRetention", "00:00:00")]
    [InlineData("OutboxRetention", "-1.00:00:00")]
    [InlineData("OutboxRetention", "366.00:00:00")]
    [InlineData("OutboxPruneInterval", "00:00:00")]
    [InlineData("OutboxPruneInterval", "2.00:00:00")]
    [InlineData("OutboxPruneBatchSize", "0")]
    [InlineData("OutboxPruneBatchSize", "100001")]
    public void Bind_OutOfRange_FailsNamingTheKey(string key, string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Waybill:" + key] = value }));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains("must be between", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_OutboxRetentionUnderAnHour_FailsNamingTheKeyAndTheBound()
    {
        var settings = Settings();
        settings["Waybill:OutboxRetention"] = "00:30:00";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => WaybillTestHost.StartAsync(SigningKeys.Create(), settings, qualification: null));

        Assert.Contains("OutboxRetention", error.Message, StringComparison.Ordinal);
        Assert.Contains("01:00:00", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_DefaultComposition_RunsThePrunerNextToThePublisher()
    {
        await using var waybill = await WaybillTestHost.StartAsync(SigningKeys.Create(), Settings(), qualification: null);

        var hosted = waybill.Services.GetServices<IHostedService>().ToList();

        Assert.Single(hosted.OfType<OutboxPruner>());
        Assert.Single(hosted.OfType<OutboxPublisher>());
    }

    private static WaybillOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddValidatedOptions<WaybillOptions>(WaybillOptions.SectionName);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<WaybillOptions>>().Value;
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["Storage:Provider"] = "Sqlite",
        ["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(_directory, "waybill.db")}",
        ["Kafka:BootstrapServers"] = "127.0.0.1:1",
    };
}
