using System.CommandLine;
using HazChem.Transport.Benchmarks.Compliance;
using HazChem.Transport.Dev;

var gatewayOption = new Option<Uri?>("--gateway")
{
    Description = "A running gateway's REST address (e.g. http://localhost:8080/; dev tokens, seeding); default: start the dev stack in a temporary folder",
    CustomParser = r => ParseUri(r),
};
var telemetryOption = new Option<Uri?>("--telemetry")
{
    Description = "gRPC address the fixes go to: the gateway's gRPC port (default: http://localhost:8081/ with --gateway, the started stack's otherwise) or Telemetry directly",
    CustomParser = r => ParseUri(r),
};
var kafkaOption = new Option<string?>("--kafka") { Description = "Kafka bootstrap servers of the running stack (required with --gateway; the dev launcher prints them)" };
var directOption = new Option<bool>("--direct") { Description = "With the started stack: send to Telemetry's own port instead of through the gateway" };
var rateOption = new Option<double>("--rate") { Description = "Offered load in fixes per second", DefaultValueFactory = _ => 5000 };
var durationOption = new Option<int>("--duration") { Description = "Measured seconds", DefaultValueFactory = _ => 45 };
var warmupOption = new Option<int>("--warmup") { Description = "Seconds at the same rate before measuring (the engine builds 1,000 vehicles' state in the first seconds)", DefaultValueFactory = _ => 15 };
var vehiclesOption = new Option<int>("--vehicles") { Description = "Vehicles the fixes are spread over (round robin)", DefaultValueFactory = _ => 1000 };
var speedersOption = new Option<double>("--speeders") { Description = "Fraction of the vehicles that start speeding (100 km/h) at staggered moments; each opens one OVERSPEED", DefaultValueFactory = _ => 0.4 };
var openAfterOption = new Option<int>("--open-after") { Description = "The stack's Compliance__OverspeedAfter in seconds", DefaultValueFactory = _ => 30 };
var streamsOption = new Option<int>("--streams") { Description = "Parallel gRPC ReportPositions streams", DefaultValueFactory = _ => 2 };
var batchOption = new Option<int>("--batch") { Description = "Most fixes per batch (batches also leave every 5 ms)", DefaultValueFactory = _ => 500 };
var plateOption = new Option<string>("--plate-letter") { Description = "Plate letter of the benchmark fleet (渝K00000…); against a running stack use a fresh one per run", DefaultValueFactory = _ => "K" };
var phoneOption = new Option<string>("--phone-prefix") { Description = "Terminal phone prefix of the benchmark fleet", DefaultValueFactory = _ => "0148" };
var splitOption = new Option<bool>("--split") { Description = "Also watch hazchem.positions.v1 to split the latency into ingest and engine shares (costs CPU in this process)" };
var maxOption = new Option<bool>("--max") { Description = "Ramp mode: no speeders; raise the rate from --rate by --factor every --step seconds until the engine's lag grows" };
var stepOption = new Option<int>("--step") { Description = "Seconds per ramp step", DefaultValueFactory = _ => 12 };
var factorOption = new Option<double>("--factor") { Description = "Rate multiplier per ramp step", DefaultValueFactory = _ => 1.5 };
var stepsOption = new Option<int>("--steps") { Description = "Most ramp steps", DefaultValueFactory = _ => 4 };
var waybillsOption = new Option<bool>("--waybills") { Description = "Before the load, issue every vehicle an active waybill along the route it drives (window covering the run, UN 1203 / UN 1830), so the engine checks corridor, window and zone bans per fix" };
var outsideWindowOption = new Option<double>("--outside-window") { Description = "With --waybills: fraction of the vehicles whose travel window starts after the run, so OUTSIDE_TRAVEL_WINDOW opens for them (probes that the engine resolves the trips); 0 for none", DefaultValueFactory = _ => 0.01 };
var drainOption = new Option<int>("--drain") { Description = "Longest wait in seconds after the load for the engine to catch up", DefaultValueFactory = _ => 30 };

Positive(rateOption, "--rate");
Positive(durationOption, "--duration");
Positive(vehiclesOption, "--vehicles");
Positive(streamsOption, "--streams");
Positive(batchOption, "--batch");
Positive(stepOption, "--step");
Positive(stepsOption, "--steps");
speedersOption.Validators.Add(r =>
{
    if (r.GetValueOrDefault<double>() is < 0 or > 1)
    {
        r.AddError("--speeders must be a fraction from 0 to 1");
    }
});
outsideWindowOption.Validators.Add(r =>
{
    if (r.GetValueOrDefault<double>() is < 0 or > 1)
    {
        r.AddError("--outside-window must be a fraction from 0 to 1");
    }
});
plateOption.Validators.Add(r =>
{
    if (r.GetValueOrDefault<string>() is not { Length: 1 } letter || letter[0] is < 'A' or > 'Z')
    {
        r.AddError("--plate-letter must be one capital letter A-Z");
    }
});

var root = new RootCommand("End-to-end RouteCompliance benchmark: fixes over gRPC → Telemetry → hazchem.positions.v1 → engine → hazchem.violations.v1.")
{
    gatewayOption, telemetryOption, kafkaOption, directOption, rateOption, durationOption, warmupOption, vehiclesOption, speedersOption, openAfterOption,
    streamsOption, batchOption, plateOption, phoneOption, drainOption, splitOption, waybillsOption, outsideWindowOption, maxOption, stepOption, factorOption, stepsOption,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var settings = new BenchmarkSettings
    {
        Rate = parse.GetValue(rateOption),
        Duration = TimeSpan.FromSeconds(parse.GetValue(durationOption)),
        Warmup = TimeSpan.FromSeconds(parse.GetValue(warmupOption)),
        Vehicles = parse.GetValue(vehiclesOption),
        Speeders = parse.GetValue(speedersOption),
        OpenAfter = TimeSpan.FromSeconds(parse.GetValue(openAfterOption)),
        Streams = parse.GetValue(streamsOption),
        Batch = parse.GetValue(batchOption),
        PlateLetter = parse.GetValue(plateOption)!,
        PhonePrefix = parse.GetValue(phoneOption)!,
        Drain = TimeSpan.FromSeconds(parse.GetValue(drainOption)),
        Split = parse.GetValue(splitOption),
        Waybills = parse.GetValue(waybillsOption),
        OutsideWindow = parse.GetValue(outsideWindowOption),
    };
    Task<int> Run(StackEndpoints endpoints, CpuSampler? cpu) => parse.GetValue(maxOption)
        ? ComplianceBenchmark.RampAsync(endpoints, settings, TimeSpan.FromSeconds(parse.GetValue(stepOption)), parse.GetValue(factorOption), parse.GetValue(stepsOption), cpu, Console.Out, cancellationToken)
        : ComplianceBenchmark.RunAsync(endpoints, settings, cpu, Console.Out, cancellationToken);

    if (parse.GetValue(gatewayOption) is { } gateway)
    {
        if (parse.GetValue(kafkaOption) is not { } kafka)
        {
            Console.Error.WriteLine("--kafka is required with --gateway (the dev launcher prints the broker address).");
            return 2;
        }

        var positions = parse.GetValue(telemetryOption) ?? new Uri("http://localhost:8081/");
        return await Run(new StackEndpoints(gateway, positions, kafka), cpu: null);
    }

    var data = Path.Combine(Path.GetTempPath(), "hazchem-bench-" + Guid.NewGuid().ToString("N"));
    Console.WriteLine($"Starting the dev stack (data in {data}) ...");
    int result;
    await using (var stack = DevStack.Start(DevStackOptions.OnFreePorts(data, (name, line) => Console.Error.WriteLine($"[{name}] {line}"))))
    {
        var (healthy, body) = await stack.WaitHealthyAsync(TimeSpan.FromSeconds(90), cancellationToken);
        if (!healthy)
        {
            Console.Error.WriteLine($"The dev stack did not become healthy: {body}");
            return 1;
        }

        var positions = parse.GetValue(telemetryOption) ?? (parse.GetValue(directOption) ? stack["telemetry"].Address : stack.GatewayGrpcAddress);
        result = await Run(new StackEndpoints(stack.GatewayAddress, positions, stack.KafkaBootstrapServers), () => CpuSeconds(stack));
    }

    try
    {
        Directory.Delete(data, recursive: true);
    }
    catch (IOException)
    {
        // A leftover temp folder is harmless.
    }

    return result;
});

Console.OutputEncoding = System.Text.Encoding.UTF8;
return await root.Parse(args).InvokeAsync();

// CPU seconds of every stack process, and of this one (load generator, Kafka listener and the in-process broker).
static Dictionary<string, double> CpuSeconds(DevStack stack)
{
    var result = stack.CpuSeconds();
    result["benchmark + broker"] = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    return result;
}

static void Positive<T>(Option<T> option, string name)
    where T : struct, IComparable<T>
{
    option.Validators.Add(r =>
    {
        if (r.GetValueOrDefault<T>().CompareTo(default) <= 0)
        {
            r.AddError($"{name} must be greater than 0");
        }
    });
}

static Uri? ParseUri(System.CommandLine.Parsing.ArgumentResult result)
{
    if (Uri.TryCreate(result.Tokens[0].Value, UriKind.Absolute, out var uri))
    {
        return uri;
    }

    result.AddError($"'{result.Tokens[0].Value}' is not an absolute URL");
    return null;
}
