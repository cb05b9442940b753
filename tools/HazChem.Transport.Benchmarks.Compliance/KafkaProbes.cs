using System.Collections.Concurrent;
using System.Diagnostics;
using Confluent.Kafka;
using HazChem.Transport.Contracts.Compliance.V1;
using HazChem.Transport.Contracts.Telemetry.V1;

namespace HazChem.Transport.Benchmarks.Compliance;

/// <summary>Records on the positions topic and how far the engine's consumer group has committed (sums over partitions).</summary>
internal readonly record struct EngineProgress(long End, long Committed)
{
    public long Lag => End - Committed;
}

/// <summary>
/// Reads the engine's progress on <c>hazchem.positions.v1</c> (or another topic of another group, e.g. the trips group on
/// the waybill events): the high watermarks and the committed offsets of its consumer group (the engine stores an offset
/// only after the fix's effects are durable and commits every second). Its consumer never subscribes, so it never joins
/// the group.
/// </summary>
internal sealed class EngineOffsets : IDisposable
{
    public const string PositionsTopic = "hazchem.positions.v1";

    private readonly IConsumer<Ignore, Ignore> _consumer;
    private readonly IAdminClient _admin;
    private readonly string _topic;

    public EngineOffsets(string bootstrapServers, string groupId, string topic = PositionsTopic)
    {
        _topic = topic;
        _consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = groupId, EnableAutoCommit = false })
            .SetLogHandler((_, _) => { })
            .Build();
        _admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).SetLogHandler((_, _) => { }).Build();
    }

    public EngineProgress Read()
    {
        var metadata = _admin.GetMetadata(_topic, TimeSpan.FromSeconds(10));
        var partitions = metadata.Topics.SingleOrDefault(t => t.Topic == _topic)?.Partitions
            .Select(p => new TopicPartition(_topic, p.PartitionId)).ToList() ?? [];
        if (partitions.Count == 0)
        {
            return new EngineProgress(0, 0);
        }

        var end = partitions.Sum(p => _consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value);
        var committed = _consumer.Committed(partitions, TimeSpan.FromSeconds(10)).Sum(c => c.Offset.Value >= 0 ? c.Offset.Value : 0);
        return new EngineProgress(end, committed);
    }

    public void Dispose()
    {
        _consumer.Close();
        _consumer.Dispose();
        _admin.Dispose();
    }
}

/// <summary>
/// One OVERSPEED opening of a benchmark vehicle as it arrived: its opening fix, when the engine applied it (the event's
/// occurred_at, wall clock ms), when the engine's producer sent the record (its CreateTime, wall clock ms) and when it
/// reached this process (<see cref="Stopwatch"/> timestamp).
/// </summary>
internal readonly record struct Opening(string Plate, long OpeningFixMs, long OccurredAtMs, long PublishedAtMs, long ReceivedAt);

/// <summary>
/// Consumes <c>hazchem.violations.v1</c> from the beginning on a dedicated thread, stamps each record with a monotonic
/// timestamp as it arrives, and keeps the OPENED OVERSPEED events of the benchmark's plates (the opening fix is the
/// evidence noted "opened", or the first one when the condition held long enough at once). The topic is looked up
/// first (the dev broker creates it on that request) and its partitions are assigned directly: a group subscription to
/// a topic that appears only with the first violation would be assigned seconds later and add that to the first latencies.
/// </summary>
internal sealed class ViolationListener : IDisposable
{
    public const string ViolationsTopic = "hazchem.violations.v1";

    private readonly IConsumer<string, byte[]> _consumer;
    private readonly IReadOnlySet<string> _plates;
    private readonly ConcurrentQueue<Opening> _openings = new();
    private readonly ConcurrentDictionary<string, long> _events = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;

    public ViolationListener(string bootstrapServers, IReadOnlySet<string> plates)
    {
        _plates = plates;
        _consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "compliance-benchmark-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            FetchWaitMaxMs = 20,
        }).SetLogHandler((_, _) => { }).Build();
        _consumer.Assign(Partitions(bootstrapServers).Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        _thread = new Thread(Run) { IsBackground = true, Name = "violations" };
        _thread.Start();
    }

    public IReadOnlyCollection<Opening> Openings => _openings;

    /// <summary>Every event of the benchmark's plates by "KIND TYPE".</summary>
    public IReadOnlyDictionary<string, long> Events => _events;

    public string? Failure { get; private set; }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(5));
        _consumer.Close();
        _consumer.Dispose();
        _stop.Dispose();
    }

    private static List<TopicPartition> Partitions(string bootstrapServers)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).SetLogHandler((_, _) => { }).Build();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var topic = admin.GetMetadata(ViolationsTopic, TimeSpan.FromSeconds(10)).Topics.SingleOrDefault(t => t.Topic == ViolationsTopic);
            if (topic is { Error.IsError: false, Partitions.Count: > 0 })
            {
                return [.. topic.Partitions.Select(p => new TopicPartition(ViolationsTopic, p.PartitionId))];
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException($"Kafka topic {ViolationsTopic} is not available: {topic?.Error.Reason ?? "not listed"}");
            }

            Thread.Sleep(250);
        }
    }

    private void Run()
    {
        while (!_stop.IsCancellationRequested)
        {
            ConsumeResult<string, byte[]>? result;
            try
            {
                result = _consumer.Consume(TimeSpan.FromMilliseconds(100));
            }
            catch (KafkaException ex)
            {
                Failure = ex.Message;
                continue;
            }

            if (result?.Message?.Value is not { } value)
            {
                continue;
            }

            var receivedAt = Stopwatch.GetTimestamp();
            ViolationEvent e;
            try
            {
                e = ViolationEvent.Parser.ParseFrom(value);
            }
            catch (Google.Protobuf.InvalidProtocolBufferException)
            {
                continue;
            }

            var v = e.Violation;
            if (v is null || !_plates.Contains(v.Plate))
            {
                continue;
            }

            _events.AddOrUpdate($"{v.Kind} {e.Type}", 1, (_, n) => n + 1);
            if (e.Type != ViolationEvent.Types.EventType.Opened || v.Kind != ViolationKind.Overspeed || v.Evidence.Count == 0)
            {
                continue;
            }

            var opening = v.Evidence.FirstOrDefault(x => x.Note == "opened") ?? v.Evidence[0];
            _openings.Enqueue(new Opening(
                v.Plate,
                opening.FixTime.ToDateTimeOffset().ToUnixTimeMilliseconds(),
                e.OccurredAt?.ToDateTimeOffset().ToUnixTimeMilliseconds() ?? 0,
                result.Message.Timestamp.Type == TimestampType.CreateTime ? result.Message.Timestamp.UnixTimestampMs : 0,
                receivedAt));
        }
    }
}

/// <summary>
/// Watches <c>hazchem.positions.v1</c> (all partitions, from the end) for the predicted opening fixes and keeps, per
/// plate, the record's CreateTime: when Telemetry produced it (wall clock ms). Only records keyed by a plate with a
/// predicted opening are decoded. Splits the fix→violation latency into ingest and engine shares.
/// </summary>
internal sealed class PositionsProbe : IDisposable
{
    private readonly IConsumer<string, byte[]> _consumer;
    private readonly LatencyBook _book;
    private readonly ConcurrentDictionary<string, long> _produced = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;

    public PositionsProbe(string bootstrapServers, LatencyBook book)
    {
        _book = book;
        _consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "compliance-benchmark-positions-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            FetchWaitMaxMs = 20,
        }).SetLogHandler((_, _) => { }).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).SetLogHandler((_, _) => { }).Build();
        var partitions = admin.GetMetadata(EngineOffsets.PositionsTopic, TimeSpan.FromSeconds(10)).Topics
            .SingleOrDefault(t => t.Topic == EngineOffsets.PositionsTopic)?.Partitions ?? [];
        _consumer.Assign(partitions.Select(p => new TopicPartitionOffset(EngineOffsets.PositionsTopic, p.PartitionId, Offset.End)));
        _thread = new Thread(Run) { IsBackground = true, Name = "positions" };
        _thread.Start();
    }

    /// <summary>When Telemetry produced the opening fix of <paramref name="plate"/> (wall clock ms).</summary>
    public bool TryGetProduced(string plate, out long createdMs) => _produced.TryGetValue(plate, out createdMs);

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(5));
        _consumer.Close();
        _consumer.Dispose();
        _stop.Dispose();
    }

    private void Run()
    {
        while (!_stop.IsCancellationRequested)
        {
            ConsumeResult<string, byte[]>? result;
            try
            {
                result = _consumer.Consume(TimeSpan.FromMilliseconds(100));
            }
            catch (KafkaException)
            {
                continue;
            }

            if (result?.Message is not { Key: { } plate, Value: { } value } message || !_book.TryGetExpectedOpening(plate, out var openingMs) || _produced.ContainsKey(plate))
            {
                continue;
            }

            try
            {
                var position = PositionReported.Parser.ParseFrom(value);
                if (position.FixTime?.ToDateTimeOffset().ToUnixTimeMilliseconds() == openingMs && message.Timestamp.Type == TimestampType.CreateTime)
                {
                    _produced[plate] = message.Timestamp.UnixTimestampMs;
                }
            }
            catch (Google.Protobuf.InvalidProtocolBufferException)
            {
                // not ours to judge
            }
        }
    }
}
