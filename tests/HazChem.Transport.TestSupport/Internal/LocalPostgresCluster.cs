using System.Globalization;
using Npgsql;

namespace HazChem.Transport.TestSupport.Internal;

/// <summary>A throw-away PostgreSQL cluster made with the machine's own initdb and pg_ctl.</summary>
internal sealed class LocalPostgresCluster : IAsyncDisposable
{
    private const string ServiceUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private static readonly Lock OrphanGate = new();
    private static Task? _orphanCleanup;

    private readonly string _binDirectory;
    private readonly string _scratch;
    private readonly string? _runAs;

    private LocalPostgresCluster(string binDirectory, string scratch, string? runAs)
    {
        _binDirectory = binDirectory;
        _scratch = scratch;
        _runAs = runAs;
    }

    public int Port { get; private set; }

    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = ServiceUser,
        Database = "postgres",
        Timeout = 15,
        IncludeErrorDetail = true,
    }.ConnectionString;

    public string Description => $"throw-away cluster from {_binDirectory} on 127.0.0.1:{Port} (data in {DataDirectory})";

    private string DataDirectory => Path.Combine(_scratch, "data");

    private string LogFile => Path.Combine(_scratch, "server.log");

    /// <summary>The bin directory holding initdb, pg_ctl and postgres: the highest /usr/lib/postgresql/N/bin, else PATH.</summary>
    public static string? FindBinDirectory(out string searched)
    {
        const string versionsRoot = "/usr/lib/postgresql";
        var fromPackages = Directory.Exists(versionsRoot)
            ? Directory.GetDirectories(versionsRoot)
                .Select(d => (Path: Path.Combine(d, "bin"), Version: ParseVersion(Path.GetFileName(d))))
                .Where(c => c.Version is not null && HasBinaries(c.Path))
                .OrderByDescending(c => c.Version)
                .Select(c => c.Path)
                .FirstOrDefault()
            : null;
        if (fromPackages is not null)
        {
            searched = versionsRoot;
            return fromPackages;
        }

        var pgCtl = ProcessRunner.FindOnPath("pg_ctl");
        var onPath = pgCtl is null ? null : Path.GetDirectoryName(pgCtl);
        searched = $"{versionsRoot}/*/bin and PATH";
        return onPath is not null && HasBinaries(onPath) ? onPath : null;
    }

    public static async Task<LocalPostgresCluster> StartAsync(string binDirectory, CancellationToken cancellationToken)
    {
        string? runAs = null;
        if (RunAsUser.IsRoot)
        {
            if (!RunAsUser.UserExists(ServiceUser))
            {
                throw new InvalidOperationException(
                    $"running as root (initdb refuses root) and there is no '{ServiceUser}' user to run the cluster as");
            }

            runAs = ServiceUser;
        }

        await CleanOrphansOnceAsync(binDirectory, runAs);

        var scratch = ScratchDirectory.Create("pg");
        var cluster = new LocalPostgresCluster(binDirectory, scratch, runAs);
        try
        {
            await cluster.InitAndStartAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            try
            {
                await RunAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "30", "stop"], CancellationToken.None);
            }
            catch (TimeoutException)
            {
                // The directory goes anyway; a server left running is cleaned by the next run's orphan sweep.
            }
        }

        ScratchDirectory.Delete(_scratch);
    }

    private async Task InitAndStartAsync(CancellationToken cancellationToken)
    {
        if (_runAs is not null)
        {
            var chownPath = ProcessRunner.FindSystemTool("chown")
                ?? throw new InvalidOperationException("running as root, but 'chown' was not found to hand the cluster directory to the postgres user");
            var chown = await ProcessRunner.RunAsync(chownPath, ["-R", $"{_runAs}:{_runAs}", _scratch], CommandTimeout, cancellationToken);
            if (chown.ExitCode != 0)
            {
                throw new InvalidOperationException($"chown of {_scratch} to {_runAs} failed (exit {chown.ExitCode}): {chown.Output}");
            }
        }

        // C.UTF-8 keeps UTF-8 character classes; plain C is the fallback where that locale is missing.
        ProcessResult? init = null;
        foreach (var locale in new[] { "C.UTF-8", "C" })
        {
            init = await RunAsync(
                "initdb",
                ["-D", DataDirectory, "-A", "trust", "-U", ServiceUser, "--no-sync", "-E", "UTF8", $"--locale={locale}"],
                cancellationToken);
            if (init.ExitCode == 0)
            {
                break;
            }

            ScratchDirectory.Delete(DataDirectory);
        }

        if (init!.ExitCode != 0)
        {
            throw new InvalidOperationException($"initdb failed (exit {init.ExitCode}): {init.Output}");
        }

        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var port = Port = FreePort.Next();
            // Durability is worthless for a throw-away cluster; skipping fsync makes DDL-heavy tests fast.
            var serverOptions = string.Create(
                CultureInfo.InvariantCulture,
                $"-p {port} -k '{_scratch}' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300");
            var start = await RunAsync(
                "pg_ctl",
                ["-D", DataDirectory, "-l", LogFile, "-o", serverOptions, "-w", "-t", "30", "start"],
                cancellationToken);
            if (start.ExitCode == 0)
            {
                await WaitUntilQueryableAsync(cancellationToken);
                return;
            }

            var log = OutputTail.OfFile(LogFile);
            var portTaken = log.Contains("could not bind", StringComparison.OrdinalIgnoreCase)
                || log.Contains("already in use", StringComparison.OrdinalIgnoreCase);
            if (!portTaken || attempt == attempts)
            {
                throw new InvalidOperationException(
                    $"pg_ctl start on port {port} failed (exit {start.ExitCode}): {start.Output}{Environment.NewLine}server log tail:{Environment.NewLine}{log}");
            }
        }
    }

    private async Task WaitUntilQueryableAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString);
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (NpgsqlException ex)
            {
                throw new TimeoutException(
                    $"pg_ctl reported the server started, but it did not answer on 127.0.0.1:{Port} within 20s: {ex.Message}{Environment.NewLine}server log tail:{Environment.NewLine}{OutputTail.OfFile(LogFile)}",
                    ex);
            }
        }
    }

    private Task<ProcessResult> RunAsync(string binary, IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(_binDirectory, _runAs, binary, arguments, cancellationToken);

    private static Task<ProcessResult> RunAsync(
        string binDirectory, string? runAs, string binary, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var (fileName, args) = RunAsUser.Wrap(runAs, Path.Combine(binDirectory, binary), arguments);
        return ProcessRunner.RunAsync(fileName, args, CommandTimeout, cancellationToken);
    }

    /// <summary>Stops and deletes clusters that test runs killed before they could clean up. Once per process.</summary>
    private static Task CleanOrphansOnceAsync(string binDirectory, string? runAs)
    {
        lock (OrphanGate)
        {
            return _orphanCleanup ??= Task.Run(async () =>
            {
                foreach (var orphan in ScratchDirectory.FindOrphans("pg"))
                {
                    var data = Path.Combine(orphan, "data");
                    if (File.Exists(Path.Combine(data, "postmaster.pid")))
                    {
                        try
                        {
                            await RunAsync(binDirectory, runAs, "pg_ctl", ["-D", data, "-m", "immediate", "-w", "-t", "10", "stop"], CancellationToken.None);
                        }
                        catch (TimeoutException)
                        {
                            continue;
                        }
                    }

                    ScratchDirectory.Delete(orphan);
                }
            });
        }
    }

    private static bool HasBinaries(string directory) =>
        File.Exists(Path.Combine(directory, "initdb"))
        && File.Exists(Path.Combine(directory, "pg_ctl"))
        && File.Exists(Path.Combine(directory, "postgres"));

    private static Version? ParseVersion(string name) =>
        Version.TryParse(name, out var version) ? version
        : int.TryParse(name, CultureInfo.InvariantCulture, out var major) ? new Version(major, 0)
        : null;
}
