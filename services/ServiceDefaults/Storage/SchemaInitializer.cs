using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HazChem.Transport.ServiceDefaults.Storage;

/// <summary>
/// Creates the service's database and tables before the service takes calls, and refuses to start on a
/// database whose schema version differs from the model's. Each service owns its database, so "no tables"
/// means "first start". Changing a released schema needs a migration and a new <see cref="ServiceDbContext.SchemaVersion"/>.
/// </summary>
public sealed partial class SchemaInitializer<TContext>(
    IDbContextFactory<TContext> factory, TimeProvider time, ILogger<SchemaInitializer<TContext>> logger)
    : IHostedService
    where TContext : ServiceDbContext
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(cancellationToken))
        {
            await creator.CreateAsync(cancellationToken);
        }

        if (!await creator.HasTablesAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await creator.CreateTablesAsync(cancellationToken);
            db.SchemaVersions.Add(new SchemaVersionRow { Version = db.SchemaVersion, AppliedAt = time.GetUtcNow() });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            LogCreated(logger, typeof(TContext).Name, db.SchemaVersion);
            return;
        }

        var applied = await db.SchemaVersions.MaxAsync(v => (int?)v.Version, cancellationToken);
        if (applied != db.SchemaVersion)
        {
            throw new InvalidOperationException(
                $"{typeof(TContext).Name}: the database holds schema version {applied?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, " +
                $"this build expects {db.SchemaVersion}. Migrate the database or point the service at a new one.");
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the schema of {Context} at version {Version}")]
    private static partial void LogCreated(ILogger logger, string context, int version);
}
