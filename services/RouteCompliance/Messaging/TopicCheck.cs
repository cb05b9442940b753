using Confluent.Kafka;

namespace HazChem.Transport.RouteCompliance.Messaging;

/// <summary>
/// Asks the broker for a topic before a consumer subscribes to it. A subscription to a topic that does not exist yet
/// may not be assigned for minutes (the client's metadata refresh; the embedded mock broker not at all), and the
/// metadata request is what makes a broker that auto-creates topics (the dev stack's) create it. A broker that does
/// not auto-create reports it missing: logged, and the operator provisions it.
/// </summary>
internal static partial class TopicCheck
{
    public static Task EnsureAsync(IProducer<string, byte[]> producer, string topic, ILogger logger, CancellationToken cancellationToken) => Task.Run(
        () =>
        {
            try
            {
                using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
                var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.SingleOrDefault(t => t.Topic == topic);
                if (metadata is null || metadata.Error.IsError)
                {
                    LogTopicMissing(logger, topic, metadata?.Error.Reason ?? "not listed");
                }
            }
            catch (KafkaException ex)
            {
                LogTopicMissing(logger, topic, ex.Error.Reason);
            }
        },
        cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka topic {Topic} is not available yet: {Reason}")]
    private static partial void LogTopicMissing(ILogger logger, string topic, string reason);
}
