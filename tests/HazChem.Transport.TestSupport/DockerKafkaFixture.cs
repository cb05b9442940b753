using Testcontainers.Kafka;

namespace HazChem.Transport.TestSupport;

/// <summary>
/// A real Kafka broker in Docker through Testcontainers, for the few tests that must see real broker
/// behaviour. Where no Docker engine answers, <see cref="ComponentFixture.Require"/> skips the test with
/// the reason, on CI too (DESIGN.md §6); where Docker answers but the broker cannot start, it follows
/// the usual rule (fails on CI).
/// </summary>
public sealed class DockerKafkaFixture : KafkaBrokerFixture
{
    private const string ContainerImage = "confluentinc/cp-kafka:7.5.12";
    private static readonly TimeSpan ContainerStartTimeout = TimeSpan.FromMinutes(3);

    private KafkaContainer? _container;
    private bool _dockerAbsent;

    /// <summary>Creates the fixture; xunit starts it through <see cref="ComponentFixture.InitializeAsync"/>.</summary>
    public DockerKafkaFixture()
        : base("Kafka in Docker")
    {
    }

    /// <inheritdoc />
    public override bool IsMockCluster => false;

    /// <inheritdoc />
    protected override bool SkipEvenInCi => _dockerAbsent;

    /// <inheritdoc />
    protected override async Task<bool> StartAsync(CancellationToken cancellationToken)
    {
        var docker = await DockerAvailability.CheckAsync();
        if (!docker.IsAvailable)
        {
            _dockerAbsent = true;
            RecordFailure($"Testcontainers: {docker.Description}");
            return false;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ContainerStartTimeout);
            _container = new KafkaBuilder(ContainerImage).Build();
            await _container.StartAsync(timeout.Token);
            var bootstrapServers = _container.GetBootstrapAddress();
            UseBroker(bootstrapServers, $"Testcontainers {ContainerImage} at {bootstrapServers} ({docker.Description})");
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            RecordFailure($"Testcontainers {ContainerImage} ({docker.Description}): {ex.GetType().Name}: {ex.Message}");
            return false;
        }
    }

    /// <inheritdoc />
    protected override async ValueTask StopAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }
}
