using HazChem.Transport.ServiceDefaults.Messaging;

namespace HazChem.Transport.TestSupport;

/// <summary>
/// A Kafka-protocol broker for integration tests. Sources, in order:
/// <list type="number">
/// <item><c>KAFKA_BOOTSTRAP_SERVERS</c>, an external broker (no fallback when it is set but does not answer);</item>
/// <item>librdkafka's mock cluster inside this process (<see cref="KafkaMockCluster"/>).</item>
/// </list>
/// Call <see cref="ComponentFixture.Require"/> first in each test, and take a fresh topic from
/// <see cref="KafkaBrokerFixture.CreateTopicAsync"/>. For a real broker in Docker see <see cref="DockerKafkaFixture"/>.
/// </summary>
public sealed class KafkaFixture : KafkaBrokerFixture
{
    /// <summary>Environment variable naming an external broker list.</summary>
    public const string EnvironmentVariable = "KAFKA_BOOTSTRAP_SERVERS";

    private KafkaMockCluster? _mockCluster;

    /// <summary>Creates the fixture; xunit starts it through <see cref="ComponentFixture.InitializeAsync"/>.</summary>
    public KafkaFixture()
        : base("Kafka")
    {
    }

    /// <inheritdoc />
    public override bool IsMockCluster => _mockCluster is not null;

    /// <inheritdoc />
    protected override Task<bool> StartAsync(CancellationToken cancellationToken)
    {
        var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            var failure = ProbeBroker(external);
            if (failure is null)
            {
                UseBroker(external, $"external broker {external} from {EnvironmentVariable}");
                return Task.FromResult(true);
            }

            RecordFailure($"{EnvironmentVariable}={external} is set but the broker did not answer: {failure} (an explicit broker is never replaced by the mock cluster)");
            return Task.FromResult(false);
        }

        RecordFailure($"{EnvironmentVariable} not set");
        try
        {
            _mockCluster = KafkaMockCluster.Start();
            UseBroker(_mockCluster.BootstrapServers, $"librdkafka mock cluster at {_mockCluster.BootstrapServers}");
            return Task.FromResult(true);
        }
        catch (Exception ex) when (ex is Confluent.Kafka.KafkaException or InvalidOperationException or DllNotFoundException)
        {
            RecordFailure($"librdkafka mock cluster: {ex.GetType().Name}: {ex.Message}");
            return Task.FromResult(false);
        }
    }

    /// <inheritdoc />
    protected override ValueTask StopAsync()
    {
        _mockCluster?.Dispose();
        return ValueTask.CompletedTask;
    }
}
