using HazChem.Transport.Contracts.Qualification.V1;
using HazChem.Transport.ServiceDefaults.Clients;
using HazChem.Transport.ServiceDefaults.Messaging;
using HazChem.Transport.ServiceDefaults.Options;
using HazChem.Transport.ServiceDefaults.Storage;
using HazChem.Transport.Waybill.Domain;
using HazChem.Transport.Waybill.Messaging;
using HazChem.Transport.Waybill.Operations;
using HazChem.Transport.Waybill.Options;
using HazChem.Transport.Waybill.Registry;
using HazChem.Transport.Waybill.Storage;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.Waybill.Extensions;

/// <summary>Composition of the Waybill service.</summary>
internal static partial class WaybillServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Waybill service: options, the dangerous-goods list (loaded at start), storage, Kafka with the
    /// outbox publisher and pruner, the expiry sweeper, and the Qualification client.
    /// </summary>
    public static WebApplicationBuilder AddWaybill(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<WaybillOptions>(WaybillOptions.SectionName);
        services.AddSingleton(sp => LoadDangerousGoods(sp.GetRequiredService<IOptions<WaybillOptions>>().Value, sp.GetRequiredService<ILogger<DangerousGoodsList>>()));
        // Resolving the list at start makes a malformed CSV stop the process with its line number, not the first request.
        services.AddHostedService<DangerousGoodsStartupCheck>();

        services.AddServiceDatabase<WaybillDbContext>(builder.Configuration);
        services.AddSingleton<WaybillStore>();

        services.AddKafka();
        services.AddSingleton<OutboxSignal>();
        services.AddHostedService<OutboxPublisher>();
        services.AddHostedService<OutboxPruner>();

        services.AddServiceClient<QualificationService.QualificationServiceClient>(builder.Configuration, "Qualification");
        services.AddTransient<IQualificationRegistry, QualificationRegistry>();
        services.AddScoped<WaybillOperations>();
        services.AddHostedService<WaybillExpirySweeper>();
        return builder;
    }

    private static DangerousGoodsList LoadDangerousGoods(WaybillOptions options, ILogger logger)
    {
        var list = string.IsNullOrWhiteSpace(options.DangerousGoodsCsv)
            ? DangerousGoodsCsv.LoadBuiltIn()
            : DangerousGoodsCsv.LoadFile(options.DangerousGoodsCsv);
        LogLoaded(logger, list.Count, list.Source);
        return list;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dangerous-goods list: {Count} UN numbers from {Source}")]
    private static partial void LogLoaded(ILogger logger, int count, string source);

    private sealed class DangerousGoodsStartupCheck(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = services.GetRequiredService<DangerousGoodsList>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
