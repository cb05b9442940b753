using Confluent.Kafka;
using Google.Protobuf;
using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.Telemetry.Messaging;

/// <summary>
/// Sends accepted fixes to the positions topic (key = plate, so each vehicle's fixes stay in order on one
/// partition) through the shared idempotent acks=all producer. A batch is handed to librdkafka at once and
/// completes when the broker has confirmed every message: only then may the caller acknowledge it.
/// </summary>
internal sealed class PositionPublisher(IProducer<string, byte[]> producer, IOptions<KafkaOptions> kafka)
{
    private static readonly TimeSpan QueueFullBackoff = TimeSpan.FromMilliseconds(5);

    /// <summary>Produces every message; throws <see cref="KafkaException"/> if any was not delivered.</summary>
    public async Task PublishAsync(IReadOnlyList<PositionReported> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return;
        }

        var topic = kafka.Value.Topics.Positions;
        var delivery = new BatchDelivery(messages.Count);
        // One header set per batch: librdkafka copies headers when a message is produced.
        var headers = KafkaExtensions.TraceHeaders();
        foreach (var position in messages)
        {
            var message = new Message<string, byte[]> { Key = position.Plate, Value = position.ToByteArray(), Headers = headers };
            while (true)
            {
                try
                {
                    producer.Produce(topic, message, delivery.OnDelivered);
                    break;
                }
                catch (ProduceException<string, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                {
                    // The local queue drains as the broker confirms; wait instead of failing the batch.
                    await Task.Delay(QueueFullBackoff, cancellationToken);
                }
            }
        }

        await delivery.Completion.WaitAsync(cancellationToken);
    }

    private sealed class BatchDelivery(int count)
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _remaining = count;

        public Task Completion => _done.Task;

        public void OnDelivered(DeliveryReport<string, byte[]> report)
        {
            if (report.Error.IsError)
            {
                _done.TrySetException(new KafkaException(report.Error));
            }
            else if (Interlocked.Decrement(ref _remaining) == 0)
            {
                _done.TrySetResult();
            }
        }
    }
}
