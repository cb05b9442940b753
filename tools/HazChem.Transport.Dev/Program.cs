using System.CommandLine;
using System.Runtime.InteropServices;
using HazChem.Transport.Dev;

var dataOption = new Option<DirectoryInfo?>("--data") { Description = "Folder for all state (SQLite files). Default: <repo>/.data/dev" };
var portOption = new Option<int>("--port") { Description = "Gateway port for browsers and REST", DefaultValueFactory = _ => 8080 };
var grpcPortOption = new Option<int>("--grpc-port") { Description = "Gateway port for gRPC (HTTP/2 cleartext)", DefaultValueFactory = _ => 8081 };
var servicePortOption = new Option<int>("--service-port") { Description = "First of five service ports", DefaultValueFactory = _ => 5101 };
var jt808PortOption = new Option<int>("--jt808-port") { Description = "Telemetry's JT/T 808 TCP port for vehicle terminals", DefaultValueFactory = _ => 6808 };
var kafkaOption = new Option<string?>("--kafka") { Description = "Use this Kafka bootstrap instead of the in-process broker" };
var verboseOption = new Option<bool>("--verbose") { Description = "Show the services' informational logs" };
var noDemoOption = new Option<bool>("--no-demo") { Description = "Do not create the demo carrier, vehicles and waybill in a fresh data folder" };
var simulateOption = new Option<int>("--simulate") { Description = "Once healthy, run the fleet simulator with N trucks over JT/T 808 to Telemetry (it registers its fleet and a restricted zone first)" };

var root = new RootCommand("HazChem Transport dev stack: broker, five services and the gateway on one machine.")
{
    dataOption, portOption, grpcPortOption, servicePortOption, jt808PortOption, kafkaOption, verboseOption, noDemoOption, simulateOption,
};
root.SetAction(async (parse, cancellationToken) =>
{
    using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
    using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });

    var repository = DevStack.FindRepositoryRoot(AppContext.BaseDirectory);
    var data = parse.GetValue(dataOption)?.FullName ?? Path.Combine(repository, ".data", "dev");
    var output = new Lock();
    var options = new DevStackOptions
    {
        RepositoryRoot = repository,
        DataDirectory = data,
        GatewayPort = parse.GetValue(portOption),
        GatewayGrpcPort = parse.GetValue(grpcPortOption),
        ServiceBasePort = parse.GetValue(servicePortOption),
        Jt808Port = parse.GetValue(jt808PortOption),
        KafkaBootstrapServers = parse.GetValue(kafkaOption),
        LogLevel = parse.GetValue(verboseOption) ? "Information" : "Warning",
        Output = (name, line) =>
        {
            lock (output)
            {
                Console.WriteLine($"[{name,-15}] {line}");
            }
        },
    };

    Console.WriteLine($"Data folder: {data}");
    await using var stack = DevStack.Start(options);
    Console.WriteLine($"Kafka-protocol broker: {stack.KafkaBootstrapServers}{(options.KafkaBootstrapServers is null ? " (in-process librdkafka mock cluster)" : "")}");
    var (healthy, body) = await stack.WaitHealthyAsync(TimeSpan.FromSeconds(60), stop.Token);
    if (!healthy)
    {
        Console.Error.WriteLine($"The stack did not become healthy within 60 s. Last /health: {body}");
        return 1;
    }

    if (!parse.GetValue(noDemoOption))
    {
        try
        {
            Console.WriteLine(await DemoScenario.SeedAsync(stack, data, stop.Token));
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException)
        {
            Console.Error.WriteLine($"Demo data not created: {ex.Message}");
        }
    }

    Console.WriteLine();
    Console.WriteLine($"  Dashboard and REST API  {stack.GatewayAddress}");
    Console.WriteLine($"  gRPC (HTTP/2 cleartext) {stack.GatewayGrpcAddress}");
    Console.WriteLine($"  Health                  {new Uri(stack.GatewayAddress, "health")}  (gateway pid {stack["gateway"].ProcessId})");
    Console.WriteLine($"  Dev token               POST {new Uri(stack.GatewayAddress, "api/v1/dev/token")}  {{\"role\":\"admin\",\"subject\":\"me\"}}");
    Console.WriteLine($"  JT/T 808 terminals (TCP) 127.0.0.1:{stack.Jt808Port}");
    foreach (var process in stack.Processes.Where(p => p.Name != "gateway"))
    {
        Console.WriteLine($"  {process.Name,-22}  {process.Address} (gRPC, HTTP/2 cleartext; pid {process.ProcessId})");
    }

    await using var simulator = parse.GetValue(simulateOption) is > 0 and var trucks
        ? await StartSimulatorAsync(stack, repository, trucks, options.Output, stop.Token)
        : null;

    Console.WriteLine();
    Console.WriteLine("Ready. Ctrl+C stops everything.");
    try
    {
        await Task.Delay(Timeout.Infinite, stop.Token);
    }
    catch (OperationCanceledException)
    {
        Console.WriteLine("Stopping...");
    }

    return 0;
});

return await root.Parse(args).InvokeAsync();

static async Task<SimulatorProcess?> StartSimulatorAsync(DevStack stack, string repository, int trucks, Action<string, string> output, CancellationToken cancellationToken)
{
    try
    {
        Console.WriteLine($"  Fleet simulator         {trucks} trucks over JT/T 808 to 127.0.0.1:{stack.Jt808Port} (output prefixed [simulator])");
        return await SimulatorProcess.StartAsync(repository, SimulatorProcess.Arguments(stack, trucks), output, cancellationToken);
    }
    catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
    {
        Console.Error.WriteLine($"Fleet simulator not started: {ex.Message}");
        return null;
    }
}
