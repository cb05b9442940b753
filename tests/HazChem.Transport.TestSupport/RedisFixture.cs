using HazChem.Transport.TestSupport.Internal;
using StackExchange.Redis;
using Testcontainers.Redis;

namespace HazChem.Transport.TestSupport;

/// <summary>
/// A real Redis server for integration tests. Sources, in order:
/// <list type="number">
/// <item><c>HAZCHEM_TEST_REDIS</c>, an explicit StackExchange.Redis configuration string (no fallback when it is set but fails);</item>
/// <item><c>redis-server</c> from PATH on a free loopback port, persistence off;</item>
/// <item>a Testcontainers Redis container when a Docker engine answers.</item>
/// </list>
/// Call <see cref="ComponentFixture.Require"/> first in each test. A shared server is shared by every
/// test using the fixture: use unique keys (e.g. a <see cref="Guid"/> prefix).
/// </summary>
public sealed class RedisFixture : ComponentFixture
{
    /// <summary>Environment variable holding an explicit StackExchange.Redis configuration string.</summary>
    public const string EnvironmentVariable = "HAZCHEM_TEST_REDIS";

    private const string ContainerImage = "redis:7.0";
    private static readonly TimeSpan ContainerStartTimeout = TimeSpan.FromMinutes(3);

    private LocalRedisServer? _server;
    private RedisContainer? _container;
    private string? _connectionString;

    /// <summary>Creates the fixture; xunit starts it through <see cref="ComponentFixture.InitializeAsync"/>.</summary>
    public RedisFixture()
        : base("Redis")
    {
    }

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:40123</c>. Skips or fails like <see cref="ComponentFixture.Require"/> when unavailable.</summary>
    public string ConnectionString
    {
        get
        {
            Require();
            return _connectionString!;
        }
    }

    /// <inheritdoc />
    protected override async Task<bool> StartAsync(CancellationToken cancellationToken)
    {
        var explicitConfiguration = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(explicitConfiguration))
        {
            var failure = await TryPingAsync(explicitConfiguration);
            if (failure is null)
            {
                _connectionString = explicitConfiguration;
                UseSource($"server from {EnvironmentVariable}");
                return true;
            }

            RecordFailure($"{EnvironmentVariable} is set but PING failed: {failure} (an explicit server is never replaced by another source)");
            return false;
        }

        RecordFailure($"{EnvironmentVariable} not set");

        var executable = ProcessRunner.FindOnPath("redis-server");
        if (executable is null)
        {
            RecordFailure("local binary: redis-server not found on PATH (apt-get install redis-server)");
        }
        else
        {
            try
            {
                _server = await LocalRedisServer.StartAsync(executable, cancellationToken);
                _connectionString = _server.ConnectionString;
                UseSource(_server.Description);
                return true;
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
            {
                RecordFailure($"local binary {executable}: {ex.Message}");
            }
        }

        var docker = await DockerAvailability.CheckAsync();
        if (!docker.IsAvailable)
        {
            RecordFailure($"Testcontainers: {docker.Description}");
            return false;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ContainerStartTimeout);
            _container = new RedisBuilder(ContainerImage).Build();
            await _container.StartAsync(timeout.Token);
            _connectionString = _container.GetConnectionString();
            UseSource($"Testcontainers {ContainerImage} ({docker.Description})");
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
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }

    private static async Task<string?> TryPingAsync(string configuration)
    {
        try
        {
            var options = ConfigurationOptions.Parse(configuration);
            options.AbortOnConnectFail = true;
            options.ConnectTimeout = 5000;
            await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
            await connection.GetDatabase().PingAsync();
            return null;
        }
        catch (Exception ex) when (ex is RedisException or ArgumentException or TimeoutException)
        {
            return ex.Message;
        }
    }
}
