using System.Net;
using System.Text.Json;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;
using Confluent.Kafka;
using Grpc.Core;
using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.TestSupport;

namespace HazChem.Transport.Telemetry.Tests.Service;

/// <summary>The gateway sources (HTTP batch, gRPC stream) through the shared pipeline, on PostgreSQL and the Kafka-protocol broker.</summary>
public sealed class PositionBatchTests(PostgresFixture postgres, KafkaFixture kafka, HostPerClass hosts) : IClassFixture<HostPerClass>
{
    [Fact]
    public async Task ReportPositionsBatch_OneGoodTwoBad_AcceptsOneAndReturnsTwoReasons()
    {
        var host = await hosts.GetAsync(postgres, kafka);
        var plate = host.Registry.Register();
        var fixTime = Now().AddMinutes(-1);
        var (status, body) = await host.RestAsync(HttpMethod.Post, "/api/v1/positions:batch", Roles.Gps, new
        {
            positions = new object[]
            {
                new { plate, fixTime = Rfc3339(fixTime), lat = 29.56, lon = 106.55, speedKmh = 52.0, valid = true },
                new { plate, fixTime = Rfc3339(fixTime.AddSeconds(10)), lat = 95.0, lon = 106.55, valid = true },
                new { plate, fixTime = "2099-01-01T00:00:00Z", lat = 29.56, lon = 106.55, valid = true },
            },
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, body.GetProperty("accepted").GetInt32());
        var rejected = body.GetProperty("rejected").EnumerateArray().ToList();
        Assert.Equal(2, rejected.Count);
        Assert.Equal(1, rejected[0].GetProperty("index").GetInt32());
        Assert.Equal("T-RANGE", rejected[0].GetProperty("code").GetString());
        Assert.Contains("latitude 95", rejected[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, rejected[1].GetProperty("index").GetInt32());
        Assert.Equal("T-FUTURE", rejected[1].GetProperty("code").GetString());
        Assert.Contains("2099-01-01", rejected[1].GetProperty("reason").GetString(), StringComparison.Ordinal);

        var (positionStatus, position) = await host.RestAsync(HttpMethod.Get, $"/api/v1/vehicles/{Uri.EscapeDataString(plate)}/position", Roles.Police);
        Assert.Equal(HttpStatusCode.OK, positionStatus);
        Assert.Equal(29.56, position.GetProperty("lat").GetDouble(), 6);
        Assert.Equal(52.0, position.GetProperty("speedKmh").GetDouble(), 1);

        var quarantined = await host.Client.ListQuarantinedFixesAsync(new ListQuarantinedFixesRequest { Plate = plate }, host.As(Roles.Police));
        Assert.Equal(["T-FUTURE", "T-RANGE"], quarantined.Fixes.Select(f => f.Code).Order(StringComparer.Ordinal));

        var track = await host.WaitForTrackAsync(plate, Now().AddHours(-1), new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero), t => t.Points.Count >= 3, includeQuarantined: true);
        Assert.Equal([false, true, true], track.Points.Select(p => p.Quarantined));
        Assert.Equal(["", "T-RANGE", "T-FUTURE"], track.Points.Select(p => p.QuarantineCode));
    }

    [Fact]
    public async Task ReportPositionsBatch_GatewayOfAnotherCarrier_UnboundWhileItsOwnVehicleAndTerminalAreAccepted()
    {
        var host = await hosts.GetAsync(postgres, kafka);
        var own = host.Registry.Register(terminalPhone: "014700000001", carrierId: "carrier-bind-1");
        var foreign = host.Registry.Register(carrierId: "carrier-bind-2");
        var fixTime = Now().AddMinutes(-2);

        var asCarrier = await host.Client.ReportPositionsBatchAsync(
            Batch(Fix(own, fixTime, 29.50, 106.40), Fix(foreign, fixTime, 29.51, 106.41)), host.As(Roles.Gps, "carrier-bind-1"));
        var asTerminal = await host.Client.ReportPositionsBatchAsync(
            Batch(Fix(own, fixTime.AddSeconds(30), 29.501, 106.40)), host.As(Roles.Gps, "14700000001"));
        var asStranger = await host.Client.ReportPositionsBatchAsync(
            Batch(Fix(own, fixTime.AddSeconds(60), 29.502, 106.40)), host.As(Roles.Gps, "some-gateway"));

        Assert.Equal(1, asCarrier.Accepted);
        var rejected = Assert.Single(asCarrier.Rejected);
        Assert.Equal((1, "T-UNBOUND"), (rejected.Index, rejected.Code));
        Assert.Contains($"plate {foreign} is not bound to gateway 'carrier-bind-1'", rejected.Reason, StringComparison.Ordinal);
        Assert.Equal(1, asTerminal.Accepted);
        Assert.Equal(0, asStranger.Accepted);
        Assert.Equal("T-UNBOUND", Assert.Single(asStranger.Rejected).Code);
        var quarantined = await host.Client.ListQuarantinedFixesAsync(new ListQuarantinedFixesRequest { Plate = foreign }, host.As(Roles.Police));
        Assert.Equal("T-UNBOUND", Assert.Single(quarantined.Fixes).Code);
    }

    [Fact]
    public async Task ReportPositionsBatch_AcceptedFix_OnKafkaAsPositionReportedKeyedByPlate()
    {
        var host = await hosts.GetAsync(postgres, kafka);
        var plate = host.Registry.Register();
        var fixTime = Now().AddMinutes(-3);
        var response = await host.Client.ReportPositionsBatchAsync(Batch(Fix(plate, fixTime, 29.50, 106.40)), host.As(Roles.Gps));
        Assert.Equal(1, response.Accepted);

        using var consumer = new ConsumerBuilder<string, byte[]>(kafka.CreateConsumerConfig("test-" + Guid.NewGuid().ToString("N"))).Build();
        consumer.Subscribe(host.Topic);
        PositionReported? found = null;
        for (var i = 0; i < 600 && found is null; i++)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result?.Message is { } message && message.Key == plate)
            {
                found = PositionReported.Parser.ParseFrom(message.Value);
            }
        }

        consumer.Close();
        Assert.NotNull(found);
        Assert.Equal(plate, found.Plate);
        Assert.Equal(fixTime, found.FixTime.ToDateTimeOffset());
        Assert.True(found.ReceivedTime.ToDateTimeOffset() > fixTime);
        Assert.Equal(PositionSource.Http, found.Source);
        Assert.Matches("^[0-9a-f]{32}$", found.FixId);
        Assert.True(found.Valid);
    }

    [Fact]
    public async Task ReportPositions_Stream_AcknowledgesEachBatchInOrderWithDuplicatesRejected()
    {
        var host = await hosts.GetAsync(postgres, kafka);
        var plate = host.Registry.Register();
        var t = Now().AddMinutes(-5);
        using var call = host.Client.ReportPositions(host.As(Roles.Gps));
        var first = new ReportPositionsRequest { BatchId = "b-1" };
        first.Positions.Add(Fix(plate, t, 29.50, 106.40));
        first.Positions.Add(Fix(plate, t.AddSeconds(10), 29.5005, 106.40));
        var second = new ReportPositionsRequest { BatchId = "b-2" };
        second.Positions.Add(Fix(plate, t.AddSeconds(10), 29.5005, 106.40));
        second.Positions.Add(Fix("渝Z99999", t.AddSeconds(20), 29.501, 106.40));
        second.Positions.Add(Fix(plate, t.AddSeconds(20), 29.501, 106.40, valid: false));

        await call.RequestStream.WriteAsync(first, TestContext.Current.CancellationToken);
        await call.RequestStream.WriteAsync(second, TestContext.Current.CancellationToken);
        await call.RequestStream.CompleteAsync();
        var acks = new List<ReportPositionsResponse>();
        await foreach (var ack in call.ResponseStream.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            acks.Add(ack);
        }

        Assert.Equal(["b-1", "b-2"], acks.Select(a => a.BatchId));
        Assert.Equal(2, acks[0].Accepted);
        Assert.Empty(acks[0].Rejected);
        Assert.Equal(0, acks[1].Accepted);
        Assert.Equal([(0, "T-DUPLICATE"), (1, "T-UNBOUND"), (2, "T-INVALID")], acks[1].Rejected.Select(r => (r.Index, r.Code)));
    }

    [Fact]
    public async Task ReportPositionsBatch_MissingPlateAndTime_InvalidArgumentNamingTheFields()
    {
        var host = await hosts.GetAsync(postgres, kafka);
        var (status, body) = await host.RestAsync(HttpMethod.Post, "/api/v1/positions:batch", Roles.Gps, new
        {
            positions = new object[] { new { lat = 29.56, lon = 106.55, valid = true } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var text = body.GetRawText();
        Assert.Contains("positions[0].plate", text, StringComparison.Ordinal);
        Assert.Contains("positions[0].fixTime", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportPositionsBatch_RegistryDown_UnavailableAndNothingAcknowledged()
    {
        var host = await hosts.GetAsync(postgres, kafka);
        var plate = "渝D" + Random.Shared.Next(10000, 99999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        host.Registry.Down = true;
        try
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () =>
                await host.Client.ReportPositionsBatchAsync(Batch(Fix(plate, Now().AddMinutes(-1), 29.5, 106.4)), host.As(Roles.Gps)));
            Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        }
        finally
        {
            host.Registry.Down = false;
        }
    }

    [Fact]
    public async Task Policies_PoliceCannotReport_GpsCannotRead_CarrierSeesOnlyItsOwn()
    {
        var host = await hosts.GetAsync(postgres, kafka);
        var plate = host.Registry.Register(carrierId: "carrier-a");
        await host.Client.ReportPositionsBatchAsync(Batch(Fix(plate, Now().AddMinutes(-1), 29.5, 106.4)), host.As(Roles.Gps));

        var (reportStatus, _) = await host.RestAsync(HttpMethod.Post, "/api/v1/positions:batch", Roles.Police, new { positions = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.Forbidden, reportStatus);
        var (readStatus, _) = await host.RestAsync(HttpMethod.Get, $"/api/v1/vehicles/{Uri.EscapeDataString(plate)}/position", Roles.Gps);
        Assert.Equal(HttpStatusCode.Forbidden, readStatus);
        var (own, _) = await host.RestAsync(HttpMethod.Get, $"/api/v1/vehicles/{Uri.EscapeDataString(plate)}/position", Roles.Carrier, subject: "carrier-a");
        Assert.Equal(HttpStatusCode.OK, own);
        var (other, _) = await host.RestAsync(HttpMethod.Get, $"/api/v1/vehicles/{Uri.EscapeDataString(plate)}/position", Roles.Carrier, subject: "carrier-b");
        Assert.Equal(HttpStatusCode.Forbidden, other);
        var (service, _) = await host.RestAsync(HttpMethod.Get, $"/api/v1/vehicles/{Uri.EscapeDataString(plate)}/position", Roles.Service, subject: "loadingcheck");
        Assert.Equal(HttpStatusCode.OK, service);
    }

    [Fact]
    public async Task GetLatestPosition_NeverReported_NotFound()
    {
        var host = await hosts.GetAsync(postgres, kafka);
        var plate = host.Registry.Register();
        var (status, body) = await host.RestAsync(HttpMethod.Get, $"/api/v1/vehicles/{Uri.EscapeDataString(plate)}/position", Roles.Police);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains(plate, body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTrack_ManyPoints_PagedInFixTimeOrder()
    {
        var host = await hosts.GetAsync(postgres, kafka);
        var plate = host.Registry.Register();
        var start = Now().AddMinutes(-30);
        var request = new ReportPositionsBatchRequest();
        // Sent newest first: the track is in fix-time order whatever the arrival order.
        for (var i = 9; i >= 0; i--)
        {
            request.Positions.Add(Fix(plate, start.AddSeconds(30 * i), 29.50 + (0.001 * i), 106.40));
        }

        Assert.Equal(10, (await host.Client.ReportPositionsBatchAsync(request, host.As(Roles.Gps))).Accepted);
        await host.WaitForTrackAsync(plate, start, Now(), t => t.Points.Count >= 10 || t.NextPageToken.Length > 0);

        var times = new List<DateTimeOffset>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await host.Client.GetTrackAsync(
                new GetTrackRequest { Plate = plate, From = Timestamp.FromDateTimeOffset(start), To = Timestamp.FromDateTimeOffset(Now()), PageSize = 4, PageToken = token },
                host.As(Roles.Police));
            times.AddRange(page.Points.Select(p => p.FixTime.ToDateTimeOffset()));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0 && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => start.AddSeconds(30 * i)), times);
    }

    [Fact]
    public async Task GetTrack_FromAfterTo_InvalidArgument()
    {
        var host = await hosts.GetAsync(postgres, kafka);
        var (status, body) = await host.RestAsync(HttpMethod.Get, "/api/v1/vehicles/%E6%B8%9DA12345/track?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", Roles.Police);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("must be after from", body.GetRawText(), StringComparison.Ordinal);
    }

    internal static PositionFix Fix(string plate, DateTimeOffset fixTime, double lat, double lon, bool valid = true) => new()
    {
        Plate = plate,
        FixTime = Timestamp.FromDateTimeOffset(fixTime),
        Lat = lat,
        Lon = lon,
        SpeedKmh = 50,
        Valid = valid,
    };

    private static ReportPositionsBatchRequest Batch(params PositionFix[] fixes)
    {
        var request = new ReportPositionsBatchRequest();
        request.Positions.AddRange(fixes);
        return request;
    }

    private static string Rfc3339(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    private static DateTimeOffset Now()
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero);
    }

}
