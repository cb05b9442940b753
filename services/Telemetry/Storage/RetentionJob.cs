using HazChem.Transport.Telemetry.Options;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.Telemetry.Storage;

/// <summary>
/// Creates the track table at start (after the EF schema), then every <c>Telemetry:RetentionInterval</c> prepares
/// the coming PostgreSQL partitions and applies retention: track months older than <c>TrackRetention</c> are
/// dropped (SQLite: deleted by the fix-time index), quarantined fixes older than <c>QuarantineRetention</c> deleted.
/// </summary>
internal sealed partial class RetentionJob(
    ITrackStore track,
    QuarantineStore quarantine,
    IOptions<TelemetryOptions> options,
    TimeProvider time,
    ILogger<RetentionJob> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The table must exist before the track writer or a GetTrack call touches it.
        await track.EnsureSchemaAsync(time.GetUtcNow(), options.Value.TrackRetention, cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetentionInterval, time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One round: partitions ahead, then pruning.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        await track.EnsureSchemaAsync(now, settings.TrackRetention, cancellationToken);
        var points = await track.PruneAsync(now - settings.TrackRetention, cancellationToken);
        var quarantined = await quarantine.PruneAsync(now - settings.QuarantineRetention, cancellationToken);
        LogPruned(logger, points, quarantined);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: track removed {Track}; {Quarantined} quarantined fixes deleted")]
    private static partial void LogPruned(ILogger logger, string track, int quarantined);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention round failed; retried next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
