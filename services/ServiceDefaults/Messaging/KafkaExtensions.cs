using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using HazChem.Transport.ServiceDefaults.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.ServiceDefaults.Messaging;

/// <summary>Kafka client wiring shared by every service: one idempotent producer, consumer configs for at-least-once.</summary>
public static partial class KafkaExtensions
{
    /// <summary>The W3C trace-context header carried on every message.</summary>
    public const string TraceParentHeader = "traceparent";

    /// <summary>
    /// Registers <see cref="KafkaOptions"/> and a singleton <see cref="IProducer{TKey,TValue}"/> of
    /// <c>string</c> keys and protobuf bytes with acks=all and idempotence on.
    /// </summary>
    public static IServiceCollection AddKafka(this IServiceCollection services)
    {
        services.AddValidatedOptions<KafkaOptions>(KafkaOptions.SectionName);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<KafkaOptions>>().Value;
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("HazChem.Kafka.Producer");
            var environment = sp.GetRequiredService<IHostEnvironment>();
            return new ProducerBuilder<string, byte[]>(ProducerConfig(options, environment.ApplicationName))
                .SetLogHandler((_, message) => LogClient(logger, message.Level, message.Message))
                .Build();
        });
        return services;
    }

    /// <summary>Producer settings: acks=all, idempotent, small linger for batching.</summary>
    public static ProducerConfig ProducerConfig(KafkaOptions options, string clientId)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = options.ClientId ?? clientId,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 5,
            CompressionType = CompressionType.Lz4,
        };
    }

    /// <summary>
    /// Consumer settings for at-least-once: offsets are stored by the handler only after its effect is durable
    /// (<c>EnableAutoOffsetStore=false</c>) and the stored ones are committed in the background.
    /// </summary>
    public static ConsumerConfig ConsumerConfig(KafkaOptions options, string groupId, string clientId)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new ConsumerConfig
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = options.ClientId ?? clientId,
            GroupId = groupId,
            GroupProtocol = options.GroupProtocol,
            EnableAutoCommit = true,
            AutoCommitIntervalMs = 1000,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = options.FetchWaitMaxMs,
        };
        if (options.GroupProtocol == GroupProtocol.Classic)
        {
            // With KIP-848 the broker assigns partitions; the client-side strategy applies to the classic protocol only.
            config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky;
        }

        return config;
    }

    /// <summary>Headers with the current trace context, so a consumer continues the producer's trace.</summary>
    public static Headers TraceHeaders()
    {
        var headers = new Headers();
        if (Activity.Current is { } activity)
        {
            headers.Add(TraceParentHeader, Encoding.ASCII.GetBytes(activity.Id ?? string.Empty));
        }

        return headers;
    }

    /// <summary>The trace parent carried by a message, if any.</summary>
    public static string? TraceParent(this Headers? headers)
    {
        if (headers is not null && headers.TryGetLastBytes(TraceParentHeader, out var bytes))
        {
            return Encoding.ASCII.GetString(bytes);
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "librdkafka {Level}: {Message}")]
    private static partial void LogClient(ILogger logger, SyslogLevel level, string message);
}
