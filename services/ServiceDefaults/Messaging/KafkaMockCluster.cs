using Confluent.Kafka;

namespace HazChem.Transport.ServiceDefaults.Messaging;

/// <summary>
/// A Kafka-protocol broker inside this process: librdkafka's built-in mock cluster. Other processes
/// connect to <see cref="BootstrapServers"/> as to any broker. It keeps only a few MB per partition,
/// so it serves tests and live demos, never backlogs.
/// </summary>
public sealed class KafkaMockCluster : IDisposable
{
    private readonly IProducer<byte[], byte[]> _owner;

    private KafkaMockCluster(IProducer<byte[], byte[]> owner, string bootstrapServers)
    {
        _owner = owner;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>The broker address, e.g. <c>127.0.0.1:38211</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>Starts a mock cluster with the given number of brokers and returns once it answers metadata.</summary>
    public static KafkaMockCluster Start(int brokers = 1)
    {
        var config = new ProducerConfig
        {
            // The mock cluster is created by the first client handle that asks for it and lives as long as that handle.
            BootstrapServers = "localhost:1",
        };
        config.Set("test.mock.num.brokers", brokers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var producer = new ProducerBuilder<byte[], byte[]>(config)
            .SetLogHandler((_, _) => { })
            .Build();
        try
        {
            using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
            var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
            var bootstrap = string.Join(",", metadata.Brokers.Select(b => $"{b.Host}:{b.Port}"));
            if (bootstrap.Length == 0)
            {
                throw new InvalidOperationException("librdkafka's mock cluster reported no brokers.");
            }

            return new KafkaMockCluster(producer, bootstrap);
        }
        catch
        {
            producer.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _owner.Dispose();
}
