using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HazChem.Transport.ServiceDefaults.Auth;

namespace HazChem.Transport.Dev;

/// <summary>
/// The demo data a fresh dev stack starts with, created through the gateway exactly as users would:
/// a Chongqing carrier with two tank trucks, drivers, escorts and tanks, and one issued waybill.
/// Runs once per data folder (a marker file remembers it).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1861", Justification = "Runs once per data folder.")]
internal static class DemoScenario
{
    private const string MarkerFile = "demo-seeded.json";

    public static async Task<string> SeedAsync(DevStack stack, string dataDirectory, CancellationToken cancellationToken)
    {
        var marker = Path.Combine(dataDirectory, MarkerFile);
        if (File.Exists(marker))
        {
            return $"demo data already present ({marker})";
        }

        var issuer = new TokenIssuer(new AuthOptions { SigningKey = stack.SigningKey }, TimeProvider.System);
        using var http = new HttpClient { BaseAddress = stack.GatewayAddress, Timeout = TimeSpan.FromSeconds(30) };
        var admin = issuer.Issue(Roles.Admin, "demo-authority", TimeSpan.FromHours(1));

        var carrier = await PostAsync(http, admin, "api/v1/carriers", new
        {
            name = "重庆长江危货运输有限公司",
            creditCode = "91500115MA5YDEM01M",
            permit = new { number = "渝交运管许可字500115000001号", validFrom = "2024-01-01", validUntil = ValidFor(years: 3), scope = new[] { "2.1", "3", "8" } },
        }, cancellationToken);
        var carrierId = carrier.GetProperty("id").GetString()!;
        await PostAsync(http, admin, $"api/v1/carriers/{carrierId}/vehicles", Vehicle("渝A12345", "013800138000"), cancellationToken);
        await PostAsync(http, admin, $"api/v1/carriers/{carrierId}/vehicles", Vehicle("渝B67890", "013800138001"), cancellationToken);
        var drivers = new[]
        {
            await PersonAsync(http, admin, carrierId, "DRIVER", "500115198804120310", "王建国", cancellationToken),
            await PersonAsync(http, admin, carrierId, "DRIVER", "500115198601080531", "刘德明", cancellationToken),
        };
        var escorts = new[]
        {
            await PersonAsync(http, admin, carrierId, "ESCORT", "500115199109230424", "陈晓梅", cancellationToken),
            await PersonAsync(http, admin, carrierId, "ESCORT", "500115199305170641", "赵丽", cancellationToken),
        };
        await PostAsync(http, admin, $"api/v1/carriers/{carrierId}/tanks", Tank("TK5000001", "1203", 21000), cancellationToken);
        await PostAsync(http, admin, $"api/v1/carriers/{carrierId}/tanks", Tank("TK5000002", "1830", 25000), cancellationToken);

        var carrierToken = issuer.Issue(Roles.Carrier, carrierId, TimeSpan.FromHours(1));
        var today = DateTime.UtcNow.Date;
        var waybill = await PostAsync(http, carrierToken, "api/v1/waybills", new Dictionary<string, object>
        {
            ["carrierId"] = carrierId,
            ["consignor"] = new { name = "中石化重庆长寿油库", phone = "023-40000001" },
            ["consignee"] = new { name = "中石化涪陵加油站", phone = "023-72000002" },
            ["loadingUnit"] = new { name = "中石化重庆长寿油库", phone = "023-40000001" },
            ["goods"] = new[] { new Dictionary<string, object> { ["unNumber"] = "1203", ["name"] = "车用汽油", ["class"] = "3", ["packingGroup"] = "II", ["quantityKg"] = 20000 } },
            ["vehiclePlate"] = "渝A12345",
            ["trailerPlate"] = "",
            ["tankNumber"] = "TK5000001",
            ["driverId"] = drivers[0],
            ["escortId"] = escorts[0],
            ["origin"] = new { name = "长寿油库", lon = 107.08, lat = 29.86 },
            ["destination"] = new { name = "涪陵加油站", lon = 107.39, lat = 29.70 },
            ["route"] = new { crs = "WGS84", coordinates = new[] { new[] { 107.08, 29.86 }, new[] { 107.22, 29.78 }, new[] { 107.39, 29.70 } }, corridorMeters = 500 },
            ["window"] = new { start = today.AddHours(-8).ToString("O"), end = today.AddDays(2).ToString("O") },
            ["emergencyPhone"] = "023-12345678",
        }, cancellationToken);

        var summary = new { carrierId, drivers, escorts, waybillId = waybill.GetProperty("id").GetString() };
        await File.WriteAllTextAsync(marker, JsonSerializer.Serialize(summary), cancellationToken);
        return $"demo data created: carrier {carrierId}, vehicles 渝A12345 and 渝B67890, waybill {summary.waybillId}";
    }

    /// <summary>A validity end this many years after today: the demo stays valid whenever a fresh data folder is made.</summary>
    private static string ValidFor(int years) => DateTime.UtcNow.Date.AddYears(years).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static object Vehicle(string plate, string terminalPhone) => new
    {
        plate,
        kind = "TANK_TRUCK",
        ratedLoadKg = 30000,
        roadTransportCert = new { number = "500115" + plate[^5..], validUntil = ValidFor(years: 2) },
        inspectionValidUntil = ValidFor(years: 1),
        terminalPhone,
    };

    private static object Tank(string number, string unNumber, int maxLoadKg) => new
    {
        number,
        capacityLitres = 30000,
        inspectionValidUntil = ValidFor(years: 1),
        media = new[] { new { unNumber, maxLoadKg } },
    };

    private static async Task<string> PersonAsync(HttpClient http, string token, string carrierId, string role, string idNumber, string name, CancellationToken cancellationToken)
    {
        var person = await PostAsync(http, token, $"api/v1/carriers/{carrierId}/personnel", new
        {
            idNumber,
            name,
            role,
            qualification = new { number = idNumber, validUntil = ValidFor(years: 3), scope = new[] { "2", "3", "8" } },
        }, cancellationToken);
        return person.GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string token, string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonSerializer.Deserialize<JsonElement>(text);
    }
}
