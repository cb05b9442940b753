using HazChem.Transport.LoadingCheck.Domain;
using HazChem.Transport.LoadingCheck.Storage;
using HazChem.Transport.ServiceDefaults.Errors;
using HazChem.Transport.ServiceDefaults.Storage;
using HazChem.Transport.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HazChem.Transport.LoadingCheck.Tests.Storage;

/// <summary>Checks are stored append-only on PostgreSQL and on SQLite (the embedded default) alike.</summary>
public sealed class LoadingCheckStoreTests(PostgresFixture postgres)
{
    public static TheoryData<string> Providers => ["Postgres", "Sqlite"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AddAsync_Record_ReadsBackExactlyAndListsNewestFirst(string provider)
    {
        await using var services = await StartAsync(provider);
        var store = services.GetRequiredService<LoadingCheckStore>();
        var ct = TestContext.Current.CancellationToken;
        var first = Record("a1", "wb-1", "T001");
        var second = Record("a2", "wb-1", "T002");
        var third = Record("a3", "wb-2", "T001");

        foreach (var record in new[] { first, second, third })
        {
            await store.AddAsync(record, ct);
        }

        var read = await store.GetAsync("a1", ct);
        var byWaybill = await store.ListAsync(new CheckQuery(null, "wb-1", null, 10, null), ct);
        var byTerminal = await store.ListAsync(new CheckQuery("T001", null, null, 1, null), ct);
        var nextPage = await store.ListAsync(new CheckQuery("T001", null, null, 1, byTerminal.Next), ct);

        Assert.NotNull(read);
        Assert.Equal(first.Items.Select(i => (i.Code, i.Outcome, i.Message)), read.Items.Select(i => (i.Code, i.Outcome, i.Message)));
        Assert.Equal(first.Items[0].Findings, read.Items[0].Findings);
        Assert.Equal(first.Input, read.Input);
        Assert.Equal(first.Basis.Goods, read.Basis.Goods);
        Assert.Equal("渝A1234挂", read.Basis.TrailerPlate);
        Assert.Equal(["a2", "a1"], byWaybill.Items.Select(c => c.Id));
        Assert.Equal(["a3"], byTerminal.Items.Select(c => c.Id));
        Assert.Equal(["a1"], nextPage.Items.Select(c => c.Id));
        Assert.Null(nextPage.Next);
        Assert.Equal("a2", await store.LatestIdForWaybillAsync("wb-1", ct));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryConfirmAsync_Twice_OnlyTheFirstIsKept(string provider)
    {
        await using var services = await StartAsync(provider);
        var store = services.GetRequiredService<LoadingCheckStore>();
        var ct = TestContext.Current.CancellationToken;
        await store.AddAsync(Record("c1", "wb-1", "T001"), ct);
        var at = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

        var first = await store.TryConfirmAsync("c1", new ConfirmationRecord([new LoadedQuantity("1203", 19500)], at, "T001"), ct);
        var second = await store.TryConfirmAsync("c1", new ConfirmationRecord([new LoadedQuantity("1203", 1)], at.AddMinutes(1), "T001"), ct);

        Assert.True(first);
        Assert.False(second);
        var confirmation = (await store.GetAsync("c1", ct))!.Confirmation!;
        Assert.Equal(19500, Assert.Single(confirmation.Loaded).QuantityKg);
        Assert.Equal(at, confirmation.ConfirmedAt);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SaveChanges_RewrittenOrDeletedCheck_Throws(string provider)
    {
        await using var services = await StartAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        await services.GetRequiredService<LoadingCheckStore>().AddAsync(Record("r1", "wb-1", "T001"), ct);
        var factory = services.GetRequiredService<IDbContextFactory<LoadingCheckDbContext>>();

        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Checks.SingleAsync(c => c.Id == "r1", ct);
        row.Verdict = "PASS";
        var rewrite = await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(ct));
        db.ChangeTracker.Clear();
        db.Checks.Remove(await db.Checks.SingleAsync(c => c.Id == "r1", ct));
        var delete = await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(ct));

        Assert.Contains("L-RECORD", rewrite.Message, StringComparison.Ordinal);
        Assert.Contains("deleted", delete.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task WriteAsync_ManyConcurrentChecks_AreAllStoredBeforeTheyAnswer(string provider)
    {
        await using var services = await StartAsync(provider);
        var store = services.GetRequiredService<LoadingCheckStore>();
        var ct = TestContext.Current.CancellationToken;
        var writer = new CheckWriter(store, Microsoft.Extensions.Logging.Abstractions.NullLogger<CheckWriter>.Instance);
        await writer.StartAsync(ct);

        var ids = Enumerable.Range(0, 60).Select(i => $"w{i:D2}").ToList();
        await Task.WhenAll(ids.Select(id => Task.Run(() => writer.WriteAsync(Record(id, "wb-many", "T001")), ct)));
        var stored = await store.ListAsync(new CheckQuery(null, "wb-many", null, 100, null), ct);
        // A record that cannot be stored (its id is taken) fails its own caller only, alone or within a batch.
        var duplicate = writer.WriteAsync(Record("w00", "wb-many", "T001"));
        var fresh = writer.WriteAsync(Record("w60", "wb-many", "T001"));
        await Assert.ThrowsAnyAsync<Exception>(() => duplicate);
        await fresh;
        await writer.StopAsync(ct);

        Assert.Equal(ids.Order(StringComparer.Ordinal), stored.Items.Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.NotNull(await store.GetAsync("w60", ct));
    }

    [Fact]
    public async Task StartAsync_Sqlite_PutsTheDatabaseInWriteAheadLogMode()
    {
        await using var services = await StartAsync("Sqlite");
        var factory = services.GetRequiredService<IDbContextFactory<LoadingCheckDbContext>>();
        await using var db = await factory.CreateDbContextAsync(TestContext.Current.CancellationToken);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        var mode = await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);

        Assert.Equal("wal", mode);
    }

    private static CheckRecord Record(string id, string waybillId, string terminalId) => new(
        id,
        new CheckInput(terminalId, waybillId, "渝A12345", "driver-1", "escort-1", "TK5000001"),
        1,
        "carrier-1",
        new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero),
        terminalId,
        [
            new CheckItemResult(CheckCategory.Vehicle, "L-VEHICLE-DOCS", ItemOutcome.Failed, "Q-VEHICLE-CERT: expired", [new Finding("Q-VEHICLE-CERT", "vehicle:渝A12345", "expired")]),
            new CheckItemResult(CheckCategory.Gps, "L-GPS-ONLINE", ItemOutcome.NotChecked, "not checked: Telemetry down", []),
        ],
        CheckVerdict.Unavailable,
        new CheckBasis([new GoodsFact("1203", "3", 20000)], "渝A1234挂"));

    private async Task<ServiceProvider> StartAsync(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = new Dictionary<string, string?> { ["Storage:Provider"] = provider };
        if (provider == "Postgres")
        {
            postgres.Require();
            settings["ConnectionStrings:Postgres"] = await postgres.CreateDatabaseAsync("lc_store", ct);
        }
        else
        {
            settings["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(Path.GetTempPath(), "lc-store-" + Guid.NewGuid().ToString("N") + ".db")}";
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddServiceDatabase<LoadingCheckDbContext>(configuration);
        services.AddHostedService<SqliteWriteAheadLog>();
        services.AddSingleton<LoadingCheckStore>();
        var provider2 = services.BuildServiceProvider();
        foreach (var hosted in provider2.GetServices<IHostedService>())
        {
            await hosted.StartAsync(ct);
        }

        return provider2;
    }
}
