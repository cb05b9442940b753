using Microsoft.EntityFrameworkCore;

namespace HazChem.Transport.LoadingCheck.Storage;

/// <summary>
/// On SQLite (the embedded default) every check is one insert: in the default rollback-journal mode each commit
/// syncs the database file several times and blocks readers, which caps checks per second far below the target.
/// Write-ahead logging (persistent in the file, so set once at start) makes a commit one append to the log and
/// lets list and read queries run beside it. Does nothing on PostgreSQL.
/// </summary>
internal sealed partial class SqliteWriteAheadLog(IDbContextFactory<LoadingCheckDbContext> factory, ILogger<SqliteWriteAheadLog> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (!db.Database.IsSqlite())
        {
            return;
        }

        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL", cancellationToken);
        LogWriteAheadLog(logger);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "SQLite database in write-ahead-log mode")]
    private static partial void LogWriteAheadLog(ILogger logger);
}
