using HazChem.Transport.ServiceDefaults.Hosting;
using HazChem.Transport.Waybill.Domain;
using HazChem.Transport.Waybill.Options;
using HazChem.Transport.Waybill.Storage;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.Waybill.Operations;

/// <summary>
/// Expires ISSUED waybills whose travel window ended more than <see cref="WaybillOptions.ExpiryGrace"/> ago, every
/// <see cref="WaybillOptions.ExpiryInterval"/>, reading the active waybills in batches of
/// <see cref="WaybillOptions.ExpiryBatchSize"/>. Each expiry is its own transaction through
/// <see cref="WaybillOperations.ExpireIfDueAsync"/>, conditional on the version read, so every replica may sweep:
/// two sweeps (or a sweep and a cancel) of one waybill make exactly one new version and one event, and a sweep
/// repeated after a restart finds nothing left to do.
/// </summary>
internal sealed partial class WaybillExpirySweeper(
    IServiceScopeFactory scopes,
    WaybillStore store,
    IOptions<WaybillOptions> options,
    TimeProvider time,
    ILogger<WaybillExpirySweeper> logger) : PeriodicJob(time, logger)
{
    protected override TimeSpan Interval => options.Value.ExpiryInterval;

    protected override Task RunRoundAsync(CancellationToken cancellationToken) => SweepAsync(cancellationToken);

    /// <summary>Nothing is half-done (each expiry is one transaction), so database errors and unreadable snapshots wait for the next sweep.</summary>
    protected override bool IsTransient(Exception exception) => base.IsTransient(exception) || exception is System.Text.Json.JsonException;

    /// <summary>One sweep over all active waybills at the current time; returns how many this sweep expired.</summary>
    internal async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var grace = options.Value.ExpiryGrace;
        var expired = 0;
        string? after = null;
        do
        {
            var (issued, next) = await store.ActiveIssuedPageAsync(after, options.Value.ExpiryBatchSize, cancellationToken);
            var due = issued.Where(w => WaybillExpiry.IsDue(w, now, grace)).ToList();
            if (due.Count > 0)
            {
                await using var scope = scopes.CreateAsyncScope();
                var operations = scope.ServiceProvider.GetRequiredService<WaybillOperations>();
                foreach (var waybill in due)
                {
                    if (await operations.ExpireIfDueAsync(waybill.Id, now, grace, cancellationToken) is not null)
                    {
                        expired++;
                    }
                }
            }

            after = next;
        }
        while (after is not null);

        if (expired > 0)
        {
            LogSwept(Logger, expired, grace);
        }

        return expired;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Expired {Count} waybills whose travel window ended more than {Grace} ago without loading")]
    private static partial void LogSwept(ILogger logger, int count, TimeSpan grace);
}
