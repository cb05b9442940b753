using System.CommandLine;
using System.Globalization;
using System.Net;
using Grpc.Net.Client;
using HazChem.Transport.Simulator.Fleet;
using HazChem.Transport.Simulator.Seeding;
using HazChem.Transport.Simulator.Transport;

namespace HazChem.Transport.Simulator;

/// <summary>The command line of the fleet simulator.</summary>
internal static class SimulatorCommand
{
    public static RootCommand Create()
    {
        var vehicles = new Option<int>("--vehicles") { Description = "Number of simulated trucks", DefaultValueFactory = _ => 10 };
        var rate = new Option<double>("--rate") { Description = "Fixes per truck per second (0.2 = one every 5 s; at most 1, BCD time has whole seconds)", DefaultValueFactory = _ => 0.2 };
        var interval = new Option<string?>("--interval") { Description = "Time between a truck's fixes instead of --rate: 500ms, 5s, 1m, hh:mm:ss (at least 1s)" };
        var transport = new Option<string>("--transport") { Description = "jt808 (TCP, a connection per truck), grpc (ReportPositions stream batches) or http (POST /api/v1/positions:batch)", DefaultValueFactory = _ => "jt808" };
        transport.AcceptOnlyFromAmong("jt808", "grpc", "http");
        var jt808 = new Option<string>("--jt808") { Description = "Telemetry's JT/T 808 endpoint host:port", DefaultValueFactory = _ => "127.0.0.1:6808" };
        var gateway = new Option<string>("--gateway") { Description = "Gateway REST address (seeding, dev tokens, --transport http)", DefaultValueFactory = _ => "http://localhost:8080/" };
        var grpc = new Option<string>("--grpc") { Description = "gRPC address for --transport grpc: the gateway's gRPC port or Telemetry itself", DefaultValueFactory = _ => "http://localhost:8081/" };
        var token = new Option<string?>("--token") { Description = "Bearer token (role gps) for grpc/http; default: a dev token from the gateway" };
        var seed = new Option<bool>("--seed") { Description = "First register the fleet through the gateway: carrier, vehicles with terminal phones, drivers, escorts, tanks and waybills (idempotent)" };
        var waybillEvery = new Option<int>("--waybill-every") { Description = "With --seed: every Nth truck gets an issued waybill along its route (0 = none)", DefaultValueFactory = _ => 2 };
        var randomSeed = new Option<int>("--random-seed") { Description = "Same seed, same fleet (routes, behaviours)", DefaultValueFactory = _ => 808 };
        var plateLetters = new Option<string>("--plate-letters") { Description = "Issuing letters of the plates, 100,000 plates each (渝D00000 …); use other letters for a second fleet", DefaultValueFactory = _ => "DEFGH" };
        var phonePrefix = new Option<string>("--phone-prefix") { Description = "First digits of the 12-digit terminal phones", DefaultValueFactory = _ => "0145" };
        var cycle = new Option<string>("--cycle") { Description = "Behaviour cycle, anchored to UTC midnight: deviation and speeding start 2/15 into each cycle and last 4/15 of it; silence starts then too", DefaultValueFactory = _ => "15m" };
        var silence = new Option<string>("--silence") { Description = "How long silent trucks lose signal per cycle (their fixes follow as 0x0704 blind-area batches)", DefaultValueFactory = _ => "3m" };
        var duration = new Option<string?>("--duration") { Description = "Stop after this long (default: until Ctrl+C)" };
        var batch = new Option<int>("--batch") { Description = "Fixes per gRPC/HTTP batch", DefaultValueFactory = _ => 500 };
        var localAddresses = new Option<string?>("--local-addresses") { Description = "Comma-separated source addresses for JT/T 808 connections (127.0.0.1,127.0.0.2,… when source ports run short)" };
        var replay = new Option<FileInfo?>("--replay") { Description = "Replay this CSV track (format of ../shared/data/tracks/*.csv) for one vehicle instead of simulating a fleet" };
        var replayVehicle = new Option<string?>("--replay-vehicle") { Description = "vehicle_id to replay (default: the first in the file)" };
        var replayPlate = new Option<string>("--replay-plate") { Description = "Plate the replayed track reports as", DefaultValueFactory = _ => "渝A12345" };
        var replayPhone = new Option<string>("--replay-phone") { Description = "Terminal phone of the replayed vehicle (must be bound to the plate for jt808)", DefaultValueFactory = _ => "013800138000" };
        var replayZone = new Option<string>("--replay-timezone") { Description = "Time zone of the CSV timestamps", DefaultValueFactory = _ => "Europe/London" };
        var speedup = new Option<double>("--speedup") { Description = "Replay time scale: 10 = ten times faster (fix times are compressed too unless --keep-times)", DefaultValueFactory = _ => 1 };
        var keepTimes = new Option<bool>("--keep-times") { Description = "Replay with the recorded fix times instead of now-based ones" };
        var noProgress = new Option<bool>("--no-progress") { Description = "Plain progress lines instead of the live table" };

        var command = new RootCommand("HazChem fleet simulator: trucks around Chongqing over JT/T 808 TCP, gRPC or HTTP; CSV track replay.")
        {
            vehicles, rate, interval, transport, jt808, gateway, grpc, token, seed, waybillEvery, randomSeed, plateLetters, phonePrefix,
            cycle, silence, duration, batch, localAddresses, replay, replayVehicle, replayPlate, replayPhone, replayZone, speedup, keepTimes, noProgress,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var every = parse.GetValue(interval) is { } text ? Duration.Parse(text) : TimeSpan.FromSeconds(1 / Math.Max(1e-6, parse.GetValue(rate)));
                if (every < TimeSpan.FromSeconds(1))
                {
                    throw new ArgumentException("--rate/--interval: at most one fix per truck per second (JT/T 808 BCD times have whole seconds; faster would duplicate fix times).");
                }

                var options = new FleetOptions
                {
                    Vehicles = parse.GetValue(vehicles),
                    Seed = parse.GetValue(randomSeed),
                    PlateLetters = parse.GetValue(plateLetters)!,
                    PhonePrefix = parse.GetValue(phonePrefix)!,
                    WaybillEvery = parse.GetValue(waybillEvery),
                    Cycle = Duration.Parse(parse.GetValue(cycle)!),
                    SilenceDuration = Duration.Parse(parse.GetValue(silence)!),
                };

                // Episodes start 2/15 into each cycle and deviation/speeding last 4/15 of it (2 and 4 min of the default 15).
                options = options with { AnomalyStart = options.Cycle * 2 / 15, AnomalyDuration = options.Cycle * 4 / 15 };
                if (options.AnomalyStart + options.SilenceDuration > options.Cycle)
                {
                    throw new ArgumentException("--silence must fit in the cycle after its start (2/15 of --cycle).");
                }

                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                if (parse.GetValue(duration) is { } limit)
                {
                    stop.CancelAfter(Duration.Parse(limit));
                }

                using var http = new HttpClient { BaseAddress = new Uri(parse.GetValue(gateway)!), Timeout = TimeSpan.FromSeconds(60) };
                var stats = new SimulatorStats();
                var kind = parse.GetValue(transport)!;
                Console.WriteLine($"transport {kind}, interval {every.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s per truck");

                IReadOnlyList<TruckPlan> fleet;
                if (parse.GetValue(replay) is { } csv)
                {
                    var plate = parse.GetValue(replayPlate)!;
                    var phone = parse.GetValue(replayPhone)!;
                    using var reader = csv.OpenText();
                    var points = CsvTrack.Read(reader, TimeZoneInfo.FindSystemTimeZoneById(parse.GetValue(replayZone)!), parse.GetValue(replayVehicle));
                    if (points.Count < 2)
                    {
                        throw new ArgumentException($"{csv.FullName}: fewer than two points for the vehicle.");
                    }

                    var schedule = CsvTrack.Schedule(points, TimeProvider.System.GetUtcNow(), parse.GetValue(speedup), parse.GetValue(keepTimes));
                    var truck = new TruckPlan(0, plate, phone, Jt808.Jt808Edition.V2013, TruckBehaviour.Normal,
                        new Route("replay", points.Select(p => p.Point).ToList()), 0, 0, HasWaybill: false);
                    Console.WriteLine($"replaying {schedule.Count} fixes of vehicle {points[0].VehicleId} ({points[0].Time:u} … {points[^1].Time:u}) as {plate} / {phone}, speedup {parse.GetValue(speedup)}");
                    await using var replayTransport = await CreateTransportAsync(kind, parse.GetValue(jt808)!, new Uri(parse.GetValue(grpc)!), http, parse.GetValue(token), parse.GetValue(batch), parse.GetValue(localAddresses), stats, stop.Token);
                    var replayRun = new ReplayRunner(truck, schedule, replayTransport, stats, TimeProvider.System).RunAsync(stop.Token);
                    await ProgressView.ShowAsync($"replay {csv.Name}", stats, IgnoreCancellation(replayRun), !parse.GetValue(noProgress));
                    await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
                    return 0;
                }

                fleet = FleetPlanner.Plan(options);
                Console.WriteLine($"{fleet.Count} trucks: {string.Join(", ", fleet.GroupBy(t => t.Behaviour).Select(g => $"{g.Count()} {g.Key}"))}; plates {fleet[0].Plate}…{fleet[^1].Plate}");
                if (parse.GetValue(seed))
                {
                    var seeder = new FleetSeeder(http, FleetSeeder.DevTokens(http), line => Console.WriteLine("seed: " + line));
                    await seeder.SeedAsync(fleet, options, TimeProvider.System.GetUtcNow(), stop.Token);
                }

                await using var fleetTransport = await CreateTransportAsync(kind, parse.GetValue(jt808)!, new Uri(parse.GetValue(grpc)!), http, parse.GetValue(token), parse.GetValue(batch), parse.GetValue(localAddresses), stats, stop.Token);
                var run = new SimulationRunner(fleet, options, fleetTransport, stats, TimeProvider.System, every).RunAsync(stop.Token);
                await ProgressView.ShowAsync($"{fleet.Count} trucks over {kind}", stats, IgnoreCancellation(run), !parse.GetValue(noProgress));
                return 0;
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or HttpRequestException or IOException or TimeZoneNotFoundException)
            {
                Console.Error.WriteLine(ex.Message);
                return 2;
            }
            catch (OperationCanceledException)
            {
                return 0;
            }
        });
        return command;
    }

    /// <summary>Creates the transport; for grpc/http without a token, asks the gateway for a dev token of role gps.</summary>
    public static async Task<IFixTransport> CreateTransportAsync(
        string kind, string jt808, Uri grpc, HttpClient gateway, string? token, int batch, string? localAddresses, SimulatorStats stats, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        if (kind == "jt808")
        {
            var locals = localAddresses?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(IPAddress.Parse).ToList();
            return new Jt808Transport(ParseEndPoint(jt808), stats, locals);
        }

        token ??= await FleetSeeder.DevTokens(gateway)("gps", FleetSeeder.DevPlatformGateway, cancellationToken);
        if (kind == "grpc")
        {
            var channel = GrpcChannel.ForAddress(grpc, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true } });
            return new GrpcBatchTransport(channel.CreateCallInvoker(), token, stats, batch);
        }

        var http = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        return new HttpBatchTransport(http, token, stats, batch);
    }

    /// <summary>host:port → endpoint (DNS names resolved).</summary>
    public static EndPoint ParseEndPoint(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new FormatException($"'{value}' is not host:port.");
        }

        var host = value[..colon];
        return IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, port) : new DnsEndPoint(host, port);
    }

    private static async Task IgnoreCancellation(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
            // stopped by Ctrl+C or --duration
        }
    }
}
