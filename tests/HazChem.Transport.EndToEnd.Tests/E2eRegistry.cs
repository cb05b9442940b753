using System.Text.Json;

namespace HazChem.Transport.EndToEnd.Tests;

/// <summary>What a flow registered: a carrier with one tank truck, its driver, escort and tank.</summary>
internal sealed record Registry(string CarrierId, string Plate, string DriverId, string EscortId, string Tank);

/// <summary>
/// Numbering of one test's fleet so flows sharing a stack never collide: <paramref name="Series"/> goes into permit and
/// certificate numbers, <paramref name="PlateLetter"/> into the plate, <paramref name="IdArea"/> (six digits) into ID numbers.
/// </summary>
internal sealed record FleetSeries(string Series, char PlateLetter, string TankPrefix, string IdArea, char CreditVariant, string[] PermitScope);

/// <summary>Registers fleets through the gateway as the authority would (admin token), with valid check characters.</summary>
internal static class E2eRegistry
{
    private static readonly string[] PersonScope = ["2", "3", "8"];

    public static async Task<Registry> RegisterAsync(DevStackFixture stack, string suffix, FleetSeries series)
    {
        var tail = suffix[^5..];
        // Validity dates far beyond any run: the registry checks them on the travel and loading dates, so dates a year or
        // two ahead would turn every flow red once the calendar reached them.
        using var carrierResponse = await stack.SendAsync(HttpMethod.Post, "api/v1/carriers", "admin", new
        {
            name = $"重庆危货运输{series.Series}{suffix}有限公司",
            creditCode = CreditCode("9150000" + tail + "MA5U" + series.CreditVariant),
            permit = new { number = $"渝交运管许可字{series.Series}{suffix}号", validFrom = "2024-01-01", validUntil = "2099-12-31", scope = series.PermitScope },
        });
        var carrierBody = await BodyAsync(carrierResponse);
        Assert.True(carrierResponse.IsSuccessStatusCode, carrierBody.ToString());
        var carrierId = carrierBody.GetProperty("id").GetString()!;

        var plate = "渝" + series.PlateLetter + tail;
        using (var vehicle = await stack.SendAsync(HttpMethod.Post, $"api/v1/carriers/{carrierId}/vehicles", "admin", new
        {
            plate,
            kind = "TANK_TRUCK",
            ratedLoadKg = 30000,
            roadTransportCert = new { number = series.Series + suffix, validUntil = "2099-06-30" },
            inspectionValidUntil = "2099-03-31",
            terminalPhone = "0139" + suffix.PadLeft(8, '0')[..8],
        }))
        {
            Assert.True(vehicle.IsSuccessStatusCode, await vehicle.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        var driver = await CreatePersonAsync(stack, carrierId, "DRIVER", IdNumber(series.IdArea + "19900101" + tail[2..]), "2099-05-01");
        var escort = await CreatePersonAsync(stack, carrierId, "ESCORT", IdNumber(series.IdArea + "19850615" + tail[2..]), "2099-05-01");
        var tank = series.TankPrefix + suffix.PadLeft(7, '0');
        using (var tankResponse = await stack.SendAsync(HttpMethod.Post, $"api/v1/carriers/{carrierId}/tanks", "admin", new
        {
            number = tank,
            capacityLitres = 30000,
            inspectionValidUntil = "2099-01-31",
            media = new[] { new { unNumber = "1203", maxLoadKg = 21000 } },
        }))
        {
            Assert.True(tankResponse.IsSuccessStatusCode, await tankResponse.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        return new Registry(carrierId, plate, driver, escort, tank);
    }

    public static async Task<string> CreatePersonAsync(DevStackFixture stack, string carrierId, string role, string idNumber, string validUntil)
    {
        using var response = await stack.SendAsync(HttpMethod.Post, $"api/v1/carriers/{carrierId}/personnel", "admin", new
        {
            idNumber,
            name = role == "DRIVER" ? "张三" : "李四",
            role,
            qualification = new { number = idNumber, validUntil, scope = PersonScope },
        });
        var body = await BodyAsync(response);
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("id").GetString()!;
    }

    /// <summary>The response body as JSON (default for an empty body).</summary>
    public static async Task<JsonElement> BodyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text);
    }

    /// <summary>GB 32100 check character.</summary>
    public static string CreditCode(string base17)
    {
        const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        int[] weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
        var sum = base17.Select((c, i) => Alphabet.IndexOf(c, StringComparison.Ordinal) * weights[i]).Sum();
        var check = 31 - (sum % 31);
        return base17 + Alphabet[check == 31 ? 0 : check];
    }

    /// <summary>GB 11643 check digit.</summary>
    public static string IdNumber(string base17)
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = base17.Select((c, i) => (c - '0') * weights[i]).Sum();
        return base17 + "10X98765432"[sum % 11];
    }
}
