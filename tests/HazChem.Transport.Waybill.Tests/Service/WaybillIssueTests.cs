using System.Net;
using System.Text.Json;
using Grpc.Core;
using HazChem.Transport.Contracts.Common.V1;
using HazChem.Transport.Contracts.Waybill.V1;
using HazChem.Transport.TestSupport;
using HazChem.Transport.Waybill.Domain;

namespace HazChem.Transport.Waybill.Tests.Service;

/// <summary>Issuing waybills through the real service on PostgreSQL and the Kafka-protocol broker.</summary>
public sealed class WaybillIssueTests(PostgresFixture postgres, KafkaFixture kafka, StackCache cache) : IClassFixture<StackCache>
{
    private Task<WaybillStack> StackAsync() => cache.GetAsync(postgres, kafka, "waybill_issue");

    [Fact]
    public async Task IssueWaybill_RegisteredCarrier_IsIssuedAndItsEventIsConsumedFromKafka()
    {
        var stack = await StackAsync();
        var r = stack.Register();

        var (status, body) = await stack.Waybill.RestAsync(HttpMethod.Post, "/api/v1/waybills", "carrier", r.CarrierId, WaybillStack.IssueJson(r));

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal("ISSUED", body.GetProperty("status").GetString());
        Assert.Equal(1, body.GetProperty("version").GetInt32());
        Assert.Equal("渝交运管许可字5000" + r.CarrierId["carrier-".Length..] + "号", body.GetProperty("carrierPermitNumber").GetString());
        Assert.Equal("D" + r.CarrierId["carrier-".Length..], body.GetProperty("driverCertNumber").GetString());
        var history = Assert.Single(body.GetProperty("history").EnumerateArray());
        Assert.Equal(("ISSUED", r.CarrierId), (history.GetProperty("type").GetString(), history.GetProperty("actor").GetString()));
        var id = body.GetProperty("id").GetString()!;

        var events = await stack.ConsumeEventsAsync(id, expected: 1);

        var (header, e, _) = Assert.Single(events);
        Assert.Equal(id + ":1", e.EventId);
        Assert.Equal(e.EventId, header);
        Assert.Equal((WaybillEvent.Types.EventType.Issued, WaybillStatus.Issued, 1), (e.Type, e.Status, e.Version));
        Assert.Equal((r.CarrierId, r.Plate, r.Tank, r.DriverId), (e.CarrierId, e.VehiclePlate, e.TankNumber, e.DriverId));
        Assert.Equal([(106.50, 29.60), (106.70, 29.50), (106.90, 29.40)], e.Route.Select(p => (p.Lon, p.Lat)));
        Assert.Equal(500, e.CorridorMeters);
        Assert.Equal(["3"], e.GoodsClasses);
        Assert.Equal(["1203"], e.UnNumbers);
        Assert.False(e.HighHazard);
        Assert.Equal(WaybillStack.TravelDay.AddHours(1), e.Window.Start.ToDateTime());
        Assert.Equal("长寿油库", e.Origin.Name);
    }

    [Fact]
    public async Task IssueWaybill_UnknownUnNumber_Is400NamingTheField()
    {
        var stack = await StackAsync();
        var r = stack.Register();

        var (status, body) = await stack.Waybill.RestAsync(HttpMethod.Post, "/api/v1/waybills", "carrier", r.CarrierId,
            WaybillStack.IssueJson(r, goods: [WaybillStack.GoodsJson("9999", "3", "II", 1000)]));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var violation = Assert.Single(FieldViolations(body));
        Assert.Equal("goods[0].unNumber", violation.Field);
        Assert.Contains("W-UN-KNOWN", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IssueWaybill_MissingEmergencyPhone_Is400NamingTheField()
    {
        var stack = await StackAsync();
        var r = stack.Register();

        var (status, body) = await stack.Waybill.RestAsync(HttpMethod.Post, "/api/v1/waybills", "carrier", r.CarrierId, WaybillStack.IssueJson(r, emergencyPhone: ""));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["emergencyPhone"], FieldViolations(body).Select(v => v.Field));
        Assert.Empty((await stack.Client.ListWaybillsAsync(new ListWaybillsRequest { Plate = r.Plate }, stack.Waybill.As("admin", "authority"))).Waybills);
    }

    [Fact]
    public async Task IssueWaybill_ClassDoesNotMatchTheUnNumber_IsRefusedWithWUnMatch()
    {
        var stack = await StackAsync();
        var r = stack.Register();

        var (status, body) = await stack.Waybill.RestAsync(HttpMethod.Post, "/api/v1/waybills", "carrier", r.CarrierId,
            WaybillStack.IssueJson(r, goods: [WaybillStack.GoodsJson("1203", "8", "II", 1000)]));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal([("W-UN-MATCH", "goods[0]")], Findings(body).Select(f => (f.Code, f.Subject)));
    }

    [Fact]
    public async Task IssueWaybill_LoadAboveTheTanksMaxForTheMedium_IsRefusedWithWLoadTank()
    {
        var stack = await StackAsync();
        var r = stack.Register(ratedLoadKg: 30000, tankMaxKg: 21000);

        var (status, body) = await stack.Waybill.RestAsync(HttpMethod.Post, "/api/v1/waybills", "carrier", r.CarrierId,
            WaybillStack.IssueJson(r, goods: [WaybillStack.GoodsJson("1203", "3", "II", 22000)]));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal([("W-LOAD-TANK", "tank:" + r.Tank)], Findings(body).Select(f => (f.Code, f.Subject)));
    }

    [Fact]
    public async Task IssueWaybill_SeveralRulesBroken_ReportsEveryFindingIncludingQualificationsAtOnce()
    {
        var stack = await StackAsync();
        var r = stack.Register(ratedLoadKg: 20000, tankMaxKg: 21000);
        stack.Qualification.Registry.FindingsByCarrier[r.CarrierId] =
        [
            new RuleFinding { Code = "Q-PERSON-CERT", Subject = "driver:" + r.DriverId, Message = "expired on 2025-01-31", Blocking = true },
            new RuleFinding { Code = "Q-CARRIER-BLACKLIST", Subject = "carrier:" + r.CarrierId, Message = "blacklisted", Blocking = true },
            new RuleFinding { Code = "Q-VEHICLE-INSPECTION", Subject = "vehicle:" + r.Plate, Message = "due within 30 days", Blocking = false },
        ];

        var request = WaybillStack.IssueRequest(r, WaybillStack.Goods("1203", "3", "II", 22000));
        var error = await Assert.ThrowsAsync<RpcException>(() => stack.Client.IssueWaybillAsync(request, stack.Waybill.As("carrier", r.CarrierId)).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        var findings = error.GetRpcStatus()!.GetDetail<RuleFindings>().Findings;
        Assert.Equal(
            ["W-QUALIFIED", "Q-PERSON-CERT", "Q-CARRIER-BLACKLIST", "Q-VEHICLE-INSPECTION", "W-LOAD-RATED", "W-LOAD-TANK"],
            findings.Select(f => f.Code));
        Assert.False(findings.Single(f => f.Code == "Q-VEHICLE-INSPECTION").Blocking);
        var evaluation = stack.Qualification.Registry.Evaluations.Last(e => e.CarrierId == r.CarrierId);
        // Evaluated on the Shanghai date of the window's start (01:00 UTC is 09:00 there).
        var travelDate = request.Window.Start.ToDateTimeOffset().ToOffset(TimeSpan.FromHours(8));
        Assert.Equal(travelDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), evaluation.Date);
        Assert.Equal(("1203", "3"), (evaluation.Goods[0].UnNumber, evaluation.Goods[0].HazardClass));
    }

    [Fact]
    public async Task IssueWaybill_SecondActiveWaybillForTheVehicle_IsRefusedWithWOneActive()
    {
        var stack = await StackAsync();
        var r = stack.Register();
        var first = await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), stack.Waybill.As("carrier", r.CarrierId));

        var (status, body) = await stack.Waybill.RestAsync(HttpMethod.Post, "/api/v1/waybills", "carrier", r.CarrierId, WaybillStack.IssueJson(r));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var finding = Assert.Single(Findings(body));
        Assert.Equal(("W-ONE-ACTIVE", "vehicle:" + r.Plate), (finding.Code, finding.Subject));
        Assert.Contains(first.Waybill.Id, finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IssueWaybill_ConcurrentIssuesForOneVehicle_ExactlyOneWins()
    {
        var stack = await StackAsync();
        var r = stack.Register();
        var auth = stack.Waybill.As("carrier", r.CarrierId);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            try
            {
                return (await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), auth)).Waybill.Id;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
            {
                return ex.GetRpcStatus()!.GetDetail<RuleFindings>().Findings.Single().Code;
            }
        }));

        Assert.Single(attempts, a => a != "W-ONE-ACTIVE");
        Assert.Equal(5, attempts.Count(a => a == "W-ONE-ACTIVE"));
        var active = await stack.Client.GetActiveWaybillForVehicleAsync(new GetActiveWaybillForVehicleRequest { Plate = r.Plate }, auth);
        Assert.Equal(attempts.Single(a => a != "W-ONE-ACTIVE"), active.Waybill.Id);
    }

    [Fact]
    public async Task IssueWaybill_Gcj02Route_IsStoredAndPublishedInWgs84()
    {
        var stack = await StackAsync();
        var r = stack.Register();
        var request = WaybillStack.IssueRequest(r);
        var wgs = request.Route.Coordinates.Select(c => new Coordinate(c.Values[0].NumberValue, c.Values[1].NumberValue)).ToList();
        request.Route.Crs = Crs.Gcj02;
        request.Route.CorridorMeters = 0;
        for (var i = 0; i < wgs.Count; i++)
        {
            var gcj = Gcj02.FromWgs84(wgs[i]);
            request.Route.Coordinates[i] = new Google.Protobuf.WellKnownTypes.ListValue
            {
                Values = { Google.Protobuf.WellKnownTypes.Value.ForNumber(gcj.Lon), Google.Protobuf.WellKnownTypes.Value.ForNumber(gcj.Lat) },
            };
        }

        var issued = (await stack.Client.IssueWaybillAsync(request, stack.Waybill.As("carrier", r.CarrierId))).Waybill;

        Assert.Equal((Crs.Wgs84, 500.0), (issued.Route.Crs, issued.Route.CorridorMeters));
        var stored = issued.Route.Coordinates.Select(c => new Coordinate(c.Values[0].NumberValue, c.Values[1].NumberValue)).ToList();
        Assert.All(wgs.Zip(stored), pair => Assert.True(Geodesy.DistanceMeters(pair.First, pair.Second) < 1.0));
        var e = Assert.Single(await stack.ConsumeEventsAsync(issued.Id, expected: 1)).Event;
        Assert.All(wgs.Zip(e.Route), pair => Assert.True(Geodesy.DistanceMeters(pair.First, new Coordinate(pair.Second.Lon, pair.Second.Lat)) < 1.0));
    }

    [Fact]
    public async Task IssueWaybill_HighlyToxicGoodsWithoutRoadPass_IsRefusedAndWithPassIsHighHazard()
    {
        var stack = await StackAsync();
        var r = stack.Register();
        var request = WaybillStack.IssueRequest(r, WaybillStack.Goods("1689", "6.1", "I", 500));
        request.TankNumber = "";
        stack.Qualification.Registry.Vehicles[r.Plate].Kind = Contracts.Qualification.V1.VehicleKind.VanTruck;

        var error = await Assert.ThrowsAsync<RpcException>(() => stack.Client.IssueWaybillAsync(request, stack.Waybill.As("carrier", r.CarrierId)).ResponseAsync);
        request.RoadPassNumber = "渝公危剧字2026001号";
        var issued = (await stack.Client.IssueWaybillAsync(request, stack.Waybill.As("carrier", r.CarrierId))).Waybill;

        Assert.Equal(["W-HIGH-HAZARD-PASS"], error.GetRpcStatus()!.GetDetail<RuleFindings>().Findings.Select(f => f.Code));
        Assert.True(Assert.Single(await stack.ConsumeEventsAsync(issued.Id, expected: 1)).Event.HighHazard);
    }

    [Fact]
    public async Task IssueWaybill_TankVehicleWithoutTankNumber_Is400NamingTankNumber()
    {
        var stack = await StackAsync();
        var r = stack.Register();
        var request = WaybillStack.IssueRequest(r);
        request.TankNumber = "";

        var error = await Assert.ThrowsAsync<RpcException>(() => stack.Client.IssueWaybillAsync(request, stack.Waybill.As("carrier", r.CarrierId)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("tankNumber", error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Single().Field);
    }

    internal static List<(string Field, string Description)> FieldViolations(JsonElement body) =>
        [.. body.GetProperty("details").EnumerateArray()
            .Where(d => d.TryGetProperty("fieldViolations", out _))
            .SelectMany(d => d.GetProperty("fieldViolations").EnumerateArray())
            .Select(v => (v.GetProperty("field").GetString()!, v.GetProperty("description").GetString()!))];

    internal static List<(string Code, string Subject, string Message)> Findings(JsonElement body) =>
        [.. body.GetProperty("details").EnumerateArray()
            .Where(d => d.TryGetProperty("findings", out _))
            .SelectMany(d => d.GetProperty("findings").EnumerateArray())
            .Select(f => (f.GetProperty("code").GetString()!, f.GetProperty("subject").GetString()!, f.GetProperty("message").GetString()!))];
}
