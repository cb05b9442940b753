using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using HazChem.Transport.Contracts.Qualification.V1;
using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.ServiceDefaults;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.Telemetry.Extensions;
using HazChem.Transport.Telemetry.Grpc;
using HazChem.Transport.Telemetry.Tcp;
using HazChem.Transport.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;

namespace HazChem.Transport.Telemetry.Tests.Service;

/// <summary>Where the Telemetry host keeps its records and hot state.</summary>
internal enum TestStorage
{
    Postgres,
    Sqlite,
}

/// <summary>
/// The real Telemetry service (composition exactly as Program.cs has it) on a test server for gRPC/REST, with its
/// JT/T 808 listener on a real loopback socket, real Kafka-protocol broker and real database; the registry is a
/// stub on its own test server.
/// </summary>
internal sealed class TelemetryHost : IAsyncDisposable
{
    private readonly WebApplication _registryApp;

    private TelemetryHost(WebApplication app, WebApplication registryApp, FakeRegistry registry, string topic)
    {
        App = app;
        _registryApp = registryApp;
        Registry = registry;
        Topic = topic;
        var server = app.GetTestServer();
        Http = server.CreateClient();
        Channel = GrpcChannel.ForAddress(Http.BaseAddress!, new GrpcChannelOptions { HttpHandler = server.CreateHandler() });
        Client = new TelemetryService.TelemetryServiceClient(Channel);
    }

    public WebApplication App { get; }

    public FakeRegistry Registry { get; }

    public string Topic { get; }

    public HttpClient Http { get; }

    public GrpcChannel Channel { get; }

    public TelemetryService.TelemetryServiceClient Client { get; }

    public IPEndPoint Jt808EndPoint => App.Services.GetRequiredService<Jt808Listener>().LocalEndPoint!;

    public static async Task<TelemetryHost> StartAsync(
        PostgresFixture postgres,
        KafkaFixture kafka,
        TestStorage storage,
        RedisFixture? redis = null,
        IDictionary<string, string?>? extra = null)
    {
        kafka.Require();
        var ct = TestContext.Current.CancellationToken;
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var registry = new FakeRegistry();
        var registryApp = await StartRegistryAsync(key, registry);

        var topic = await kafka.CreateTopicAsync("positions", cancellationToken: ct);
        var settings = new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = key,
            ["Services:Qualification"] = "http://qualification.test",
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Kafka:GroupProtocol"] = kafka.IsMockCluster ? "Consumer" : "Classic",
            ["Kafka:Topics:Positions"] = topic,
            ["Jt808:Port"] = "0",
            ["Jt808:BindAddress"] = "127.0.0.1",
            ["Telemetry:TrackFlushInterval"] = "00:00:00.050",
            // Lookups are cached in production; tests rebind terminals between cases.
            ["Telemetry:VehicleCacheTime"] = "00:00:00",
            ["Telemetry:UnknownVehicleCacheTime"] = "00:00:00",
            // Tests report as a platform gateway (any registered vehicle) unless they test the binding itself.
            ["Telemetry:PlatformGateways:0"] = "test",
        };
        if (storage == TestStorage.Postgres)
        {
            postgres.Require();
            settings["Storage:Provider"] = "Postgres";
            settings["ConnectionStrings:Postgres"] = await postgres.CreateDatabaseAsync("telemetry", ct);
        }
        else
        {
            settings["Storage:Provider"] = "Sqlite";
            settings["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(Path.GetTempPath(), $"telemetry-test-{Guid.NewGuid():N}.db")}";
        }

        if (redis is not null)
        {
            redis.Require();
            settings["State:Store"] = "Redis";
            settings["Redis:Configuration"] = redis.ConnectionString;
        }

        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }

        var builder = CreateBuilder("HazChem.Transport.Telemetry", settings);
        builder.AddServiceDefaults();
        builder.AddTelemetry();
        var registryServer = registryApp.GetTestServer();
        builder.Services.Configure<HttpClientFactoryOptions>(
            nameof(QualificationService.QualificationServiceClient),
            options => options.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = registryServer.CreateHandler()));
        var app = builder.Build();
        app.MapGrpcService<TelemetryGrpcService>();
        app.MapDefaultEndpoints();
        await app.StartAsync(ct);
        return new TelemetryHost(app, registryApp, registry, topic);
    }

    public string Token(string role, string subject) =>
        App.Services.GetRequiredService<TokenIssuer>().Issue(role, subject, TimeSpan.FromMinutes(10));

    public CallOptions As(string role, string subject = "test") =>
        new(new Metadata { { "authorization", "Bearer " + Token(role, subject) } }, cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>A REST call (JSON transcoding) with a bearer token; returns the status and the JSON body.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> RestAsync(HttpMethod method, string path, string? role, object? json = null, string subject = "test")
    {
        using var request = new HttpRequestMessage(method, path);
        if (role is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(role, subject));
        }

        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text));
    }

    /// <summary>Polls the track until <paramref name="done"/> holds (the track writer is asynchronous by design).</summary>
    public async Task<GetTrackResponse> WaitForTrackAsync(string plate, DateTimeOffset from, DateTimeOffset to, Func<GetTrackResponse, bool> done, bool includeQuarantined = false)
    {
        var ct = TestContext.Current.CancellationToken;
        GetTrackResponse track;
        var attempts = 0;
        do
        {
            track = await Client.GetTrackAsync(
                new GetTrackRequest
                {
                    Plate = plate,
                    From = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(from),
                    To = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(to),
                    IncludeQuarantined = includeQuarantined,
                },
                As(Roles.Police));
            if (done(track))
            {
                return track;
            }

            await Task.Delay(100, ct);
        }
        while (++attempts < 300);

        return track;
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        Http.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        await _registryApp.StopAsync(CancellationToken.None);
        await _registryApp.DisposeAsync();
    }

    private static async Task<WebApplication> StartRegistryAsync(string signingKey, FakeRegistry registry)
    {
        var builder = CreateBuilder("HazChem.Transport.Qualification", new Dictionary<string, string?> { ["Auth:SigningKey"] = signingKey });
        builder.AddServiceDefaults();
        builder.Services.AddSingleton(registry);
        var app = builder.Build();
        app.MapGrpcService<FakeQualificationService>();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    private static WebApplicationBuilder CreateBuilder(string applicationName, IDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = applicationName, EnvironmentName = "Development" });
        builder.WebHost.UseTestServer();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kestrel:EndpointDefaults:Protocols"] = "Http1AndHttp2",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Error",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }
}
