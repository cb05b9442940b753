using System.Diagnostics;
using System.Globalization;
using System.Text;
using HazChem.Transport.Geofence;
using NetTopologySuite.IO;
using Npgsql;
using NpgsqlTypes;

namespace HazChem.Transport.Benchmarks.Geofence;

/// <summary>
/// Side by side on the same zones and fixes: the engine (single thread) against PostGIS (one backend, parallel
/// query off, JIT off, GiST index, fixes batched through unnest of two float8 arrays and joined with
/// ST_Intersects or ST_Contains, returning (fix, zone) rows as the engine returns zone lists).
/// </summary>
internal static class PostGisComparison
{
    /// <summary>Rates per wall-clock second and per CPU second (of the engine's process, of the PostGIS backend).</summary>
    public sealed record Rate(double PerWallSecond, double PerCpuSecond);

    public sealed record Row(int Zones, Rate Engine, Rate Intersects, Rate Contains, long EngineHits, long PostGisHits);

    public static async Task<IReadOnlyList<Row>?> RunAsync(int[] zoneCounts, int fixCount, TimeSpan minimumTime, TextWriter output)
    {
        var bin = PostGisCluster.FindBin(out var reason);
        output.WriteLine($"PostGIS: {reason}");
        if (bin is null)
        {
            return null;
        }

        await using var cluster = await PostGisCluster.StartAsync(bin);
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await Execute(connection, "CREATE EXTENSION IF NOT EXISTS postgis");
        await Execute(connection, "SET max_parallel_workers_per_gather = 0; SET jit = off");
        await using var versionCommand = new NpgsqlCommand("SELECT postgis_full_version()", connection);
        var version = await versionCommand.ExecuteScalarAsync();
        await using var pidCommand = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        var backendPid = (int)(await pidCommand.ExecuteScalarAsync())!;
        output.WriteLine($"PostGIS version: {version}");

        var rows = new List<Row>();
        foreach (var count in zoneCounts)
        {
            var zones = SyntheticData.Zones(count);
            var (lon, lat) = SyntheticData.Fixes(zones, fixCount);
            var load = Stopwatch.StartNew();
            await LoadZones(connection, zones);
            output.WriteLine($"  {count,7} zones loaded into PostGIS with a GiST index in {load.Elapsed.TotalSeconds:0.0} s");

            var (engine, engineHits) = MeasureEngine(zones, lon, lat, minimumTime);
            var (intersects, postGisHits) = await MeasurePostGis(connection, backendPid, "ST_Intersects", lon, lat, minimumTime);
            var (contains, _) = await MeasurePostGis(connection, backendPid, "ST_Contains", lon, lat, minimumTime);
            rows.Add(new Row(count, engine, intersects, contains, engineHits, postGisHits));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {count,7} zones: engine {engine.PerWallSecond,12:N0} checks/s wall, {engine.PerCpuSecond,12:N0} per CPU-s · PostGIS ST_Intersects {intersects.PerWallSecond,9:N0} /s wall, {intersects.PerCpuSecond,9:N0} per backend CPU-s · ST_Contains {contains.PerWallSecond,9:N0} /s · hits engine {engineHits} / PostGIS {postGisHits}"));
        }

        return rows;
    }

    private static (Rate Rate, long Hits) MeasureEngine(List<ZoneDefinition> zones, double[] lon, double[] lat, TimeSpan minimumTime)
    {
        var index = new GeofenceIndex(zones);
        var results = new List<ZoneDefinition>(64);
        long hits = 0;
        for (var i = 0; i < lon.Length; i++)
        {
            index.ZonesContaining(lon[i], lat[i], results);
            hits += results.Count;
        }

        long checks = 0;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < minimumTime)
        {
            for (var i = 0; i < lon.Length; i++)
            {
                index.ZonesContaining(lon[i], lat[i], results);
            }

            checks += lon.Length;
        }

        var wall = watch.Elapsed.TotalSeconds;
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        return (new Rate(checks / wall, checks / cpuSeconds), hits);
    }

    private static async Task<(Rate Rate, long Hits)> MeasurePostGis(NpgsqlConnection connection, int backendPid, string predicate, double[] lon, double[] lat, TimeSpan minimumTime)
    {
        const int batch = 4_096;
        var sql = $"""
            SELECT p.i, z.id
            FROM unnest(@lon, @lat) WITH ORDINALITY AS p(lon, lat, i)
            JOIN zones z ON {predicate}(z.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        var lonParameter = command.Parameters.Add(new NpgsqlParameter("lon", NpgsqlDbType.Array | NpgsqlDbType.Double));
        var latParameter = command.Parameters.Add(new NpgsqlParameter("lat", NpgsqlDbType.Array | NpgsqlDbType.Double));
        await command.PrepareAsync();

        var batches = new List<(double[] Lon, double[] Lat)>();
        for (var start = 0; start < lon.Length; start += batch)
        {
            var length = Math.Min(batch, lon.Length - start);
            batches.Add((lon[start..(start + length)], lat[start..(start + length)]));
        }

        async Task<long> Pass()
        {
            long rows = 0;
            foreach (var (batchLon, batchLat) in batches)
            {
                lonParameter.Value = batchLon;
                latParameter.Value = batchLat;
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    rows++;
                }
            }

            return rows;
        }

        var hits = await Pass(); // warm-up: caches, plan
        long checks = 0;
        var cpu = BackendCpuSeconds(backendPid);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < minimumTime)
        {
            await Pass();
            checks += lon.Length;
        }

        var wall = watch.Elapsed.TotalSeconds;
        var cpuSeconds = BackendCpuSeconds(backendPid) - cpu;
        return (new Rate(checks / wall, cpuSeconds > 0 ? checks / cpuSeconds : double.NaN), hits);
    }

    /// <summary>User + system CPU of the PostgreSQL backend serving our connection, from /proc (clock ticks of 1/100 s).</summary>
    private static double BackendCpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name (which is in parentheses and may hold spaces): state is field 3, utime 14, stime 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static async Task LoadZones(NpgsqlConnection connection, List<ZoneDefinition> zones)
    {
        await Execute(connection, "DROP TABLE IF EXISTS zones; CREATE TABLE zones (id int PRIMARY KEY, geom geometry(Geometry, 4326) NOT NULL)");
        var writer = new WKTWriter();
        await using (var import = await connection.BeginTextImportAsync("COPY zones (id, geom) FROM STDIN"))
        {
            var line = new StringBuilder();
            for (var i = 0; i < zones.Count; i++)
            {
                line.Clear().Append(i.ToString(CultureInfo.InvariantCulture)).Append("\tSRID=4326;").Append(writer.Write(zones[i].Geometry)).Append('\n');
                await import.WriteAsync(line.ToString());
            }
        }

        await Execute(connection, "CREATE INDEX zones_geom ON zones USING gist (geom); ANALYZE zones");
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
