using HazChem.Transport.TestSupport;
using HazChem.Transport.Waybill.Storage;
using Microsoft.EntityFrameworkCore;

namespace HazChem.Transport.Waybill.Tests.Service;

/// <summary>A fresh Waybill schema for store-level tests, on PostgreSQL or on SQLite in a folder the test owns.</summary>
internal static class StoreDatabase
{
    /// <summary>Creates the database and its tables; <paramref name="builder"/> may carry interceptors.</summary>
    public static async Task<DbContextOptions<WaybillDbContext>> CreateAsync(
        string provider, PostgresFixture postgres, string name, string sqliteDirectory, DbContextOptionsBuilder<WaybillDbContext>? builder = null)
    {
        var ct = TestContext.Current.CancellationToken;
        builder ??= new DbContextOptionsBuilder<WaybillDbContext>();
        if (provider == "Postgres")
        {
            postgres.Require();
            builder.UseNpgsql(await postgres.CreateDatabaseAsync(name, ct));
        }
        else
        {
            builder.UseSqlite($"Data Source={Path.Combine(sqliteDirectory, "waybill.db")}");
        }

        await using (var db = new WaybillDbContext(builder.Options))
        {
            await db.Database.EnsureCreatedAsync(ct);
        }

        return builder.Options;
    }
}
