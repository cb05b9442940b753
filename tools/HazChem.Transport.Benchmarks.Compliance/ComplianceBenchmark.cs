using System.Diagnostics;
using System.Globalization;
using HazChem.Transport.Simulator.Fleet;
using HazChem.Transport.Simulator.Seeding;

namespace HazChem.Transport.Benchmarks.Compliance;

/// <summary>Where the stack is.</summary>
/// <param name="Gateway">Gateway REST (dev tokens, seeding).</param>
/// <param name="Positions">gRPC address the fixes go to: the gateway's gRPC port or Telemetry directly.</param>
/// <param name="Kafka">The stack's Kafka bootstrap servers.</param>
internal sealed record StackEndpoints(Uri Gateway, Uri Positions, string Kafka);

/// <summary>What to offer and measure.</summary>
internal sealed record BenchmarkSettings
{
    public double Rate { get; init; } = 5000;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(45);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(15);

    public int Vehicles { get; init; } = 1000;

    public double Speeders { get; init; } = 0.4;

    /// <summary>The stack's <c>Compliance__OverspeedAfter</c>.</summary>
    public TimeSpan OpenAfter { get; init; } = TimeSpan.FromSeconds(30);

    public int Streams { get; init; } = 2;

    public int Batch { get; init; } = 500;

    public string PlateLetter { get; init; } = "K";

    public string PhonePrefix { get; init; } = "0148";

    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(30);

    public string EngineGroup { get; init; } = "routecompliance-engine";

    /// <summary>Also watch hazchem.positions.v1 to split the latency (costs this process about a fifth of a core at 5,000/s).</summary>
    public bool Split { get; init; }

    /// <summary><c>--waybills</c>: issue an active waybill along its driven route for every vehicle before the load.</summary>
    public bool Waybills { get; init; }

    /// <summary>With <see cref="Waybills"/>: fraction of the vehicles whose window starts after the run (OUTSIDE_TRAVEL_WINDOW probes).</summary>
    public double OutsideWindow { get; init; } = 0.01;
}

/// <summary>CPU seconds so far per process of interest.</summary>
internal delegate IReadOnlyDictionary<string, double> CpuSampler();

/// <summary>
/// The end-to-end run: seed the fleet, offer fixes at the rate for warm-up + duration, read the engine's committed
/// offsets at the start and end of the measured window, then let it drain and match every OVERSPEED opening to the
/// moment its opening fix was sent.
/// </summary>
internal static class ComplianceBenchmark
{
    public static async Task<int> RunAsync(StackEndpoints stack, BenchmarkSettings settings, CpuSampler? cpu, TextWriter output, CancellationToken cancellationToken)
    {
        var (w, d, a) = (settings.Warmup.TotalSeconds, settings.Duration.TotalSeconds, settings.OpenAfter.TotalSeconds);
        var (from, to) = (Math.Max(0, w - a) + 1, w + d - a - 3);
        if (to < from)
        {
            await output.WriteLineAsync($"warm-up + duration ({w + d:0} s) must exceed --open-after ({a:0} s) by at least 4 s so OVERSPEED can open in the measured window.");
            return 2;
        }

        var (fleet, gps, waybills) = await SeedAsync(stack, settings, settings.Warmup + settings.Duration + settings.Drain, output, cancellationToken);
        var motion = new FleetMotion(fleet, FleetMotion.Schedule(fleet.Count, settings.Speeders, from, to, seed: 6006), settings.OpenAfter);
        var book = new LatencyBook();
        var plates = fleet.Select(t => t.Plate).ToHashSet(StringComparer.Ordinal);
        using var listener = new ViolationListener(stack.Kafka, plates);
        using var offsets = new EngineOffsets(stack.Kafka, settings.EngineGroup);
        using var positionsProbe = settings.Split ? new PositionsProbe(stack.Kafka, book) : null;
        var loadBefore = LoadAverage();
        await output.WriteLineAsync($"load: {settings.Rate:N0} fixes/s for {w + d:0} s ({w:0} s warm-up) over {fleet.Count:N0} vehicles ({settings.Rate / fleet.Count:0.0} Hz each), "
            + $"{motion.Speeders} speeders at {FleetMotion.SpeedingKmh:0} km/h from second {from:0} to {to:0}; gRPC {stack.Positions} × {settings.Streams} streams; load average {loadBefore}");

        await using var sender = new PositionSender(stack.Positions, gps, motion, book, TimeProvider.System, settings.Streams, settings.Batch);
        var clock = Stopwatch.StartNew();
        var runStart = Stopwatch.GetTimestamp();
        var runStartWallMs = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        sender.Start(settings.Rate, clock);

        (long Sent, EngineProgress Progress, IReadOnlyDictionary<string, double>? Cpu) windowStart = default;
        var maxLag = 0L;
        var lastSent = 0L;
        var lastProgress = offsets.Read();
        if (w <= 0)
        {
            windowStart = (0, lastProgress, cpu?.Invoke());
        }

        for (var second = 1; second <= w + d && sender.Failure is null; second++)
        {
            var wait = TimeSpan.FromSeconds(second) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            var sent = sender.Sent;
            var progress = offsets.Read();
            if (second == (int)w)
            {
                windowStart = (sent, progress, cpu?.Invoke());
            }

            if (second > w)
            {
                maxLag = Math.Max(maxLag, progress.Lag);
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  t={second,3}s sent {sent - lastSent,6}/s  into Kafka {progress.End - lastProgress.End,6}/s  engine {progress.Committed - lastProgress.Committed,6}/s  lag {progress.Lag,7}  openings {listener.Openings.Count}"));
            (lastSent, lastProgress) = (sent, progress);
        }

        var windowEnd = (Sent: sender.Sent, Progress: offsets.Read(), Cpu: cpu?.Invoke());
        var measured = clock.Elapsed.TotalSeconds - w;
        await sender.StopAsync(TimeSpan.FromSeconds(30));

        // Drain: until the engine has committed everything and every predicted opening arrived (or the drain limit).
        var drainClock = Stopwatch.StartNew();
        var predicted = motion.PredictedOpenings();
        double? drainedAfter = null;
        while (drainClock.Elapsed < settings.Drain)
        {
            var progress = offsets.Read();
            if (progress.Lag == 0)
            {
                drainedAfter ??= drainClock.Elapsed.TotalSeconds;
                if (listener.Openings.Select(o => o.Plate).Distinct().Count() >= predicted.Count)
                {
                    break;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        var finalProgress = offsets.Read();
        var loadAfter = LoadAverage();

        // Latency of each opening whose opening fix was sent inside the measured window.
        var windowFrom = runStart + (long)(w * Stopwatch.Frequency);
        var latencies = new List<double>();
        var (toApplied, toTelemetry, toKafka, toHere) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
        var (unmatched, atPredicted, beforeWindow) = (0, 0, 0);
        foreach (var opening in listener.Openings.GroupBy(o => o.Plate).Select(g => g.First()))
        {
            if (predicted.TryGetValue(opening.Plate, out var expected) && expected == opening.OpeningFixMs)
            {
                atPredicted++;
            }

            if (!book.TryGetSent(opening.Plate, opening.OpeningFixMs, out var sentAt))
            {
                unmatched++;
                continue;
            }

            if (sentAt < windowFrom)
            {
                beforeWindow++;
                continue;
            }

            latencies.Add((opening.ReceivedAt - sentAt) * 1000.0 / Stopwatch.Frequency);
            if (opening.OccurredAtMs > 0 && opening.PublishedAtMs > 0)
            {
                // The same machine's wall clock on both sides; the send moment is placed on it from the run's start.
                var sentWallMs = runStartWallMs + ((sentAt - runStart) * 1000.0 / Stopwatch.Frequency);
                var receivedWallMs = runStartWallMs + ((opening.ReceivedAt - runStart) * 1000.0 / Stopwatch.Frequency);
                toApplied.Add(opening.OccurredAtMs - sentWallMs);
                if (positionsProbe is not null && positionsProbe.TryGetProduced(opening.Plate, out var producedMs))
                {
                    toTelemetry.Add(producedMs - sentWallMs);
                }


                toKafka.Add(opening.PublishedAtMs - opening.OccurredAtMs);
                toHere.Add(receivedWallMs - opening.PublishedAtMs);
            }
        }

        latencies.Sort();
        toApplied.Sort();
        toTelemetry.Sort();
        toKafka.Sort();
        toHere.Sort();
        static string Split(List<double> sorted) => sorted.Count == 0 ? "-" : Inv($"{Percentiles.NearestRank(sorted, 50):N0} / {Percentiles.NearestRank(sorted, 99):N0} ms (n {sorted.Count})");
        var received = listener.Openings.Select(o => o.Plate).Distinct(StringComparer.Ordinal).Count();
        var sentRate = (windowEnd.Sent - windowStart.Sent) / measured;
        var kafkaRate = (windowEnd.Progress.End - windowStart.Progress.End) / measured;
        var engineRate = (windowEnd.Progress.Committed - windowStart.Progress.Committed) / measured;
        // Committed offsets trail by up to the 1 s commit interval, so a lag under ~2 s of load that did not grow is keeping up.
        var keepsUp = windowEnd.Progress.Lag <= Math.Max(windowStart.Progress.Lag, 2 * sentRate) && drainedAfter is not null;
        var rows = new List<(string Measure, string Value)>
        {
            ("offered", Inv($"{settings.Rate:N0} fixes/s, {fleet.Count:N0} vehicles ({settings.Rate / fleet.Count:0.#} Hz each), {motion.Speeders} speeders, gRPC × {settings.Streams}, batches ≤ {settings.Batch}")),
            ("measured window", Inv($"{measured:0.0} s after {w:0} s warm-up")),
            ("sent", Inv($"{sentRate:N0} fixes/s")),
            ("accepted by Telemetry (whole run)", Inv($"{sender.Accepted:N0} of {sender.Sent:N0}") + (sender.Rejected.Count == 0 ? "" : "; rejected " + string.Join(", ", sender.Rejected.Select(r => $"{r.Key} {r.Value:N0}")))),
            ("into hazchem.positions.v1", Inv($"{kafkaRate:N0} fixes/s")),
            ("**processed by the engine** (committed offsets)", Inv($"**{engineRate:N0} fixes/s**")),
            ("engine lag (uncommitted fixes) at window start → end", Inv($"{windowStart.Progress.Lag:N0} → {windowEnd.Progress.Lag:N0} (≈ {windowEnd.Progress.Lag / Math.Max(1, sentRate):0.0} s of load; offsets are committed every second); max in window {maxLag:N0}")),
            ("engine keeps up", keepsUp ? "yes" : "**no**"),
            ("drained after load stopped", drainedAfter is { } s ? Inv($"{s:0.0} s") : Inv($"not within {settings.Drain.TotalSeconds:0} s (lag {finalProgress.Lag:N0})")),
            ("OVERSPEED openings", Inv($"{received} received of {predicted.Count} expected; {atPredicted} at the predicted fix; {beforeWindow} before the window; {unmatched} without a send record")),
            ("**fix→violation latency** (n)", Inv($"{latencies.Count}")),
            ("p50 / p99 / max", latencies.Count == 0 ? "-" : Inv($"**{Percentiles.NearestRank(latencies, 50):N0} ms / {Percentiles.NearestRank(latencies, 99):N0} ms / {latencies[^1]:N0} ms**")),
            ("  send → engine applied the fix (event occurred_at), p50 / p99", Split(toApplied)),
            ("    of which send → Telemetry produced it (positions record CreateTime)", settings.Split ? Split(toTelemetry) : "(with --split)"),
            ("  → violation stored and its record produced (CreateTime)", Split(toKafka)),
            ("  → record consumed here", Split(toHere)),
            ("load average (1/5/15 min) before / after", $"{loadBefore} / {loadAfter}"),
        };
        if (waybills is not null)
        {
            rows.Insert(1, ("waybills (--waybills)", waybills.Describe()));
        }

        if (listener.Events.Count > 0)
        {
            rows.Add(("violation events of the fleet", string.Join(", ", listener.Events.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => Inv($"{e.Key} {e.Value}")))));
        }

        if (sender.Failure is { } failure)
        {
            rows.Add(("failure", failure));
        }

        foreach (var sample in sender.RejectionSamples)
        {
            await output.WriteLineAsync("rejected: " + sample);
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync("| measure | value |");
        await output.WriteLineAsync("|---|---|");
        foreach (var (measure, value) in rows)
        {
            await output.WriteLineAsync($"| {measure} | {value.Replace("|", "\\|", StringComparison.Ordinal)} |");
        }

        if (windowStart.Cpu is { } cpuStart && windowEnd.Cpu is { } cpuEnd)
        {
            await output.WriteLineAsync();
            await output.WriteLineAsync(Inv($"CPU during the measured window ({measured:0} s; {Environment.ProcessorCount} cores = {Environment.ProcessorCount * 100} %):"));
            await output.WriteLineAsync("| process | CPU s | % of one core |");
            await output.WriteLineAsync("|---|---:|---:|");
            foreach (var (name, seconds) in cpuEnd.OrderByDescending(c => c.Value - cpuStart.GetValueOrDefault(c.Key)))
            {
                var used = seconds - cpuStart.GetValueOrDefault(name);
                await output.WriteLineAsync(Inv($"| {name} | {used:0.0} | {used / measured * 100:0} % |"));
            }
        }

        return sender.Failure is null && latencies.Count > 0 ? 0 : 1;
    }

    /// <summary>
    /// <c>--max</c>: no speeders; after the warm-up at <see cref="BenchmarkSettings.Rate"/>, steps of
    /// <paramref name="step"/> each <paramref name="factor"/> times the last rate, until the engine's lag grows by more
    /// than 1.5 s of load within a step (committed offsets trail by up to a second), the stack stops taking what is
    /// offered (sent &lt; 90 %), or <paramref name="steps"/> steps ran.
    /// </summary>
    public static async Task<int> RampAsync(StackEndpoints stack, BenchmarkSettings settings, TimeSpan step, double factor, int steps, CpuSampler? cpu, TextWriter output, CancellationToken cancellationToken)
    {
        var (fleet, gps, _) = await SeedAsync(stack, settings, settings.Warmup + (step * steps) + settings.Drain, output, cancellationToken);
        var motion = new FleetMotion(fleet, FleetMotion.Schedule(fleet.Count, 0, 0, 0, seed: 6006), settings.OpenAfter);
        using var offsets = new EngineOffsets(stack.Kafka, settings.EngineGroup);
        var loadBefore = LoadAverage();
        await output.WriteLineAsync(Inv($"ramp: warm-up {settings.Warmup.TotalSeconds:0} s at {settings.Rate:N0} fixes/s, then up to {steps} steps of {step.TotalSeconds:0} s, × {factor} each; load average {loadBefore}"));
        await using var sender = new PositionSender(stack.Positions, gps, motion, new LatencyBook(), TimeProvider.System, settings.Streams, settings.Batch);
        var clock = Stopwatch.StartNew();
        sender.Start(settings.Rate, clock);
        await Task.Delay(settings.Warmup, cancellationToken);

        var rows = new List<string>();
        var rate = settings.Rate;
        var (keptUp, peak) = (0.0, 0.0);
        string? verdict = null;
        for (var k = 0; k < steps && sender.Failure is null; k++)
        {
            sender.Rate = rate;
            var (s0, p0, c0, t0) = (sender.Sent, await AveragedAsync(offsets, cancellationToken), cpu?.Invoke(), clock.Elapsed);
            await Task.Delay(step - TimeSpan.FromSeconds(1), cancellationToken);
            var (s1, p1, c1, t1) = (sender.Sent, await AveragedAsync(offsets, cancellationToken), cpu?.Invoke(), clock.Elapsed);
            var seconds = (t1 - t0).TotalSeconds;
            var sent = (s1 - s0) / seconds;
            var kafka = (p1.End - p0.End) / seconds;
            var engine = (p1.Committed - p0.Committed) / seconds;
            peak = Math.Max(peak, engine);
            string Cpu(string name) => c0 is null || c1 is null ? "-" : Inv($"{(c1.GetValueOrDefault(name) - c0.GetValueOrDefault(name)) / seconds * 100:0} %");
            var row = Inv($"| {rate:N0} | {sent:N0} | {kafka:N0} | {engine:N0} | {p0.Lag:N0} → {p1.Lag:N0} | {Cpu("telemetry")} | {Cpu("routecompliance")} | {Cpu("gateway")} | {Cpu("benchmark + broker")} |");
            rows.Add(row);
            await output.WriteLineAsync(row);

            // Lag averaged over a second at each end (commits come every second); growth by half a second of load
            // while the engine falls measurably behind what reaches Kafka is not keeping up.
            var grew = p1.Lag - p0.Lag > 0.5 * rate && engine < 0.97 * kafka;
            if (grew || sent < 0.9 * rate)
            {
                verdict = grew
                    ? Inv($"the engine's lag grows at {rate:N0} fixes/s offered (it processed {engine:N0}/s of {kafka:N0}/s reaching Kafka)")
                    : Inv($"the stack took only {sent:N0} of {rate:N0} fixes/s offered (ingest or this machine saturates before the engine)");
                break;
            }

            keptUp = rate;
            rate *= factor;
        }

        verdict = keptUp == 0
            ? verdict ?? "no step completed"
            : Inv($"kept up at {keptUp:N0} fixes/s offered; ") + (verdict ?? Inv($"no saturation found (last step {keptUp:N0}/s)"));
        verdict += Inv($"; highest engine rate in a step {peak:N0} fixes/s");
        await sender.StopAsync(TimeSpan.FromSeconds(30));
        await output.WriteLineAsync();
        await output.WriteLineAsync("| offered fixes/s | sent/s | into Kafka/s | engine/s (committed) | lag start → end | Telemetry CPU | RouteCompliance CPU | gateway CPU | benchmark + broker CPU |");
        await output.WriteLineAsync("|---:|---:|---:|---:|---|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            await output.WriteLineAsync(row);
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync($"Result: {verdict}. Load average before / after: {loadBefore} / {LoadAverage()} (CPU in % of one core; {Environment.ProcessorCount} cores).");
        return sender.Failure is null ? 0 : 1;
    }

    /// <summary>Progress averaged over five readings a quarter second apart (smooths the once-a-second commits).</summary>
    private static async Task<EngineProgress> AveragedAsync(EngineOffsets offsets, CancellationToken cancellationToken)
    {
        var readings = new List<EngineProgress>();
        for (var i = 0; i < 5; i++)
        {
            if (i > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }

            readings.Add(offsets.Read());
        }

        return new EngineProgress((long)readings.Average(r => r.End), (long)readings.Average(r => r.Committed));
    }

    private static async Task<(IReadOnlyList<TruckPlan> Fleet, string GpsToken, WaybillSeedResult? Waybills)> SeedAsync(
        StackEndpoints stack, BenchmarkSettings settings, TimeSpan run, TextWriter output, CancellationToken cancellationToken)
    {
        var fleetOptions = new FleetOptions { Vehicles = settings.Vehicles, PlateLetters = settings.PlateLetter, PhonePrefix = settings.PhonePrefix, WaybillEvery = 0, Seed = 6006 };
        var fleet = FleetPlanner.Plan(fleetOptions);
        using var http = new HttpClient { BaseAddress = stack.Gateway, Timeout = TimeSpan.FromSeconds(60) };
        var tokens = FleetSeeder.DevTokens(http);
        var seedClock = Stopwatch.StartNew();
        var seeded = await new FleetSeeder(http, tokens, line => output.WriteLine("seed: " + line)).SeedAsync(fleet, fleetOptions, DateTimeOffset.UtcNow, cancellationToken);
        await output.WriteLineAsync($"seed: {fleet.Count} vehicles in {seedClock.Elapsed.TotalSeconds:0} s");
        WaybillSeedResult? waybills = null;
        if (settings.Waybills)
        {
            waybills = await new WaybillSeeder(http, tokens, line => output.WriteLine("seed: " + line))
                .SeedAsync(fleet, seeded.CarrierId, settings.PlateLetter[0], stack.Kafka, run, settings.OutsideWindow, cancellationToken);
        }

        return (fleet, await tokens("gps", FleetSeeder.DevPlatformGateway, cancellationToken), waybills);
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static string Inv(FormattableString text) => FormattableString.Invariant(text);
}
