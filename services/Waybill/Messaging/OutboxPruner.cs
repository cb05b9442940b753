using HazChem.Transport.ServiceDefaults.Hosting;
using HazChem.Transport.Waybill.Options;
using HazChem.Transport.Waybill.Storage;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.Waybill.Messaging;

/// <summary>
/// Keeps the outbox from growing for ever: every <see cref="WaybillOptions.OutboxPruneInterval"/> deletes the events
/// sent more than <see cref="WaybillOptions.OutboxRetention"/> ago, <see cref="WaybillOptions.OutboxPruneBatchSize"/>
/// rows per statement until none is left. Unsent events stay whatever their age, so a long broker outage loses nothing.
/// Separate from <see cref="OutboxPublisher"/> on purpose: the publisher runs only on the lease holder, polls every
/// second and backs off on broker errors, while pruning is hourly database housekeeping that needs no lease (a delete
/// of eligible rows is idempotent) and goes on while the broker is down.
/// </summary>
internal sealed partial class OutboxPruner(
    WaybillStore store,
    IOptions<WaybillOptions> options,
    TimeProvider time,
    ILogger<OutboxPruner> logger) : PeriodicJob(time, logger)
{
    protected override TimeSpan Interval => options.Value.OutboxPruneInterval;

    protected override Task RunRoundAsync(CancellationToken cancellationToken) => PruneAsync(cancellationToken);

    /// <summary>One prune at the current time, batch after batch until a batch comes back short; returns how many this prune deleted.</summary>
    internal async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var retention = options.Value.OutboxRetention;
        var batchSize = options.Value.OutboxPruneBatchSize;
        // Fixed for the whole prune, so the loop ends: rows sent meanwhile are newer than the cut-off.
        var sentBefore = Time.GetUtcNow() - retention;
        var pruned = 0;
        int deleted;
        do
        {
            deleted = await store.DeleteSentEventsAsync(sentBefore, batchSize, cancellationToken);
            pruned += deleted;
        }
        while (deleted == batchSize);

        if (pruned > 0)
        {
            LogPruned(Logger, pruned, retention);
        }

        return pruned;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} waybill events from the outbox that were sent more than {Retention} ago")]
    private static partial void LogPruned(ILogger logger, int count, TimeSpan retention);

}
