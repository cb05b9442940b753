using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace HazChem.Transport.TestSupport;

/// <summary>What the Kafka fixtures share: a bootstrap address, fresh topics and client settings that suit the broker.</summary>
public abstract class KafkaBrokerFixture : ComponentFixture
{
    /// <summary>How many partitions librdkafka's mock cluster gives a topic it auto-creates; it cannot be told otherwise.</summary>
    public const int MockClusterPartitions = 4;

    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(10);
    private string? _bootstrapServers;

    /// <summary>Creates the fixture for the named broker kind.</summary>
    protected KafkaBrokerFixture(string componentName)
        : base(componentName)
    {
    }

    /// <summary>The broker list for <c>BootstrapServers</c>. Skips or fails like <see cref="ComponentFixture.Require"/> when unavailable.</summary>
    public string BootstrapServers
    {
        get
        {
            Require();
            return _bootstrapServers!;
        }
    }

    /// <summary>True when the broker is librdkafka's in-process mock cluster rather than a real Kafka.</summary>
    public abstract bool IsMockCluster { get; }

    /// <summary>
    /// Creates a topic no other test uses, named <paramref name="prefix"/> plus a unique suffix, and returns
    /// its name once every partition has a leader.
    /// </summary>
    /// <param name="prefix">The start of the topic name, e.g. <c>positions</c>.</param>
    /// <param name="partitions">
    /// The partition count, or null for the broker's default. The mock cluster cannot serve the Admin API's
    /// CreateTopics (it names no usable controller), so there topics are auto-created with
    /// <see cref="MockClusterPartitions"/> partitions and any other explicit count throws <see cref="NotSupportedException"/>.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task<string> CreateTopicAsync(string prefix, int? partitions = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        if (partitions is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(partitions), partitions, "A topic needs at least one partition.");
        }

        var bootstrapServers = BootstrapServers;
        if (IsMockCluster && partitions is not null and not MockClusterPartitions)
        {
            throw new NotSupportedException(
                $"librdkafka's mock cluster auto-creates topics with exactly {MockClusterPartitions} partitions and rejects the Admin API's CreateTopics; asked for {partitions}. Pass null or {MockClusterPartitions}, or write the test so it holds for any partition count.");
        }

        var topic = $"{prefix}-{Guid.NewGuid():N}";
        // A producer handle: its metadata requests may auto-create topics, which is how the mock cluster makes them.
        using var producer = new ProducerBuilder<Null, Null>(new ProducerConfig { BootstrapServers = bootstrapServers })
            .SetLogHandler((_, _) => { })
            .Build();
        using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
        if (!IsMockCluster)
        {
            await admin.CreateTopicsAsync(
                [new TopicSpecification { Name = topic, NumPartitions = partitions ?? -1, ReplicationFactor = -1 }],
                new CreateTopicsOptions { OperationTimeout = MetadataTimeout, RequestTimeout = MetadataTimeout });
        }

        // Creation returns before every broker knows the leaders; producing then would fail or stall.
        var deadline = DateTime.UtcNow + MetadataTimeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var metadata = admin.GetMetadata(topic, MetadataTimeout).Topics.SingleOrDefault(t => t.Topic == topic);
            if (metadata is { Error.IsError: false, Partitions.Count: > 0 }
                && (partitions is null || metadata.Partitions.Count == partitions)
                && metadata.Partitions.All(p => p.Leader >= 0))
            {
                return topic;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"Topic {topic} was not ready with {partitions?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "the default number of"} led partition(s) within {MetadataTimeout.TotalSeconds:0}s (last error: {metadata?.Error.Reason ?? "not listed"}).");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Producer settings the services use (STYLE.md): acks=all with idempotence.</summary>
    public ProducerConfig CreateProducerConfig() => new()
    {
        BootstrapServers = BootstrapServers,
        Acks = Acks.All,
        EnableIdempotence = true,
        MessageTimeoutMs = 30_000,
    };

    /// <summary>
    /// Consumer settings for group <paramref name="groupId"/>: manual commits, earliest reset, and on the
    /// mock cluster the KIP-848 group protocol, because with the classic protocol the mock ignores a
    /// closing member's LeaveGroup and a restarted consumer waits out the whole session timeout (45 s).
    /// </summary>
    public ConsumerConfig CreateConsumerConfig(string groupId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        return new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            GroupProtocol = IsMockCluster ? GroupProtocol.Consumer : GroupProtocol.Classic,
        };
    }

    /// <summary>Records the broker that answered.</summary>
    protected void UseBroker(string bootstrapServers, string source)
    {
        _bootstrapServers = bootstrapServers;
        UseSource(source);
    }

    /// <summary>Null when a broker at <paramref name="bootstrapServers"/> answers a metadata request, else why not.</summary>
    protected static string? ProbeBroker(string bootstrapServers)
    {
        try
        {
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers })
                .SetLogHandler((_, _) => { })
                .Build();
            var metadata = admin.GetMetadata(MetadataTimeout);
            return metadata.Brokers.Count > 0 ? null : "metadata listed no brokers";
        }
        catch (KafkaException ex)
        {
            return $"no metadata within {MetadataTimeout.TotalSeconds:0}s: {ex.Error.Reason}";
        }
    }
}
