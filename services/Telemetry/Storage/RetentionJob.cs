using HazChem.Transport.ServiceDefaults.Hosting;
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
    ILogger<RetentionJob> logger) : PeriodicJob(time, logger)
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The table must exist before the track writer or a GetTrack call touches it.
        await track.EnsureSchemaAsync(Time.GetUtcNow(), options.Value.TrackRetention, cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override TimeSpan Interval => options.Value.RetentionInterval;

    protected override Task RunRoundAsync(CancellationToken cancellationToken) => RunOnceAsync(cancellationToken);

    /// <summary>Whatever failed, the next round tries again: a missed round only delays pruning.</summary>
    protected override bool IsTransient(Exception exception) => true;

    /// <summary>One round: partitions ahead, then pruning.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = Time.GetUtcNow();
        await track.EnsureSchemaAsync(now, settings.TrackRetention, cancellationToken);
        var points = await track.PruneAsync(now - settings.TrackRetention, cancellationToken);
        var quarantined = await quarantine.PruneAsync(now - settings.QuarantineRetention, cancellationToken);
        LogPruned(Logger, points, quarantined);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: track removed {Track}; {Quarantined} quarantined fixes deleted")]
    private static partial void LogPruned(ILogger logger, string track, int quarantined);
}
