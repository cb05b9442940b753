using System.Globalization;
using System.Text.Json;

namespace HazChem.Transport.Dashboard.Tests;

/// <summary>
/// What a violation needs, created through the gateway as users would: a carrier with a tank truck, driver,
/// escort and tank; an issued waybill for petrol (class 3) whose route crosses a restricted zone; and the
/// truck's GPS fixes along that route, posted by an HTTP terminal gateway (role gps).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1861", Justification = "Test data.")]
internal sealed class Scenario(DevStackFixture stack)
{
    // The route (and the fixes) run from (106.66, 29.52) to (106.74, 29.48); the zone is the square
    // 106.69..106.71 × 29.49..29.51 around the route's middle vertex (106.70, 29.50).
    public static readonly double[][] Route = [[106.50, 29.60], [106.70, 29.50], [106.90, 29.40]];

    public string Suffix { get; } = Random.Shared.Next(10000, 99999).ToString(CultureInfo.InvariantCulture);

    public string Plate => "渝D" + Suffix;

    public string ZoneId => "dash-zone-" + Suffix;

    public string CarrierId { get; private set; } = "";

    public string WaybillId { get; private set; } = "";

    public static object ZoneFeature(string id, string name, double west, double south, double east, double north, object? schedule = null) => new Dictionary<string, object?>
    {
        ["type"] = "Feature",
        ["properties"] = new Dictionary<string, object?>
        {
            ["id"] = id,
            ["name"] = name,
            ["kind"] = "restricted_area",
            ["hazardClasses"] = Array.Empty<string>(),
            ["schedule"] = schedule ?? Array.Empty<object>(), // always
        },
        ["geometry"] = new
        {
            type = "Polygon",
            coordinates = new[] { new[] { new[] { west, south }, new[] { east, south }, new[] { east, north }, new[] { west, north }, new[] { west, south } } },
        },
    };

    public async Task ImportZoneAsync() =>
        await stack.SendOkAsync(HttpMethod.Post, "api/v1/zones:import", "admin", new
        {
            crs = "WGS84",
            featureCollection = new { type = "FeatureCollection", features = new[] { ZoneFeature(ZoneId, "测试限行区 " + Suffix, 106.69, 29.49, 106.71, 29.51) } },
        });

    /// <summary>Registers the carrier, truck, people and tank, and issues the waybill (valid from 2 h ago for a day).</summary>
    public async Task RegisterAndIssueWaybillAsync()
    {
        var (driver, escort, tank) = await RegisterAsync();
        await IssueWaybillAsync(driver, escort, tank);
    }

    /// <summary>Registers the carrier, its tank truck (a fix for it is then accepted), driver, escort and tank.</summary>
    public async Task<(string Driver, string Escort, string Tank)> RegisterAsync()
    {
        // Validity dates far beyond any run (the registry checks them on the waybill's travel dates).
        var carrier = await stack.SendOkAsync(HttpMethod.Post, "api/v1/carriers", "admin", new
        {
            name = $"重庆看板测试危货运输{Suffix}有限公司",
            creditCode = CreditCode("9150000" + Suffix + "MA5U0"),
            permit = new { number = $"渝交运管许可字5001{Suffix}号", validFrom = "2024-01-01", validUntil = "2099-12-31", scope = new[] { "2.1", "3", "8" } },
        });
        CarrierId = carrier.GetProperty("id").GetString()!;
        await stack.SendOkAsync(HttpMethod.Post, $"api/v1/carriers/{CarrierId}/vehicles", "admin", new
        {
            plate = Plate,
            kind = "TANK_TRUCK",
            ratedLoadKg = 30000,
            roadTransportCert = new { number = "5001" + Suffix, validUntil = "2099-06-30" },
            inspectionValidUntil = "2099-03-31",
            terminalPhone = "0139" + Suffix.PadLeft(8, '0')[..8],
        });
        var driver = await PersonAsync("DRIVER", IdNumber("50010119900101" + Suffix[2..]));
        var escort = await PersonAsync("ESCORT", IdNumber("50010119850615" + Suffix[2..]));
        var tank = "TK" + Suffix.PadLeft(7, '0');
        await stack.SendOkAsync(HttpMethod.Post, $"api/v1/carriers/{CarrierId}/tanks", "admin", new
        {
            number = tank,
            capacityLitres = 30000,
            inspectionValidUntil = "2099-01-31",
            media = new[] { new { unNumber = "1203", maxLoadKg = 21000 } },
        });
        return (driver, escort, tank);
    }

    private async Task IssueWaybillAsync(string driver, string escort, string tank)
    {
        var now = DateTimeOffset.UtcNow;
        var request = new Dictionary<string, object>
        {
            ["carrierId"] = CarrierId,
            ["consignor"] = new { name = "中石化重庆长寿油库", phone = "023-40000001" },
            ["consignee"] = new { name = "中石化涪陵加油站", phone = "023-72000002" },
            ["loadingUnit"] = new { name = "中石化重庆长寿油库", phone = "023-40000001" },
            ["goods"] = new[] { new Dictionary<string, object> { ["unNumber"] = "1203", ["name"] = "车用汽油", ["class"] = "3", ["packingGroup"] = "II", ["quantityKg"] = 20000 } },
            ["vehiclePlate"] = Plate,
            ["trailerPlate"] = "",
            ["tankNumber"] = tank,
            ["driverId"] = driver,
            ["escortId"] = escort,
            ["origin"] = new { name = "长寿油库", lon = Route[0][0], lat = Route[0][1] },
            ["destination"] = new { name = "涪陵加油站", lon = Route[^1][0], lat = Route[^1][1] },
            ["route"] = new { crs = "WGS84", coordinates = Route, corridorMeters = 500 },
            ["window"] = new { start = now.AddHours(-2).ToString("O", CultureInfo.InvariantCulture), end = now.AddDays(1).ToString("O", CultureInfo.InvariantCulture) },
            ["emergencyPhone"] = "023-12345678",
        };

        // 503 is Waybill's documented "Qualification did not answer in time, nothing was issued, try again"
        // (it happens on a loaded 2-core machine); anything else fails at once.
        for (var attempt = 1; ; attempt++)
        {
            var (status, body) = await stack.SendAsync(HttpMethod.Post, "api/v1/waybills", "carrier", request, subject: CarrierId);
            if (status == 503 && attempt < 4)
            {
                continue;
            }

            Assert.True(status == 200, $"POST api/v1/waybills as carrier (attempt {attempt}): HTTP {status} {body}");
            WaybillId = body.GetProperty("id").GetString()!;
            return;
        }
    }

    /// <summary>
    /// The fixes of one drive along the route through the zone, every 10 s at about 40 km/h, ending a minute ago:
    /// <paramref name="part"/> 0 = approach and the whole stay inside the zone, 1 = leaving it and driving on.
    /// </summary>
    public object[] Fixes(int part)
    {
        const int Steps = 80;
        var end = DateTimeOffset.UtcNow.AddMinutes(-1);
        var fixes = new List<object>();
        for (var i = 0; i <= Steps; i++)
        {
            var lon = 106.66 + (0.08 * i / Steps);
            var lat = 29.52 - (0.04 * i / Steps);
            var leftZone = lon > 106.705; // part 0 ends inside the zone
            if (leftZone != (part == 1))
            {
                continue;
            }

            fixes.Add(new
            {
                plate = Plate,
                fixTime = end.AddSeconds(-10 * (Steps - i)).ToString("O", CultureInfo.InvariantCulture),
                lat,
                lon,
                speedKmh = 40.0,
                headingDeg = 117.0,
                valid = true,
            });
        }

        return [.. fixes];
    }

    public async Task<JsonElement> PostFixesAsync(int part)
    {
        var result = await stack.SendOkAsync(HttpMethod.Post, "api/v1/positions:batch", "gps", new { positions = Fixes(part) }, subject: CarrierId); // the carrier's own platform
        var rejected = result.TryGetProperty("rejected", out var r) ? r.GetArrayLength() : 0;
        Assert.True(rejected == 0, $"fixes rejected: {result}");
        return result;
    }

    private async Task<string> PersonAsync(string role, string idNumber)
    {
        var body = await stack.SendOkAsync(HttpMethod.Post, $"api/v1/carriers/{CarrierId}/personnel", "admin", new
        {
            idNumber,
            name = role == "DRIVER" ? "王建国" : "陈晓梅",
            role,
            qualification = new { number = idNumber, validUntil = "2099-05-01", scope = new[] { "2", "3", "8" } },
        });
        return body.GetProperty("id").GetString()!;
    }

    /// <summary>GB 32100 check character.</summary>
    private static string CreditCode(string base17)
    {
        const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        int[] weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
        var sum = base17.Select((c, i) => Alphabet.IndexOf(c, StringComparison.Ordinal) * weights[i]).Sum();
        var check = 31 - (sum % 31);
        return base17 + Alphabet[check == 31 ? 0 : check];
    }

    /// <summary>GB 11643 check digit.</summary>
    private static string IdNumber(string base17)
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = base17.Select((c, i) => (c - '0') * weights[i]).Sum();
        return base17 + "10X98765432"[sum % 11];
    }
}
