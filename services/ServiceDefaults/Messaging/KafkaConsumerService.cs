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

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => ConsumeLoop(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void ConsumeLoop(CancellationToken stoppingToken)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(KafkaExtensions.ConsumerConfig(_options, _groupId, _clientId))
            .SetErrorHandler((_, error) => LogBrokerError(_logger, _groupId, error.Reason))
            .Build();
        consumer.Subscribe(Topics(_options));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var result = consumer.Consume(stoppingToken);
                if (result is null || result.IsPartitionEOF)
                {
                    continue;
                }

                using var activity = Source.StartActivity("kafka consume", ActivityKind.Consumer, result.Message.Headers.TraceParent());
                HandleAsync(result, stoppingToken).GetAwaiter().GetResult();
                consumer.StoreOffset(result);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka consumer {GroupId}: {Reason}")]
    private static partial void LogBrokerError(ILogger logger, string groupId, string reason);
}
