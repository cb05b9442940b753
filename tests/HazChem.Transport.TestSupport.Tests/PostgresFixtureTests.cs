using Npgsql;
using Xunit;

namespace HazChem.Transport.TestSupport.Tests;

/// <summary>Uses the fixture as a class fixture: one server for this class.</summary>
public sealed class PostgresFixtureTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Transaction_CommitThenRollback_OnlyCommittedRowIsStored()
    {
        postgres.Require();
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await postgres.CreateDatabaseAsync("tx_test", ct);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await ExecuteAsync(connection, null, "CREATE TABLE vehicle (plate text PRIMARY KEY, hazmat_class int NOT NULL)", ct);

        await using (var committed = await connection.BeginTransactionAsync(ct))
        {
            await ExecuteAsync(connection, committed, "INSERT INTO vehicle VALUES ('沪A12345', 3)", ct);
            await committed.CommitAsync(ct);
        }

        await using (var rolledBack = await connection.BeginTransactionAsync(ct))
        {
            await ExecuteAsync(connection, rolledBack, "INSERT INTO vehicle VALUES ('沪B99999', 8)", ct);
            await rolledBack.RollbackAsync(ct);
        }

        // Read through a second connection so the check does not rely on this session's view.
        await using var reader = new NpgsqlConnection(connectionString);
        await reader.OpenAsync(ct);
        await using var select = new NpgsqlCommand("SELECT plate, hazmat_class FROM vehicle ORDER BY plate", reader);
        await using var rows = await select.ExecuteReaderAsync(ct);
        var stored = new List<(string Plate, int HazmatClass)>();
        while (await rows.ReadAsync(ct))
        {
            stored.Add((rows.GetString(0), rows.GetInt32(1)));
        }

        Assert.Equal([("沪A12345", 3)], stored);
    }

    [Fact]
    public async Task CreateDatabaseAsync_TwoCalls_GiveSeparateEmptyDatabases()
    {
        postgres.Require();
        var ct = TestContext.Current.CancellationToken;
        var first = await postgres.CreateDatabaseAsync("isolation", ct);
        var second = await postgres.CreateDatabaseAsync("isolation", ct);

        Assert.NotEqual(new NpgsqlConnectionStringBuilder(first).Database, new NpgsqlConnectionStringBuilder(second).Database);
        Assert.StartsWith("isolation_", new NpgsqlConnectionStringBuilder(first).Database, StringComparison.Ordinal);

        await using (var connection = new NpgsqlConnection(first))
        {
            await connection.OpenAsync(ct);
            Assert.Equal(0L, await CountUserTablesAsync(connection, ct));
            await ExecuteAsync(connection, null, "CREATE TABLE only_in_first (id int)", ct);
            Assert.Equal(1L, await CountUserTablesAsync(connection, ct));
        }

        await using (var connection = new NpgsqlConnection(second))
        {
            await connection.OpenAsync(ct);
            Assert.Equal(0L, await CountUserTablesAsync(connection, ct));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("Upper")]
    [InlineData("1starts_with_digit")]
    [InlineData("has-dash")]
    [InlineData("quote\"injection")]
    [InlineData("a_name_that_is_far_too_long_for_a_database_x")]
    public async Task CreateDatabaseAsync_InvalidName_ThrowsNamingTheRule(string name)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => postgres.CreateDatabaseAsync(name, TestContext.Current.CancellationToken));

        Assert.Equal("name", error.ParamName);
        Assert.Contains("lower-case letters, digits or underscores", error.Message, StringComparison.Ordinal);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<long> CountUserTablesAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
