using System.Diagnostics;
using System.Globalization;
using System.Net;
using Grpc.Net.Client;
using HazChem.Transport.Simulator.Fleet;
using HazChem.Transport.Simulator.Jt808;
using HazChem.Transport.Simulator.Transport;

namespace HazChem.Transport.Benchmarks.Ingest;

/// <summary>One measured figure for the report.</summary>
internal sealed record Figure(string Scenario, string Measure, string Value);

/// <summary>
/// Fix times start six hours back and advance one second per fix per vehicle (so a run never reaches
/// T-FUTURE); the position is a pure function of the fix time (10 m per second back and forth along the
/// vehicle's route), so any two fixes of a vehicle, even from different runs, imply 36 km/h (no T-JUMP).
/// Two runs on the same fleet whose fix-time spans overlap send duplicates (T-DUPLICATE): use fresh
/// plates (--plate-letters) or wait longer than a run's span between runs.
/// </summary>
internal sealed class FixFactory(IReadOnlyList<TruckPlan> fleet, DateTimeOffset start)
{
    private readonly long[] _counters = new long[fleet.Count];
    private readonly DateTimeOffset _start = start;

    /// <summary>
    /// Where a run starts: six hours back, or after the last fix time an earlier run of this fleet used
    /// (remembered in <paramref name="stateFile"/>), so runs never repeat a vehicle's fix time.
    /// </summary>
    public static DateTimeOffset StartFor(string stateFile, DateTimeOffset now)
    {
        var start = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond) - TimeSpan.FromHours(6).Ticks, TimeSpan.Zero);
        if (File.Exists(stateFile) && DateTimeOffset.TryParse(File.ReadAllText(stateFile).Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var next) && next > start)
        {
            start = next;
        }

        return start;
    }

    /// <summary>The first fix time after every fix handed out so far.</summary>
    public DateTimeOffset Next() => _start.AddSeconds(_counters.Max() + 1);

    public LocationFix Next(int vehicle)
    {
        var n = Interlocked.Increment(ref _counters[vehicle]);
        var route = fleet[vehicle].Route;
        var d = (_start.AddSeconds(n) - DateTimeOffset.UnixEpoch).TotalSeconds * 10 % (2 * route.LengthM);
        var (point, heading) = route.At(d > route.LengthM ? (2 * route.LengthM) - d : d);
        return new LocationFix
        {
            FixTime = _start.AddSeconds(n),
            Lat = Math.Round(point.Lat, 6),
            Lon = Math.Round(point.Lon, 6),
            SpeedKmh = 36,
            HeadingDeg = Math.Round(heading),
            AltitudeM = 250,
            MileageKm = 1000 + (n / 100.0),
        };
    }
}

internal static class Scenarios
{
    /// <summary>Sustained gRPC ReportPositions: <paramref name="streams"/> streams (one HTTP/2 connection each), closed loop.</summary>
    public static async Task<List<Figure>> GrpcAsync(
        Uri address, string token, IReadOnlyList<TruckPlan> fleet, FixFactory factory, int streams, int batch, TimeSpan warmup, TimeSpan duration, ProcessProbe? server, KafkaCounter? kafka, CancellationToken cancellationToken)
    {
        var stats = new SimulatorStats();
        var channels = Enumerable.Range(0, streams).Select(_ => GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler() })).ToList();
        var transports = channels.Select(c => new GrpcBatchTransport(c.CreateCallInvoker(), token, stats, batch, TimeSpan.FromMilliseconds(20), maxInFlight: 16)).ToList();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producers = transports.Select((transport, s) => Task.Run(async () =>
        {
            try
            {
                for (var i = s; !stop.IsCancellationRequested; i = (i + streams) % fleet.Count)
                {
                    await transport.EnqueueAsync(PositionFixes.From(fleet[i].Plate, factory.Next(i)), stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // done
            }
        })).ToList();

        var figures = await MeasureAsync("gRPC ReportPositions", stats, warmup, duration, server, kafka, cancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(producers);
        foreach (var transport in transports)
        {
            await transport.DisposeAsync();
        }

        channels.ForEach(c => c.Dispose());
        figures.Insert(0, new Figure("gRPC ReportPositions", "setup", $"{streams} streams, batches of {batch}, {fleet.Count} vehicles"));
        return figures;
    }

    /// <summary>
    /// Sustained JT/T 808: <paramref name="connections"/> registered and authenticated terminals, each sending
    /// 0x0200 frames written <paramref name="pipeline"/> at a time with at most <paramref name="window"/> unacknowledged.
    /// </summary>
    public static async Task<List<Figure>> Jt808Async(
        EndPoint server, IReadOnlyList<TruckPlan> fleet, FixFactory factory, int connections, int pipeline, int window, TimeSpan warmup, TimeSpan duration, ProcessProbe? probe, KafkaCounter? kafka, Action<string> log, CancellationToken cancellationToken)
    {
        var stats = new SimulatorStats();
        var sessions = new Jt808Session?[connections];
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, connections), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            try
            {
                var session = await Jt808Session.ConnectAsync(server, fleet[i].Terminal, stats, null, ct);
                var code = await session.RegisterAsync(fleet[i].Plate, ct);
                await session.AuthenticateAsync(code, ct);
                sessions[i] = session;
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or Jt808RefusedException)
            {
                stats.OnRegistrationRefused(ex.Message);
            }
        });
        var ready = sessions.Where(s => s is not null).Select(s => s!).ToList();
        log($"JT/T 808: {ready.Count} of {connections} terminals registered and authenticated in {clock.Elapsed.TotalSeconds:0.0} s{(stats.LastError.Length > 0 ? "; last error: " + stats.LastError : "")}");
        if (ready.Count == 0)
        {
            return [new Figure("JT/T 808", "result", "no terminal could register/authenticate: " + stats.LastError)];
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var senders = ready.Select((session, k) => Task.Run(async () =>
        {
            var index = Array.IndexOf(sessions, session);
            var buffer = new List<byte>(pipeline * 80);
            var serials = new List<(ushort, int)>(pipeline);
            try
            {
                while (!stop.IsCancellationRequested && session.IsOpen)
                {
                    if (session.Unacknowledged + pipeline > window)
                    {
                        await Task.Delay(1, stop.Token);
                        continue;
                    }

                    buffer.Clear();
                    serials.Clear();
                    for (var j = 0; j < pipeline; j++)
                    {
                        var serial = session.NextSerial();
                        buffer.AddRange(Jt808Encoder.Frame(Jt808MessageId.Location, session.Terminal, serial, Jt808Encoder.LocationBody(factory.Next(index))));
                        serials.Add((serial, 1));
                    }

                    await session.WriteFramesAsync(buffer.ToArray(), serials, stop.Token);
                    stats.OnSent(pipeline, blind: false);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // done or connection lost (counted by the session)
            }
        })).ToList();

        var figures = await MeasureAsync("JT/T 808 0x0200", stats, warmup, duration, probe, kafka, cancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(senders);
        foreach (var session in ready)
        {
            await session.DisposeAsync();
        }

        figures.Insert(0, new Figure("JT/T 808 0x0200", "setup", $"{ready.Count} connections, {pipeline} frames per write, window {window} fixes"));
        return figures;
    }

    private static async Task<List<Figure>> MeasureAsync(string scenario, SimulatorStats stats, TimeSpan warmup, TimeSpan duration, ProcessProbe? server, KafkaCounter? kafka, CancellationToken cancellationToken)
    {
        await Task.Delay(warmup, cancellationToken);
        var (acks0, failures0, sent0) = (stats.Acks, stats.Failures, stats.FixesSent);
        var records0 = kafka?.Records() ?? 0;
        var serverCpu = new CpuWindow(server);
        var self = Process.GetCurrentProcess();
        var selfCpu0 = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var peakRss = 0.0;
        while (clock.Elapsed < duration)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            if (server is not null)
            {
                peakRss = Math.Max(peakRss, server.Status("VmRSS"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {scenario}: {clock.Elapsed.TotalSeconds,5:0}s accepted {(stats.Acks - acks0) / clock.Elapsed.TotalSeconds,9:N0}/s, refused {stats.Failures - failures0}"));
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var records = kafka?.Records() ?? 0;
        self.Refresh();
        var figures = new List<Figure>
        {
            new(scenario, "acknowledged fixes/s (gRPC: accepted count; JT/T 808: 0x8001 result 0)", ((stats.Acks - acks0) / seconds).ToString("N0", CultureInfo.InvariantCulture)),
            new(scenario, "sent fixes/s", ((stats.FixesSent - sent0) / seconds).ToString("N0", CultureInfo.InvariantCulture)),
            new(scenario, "refused or failed in the window", (stats.Failures - failures0).ToString(CultureInfo.InvariantCulture) + (stats.LastError.Length > 0 ? $" (last: {stats.LastError})" : "")),
            new(scenario, "benchmark client CPU", ((self.TotalProcessorTime - selfCpu0).TotalSeconds / seconds * 100).ToString("0", CultureInfo.InvariantCulture) + " % of one core"),
        };
        if (kafka is not null)
        {
            figures.Insert(0, new(scenario, $"records/s into {KafkaCounter.Topic} (high watermarks)", ((records - records0) / seconds).ToString("N0", CultureInfo.InvariantCulture)));
        }

        if (server is not null)
        {
            figures.Add(new(scenario, "Telemetry CPU", serverCpu.PercentOfOneCore().ToString("0", CultureInfo.InvariantCulture) + " % of one core"));
            figures.Add(new(scenario, "Telemetry RSS (peak in window / VmHWM)", $"{peakRss:0} MiB / {server.Status("VmHWM"):0} MiB"));
        }

        return figures;
    }
}
