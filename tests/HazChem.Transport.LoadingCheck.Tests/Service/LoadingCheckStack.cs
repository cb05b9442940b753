extern alias QualificationHost;
extern alias WaybillHost;

using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using HazChem.Transport.Contracts.Common.V1;
using HazChem.Transport.Contracts.LoadingCheck.V1;
using HazChem.Transport.Contracts.Qualification.V1;
using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.Contracts.Waybill.V1;
using HazChem.Transport.LoadingCheck.Extensions;
using HazChem.Transport.LoadingCheck.Grpc;
using HazChem.Transport.ServiceDefaults;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using QualificationProgram = QualificationHost::Program;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;
using WaybillProgram = WaybillHost::Program;

[assembly: AssemblyFixture(typeof(PostgresFixture))]
[assembly: AssemblyFixture(typeof(KafkaFixture))]

namespace HazChem.Transport.LoadingCheck.Tests.Service;

/// <summary>What a registered transport is called: carrier, vehicle, driver, escort and tank.</summary>
internal sealed record Registration(string CarrierId, string Plate, string DriverId, string EscortId, string Tank);

/// <summary>
/// The LoadingCheck service with the real Qualification and Waybill services in-process (each on its own PostgreSQL
/// database, Waybill on the Kafka-protocol broker) and Telemetry's latest-position read stubbed. Every link from the
/// loading-check service to a dependency can be taken down or slowed by the test.
/// </summary>
internal sealed class LoadingCheckStack : IAsyncDisposable
{
    private static readonly string InTwoYears = DateTime.UtcNow.Date.AddYears(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static int _suffix = Random.Shared.Next(10000, 60000);

    private readonly Factory<QualificationProgram> _registry;
    private readonly Factory<WaybillProgram> _waybill;
    private readonly WebApplication _telemetry;
    private readonly GrpcChannel _registryChannel;
    private readonly GrpcChannel _waybillChannel;
    private readonly GrpcChannel _channel;

    private LoadingCheckStack(
        Factory<QualificationProgram> registry, Factory<WaybillProgram> waybill, WebApplication telemetry, FakePositions positions, WebApplication loadingCheck, Links links, string signingKey)
    {
        _registry = registry;
        _waybill = waybill;
        _telemetry = telemetry;
        Positions = positions;
        App = loadingCheck;
        Links = links;
        SigningKey = signingKey;
        _registryChannel = GrpcChannel.ForAddress(registry.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = registry.Server.CreateHandler() });
        _waybillChannel = GrpcChannel.ForAddress(waybill.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = waybill.Server.CreateHandler() });
        var server = loadingCheck.GetTestServer();
        Http = server.CreateClient();
        _channel = GrpcChannel.ForAddress(Http.BaseAddress!, new GrpcChannelOptions { HttpHandler = server.CreateHandler() });
        Registry = new QualificationService.QualificationServiceClient(_registryChannel);
        Waybills = new WaybillService.WaybillServiceClient(_waybillChannel);
        Client = new LoadingCheckService.LoadingCheckServiceClient(_channel);
    }

    public WebApplication App { get; }

    public FakePositions Positions { get; }

    public Links Links { get; }

    public string SigningKey { get; }

    public HttpClient Http { get; }

    public QualificationService.QualificationServiceClient Registry { get; }

    public WaybillService.WaybillServiceClient Waybills { get; }

    public LoadingCheckService.LoadingCheckServiceClient Client { get; }

    /// <summary>Starts the stack; <paramref name="loadingCheckSettings"/> overrides the loading-check service's settings.</summary>
    public static async Task<LoadingCheckStack> StartAsync(PostgresFixture postgres, KafkaFixture kafka, string name, IDictionary<string, string?>? loadingCheckSettings = null)
    {
        postgres.Require();
        kafka.Require();
        var ct = TestContext.Current.CancellationToken;
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var registry = new Factory<QualificationProgram>(new()
        {
            ["Auth:SigningKey"] = key,
            ["Storage:Provider"] = "Postgres",
            ["ConnectionStrings:Postgres"] = await postgres.CreateDatabaseAsync(name + "_registry", ct),
        });
        _ = registry.Server;
        var topic = await kafka.CreateTopicAsync("waybill-events", cancellationToken: ct);
        var waybill = new Factory<WaybillProgram>(
            new()
            {
                ["Auth:SigningKey"] = key,
                ["Storage:Provider"] = "Postgres",
                ["ConnectionStrings:Postgres"] = await postgres.CreateDatabaseAsync(name + "_waybill", ct),
                ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
                ["Kafka:GroupProtocol"] = kafka.IsMockCluster ? "Consumer" : "Classic",
                ["Kafka:Topics:WaybillEvents"] = topic,
            },
            services => services.Configure<HttpClientFactoryOptions>(
                nameof(QualificationService.QualificationServiceClient),
                o => o.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = registry.Server.CreateHandler())));
        _ = waybill.Server;

        var positions = new FakePositions();
        var telemetryBuilder = CreateBuilder("HazChem.Transport.Telemetry", new Dictionary<string, string?> { ["Auth:SigningKey"] = key });
        telemetryBuilder.AddServiceDefaults();
        telemetryBuilder.Services.AddSingleton(positions);
        var telemetry = telemetryBuilder.Build();
        telemetry.MapGrpcService<FakeTelemetryService>();
        await telemetry.StartAsync(ct);

        var links = new Links();
        var settings = new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = key,
            ["Storage:Provider"] = "Postgres",
            ["ConnectionStrings:Postgres"] = await postgres.CreateDatabaseAsync(name + "_loadingcheck", ct),
            ["Services:Qualification"] = "http://qualification.test",
            ["Services:Waybill"] = "http://waybill.test",
            ["Services:Telemetry"] = "http://telemetry.test",
            ["LoadingCheck:QualificationTimeout"] = "00:00:05",
            ["LoadingCheck:WaybillTimeout"] = "00:00:05",
            ["LoadingCheck:TelemetryTimeout"] = "00:00:05",
        };
        foreach (var (k, v) in loadingCheckSettings ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }

        var builder = CreateBuilder("HazChem.Transport.LoadingCheck", settings);
        builder.AddServiceDefaults();
        builder.AddLoadingCheck();
        var telemetryServer = telemetry.GetTestServer();
        Route(builder.Services, nameof(QualificationService.QualificationServiceClient), settings["Services:Qualification"], () => links.Qualification.Handler(registry.Server.CreateHandler()));
        Route(builder.Services, nameof(WaybillService.WaybillServiceClient), settings["Services:Waybill"], () => links.Waybill.Handler(waybill.Server.CreateHandler()));
        Route(builder.Services, nameof(TelemetryService.TelemetryServiceClient), settings["Services:Telemetry"], () => links.Telemetry.Handler(telemetryServer.CreateHandler()));
        var app = builder.Build();
        app.MapGrpcService<LoadingCheckGrpcService>();
        app.MapDefaultEndpoints();
        await app.StartAsync(ct);
        return new LoadingCheckStack(registry, waybill, telemetry, positions, app, links, key);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        _registryChannel.Dispose();
        _waybillChannel.Dispose();
        Http.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        await _telemetry.StopAsync(CancellationToken.None);
        await _telemetry.DisposeAsync();
        await _waybill.DisposeAsync();
        await _registry.DisposeAsync();
    }

    /// <summary>Call options with a token of <paramref name="role"/> for <paramref name="subject"/>.</summary>
    public CallOptions As(string role, string subject) =>
        new(new Metadata { { "authorization", "Bearer " + Token(role, subject) } }, cancellationToken: TestContext.Current.CancellationToken);

    public string Token(string role, string subject) =>
        App.Services.GetRequiredService<TokenIssuer>().Issue(role, subject, TimeSpan.FromMinutes(10));

    /// <summary>A REST call (JSON transcoding) to the loading-check service; returns the status and the JSON body.</summary>
    public async Task<(System.Net.HttpStatusCode Status, JsonElement Body)> RestAsync(HttpMethod method, string path, string role, string subject, object? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(role, subject));
        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text));
    }

    /// <summary>A carrier in the real registry with a tank truck (rated 30 t), driver, escort and tank (UN1203 ≤ 21 t, UN1005 ≤ 10 t).</summary>
    public async Task<Registration> RegisterAsync(double ratedLoadKg = 30000)
    {
        var admin = As(Roles.Admin, "authority-1");
        var tail = Interlocked.Increment(ref _suffix).ToString("D5", CultureInfo.InvariantCulture);
        var permit = new Permit { Number = $"渝交运管许可字5000{tail}号", ValidFrom = "2024-01-01", ValidUntil = InTwoYears };
        permit.Scope.AddRange(["2.1", "3", "8"]);
        var carrier = await Registry.CreateCarrierAsync(
            new CreateCarrierRequest { Name = $"重庆危货运输{tail}有限公司", CreditCode = CreditCode("9150000" + tail + "MA5U0"), Permit = permit }, admin);
        var carrierId = carrier.Carrier.Id;
        var plate = "渝A" + tail;
        await Registry.CreateVehicleAsync(
            new CreateVehicleRequest
            {
                CarrierId = carrierId,
                Plate = plate,
                Kind = VehicleKind.TankTruck,
                RatedLoadKg = ratedLoadKg,
                RoadTransportCert = new RoadTransportCert { Number = "5000" + tail, ValidUntil = InTwoYears },
                InspectionValidUntil = InTwoYears,
                TerminalPhone = "0138000" + tail,
            },
            admin);
        var driver = await CreatePersonAsync(carrierId, PersonRole.Driver, "19900101", tail);
        var escort = await CreatePersonAsync(carrierId, PersonRole.Escort, "19850615", tail);
        var tank = "TK" + tail;
        await Registry.CreateTankAsync(
            new CreateTankRequest
            {
                CarrierId = carrierId,
                Number = tank,
                CapacityLitres = 30000,
                InspectionValidUntil = InTwoYears,
                Media = { new TankMedium { UnNumber = "1203", MaxLoadKg = 21000 }, new TankMedium { UnNumber = "1005", MaxLoadKg = 10000 } },
            },
            admin);
        return new Registration(carrierId, plate, driver, escort, tank);
    }

    /// <summary>Another driver of the same carrier (valid in every respect, just not the waybill's).</summary>
    public Task<string> AnotherDriverAsync(string carrierId) =>
        CreatePersonAsync(carrierId, PersonRole.Driver, "19920202", Interlocked.Increment(ref _suffix).ToString("D5", CultureInfo.InvariantCulture));

    /// <summary>Issues the usual waybill (UN1203, <paramref name="kg"/> kg, tomorrow) for <paramref name="r"/>; returns its id.</summary>
    public async Task<string> IssueWaybillAsync(Registration r, double kg = 20000)
    {
        var tomorrow = DateTime.UtcNow.Date.AddDays(1);
        var request = new IssueWaybillRequest
        {
            CarrierId = r.CarrierId,
            Consignor = new Party { Name = "重庆某石化公司", Phone = "023-60000001" },
            Consignee = new Party { Name = "涪陵某加油站", Phone = "023-60000002" },
            LoadingUnit = new Party { Name = "长寿油库", Phone = "023-60000003" },
            VehiclePlate = r.Plate,
            TankNumber = r.Tank,
            DriverId = r.DriverId,
            EscortId = r.EscortId,
            Origin = new GeoPoint { Name = "长寿油库", Lon = 106.50, Lat = 29.60 },
            Destination = new GeoPoint { Name = "涪陵", Lon = 106.90, Lat = 29.40 },
            Route = new Contracts.Waybill.V1.Route { Crs = Crs.Wgs84, CorridorMeters = 500 },
            Window = new TimeWindow { Start = Timestamp.FromDateTime(tomorrow.AddHours(1)), End = Timestamp.FromDateTime(tomorrow.AddHours(10)) },
            EmergencyPhone = "023-12345678",
        };
        request.Goods.Add(new GoodsLine { UnNumber = "1203", Name = "车用汽油", HazardClass = "3", PackingGroup = "II", QuantityKg = kg });
        request.Route.Coordinates.AddRange(new[] { (106.50, 29.60), (106.70, 29.50), (106.90, 29.40) }
            .Select(p => new Google.Protobuf.WellKnownTypes.ListValue { Values = { Google.Protobuf.WellKnownTypes.Value.ForNumber(p.Item1), Google.Protobuf.WellKnownTypes.Value.ForNumber(p.Item2) } }));
        var issued = await Waybills.IssueWaybillAsync(request, As(Roles.Carrier, r.CarrierId));
        return issued.Waybill.Id;
    }

    /// <summary>The check request a terminal sends for <paramref name="r"/> and <paramref name="waybillId"/>.</summary>
    public static CreateLoadingCheckRequest CheckRequest(Registration r, string waybillId, string terminalId = "T001") => new()
    {
        TerminalId = terminalId,
        WaybillId = waybillId,
        Plate = r.Plate,
        DriverId = r.DriverId,
        EscortId = r.EscortId,
        TankNumber = r.Tank,
    };

    /// <summary>The waybill as an authority reads it.</summary>
    public async Task<WaybillRecord> WaybillAsync(string id) =>
        (await Waybills.GetWaybillAsync(new GetWaybillRequest { Id = id }, As(Roles.Admin, "authority-1"))).Waybill;

    private async Task<string> CreatePersonAsync(string carrierId, PersonRole role, string birthDate, string tail)
    {
        var idNumber = IdNumber("500101" + birthDate + tail[2..]);
        var qualification = new PersonCertificate { Number = idNumber, ValidUntil = InTwoYears };
        qualification.Scope.AddRange(["2", "3", "8"]);
        var person = await Registry.CreatePersonAsync(
            new CreatePersonRequest { CarrierId = carrierId, IdNumber = idNumber, Name = role == PersonRole.Driver ? "张三" : "李四", Role = role, Qualification = qualification },
            As(Roles.Admin, "authority-1"));
        return person.Person.Id;
    }

    private static void Route(IServiceCollection services, string clientName, string? address, Func<HttpMessageHandler> handler)
    {
        // A dependency given a real address in the settings (e.g. a dead port) is reached over the network instead.
        if (address is not null && address.EndsWith(".test", StringComparison.Ordinal))
        {
            services.Configure<HttpClientFactoryOptions>(clientName, o => o.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = handler()));
        }
    }

    private static WebApplicationBuilder CreateBuilder(string applicationName, IDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = applicationName, EnvironmentName = "Development" });
        builder.WebHost.UseTestServer();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Error",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
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

    /// <summary>A real service host on a test server, with the test's settings and test services.</summary>
    private sealed class Factory<TProgram>(Dictionary<string, string?> settings, Action<IServiceCollection>? testServices = null) : WebApplicationFactory<TProgram>
        where TProgram : class
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            if (testServices is not null)
            {
                builder.ConfigureTestServices(testServices);
            }
        }
    }
}

/// <summary>The three links of the loading-check service.</summary>
internal sealed class Links
{
    public Link Qualification { get; } = new();

    public Link Waybill { get; } = new();

    public Link Telemetry { get; } = new();
}

/// <summary>One <see cref="LoadingCheckStack"/> per test class, started by the first test that needs it.</summary>
public sealed class StackCache : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private LoadingCheckStack? _stack;

    internal async Task<LoadingCheckStack> GetAsync(PostgresFixture postgres, KafkaFixture kafka, string name)
    {
        postgres.Require();
        kafka.Require();
        await _gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            return _stack ??= await LoadingCheckStack.StartAsync(postgres, kafka, name);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }

        _gate.Dispose();
    }
}
