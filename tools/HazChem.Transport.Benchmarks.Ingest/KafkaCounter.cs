using Confluent.Kafka;

namespace HazChem.Transport.Benchmarks.Ingest;

/// <summary>
/// Counts records on the positions topic by its high watermarks (sum over partitions): what actually reached
/// Kafka, independent of what the transport acknowledged.
/// </summary>
internal sealed class KafkaCounter : IDisposable
{
    public const string Topic = "hazchem.positions.v1";

    private readonly IConsumer<Ignore, Ignore> _consumer;
    private readonly IAdminClient _admin;

    public KafkaCounter(string bootstrapServers)
    {
        _consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "ingest-benchmark" }).Build();
        _admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
    }

    /// <summary>Sum of the high watermarks of every partition of <see cref="Topic"/>.</summary>
    public long Records()
    {
        var metadata = _admin.GetMetadata(Topic, TimeSpan.FromSeconds(10));
        var topic = metadata.Topics.SingleOrDefault(t => t.Topic == Topic);
        if (topic is null || topic.Partitions.Count == 0)
        {
            return 0;
        }

        return topic.Partitions.Sum(p => _consumer.QueryWatermarkOffsets(new TopicPartition(Topic, p.PartitionId), TimeSpan.FromSeconds(10)).High.Value);
    }

    public void Dispose()
    {
        _consumer.Dispose();
        _admin.Dispose();
    }
}
