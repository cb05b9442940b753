using System.CommandLine;
using HazChem.Transport.Benchmarks.LoadingCheck;
using HazChem.Transport.Dev;

var gatewayOption = new Option<Uri?>("--gateway")
{
    Description = "A running gateway (e.g. http://localhost:8080/); default: start the dev stack in a temporary folder",
    CustomParser = r => Uri.TryCreate(r.Tokens[0].Value, UriKind.Absolute, out var uri) ? uri : ParseError(r, $"'{r.Tokens[0].Value}' is not an absolute URL"),
};
var rateOption = new Option<int>("--rate") { Description = "Offered load in checks per second", DefaultValueFactory = _ => 200 };
var durationOption = new Option<int>("--duration") { Description = "Measured seconds", DefaultValueFactory = _ => 30 };
var warmupOption = new Option<int>("--warmup") { Description = "Seconds of warm-up, the rate climbing from 0 to --rate (lets tiered JIT settle), before measuring", DefaultValueFactory = _ => 30 };
var vehiclesOption = new Option<int>("--vehicles") { Description = "Vehicles (each with driver, escort, tank and waybill) the checks cycle through", DefaultValueFactory = _ => 20 };
var terminalsOption = new Option<int>("--terminals") { Description = "Loading terminals the checks come from (the gateway's rate limit is per token)", DefaultValueFactory = _ => 4 };

var root = new RootCommand("Pre-loading check benchmark: CreateLoadingCheck at a fixed offered load through the gateway.")
{
    gatewayOption, rateOption, durationOption, warmupOption, vehiclesOption, terminalsOption,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var settings = new BenchmarkSettings(
        parse.GetValue(rateOption), TimeSpan.FromSeconds(parse.GetValue(durationOption)), TimeSpan.FromSeconds(parse.GetValue(warmupOption)),
        parse.GetValue(vehiclesOption), parse.GetValue(terminalsOption));
    if (parse.GetValue(gatewayOption) is { } gateway)
    {
        return await LoadingCheckBenchmark.RunAsync(gateway, settings, Console.Out, cancellationToken);
    }

    var data = Path.Combine(Path.GetTempPath(), "hazchem-bench-" + Guid.NewGuid().ToString("N"));
    Console.WriteLine($"Starting the dev stack (data in {data}) ...");
    await using (var stack = DevStack.Start(DevStackOptions.OnFreePorts(data, (name, line) => Console.Error.WriteLine($"[{name}] {line}"))))
    {
        var (healthy, body) = await stack.WaitHealthyAsync(TimeSpan.FromSeconds(90), cancellationToken);
        if (!healthy)
        {
            Console.Error.WriteLine($"The dev stack did not become healthy: {body}");
            return 1;
        }

        var before = stack.CpuSeconds();
        var result = await LoadingCheckBenchmark.RunAsync(stack.GatewayAddress, settings, Console.Out, cancellationToken);
        var after = stack.CpuSeconds();
        Console.WriteLine();
        Console.WriteLine("CPU seconds per process during seeding and load (2 cores = 2 s per second):");
        foreach (var (name, seconds) in after)
        {
            Console.WriteLine($"  {name,-16} {seconds - before.GetValueOrDefault(name):0.0} s");
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
    }
});

return await root.Parse(args).InvokeAsync();

static Uri? ParseError(System.CommandLine.Parsing.ArgumentResult result, string message)
{
    result.AddError(message);
    return null;
}
