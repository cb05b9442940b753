using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HazChem.Transport.Dev;

namespace HazChem.Transport.Benchmarks.LoadingCheck;

/// <summary>What to offer: checks per second for a duration (after a warm-up), over how many vehicles and terminals.</summary>
internal sealed record BenchmarkSettings(int Rate, TimeSpan Duration, TimeSpan Warmup, int Vehicles, int Terminals);

/// <summary>
/// Open-loop load: request i is due at start + i / rate whether or not earlier ones have answered, and its latency
/// counts from when it was due (so a stalled server cannot hide its queue: no coordinated omission). The data it
/// checks is seeded through the gateway first: one carrier, N vehicles with driver, escort, tank and an ISSUED
/// waybill each, and a fresh GPS fix per vehicle, so a healthy stack answers PASS.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1861", Justification = "Seed data, once.")]
internal static class LoadingCheckBenchmark
{
    public static async Task<int> RunAsync(Uri gateway, BenchmarkSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 512,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            EnableMultipleHttp2Connections = true,
        })
        {
            BaseAddress = gateway,
            Timeout = TimeSpan.FromSeconds(30),
        };

        output.WriteLine($"Seeding {settings.Vehicles} vehicles with waybills through {gateway} ...");
        var seed = await SeedAsync(http, settings, cancellationToken);
        var bodies = seed.Vehicles
            .SelectMany((v, i) => Enumerable.Range(0, settings.Terminals).Select(t => (Terminal: t, Body: CheckBody(seed.TerminalIds[t], v))))
            .ToArray();

        output.WriteLine($"Offering {settings.Rate} checks/s: {settings.Warmup.TotalSeconds:0} s warm-up ramping up to that rate, then {settings.Duration.TotalSeconds:0} s measured ...");
        var warmupCount = (int)(settings.Rate * settings.Warmup.TotalSeconds / 2);
        var total = warmupCount + (int)(settings.Rate * settings.Duration.TotalSeconds);
        var latencies = new ConcurrentBag<double>();
        var errors = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var verdicts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var inFlight = new List<Task>(total);
        var clock = Stopwatch.StartNew();
        double measuredStart = settings.Warmup.TotalSeconds;
        for (var i = 0; i < total; i++)
        {
            var due = DueSeconds(i, settings.Rate, settings.Warmup.TotalSeconds);
            var wait = due - clock.Elapsed.TotalSeconds;
            if (wait > 0.001)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait), cancellationToken);
            }

            var (terminal, body) = bodies[i % bodies.Length];
            var measured = i >= warmupCount;
            inFlight.Add(SendAsync(http, seed.TerminalTokens[terminal], body, due, clock, measured, latencies, errors, verdicts, cancellationToken));
        }

        await Task.WhenAll(inFlight);
        var measuredEnd = clock.Elapsed.TotalSeconds;
        Report(output, settings, latencies, errors, verdicts, measuredEnd - measuredStart);
        return 0;
    }

    /// <summary>
    /// When request <paramref name="index"/> is due: during the warm-up the rate climbs linearly from 0 to
    /// <paramref name="rate"/> (a fresh stack JIT-compiles for its first half minute and would otherwise start the
    /// measurement with a backlog), then it stays at <paramref name="rate"/>. Latency is measured from this due
    /// time, not from the send, so a stalled system cannot hide its queue (no coordinated omission).
    /// </summary>
    internal static double DueSeconds(int index, int rate, double warmupSeconds)
    {
        var warmupCount = (int)(rate * warmupSeconds / 2);
        return index < warmupCount
            ? Math.Sqrt(2 * warmupSeconds * index / rate)
            : warmupSeconds + ((index - warmupCount) / (double)rate);
    }

    private static async Task SendAsync(
        HttpClient http, string token, byte[] body, double due, Stopwatch clock, bool measured,
        ConcurrentBag<double> latencies, ConcurrentDictionary<string, int> errors, ConcurrentDictionary<string, int> verdicts, CancellationToken cancellationToken)
    {
        await Task.Yield();
        string outcome;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/loading-checks") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            outcome = response.StatusCode == HttpStatusCode.OK
                ? "verdict:" + (JsonDocument.Parse(text).RootElement.GetProperty("verdict").GetString() ?? "?")
                : "http " + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            outcome = ex.GetType().Name;
        }

        if (!measured)
        {
            return;
        }

        latencies.Add((clock.Elapsed.TotalSeconds - due) * 1000);
        if (outcome.StartsWith("verdict:", StringComparison.Ordinal))
        {
            verdicts.AddOrUpdate(outcome[8..], 1, (_, n) => n + 1);
        }
        else
        {
            errors.AddOrUpdate(outcome, 1, (_, n) => n + 1);
        }
    }

    private static void Report(
        TextWriter output, BenchmarkSettings settings, ConcurrentBag<double> latencies, ConcurrentDictionary<string, int> errors, ConcurrentDictionary<string, int> verdicts, double seconds)
    {
        var sorted = latencies.Order().ToArray();
        var answered = verdicts.Values.Sum();
        double Percentile(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        output.WriteLine();
        output.WriteLine("| offered | achieved | p50 | p99 | max | errors | verdicts |");
        output.WriteLine("|---|---|---|---|---|---|---|");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {settings.Rate} checks/s × {settings.Duration.TotalSeconds:0} s | {answered / seconds:0.0} checks/s | {Percentile(0.50):0.0} ms | {Percentile(0.99):0.0} ms | {(sorted.Length == 0 ? double.NaN : sorted[^1]):0.0} ms | {errors.Values.Sum()} {Describe(errors)} | {Describe(verdicts)} |"));
    }

    private static string Describe(ConcurrentDictionary<string, int> counts) =>
        counts.IsEmpty ? "" : "(" + string.Join(", ", counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}")) + ")";

    private static byte[] CheckBody(string terminalId, SeededVehicle v) =>
        JsonSerializer.SerializeToUtf8Bytes(new
        {
            terminalId,
            waybillId = v.WaybillId,
            plate = v.Plate,
            driverId = v.DriverId,
            escortId = v.EscortId,
            tankNumber = v.Tank,
        });

    private sealed record SeededVehicle(string Plate, string DriverId, string EscortId, string Tank, string WaybillId);

    private sealed record Seed(IReadOnlyList<SeededVehicle> Vehicles, IReadOnlyList<string> TerminalIds, IReadOnlyList<string> TerminalTokens);

    private static async Task<Seed> SeedAsync(HttpClient http, BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        var run = Random.Shared.Next(100, 999).ToString(CultureInfo.InvariantCulture);
        var admin = await TokenAsync(http, "admin", "bench-authority", cancellationToken);
        var carrier = await PostAsync(http, admin, "api/v1/carriers", new
        {
            name = $"基准测试危货运输{run}有限公司",
            creditCode = CreditCode("9150000" + run + "77MA5U0"),
            permit = new { number = $"渝交运管许可字BENCH{run}号", validFrom = "2024-01-01", validUntil = "2099-12-31", scope = new[] { "2.1", "3", "8" } },
        }, cancellationToken);
        var carrierId = carrier.GetProperty("id").GetString()!;
        var carrierToken = await TokenAsync(http, "carrier", carrierId, cancellationToken);
        var gps = await TokenAsync(http, "gps", DevStack.PlatformGateway, cancellationToken);
        var tomorrow = DateTime.UtcNow.Date.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var until = DateTime.UtcNow.Date.AddYears(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var vehicles = new List<SeededVehicle>();
        for (var i = 0; i < settings.Vehicles; i++)
        {
            var tail = (run + i.ToString("D2", CultureInfo.InvariantCulture))[^5..];
            var plate = "渝D" + tail;
            await PostAsync(http, admin, $"api/v1/carriers/{carrierId}/vehicles", new
            {
                plate,
                kind = "TANK_TRUCK",
                ratedLoadKg = 30000,
                roadTransportCert = new { number = "BENCH" + tail, validUntil = until },
                inspectionValidUntil = until,
                terminalPhone = "0177" + run + tail,
            }, cancellationToken);
            var driver = await PersonAsync(http, admin, carrierId, "DRIVER", IdNumber("50010119900101" + tail[2..]), until, cancellationToken);
            var escort = await PersonAsync(http, admin, carrierId, "ESCORT", IdNumber("50010119850615" + tail[2..]), until, cancellationToken);
            var tank = "TKB" + tail;
            await PostAsync(http, admin, $"api/v1/carriers/{carrierId}/tanks", new
            {
                number = tank,
                capacityLitres = 30000,
                inspectionValidUntil = until,
                media = new[] { new { unNumber = "1203", maxLoadKg = 21000 } },
            }, cancellationToken);
            var waybill = await PostAsync(http, carrierToken, "api/v1/waybills", new Dictionary<string, object>
            {
                ["carrierId"] = carrierId,
                ["consignor"] = new { name = "重庆某石化公司", phone = "023-60000001" },
                ["consignee"] = new { name = "涪陵某加油站", phone = "023-60000002" },
                ["loadingUnit"] = new { name = "长寿油库", phone = "023-60000003" },
                ["goods"] = new[] { new Dictionary<string, object> { ["unNumber"] = "1203", ["name"] = "车用汽油", ["class"] = "3", ["packingGroup"] = "II", ["quantityKg"] = 20000 } },
                ["vehiclePlate"] = plate,
                ["trailerPlate"] = "",
                ["tankNumber"] = tank,
                ["driverId"] = driver,
                ["escortId"] = escort,
                ["origin"] = new { name = "长寿油库", lon = 106.50, lat = 29.60 },
                ["destination"] = new { name = "涪陵", lon = 106.90, lat = 29.40 },
                ["route"] = new { crs = "WGS84", coordinates = new[] { new[] { 106.50, 29.60 }, new[] { 106.70, 29.50 }, new[] { 106.90, 29.40 } }, corridorMeters = 500 },
                ["window"] = new { start = tomorrow + "T01:00:00Z", end = tomorrow + "T10:00:00Z" },
                ["emergencyPhone"] = "023-12345678",
            }, cancellationToken);
            vehicles.Add(new SeededVehicle(plate, driver, escort, tank, waybill.GetProperty("id").GetString()!));
        }

        // A fresh fix per vehicle (L-GPS-ONLINE); a stack whose Telemetry cannot answer yields UNAVAILABLE verdicts instead.
        try
        {
            await PostAsync(http, gps, "api/v1/positions:batch", new
            {
                positions = vehicles.Select(v => new
                {
                    plate = v.Plate,
                    fixTime = DateTime.UtcNow.AddSeconds(-2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    lat = 29.60,
                    lon = 106.50,
                    speedKmh = 0.0,
                    headingDeg = 0.0,
                    valid = true,
                }).ToArray(),
            }, cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine($"Positions not reported ({ex.Message}); checks will not PASS the GPS item.");
        }

        var terminalIds = Enumerable.Range(1, settings.Terminals).Select(t => $"BENCH-T{t:D2}").ToList();
        var terminalTokens = new List<string>();
        foreach (var id in terminalIds)
        {
            terminalTokens.Add(await TokenAsync(http, "terminal", id, cancellationToken));
        }

        return new Seed(vehicles, terminalIds, terminalTokens);
    }

    private static async Task<string> PersonAsync(HttpClient http, string admin, string carrierId, string role, string idNumber, string until, CancellationToken cancellationToken)
    {
        var person = await PostAsync(http, admin, $"api/v1/carriers/{carrierId}/personnel", new
        {
            idNumber,
            name = role == "DRIVER" ? "张三" : "李四",
            role,
            qualification = new { number = idNumber, validUntil = until, scope = new[] { "2", "3", "8" } },
        }, cancellationToken);
        return person.GetProperty("id").GetString()!;
    }

    private static async Task<string> TokenAsync(HttpClient http, string role, string subject, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var response = await http.PostAsJsonAsync("api/v1/dev/token", new { role, subject }, cancellationToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < 10)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
                continue;
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"dev token for {role}: {(int)response.StatusCode} {body} (is Gateway:DevTokens on?)");
            }

            return JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
        }
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string token, string path, object json, CancellationToken cancellationToken)
    {
        // Seeding on a busy machine may meet a dependency's deadline (503) or the rate limit (429): try again.
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(json) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return JsonDocument.Parse(body).RootElement.Clone();
            }

            if (attempt < 5 && response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
                continue;
            }

            throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {body}");
        }
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
