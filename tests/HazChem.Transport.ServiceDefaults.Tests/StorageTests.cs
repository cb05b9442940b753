using HazChem.Transport.ServiceDefaults.Storage;
using HazChem.Transport.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace HazChem.Transport.ServiceDefaults.Tests;

internal sealed class TestRecord
{
    public Guid Id { get; set; }

    public string Plate { get; set; } = "";
}

/// <summary>A service database at schema version 1.</summary>
internal sealed class TestDbContext(DbContextOptions<TestDbContext> options) : ServiceDbContext(options)
{
    public override int SchemaVersion => 1;

    public DbSet<TestRecord> Records => Set<TestRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<TestRecord>().ToTable("records");
    }
}

/// <summary>The same database as a later build with a changed schema would see it.</summary>
internal sealed class TestDbContextV2(DbContextOptions<TestDbContextV2> options) : ServiceDbContext(options)
{
    public override int SchemaVersion => 2;

    public DbSet<TestRecord> Records => Set<TestRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<TestRecord>().ToTable("records");
    }
}

/// <summary>A service's database is created on first start, reused after, and refused on a schema mismatch — on real PostgreSQL and on SQLite.</summary>
public sealed class StorageTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Start_PostgresDatabaseMissing_CreatesItWithTablesAndKeepsDataAcrossRestarts()
    {
        postgres.Require();
        var ct = TestContext.Current.CancellationToken;
        var existing = await postgres.CreateDatabaseAsync("storage_probe", ct);
        var connectionString = new NpgsqlConnectionStringBuilder(existing) { Database = "svc_" + Guid.NewGuid().ToString("N")[..12] }.ConnectionString;
        var settings = new Dictionary<string, string?> { ["Storage:Provider"] = "Postgres", ["ConnectionStrings:Postgres"] = connectionString };

        await RoundTripAsync<TestDbContext>(settings, write: true, ct);
        var plates = await RoundTripAsync<TestDbContext>(settings, write: false, ct);

        Assert.Equal(["渝A12345"], plates);
    }

    [Fact]
    public async Task Start_PostgresSchemaVersionDiffers_RefusesToStartNamingBothVersions()
    {
        postgres.Require();
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await postgres.CreateDatabaseAsync("storage_version", ct);
        var settings = new Dictionary<string, string?> { ["Storage:Provider"] = "Postgres", ["ConnectionStrings:Postgres"] = connectionString };
        await RoundTripAsync<TestDbContext>(settings, write: true, ct);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RoundTripAsync<TestDbContextV2>(settings, write: false, ct));

        Assert.Contains("schema version 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("expects 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_SqliteFile_CreatesSchemaAndKeepsDataAcrossRestarts()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = Path.Combine(Path.GetTempPath(), $"hazchem-{Guid.NewGuid():N}.db");
        var settings = new Dictionary<string, string?> { ["Storage:Provider"] = "Sqlite", ["ConnectionStrings:Sqlite"] = $"Data Source={file};Pooling=false" };
        try
        {
            await RoundTripAsync<TestDbContext>(settings, write: true, ct);
            var plates = await RoundTripAsync<TestDbContext>(settings, write: false, ct);

            Assert.Equal(["渝A12345"], plates);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Starts the service's storage as a host would (hosted services first), optionally writes, then reads every plate.</summary>
    private static async Task<List<string>> RoundTripAsync<TContext>(Dictionary<string, string?> settings, bool write, CancellationToken ct)
        where TContext : ServiceDbContext
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(TimeProvider.System);
        services.AddServiceDatabase<TContext>(configuration);
        await using var provider = services.BuildServiceProvider();
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(ct);
        }

        await using var db = await provider.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContextAsync(ct);
        if (write)
        {
            db.Set<TestRecord>().Add(new TestRecord { Id = Guid.NewGuid(), Plate = "渝A12345" });
            await db.SaveChangesAsync(ct);
        }

        return await db.Set<TestRecord>().Select(r => r.Plate).ToListAsync(ct);
    }
}
