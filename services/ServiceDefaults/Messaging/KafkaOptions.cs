using System.ComponentModel.DataAnnotations;

namespace HazChem.Transport.ServiceDefaults.Messaging;

/// <summary>
/// Kafka settings, section <c>Kafka</c>: <c>Kafka__BootstrapServers</c> (required), <c>Kafka__ClientId</c>,
/// <c>Kafka__Topics__Positions</c>, <c>Kafka__Topics__WaybillEvents</c>, <c>Kafka__Topics__Violations</c>.
/// </summary>
public sealed class KafkaOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Kafka";

    /// <summary>Comma-separated <c>host:port</c> list.</summary>
    [Required]
    public string BootstrapServers { get; set; } = "";

    /// <summary>Client id reported to the broker; defaults to the application name.</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// Consumer group protocol: <c>Classic</c> (any broker) or <c>Consumer</c> (KIP-848, Kafka 4+ and the
    /// librdkafka mock cluster, whose classic protocol ignores LeaveGroup so a restarted member waits out the
    /// whole session timeout). The dev launcher sets <c>Consumer</c>.
    /// </summary>
    public Confluent.Kafka.GroupProtocol GroupProtocol { get; set; } = Confluent.Kafka.GroupProtocol.Classic;

    /// <summary>
    /// Longest a consumer's fetch waits for data (ms). A real broker answers as soon as data arrives, so this only
    /// bounds idle polling; librdkafka's mock cluster (the dev stack's broker) holds an empty fetch for the whole
    /// wait, which adds up to this much to every hop — measured ≈ 320 ms of fix→violation latency at librdkafka's
    /// default of 500 ms.
    /// </summary>
    [Range(1, 30_000)]
    public int FetchWaitMaxMs { get; set; } = 50;

    /// <summary>Topic names.</summary>
    [Required]
    public KafkaTopics Topics { get; set; } = new();
}

/// <summary>Topic names (configuration, with the DESIGN.md defaults).</summary>
public sealed class KafkaTopics
{
    /// <summary>Accepted fixes, keyed by plate.</summary>
    [Required]
    public string Positions { get; set; } = "hazchem.positions.v1";

    /// <summary>Waybill lifecycle events, keyed by waybill id.</summary>
    [Required]
    public string WaybillEvents { get; set; } = "hazchem.waybill-events.v1";

    /// <summary>Violation opened/updated/closed events, keyed by plate.</summary>
    [Required]
    public string Violations { get; set; } = "hazchem.violations.v1";
}
