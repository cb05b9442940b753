using HazChem.Transport.Waybill.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace HazChem.Transport.Waybill.Tests.Domain;

/// <summary>W-RETENTION: a stored waybill version can be added, never rewritten or deleted.</summary>
public sealed class RetentionTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public RetentionTests() => _connection.Open();

    public void Dispose() => _connection.Dispose();

    [Fact]
    public async Task SaveChanges_VersionRewrittenOrDeleted_IsRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var db = Context())
        {
            await db.Database.EnsureCreatedAsync(ct);
            db.Waybills.Add(new WaybillRow { Id = "wb-1", CarrierId = "c1", VehiclePlate = "渝A12345", Status = "ISSUED", Version = 1 });
            db.WaybillVersions.Add(new WaybillVersionRow { WaybillId = "wb-1", Version = 1, Change = "ISSUED", Status = "ISSUED", Snapshot = "{}" });
            await db.SaveChangesAsync(ct);
        }

        await using var again = Context();
        var version = await again.WaybillVersions.SingleAsync(ct);
        version.Reason = "rewritten";
        var rewrite = await Assert.ThrowsAsync<InvalidOperationException>(() => again.SaveChangesAsync(ct));
        again.ChangeTracker.Clear();
        again.WaybillVersions.Remove(await again.WaybillVersions.SingleAsync(ct));
        var delete = await Assert.ThrowsAsync<InvalidOperationException>(() => again.SaveChangesAsync(ct));

        Assert.StartsWith("W-RETENTION", rewrite.Message, StringComparison.Ordinal);
        Assert.Contains("deleted", delete.Message, StringComparison.Ordinal);
    }

    private WaybillDbContext Context() => new(new DbContextOptionsBuilder<WaybillDbContext>().UseSqlite(_connection).Options);
}
