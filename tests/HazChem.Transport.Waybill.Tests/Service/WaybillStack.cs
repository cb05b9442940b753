using System.Globalization;
using Confluent.Kafka;
using Google.Protobuf.WellKnownTypes;
using HazChem.Transport.Contracts.Common.V1;
using HazChem.Transport.Contracts.Waybill.V1;
using HazChem.Transport.TestSupport;
using HazChem.Transport.Waybill.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

[assembly: AssemblyFixture(typeof(PostgresFixture))]
[assembly: AssemblyFixture(typeof(KafkaFixture))]

namespace HazChem.Transport.Waybill.Tests.Service;

/// <summary>
/// The Waybill service on real PostgreSQL and the Kafka-protocol broker, calling a registry the test controls.
/// One per test class (see <see cref="StackCache"/>); tests keep apart by registering their own carrier and plate.
/// </summary>
internal sealed class WaybillStack : IAsyncDisposable
{
    private static int _suffix = Random.Shared.Next(10000, 60000);

    private WaybillStack(QualificationTestHost qualification, WaybillTestHost waybill, string topic, string connectionString, string signingKey, KafkaFixture kafka)
    {
        Qualification = qualification;
        Waybill = waybill;
        Topic = topic;
        ConnectionString = connectionString;
        SigningKey = signingKey;
        Kafka = kafka;
    }

    public QualificationTestHost Qualification { get; }

    public WaybillTestHost Waybill { get; private set; }

    public string Topic { get; }

    public string ConnectionString { get; }

    public string SigningKey { get; }

    public KafkaFixture Kafka { get; }

    public WaybillService.WaybillServiceClient Client => Waybill.Client;

    public async ValueTask DisposeAsync()
    {
        await Waybill.DisposeAsync();
        await Qualification.DisposeAsync();
    }

    public static async Task<WaybillStack> StartAsync(
        PostgresFixture postgres, KafkaFixture kafka, string name, bool runPublisher = true, IDictionary<string, string?>? extraSettings = null, Action<IServiceCollection>? configure = null)
    {
        postgres.Require();
        kafka.Require();
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await postgres.CreateDatabaseAsync(name, ct);
        var topic = await kafka.CreateTopicAsync("waybill-events", cancellationToken: ct);
        var key = SigningKeys.Create();
        var qualification = await QualificationTestHost.StartAsync(key);
        var settings = Settings(connectionString, topic, kafka);
        foreach (var (k, v) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }

        var waybill = await WaybillTestHost.StartAsync(key, settings, qualification.Server.CreateHandler, runPublisher, configure);
        return new WaybillStack(qualification, waybill, topic, connectionString, key, kafka);
    }

    public static Dictionary<string, string?> Settings(string connectionString, string topic, KafkaFixture kafka) => new()
    {
        ["Storage:Provider"] = "Postgres",
        ["ConnectionStrings:Postgres"] = connectionString,
        ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
        ["Kafka:GroupProtocol"] = kafka.IsMockCluster ? "Consumer" : "Classic",
        ["Kafka:Topics:WaybillEvents"] = topic,
        ["Waybill:DangerousGoodsCsv"] = Samples.RequireFullList(),
    };

    /// <summary>Stops the Waybill process and starts a new one on the same database and topic.</summary>
    public async Task RestartWaybillAsync(bool runPublisher)
    {
        await Waybill.DisposeAsync();
        Waybill = await WaybillTestHost.StartAsync(SigningKey, Settings(ConnectionString, Topic, Kafka), Qualification.Server.CreateHandler, runPublisher);
    }

    /// <summary>A carrier with vehicle, tank, driver and escort of its own.</summary>
    public Registration Register(double ratedLoadKg = 30000, double tankMaxKg = 21000) =>
        Qualification.Registry.Register(Interlocked.Increment(ref _suffix).ToString("D5", CultureInfo.InvariantCulture), ratedLoadKg, tankMaxKg);

    /// <summary>
    /// The travel day of every test waybill: tomorrow (UTC) when the test run began, read once so that a test crossing
    /// midnight UTC still expects the day its request named. The window (01:00–10:00 UTC = 09:00–18:00 in Shanghai)
    /// lies within one Shanghai date and ends at least ten hours after the run began.
    /// </summary>
    public static readonly DateTime TravelDay = DateTime.UtcNow.Date.AddDays(1);

    /// <summary>The DESIGN.md §4.1 request for <paramref name="r"/> (UN1203 gasoline, 20 t, on <see cref="TravelDay"/>).</summary>
    public static IssueWaybillRequest IssueRequest(Registration r, params GoodsLine[] goods)
    {
        var tomorrow = TravelDay;
        var request = new IssueWaybillRequest
        {
            CarrierId = r.CarrierId,
            Consignor = new Party { Name = "重庆某石化公司", Phone = "023-60000001" },
            Consignee = new Party { Name = "涪陵某加油站", Phone = "023-60000002" },
            LoadingUnit = new Party { Name = "长寿油库", Phone = "023-60000003" },
            VehiclePlate = r.Plate,
            TankNumber = r.Tank,
            DriverId = r.DriverId,
            EscortId = r.EscortId,
            Origin = new GeoPoint { Name = "长寿油库", Lon = 106.50, Lat = 29.60 },
            Destination = new GeoPoint { Name = "涪陵", Lon = 106.90, Lat = 29.40 },
            Route = new Route { Crs = Crs.Wgs84, CorridorMeters = 500 },
            Window = new TimeWindow { Start = Timestamp.FromDateTime(tomorrow.AddHours(1)), End = Timestamp.FromDateTime(tomorrow.AddHours(10)) },
            EmergencyPhone = "023-12345678",
        };
        request.Goods.AddRange(goods.Length > 0 ? goods : [Goods("1203", "3", "II", 20000)]);
        request.Route.Coordinates.AddRange(new[] { (106.50, 29.60), (106.70, 29.50), (106.90, 29.40) }
            .Select(p => new ListValue { Values = { Value.ForNumber(p.Item1), Value.ForNumber(p.Item2) } }));
        return request;
    }

    public static GoodsLine Goods(string un, string hazardClass, string packingGroup, double kg) =>
        new() { UnNumber = un, Name = "货物", HazardClass = hazardClass, PackingGroup = packingGroup, QuantityKg = kg };

    /// <summary>The same request as REST JSON, field names exactly as DESIGN.md §4.1.</summary>
    public static Dictionary<string, object> IssueJson(Registration r, object[]? goods = null, string emergencyPhone = "023-12345678")
    {
        var tomorrow = TravelDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return new Dictionary<string, object>
        {
            ["carrierId"] = r.CarrierId,
            ["consignor"] = new { name = "重庆某石化公司", phone = "023-60000001" },
            ["consignee"] = new { name = "涪陵某加油站", phone = "023-60000002" },
            ["loadingUnit"] = new { name = "长寿油库", phone = "023-60000003" },
            ["goods"] = goods ?? [GoodsJson("1203", "3", "II", 20000)],
            ["vehiclePlate"] = r.Plate,
            ["trailerPlate"] = "",
            ["tankNumber"] = r.Tank,
            ["driverId"] = r.DriverId,
            ["escortId"] = r.EscortId,
            ["origin"] = new { name = "长寿油库", lon = 106.50, lat = 29.60 },
            ["destination"] = new { name = "涪陵", lon = 106.90, lat = 29.40 },
            ["route"] = new { crs = "WGS84", coordinates = new[] { new[] { 106.50, 29.60 }, new[] { 106.70, 29.50 }, new[] { 106.90, 29.40 } }, corridorMeters = 500 },
            ["window"] = new { start = tomorrow + "T01:00:00Z", end = tomorrow + "T10:00:00Z" },
            ["emergencyPhone"] = emergencyPhone,
        };
    }

    public static object GoodsJson(string un, string hazardClass, string packingGroup, double kg) =>
        new Dictionary<string, object> { ["unNumber"] = un, ["name"] = "车用汽油", ["class"] = hazardClass, ["packingGroup"] = packingGroup, ["quantityKg"] = kg };

    /// <summary>
    /// Reads the topic from the start with a fresh group and returns every event of <paramref name="waybillId"/>,
    /// once <paramref name="expected"/> have arrived and <paramref name="settle"/> passed without more (so "exactly").
    /// </summary>
    public Task<List<(string EventIdHeader, WaybillEvent Event, byte[] Payload)>> ConsumeEventsAsync(string waybillId, int expected, TimeSpan? settle = null) =>
        ConsumeEventsAsync(Kafka, Topic, waybillId, expected, settle);

    /// <summary>As <see cref="ConsumeEventsAsync(string, int, TimeSpan?)"/>, on any topic.</summary>
    public static async Task<List<(string EventIdHeader, WaybillEvent Event, byte[] Payload)>> ConsumeEventsAsync(
        KafkaFixture kafka, string topic, string waybillId, int expected, TimeSpan? settle = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var config = kafka.CreateConsumerConfig("test-" + Guid.NewGuid().ToString("N"));
        var events = new List<(string, WaybillEvent, byte[])>();
        await Task.Run(
            () =>
            {
                using var consumer = new ConsumerBuilder<string, byte[]>(config).SetLogHandler((_, _) => { }).Build();
                consumer.Subscribe(topic);
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
                DateTime? quietUntil = expected == 0 ? DateTime.UtcNow + (settle ?? TimeSpan.FromSeconds(2)) : null;
                try
                {
                    while (DateTime.UtcNow < deadline && (quietUntil is null || DateTime.UtcNow < quietUntil))
                    {
                        var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                        if (result?.Message is null || result.Message.Key != waybillId)
                        {
                            continue;
                        }

                        var header = result.Message.Headers.TryGetLastBytes(OutboxPublisher.EventIdHeader, out var bytes) ? System.Text.Encoding.UTF8.GetString(bytes) : "";
                        events.Add((header, WaybillEvent.Parser.ParseFrom(result.Message.Value), result.Message.Value));
                        if (events.Count >= expected)
                        {
                            quietUntil ??= DateTime.UtcNow + (settle ?? TimeSpan.FromSeconds(2));
                        }
                    }
                }
                finally
                {
                    consumer.Close();
                }
            },
            ct);
        return events;
    }
}

/// <summary>One <see cref="WaybillStack"/> per test class, started by the first test that needs it.</summary>
public sealed class StackCache : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private WaybillStack? _stack;

    internal async Task<WaybillStack> GetAsync(PostgresFixture postgres, KafkaFixture kafka, string name)
    {
        postgres.Require();
        kafka.Require();
        await _gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            return _stack ??= await WaybillStack.StartAsync(postgres, kafka, name);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }

        _gate.Dispose();
    }
}
