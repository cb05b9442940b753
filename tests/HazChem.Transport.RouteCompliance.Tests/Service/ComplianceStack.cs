using System.Globalization;
using Confluent.Kafka;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using HazChem.Transport.Contracts.Common.V1;
using HazChem.Transport.Contracts.Compliance.V1;
using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.Contracts.Waybill.V1;
using HazChem.Transport.TestSupport;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;
using Microsoft.Extensions.DependencyInjection;

[assembly: AssemblyFixture(typeof(PostgresFixture))]
[assembly: AssemblyFixture(typeof(KafkaFixture))]
[assembly: AssemblyFixture(typeof(RedisFixture))]

namespace HazChem.Transport.RouteCompliance.Tests.Service;

/// <summary>
/// Real components for one test: a fresh PostgreSQL database, fresh Kafka topics (positions, waybill events,
/// violations) on the Kafka-protocol broker, optionally Redis for the hot state; hosts of the service on them can be
/// started, crashed and restarted. The test itself plays Telemetry and Waybill by producing their messages.
/// </summary>
internal sealed class ComplianceStack : IAsyncDisposable
{
    private static int _plates = Random.Shared.Next(10000, 90000);
    private readonly IProducer<string, byte[]> _producer;
    private readonly List<ComplianceHost> _hosts = [];

    private ComplianceStack(KafkaFixture kafka, Dictionary<string, string?> settings, string positions, string waybillEvents, string violations)
    {
        Kafka = kafka;
        Settings = settings;
        PositionsTopic = positions;
        WaybillEventsTopic = waybillEvents;
        ViolationsTopic = violations;
        _producer = new ProducerBuilder<string, byte[]>(kafka.CreateProducerConfig()).SetLogHandler((_, _) => { }).Build();
    }

    public KafkaFixture Kafka { get; }

    public Dictionary<string, string?> Settings { get; }

    public string PositionsTopic { get; }

    public string WaybillEventsTopic { get; }

    public string ViolationsTopic { get; }

    public string ConnectionString => Settings["ConnectionStrings:Postgres"]!;

    public static async Task<ComplianceStack> CreateAsync(PostgresFixture postgres, KafkaFixture kafka, RedisFixture? redis, string name)
    {
        postgres.Require();
        kafka.Require();
        redis?.Require();
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await postgres.CreateDatabaseAsync(name, ct);
        var positions = await kafka.CreateTopicAsync("positions", cancellationToken: ct);
        var waybillEvents = await kafka.CreateTopicAsync("waybill-events", cancellationToken: ct);
        var violations = await kafka.CreateTopicAsync("violations", cancellationToken: ct);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var settings = new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = ComplianceHost.NewSigningKey(),
            ["Storage:Provider"] = "Postgres",
            ["ConnectionStrings:Postgres"] = connectionString,
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Kafka:GroupProtocol"] = kafka.IsMockCluster ? "Consumer" : "Classic",
            ["Kafka:Topics:Positions"] = positions,
            ["Kafka:Topics:WaybillEvents"] = waybillEvents,
            ["Kafka:Topics:Violations"] = violations,
            ["Compliance:EngineGroupId"] = "engine-" + suffix,
            ["Compliance:TripsGroupId"] = "trips-" + suffix,
            ["Compliance:RefreshInterval"] = "00:00:01",
            ["State:Store"] = redis is null ? "InMemory" : "Redis",
            ["Redis:Configuration"] = redis?.ConnectionString ?? "",
        };
        return new ComplianceStack(kafka, settings, positions, waybillEvents, violations);
    }

    public async Task<ComplianceHost> StartHostAsync(Action<IServiceCollection>? configure = null)
    {
        var host = await ComplianceHost.StartAsync(Settings, configure);
        _hosts.Add(host);
        return host;
    }

    public static string NewPlate() => "渝B" + Interlocked.Increment(ref _plates).ToString("D5", CultureInfo.InvariantCulture);

    /// <summary>Publishes a waybill event as the Waybill service's outbox does (key = waybill id).</summary>
    public async Task PublishTripAsync(string waybillId, string plate, IEnumerable<(double Lon, double Lat)> route, WaybillStatus status = WaybillStatus.Issued, int version = 1, double corridorMeters = 500, string[]? goodsClasses = null, bool highHazard = false, DateTimeOffset? windowStart = null, DateTimeOffset? windowEnd = null, DateTimeOffset? occurredAt = null)
    {
        var now = occurredAt ?? DateTimeOffset.UtcNow;
        var points = route.ToList();
        var e = new WaybillEvent
        {
            EventId = $"{waybillId}:{version}",
            WaybillId = waybillId,
            Version = version,
            Type = status switch
            {
                WaybillStatus.Loaded => WaybillEvent.Types.EventType.Loaded,
                WaybillStatus.InTransit => WaybillEvent.Types.EventType.InTransit,
                WaybillStatus.Delivered => WaybillEvent.Types.EventType.Delivered,
                WaybillStatus.Cancelled => WaybillEvent.Types.EventType.Cancelled,
                _ => WaybillEvent.Types.EventType.Issued,
            },
            OccurredAt = Timestamp.FromDateTimeOffset(now),
            Actor = "carrier-1",
            Status = status,
            CarrierId = "carrier-1",
            VehiclePlate = plate,
            CorridorMeters = corridorMeters,
            Window = new TimeWindow { Start = Timestamp.FromDateTimeOffset(windowStart ?? now.AddDays(-1)), End = Timestamp.FromDateTimeOffset(windowEnd ?? now.AddDays(1)) },
            HighHazard = highHazard,
            Origin = new GeoPoint { Name = "origin", Lon = points[0].Lon, Lat = points[0].Lat },
            Destination = new GeoPoint { Name = "destination", Lon = points[^1].Lon, Lat = points[^1].Lat },
        };
        e.Route.AddRange(points.Select(p => new LonLat { Lon = p.Lon, Lat = p.Lat }));
        e.GoodsClasses.AddRange(goodsClasses ?? ["3"]);
        await _producer.ProduceAsync(WaybillEventsTopic, new Message<string, byte[]> { Key = waybillId, Value = e.ToByteArray() }, TestContext.Current.CancellationToken);
    }

    /// <summary>Publishes fixes as Telemetry does (key = plate, in order).</summary>
    public async Task PublishFixesAsync(string plate, IEnumerable<(DateTimeOffset Time, double Lon, double Lat, double SpeedKmh)> fixes)
    {
        foreach (var (time, lon, lat, speed) in fixes)
        {
            var p = new PositionReported
            {
                FixId = $"{plate}:{time.ToUnixTimeMilliseconds()}",
                Plate = plate,
                FixTime = Timestamp.FromDateTimeOffset(time),
                ReceivedTime = Timestamp.FromDateTimeOffset(time.AddSeconds(1)),
                Lat = lat,
                Lon = lon,
                SpeedKmh = speed,
                Valid = true,
                Source = PositionSource.Http,
            };
            await _producer.ProduceAsync(PositionsTopic, new Message<string, byte[]> { Key = plate, Value = p.ToByteArray() }, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Polls ListViolations until <paramref name="done"/> holds for the plate's violations (or a minute passes).</summary>
    public static async Task<List<Violation>> WaitForViolationsAsync(ComplianceHost host, string plate, Func<List<Violation>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        List<Violation> found = [];
        while (DateTime.UtcNow < deadline)
        {
            var response = await host.Client.ListViolationsAsync(new ListViolationsRequest { Plate = plate, PageSize = 100 }, host.As("police", "officer-1"));
            found = [.. response.Violations];
            if (done(found))
            {
                return found;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        return found;
    }

    /// <summary>Reads the violations topic from the start and returns the events keyed by <paramref name="plate"/> once
    /// <paramref name="expected"/> have arrived and two seconds passed without more.</summary>
    public async Task<List<ViolationEvent>> ConsumeViolationEventsAsync(string plate, int expected)
    {
        var config = Kafka.CreateConsumerConfig("test-" + Guid.NewGuid().ToString("N"));
        var events = new List<ViolationEvent>();
        await Task.Run(
            () =>
            {
                using var consumer = new ConsumerBuilder<string, byte[]>(config).SetLogHandler((_, _) => { }).Build();
                consumer.Subscribe(ViolationsTopic);
                var deadline = DateTime.UtcNow.AddSeconds(60);
                DateTime? quietUntil = null;
                try
                {
                    while (DateTime.UtcNow < deadline && (quietUntil is null || DateTime.UtcNow < quietUntil))
                    {
                        var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                        if (result?.Message is null || result.Message.Key != plate)
                        {
                            continue;
                        }

                        events.Add(ViolationEvent.Parser.ParseFrom(result.Message.Value));
                        if (events.Count >= expected)
                        {
                            quietUntil ??= DateTime.UtcNow.AddSeconds(2);
                        }
                    }
                }
                finally
                {
                    consumer.Close();
                }
            },
            TestContext.Current.CancellationToken);
        return events;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        _producer.Dispose();
    }
}
