using System.Threading.Channels;

namespace HazChem.Transport.LoadingCheck.Storage;

/// <summary>
/// Group commit for new checks: callers hand their record over and wait until it is durable; one writer takes
/// whatever has queued up and inserts it in one transaction. Under load this turns hundreds of commits per second
/// (each a disk sync, and on SQLite a thread blocked on the file lock) into a few, and never more than one writer
/// waits on the database at a time. A batch that fails is retried one record at a time, so one bad record fails
/// only its own caller.
/// </summary>
internal sealed partial class CheckWriter(LoadingCheckStore store, ILogger<CheckWriter> logger) : BackgroundService
{
    private const int MaxBatch = 256;

    private readonly Channel<(Domain.CheckRecord Record, TaskCompletionSource Done)> _queue =
        Channel.CreateUnbounded<(Domain.CheckRecord, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Returns once <paramref name="record"/> is stored.</summary>
    public Task WriteAsync(Domain.CheckRecord record)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((record, done)))
        {
            done.SetException(new InvalidOperationException("The service is stopping; the check was not stored."));
        }

        return done.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<(Domain.CheckRecord Record, TaskCompletionSource Done)>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                await WriteBatchAsync(batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still queued is written below.
        }

        _queue.Writer.TryComplete();
        batch.Clear();
        while (_queue.Reader.TryRead(out var item))
        {
            batch.Add(item);
        }

        if (batch.Count > 0)
        {
            await WriteBatchAsync(batch);
        }
    }

    private async Task WriteBatchAsync(List<(Domain.CheckRecord Record, TaskCompletionSource Done)> batch)
    {
        try
        {
            await store.AddRangeAsync([.. batch.Select(b => b.Record)], CancellationToken.None);
            foreach (var (_, done) in batch)
            {
                done.TrySetResult();
            }

            return;
        }
        catch (Exception ex) when (batch.Count > 1)
        {
            LogBatchFailed(logger, batch.Count, ex);
        }
        catch (Exception ex)
        {
            batch[0].Done.TrySetException(ex);
            return;
        }

        foreach (var (record, done) in batch)
        {
            try
            {
                await store.AddRangeAsync([record], CancellationToken.None);
                done.TrySetResult();
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing a batch of {Count} checks failed; storing them one by one")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);
}
