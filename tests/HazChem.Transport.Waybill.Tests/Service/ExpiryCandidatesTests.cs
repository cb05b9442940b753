using HazChem.Transport.TestSupport;
using HazChem.Transport.Waybill.Domain;
using HazChem.Transport.Waybill.Messaging;
using HazChem.Transport.Waybill.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace HazChem.Transport.Waybill.Tests.Service;

/// <summary>The sweeper's read, on both providers: pages of the active waybills, of which only the ISSUED come back.</summary>
public sealed class ExpiryCandidatesTests(PostgresFixture postgres) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hazchem-expiry-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task ActiveIssuedPageAsync_MixedStatusesInSmallPages_ReturnsEveryIssuedWaybillOnceAndNothingElse(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        var options = await StoreDatabase.CreateAsync(provider, postgres, "waybill_expiry_page", _directory);
        var store = new WaybillStore(new PooledDbContextFactory<WaybillDbContext>(options));
        var issued = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var v1 = Snapshot($"wb-{i}", $"渝A1000{i}");
            await AppendAsync(store, v1, ChangeKind.Issued);
            switch (i % 3)
            {
                case 1:
                    await AppendAsync(store, WaybillLifecycle.Advance(v1, ChangeKind.Loaded, Samples.Now), ChangeKind.Loaded);
                    break;
                case 2:
                    await AppendAsync(store, WaybillLifecycle.Advance(v1, ChangeKind.Cancelled, Samples.Now), ChangeKind.Cancelled);
                    break;
                default:
                    issued.Add(v1.Id);
                    break;
            }
        }

        var seen = new List<string>();
        var pages = 0;
        string? after = null;
        do
        {
            var (page, next) = await store.ActiveIssuedPageAsync(after, 2, ct);
            Assert.All(page, w => Assert.Equal(LifecycleStatus.Issued, w.Status));
            seen.AddRange(page.Select(w => w.Id));
            after = next;
            pages++;
        }
        while (after is not null);

        // 5 active (3 ISSUED, 2 LOADED; the 2 cancelled hold nothing) in pages of 2: three pages.
        Assert.Equal(issued.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        Assert.Equal(3, pages);
    }

    private static WaybillSnapshot Snapshot(string id, string plate) => new(
        id, 1, LifecycleStatus.Issued, "carrier-1", "permit", Samples.Content() with { VehiclePlate = plate }, "c1", "c2", [], "", "", Samples.Now, Samples.Now);

    private static Task AppendAsync(WaybillStore store, WaybillSnapshot snapshot, ChangeKind change)
    {
        var entry = new HistoryEntry(change, snapshot.Version, snapshot.Status, snapshot.UpdatedAt, "carrier-1", "carrier", "");
        var outbox = WaybillEvents.ToOutbox(WaybillEvents.Create(snapshot, entry, new HashSet<string>(StringComparer.Ordinal)), entry.At, null);
        return store.AppendAsync(snapshot, entry, outbox, TestContext.Current.CancellationToken);
    }
}
