using Confluent.Kafka;
using Google.Protobuf;
using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.RouteCompliance.Domain;
using HazChem.Transport.RouteCompliance.Engine;
using HazChem.Transport.RouteCompliance.Options;
using HazChem.Transport.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.RouteCompliance.Messaging;

/// <summary>
/// The engine's consumer group on <c>hazchem.positions.v1</c> (keyed by plate, so each vehicle's fixes arrive in
/// order on one partition). Fixes are applied in batches (<see cref="ComplianceOptions.EngineBatchSize"/>); the
/// offsets are stored only after <see cref="ComplianceEngine.ProcessBatchAsync"/> has made the batch's effects durable.
/// </summary>
internal sealed partial class PositionsConsumer(
    ComplianceEngine engine, IProducer<string, byte[]> producer, CatalogsLoaded loaded, IOptions<KafkaOptions> kafka, IOptions<ComplianceOptions> options, TimeProvider time, ILogger<PositionsConsumer> logger)
    : KafkaConsumerService(kafka, logger, options.Value.EngineGroupId, "routecompliance-engine")
{
    private readonly string _topic = kafka.Value.Topics.Positions;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // In the background, so a slow broker never delays the service's start.
        await TopicCheck.EnsureAsync(producer, _topic, logger, stoppingToken);
        await loaded.WaitAsync(stoppingToken);
        await base.ExecuteAsync(stoppingToken);
    }

    protected override IReadOnlyCollection<string> Topics(KafkaOptions options) => [options.Topics.Positions];

    protected override int MaxBatch => options.Value.EngineBatchSize;

    protected override TimeSpan BatchWindow => options.Value.EngineBatchWindow;

    protected override Task HandleAsync(ConsumeResult<string, byte[]> message, CancellationToken cancellationToken) =>
        HandleBatchAsync([message], cancellationToken);

    protected override async Task HandleBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, CancellationToken cancellationToken)
    {
        var fixes = new List<Fix>(batch.Count);
        foreach (var message in batch)
        {
            if (Read(message) is { } fix)
            {
                fixes.Add(fix);
            }
        }

        if (fixes.Count > 0)
        {
            await TransientRetry.RunAsync(() => engine.ProcessBatchAsync(fixes, cancellationToken), time, logger, "Applying a batch of fixes", cancellationToken);
        }
    }

    private Fix? Read(ConsumeResult<string, byte[]> message)
    {
        PositionReported position;
        try
        {
            position = PositionReported.Parser.ParseFrom(message.Message.Value);
        }
        catch (InvalidProtocolBufferException ex)
        {
            // A message that can never be read is skipped (and logged), never retried forever.
            LogUnreadable(logger, message.TopicPartitionOffset.ToString(), ex);
            return null;
        }

        if (string.IsNullOrEmpty(position.Plate) || position.FixTime is null)
        {
            LogUnreadable(logger, message.TopicPartitionOffset.ToString(), null);
            return null;
        }

        return ToFix(position);
    }

    public static Fix ToFix(PositionReported p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new Fix(p.Plate, p.FixTime.ToDateTimeOffset(), p.Lon, p.Lat, p.SpeedKmh, p.Valid, p.Late, p.ReceivedTime?.ToDateTimeOffset());
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Skipping an unreadable position at {Position}")]
    private static partial void LogUnreadable(ILogger logger, string position, Exception? exception);
}
