using System.Net;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using HazChem.Transport.Contracts.Compliance.V1;
using HazChem.Transport.Geofence;
using HazChem.Transport.TestSupport;
using NetTopologySuite.Geometries;

namespace HazChem.Transport.RouteCompliance.Tests.Service;

/// <summary>
/// The "done when" at service level, on PostgreSQL, Redis and the Kafka-protocol broker: a real district
/// imported in GCJ-02 catches WGS-84 fixes inside it; a zone whose schedule excludes today raises nothing; 1.5 km off
/// a 500 m corridor for minutes is ROUTE_DEVIATION; police list, read with evidence, acknowledge and watch.
/// </summary>
public sealed class ComplianceFlowTests(PostgresFixture postgres, KafkaFixture kafka, RedisFixture redis)
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Fixes_InsideARealDistrictImportedInGcj02_EpisodeFromTheFirstFixInsideToTheFirstFixOutside()
    {
        await using var stack = await ComplianceStack.CreateAsync(postgres, kafka, redis, "rc_flow_district");
        var host = await stack.StartHostAsync();
        // The fixes lie 20 to 15 minutes back; near midnight in Shanghai they span two days, so the ban leaves out
        // every day from then to now.
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var trackDays = new[] { DateTimeOffset.UtcNow.AddMinutes(-20), DateTimeOffset.UtcNow }
            .Select(at => ScheduleWindow.IsoDayOfWeek(TimeZoneInfo.ConvertTime(at, shanghai).DateTime))
            .ToHashSet();
        var notToday = new JsonArray(new JsonObject
        {
            ["days"] = new JsonArray([.. Enumerable.Range(1, 7).Where(d => !trackDays.Contains(d)).Select(d => (JsonNode)d)]),
            ["from"] = "00:00",
            ["to"] = "23:59",
        });
        var zones = Districts.Chongqing(("渝中区", null), ("南岸区", notToday));
        await host.Client.ImportZonesAsync(
            new ImportZonesRequest { Crs = Contracts.Common.V1.Crs.Gcj02, FeatureCollection = Struct.Parser.ParseJson(zones.ToJsonString()) },
            host.As("admin", "authority-1"));

        var yuzhong = Districts.CentreWgs84("渝中区");
        var nanan = Districts.CentreWgs84("南岸区");
        var shapingba = Districts.CentreWgs84("沙坪坝区");
        // Plausibility of the test points against the converted polygons.
        var parsed = Districts.Parse(zones);
        Assert.True(Contains(parsed[0], yuzhong));
        Assert.False(Contains(parsed[0], nanan));
        Assert.True(Contains(parsed[1], nanan));
        Assert.DoesNotContain(parsed, z => Contains(z, shapingba));

        var plate = ComplianceStack.NewPlate();
        await stack.PublishTripAsync("wb-district", plate, [shapingba, yuzhong, nanan]);
        await Waits.ForTripAsync(host, plate, "wb-district");
        var t = Whole(DateTimeOffset.UtcNow.AddMinutes(-20));
        var fixes = new List<(DateTimeOffset, double, double, double)>();
        fixes.AddRange(Enumerable.Range(0, 3).Select(i => (t + (Step * i), shapingba.Lon, shapingba.Lat, 40.0)));
        fixes.AddRange(Enumerable.Range(3, 6).Select(i => (t + (Step * i), yuzhong.Lon, yuzhong.Lat, 40.0)));
        fixes.AddRange(Enumerable.Range(9, 6).Select(i => (t + (Step * i), nanan.Lon, nanan.Lat, 40.0)));
        await stack.PublishFixesAsync(plate, fixes);
        await Waits.ForFixAsync(host, plate, t + (Step * 14));

        var violations = await ComplianceStack.WaitForViolationsAsync(host, plate, vs => vs.Count > 0);
        var v = Assert.Single(violations);
        Assert.Equal(ViolationKind.RestrictedZone, v.Kind);
        Assert.Equal("cq-500103", v.ZoneId);
        Assert.Equal("渝中区", v.ZoneName);
        Assert.Equal("wb-district", v.WaybillId);
        Assert.Equal(ViolationStatus.Closed, v.Status);
        Assert.Equal(Timestamp.FromDateTimeOffset(t + (Step * 3)), v.StartTime);
        Assert.Equal(Timestamp.FromDateTimeOffset(t + (Step * 9)), v.EndTime);
        Assert.Equal(v.StartTime, v.Evidence[0].FixTime);
        Assert.Equal(v.EndTime, v.Evidence[^1].FixTime);

        var events = await stack.ConsumeViolationEventsAsync(plate, expected: 2);
        Assert.Equal([ViolationEvent.Types.EventType.Opened, ViolationEvent.Types.EventType.Closed], events.Select(e => e.Type));
        Assert.Equal([$"{v.Id}:OPENED:1", $"{v.Id}:CLOSED:2"], events.Select(e => e.EventId));
    }

    [Fact]
    public async Task Fixes_1500MetresOffA500MetreCorridorForMinutes_RouteDeviationThatPoliceListReadWatchAndAcknowledge()
    {
        await using var stack = await ComplianceStack.CreateAsync(postgres, kafka, redis, "rc_flow_route");
        var host = await stack.StartHostAsync();
        var plate = ComplianceStack.NewPlate();
        await stack.PublishTripAsync("wb-route", plate, [(106.5, 29.0), (106.7, 29.0), (106.9, 29.0)], corridorMeters: 500);
        await Waits.ForTripAsync(host, plate, "wb-route");
        using var watchCancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        watchCancel.CancelAfter(TimeSpan.FromSeconds(90));
        using var watch = host.Client.WatchViolations(new WatchViolationsRequest { Plate = plate }, host.As("police", "officer-1", watchCancel.Token));
        await watch.ResponseHeadersAsync;

        var t = Whole(DateTimeOffset.UtcNow.AddMinutes(-30));
        var north = 29.0 + (1500 / 111_195.0);
        var step = TimeSpan.FromSeconds(30);
        var fixes = new List<(DateTimeOffset, double, double, double)>();
        fixes.AddRange(Enumerable.Range(0, 2).Select(i => (t + (step * i), 106.55 + (i * 0.003), 29.0, 50.0)));
        fixes.AddRange(Enumerable.Range(2, 10).Select(i => (t + (step * i), 106.55 + (i * 0.003), north, 50.0)));
        fixes.AddRange(Enumerable.Range(12, 4).Select(i => (t + (step * i), 106.55 + (i * 0.003), 29.0, 50.0)));
        await stack.PublishFixesAsync(plate, fixes);

        var live = new List<WatchViolationsResponse>();
        while (live.Count < 2 && await watch.ResponseStream.MoveNext(watchCancel.Token))
        {
            live.Add(watch.ResponseStream.Current);
        }

        await watchCancel.CancelAsync();
        Assert.Equal([ViolationEvent.Types.EventType.Opened, ViolationEvent.Types.EventType.Closed], live.Select(e => e.Type));
        var id = live[0].Violation.Id;

        // Police list (REST, as the gateway maps it) and read with evidence.
        var (status, text) = await host.RestAsync(HttpMethod.Get, $"/api/v1/violations?plate={Uri.EscapeDataString(plate)}&kind=ROUTE_DEVIATION", "police", "officer-7");
        Assert.Equal(HttpStatusCode.OK, status);
        var listed = ComplianceHost.Parse(text).GetProperty("violations");
        Assert.Equal(1, listed.GetArrayLength());
        Assert.Equal("ROUTE_DEVIATION", listed[0].GetProperty("kind").GetString());
        Assert.Equal("CLOSED", listed[0].GetProperty("status").GetString());
        Assert.InRange(listed[0].GetProperty("maxDistanceMeters").GetDouble(), 1450, 1550);

        var police = host.As("police", "officer-7");
        var read = (await host.Client.GetViolationAsync(new GetViolationRequest { Id = id }, police)).Violation;
        Assert.Equal("C-ROUTE", read.Code);
        Assert.Equal("wb-route", read.WaybillId);
        Assert.Equal(Timestamp.FromDateTimeOffset(t + (step * 2)), read.StartTime);
        Assert.Equal(Timestamp.FromDateTimeOffset(t + (step * 12)), read.EndTime);
        Assert.True(read.Evidence.Count >= 2);
        Assert.Equal(read.StartTime, read.Evidence[0].FixTime);
        Assert.Equal(["3"], read.GoodsClasses);

        // Acknowledge: who, note, when; the same officer again is idempotent, another officer is told who came first.
        var acked = (await host.Client.AcknowledgeViolationAsync(new AcknowledgeViolationRequest { Id = id, Note = "driver warned" }, police)).Violation;
        var again = (await host.Client.AcknowledgeViolationAsync(new AcknowledgeViolationRequest { Id = id, Note = "driver warned" }, police)).Violation;
        var other = await Assert.ThrowsAsync<RpcException>(async () =>
            await host.Client.AcknowledgeViolationAsync(new AcknowledgeViolationRequest { Id = id }, host.As("police", "officer-9")));
        var carrier = await Assert.ThrowsAsync<RpcException>(async () =>
            await host.Client.AcknowledgeViolationAsync(new AcknowledgeViolationRequest { Id = id }, host.As("carrier", "carrier-1")));
        var missing = await Assert.ThrowsAsync<RpcException>(async () =>
            await host.Client.AcknowledgeViolationAsync(new AcknowledgeViolationRequest { Id = "nope" }, police));

        Assert.Equal(ViolationStatus.Acknowledged, acked.Status);
        Assert.Equal("officer-7", acked.Acknowledgement.By);
        Assert.Equal("driver warned", acked.Acknowledgement.Note);
        Assert.NotNull(acked.Acknowledgement.At);
        Assert.Equal(acked.Acknowledgement, again.Acknowledgement);
        Assert.Equal(StatusCode.AlreadyExists, other.StatusCode);
        Assert.Contains("officer-7", other.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.PermissionDenied, carrier.StatusCode);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);

        var acknowledged = await host.Client.ListViolationsAsync(new ListViolationsRequest { Plate = plate, Status = ViolationStatus.Acknowledged }, police);
        var open = await host.Client.ListViolationsAsync(new ListViolationsRequest { Plate = plate, Status = ViolationStatus.Open }, police);
        Assert.Equal([id], acknowledged.Violations.Select(x => x.Id));
        Assert.Empty(open.Violations);

        var events = await stack.ConsumeViolationEventsAsync(plate, expected: 3);
        Assert.Equal([$"{id}:OPENED:1", $"{id}:CLOSED:2", $"{id}:UPDATED:ack"], events.Select(e => e.EventId));
    }

    [Fact]
    public async Task ListViolations_FiltersAndPages_NewestFirst()
    {
        await using var stack = await ComplianceStack.CreateAsync(postgres, kafka, null, "rc_flow_list");
        var host = await stack.StartHostAsync();
        var plate = ComplianceStack.NewPlate();
        await stack.PublishTripAsync("wb-list", plate, [(106.5, 29.0), (106.9, 29.0)]);
        await Waits.ForTripAsync(host, plate, "wb-list");
        var t = Whole(DateTimeOffset.UtcNow.AddHours(-2));
        var fixes = new List<(DateTimeOffset, double, double, double)>();
        for (var episode = 0; episode < 3; episode++)
        {
            // Each: 40 s over 80 km/h (OVERSPEED opens after 30 s), then a minute at 60.
            var start = t.AddMinutes(episode * 10);
            fixes.AddRange(Enumerable.Range(0, 5).Select(i => (start.AddSeconds(i * 10), 106.6, 29.0, 95.0)));
            fixes.AddRange(Enumerable.Range(0, 6).Select(i => (start.AddSeconds(50 + (i * 10)), 106.6, 29.0, 60.0)));
        }

        await stack.PublishFixesAsync(plate, fixes);
        await ComplianceStack.WaitForViolationsAsync(host, plate, vs => vs.Count(v => v.Status == ViolationStatus.Closed) == 3);
        var police = host.As("police", "officer-1");

        var page1 = await host.Client.ListViolationsAsync(new ListViolationsRequest { Plate = plate, Kind = ViolationKind.Overspeed, PageSize = 2 }, police);
        var page2 = await host.Client.ListViolationsAsync(new ListViolationsRequest { Plate = plate, Kind = ViolationKind.Overspeed, PageSize = 2, PageToken = page1.NextPageToken }, police);
        var middle = await host.Client.ListViolationsAsync(
            new ListViolationsRequest { Plate = plate, From = Timestamp.FromDateTimeOffset(t.AddMinutes(9)), To = Timestamp.FromDateTimeOffset(t.AddMinutes(11)) }, police);
        var otherKind = await host.Client.ListViolationsAsync(new ListViolationsRequest { Plate = plate, Kind = ViolationKind.Fatigue }, police);
        var badToken = await Assert.ThrowsAsync<RpcException>(async () =>
            await host.Client.ListViolationsAsync(new ListViolationsRequest { PageToken = "!!" }, police));

        var starts = page1.Violations.Concat(page2.Violations).Select(v => v.StartTime.ToDateTimeOffset()).ToList();
        Assert.Equal([t.AddMinutes(20), t.AddMinutes(10), t], starts);
        Assert.Equal("", page2.NextPageToken);
        Assert.Equal([t.AddMinutes(10)], middle.Violations.Select(v => v.StartTime.ToDateTimeOffset()));
        Assert.Empty(otherKind.Violations);
        Assert.Equal(StatusCode.InvalidArgument, badToken.StatusCode);
    }

    /// <summary>Whole seconds: stored times are milliseconds.</summary>
    internal static DateTimeOffset Whole(DateTimeOffset time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private static bool Contains(ZoneDefinition zone, (double Lon, double Lat) point) =>
        zone.Geometry.Contains(new Point(point.Lon, point.Lat));
}
