using System.Data.Common;
using HazChem.Transport.TestSupport;
using HazChem.Transport.Waybill.Domain;
using HazChem.Transport.Waybill.Messaging;
using HazChem.Transport.Waybill.Options;
using HazChem.Transport.Waybill.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace HazChem.Transport.Waybill.Tests.Service;

/// <summary>
/// The outbox pruner on both providers, on a fake clock: sent events older than the retention go in bounded batches;
/// unsent events and the waybill record (versions, heads) stay.
/// </summary>
public sealed class OutboxPruneTests(PostgresFixture postgres) : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    private readonly string _directory = Directory.CreateTempSubdirectory("hazchem-outbox-prune-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task PruneAsync_SentBeforeTheRetention_DeletesTheEvent(string provider)
    {
        var db = await OpenAsync(provider);
        await db.SeedAsync("wb-old", sentAt: Now - Retention - TimeSpan.FromMinutes(1));
        await db.SeedAsync("wb-older", sentAt: Now.AddDays(-300));

        var pruned = await Pruner(db).PruneAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, pruned);
        Assert.Empty(await db.OutboxAsync());
    }

    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task PruneAsync_SentWithinTheRetentionOrExactlyAtItsEnd_KeepsTheEvent(string provider)
    {
        var db = await OpenAsync(provider);
        var justSent = await db.SeedAsync("wb-now", sentAt: Now);
        var yesterday = await db.SeedAsync("wb-yesterday", sentAt: Now.AddDays(-1));
        var atTheEdge = await db.SeedAsync("wb-edge", sentAt: Now - Retention);
        var old = await db.SeedAsync("wb-old", sentAt: Now - Retention - TimeSpan.FromSeconds(1));

        var pruned = await Pruner(db).PruneAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, pruned);
        Assert.Equal([justSent, yesterday, atTheEdge], await db.OutboxAsync());
        Assert.DoesNotContain(old, await db.OutboxAsync());
    }

    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task PruneAsync_UnsentEventOfAnyAge_IsKeptAndStillPublished(string provider)
    {
        var db = await OpenAsync(provider);
        // Written a year ago and never acknowledged (a long broker outage): it must still go out.
        var stuck = await db.SeedAsync("wb-stuck", sentAt: null, createdAt: Now.AddDays(-365));
        var recent = await db.SeedAsync("wb-recent", sentAt: null, createdAt: Now);
        var sentOld = await db.SeedAsync("wb-sent", sentAt: Now.AddDays(-30));
        var ct = TestContext.Current.CancellationToken;

        var pruned = await Pruner(db, batchSize: 1).PruneAsync(ct);

        Assert.Equal(1, pruned);
        Assert.Equal([stuck, recent], await db.OutboxAsync());
        Assert.DoesNotContain(sentOld, await db.OutboxAsync());
        Assert.Equal([stuck, recent], (await db.Store.PendingEventsAsync(10, ct)).Select(e => e.EventId));
    }

    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task DeleteSentEventsAsync_MoreEligibleThanTheLimit_DeletesAtMostTheLimitOldestFirst(string provider)
    {
        var db = await OpenAsync(provider);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            // Each sent a day before the one inserted ahead of it, so "oldest first" is by send time, not by insertion.
            ids.Add(await db.SeedAsync($"wb-{i}", sentAt: Now.AddDays(-10 - i)));
        }

        var deleted = await db.Store.DeleteSentEventsAsync(Now - Retention, 3, TestContext.Current.CancellationToken);

        Assert.Equal(3, deleted);
        Assert.Equal(ids[..2], await db.OutboxAsync());
    }

    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task PruneAsync_MoreEligibleThanTheBatchSize_DeletesThemAllInSeveralBoundedBatches(string provider)
    {
        var db = await OpenAsync(provider);
        for (var i = 0; i < 7; i++)
        {
            await db.SeedAsync($"wb-old-{i}", sentAt: Now.AddDays(-8 - i));
        }

        var kept = await db.SeedAsync("wb-recent", sentAt: Now.AddHours(-1));
        db.Deletes.Clear();

        var pruned = await Pruner(db, batchSize: 2).PruneAsync(TestContext.Current.CancellationToken);

        Assert.Equal(7, pruned);
        Assert.Equal([2, 2, 2, 1], db.Deletes);
        Assert.Equal([kept], await db.OutboxAsync());
    }

    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task PruneAsync_AfterTheWaybillsChanged_LeavesEveryVersionAndHeadUntouched(string provider)
    {
        var db = await OpenAsync(provider);
        var ct = TestContext.Current.CancellationToken;
        var v1 = Snapshot("wb-kept", "渝A20001");
        await db.AppendAsync(v1, ChangeKind.Issued);
        var v2 = WaybillLifecycle.Advance(v1, ChangeKind.Cancelled, Samples.Now);
        await db.AppendAsync(v2, ChangeKind.Cancelled);
        foreach (var e in await db.Store.PendingEventsAsync(10, ct))
        {
            await db.Store.MarkSentAsync(e.Sequence, Now.AddDays(-400), ct);
        }

        var before = await db.Store.GetAsync("wb-kept", 0, ct);

        var pruned = await Pruner(db).PruneAsync(ct);

        var after = await db.Store.GetAsync("wb-kept", 0, ct);
        Assert.Equal(2, pruned);
        Assert.Empty(await db.OutboxAsync());
        Assert.NotNull(after);
        Assert.Equal((LifecycleStatus.Cancelled, 2), (after.Snapshot.Status, after.Snapshot.Version));
        Assert.Equal(before!.History, after.History);
        Assert.Equal(2, after.History.Count);
        Assert.Equal(LifecycleStatus.Issued, (await db.Store.GetAsync("wb-kept", 1, ct))!.Snapshot.Status);
        await using var context = db.Context();
        Assert.Equal((1, 2), (await context.Waybills.CountAsync(ct), await context.WaybillVersions.CountAsync(ct)));
    }

    [Fact]
    public async Task PruneAsync_SeveralReplicasAtOnce_DeleteEachEligibleEventOnceAndNothingElse()
    {
        var db = await OpenAsync("Postgres");
        var ct = TestContext.Current.CancellationToken;
        for (var i = 0; i < 40; i++)
        {
            await db.SeedAsync($"wb-old-{i}", sentAt: Now.AddDays(-10).AddMinutes(i));
        }

        var recent = await db.SeedAsync("wb-recent", sentAt: Now.AddDays(-1));
        var unsent = await db.SeedAsync("wb-unsent", sentAt: null, createdAt: Now.AddDays(-30));

        var counts = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => Pruner(db, batchSize: 3).PruneAsync(ct), ct)));
        var again = await Pruner(db, batchSize: 3).PruneAsync(ct);

        Assert.Equal(40, counts.Sum());
        Assert.All(db.Deletes, rows => Assert.InRange(rows, 0, 3));
        Assert.Equal(0, again);
        Assert.Equal([recent, unsent], await db.OutboxAsync());
    }

    private static OutboxPruner Pruner(Database db, int batchSize = 1000) =>
        new(db.Store, Options(batchSize), new FakeTimeProvider(Now), NullLogger<OutboxPruner>.Instance);

    private static Microsoft.Extensions.Options.IOptions<WaybillOptions> Options(int batchSize) =>
        MsOptions.Create(new WaybillOptions { OutboxRetention = Retention, OutboxPruneBatchSize = batchSize });

    private static WaybillSnapshot Snapshot(string id, string plate) => new(
        id, 1, LifecycleStatus.Issued, "carrier-1", "permit", Samples.Content() with { VehiclePlate = plate }, "c1", "c2", [], "", "", Samples.Now, Samples.Now);

    private async Task<Database> OpenAsync(string provider)
    {
        var recorder = new DeleteRecorder();
        var options = await StoreDatabase.CreateAsync(
            provider, postgres, "waybill_outbox_prune", _directory, new DbContextOptionsBuilder<WaybillDbContext>().AddInterceptors(recorder));
        return new Database(options, recorder);
    }

    /// <summary>Records the rows each DELETE statement removed: one entry per statement.</summary>
    private sealed class DeleteRecorder : DbCommandInterceptor
    {
        public List<int> Deletes { get; } = [];

        public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
        {
            Record(command, result);
            return result;
        }

        public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            Record(command, result);
            return ValueTask.FromResult(result);
        }

        private void Record(DbCommand command, int result)
        {
            if (command.CommandText.TrimStart().StartsWith("DELETE", StringComparison.OrdinalIgnoreCase))
            {
                lock (Deletes)
                {
                    Deletes.Add(result);
                }
            }
        }
    }

    /// <summary>One test database: the real store over it, and helpers to seed and read the outbox.</summary>
    private sealed class Database(DbContextOptions<WaybillDbContext> options, DeleteRecorder recorder)
    {
        private int _plates;

        public WaybillStore Store { get; } = new(new PooledDbContextFactory<WaybillDbContext>(options));

        /// <summary>Rows removed by each DELETE statement so far.</summary>
        public List<int> Deletes => recorder.Deletes;

        public WaybillDbContext Context() => new(options);

        /// <summary>Issues a waybill through the store (version, head, outbox row) and marks its event sent at <paramref name="sentAt"/>; returns the event id.</summary>
        public async Task<string> SeedAsync(string id, DateTimeOffset? sentAt, DateTimeOffset? createdAt = null)
        {
            var ct = TestContext.Current.CancellationToken;
            var plate = "渝A" + (10000 + Interlocked.Increment(ref _plates)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var snapshot = Snapshot(id, plate);
            var outbox = await AppendAsync(snapshot, ChangeKind.Issued, createdAt);
            if (sentAt is { } at)
            {
                await using var db = Context();
                var sequence = await db.Outbox.Where(o => o.EventId == outbox.EventId).Select(o => o.Sequence).SingleAsync(ct);
                await Store.MarkSentAsync(sequence, at, ct);
            }

            return outbox.EventId;
        }

        public async Task<OutboxRow> AppendAsync(WaybillSnapshot snapshot, ChangeKind change, DateTimeOffset? createdAt = null)
        {
            var entry = new HistoryEntry(change, snapshot.Version, snapshot.Status, snapshot.UpdatedAt, "carrier-1", "carrier", "");
            var outbox = WaybillEvents.ToOutbox(WaybillEvents.Create(snapshot, entry, new HashSet<string>(StringComparer.Ordinal)), createdAt ?? entry.At, null);
            await Store.AppendAsync(snapshot, entry, outbox, TestContext.Current.CancellationToken);
            return outbox;
        }

        /// <summary>The event ids left in the outbox, in insertion order.</summary>
        public async Task<List<string>> OutboxAsync()
        {
            await using var db = Context();
            return await db.Outbox.AsNoTracking().OrderBy(o => o.Sequence).Select(o => o.EventId).ToListAsync(TestContext.Current.CancellationToken);
        }
    }
}
