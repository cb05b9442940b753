using Confluent.Kafka;
using Google.Protobuf;
using HazChem.Transport.Contracts.Compliance.V1;
using HazChem.Transport.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.RouteCompliance.Messaging;

/// <summary>
/// Feeds this replica's live watchers with every replica's violation changes: reads <c>hazchem.violations.v1</c> in a
/// consumer group of its own (all partitions), from the end, committing nothing — a watch is live, the history is in
/// the database. Without it a watcher would see only the vehicles whose positions this replica's engine happens to own.
/// </summary>
internal sealed partial class ViolationWatchConsumer(ViolationFeed feed, IOptions<KafkaOptions> kafka, ILogger<ViolationWatchConsumer> logger)
    : KafkaConsumerService(kafka, logger, "routecompliance-watch-" + Guid.NewGuid().ToString("N"), "routecompliance-watch")
{
    protected override int MaxBatch => 500;

    protected override IReadOnlyCollection<string> Topics(KafkaOptions options) => [options.Topics.Violations];

    protected override void Configure(ConsumerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.AutoOffsetReset = AutoOffsetReset.Latest;
        config.EnableAutoCommit = false;
    }

    protected override Task HandleAsync(ConsumeResult<string, byte[]> message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            feed.Publish(ViolationEvent.Parser.ParseFrom(message.Message.Value));
        }
        catch (InvalidProtocolBufferException ex)
        {
            LogUnreadable(logger, message.TopicPartitionOffset.ToString(), ex.Message);
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Violation at {Position} is not a ViolationEvent ({Reason}); not shown to watchers")]
    private static partial void LogUnreadable(ILogger logger, string position, string reason);
}
