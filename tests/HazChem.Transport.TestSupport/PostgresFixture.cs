using System.Text.RegularExpressions;
using HazChem.Transport.TestSupport.Internal;
using Npgsql;
using Testcontainers.PostgreSql;

namespace HazChem.Transport.TestSupport;

/// <summary>
/// A real PostgreSQL server for integration tests. Sources, in order:
/// <list type="number">
/// <item><c>HAZCHEM_TEST_POSTGRES</c>, an explicit connection string (no fallback when it is set but fails);</item>
/// <item>a throw-away cluster made with the machine's initdb/pg_ctl (highest <c>/usr/lib/postgresql/N/bin</c>, else PATH),
/// run as the <c>postgres</c> user when the tests run as root;</item>
/// <item>a Testcontainers PostgreSQL container when a Docker engine answers.</item>
/// </list>
/// Call <see cref="ComponentFixture.Require"/> first in each test. Each service owns a database: give each
/// test class its own with <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed partial class PostgresFixture : ComponentFixture
{
    /// <summary>Environment variable holding an explicit server connection string.</summary>
    public const string EnvironmentVariable = "HAZCHEM_TEST_POSTGRES";

    private const string ContainerImage = "postgres:15.1";
    private static readonly TimeSpan ContainerStartTimeout = TimeSpan.FromMinutes(3);

    private readonly List<string> _createdDatabases = [];
    private readonly Lock _gate = new();
    private LocalPostgresCluster? _cluster;
    private PostgreSqlContainer? _container;
    private string? _connectionString;

    /// <summary>Creates the fixture; xunit starts it through <see cref="ComponentFixture.InitializeAsync"/>.</summary>
    public PostgresFixture()
        : base("PostgreSQL")
    {
    }

    /// <summary>A superuser connection string to the server's <c>postgres</c> database. Skips or fails like <see cref="ComponentFixture.Require"/> when unavailable.</summary>
    public string ConnectionString
    {
        get
        {
            Require();
            return _connectionString!;
        }
    }

    /// <summary>
    /// Creates a fresh, empty database named <paramref name="name"/> plus a unique suffix (so runs and
    /// test classes sharing a server never collide) and returns a connection string to it.
    /// </summary>
    /// <param name="name">Lower-case letters, digits and underscores, starting with a letter or underscore, at most 40 characters.</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!DatabaseNamePattern().IsMatch(name))
        {
            throw new ArgumentException(
                $"Database name '{name}' is invalid: use 1 to 40 lower-case letters, digits or underscores, starting with a letter or underscore.",
                nameof(name));
        }

        var adminConnectionString = ConnectionString;
        var database = $"{name}_{Guid.NewGuid():N}"[..(name.Length + 9)];
        await using (var connection = new NpgsqlConnection(adminConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            // template0: template1 may be in use by a concurrent CREATE DATABASE, which PostgreSQL refuses.
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database}\" TEMPLATE template0 ENCODING 'UTF8'", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        lock (_gate)
        {
            _createdDatabases.Add(database);
        }

        return new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database }.ConnectionString;
    }

    /// <inheritdoc />
    protected override async Task<bool> StartAsync(CancellationToken cancellationToken)
    {
        var explicitConnectionString = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(explicitConnectionString))
        {
            var failure = await TryConnectAsync(explicitConnectionString, cancellationToken);
            if (failure is null)
            {
                _connectionString = explicitConnectionString;
                UseSource($"server from {EnvironmentVariable}");
                return true;
            }

            RecordFailure($"{EnvironmentVariable} is set but connecting failed: {failure} (an explicit server is never replaced by another source)");
            return false;
        }

        RecordFailure($"{EnvironmentVariable} not set");

        var binDirectory = LocalPostgresCluster.FindBinDirectory(out var searched);
        if (binDirectory is null)
        {
            RecordFailure($"local binaries: initdb, pg_ctl and postgres not found together under {searched}");
        }
        else
        {
            try
            {
                _cluster = await LocalPostgresCluster.StartAsync(binDirectory, cancellationToken);
                _connectionString = _cluster.ConnectionString;
                UseSource(_cluster.Description);
                return true;
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
            {
                RecordFailure($"local binaries in {binDirectory}: {ex.Message}");
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
            _container = new PostgreSqlBuilder(ContainerImage).Build();
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
        if (_connectionString is not null)
        {
            await DropCreatedDatabasesAsync(_connectionString);
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }

    private async Task DropCreatedDatabasesAsync(string adminConnectionString)
    {
        string[] databases;
        lock (_gate)
        {
            databases = [.. _createdDatabases];
        }

        foreach (var database in databases)
        {
            NpgsqlConnection.ClearPool(new NpgsqlConnection(new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database }.ConnectionString));
        }

        // A throw-away cluster or container vanishes whole; only a shared server needs its litter removed.
        if (_cluster is not null || _container is not null || databases.Length == 0)
        {
            NpgsqlConnection.ClearPool(new NpgsqlConnection(adminConnectionString));
            return;
        }

        try
        {
            await using var connection = new NpgsqlConnection(adminConnectionString);
            await connection.OpenAsync();
            foreach (var database in databases)
            {
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
            }
        }
        catch (NpgsqlException)
        {
            // Best effort: the names are unique, so leftovers never disturb a later run.
        }
    }

    private static async Task<string?> TryConnectAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException or InvalidOperationException)
        {
            return ex.Message;
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex DatabaseNamePattern();
}
