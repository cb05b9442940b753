using System.Diagnostics;
using Confluent.Kafka;
using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.ServiceDefaults.Messaging;
using HazChem.Transport.Telemetry.Options;
using HazChem.Transport.Telemetry.Storage;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.Telemetry.Messaging;

/// <summary>
/// Writes the positions topic into the track table in batches (group <c>Telemetry:TrackConsumerGroup</c>). Like
/// <see cref="KafkaConsumerService"/> — whose one-message-at-a-time <c>HandleAsync</c> cannot batch — the blocking
/// loop runs on its own long-running thread and offsets are stored only after the batch is committed to the
/// database, so a crash redelivers (and the fix-id key makes the rewrite a no-op) rather than loses.
/// A batch that fails is retried, never skipped.
/// </summary>
internal sealed partial class TrackWriter(
    IProducer<string, byte[]> producer,
    IOptions<KafkaOptions> kafka,
    IOptions<TelemetryOptions> options,
    ITrackStore store,
    TimeProvider time,
    IHostEnvironment environment,
    ILogger<TrackWriter> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => ConsumeLoop(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void ConsumeLoop(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var config = KafkaExtensions.ConsumerConfig(kafka.Value, settings.TrackConsumerGroup, environment.ApplicationName + "-track");
        // A consumer that subscribes before its topic exists may never be assigned it (the dev stack's mock cluster
        // with the KIP-848 protocol). A producer's metadata request creates the topic where the broker allows
        // auto-creation; elsewhere the topic is provisioned and this only reads its metadata.
        EnsureTopic(kafka.Value.Topics.Positions);
        config.TopicMetadataRefreshIntervalMs = 10_000;
        using var consumer = new ConsumerBuilder<string, byte[]>(config)
            .SetErrorHandler((_, error) => LogBrokerError(logger, error.Reason))
            .SetLogHandler((_, message) => LogClient(logger, message.Level, message.Message))
            .Build();
        consumer.Subscribe(kafka.Value.Topics.Positions);
        var batch = new List<ConsumeResult<string, byte[]>>(settings.TrackBatchSize);
        var fixes = new List<PositionReported>(settings.TrackBatchSize);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                while (batch.Count < settings.TrackBatchSize)
                {
                    var left = settings.TrackFlushInterval - Stopwatch.GetElapsedTime(started);
                    if (batch.Count > 0 && left <= TimeSpan.Zero)
                    {
                        break;
                    }

                    var result = consumer.Consume(batch.Count == 0 ? TimeSpan.FromMilliseconds(500) : left);
                    if (result is null)
                    {
                        if (batch.Count > 0)
                        {
                            break;
                        }

                        stoppingToken.ThrowIfCancellationRequested();
                        started = Stopwatch.GetTimestamp();
                        continue;
                    }

                    if (!result.IsPartitionEOF)
                    {
                        if (batch.Count == 0)
                        {
                            // The flush interval counts from the batch's first fix.
                            started = Stopwatch.GetTimestamp();
                        }

                        batch.Add(result);
                    }
                }

                fixes.Clear();
                foreach (var message in batch)
                {
                    try
                    {
                        fixes.Add(PositionReported.Parser.ParseFrom(message.Message.Value));
                    }
                    catch (Google.Protobuf.InvalidProtocolBufferException ex)
                    {
                        // Not ours to repair: log with its coordinates and move on (the producer is this service).
                        LogUnreadable(logger, message.TopicPartitionOffset.ToString(), ex.Message);
                    }
                }

                WriteWithRetry(fixes, stoppingToken);
                foreach (var message in batch)
                {
                    try
                    {
                        consumer.StoreOffset(message);
                    }
                    catch (KafkaException ex)
                    {
                        // The partition was revoked meanwhile; its new owner rewrites the batch (idempotent).
                        LogStoreOffsetFailed(logger, message.TopicPartitionOffset.ToString(), ex.Error.Reason);
                    }
                }

                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: stored offsets are committed by Close below; the unwritten batch is redelivered.
        }
        finally
        {
            consumer.Close();
        }
    }

    private void EnsureTopic(string topic)
    {
        try
        {
            using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
            var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.SingleOrDefault(t => t.Topic == topic);
            if (metadata is null || metadata.Error.IsError)
            {
                LogTopicMissing(logger, topic, metadata?.Error.Reason ?? "not listed");
            }
        }
        catch (KafkaException ex)
        {
            LogTopicMissing(logger, topic, ex.Error.Reason);
        }
    }

    private void WriteWithRetry(List<PositionReported> fixes, CancellationToken stoppingToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.TrackRetention;
        // Fixes already past retention would only land in a partition about to be dropped.
        var keep = fixes.Where(f => f.FixTime.ToDateTimeOffset() >= cutoff).ToList();
        while (true)
        {
            try
            {
                var stored = store.AppendAsync(keep, stoppingToken).GetAwaiter().GetResult();
                LogWritten(logger, keep.Count, stored);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogWriteFailed(logger, keep.Count, ex);
                stoppingToken.WaitHandle.WaitOne(RetryDelay);
                stoppingToken.ThrowIfCancellationRequested();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Track writer: topic {Topic} is not available yet ({Reason}); subscribing anyway")]
    private static partial void LogTopicMissing(ILogger logger, string topic, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Track writer Kafka: {Reason}")]
    private static partial void LogBrokerError(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Track writer librdkafka {Level}: {Message}")]
    private static partial void LogClient(ILogger logger, SyslogLevel level, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Track writer: {Count} fixes consumed, {Stored} new points stored")]
    private static partial void LogWritten(ILogger logger, int count, int stored);

    [LoggerMessage(Level = LogLevel.Error, Message = "Track writer: writing {Count} fixes failed; retrying")]
    private static partial void LogWriteFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Track writer: message {Position} is not a PositionReported: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string position, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Track writer: offset {Position} not stored: {Reason}")]
    private static partial void LogStoreOffsetFailed(ILogger logger, string position, string reason);
}
