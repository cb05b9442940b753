using HazChem.Transport.TestSupport;

[assembly: AssemblyFixture(typeof(PostgresFixture))]
[assembly: AssemblyFixture(typeof(KafkaFixture))]
[assembly: AssemblyFixture(typeof(RedisFixture))]

namespace HazChem.Transport.Telemetry.Tests.Service;

/// <summary>One Telemetry host per test class, started by the first test that needs it (so a missing component skips that test with its reason).</summary>
public sealed class HostPerClass : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TelemetryHost? _host;

    internal async Task<TelemetryHost> GetAsync(PostgresFixture postgres, KafkaFixture kafka, TestStorage storage = TestStorage.Postgres, RedisFixture? redis = null)
    {
        if (storage == TestStorage.Postgres)
        {
            postgres.Require();
        }

        kafka.Require();
        redis?.Require();
        await _gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            return _host ??= await TelemetryHost.StartAsync(postgres, kafka, storage, redis);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _gate.Dispose();
    }
}
