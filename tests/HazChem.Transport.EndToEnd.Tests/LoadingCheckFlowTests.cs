using System.Globalization;
using System.Net;
using System.Text.Json;

namespace HazChem.Transport.EndToEnd.Tests;

/// <summary>
/// The pre-loading check through the gateway, as a loading terminal uses it (五必查, 定量装车): a vehicle whose GPS has not
/// reported is refused, passes after a position report, a driver who is not the waybill's fails PERSONNEL, over-loading
/// is refused with L-QUANTITY, a refused check cannot be confirmed, the legal confirmation makes the waybill LOADED, and
/// the records read back. Police read checks but cannot run them.
/// </summary>
[Collection(DevStackGroup.Name)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1861", Justification = "Test data.")]
public sealed class LoadingCheckFlowTests(DevStackFixture stack)
{
    private static readonly string Tomorrow = DateTime.UtcNow.Date.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task LoadingCheck_ThroughTheGateway_RefusesWithoutGpsPassesAfterAReportAndConfirmsTheLegalLoad()
    {
        var suffix = Random.Shared.Next(10000, 99999).ToString(CultureInfo.InvariantCulture);
        var r = await RegisterAsync(suffix);
        var terminal = "T-" + suffix;
        var waybillId = await IssueWaybillAsync(r, kg: 21000);
        var request = CheckRequest(terminal, waybillId, r);

        // 1. The vehicle's GPS terminal has never reported: REFUSE with a failed GPS item.
        var noGps = await CheckAsync(terminal, request);
        Assert.True(noGps.GetProperty("verdict").GetString() == "REFUSE", noGps.ToString());
        var gps = Items(noGps).Single(i => i.GetProperty("category").GetString() == "GPS");
        Assert.Equal("L-GPS-ONLINE", gps.GetProperty("code").GetString());
        Assert.False(Passed(gps), gps.ToString());
        Assert.All(Items(noGps).Where(i => i.GetProperty("category").GetString() != "GPS"), i => Assert.True(Passed(i), i.ToString()));

        // 2. A position report with a fix time of now.
        using (var report = await stack.SendAsync(HttpMethod.Post, "api/v1/positions:batch", "gps", new
        {
            positions = new[]
            {
                new { plate = r.Plate, fixTime = DateTime.UtcNow.AddSeconds(-5).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), lat = 29.60, lon = 106.50, speedKmh = 0.0, headingDeg = 90.0, valid = true },
            },
        }, subject: r.CarrierId))
        {
            var body = await Body(report);
            Assert.True(report.StatusCode == HttpStatusCode.OK, $"{(int)report.StatusCode} {body}");
            Assert.True(body.GetProperty("accepted").GetInt32() == 1, body.ToString());
        }

        // 3. A driver who is not the waybill's fails PERSONNEL.
        var otherDriver = await E2eRegistry.CreatePersonAsync(stack, r.CarrierId, "DRIVER", E2eRegistry.IdNumber("50010119920202" + suffix[^3..]), "2099-05-01");
        var wrongDriver = await CheckAsync(terminal, CheckRequest(terminal, waybillId, r with { DriverId = otherDriver }));
        Assert.Equal("REFUSE", wrongDriver.GetProperty("verdict").GetString());
        var personnel = Items(wrongDriver).Single(i => i.GetProperty("category").GetString() == "PERSONNEL");
        Assert.False(Passed(personnel), personnel.ToString());
        Assert.True(Items(wrongDriver).Single(i => i.GetProperty("category").GetString() == "GPS").GetProperty("passed").GetBoolean());

        // 4. The same request as in 1 now passes.
        var passed = await CheckAsync(terminal, request);
        Assert.True(passed.GetProperty("verdict").GetString() == "PASS", passed.ToString());
        Assert.All(Items(passed), i => Assert.True(Passed(i), i.ToString()));
        var passedId = passed.GetProperty("id").GetString()!;

        // 5. More than the tank allows (21 t of UN1203) is refused with L-QUANTITY; nothing changes.
        var overload = await ConfirmAsync(terminal, passedId, 21500);
        Assert.True(overload.Status == HttpStatusCode.UnprocessableEntity, overload.Body.ToString());
        Assert.Contains("L-QUANTITY", FindingCodes(overload.Body));
        Assert.Contains($"tank:{r.Tank}", Findings(overload.Body).Select(f => f.GetProperty("subject").GetString()));

        // 6. A refused check cannot be confirmed.
        var refused = await ConfirmAsync(terminal, noGps.GetProperty("id").GetString()!, 20000);
        Assert.True(refused.Status == HttpStatusCode.UnprocessableEntity, refused.Body.ToString());
        Assert.Equal(["L-RECORD"], FindingCodes(refused.Body));
        Assert.Equal("ISSUED", (await WaybillAsync(r, waybillId)).GetProperty("status").GetString());

        // 7. The legal confirmation makes the waybill LOADED.
        var legal = await ConfirmAsync(terminal, passedId, 20500);
        Assert.True(legal.Status == HttpStatusCode.OK, legal.Body.ToString());
        Assert.Equal(20500, legal.Body.GetProperty("confirmation").GetProperty("loaded")[0].GetProperty("quantityKg").GetDouble());
        var waybill = await WaybillAsync(r, waybillId);
        Assert.Equal("LOADED", waybill.GetProperty("status").GetString());
        Assert.Equal(passedId, waybill.GetProperty("loadingCheckId").GetString());

        // 8. The records read back: by id (terminal, carrier, police) and listed per waybill and per terminal, newest first.
        foreach (var (role, subject) in new[] { ("terminal", terminal), ("carrier", r.CarrierId), ("police", "officer-" + suffix) })
        {
            using var get = await stack.SendAsync(HttpMethod.Get, $"api/v1/loading-checks/{passedId}", role, subject: subject);
            var record = await Body(get);
            Assert.True(get.StatusCode == HttpStatusCode.OK, $"{role}: {(int)get.StatusCode} {record}");
            Assert.Equal("PASS", record.GetProperty("verdict").GetString());
            Assert.Equal(terminal, record.GetProperty("terminalId").GetString());
            Assert.Equal(20500, record.GetProperty("confirmation").GetProperty("loaded")[0].GetProperty("quantityKg").GetDouble());
        }

        using (var list = await stack.SendAsync(HttpMethod.Get, $"api/v1/loading-checks?waybillId={waybillId}", "police", subject: "officer-" + suffix))
        {
            var body = await Body(list);
            Assert.True(list.StatusCode == HttpStatusCode.OK, body.ToString());
            Assert.Equal(
                [passedId, wrongDriver.GetProperty("id").GetString(), noGps.GetProperty("id").GetString()],
                body.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        }

        using (var own = await stack.SendAsync(HttpMethod.Get, "api/v1/loading-checks", "terminal", subject: terminal))
        {
            var body = await Body(own);
            Assert.Equal(3, body.GetProperty("checks").GetArrayLength());
        }

        using (var otherTerminal = await stack.SendAsync(HttpMethod.Get, $"api/v1/loading-checks/{passedId}", "terminal", subject: "T-other"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, otherTerminal.StatusCode);
        }
    }

    [Fact]
    public async Task CreateLoadingCheck_Police_IsForbidden()
    {
        using var response = await stack.SendAsync(HttpMethod.Post, "api/v1/loading-checks", "police",
            new { terminalId = "T001", waybillId = "w", plate = "渝A12345", driverId = "d", escortId = "e", tankNumber = "" }, subject: "T001");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private async Task<JsonElement> CheckAsync(string terminal, object request)
    {
        using var response = await stack.SendAsync(HttpMethod.Post, "api/v1/loading-checks", "terminal", request, subject: terminal);
        var body = await Body(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}{Environment.NewLine}{stack.Log}");
        return body;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> ConfirmAsync(string terminal, string checkId, double kg)
    {
        using var response = await stack.SendAsync(HttpMethod.Post, $"api/v1/loading-checks/{checkId}:confirm", "terminal",
            new { loaded = new[] { new { unNumber = "1203", quantityKg = kg } } }, subject: terminal);
        return (response.StatusCode, await Body(response));
    }

    private async Task<JsonElement> WaybillAsync(Registry r, string waybillId)
    {
        using var response = await stack.SendAsync(HttpMethod.Get, $"api/v1/waybills/{waybillId}", "carrier", subject: r.CarrierId);
        var body = await Body(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body;
    }

    private static object CheckRequest(string terminal, string waybillId, Registry r) => new
    {
        terminalId = terminal,
        waybillId,
        plate = r.Plate,
        driverId = r.DriverId,
        escortId = r.EscortId,
        tankNumber = r.Tank,
    };

    private static List<JsonElement> Items(JsonElement check) => [.. check.GetProperty("items").EnumerateArray()];

    private static bool Passed(JsonElement item) => item.TryGetProperty("passed", out var passed) && passed.GetBoolean();

    private static IEnumerable<JsonElement> Findings(JsonElement error) =>
        error.GetProperty("details").EnumerateArray()
            .Where(d => d.TryGetProperty("findings", out _))
            .SelectMany(d => d.GetProperty("findings").EnumerateArray());

    private static List<string?> FindingCodes(JsonElement error) => [.. Findings(error).Select(f => f.GetProperty("code").GetString())];

    private async Task<string> IssueWaybillAsync(Registry r, double kg)
    {
        using var response = await stack.SendAsync(HttpMethod.Post, "api/v1/waybills", "carrier", new Dictionary<string, object>
        {
            ["carrierId"] = r.CarrierId,
            ["consignor"] = new { name = "重庆某石化公司", phone = "023-60000001" },
            ["consignee"] = new { name = "涪陵某加油站", phone = "023-60000002" },
            ["loadingUnit"] = new { name = "长寿油库", phone = "023-60000003" },
            ["goods"] = new[] { new Dictionary<string, object> { ["unNumber"] = "1203", ["name"] = "车用汽油", ["class"] = "3", ["packingGroup"] = "II", ["quantityKg"] = kg } },
            ["vehiclePlate"] = r.Plate,
            ["trailerPlate"] = "",
            ["tankNumber"] = r.Tank,
            ["driverId"] = r.DriverId,
            ["escortId"] = r.EscortId,
            ["origin"] = new { name = "长寿油库", lon = 106.50, lat = 29.60 },
            ["destination"] = new { name = "涪陵", lon = 106.90, lat = 29.40 },
            ["route"] = new { crs = "WGS84", coordinates = new[] { new[] { 106.50, 29.60 }, new[] { 106.70, 29.50 }, new[] { 106.90, 29.40 } }, corridorMeters = 500 },
            ["window"] = new { start = Tomorrow + "T01:00:00Z", end = Tomorrow + "T10:00:00Z" },
            ["emergencyPhone"] = "023-12345678",
        }, subject: r.CarrierId);
        var body = await Body(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("id").GetString()!;
    }

    private Task<Registry> RegisterAsync(string suffix) =>
        E2eRegistry.RegisterAsync(stack, suffix, new FleetSeries("6000", 'B', "TK", "500101", '0', ["2.1", "3", "8"]));

    private static Task<JsonElement> Body(HttpResponseMessage response) => E2eRegistry.BodyAsync(response);
}
