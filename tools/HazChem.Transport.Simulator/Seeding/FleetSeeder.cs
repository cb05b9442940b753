using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HazChem.Transport.Simulator.Fleet;

namespace HazChem.Transport.Simulator.Seeding;

/// <summary>What seeding created or found.</summary>
internal sealed record SeedResult(string CarrierId, int VehiclesCreated, int VehiclesExisting, int WaybillsIssued, int WaybillsAlreadyActive, int WaybillsRefused);

/// <summary>Gets a bearer token for a role and subject (dev token endpoint, or minted with the stack's key).</summary>
internal delegate Task<string> TokenSource(string role, string subject, CancellationToken cancellationToken);

/// <summary>
/// Registers the simulated fleet through the gateway REST API, idempotently (re-running finds what exists):
/// one carrier per plate letter, its vehicles with their terminal phones, two drivers and two escorts, and
/// for every <see cref="FleetOptions.WaybillEvery"/>th truck a tank and an ISSUED waybill whose planned route
/// is the truck's route. Backs off on 429 (the gateway's rate limit).
/// </summary>
internal sealed class FleetSeeder(HttpClient gateway, TokenSource tokens, Action<string> log)
{
    private const int Parallelism = 8;
    private static readonly string[] CarrierScope = ["2.1", "3", "8"];
    private static readonly string[] PersonScope = ["2", "3", "8"];

    /// <summary>
    /// The gps subject a dev stack trusts as a platform gateway (the dev launcher's <c>DevStack.PlatformGateway</c>):
    /// gateway fixes with it may name any registered vehicle.
    /// </summary>
    public const string DevPlatformGateway = "dev-platform";

    /// <summary>Tokens from the dev launcher's <c>POST /api/v1/dev/token</c>.</summary>
    public static TokenSource DevTokens(HttpClient gateway) => async (role, subject, cancellationToken) =>
    {
        ArgumentNullException.ThrowIfNull(gateway);
        for (var attempt = 0; ; attempt++)
        {
            using var response = await gateway.PostAsJsonAsync("api/v1/dev/token", new { role, subject }, cancellationToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < 20)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                continue;
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"POST api/v1/dev/token answered {(int)response.StatusCode}: {text} (is this a dev stack with Gateway__DevTokens=true?)");
            }

            return JsonSerializer.Deserialize<JsonElement>(text).GetProperty("token").GetString()!;
        }
    };

    public async Task<SeedResult> SeedAsync(IReadOnlyList<TruckPlan> fleet, FleetOptions options, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(options);
        var admin = await tokens("admin", "fleet-simulator", cancellationToken);
        await ImportZoneAsync(admin, cancellationToken);
        var letter = options.PlateLetters[0];
        var carrierId = await CarrierAsync(admin, letter, cancellationToken);
        log($"carrier {carrierId}");

        var created = 0;
        var existing = 0;
        await Parallel.ForEachAsync(fleet, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (truck, ct) =>
        {
            var (status, body) = await PostAsync(admin, $"api/v1/carriers/{carrierId}/vehicles", new
            {
                plate = truck.Plate,
                kind = "TANK_TRUCK",
                ratedLoadKg = 30000,
                roadTransportCert = new { number = "SIM" + truck.Plate[1..], validUntil = "2030-06-30" },
                inspectionValidUntil = "2030-03-31",
                terminalPhone = truck.TerminalPhone,
            }, ct);
            if (status == HttpStatusCode.Conflict)
            {
                Interlocked.Increment(ref existing);
            }
            else
            {
                EnsureSuccess(status, body, "vehicle " + truck.Plate);
                Interlocked.Increment(ref created);
            }
        });
        log($"vehicles: {created} created, {existing} already registered");

        var withWaybill = fleet.Where(t => t.HasWaybill).ToList();
        if (withWaybill.Count == 0)
        {
            return new SeedResult(carrierId, created, existing, 0, 0, 0);
        }

        var drivers = new List<string>();
        var escorts = new List<string>();
        for (var j = 0; j < 2; j++)
        {
            drivers.Add(await PersonAsync(admin, carrierId, "DRIVER", IdNumber(letter, j), "模拟司机" + (j + 1), cancellationToken));
            escorts.Add(await PersonAsync(admin, carrierId, "ESCORT", IdNumber(letter, j + 2), "模拟押运员" + (j + 1), cancellationToken));
        }

        var carrierToken = await tokens("carrier", carrierId, cancellationToken);
        var (issued, active, refused) = (0, 0, 0);
        await Parallel.ForEachAsync(withWaybill, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (truck, ct) =>
        {
            var tank = "SIM-" + truck.Plate[1..];
            var (tankStatus, tankBody) = await PostAsync(admin, $"api/v1/carriers/{carrierId}/tanks", new
            {
                number = tank,
                capacityLitres = 30000,
                inspectionValidUntil = "2030-01-31",
                media = new[] { new { unNumber = "1203", maxLoadKg = 21000 } },
            }, ct);
            if (tankStatus != HttpStatusCode.Conflict)
            {
                EnsureSuccess(tankStatus, tankBody, "tank " + tank);
            }

            var (status, body) = await PostAsync(carrierToken, "api/v1/waybills", Waybill(truck, carrierId, tank, drivers[truck.Index % 2], escorts[truck.Index % 2], now), ct);
            if (status == HttpStatusCode.OK)
            {
                Interlocked.Increment(ref issued);
            }
            else if (body.Contains("W-ONE-ACTIVE", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref active);
            }
            else
            {
                Interlocked.Increment(ref refused);
                log($"waybill for {truck.Plate} refused: {(int)status} {Truncate(body)}");
            }
        });
        log($"waybills: {issued} issued, {active} already active, {refused} refused");
        return new SeedResult(carrierId, created, existing, issued, active, refused);
    }

    /// <summary>
    /// Imports the synthetic restricted zone the "restricted zone" trucks cross (re-importing replaces it).
    /// A failure (e.g. RouteCompliance not implemented yet) is reported and seeding goes on.
    /// </summary>
    public async Task<bool> ImportZoneAsync(string adminToken, CancellationToken cancellationToken)
    {
        try
        {
            var (status, body) = await PostAsync(adminToken, "api/v1/zones:import", new { crs = "WGS84", featureCollection = Chongqing.RestrictedZoneFeatureCollection() }, cancellationToken);
            if ((int)status is >= 200 and < 300)
            {
                log($"restricted zone {Chongqing.RestrictedZoneId} imported");
                return true;
            }

            log($"restricted zone {Chongqing.RestrictedZoneId} not imported: POST api/v1/zones:import answered {(int)status} {Truncate(body)}");
        }
        catch (HttpRequestException ex)
        {
            log($"restricted zone {Chongqing.RestrictedZoneId} not imported: {ex.Message}");
        }

        return false;
    }

    /// <summary>A GB 11643 resident ID number for simulated person <paramref name="n"/> of the fleet with plate letter <paramref name="letter"/>.</summary>
    public static string IdNumber(char letter, int n)
    {
        var first17 = string.Create(CultureInfo.InvariantCulture, $"50010319850{3 + (letter % 6)}{10 + n}{100 + (letter % 50) + (n * 50):D3}")[..17];
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = first17.Select((c, i) => (c - '0') * weights[i]).Sum();
        return first17 + "10X98765432"[sum % 11];
    }

    /// <summary>A GB 32100 credit code for the fleet's carrier.</summary>
    public static string CreditCode(char letter)
    {
        const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        var first17 = "91500000MA5" + letter + "FLEET";
        int[] weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
        var sum = first17.Select((c, i) => Alphabet.IndexOf(c, StringComparison.Ordinal) * weights[i]).Sum();
        return first17 + Alphabet[(31 - (sum % 31)) % 31];
    }

    private static Dictionary<string, object> Waybill(TruckPlan truck, string carrierId, string tank, string driver, string escort, DateTimeOffset now)
    {
        var points = truck.Route.Points;
        var step = Math.Max(1, points.Count / 60);
        var coordinates = points.Where((_, i) => i % step == 0 || i == points.Count - 1).Select(p => new[] { p.Lon, p.Lat }).ToArray();
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var names = truck.Route.Name.Split('→');
        return new Dictionary<string, object>
        {
            ["carrierId"] = carrierId,
            ["consignor"] = new { name = names[0] + "油库", phone = "023-60000001" },
            ["consignee"] = new { name = names[^1] + "加油站", phone = "023-60000002" },
            ["loadingUnit"] = new { name = names[0] + "油库", phone = "023-60000001" },
            ["goods"] = new[] { new Dictionary<string, object> { ["unNumber"] = "1203", ["name"] = "车用汽油", ["class"] = "3", ["packingGroup"] = "II", ["quantityKg"] = 20000 } },
            ["vehiclePlate"] = truck.Plate,
            ["trailerPlate"] = "",
            ["tankNumber"] = tank,
            ["driverId"] = driver,
            ["escortId"] = escort,
            ["origin"] = new { name = names[0], lon = points[0].Lon, lat = points[0].Lat },
            ["destination"] = new { name = names[^1], lon = points[^1].Lon, lat = points[^1].Lat },
            ["route"] = new { crs = "WGS84", coordinates, corridorMeters = 500 },
            ["window"] = new { start = today.AddHours(-8).ToString("O", CultureInfo.InvariantCulture), end = today.AddDays(2).ToString("O", CultureInfo.InvariantCulture) },
            ["emergencyPhone"] = "023-12345678",
        };
    }

    private async Task<string> CarrierAsync(string admin, char letter, CancellationToken cancellationToken)
    {
        var creditCode = CreditCode(letter);
        var (status, body) = await PostAsync(admin, "api/v1/carriers", new
        {
            name = $"重庆模拟危货车队{letter}有限公司",
            creditCode,
            permit = new { number = $"渝交运管许可字500103SIM{letter}号", validFrom = "2024-01-01", validUntil = "2030-12-31", scope = CarrierScope },
        }, cancellationToken);
        if (status != HttpStatusCode.Conflict)
        {
            EnsureSuccess(status, body, "carrier");
            return JsonSerializer.Deserialize<JsonElement>(body).GetProperty("id").GetString()!;
        }

        var pageToken = "";
        do
        {
            var page = await GetAsync(admin, $"api/v1/carriers?pageSize=200&pageToken={Uri.EscapeDataString(pageToken)}", cancellationToken);
            foreach (var carrier in page.GetProperty("carriers").EnumerateArray())
            {
                if (carrier.GetProperty("creditCode").GetString() == creditCode)
                {
                    return carrier.GetProperty("id").GetString()!;
                }
            }

            pageToken = page.TryGetProperty("nextPageToken", out var next) ? next.GetString() ?? "" : "";
        }
        while (pageToken.Length > 0);
        throw new InvalidOperationException($"carrier with credit code {creditCode} exists but is not listed");
    }

    private async Task<string> PersonAsync(string admin, string carrierId, string role, string idNumber, string name, CancellationToken cancellationToken)
    {
        var (status, body) = await PostAsync(admin, $"api/v1/carriers/{carrierId}/personnel", new
        {
            idNumber,
            name,
            role,
            qualification = new { number = idNumber, validUntil = "2030-05-01", scope = PersonScope },
        }, cancellationToken);
        if (status != HttpStatusCode.Conflict)
        {
            EnsureSuccess(status, body, $"{role} {name}");
            return JsonSerializer.Deserialize<JsonElement>(body).GetProperty("id").GetString()!;
        }

        var page = await GetAsync(admin, $"api/v1/carriers/{carrierId}/personnel?pageSize=200", cancellationToken);
        return page.GetProperty("personnel").EnumerateArray()
            .First(p => p.GetProperty("idNumber").GetString() == idNumber).GetProperty("id").GetString()!;
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string token, string path, object body, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await gateway.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < 60)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
                continue;
            }

            return (response.StatusCode, text);
        }
    }

    private async Task<JsonElement> GetAsync(string token, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await gateway.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        EnsureSuccess(response.StatusCode, text, "GET " + path);
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    private static void EnsureSuccess(HttpStatusCode status, string body, string what)
    {
        if ((int)status is < 200 or > 299)
        {
            throw new InvalidOperationException($"{what}: {(int)status} {Truncate(body)}");
        }
    }

    private static string Truncate(string text) => text.Length > 400 ? text[..400] + "…" : text;
}
