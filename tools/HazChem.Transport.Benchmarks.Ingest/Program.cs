using System.CommandLine;
using System.Globalization;
using System.Net;
using HazChem.Transport.Benchmarks.Ingest;
using HazChem.Transport.Simulator;
using HazChem.Transport.Simulator.Fleet;
using HazChem.Transport.Simulator.Seeding;

var scenario = new Option<string>("--scenario") { Description = "grpc, jt808, idle or all", DefaultValueFactory = _ => "all" };
scenario.AcceptOnlyFromAmong("grpc", "jt808", "idle", "all");
var gateway = new Option<string>("--gateway") { Description = "Gateway REST address (dev tokens, --seed)", DefaultValueFactory = _ => "http://localhost:8080/" };
var grpc = new Option<string>("--grpc") { Description = "gRPC address: the gateway's gRPC port, or Telemetry directly (e.g. http://127.0.0.1:5104)", DefaultValueFactory = _ => "http://localhost:8081/" };
var token = new Option<string?>("--token") { Description = "Bearer token of role gps (default: a dev token from the gateway)" };
var jt808 = new Option<string>("--jt808") { Description = "Telemetry's JT/T 808 endpoint host:port", DefaultValueFactory = _ => "127.0.0.1:6808" };
var pid = new Option<int?>("--pid") { Description = "Telemetry's process id for CPU/memory (default: the process listening on the --jt808 port)" };
var vehicles = new Option<int>("--vehicles") { Description = "Distinct vehicles the fixes are spread over", DefaultValueFactory = _ => 2000 };
var plateLetters = new Option<string>("--plate-letters") { Description = "Plate letter(s) of the benchmark fleet (渝G00000…); a fresh letter gives fresh vehicles", DefaultValueFactory = _ => "G" };
var phonePrefix = new Option<string>("--phone-prefix") { Description = "Terminal phone prefix of the benchmark fleet", DefaultValueFactory = _ => "0146" };
var kafkaOption = new Option<string?>("--kafka") { Description = "Kafka bootstrap of the stack (the dev launcher prints it): also count records reaching hazchem.positions.v1" };
var seed = new Option<bool>("--seed") { Description = "Register the benchmark fleet first (plates 渝G00000…, phones 0146…: carrier, vehicles; needed for JT/T 808 registration and bound plates)" };
var duration = new Option<string>("--duration") { Description = "Measured time per throughput scenario", DefaultValueFactory = _ => "60s" };
var warmup = new Option<string>("--warmup") { Description = "Unmeasured warm-up per throughput scenario", DefaultValueFactory = _ => "10s" };
var streams = new Option<int>("--streams") { Description = "Parallel gRPC streams (one HTTP/2 connection each)", DefaultValueFactory = _ => 4 };
var batch = new Option<int>("--batch") { Description = "Fixes per gRPC batch", DefaultValueFactory = _ => 1000 };
var connections = new Option<int>("--connections") { Description = "JT/T 808 connections for the throughput scenario (≤ --vehicles)", DefaultValueFactory = _ => 200 };
var pipeline = new Option<int>("--pipeline") { Description = "0x0200 frames per socket write", DefaultValueFactory = _ => 20 };
var window = new Option<int>("--window") { Description = "Unacknowledged fixes allowed per JT/T 808 connection", DefaultValueFactory = _ => 200 };
var idle = new Option<int>("--idle-connections") { Description = "Concurrent idle JT/T 808 connections to open", DefaultValueFactory = _ => 20_000 };
var hold = new Option<string>("--hold") { Description = "How long to hold the idle connections", DefaultValueFactory = _ => "30s" };
var heartbeat = new Option<bool>("--heartbeat") { Description = "Idle connections send one 0x0002 heartbeat each" };
var replicas = new Option<int>("--replicas") { Description = "Idle scenario: Telemetry replicas to spread the connections over (the extra ones are clones of --pid's process on free ports, stopped at the end)", DefaultValueFactory = _ => 1 };
var force = new Option<bool>("--force") { Description = "Open --idle-connections even beyond Telemetry's open-files limit (it may die)" };

var root = new RootCommand("HazChem ingest benchmark: accepted fixes/s over gRPC and JT/T 808, Telemetry CPU/memory, idle JT/T 808 connections held.")
{
    scenario, gateway, grpc, token, jt808, pid, vehicles, plateLetters, phonePrefix, kafkaOption, seed, duration, warmup, streams, batch, connections, pipeline, window, idle, hold, heartbeat, replicas, force,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var which = parse.GetValue(scenario)!;
    var endpoint = SimulatorCommand.ParseEndPoint(parse.GetValue(jt808)!);
    var serverPid = parse.GetValue(pid) ?? (endpoint is IPEndPoint ip ? ProcessProbe.FindListener(ip.Port) : null);
    var probe = serverPid is { } p ? new ProcessProbe(p) : null;
    Console.WriteLine(probe is null
        ? "Telemetry process not found (pass --pid): CPU and memory are not reported."
        : $"Telemetry pid {probe.Pid}: RSS {probe.Status("VmRSS"):0} MiB, open files limit {probe.FileLimit()}");
    Console.WriteLine($"Machine: {Environment.ProcessorCount} cores; this process may open {new ProcessProbe(Environment.ProcessId).FileLimit()} files");

    var options = new FleetOptions { Vehicles = parse.GetValue(vehicles), PlateLetters = parse.GetValue(plateLetters)!, PhonePrefix = parse.GetValue(phonePrefix)!, WaybillEvery = 0, Seed = 4242 };
    var fleet = FleetPlanner.Plan(options);
    using var http = new HttpClient { BaseAddress = new Uri(parse.GetValue(gateway)!), Timeout = TimeSpan.FromSeconds(60) };
    var figures = new List<Figure>();
    try
    {
        if (parse.GetValue(seed))
        {
            await new FleetSeeder(http, FleetSeeder.DevTokens(http), line => Console.WriteLine("seed: " + line)).SeedAsync(fleet, options, DateTimeOffset.UtcNow, cancellationToken);
        }

        var (w, d) = (Duration.Parse(parse.GetValue(warmup)!), Duration.Parse(parse.GetValue(duration)!));
        var stateFile = Path.Combine(Path.GetTempPath(), $"hazchem-ingest-benchmark-{options.PlateLetters}-{options.PhonePrefix}.txt");
        var factory = new FixFactory(fleet, FixFactory.StartFor(stateFile, DateTimeOffset.UtcNow));
        if (factory.Next() > DateTimeOffset.UtcNow - TimeSpan.FromMinutes(30))
        {
            Console.Error.WriteLine($"Earlier runs of this fleet used fix times up to {factory.Next():u}; fixes would soon be in the future (T-FUTURE). Use fresh plates: --plate-letters J --phone-prefix 0147 --seed.");
            return 2;
        }
        using var kafka = parse.GetValue(kafkaOption) is { } bootstrap ? new KafkaCounter(bootstrap) : null;
        async Task RunAsync(string name, Func<Task<List<Figure>>> scenarioRun)
        {
            try
            {
                var result = await scenarioRun();
                figures.AddRange(result);
                foreach (var f in result)
                {
                    Console.WriteLine($"  = {f.Scenario} | {f.Measure} | {f.Value}");
                }
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or Grpc.Core.RpcException or System.Net.Sockets.SocketException or Confluent.Kafka.KafkaException)
            {
                Console.Error.WriteLine($"{name} failed: {ex.Message}");
                figures.Add(new Figure(name, "failed", ex.Message));
            }
        }

        if (which is "grpc" or "all")
        {
            var bearer = parse.GetValue(token) ?? await FleetSeeder.DevTokens(http)("gps", FleetSeeder.DevPlatformGateway, cancellationToken);
            Console.WriteLine($"gRPC: {parse.GetValue(grpc)} …");
            await RunAsync("gRPC ReportPositions", () => Scenarios.GrpcAsync(new Uri(parse.GetValue(grpc)!), bearer, fleet, factory, parse.GetValue(streams), parse.GetValue(batch), w, d, probe, kafka, cancellationToken));
        }

        if (which is "jt808" or "all")
        {
            Console.WriteLine($"JT/T 808: {endpoint} …");
            await RunAsync("JT/T 808 0x0200", () => Scenarios.Jt808Async(endpoint, fleet, factory, Math.Min(parse.GetValue(connections), fleet.Count), parse.GetValue(pipeline), parse.GetValue(window), w, d, probe, kafka, Console.WriteLine, cancellationToken));
        }

        await File.WriteAllTextAsync(stateFile, factory.Next().ToString("O", CultureInfo.InvariantCulture), cancellationToken);
        if (which is "idle" or "all")
        {
            var count = parse.GetValue(idle);
            var replicaCount = Math.Max(1, parse.GetValue(replicas));
            if (replicaCount > 1 && probe is null)
            {
                throw new InvalidOperationException("--replicas needs Telemetry's process (--pid or a listener on the --jt808 port) to clone");
            }

            if (probe is not null && int.TryParse(probe.FileLimit(), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && count > replicaCount * (limit - 1000) && !parse.GetValue(force))
            {
                // A .NET process that runs out of descriptors can die ("Out of memory": W^X double mapping needs one), so stay below.
                var cap = replicaCount * (limit - 1000);
                Console.WriteLine($"idle: Telemetry may open {limit} files; capping {count:N0} to {cap:N0} over {replicaCount} replica(s) (--force to try anyway, --replicas for more; raise its limit: see README)");
                figures.Add(new Figure("idle JT/T 808", "capped", $"{count:N0} requested, capped to {cap:N0} by Telemetry's open-files limit {limit} per replica"));
                count = cap;
            }

            var extra = new List<TelemetryReplica>();
            try
            {
                var targets = new List<IdleTarget> { new(parse.GetValue(jt808)!, probe) };
                for (var r = 1; r < replicaCount; r++)
                {
                    var replica = await TelemetryReplica.StartAsync(probe!, Console.WriteLine, cancellationToken);
                    extra.Add(replica);
                    targets.Add(new IdleTarget(replica.Jt808.ToString(), replica.Probe));
                }

                Console.WriteLine($"idle JT/T 808 connections: {count:N0} over {targets.Count} replica(s) …");
                await RunAsync("idle JT/T 808", () => IdleConnections.RunAsync(targets, count, Duration.Parse(parse.GetValue(hold)!), parse.GetValue(heartbeat), Console.WriteLine, cancellationToken));
            }
            finally
            {
                extra.ForEach(r => r.Dispose());
            }
        }
    }
    catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or Grpc.Core.RpcException or Confluent.Kafka.KafkaException)
    {
        Console.Error.WriteLine(ex.Message);
        figures.Add(new Figure("error", ex.GetType().Name, ex.Message));
    }

    Console.WriteLine();
    Console.WriteLine("| scenario | measure | value |");
    Console.WriteLine("|---|---|---|");
    foreach (var f in figures)
    {
        Console.WriteLine($"| {f.Scenario} | {f.Measure} | {f.Value.Replace("|", "\\|", StringComparison.Ordinal)} |");
    }

    return figures.Any(f => f.Scenario == "error") ? 1 : 0;
});

var holdCommand = new Command("hold-idle", "Internal: holds idle JT/T 808 connections for the idle scenario (one child process per 9,000).");
var holdCount = new Option<int>("--count") { Required = true };
var holdLocals = new Option<string>("--local-addresses") { DefaultValueFactory = _ => "127.0.0.1" };
holdCommand.Options.Add(jt808);
holdCommand.Options.Add(holdCount);
holdCommand.Options.Add(holdLocals);
holdCommand.Options.Add(heartbeat);
holdCommand.Hidden = true;
holdCommand.SetAction(async (parse, _) => await IdleConnections.HoldAsync(
    parse.GetValue(jt808)!,
    parse.GetValue(holdCount),
    parse.GetValue(holdLocals)!.Split(',').Select(a => IPAddress.Parse(a.Trim())).ToList(),
    parse.GetValue(heartbeat)));
root.Subcommands.Add(holdCommand);

Console.OutputEncoding = System.Text.Encoding.UTF8;
return await root.Parse(args).InvokeAsync();
