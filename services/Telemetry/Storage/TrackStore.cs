using System.Globalization;
using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.Telemetry.Domain;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace HazChem.Transport.Telemetry.Storage;

/// <summary>A stored track point (times in µs since the Unix epoch).</summary>
internal sealed record StoredTrackPoint(
    string FixId, long FixMicros, long ReceivedMicros, double Lat, double Lon, double SpeedKmh, double HeadingDeg, double AltitudeM, int Source, bool Late);

/// <summary>
/// Track history: every accepted fix, appended in batches by the track writer (idempotent: a fix id already
/// stored is skipped, so Kafka redelivery never duplicates a point), read by plate and fix-time range, pruned by
/// retention without a full-table delete.
/// </summary>
internal interface ITrackStore
{
    /// <summary>Creates the table (and on PostgreSQL the monthly partitions around <paramref name="now"/>).</summary>
    Task EnsureSchemaAsync(DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken);

    /// <summary>Appends the fixes; ones already stored are skipped. Returns the number newly stored.</summary>
    Task<int> AppendAsync(IReadOnlyList<PositionReported> fixes, CancellationToken cancellationToken);

    /// <summary>Points of <paramref name="plate"/> with fix time in [from, to), after the keyset position, in (fix time, fix id) order.</summary>
    Task<IReadOnlyList<StoredTrackPoint>> ReadAsync(
        string plate, long fromMicros, long toMicros, long afterMicros, string afterFixId, int limit, CancellationToken cancellationToken);

    /// <summary>Removes points older than <paramref name="cutoff"/> (PostgreSQL: drops whole monthly partitions). Returns what was removed, for the log.</summary>
    Task<string> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}

/// <summary>
/// PostgreSQL: <c>track_points</c> partitioned by month of fix time (a DEFAULT partition catches anything outside
/// the prepared months), written by binary COPY into a session temp table and
/// <c>INSERT … ON CONFLICT DO NOTHING</c> (fix id and fix time form the key; the id determines the time).
/// Retention drops partitions whose whole month is older than the cutoff.
/// </summary>
internal sealed class PostgresTrackStore(NpgsqlDataSource dataSource) : ITrackStore
{
    private const string PartitionPrefix = "track_points_p";

    private const string Columns = "fix_id, plate, terminal_phone, fix_time, received_time, lat, lon, speed_kmh, heading_deg, altitude_m, alarm_flags, status_flags, source, late";

    public async Task EnsureSchemaAsync(DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Replicas start together: one at a time creates the parent and the partitions.
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtext('hazchem.track_points'))", cancellationToken);
        await ExecuteAsync(connection, """
            CREATE TABLE IF NOT EXISTS track_points (
              fix_id text NOT NULL,
              plate text NOT NULL,
              terminal_phone text NOT NULL,
              fix_time timestamptz NOT NULL,
              received_time timestamptz NOT NULL,
              lat double precision NOT NULL,
              lon double precision NOT NULL,
              speed_kmh double precision NOT NULL,
              heading_deg double precision NOT NULL,
              altitude_m double precision NOT NULL,
              alarm_flags bigint NOT NULL,
              status_flags bigint NOT NULL,
              source smallint NOT NULL,
              late boolean NOT NULL,
              PRIMARY KEY (fix_id, fix_time)
            ) PARTITION BY RANGE (fix_time);
            CREATE INDEX IF NOT EXISTS ix_track_points_plate_fix_time ON track_points (plate, fix_time, fix_id);
            CREATE TABLE IF NOT EXISTS track_points_default PARTITION OF track_points DEFAULT;
            """, cancellationToken);
        var first = MonthStart(now - retention);
        var last = MonthStart(now).AddMonths(2);
        for (var month = first; month <= last; month = month.AddMonths(1))
        {
            var sql = string.Create(
                CultureInfo.InvariantCulture,
                $"CREATE TABLE IF NOT EXISTS {PartitionName(month)} PARTITION OF track_points FOR VALUES FROM ('{month:yyyy-MM-dd}T00:00:00Z') TO ('{month.AddMonths(1):yyyy-MM-dd}T00:00:00Z')");
            await ExecuteAsync(connection, sql, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<int> AppendAsync(IReadOnlyList<PositionReported> fixes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fixes);
        if (fixes.Count == 0)
        {
            return 0;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, "CREATE TEMP TABLE IF NOT EXISTS track_staging (LIKE track_points) ON COMMIT DELETE ROWS", cancellationToken);
        await using (var import = await connection.BeginBinaryImportAsync($"COPY track_staging ({Columns}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var fix in fixes)
            {
                await import.StartRowAsync(cancellationToken);
                await import.WriteAsync(fix.FixId, NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(fix.Plate, NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(fix.TerminalPhone, NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(fix.FixTime.ToDateTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                await import.WriteAsync(fix.ReceivedTime.ToDateTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                await import.WriteAsync(fix.Lat, NpgsqlDbType.Double, cancellationToken);
                await import.WriteAsync(fix.Lon, NpgsqlDbType.Double, cancellationToken);
                await import.WriteAsync(fix.SpeedKmh, NpgsqlDbType.Double, cancellationToken);
                await import.WriteAsync(fix.HeadingDeg, NpgsqlDbType.Double, cancellationToken);
                await import.WriteAsync(fix.AltitudeM, NpgsqlDbType.Double, cancellationToken);
                await import.WriteAsync((long)fix.AlarmFlags, NpgsqlDbType.Bigint, cancellationToken);
                await import.WriteAsync((long)fix.StatusFlags, NpgsqlDbType.Bigint, cancellationToken);
                await import.WriteAsync((short)fix.Source, NpgsqlDbType.Smallint, cancellationToken);
                await import.WriteAsync(fix.Late, NpgsqlDbType.Boolean, cancellationToken);
            }

            await import.CompleteAsync(cancellationToken);
        }

        await using var insert = new NpgsqlCommand($"INSERT INTO track_points ({Columns}) SELECT {Columns} FROM track_staging ON CONFLICT DO NOTHING", connection);
        var stored = await insert.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    public async Task<IReadOnlyList<StoredTrackPoint>> ReadAsync(
        string plate, long fromMicros, long toMicros, long afterMicros, string afterFixId, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT fix_id, fix_time, received_time, lat, lon, speed_kmh, heading_deg, altitude_m, source, late
            FROM track_points
            WHERE plate = $1 AND fix_time >= $2 AND fix_time < $3 AND (fix_time, fix_id) > ($4, $5)
            ORDER BY fix_time, fix_id
            LIMIT $6
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = plate, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = Utc(fromMicros), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = Utc(toMicros), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = Utc(afterMicros), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = afterFixId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = limit, NpgsqlDbType = NpgsqlDbType.Integer });
        var points = new List<StoredTrackPoint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            points.Add(new StoredTrackPoint(
                reader.GetString(0),
                FixId.UnixMicros(reader.GetFieldValue<DateTime>(1)),
                FixId.UnixMicros(reader.GetFieldValue<DateTime>(2)),
                reader.GetDouble(3),
                reader.GetDouble(4),
                reader.GetDouble(5),
                reader.GetDouble(6),
                reader.GetDouble(7),
                reader.GetInt16(8),
                reader.GetBoolean(9)));
        }

        return points;
    }

    public async Task<string> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var partitions = new List<string>();
        await using (var list = new NpgsqlCommand("""
            SELECT c.relname FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_class p ON p.oid = i.inhparent
            WHERE p.relname = 'track_points'
            """, connection))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                partitions.Add(reader.GetString(0));
            }
        }

        var dropped = new List<string>();
        foreach (var name in partitions)
        {
            if (name.StartsWith(PartitionPrefix, StringComparison.Ordinal)
                && DateTime.TryParseExact(name[PartitionPrefix.Length..], "yyyyMM", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var month)
                && new DateTimeOffset(month, TimeSpan.Zero).AddMonths(1) <= cutoff)
            {
                await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {name}", cancellationToken);
                dropped.Add(name);
            }
        }

        // Only fixes outside every prepared month land in the DEFAULT partition; it stays small.
        await using var stray = new NpgsqlCommand("DELETE FROM track_points_default WHERE fix_time < $1", connection);
        stray.Parameters.Add(new NpgsqlParameter { Value = cutoff.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        var strayRows = await stray.ExecuteNonQueryAsync(cancellationToken);
        return dropped.Count == 0 && strayRows == 0
            ? "nothing"
            : string.Create(CultureInfo.InvariantCulture, $"partitions [{string.Join(", ", dropped)}], {strayRows} rows of the default partition");
    }

    public static string PartitionName(DateTimeOffset month) => PartitionPrefix + month.ToString("yyyyMM", CultureInfo.InvariantCulture);

    private static DateTimeOffset MonthStart(DateTimeOffset time) => new(time.UtcDateTime.Year, time.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTime Utc(long micros) => FixId.FromUnixMicros(micros).UtcDateTime;

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>
/// SQLite (embedded default): one table keyed by fix id (<c>INSERT OR IGNORE</c>), times as µs integers; retention
/// deletes by the fix-time index in bounded chunks.
/// </summary>
internal sealed class SqliteTrackStore(string connectionString) : ITrackStore
{
    private static readonly string[] InsertParameters =
        ["$id", "$plate", "$phone", "$fix", "$received", "$lat", "$lon", "$speed", "$heading", "$altitude", "$alarm", "$status", "$source", "$late"];

    private const int PruneChunk = 10_000;

    public async Task EnsureSchemaAsync(DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS track_points (
              fix_id TEXT NOT NULL PRIMARY KEY,
              plate TEXT NOT NULL,
              terminal_phone TEXT NOT NULL,
              fix_time_us INTEGER NOT NULL,
              received_time_us INTEGER NOT NULL,
              lat REAL NOT NULL,
              lon REAL NOT NULL,
              speed_kmh REAL NOT NULL,
              heading_deg REAL NOT NULL,
              altitude_m REAL NOT NULL,
              alarm_flags INTEGER NOT NULL,
              status_flags INTEGER NOT NULL,
              source INTEGER NOT NULL,
              late INTEGER NOT NULL
            );
            CREATE INDEX IF NOT EXISTS ix_track_points_plate_fix_time ON track_points (plate, fix_time_us, fix_id);
            CREATE INDEX IF NOT EXISTS ix_track_points_fix_time ON track_points (fix_time_us);
            """, cancellationToken);
    }

    public async Task<int> AppendAsync(IReadOnlyList<PositionReported> fixes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fixes);
        if (fixes.Count == 0)
        {
            return 0;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT OR IGNORE INTO track_points (fix_id, plate, terminal_phone, fix_time_us, received_time_us, lat, lon, speed_kmh, heading_deg, altitude_m, alarm_flags, status_flags, source, late)
            VALUES ($id, $plate, $phone, $fix, $received, $lat, $lon, $speed, $heading, $altitude, $alarm, $status, $source, $late)
            """;
        var p = InsertParameters.Select(name => insert.Parameters.Add(new SqliteParameter { ParameterName = name }))
            .ToArray();
        var stored = 0;
        foreach (var fix in fixes)
        {
            p[0].Value = fix.FixId;
            p[1].Value = fix.Plate;
            p[2].Value = fix.TerminalPhone;
            p[3].Value = FixId.UnixMicros(fix.FixTime.ToDateTimeOffset());
            p[4].Value = FixId.UnixMicros(fix.ReceivedTime.ToDateTimeOffset());
            p[5].Value = fix.Lat;
            p[6].Value = fix.Lon;
            p[7].Value = fix.SpeedKmh;
            p[8].Value = fix.HeadingDeg;
            p[9].Value = fix.AltitudeM;
            p[10].Value = (long)fix.AlarmFlags;
            p[11].Value = (long)fix.StatusFlags;
            p[12].Value = (int)fix.Source;
            p[13].Value = fix.Late ? 1 : 0;
            stored += await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    public async Task<IReadOnlyList<StoredTrackPoint>> ReadAsync(
        string plate, long fromMicros, long toMicros, long afterMicros, string afterFixId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT fix_id, fix_time_us, received_time_us, lat, lon, speed_kmh, heading_deg, altitude_m, source, late
            FROM track_points
            WHERE plate = $plate AND fix_time_us >= $from AND fix_time_us < $to
              AND (fix_time_us > $afterTime OR (fix_time_us = $afterTime AND fix_id > $afterId))
            ORDER BY fix_time_us, fix_id
            LIMIT $limit
            """;
        command.Parameters.AddWithValue("$plate", plate);
        command.Parameters.AddWithValue("$from", fromMicros);
        command.Parameters.AddWithValue("$to", toMicros);
        command.Parameters.AddWithValue("$afterTime", afterMicros);
        command.Parameters.AddWithValue("$afterId", afterFixId);
        command.Parameters.AddWithValue("$limit", limit);
        var points = new List<StoredTrackPoint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            points.Add(new StoredTrackPoint(
                reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDouble(3), reader.GetDouble(4),
                reader.GetDouble(5), reader.GetDouble(6), reader.GetDouble(7), reader.GetInt32(8), reader.GetInt64(9) != 0));
        }

        return points;
    }

    public async Task<string> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM track_points WHERE rowid IN (SELECT rowid FROM track_points WHERE fix_time_us < $cutoff LIMIT $chunk)";
        delete.Parameters.AddWithValue("$cutoff", FixId.UnixMicros(cutoff));
        delete.Parameters.AddWithValue("$chunk", PruneChunk);
        var total = 0;
        int deleted;
        do
        {
            deleted = await delete.ExecuteNonQueryAsync(cancellationToken);
            total += deleted;
        }
        while (deleted == PruneChunk);

        return total == 0 ? "nothing" : string.Create(CultureInfo.InvariantCulture, $"{total} points");
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
