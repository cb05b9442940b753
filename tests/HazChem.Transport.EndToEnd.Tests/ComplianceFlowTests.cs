using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using HazChem.Transport.Dev;

namespace HazChem.Transport.EndToEnd.Tests;

/// <summary>
/// Route compliance through the gateway on the dev stack, as the authority, a GPS gateway and the police use it: a real
/// district imported in GCJ-02 catches WGS-84 fixes inside it (start at the first fix inside, end at the first fix
/// outside); a zone whose schedule excludes today raises nothing; 1.5 km off a 500 m corridor for minutes is
/// ROUTE_DEVIATION, seen live on the NDJSON watch; police list, read with evidence and acknowledge.
/// </summary>
[Collection(DevStackGroup.Name)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1861", Justification = "Test data.")]
public sealed class ComplianceFlowTests(DevStackFixture stack)
{
    private static readonly string Tomorrow = DateTime.UtcNow.Date.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Positions_ThroughARealDistrictAndOffTheCorridor_PoliceSeeListReadWatchAndAcknowledge()
    {
        var suffix = Random.Shared.Next(10000, 99999).ToString(CultureInfo.InvariantCulture);
        var source = JsonNode.Parse(await File.ReadAllTextAsync(RequireDistricts(), TestContext.Current.CancellationToken))!;
        var yuzhongId = "e2e-yuzhong-" + suffix;
        var nananId = "e2e-nanan-" + suffix;
        // The track's fix times are taken only after registering and issuing (minutes on a busy machine) and lie from
        // 18 to 2 minutes before that moment; near midnight in Shanghai they span two days, so the ban leaves out every
        // day from 20 minutes ago to 15 minutes ahead (at most two days: the ban still covers the other five).
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var trackDays = new[] { DateTimeOffset.UtcNow.AddMinutes(-20), DateTimeOffset.UtcNow.AddMinutes(15) }
            .Select(at => TimeZoneInfo.ConvertTime(at, shanghai).DayOfWeek)
            .Select(day => day == DayOfWeek.Sunday ? 7 : (int)day)
            .ToHashSet();
        var notToday = new JsonArray(new JsonObject
        {
            ["days"] = new JsonArray([.. Enumerable.Range(1, 7).Where(d => !trackDays.Contains(d)).Select(d => (JsonNode)d)]),
            ["from"] = "00:00",
            ["to"] = "23:59",
        });
        var yuzhong = District(source, "渝中区");
        var nanan = District(source, "南岸区");
        var import = new JsonObject
        {
            ["crs"] = "GCJ02",
            ["featureCollection"] = new JsonObject
            {
                ["type"] = "FeatureCollection",
                ["features"] = new JsonArray(Feature(yuzhong, yuzhongId, "渝中区", null), Feature(nanan, nananId, "南岸区", notToday)),
            },
        };
        using (var imported = await SendJsonAsync(HttpMethod.Post, "api/v1/zones:import", "admin", import))
        {
            Assert.True(imported.StatusCode == HttpStatusCode.OK, await imported.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        try
        {
            // Vehicle 1: from Nan'an (banned only on other days) across the river into Yuzhong, a minute there, back.
            var yuzhongRing = Ring(yuzhong);
            var inYuzhong = Gcj02ToWgs84(Centre(yuzhong));
            var inNanan = Gcj02ToWgs84(Centre(nanan));
            Assert.True(Inside(yuzhongRing, inYuzhong));
            Assert.False(Inside(yuzhongRing, inNanan));
            var first = await RegisterAsync(suffix);
            await IssueAsync(first, [inNanan, inYuzhong]);
            var t = Whole(DateTimeOffset.UtcNow.AddMinutes(-18));
            var track = new List<(DateTimeOffset Time, (double Lon, double Lat) Point)>();
            track.AddRange(Enumerable.Range(0, 4).Select(i => (t + (Step * i), inNanan)));
            track.AddRange(Line(inNanan, inYuzhong, 18).Select((p, i) => (t + (Step * (4 + i)), p)));
            track.AddRange(Enumerable.Range(0, 4).Select(i => (t + (Step * (22 + i)), inYuzhong)));
            track.AddRange(Line(inYuzhong, inNanan, 18).Select((p, i) => (t + (Step * (26 + i)), p)));
            track.AddRange(Enumerable.Range(0, 4).Select(i => (t + (Step * (44 + i)), inNanan)));
            var firstInside = track.First(f => Inside(yuzhongRing, f.Point)).Time;
            var firstOutsideAgain = track.First(f => f.Time > firstInside && !Inside(yuzhongRing, f.Point)).Time;
            await ReportAsync(first.Plate, track);

            var zoneViolation = await WaitForAsync(first.Plate, "RESTRICTED_ZONE", v => v.GetProperty("status").GetString() == "CLOSED");
            Assert.Equal(yuzhongId, zoneViolation.GetProperty("zoneId").GetString());
            Assert.Equal(firstInside, zoneViolation.GetProperty("startTime").GetDateTimeOffset());
            Assert.Equal(firstOutsideAgain, zoneViolation.GetProperty("endTime").GetDateTimeOffset());
            using (var listed = await stack.SendAsync(HttpMethod.Get, $"api/v1/violations?plate={Uri.EscapeDataString(first.Plate)}&kind=RESTRICTED_ZONE", "police"))
            {
                var violations = (await Body(listed)).GetProperty("violations");
                Assert.DoesNotContain(violations.EnumerateArray(), v => v.GetProperty("zoneId").GetString() == nananId);
            }

            // Vehicle 2: 1.5 km off its 500 m corridor for minutes, watched live by the police.
            var second = await RegisterAsync(suffix[..4] + ((suffix[4] - '0' + 1) % 10).ToString(CultureInfo.InvariantCulture));
            (double Lon, double Lat) onRoute = (106.60, 29.55);
            await IssueAsync(second, [(106.50, 29.60), (106.70, 29.50), (106.90, 29.40)]);
            using var watchCancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            watchCancel.CancelAfter(TimeSpan.FromSeconds(120));
            using var watchRequest = new HttpRequestMessage(HttpMethod.Get, $"api/v1/violations:watch?plate={Uri.EscapeDataString(second.Plate)}&kind=ROUTE_DEVIATION");
            watchRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await stack.TokenAsync("police", "officer-e2e"));
            // A long stream: its own client without the 30 s request timeout. Over REST the response headers come with the
            // first change, so the request is left running while the fixes are reported (the server subscribes on arrival).
            using var watchClient = new HttpClient { BaseAddress = stack.Stack.GatewayAddress, Timeout = Timeout.InfiniteTimeSpan };
            var watching = watchClient.SendAsync(watchRequest, HttpCompletionOption.ResponseHeadersRead, watchCancel.Token);
            await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);

            var offRoute = (onRoute.Lon + 0.0077, onRoute.Lat + 0.0117);             // 1.5 km square off the route line
            var t2 = Whole(DateTimeOffset.UtcNow.AddMinutes(-12));
            var track2 = new List<(DateTimeOffset, (double, double))>();
            track2.AddRange(Enumerable.Range(0, 3).Select(i => (t2 + (Step * i), onRoute)));
            track2.AddRange(Line(onRoute, offRoute, 6).Select((p, i) => (t2 + (Step * (3 + i)), p)));
            track2.AddRange(Enumerable.Range(0, 12).Select(i => (t2 + (Step * (9 + i)), offRoute)));
            track2.AddRange(Line(offRoute, onRoute, 6).Select((p, i) => (t2 + (Step * (21 + i)), p)));
            track2.AddRange(Enumerable.Range(0, 4).Select(i => (t2 + (Step * (27 + i)), onRoute)));
            await ReportAsync(second.Plate, track2);

            using var watch = await watching;
            Assert.Equal(HttpStatusCode.OK, watch.StatusCode);
            var live = new List<JsonElement>();
            using (var reader = new StreamReader(await watch.Content.ReadAsStreamAsync(watchCancel.Token)))
            {
                while (live.Count < 2 && await reader.ReadLineAsync(watchCancel.Token) is { } line)
                {
                    if (line.Trim().Trim('[', ']', ',').Length > 0)
                    {
                        live.Add(JsonSerializer.Deserialize<JsonElement>(line.Trim().Trim('[', ']', ',')));
                    }
                }
            }

            Assert.Equal(["OPENED", "CLOSED"], live.Select(e => e.GetProperty("type").GetString()));
            var deviation = live[1].GetProperty("violation");
            Assert.Equal("ROUTE_DEVIATION", deviation.GetProperty("kind").GetString());
            Assert.InRange(deviation.GetProperty("maxDistanceMeters").GetDouble(), 1350, 1650);
            Assert.InRange(deviation.GetProperty("startTime").GetDateTimeOffset(), t2 + (Step * 3), t2 + (Step * 9));
            Assert.InRange(deviation.GetProperty("endTime").GetDateTimeOffset(), t2 + (Step * 21), t2 + (Step * 27));

            // Read with evidence, acknowledge.
            var id = deviation.GetProperty("id").GetString()!;
            using (var read = await stack.SendAsync(HttpMethod.Get, $"api/v1/violations/{id}", "police"))
            {
                var body = await Body(read);
                Assert.Equal(HttpStatusCode.OK, read.StatusCode);
                Assert.True(body.GetProperty("evidence").GetArrayLength() >= 2, body.ToString());
                Assert.Equal(body.GetProperty("startTime").GetDateTimeOffset(), body.GetProperty("evidence")[0].GetProperty("fixTime").GetDateTimeOffset());
            }

            using (var acknowledged = await SendJsonAsync(HttpMethod.Post, $"api/v1/violations/{id}:acknowledge", "police", new JsonObject { ["note"] = "driver called" }, "officer-e2e"))
            {
                var body = await Body(acknowledged);
                Assert.True(acknowledged.StatusCode == HttpStatusCode.OK, body.ToString());
                Assert.Equal("ACKNOWLEDGED", body.GetProperty("status").GetString());
                Assert.Equal("officer-e2e", body.GetProperty("acknowledgement").GetProperty("by").GetString());
                Assert.Equal("driver called", body.GetProperty("acknowledgement").GetProperty("note").GetString());
            }

            using var carrierAck = await SendJsonAsync(HttpMethod.Post, $"api/v1/violations/{id}:acknowledge", "carrier", new JsonObject { ["note"] = "no" }, second.CarrierId);
            Assert.Equal(HttpStatusCode.Forbidden, carrierAck.StatusCode);
        }
        finally
        {
            (await stack.SendAsync(HttpMethod.Delete, $"api/v1/zones/{yuzhongId}", "admin")).Dispose();
            (await stack.SendAsync(HttpMethod.Delete, $"api/v1/zones/{nananId}", "admin")).Dispose();
        }
    }

    private async Task<JsonElement> WaitForAsync(string plate, string kind, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await stack.SendAsync(HttpMethod.Get, $"api/v1/violations?plate={Uri.EscapeDataString(plate)}&kind={kind}", "police");
            var body = await Body(response);
            last = body.ToString();
            if (response.IsSuccessStatusCode && body.TryGetProperty("violations", out var violations) && violations.EnumerateArray().FirstOrDefault(done) is { ValueKind: JsonValueKind.Object } found)
            {
                return found;
            }

            await Task.Delay(500, TestContext.Current.CancellationToken);
        }

        using var all = await stack.SendAsync(HttpMethod.Get, $"api/v1/violations?plate={Uri.EscapeDataString(plate)}", "police");
        using var position = await stack.SendAsync(HttpMethod.Get, $"api/v1/vehicles/{Uri.EscapeDataString(plate)}/position", "police");
        Assert.Fail($"No {kind} violation of {plate} as expected; last answer: {last}; all of its violations: {await Body(all)}; " +
            $"latest position: {(int)position.StatusCode} {await Body(position)}{Environment.NewLine}{stack.Log}");
        return default;
    }

    private async Task ReportAsync(string plate, IEnumerable<(DateTimeOffset Time, (double Lon, double Lat) Point)> track)
    {
        var fixes = track.ToList();
        var positions = new JsonArray([.. fixes.Select((f, i) => (JsonNode)new JsonObject
        {
            ["plate"] = plate,
            ["fixTime"] = f.Time.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["lat"] = f.Point.Lat,
            ["lon"] = f.Point.Lon,
            ["speedKmh"] = i > 0 && fixes[i - 1].Point == f.Point ? 0.0 : 40.0,
            ["headingDeg"] = 0,
            ["valid"] = true,
        })]);
        using var response = await SendJsonAsync(HttpMethod.Post, "api/v1/positions:batch", "gps", new JsonObject { ["positions"] = positions }, DevStack.PlatformGateway);
        var body = await Body(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"positions:batch: {(int)response.StatusCode} {body}");
        Assert.True(body.GetProperty("accepted").GetInt32() == fixes.Count, body.ToString());
    }

    private async Task<HttpResponseMessage> SendJsonAsync(HttpMethod method, string path, string role, JsonNode json, string subject = "e2e")
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Content = new StringContent(json.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await stack.TokenAsync(role, subject));
        return await stack.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private async Task IssueAsync(Registry r, (double Lon, double Lat)[] route)
    {
        var waybill = new Dictionary<string, object>
        {
            ["carrierId"] = r.CarrierId,
            ["consignor"] = new { name = "重庆某石化公司", phone = "023-60000001" },
            ["consignee"] = new { name = "某加油站", phone = "023-60000002" },
            ["loadingUnit"] = new { name = "某油库", phone = "023-60000003" },
            ["goods"] = new[] { new Dictionary<string, object> { ["unNumber"] = "1203", ["name"] = "车用汽油", ["class"] = "3", ["packingGroup"] = "II", ["quantityKg"] = 20000 } },
            ["vehiclePlate"] = r.Plate,
            ["trailerPlate"] = "",
            ["tankNumber"] = r.Tank,
            ["driverId"] = r.DriverId,
            ["escortId"] = r.EscortId,
            ["origin"] = new { name = "起点", lon = route[0].Lon, lat = route[0].Lat },
            ["destination"] = new { name = "终点", lon = route[^1].Lon, lat = route[^1].Lat },
            ["route"] = new { crs = "WGS84", coordinates = route.Select(p => new[] { p.Lon, p.Lat }).ToArray(), corridorMeters = 500 },
            ["window"] = new { start = Tomorrow + "T01:00:00Z", end = Tomorrow + "T10:00:00Z" },
            ["emergencyPhone"] = "023-12345678",
        };
        using var issued = await stack.SendAsync(HttpMethod.Post, "api/v1/waybills", "carrier", waybill, subject: r.CarrierId);
        var body = await Body(issued);
        Assert.True(issued.StatusCode == HttpStatusCode.OK, body.ToString());
        // Trucks start long after their waybill is issued; here the fixes follow at once, so let RouteCompliance take
        // the waybill in first (otherwise, on a busy machine, the truck is judged as travelling with no waybill).
        await HazChem.Transport.TestSupport.TripReadiness.WaitAsync(stack.Stack.KafkaBootstrapServers, body.GetProperty("id").GetString()!, TimeSpan.FromSeconds(90));
    }

    private Task<Registry> RegisterAsync(string suffix) =>
        E2eRegistry.RegisterAsync(stack, suffix, new FleetSeries("5001", 'C', "TC", "500102", '1', ["3"]));

    private static Task<JsonElement> Body(HttpResponseMessage response) => E2eRegistry.BodyAsync(response);

    private static string RequireDistricts()
    {
        var path = Path.GetFullPath(Path.Combine(DevStack.FindRepositoryRoot(AppContext.BaseDirectory), "..", "shared", "data", "zones", "chongqing_districts_gcj02.geojson"));
        return File.Exists(path)
            ? path
            : throw Xunit.Sdk.SkipException.ForSkip($"{path} is absent; the real-district flow needs the shared reference data.");
    }

    private static JsonNode District(JsonNode source, string name) =>
        source["features"]!.AsArray().Single(f => (string?)f!["properties"]!["name"] == name)!;

    private static JsonObject Feature(JsonNode district, string id, string name, JsonArray? schedule)
    {
        var properties = new JsonObject { ["id"] = id, ["name"] = name, ["kind"] = "restricted_area", ["hazardClasses"] = new JsonArray() };
        if (schedule is not null)
        {
            properties["schedule"] = schedule;
        }

        return new JsonObject { ["type"] = "Feature", ["geometry"] = district["geometry"]!.DeepClone(), ["properties"] = properties };
    }

    private static (double Lon, double Lat) Centre(JsonNode district)
    {
        var cp = district["properties"]!["cp"]!.AsArray();
        return ((double)cp[0]!, (double)cp[1]!);
    }

    /// <summary>The district's outer ring converted to WGS-84 (Yuzhong is a single polygon).</summary>
    private static List<(double Lon, double Lat)> Ring(JsonNode district) =>
        [.. district["geometry"]!["coordinates"]![0]!.AsArray().Select(c => Gcj02ToWgs84(((double)c![0]!, (double)c[1]!)))];

    /// <summary>Even-odd ray casting: enough to place the test's fixes, which keep well clear of the fence.</summary>
    private static bool Inside(List<(double Lon, double Lat)> ring, (double Lon, double Lat) p)
    {
        var inside = false;
        for (int i = 0, j = ring.Count - 1; i < ring.Count; j = i++)
        {
            if ((ring[i].Lat > p.Lat) != (ring[j].Lat > p.Lat)
                && p.Lon < ((ring[j].Lon - ring[i].Lon) * (p.Lat - ring[i].Lat) / (ring[j].Lat - ring[i].Lat)) + ring[i].Lon)
            {
                inside = !inside;
            }
        }

        return inside;
    }

    /// <summary><paramref name="count"/> points from just after <paramref name="from"/> to <paramref name="to"/>.</summary>
    private static IEnumerable<(double Lon, double Lat)> Line((double Lon, double Lat) from, (double Lon, double Lat) to, int count) =>
        Enumerable.Range(1, count).Select(i => (from.Lon + ((to.Lon - from.Lon) * i / count), from.Lat + ((to.Lat - from.Lat) * i / count)));

    private static DateTimeOffset Whole(DateTimeOffset time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    /// <summary>GCJ-02 → WGS-84 by inverting the published forward transform (test-side, independent of the service).</summary>
    private static (double Lon, double Lat) Gcj02ToWgs84((double Lon, double Lat) gcj)
    {
        var wgs = gcj;
        for (var i = 0; i < 10; i++)
        {
            var forward = Wgs84ToGcj02(wgs);
            wgs = (wgs.Lon - (forward.Lon - gcj.Lon), wgs.Lat - (forward.Lat - gcj.Lat));
        }

        return wgs;
    }

    private static (double Lon, double Lat) Wgs84ToGcj02((double Lon, double Lat) p)
    {
        const double A = 6378245.0;
        const double Ee = 0.00669342162296594323;
        double x = p.Lon - 105.0, y = p.Lat - 35.0;
        var dLat = -100.0 + (2.0 * x) + (3.0 * y) + (0.2 * y * y) + (0.1 * x * y) + (0.2 * Math.Sqrt(Math.Abs(x)))
            + (((20.0 * Math.Sin(6.0 * x * Math.PI)) + (20.0 * Math.Sin(2.0 * x * Math.PI))) * 2.0 / 3.0)
            + (((20.0 * Math.Sin(y * Math.PI)) + (40.0 * Math.Sin(y / 3.0 * Math.PI))) * 2.0 / 3.0)
            + (((160.0 * Math.Sin(y / 12.0 * Math.PI)) + (320 * Math.Sin(y * Math.PI / 30.0))) * 2.0 / 3.0);
        var dLon = 300.0 + x + (2.0 * y) + (0.1 * x * x) + (0.1 * x * y) + (0.1 * Math.Sqrt(Math.Abs(x)))
            + (((20.0 * Math.Sin(6.0 * x * Math.PI)) + (20.0 * Math.Sin(2.0 * x * Math.PI))) * 2.0 / 3.0)
            + (((20.0 * Math.Sin(x * Math.PI)) + (40.0 * Math.Sin(x / 3.0 * Math.PI))) * 2.0 / 3.0)
            + (((150.0 * Math.Sin(x / 12.0 * Math.PI)) + (300.0 * Math.Sin(x / 30.0 * Math.PI))) * 2.0 / 3.0);
        var radLat = p.Lat / 180.0 * Math.PI;
        var magic = 1 - (Ee * Math.Sin(radLat) * Math.Sin(radLat));
        var sqrtMagic = Math.Sqrt(magic);
        dLat = dLat * 180.0 / (A * (1 - Ee) / (magic * sqrtMagic) * Math.PI);
        dLon = dLon * 180.0 / (A / sqrtMagic * Math.Cos(radLat) * Math.PI);
        return (p.Lon + dLon, p.Lat + dLat);
    }
}
