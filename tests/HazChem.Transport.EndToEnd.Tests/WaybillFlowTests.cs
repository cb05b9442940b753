using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace HazChem.Transport.EndToEnd.Tests;

/// <summary>
/// The before-departure flow through the gateway, as an authority and a carrier use it: register a carrier
/// with vehicle, driver, escort and tank, issue a waybill for UN1203, and see each refusal with its code.
/// </summary>
[Collection(DevStackGroup.Name)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1861", Justification = "Test data.")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "Test data.")]
public sealed class WaybillFlowTests(DevStackFixture stack)
{
    private static readonly string Tomorrow = DateTime.UtcNow.Date.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task IssueWaybill_RegisteredCarrier_IsIssuedAndEachRuleRefusesWithItsCode()
    {
        var suffix = Random.Shared.Next(10000, 99999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var registry = await RegisterAsync(suffix, scope: ["2.1", "3", "8"]);
        var carrier = registry.CarrierId;

        // ISSUED
        using var issued = await stack.SendAsync(HttpMethod.Post, "api/v1/waybills", "carrier", Waybill(registry), subject: carrier);
        var issuedBody = await Body(issued);
        Assert.True(issued.StatusCode == HttpStatusCode.OK, issuedBody.ToString());
        Assert.Equal("ISSUED", issuedBody.GetProperty("status").GetString());

        // A second active waybill for the vehicle.
        await AssertRefusedAsync(Waybill(registry), carrier, "W-ONE-ACTIVE");

        // The rules below each get a vehicle of their own, so the one-active rule is not what refuses them.
        var other = await RegisterAsync(suffix + "1", scope: ["2.1", "3", "8"]);
        await AssertRefusedAsync(Waybill(other, goods: [Goods("1005", "2.3", "-", 1000)]), other.CarrierId, "Q-CARRIER-SCOPE");
        await AssertRefusedAsync(Waybill(other, goods: [Goods("1203", "3", "II", 22000)]), other.CarrierId, "W-LOAD-TANK");
        await AssertRefusedAsync(Waybill(other, goods: [Goods("1203", "8", "II", 1000)]), other.CarrierId, "W-UN-MATCH");

        var expiredDriver = await CreatePersonAsync(other.CarrierId, "DRIVER", "50010119700303222X", validUntil: "2025-01-31");
        await AssertRefusedAsync(Waybill(other with { DriverId = expiredDriver }), other.CarrierId, "Q-PERSON-CERT");

        using (var blacklist = await stack.SendAsync(HttpMethod.Post, "api/v1/blacklist", "admin",
            new { subjectType = "CARRIER", subjectId = other.CarrierId, reason = "serious violations", until = "2099-01-01" }))
        {
            Assert.True(blacklist.IsSuccessStatusCode, await blacklist.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        await AssertRefusedAsync(Waybill(other), other.CarrierId, "Q-CARRIER-BLACKLIST");

        // Malformed input names the field.
        await AssertBadRequestAsync(Waybill(registry, goods: [Goods("9999", "3", "II", 1000)]), carrier, "goods[0].unNumber");
        await AssertBadRequestAsync(Waybill(registry, emergencyPhone: ""), carrier, "emergencyPhone");
    }

    [Fact]
    public async Task IssueWaybill_OtherCarriersToken_IsForbidden()
    {
        var registry = await RegisterAsync(Random.Shared.Next(10000, 99999).ToString(System.Globalization.CultureInfo.InvariantCulture), scope: ["3"]);

        using var response = await stack.SendAsync(HttpMethod.Post, "api/v1/waybills", "carrier", Waybill(registry), subject: "someone-else");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private async Task AssertRefusedAsync(object waybill, string carrierId, string code)
    {
        using var response = await stack.SendAsync(HttpMethod.Post, "api/v1/waybills", "carrier", waybill, subject: carrierId);
        var body = await Body(response);

        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{code}: {(int)response.StatusCode} {body}");
        var codes = body.GetProperty("details").EnumerateArray()
            .Where(d => d.TryGetProperty("findings", out _))
            .SelectMany(d => d.GetProperty("findings").EnumerateArray())
            .Select(f => f.GetProperty("code").GetString())
            .ToList();
        Assert.True(codes.Contains(code), $"expected {code} among [{string.Join(", ", codes)}]: {body}");
    }

    private async Task AssertBadRequestAsync(object waybill, string carrierId, string field)
    {
        using var response = await stack.SendAsync(HttpMethod.Post, "api/v1/waybills", "carrier", waybill, subject: carrierId);
        var body = await Body(response);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{field}: {(int)response.StatusCode} {body}");
        var fields = body.GetProperty("details").EnumerateArray()
            .Where(d => d.TryGetProperty("fieldViolations", out _))
            .SelectMany(d => d.GetProperty("fieldViolations").EnumerateArray())
            .Select(v => v.GetProperty("field").GetString());
        Assert.Contains(field, fields);
    }

    private async Task<Registry> RegisterAsync(string suffix, string[] scope)
    {
        var tail = suffix[^5..];
        var creditBase = "9150000" + tail + "MA5U0";
        // Validity dates far beyond any run (the registry checks them on the travel date).
        using var carrierResponse = await stack.SendAsync(HttpMethod.Post, "api/v1/carriers", "admin", new
        {
            name = $"重庆危货运输{suffix}有限公司",
            creditCode = CreditCode(creditBase),
            permit = new { number = $"渝交运管许可字5000{suffix}号", validFrom = "2024-01-01", validUntil = "2099-12-31", scope },
        });
        var carrierBody = await Body(carrierResponse);
        Assert.True(carrierResponse.IsSuccessStatusCode, carrierBody.ToString());
        var carrierId = carrierBody.GetProperty("id").GetString()!;

        var plate = "渝A" + tail;
        using (var vehicle = await stack.SendAsync(HttpMethod.Post, $"api/v1/carriers/{carrierId}/vehicles", "admin", new
        {
            plate,
            kind = "TANK_TRUCK",
            ratedLoadKg = 30000,
            roadTransportCert = new { number = "5000" + suffix, validUntil = "2099-06-30" },
            inspectionValidUntil = "2099-03-31",
            terminalPhone = "0138" + suffix.PadLeft(8, '0')[..8],
        }))
        {
            Assert.True(vehicle.IsSuccessStatusCode, await vehicle.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        var driver = await CreatePersonAsync(carrierId, "DRIVER", IdNumber("50010119900101" + tail[2..]), validUntil: "2099-05-01");
        var escort = await CreatePersonAsync(carrierId, "ESCORT", IdNumber("50010119850615" + tail[2..]), validUntil: "2099-05-01");
        var tank = "TK" + suffix.PadLeft(7, '0');
        using (var tankResponse = await stack.SendAsync(HttpMethod.Post, $"api/v1/carriers/{carrierId}/tanks", "admin", new
        {
            number = tank,
            capacityLitres = 30000,
            inspectionValidUntil = "2099-01-31",
            media = new[] { new { unNumber = "1203", maxLoadKg = 21000 }, new { unNumber = "1005", maxLoadKg = 10000 } },
        }))
        {
            Assert.True(tankResponse.IsSuccessStatusCode, await tankResponse.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        return new Registry(carrierId, plate, driver, escort, tank);
    }

    private async Task<string> CreatePersonAsync(string carrierId, string role, string idNumber, string validUntil)
    {
        using var response = await stack.SendAsync(HttpMethod.Post, $"api/v1/carriers/{carrierId}/personnel", "admin", new
        {
            idNumber,
            name = role == "DRIVER" ? "张三" : "李四",
            role,
            qualification = new { number = idNumber, validUntil, scope = new[] { "2", "3", "8" } },
        });
        var body = await Body(response);
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("id").GetString()!;
    }

    private static object Goods(string un, string hazardClass, string packingGroup, double kg) =>
        new Dictionary<string, object> { ["unNumber"] = un, ["name"] = "货物", ["class"] = hazardClass, ["packingGroup"] = packingGroup, ["quantityKg"] = kg };

    private static object Waybill(Registry r, object[]? goods = null, string emergencyPhone = "023-12345678") => new Dictionary<string, object>
    {
        ["carrierId"] = r.CarrierId,
        ["consignor"] = new { name = "重庆某石化公司", phone = "023-60000001" },
        ["consignee"] = new { name = "涪陵某加油站", phone = "023-60000002" },
        ["loadingUnit"] = new { name = "长寿油库", phone = "023-60000003" },
        ["goods"] = goods ?? [Goods("1203", "3", "II", 20000)],
        ["vehiclePlate"] = r.Plate,
        ["trailerPlate"] = "",
        ["tankNumber"] = r.Tank,
        ["driverId"] = r.DriverId,
        ["escortId"] = r.EscortId,
        ["origin"] = new { name = "长寿油库", lon = 106.50, lat = 29.60 },
        ["destination"] = new { name = "涪陵", lon = 106.90, lat = 29.40 },
        ["route"] = new { crs = "WGS84", coordinates = new[] { new[] { 106.50, 29.60 }, new[] { 106.70, 29.50 }, new[] { 106.90, 29.40 } }, corridorMeters = 500 },
        ["window"] = new { start = Tomorrow + "T01:00:00Z", end = Tomorrow + "T10:00:00Z" },
        ["emergencyPhone"] = emergencyPhone,
    };

    private static Task<JsonElement> Body(HttpResponseMessage response) => E2eRegistry.BodyAsync(response);

    private static string CreditCode(string base17) => E2eRegistry.CreditCode(base17);

    private static string IdNumber(string base17) => E2eRegistry.IdNumber(base17);
}
