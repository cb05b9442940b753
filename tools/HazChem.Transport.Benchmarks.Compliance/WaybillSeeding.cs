using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using HazChem.Transport.Simulator.Fleet;
using HazChem.Transport.Simulator.Seeding;

namespace HazChem.Transport.Benchmarks.Compliance;

/// <summary>One line of dangerous goods a benchmark waybill carries (GB 12268 entry) and the tank medium it needs.</summary>
internal sealed record GoodsLine(string UnNumber, string Name, string Class, string PackingGroup, int QuantityKg);

/// <summary>
/// The pure part of <c>--waybills</c>: what each benchmark vehicle's waybill says. Its planned route is every point of the
/// simulator route the benchmark drives the vehicle back and forth along (<see cref="FleetMotion"/>), so every fix lies on
/// the route's centre line and no ROUTE_DEVIATION opens; its window covers the run with an hour to spare on both sides;
/// its goods alternate between motor spirit (UN 1203, class 3) and sulphuric acid (UN 1830, class 8). A small fraction
/// may get a window after the run instead, as probes that the engine resolves the trips.
/// </summary>
internal static class WaybillPlan
{
    /// <summary>Corridor half-width asked for (the Waybill service's default is also 500 m).</summary>
    public const double CorridorMeters = 500;

    private static readonly GoodsLine[] Goods =
    [
        new("1203", "车用汽油", "3", "II", 20_000),
        new("1830", "硫酸", "8", "II", 20_000),
    ];

    /// <summary>The goods line of vehicle <paramref name="index"/> (alternating, so both classes are in every run).</summary>
    public static GoodsLine GoodsOf(int index) => Goods[Math.Abs(index % Goods.Length)];

    /// <summary>The planned route as WGS-84 <c>[lon, lat]</c> pairs: the whole polyline the vehicle drives, in order.</summary>
    public static double[][] Coordinates(Route route)
    {
        ArgumentNullException.ThrowIfNull(route);
        return [.. route.Points.Select(p => new[] { p.Lon, p.Lat })];
    }

    /// <summary>A travel window from an hour before <paramref name="now"/> to an hour after the run would end.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Window(DateTimeOffset now, TimeSpan run)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(run, TimeSpan.Zero);
        return (now.AddHours(-1), now + run + TimeSpan.FromHours(1));
    }

    /// <summary>
    /// Whether vehicle <paramref name="index"/> is one of the deliberate probes whose window starts only after the run
    /// (<paramref name="fraction"/> of the fleet, spread evenly): moving outside its window, it opens OUTSIDE_TRAVEL_WINDOW after
    /// the stack's <c>Compliance__TravelWindowAfter</c> (30 s), which shows the engine resolved its trip.
    /// </summary>
    public static bool OutsideWindow(int index, double fraction) => Math.Floor((index + 1) * fraction) > Math.Floor(index * fraction);

    /// <summary>The window of a probe vehicle (<see cref="OutsideWindow"/>): from an hour after the run to two hours after.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) LaterWindow(DateTimeOffset now, TimeSpan run)
    {
        var (_, end) = Window(now, run);
        return (end, end.AddHours(1));
    }

    /// <summary>The tank the vehicle's waybill names (one per vehicle; W-LOAD-TANK: its medium is the goods' UN number).</summary>
    public static string TankNumber(TruckPlan truck)
    {
        ArgumentNullException.ThrowIfNull(truck);
        return "BWB-" + truck.Plate[1..];
    }

    /// <summary>The <c>POST /api/v1/waybills</c> body of <paramref name="truck"/> (DESIGN.md, REST surface).</summary>
    public static Dictionary<string, object> Body(TruckPlan truck, string carrierId, string driverId, string escortId, (DateTimeOffset Start, DateTimeOffset End) window)
    {
        ArgumentNullException.ThrowIfNull(truck);
        var points = truck.Route.Points;
        var names = truck.Route.Name.Split('→');
        var goods = GoodsOf(truck.Index);
        return new Dictionary<string, object>
        {
            ["carrierId"] = carrierId,
            ["consignor"] = new { name = names[0] + "化工仓库", phone = "023-60000001" },
            ["consignee"] = new { name = names[^1] + "化工厂", phone = "023-60000002" },
            ["loadingUnit"] = new { name = names[0] + "化工仓库", phone = "023-60000001" },
            ["goods"] = new[]
            {
                new Dictionary<string, object> { ["unNumber"] = goods.UnNumber, ["name"] = goods.Name, ["class"] = goods.Class, ["packingGroup"] = goods.PackingGroup, ["quantityKg"] = goods.QuantityKg },
            },
            ["vehiclePlate"] = truck.Plate,
            ["trailerPlate"] = "",
            ["tankNumber"] = TankNumber(truck),
            ["driverId"] = driverId,
            ["escortId"] = escortId,
            ["origin"] = new { name = names[0], lon = points[0].Lon, lat = points[0].Lat },
            ["destination"] = new { name = names[^1], lon = points[^1].Lon, lat = points[^1].Lat },
            ["route"] = new { crs = "WGS84", coordinates = Coordinates(truck.Route), corridorMeters = CorridorMeters },
            ["window"] = new
            {
                start = window.Start.ToString("O", CultureInfo.InvariantCulture),
                end = window.End.ToString("O", CultureInfo.InvariantCulture),
            },
            ["emergencyPhone"] = "023-12345678",
        };
    }
}

/// <summary>
/// Spaces requests of one bearer token evenly at <c>perSecond</c> (the gateway's token bucket is per role and subject:
/// 200/s, burst 400 by default), so concurrent callers never meet a 429. Thread-safe.
/// </summary>
internal sealed class RequestPacer(double perSecond, TimeProvider time)
{
    private readonly long _intervalTicks = (long)(TimeSpan.TicksPerSecond / perSecond);
    private readonly Lock _lock = new();
    private long _nextTicks = long.MinValue;

    /// <summary>Reserves the next slot and returns how long to wait for it (zero if the pace allows a request now).</summary>
    public TimeSpan Reserve()
    {
        var now = time.GetUtcNow().UtcTicks;
        lock (_lock)
        {
            var slot = Math.Max(now, _nextTicks);
            _nextTicks = slot + _intervalTicks;
            return TimeSpan.FromTicks(slot - now);
        }
    }

    public Task WaitAsync(CancellationToken cancellationToken)
    {
        var wait = Reserve();
        return wait <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(wait, time, cancellationToken);
    }
}

/// <summary>What <c>--waybills</c> did.</summary>
internal sealed record WaybillSeedResult(int Issued, int AlreadyActive, int Refused, int OutsideWindow, TimeSpan Issuing, TimeSpan TakenIn)
{
    public string Describe() => FormattableString.Invariant(
        $"{Issued:N0} issued + {AlreadyActive:N0} already active, {Refused:N0} refused, in {Issuing.TotalSeconds:0.0} s; RouteCompliance took them in {TakenIn.TotalSeconds:0.0} s later; {OutsideWindow} with a window after the run (OUTSIDE_TRAVEL_WINDOW probes)");
}

/// <summary>
/// <c>--waybills</c>: issues an ISSUED (active) waybill for every benchmark vehicle through the gateway REST API before
/// the load starts, then waits until RouteCompliance's trips group has committed to the end of the waybill-events topic
/// (it commits only after the trip is in its directory), so every fix of the run resolves an active trip. Tanks go in
/// under two admin subjects and waybills under the carrier's token, each paced below the gateway's per-token limit and
/// at most <see cref="Parallelism"/> in flight.
/// </summary>
internal sealed class WaybillSeeder(HttpClient gateway, TokenSource tokens, Action<string> log)
{
    public const string WaybillEventsTopic = "hazchem.waybill-events.v1";
    public const string TripsGroup = "routecompliance-trips";
    private const int Parallelism = 16;
    private const double PerTokenPerSecond = 150;
    private static readonly string[] PersonScope = ["2", "3", "8"];

    public async Task<WaybillSeedResult> SeedAsync(IReadOnlyList<TruckPlan> fleet, string carrierId, char letter, string kafka, TimeSpan run, double outsideWindow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        using var trips = new EngineOffsets(kafka, TripsGroup, WaybillEventsTopic);
        var eventsBefore = trips.Read().End;
        var clock = Stopwatch.StartNew();
        var admins = new List<(string Token, RequestPacer Pacer)>();
        for (var k = 0; k < 2; k++)
        {
            admins.Add((await tokens("admin", $"compliance-benchmark-{k}", cancellationToken), new RequestPacer(PerTokenPerSecond, TimeProvider.System)));
        }

        // The same people the simulator's seeder registers (found again on a re-run); W-ONE-ACTIVE holds only plates.
        var drivers = new List<string>();
        var escorts = new List<string>();
        for (var j = 0; j < 2; j++)
        {
            drivers.Add(await PersonAsync(admins[0], carrierId, "DRIVER", FleetSeeder.IdNumber(letter, j), "模拟司机" + (j + 1), cancellationToken));
            escorts.Add(await PersonAsync(admins[0], carrierId, "ESCORT", FleetSeeder.IdNumber(letter, j + 2), "模拟押运员" + (j + 1), cancellationToken));
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(fleet, options, async (truck, ct) =>
        {
            var goods = WaybillPlan.GoodsOf(truck.Index);
            var (status, body) = await PostAsync(admins[truck.Index % admins.Count], $"api/v1/carriers/{carrierId}/tanks", new
            {
                number = WaybillPlan.TankNumber(truck),
                capacityLitres = 30000,
                inspectionValidUntil = "2030-01-31",
                media = new[] { new { unNumber = goods.UnNumber, maxLoadKg = 21000 } },
            }, ct);
            if (status != HttpStatusCode.Conflict)
            {
                EnsureSuccess(status, body, "tank " + WaybillPlan.TankNumber(truck));
            }
        });
        log(FormattableString.Invariant($"{fleet.Count} tanks in {clock.Elapsed.TotalSeconds:0.0} s"));

        var carrier = (await tokens("carrier", carrierId, cancellationToken), new RequestPacer(PerTokenPerSecond, TimeProvider.System));
        var now = DateTimeOffset.UtcNow;
        var (window, later) = (WaybillPlan.Window(now, run), WaybillPlan.LaterWindow(now, run));
        var (issued, active) = (0, 0);
        var refusals = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(fleet, options, async (truck, ct) =>
        {
            var (status, body) = await PostAsync(carrier, "api/v1/waybills", WaybillPlan.Body(truck, carrierId, drivers[truck.Index % 2], escorts[truck.Index % 2], WaybillPlan.OutsideWindow(truck.Index, outsideWindow) ? later : window), ct);
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
                refusals.Add($"{truck.Plate}: {(int)status} {Truncate(body)}");
            }
        });
        var issuing = clock.Elapsed;
        log(FormattableString.Invariant($"waybills: {issued} issued, {active} already active, {refusals.Count} refused, in {issuing.TotalSeconds:0.0} s (tanks included)"));
        foreach (var refusal in refusals.Take(5))
        {
            log("waybill refused: " + refusal);
        }

        // Every issue publishes one event (through the Waybill outbox); wait until they are all on the topic and the
        // trips group has committed past them.
        var deadline = clock.Elapsed + TimeSpan.FromSeconds(120);
        EngineProgress progress;
        while (true)
        {
            progress = trips.Read();
            if (progress.End - eventsBefore >= issued && progress.Lag <= 0)
            {
                break;
            }

            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException(FormattableString.Invariant(
                    $"RouteCompliance's group '{TripsGroup}' did not take in the waybill events within 120 s: {progress.End - eventsBefore} of {issued} new events on {WaybillEventsTopic}, lag {progress.Lag}"));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        var takenIn = clock.Elapsed - issuing;
        log(FormattableString.Invariant($"trips: group {TripsGroup} committed to the end of {WaybillEventsTopic} ({progress.End - eventsBefore} new events) {takenIn.TotalSeconds:0.0} s after the last issue"));
        return new WaybillSeedResult(issued, active, refusals.Count, fleet.Count(t => WaybillPlan.OutsideWindow(t.Index, outsideWindow)), issuing, takenIn);
    }

    private async Task<string> PersonAsync((string Token, RequestPacer Pacer) admin, string carrierId, string role, string idNumber, string name, CancellationToken cancellationToken)
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
            return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/carriers/{carrierId}/personnel?pageSize=200");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.Token);
        using var response = await gateway.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        EnsureSuccess(response.StatusCode, text, "GET personnel");
        return System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("personnel").EnumerateArray()
            .First(p => p.GetProperty("idNumber").GetString() == idNumber).GetProperty("id").GetString()!;
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync((string Token, RequestPacer Pacer) caller, string path, object body, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            await caller.Pacer.WaitAsync(cancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", caller.Token);
            using var response = await gateway.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < 30)
            {
                // Someone else spends the same token's budget: back off.
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
                continue;
            }

            return (response.StatusCode, text);
        }
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
