using System.Text;
using Confluent.Kafka;
using Google.Protobuf;
using HazChem.Transport.Contracts.Compliance.V1;
using HazChem.Transport.RouteCompliance.Mapping;
using HazChem.Transport.RouteCompliance.Storage;
using HazChem.Transport.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.RouteCompliance.Messaging;

/// <summary>
/// Publishes violation changes to <c>hazchem.violations.v1</c> (key = plate) with the shared idempotent producer and
/// waits for the broker's acknowledgement, then hands them to this process's live watchers at once (those of other
/// replicas get them from the topic, <see cref="ViolationWatchConsumer"/>; the feed drops the repeat). Event ids are deterministic, so a
/// change re-published after a crash carries the same id and consumers drop the repeat.
/// </summary>
internal sealed class ViolationPublisher(IProducer<string, byte[]> producer, IOptions<KafkaOptions> kafka, ViolationFeed feed)
{
    /// <summary>Header carrying the event id, so consumers can deduplicate without decoding the payload.</summary>
    public const string EventIdHeader = "event-id";

    public async Task PublishAsync(IReadOnlyList<ViolationEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);

        // All handed to the producer at once, then awaited together: one acknowledgement round trip per batch, not one
        // per event (a batch with dozens of changes waited that many linger-and-ack times in a row). The idempotent
        // producer keeps each partition's records in the order they were handed over, so a vehicle's changes stay in order.
        var acknowledged = new Task[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var headers = KafkaExtensions.TraceHeaders();
            headers.Add(EventIdHeader, Encoding.UTF8.GetBytes(e.EventId));
            acknowledged[i] = producer.ProduceAsync(
                kafka.Value.Topics.Violations,
                new Message<string, byte[]> { Key = e.Violation.Plate, Value = e.ToByteArray(), Headers = headers },
                cancellationToken);
        }

        await Task.WhenAll(acknowledged);

        foreach (var e in events)
        {
            feed.Publish(e);
        }
    }

    /// <summary>The event of an acknowledgement (UPDATED; id "&lt;violation id&gt;:UPDATED:ack", there is only one).</summary>
    public static ViolationEvent AcknowledgementEvent(ViolationRow row, DateTimeOffset now) =>
        ComplianceMapping.ToEvent($"{row.Id}:UPDATED:ack", ViolationEvent.Types.EventType.Updated, now, row);
}
