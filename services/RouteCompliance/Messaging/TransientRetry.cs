using Confluent.Kafka;

namespace HazChem.Transport.RouteCompliance.Messaging;

/// <summary>
/// Retries an effect until it succeeds or the service stops: a consumer that threw would stop for good, and skipping
/// would lose the message, so a database, Redis or broker outage just pauses consumption (the offset is not stored).
/// </summary>
internal static partial class TransientRetry
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(Func<Task> effect, TimeProvider time, ILogger logger, string what, CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                await effect();
                return;
            }
            catch (Exception ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                LogRetry(logger, what, backoff, ex);
                await Task.Delay(backoff, time, cancellationToken);
                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            }
        }
    }

    private static bool IsTransient(Exception ex) => ex is KafkaException or TimeoutException or System.Data.Common.DbException
        or Microsoft.EntityFrameworkCore.DbUpdateException or StackExchange.Redis.RedisException or InvalidOperationException;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{What} failed; retrying in {Backoff}")]
    private static partial void LogRetry(ILogger logger, string what, TimeSpan backoff, Exception exception);
}
