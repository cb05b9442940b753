using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace HazChem.Transport.Benchmarks.Geofence;

/// <summary>
/// A throw-away PostgreSQL cluster from Debian's packages (initdb/pg_ctl under /usr/lib/postgresql/N/bin, the
/// highest N with PostGIS installed), run as the postgres user when we are root — the same recipe as
/// tests/HazChem.Transport.TestSupport's PostgresFixture, replicated so the benchmark does not drag in xunit.
/// </summary>
internal sealed class PostGisCluster : IAsyncDisposable
{
    private const string ServiceUser = "postgres";
    private readonly string _bin;
    private readonly string _scratch;
    private readonly bool _asPostgres;

    private PostGisCluster(string bin, string scratch, bool asPostgres)
    {
        _bin = bin;
        _scratch = scratch;
        _asPostgres = asPostgres;
    }

    public int Port { get; private set; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username={ServiceUser};Database=postgres;Pooling=false;Command Timeout=600";

    private string DataDirectory => Path.Combine(_scratch, "data");

    /// <summary>Finds binaries with PostGIS, or explains what is missing.</summary>
    public static string? FindBin(out string reason)
    {
        const string root = "/usr/lib/postgresql";
        var candidates = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
                .Where(c => c.Version > 0 && File.Exists(Path.Combine(c.Dir, "bin", "initdb")))
                .OrderByDescending(c => c.Version)
                .ToList()
            : [];
        foreach (var (dir, version) in candidates)
        {
            if (File.Exists($"/usr/share/postgresql/{version}/extension/postgis.control"))
            {
                reason = $"PostgreSQL {version} with PostGIS";
                return Path.Combine(dir, "bin");
            }
        }

        reason = candidates.Count == 0
            ? "no PostgreSQL under /usr/lib/postgresql (apt-get install -y postgresql-15-postgis-3)"
            : "PostgreSQL found but no PostGIS extension (apt-get install -y postgresql-15-postgis-3)";
        return null;
    }

    public static async Task<PostGisCluster> StartAsync(string bin)
    {
        var asPostgres = Environment.UserName == "root";
        var scratch = Path.Combine(Path.GetTempPath(), $"hazchem-postgis-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(scratch);
        var cluster = new PostGisCluster(bin, scratch, asPostgres);
        if (asPostgres)
        {
            await Run("chown", ["-R", $"{ServiceUser}:{ServiceUser}", scratch]);
        }

        await cluster.RunPg("initdb", ["-D", cluster.DataDirectory, "-A", "trust", "-U", ServiceUser, "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]);
        cluster.Port = FreePort();
        var options = string.Create(
            CultureInfo.InvariantCulture,
            $"-p {cluster.Port} -k '{scratch}' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=512MB -c work_mem=64MB");
        await cluster.RunPg("pg_ctl", ["-D", cluster.DataDirectory, "-l", Path.Combine(scratch, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunPg("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Best effort; the directory goes anyway.
        }

        Directory.Delete(_scratch, recursive: true);
    }

    private Task RunPg(string tool, string[] arguments)
    {
        var executable = Path.Combine(_bin, tool);
        return _asPostgres
            ? Run("runuser", ["-u", ServiceUser, "--", executable, .. arguments])
            : Run(executable, arguments);
    }

    private static async Task Run(string fileName, string[] arguments)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stdout}{await stderr}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
