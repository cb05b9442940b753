using Confluent.Kafka;
using Google.Protobuf;
using HazChem.Transport.Contracts.Waybill.V1;
using HazChem.Transport.RouteCompliance.Engine;
using HazChem.Transport.RouteCompliance.Options;
using HazChem.Transport.RouteCompliance.Storage;
using HazChem.Transport.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.RouteCompliance.Messaging;

/// <summary>
/// Projects <c>hazchem.waybill-events.v1</c> into each vehicle's active trip (group <c>routecompliance-trips</c>):
/// the trip row is written (idempotent by waybill version), then the in-memory directory is updated, then the offset
/// is stored.
/// </summary>
internal sealed partial class TripEventsConsumer(
    TripStore store, TripDirectory directory, IProducer<string, byte[]> producer, CatalogsLoaded loaded, IOptions<KafkaOptions> kafka, IOptions<ComplianceOptions> options, TimeProvider time, ILogger<TripEventsConsumer> logger)
    : KafkaConsumerService(kafka, logger, options.Value.TripsGroupId, "routecompliance-trips")
{
    private readonly string _topic = kafka.Value.Topics.WaybillEvents;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // In the background, so a slow broker never delays the service's start.
        await TopicCheck.EnsureAsync(producer, _topic, logger, stoppingToken);
        await loaded.WaitAsync(stoppingToken);
        await base.ExecuteAsync(stoppingToken);
    }

    protected override IReadOnlyCollection<string> Topics(KafkaOptions options) => [options.Topics.WaybillEvents];

    protected override async Task HandleAsync(ConsumeResult<string, byte[]> message, CancellationToken cancellationToken)
    {
        WaybillEvent e;
        try
        {
            e = WaybillEvent.Parser.ParseFrom(message.Message.Value);
        }
        catch (InvalidProtocolBufferException ex)
        {
            LogUnreadable(logger, message.TopicPartitionOffset.ToString(), ex);
            return;
        }

        if (string.IsNullOrEmpty(e.WaybillId) || string.IsNullOrEmpty(e.VehiclePlate))
        {
            LogUnreadable(logger, message.TopicPartitionOffset.ToString(), null);
            return;
        }

        await TransientRetry.RunAsync(
            async () =>
            {
                if (await store.ApplyAsync(e, options.Value.DefaultCorridorMeters, time.GetUtcNow(), cancellationToken) is { } trip)
                {
                    directory.Apply(trip);
                    LogApplied(logger, e.WaybillId, e.Version, trip.Status, trip.Plate);
                }
            },
            time,
            logger,
            "Applying a waybill event",
            cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Skipping an unreadable waybill event at {Position}")]
    private static partial void LogUnreadable(ILogger logger, string position, Exception? exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Trip of waybill {WaybillId} v{Version}: {Status} on {Plate}")]
    private static partial void LogApplied(ILogger logger, string waybillId, int version, Domain.TripStatus status, string plate);
}
