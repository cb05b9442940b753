using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.ServiceDefaults.Messaging;

/// <summary>
/// Base for a consumer-group worker with at-least-once delivery: the blocking consume loop runs on its own
/// long-running thread; an offset is stored only after <see cref="HandleAsync"/> returns, i.e. after the
/// effect is durable, so a crash redelivers rather than loses. Handlers must therefore be idempotent.
/// </summary>
public abstract partial class KafkaConsumerService : BackgroundService
{
    private static readonly ActivitySource Source = new("HazChem.Kafka.Consumer");
    private readonly KafkaOptions _options;
    private readonly ILogger _logger;
    private readonly string _groupId;
    private readonly string _clientId;

    /// <summary>Creates the worker for <paramref name="groupId"/>.</summary>
    protected KafkaConsumerService(IOptions<KafkaOptions> options, ILogger logger, string groupId, string clientId)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        _groupId = groupId;
        _clientId = clientId;
    }

    /// <summary>The topics to subscribe to.</summary>
    protected abstract IReadOnlyCollection<string> Topics(KafkaOptions options);

    /// <summary>Applies one message durably. Throwing stops the worker without storing the offset.</summary>
    protected abstract Task HandleAsync(ConsumeResult<string, byte[]> message, CancellationToken cancellationToken);

    /// <summary>
    /// The most messages handed to one <see cref="HandleBatchAsync"/> call. 1 (the default) applies them one at a
    /// time; a consumer whose effects cost a round trip each (a database transaction, a broker acknowledgement)
    /// raises it and makes one round trip per batch instead.
    /// </summary>
    protected virtual int MaxBatch => 1;

    /// <summary>How long a batch that holds a message waits for more before it is applied.</summary>
    protected virtual TimeSpan BatchWindow => TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Applies messages in consumption order, durably; their offsets are stored only after this returns. Throwing
    /// stops the worker without storing any of them. The default applies each with <see cref="HandleAsync"/>.
    /// </summary>
    protected virtual async Task HandleBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var message in batch)
        {
            await HandleAsync(message, cancellationToken);
        }
    }

    /// <summary>Adjusts the consumer's settings (e.g. a per-process feed reads from the end and commits nothing).</summary>
    protected virtual void Configure(ConsumerConfig config)
    {
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => ConsumeLoop(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void ConsumeLoop(CancellationToken stoppingToken)
    {
        var config = KafkaExtensions.ConsumerConfig(_options, _groupId, _clientId);
        Configure(config);
        using var consumer = new ConsumerBuilder<string, byte[]>(config)
            .SetErrorHandler((_, error) => LogBrokerError(_logger, _groupId, error.Reason))
            .Build();
        var topics = Topics(_options);
        EnsureTopics(topics);
        consumer.Subscribe(topics);
        var batch = new List<ConsumeResult<string, byte[]>>(Math.Max(1, MaxBatch));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var result = consumer.Consume(stoppingToken);
                if (result is null || result.IsPartitionEOF)
                {
                    continue;
                }

                batch.Clear();
                batch.Add(result);
                FillBatch(consumer, batch);
                using (var activity = Source.StartActivity("kafka consume", ActivityKind.Consumer, result.Message.Headers.TraceParent()))
                {
                    activity?.SetTag("messaging.batch.message_count", batch.Count);
                    HandleBatchAsync(batch, stoppingToken).GetAwaiter().GetResult();
                }

                StoreOffsets(consumer, batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: stored offsets are committed by Close below.
        }
        finally
        {
            consumer.Close();
        }
    }

    /// <summary>Adds what arrives within <see cref="BatchWindow"/>, up to <see cref="MaxBatch"/> messages.</summary>
    private void FillBatch(IConsumer<string, byte[]> consumer, List<ConsumeResult<string, byte[]>> batch)
    {
        var started = Stopwatch.GetTimestamp();
        while (batch.Count < MaxBatch)
        {
            var left = BatchWindow - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero || consumer.Consume(left) is not { } next)
            {
                return;
            }

            if (!next.IsPartitionEOF)
            {
                batch.Add(next);
            }
        }
    }

    private void StoreOffsets(IConsumer<string, byte[]> consumer, List<ConsumeResult<string, byte[]>> batch)
    {
        foreach (var message in batch)
        {
            try
            {
                consumer.StoreOffset(message);
            }
            catch (KafkaException ex) when (batch.Count > 1)
            {
                // The partition was taken away while the batch was collected; its new owner applies the message again
                // (handlers are idempotent), so nothing is lost.
                LogStoreOffsetFailed(_logger, _groupId, message.TopicPartitionOffset.ToString(), ex.Error.Reason);
            }
        }
    }

    /// <summary>
    /// A consumer that subscribes before its topic exists may never be assigned it (seen with the KIP-848 group
    /// protocol on librdkafka's mock cluster, the dev stack's broker). A producer's metadata request creates the
    /// topic where the broker allows auto-creation; elsewhere topics are provisioned and this only reads metadata.
    /// </summary>
    private void EnsureTopics(IReadOnlyCollection<string> topics)
    {
        try
        {
            using var producer = new ProducerBuilder<Null, Null>(KafkaExtensions.ProducerConfig(_options, _clientId + "-metadata")).Build();
            using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
            foreach (var topic in topics)
            {
                var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.SingleOrDefault(t => t.Topic == topic);
                if (metadata is null || metadata.Error.IsError)
                {
                    LogTopicMissing(_logger, _groupId, topic, metadata?.Error.Reason ?? "not listed");
                }
            }
        }
        catch (KafkaException ex)
        {
            LogTopicMissing(_logger, _groupId, string.Join(",", topics), ex.Error.Reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka consumer {GroupId}: topic {Topic} is not available yet ({Reason}); subscribing anyway")]
    private static partial void LogTopicMissing(ILogger logger, string groupId, string topic, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka consumer {GroupId}: offset {Position} not stored: {Reason}")]
    private static partial void LogStoreOffsetFailed(ILogger logger, string groupId, string position, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka consumer {GroupId}: {Reason}")]
    private static partial void LogBrokerError(ILogger logger, string groupId, string reason);
}
