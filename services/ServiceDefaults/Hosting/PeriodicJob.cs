using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HazChem.Transport.ServiceDefaults.Hosting;

/// <summary>
/// Base for housekeeping that every replica runs on an interval (retention, expiry, pruning): one round soon after
/// start, then one per <see cref="Interval"/> on the injected clock. A round that fails in a way
/// <see cref="IsTransient"/> accepts is logged and tried again at the next interval, so each round must leave nothing
/// half-done; any other failure stops the service, so a bug is seen rather than retried for ever.
/// </summary>
public abstract partial class PeriodicJob : BackgroundService
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the job on <paramref name="time"/>, logging through <paramref name="logger"/>.</summary>
    protected PeriodicJob(TimeProvider time, ILogger logger)
    {
        _time = time;
        _logger = logger;
    }

    /// <summary>The clock rounds run on.</summary>
    protected TimeProvider Time => _time;

    /// <summary>The derived job's logger.</summary>
    protected ILogger Logger => _logger;

    /// <summary>Time between the starts of two rounds.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>One round.</summary>
    protected abstract Task RunRoundAsync(CancellationToken cancellationToken);

    /// <summary>Whether a failed round is retried at the next interval: by default database errors and timeouts.</summary>
    protected virtual bool IsTransient(Exception exception) =>
        exception is DbException or DbUpdateException or TimeoutException or InvalidOperationException;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Start-up (schema creation, the other hosted services) goes on without waiting for the first round.
        await Task.Yield();
        using var timer = new PeriodicTimer(Interval, _time);
        try
        {
            do
            {
                try
                {
                    await RunRoundAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested && IsTransient(ex))
                {
                    LogRoundFailed(_logger, Interval, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A round of this job failed; the next starts within {Interval}")]
    private static partial void LogRoundFailed(ILogger logger, TimeSpan interval, Exception exception);
}
