using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using HazChem.Transport.ServiceDefaults.Messaging;

namespace HazChem.Transport.Dev;

/// <summary>What to start and where.</summary>
public sealed record DevStackOptions
{
    /// <summary>The repository root (holds <c>HazChem.Transport.sln</c>).</summary>
    public required string RepositoryRoot { get; init; }

    /// <summary>The one folder that holds all state (SQLite files); a restart keeps it.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Gateway port for browsers and REST (HTTP/1.1); 0 picks a free one.</summary>
    public int GatewayPort { get; init; } = 8080;

    /// <summary>Gateway port for gRPC (HTTP/2 cleartext); 0 picks a free one.</summary>
    public int GatewayGrpcPort { get; init; } = 8081;

    /// <summary>First service port (services take five in a row); 0 picks free ones.</summary>
    public int ServiceBasePort { get; init; } = 5101;

    /// <summary>Telemetry's JT/T 808 TCP port for vehicle terminals; 0 picks a free one.</summary>
    public int Jt808Port { get; init; } = 6808;

    /// <summary>An external Kafka to use instead of the in-process broker.</summary>
    public string? KafkaBootstrapServers { get; init; }

    /// <summary>Base64 HS256 signing key; generated per run when null.</summary>
    public string? SigningKey { get; init; }

    /// <summary>Lowest log level the children print (Information shows requests and startup).</summary>
    public string LogLevel { get; init; } = "Warning";

    /// <summary>Where child output goes (name, line).</summary>
    public Action<string, string> Output { get; init; } = (_, _) => { };

    /// <summary>
    /// A stack for tests and benchmarks: this repository (found from the running assembly), every port free, state in
    /// <paramref name="dataDirectory"/>.
    /// </summary>
    public static DevStackOptions OnFreePorts(string dataDirectory, Action<string, string> output) => new()
    {
        RepositoryRoot = DevStack.FindRepositoryRoot(AppContext.BaseDirectory),
        DataDirectory = dataDirectory,
        GatewayPort = 0,
        GatewayGrpcPort = 0,
        ServiceBasePort = 0,
        Jt808Port = 0,
        Output = output,
    };
}

/// <summary>
/// The embedded default: an in-process Kafka-protocol broker (librdkafka mock cluster), each service as its own
/// process on SQLite and in-memory state, and the gateway with dev tokens. Disposing stops everything.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "A software stack, not a Stack<T>.")]
public sealed class DevStack : IAsyncDisposable
{
    /// <summary>
    /// The gps token subject the dev stack trusts as a platform gateway (Telemetry:PlatformGateways): the simulator,
    /// the benchmarks and the tests report any vehicle with it. Other gps subjects report only their carrier's
    /// vehicles or their own terminal. The simulator spells the same value (it does not reference this assembly).
    /// </summary>
    public const string PlatformGateway = "dev-platform";

    /// <summary>The services in start order: short name, project folder, assembly name.</summary>
    public static readonly IReadOnlyList<(string Name, string Folder, string Assembly)> Services =
    [
        ("qualification", "services/Qualification", "HazChem.Transport.Qualification"),
        ("waybill", "services/Waybill", "HazChem.Transport.Waybill"),
        ("loadingcheck", "services/LoadingCheck", "HazChem.Transport.LoadingCheck"),
        ("telemetry", "services/Telemetry", "HazChem.Transport.Telemetry"),
        ("routecompliance", "services/RouteCompliance", "HazChem.Transport.RouteCompliance"),
    ];

    private readonly KafkaMockCluster? _kafka;
    private readonly List<ServiceProcess> _processes;

    private DevStack(KafkaMockCluster? kafka, string kafkaBootstrap, List<ServiceProcess> processes, Uri gateway, Uri gatewayGrpc, string signingKey, int jt808Port)
    {
        Jt808Port = jt808Port;
        GatewayGrpcAddress = gatewayGrpc;
        _kafka = kafka;
        KafkaBootstrapServers = kafkaBootstrap;
        _processes = processes;
        GatewayAddress = gateway;
        SigningKey = signingKey;
    }

    /// <summary>The gateway, e.g. http://localhost:8080/.</summary>
    public Uri GatewayAddress { get; }

    /// <summary>The gateway's gRPC endpoint (HTTP/2 cleartext), e.g. http://localhost:8081/.</summary>
    public Uri GatewayGrpcAddress { get; }

    /// <summary>Telemetry's JT/T 808 TCP port on 127.0.0.1 (vehicle terminals connect here).</summary>
    public int Jt808Port { get; }

    /// <summary>The broker the services use.</summary>
    public string KafkaBootstrapServers { get; }

    /// <summary>The signing key of this run (base64).</summary>
    public string SigningKey { get; }

    /// <summary>Every child process: the five services, then the gateway.</summary>
    public IReadOnlyList<ServiceProcess> Processes => _processes;

    /// <summary>CPU seconds used so far by each running child, by name (for benchmarks; 2 cores = 2 s per second).</summary>
    public Dictionary<string, double> CpuSeconds()
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var process in _processes)
        {
            try
            {
                if (process.ProcessId is { } pid)
                {
                    using var running = System.Diagnostics.Process.GetProcessById(pid);
                    result[process.Name] = running.TotalProcessorTime.TotalSeconds;
                }
            }
            catch (ArgumentException)
            {
                // The process has exited.
            }
        }

        return result;
    }

    /// <summary>The process called <paramref name="name"/>.</summary>
    public ServiceProcess this[string name] => _processes.Single(p => p.Name == name);

    /// <summary>Starts the broker, the services and the gateway; returns once every process is started (not yet healthy).</summary>
    public static DevStack Start(DevStackOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.DataDirectory);
        var configuration = typeof(DevStack).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BuildConfiguration")?.Value ?? "Debug";
        var kafka = options.KafkaBootstrapServers is null ? KafkaMockCluster.Start() : null;
        var bootstrap = options.KafkaBootstrapServers ?? kafka!.BootstrapServers;
        var signingKey = options.SigningKey ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        var addresses = Services.Select((s, i) => (s.Name, Address: new Uri($"http://127.0.0.1:{PortFor(options.ServiceBasePort, i)}")))
            .ToDictionary(x => x.Name, x => x.Address, StringComparer.Ordinal);
        var common = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_NOLOGO"] = "1",
            // Six .NET processes share the machine's cores here: an idle thread-pool worker that spins before it sleeps
            // burns a core another process needs (measured: a quarter of all CPU at 100 loading checks/s on 2 cores).
            ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
            // For the same reason one GC heap per process, not one per core with its own threads (server GC).
            ["DOTNET_gcServer"] = "0",
            ["Logging__LogLevel__Default"] = options.LogLevel,
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = options.LogLevel,
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            ["Auth__SigningKey"] = signingKey,
            ["Kafka__BootstrapServers"] = bootstrap,
            ["Kafka__GroupProtocol"] = options.KafkaBootstrapServers is null ? "Consumer" : "Classic",
            ["Storage__Provider"] = "Sqlite",
            ["State__Store"] = "InMemory",
            ["Services__Qualification"] = addresses["qualification"].ToString(),
            ["Services__Waybill"] = addresses["waybill"].ToString(),
            ["Services__LoadingCheck"] = addresses["loadingcheck"].ToString(),
            ["Services__Telemetry"] = addresses["telemetry"].ToString(),
            ["Services__RouteCompliance"] = addresses["routecompliance"].ToString(),
            ["Telemetry__PlatformGateways__0"] = PlatformGateway,
        };

        var jt808Port = options.Jt808Port == 0 ? FreePort() : options.Jt808Port;
        var perService = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal)
        {
            ["telemetry"] = new(StringComparer.Ordinal) { ["Jt808__Port"] = jt808Port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };

        var processes = new List<ServiceProcess>();
        foreach (var (name, folder, assembly) in Services)
        {
            var environment = new Dictionary<string, string>(common, StringComparer.Ordinal)
            {
                ["Urls"] = addresses[name].ToString(),
                ["ConnectionStrings__Sqlite"] = $"Data Source={Path.Combine(options.DataDirectory, name + ".db")}",
            };
            foreach (var (key, value) in perService.GetValueOrDefault(name) ?? [])
            {
                environment[key] = value;
            }

            processes.Add(new ServiceProcess(name, addresses[name], AssemblyPath(options.RepositoryRoot, folder, assembly, configuration), environment, options.Output));
        }

        var gatewayPort = options.GatewayPort == 0 ? FreePort() : options.GatewayPort;
        var gatewayGrpcPort = options.GatewayGrpcPort == 0 ? FreePort() : options.GatewayGrpcPort;
        var gatewayAddress = new Uri($"http://localhost:{gatewayPort}/");
        var gatewayGrpcAddress = new Uri($"http://localhost:{gatewayGrpcPort}/");
        var gatewayEnvironment = new Dictionary<string, string>(common, StringComparer.Ordinal)
        {
            ["Kestrel__Endpoints__Http__Url"] = gatewayAddress.ToString(),
            ["Kestrel__Endpoints__Grpc__Url"] = gatewayGrpcAddress.ToString(),
            ["Gateway__DevTokens"] = "true",
        };
        foreach (var (name, address) in addresses)
        {
            gatewayEnvironment[$"ReverseProxy__Clusters__{name}__Destinations__primary__Address"] = address.ToString();
            gatewayEnvironment[$"ReverseProxy__Clusters__{name}-streams__Destinations__primary__Address"] = address.ToString();
        }

        processes.Add(new ServiceProcess("gateway", gatewayAddress, AssemblyPath(options.RepositoryRoot, "gateway/Gateway", "HazChem.Transport.Gateway", configuration), gatewayEnvironment, options.Output));

        var stack = new DevStack(kafka, bootstrap, processes, gatewayAddress, gatewayGrpcAddress, signingKey, jt808Port);
        try
        {
            foreach (var process in processes)
            {
                process.Start();
            }
        }
        catch
        {
            stack.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }

        return stack;
    }

    /// <summary>Polls the gateway's <c>/health</c> until it is 200 or <paramref name="timeout"/> passes; returns the last body.</summary>
    public async Task<(bool Healthy, string Body)> WaitHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        var body = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await client.GetAsync(new Uri(GatewayAddress, "health"), cancellationToken);
                body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return (true, body);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                body = ex.Message;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        return (false, body);
    }

    /// <summary>Finds the repository root by walking up from <paramref name="start"/> to the folder holding the solution.</summary>
    public static string FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HazChem.Transport.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No HazChem.Transport.sln above {start}; run the launcher from the repository.");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Gateway first so clients see one clean refusal, then the services in parallel.
        for (var i = _processes.Count - 1; i >= 0 && _processes[i].Name == "gateway"; i--)
        {
            await _processes[i].DisposeAsync();
        }

        await Task.WhenAll(_processes.Where(p => p.Name != "gateway").Select(p => p.DisposeAsync().AsTask()));
        _kafka?.Dispose();
    }

    private static string AssemblyPath(string root, string folder, string assembly, string configuration)
    {
        var path = Path.Combine(root, folder, "bin", configuration, "net10.0", assembly + ".dll");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"{assembly} is not built at {path}. Build with `dotnet build HazChem.Transport.sln -c {configuration}` (dotnet run of the launcher builds it).", path);
        }

        return path;
    }

    private static int PortFor(int basePort, int index) => basePort == 0 ? FreePort() : basePort + index;

    /// <summary>
    /// A loopback port free right now, below the kernel's ephemeral range: a port the kernel hands out (bind to 0) is
    /// also where it picks the local ports of outgoing connections, so between choosing it and the child binding it,
    /// any connection on the machine may take it ("address already in use", seen with two stacks starting at once).
    /// </summary>
    public static int FreePort()
    {
        var below = EphemeralRangeStart();
        for (var attempt = 0; attempt < 200 && below > 11_000; attempt++)
        {
            var port = Random.Shared.Next(10_000, below);
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken; try another.
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int EphemeralRangeStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32_768; // Linux's default; elsewhere the fallback below is used as well
        }
    }
}
