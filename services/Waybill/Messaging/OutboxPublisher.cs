using System.Text;
using Confluent.Kafka;
using HazChem.Transport.ServiceDefaults.Messaging;
using HazChem.Transport.Waybill.Options;
using HazChem.Transport.Waybill.Storage;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.Waybill.Messaging;

/// <summary>
/// Sends the outbox to <c>hazchem.waybill-events.v1</c> with the shared idempotent producer (acks=all), strictly
/// in outbox order, one event at a time: each is marked sent only after the broker acknowledged it, and a round
/// stops at the first failure so a later event of the same waybill never overtakes an earlier one. A crash between
/// the acknowledgement and the mark re-sends the same bytes with the same event id — a duplicate that consumers
/// drop by event id, never a lost or invented event. Unsent rows left by a previous process go first. Of several
/// replicas only the holder of the publisher lease sends.
/// </summary>
internal sealed partial class OutboxPublisher(
    WaybillStore store,
    IProducer<string, byte[]> producer,
    OutboxSignal signal,
    IOptions<KafkaOptions> kafka,
    IOptions<WaybillOptions> options,
    TimeProvider time,
    ILogger<OutboxPublisher> logger) : BackgroundService
{
    /// <summary>Header carrying the event id, so consumers can deduplicate without decoding the payload.</summary>
    public const string EventIdHeader = "event-id";

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private DateTimeOffset _leaseRenewedAt = DateTimeOffset.MinValue;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await store.ReleasePublisherLeaseAsync(_owner, cancellationToken);
        }
        catch (Exception ex) when (ex is Microsoft.EntityFrameworkCore.DbUpdateException or System.Data.Common.DbException or InvalidOperationException or OperationCanceledException)
        {
            // The lease then simply expires.
            LogReleaseFailed(logger, ex);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = options.Value.OutboxPollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var sent = await PublishPendingAsync(stoppingToken);
                backoff = options.Value.OutboxPollInterval;
                if (sent == options.Value.OutboxBatchSize)
                {
                    continue;
                }

                await signal.WaitAsync(options.Value.OutboxPollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is KafkaException or Microsoft.EntityFrameworkCore.DbUpdateException or System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                LogPublishFailed(logger, backoff, ex);
                try
                {
                    await Task.Delay(backoff, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            }
        }
    }

    /// <summary>Publishes one round of pending events in order while holding the lease; returns how many were sent.</summary>
    internal async Task<int> PublishPendingAsync(CancellationToken cancellationToken)
    {
        if (!await HoldLeaseAsync(cancellationToken))
        {
            return 0;
        }

        var pending = await store.PendingEventsAsync(options.Value.OutboxBatchSize, cancellationToken);
        var topic = kafka.Value.Topics.WaybillEvents;
        var sent = 0;
        foreach (var e in pending)
        {
            if (!await HoldLeaseAsync(cancellationToken))
            {
                break;
            }

            var headers = new Headers { { EventIdHeader, Encoding.UTF8.GetBytes(e.EventId) } };
            if (e.TraceParent is { Length: > 0 } traceParent)
            {
                headers.Add(KafkaExtensions.TraceParentHeader, Encoding.ASCII.GetBytes(traceParent));
            }

            var result = await producer.ProduceAsync(topic, new Message<string, byte[]> { Key = e.Key, Value = e.Payload, Headers = headers }, cancellationToken);
            await store.MarkSentAsync(e.Sequence, time.GetUtcNow(), CancellationToken.None);
            LogPublished(logger, e.EventId, result.Partition.Value, result.Offset.Value);
            sent++;
        }

        return sent;
    }

    /// <summary>Renews the lease once a third of it has passed; false when another replica holds it.</summary>
    private async Task<bool> HoldLeaseAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var leaseTime = options.Value.OutboxLeaseTime;
        if (now - _leaseRenewedAt < leaseTime / 3)
        {
            return true;
        }

        if (await store.TryHoldPublisherLeaseAsync(_owner, now, leaseTime, cancellationToken))
        {
            _leaseRenewedAt = now;
            return true;
        }

        _leaseRenewedAt = DateTimeOffset.MinValue;
        return false;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published waybill event {EventId} to partition {Partition} offset {Offset}")]
    private static partial void LogPublished(ILogger logger, string eventId, int partition, long offset);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing waybill events failed; retrying in {Backoff}")]
    private static partial void LogPublishFailed(ILogger logger, TimeSpan backoff, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not release the outbox publisher lease; it will expire")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
