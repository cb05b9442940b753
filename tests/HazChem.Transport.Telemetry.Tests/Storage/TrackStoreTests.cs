using Google.Protobuf.WellKnownTypes;
using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.Telemetry.Domain;
using HazChem.Transport.Telemetry.Storage;
using HazChem.Transport.TestSupport;
using Npgsql;

namespace HazChem.Transport.Telemetry.Tests.Storage;

/// <summary>The track table on real PostgreSQL (monthly partitions, COPY) and on SQLite (embedded default).</summary>
public sealed class TrackStoreTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Now = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Retention = TimeSpan.FromDays(190);

    [Fact]
    public async Task Postgres_AppendTwice_StoredOnceInFixTimeOrder()
    {
        var store = await PostgresAsync();
        await AssertIdempotentAndOrderedAsync(store);
    }

    [Fact]
    public async Task Sqlite_AppendTwice_StoredOnceInFixTimeOrder()
    {
        var store = await SqliteAsync();
        await AssertIdempotentAndOrderedAsync(store);
    }

    [Fact]
    public async Task Postgres_Retention_DropsWholeMonthPartitionsOnly()
    {
        postgres.Require();
        var connectionString = await postgres.CreateDatabaseAsync("track_retention", TestContext.Current.CancellationToken);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresTrackStore(dataSource);
        var ct = TestContext.Current.CancellationToken;
        await store.EnsureSchemaAsync(Now, Retention, ct);
        var partitions = await PartitionsAsync(dataSource);
        // From the month retention reaches back to (July 2025) to two months ahead, plus DEFAULT.
        Assert.Contains("track_points_p202507", partitions);
        Assert.Contains("track_points_p202603", partitions);
        Assert.Contains("track_points_default", partitions);

        const string plate = "渝P10001";
        var july = new DateTimeOffset(2025, 7, 20, 0, 0, 0, TimeSpan.Zero);
        var august = new DateTimeOffset(2025, 8, 20, 0, 0, 0, TimeSpan.Zero);
        await store.AppendAsync([Fix(plate, july, 29.5), Fix(plate, august, 29.6), Fix(plate, Now.AddDays(-1), 29.7)], ct);

        // Cutoff 2025-08-10: July lies wholly before it and goes; August holds newer fixes and stays.
        var removed = await store.PruneAsync(new DateTimeOffset(2025, 8, 10, 0, 0, 0, TimeSpan.Zero), ct);
        Assert.Contains("track_points_p202507", removed, StringComparison.Ordinal);
        Assert.DoesNotContain("track_points_p202507", await PartitionsAsync(dataSource));
        var left = await store.ReadAsync(plate, 0, FixId.UnixMicros(new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero)), 0, "", 100, ct);
        Assert.Equal([august, Now.AddDays(-1)], left.Select(p => FixId.FromUnixMicros(p.FixMicros)));
    }

    [Fact]
    public async Task Sqlite_Retention_DeletesOnlyOlderPoints()
    {
        var store = await SqliteAsync();
        var ct = TestContext.Current.CancellationToken;
        const string plate = "渝P10002";
        await store.AppendAsync([Fix(plate, Now.AddDays(-200), 29.5), Fix(plate, Now.AddDays(-1), 29.6)], ct);

        await store.PruneAsync(Now - Retention, ct);

        var left = await store.ReadAsync(plate, 0, FixId.UnixMicros(new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero)), 0, "", 100, ct);
        Assert.Equal([Now.AddDays(-1)], left.Select(p => FixId.FromUnixMicros(p.FixMicros)));
    }

    private static async Task AssertIdempotentAndOrderedAsync(ITrackStore store)
    {
        var ct = TestContext.Current.CancellationToken;
        var plate = "渝P" + Random.Shared.Next(10000, 99999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var fixes = Enumerable.Range(0, 5).Reverse().Select(i => Fix(plate, Now.AddSeconds(-10 * i), 29.5 + (i / 1000.0))).ToList();
        Assert.Equal(5, await store.AppendAsync(fixes, ct));
        // Kafka redelivers the same batch: nothing new.
        Assert.Equal(0, await store.AppendAsync(fixes, ct));
        await store.AppendAsync([Fix("渝P00000", Now, 29.5)], ct);

        var from = FixId.UnixMicros(Now.AddMinutes(-5));
        var to = FixId.UnixMicros(Now.AddMinutes(5));
        var first = await store.ReadAsync(plate, from, to, from, "", 3, ct);
        Assert.Equal(3, first.Count);
        var rest = await store.ReadAsync(plate, from, to, first[^1].FixMicros, first[^1].FixId, 3, ct);
        var all = first.Concat(rest).ToList();
        Assert.Equal(Enumerable.Range(0, 5).Reverse().Select(i => Now.AddSeconds(-10 * i)), all.Select(p => FixId.FromUnixMicros(p.FixMicros)));
        Assert.Equal(29.504, all[0].Lat, 6);
        Assert.Equal((int)PositionSource.Grpc, all[0].Source);
        Assert.True(all[0].Late);
    }

    private async Task<ITrackStore> PostgresAsync()
    {
        postgres.Require();
        var connectionString = await postgres.CreateDatabaseAsync("track", TestContext.Current.CancellationToken);
        var store = new PostgresTrackStore(NpgsqlDataSource.Create(connectionString));
        await store.EnsureSchemaAsync(Now, Retention, TestContext.Current.CancellationToken);
        return store;
    }

    private static async Task<ITrackStore> SqliteAsync()
    {
        var store = new SqliteTrackStore($"Data Source={Path.Combine(Path.GetTempPath(), $"track-test-{Guid.NewGuid():N}.db")}");
        await store.EnsureSchemaAsync(Now, Retention, TestContext.Current.CancellationToken);
        return store;
    }

    private static async Task<List<string>> PartitionsAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'track_points'");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var names = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static PositionReported Fix(string plate, DateTimeOffset fixTime, double lat) => new()
    {
        FixId = FixId.Compute(plate, fixTime, lat, 106.5),
        Plate = plate,
        FixTime = Timestamp.FromDateTimeOffset(fixTime),
        ReceivedTime = Timestamp.FromDateTimeOffset(fixTime.AddSeconds(2)),
        Lat = lat,
        Lon = 106.5,
        SpeedKmh = 40,
        Valid = true,
        Source = PositionSource.Grpc,
        Late = true,
    };
}
