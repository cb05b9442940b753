using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using HazChem.Transport.Contracts.Qualification.V1;
using HazChem.Transport.Contracts.Waybill.V1;
using HazChem.Transport.ServiceDefaults;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.Waybill.Extensions;
using HazChem.Transport.Waybill.Grpc;
using HazChem.Transport.Waybill.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;

namespace HazChem.Transport.Waybill.Tests.Service;

/// <summary>An in-memory test server built the way a service builds itself (AddServiceDefaults first, then its own parts).</summary>
internal abstract class TestHost : IAsyncDisposable
{
    protected TestHost(WebApplication app)
    {
        App = app;
        Server = app.GetTestServer();
        Http = Server.CreateClient();
        Channel = GrpcChannel.ForAddress(Http.BaseAddress!, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });
    }

    public WebApplication App { get; }

    public TestServer Server { get; }

    public HttpClient Http { get; }

    public GrpcChannel Channel { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>A bearer token signed with the host's key.</summary>
    public string Token(string role, string subject) =>
        App.Services.GetRequiredService<TokenIssuer>().Issue(role, subject, TimeSpan.FromMinutes(10));

    public CallOptions As(string role, string subject) =>
        new(new Metadata { { "authorization", "Bearer " + Token(role, subject) } }, cancellationToken: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        Http.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }

    protected static WebApplicationBuilder CreateBuilder(string applicationName, IDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = applicationName, EnvironmentName = "Development" });
        builder.WebHost.UseTestServer();
        // Only what the test says: no appsettings.json of whichever project happened to be copied next to the tests.
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

/// <summary>The registry side: <see cref="FakeQualificationService"/> behind the real auth policies.</summary>
internal sealed class QualificationTestHost : TestHost
{
    private QualificationTestHost(WebApplication app, FakeRegistry registry)
        : base(app)
    {
        Registry = registry;
    }

    public FakeRegistry Registry { get; }

    public static async Task<QualificationTestHost> StartAsync(string signingKey)
    {
        var builder = CreateBuilder("HazChem.Transport.Qualification", new Dictionary<string, string?> { ["Auth:SigningKey"] = signingKey });
        builder.AddServiceDefaults();
        var registry = new FakeRegistry();
        builder.Services.AddSingleton(registry);
        var app = builder.Build();
        app.MapGrpcService<FakeQualificationService>();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new QualificationTestHost(app, registry);
    }
}

/// <summary>The real Waybill service (its composition exactly as Program.cs has it) on a test server.</summary>
internal sealed class WaybillTestHost : TestHost
{
    private WaybillTestHost(WebApplication app)
        : base(app)
    {
        Client = new WaybillService.WaybillServiceClient(Channel);
    }

    public WaybillService.WaybillServiceClient Client { get; }

    /// <param name="signingKey">Shared with the registry host, so the Waybill's service token is accepted there.</param>
    /// <param name="settings">Storage, Kafka and Waybill settings.</param>
    /// <param name="qualification">The registry's handler factory; null = leave <c>Services:Qualification</c> as configured (e.g. a dead address).</param>
    /// <param name="runPublisher">False = the outbox publisher is not running (a process that died after committing).</param>
    /// <param name="configure">Last-word service replacements (e.g. a fake <see cref="TimeProvider"/>).</param>
    public static async Task<WaybillTestHost> StartAsync(
        string signingKey, IDictionary<string, string?> settings, Func<HttpMessageHandler>? qualification, bool runPublisher = true, Action<IServiceCollection>? configure = null)
    {
        var all = new Dictionary<string, string?>(settings)
        {
            ["Auth:SigningKey"] = signingKey,
        };
        all.TryAdd("Services:Qualification", "http://qualification.test");
        all.TryAdd("Waybill:OutboxPollInterval", "00:00:00.200");
        var builder = CreateBuilder("HazChem.Transport.Waybill", all);
        builder.AddServiceDefaults();
        builder.AddWaybill();
        if (qualification is not null)
        {
            builder.Services.Configure<HttpClientFactoryOptions>(
                nameof(QualificationService.QualificationServiceClient),
                options => options.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = qualification()));
        }

        if (!runPublisher)
        {
            var publisher = builder.Services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(OutboxPublisher));
            builder.Services.Remove(publisher);
        }

        configure?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapGrpcService<WaybillGrpcService>();
        app.MapDefaultEndpoints();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new WaybillTestHost(app);
    }

    /// <summary>A REST call (JSON transcoding) with a bearer token; returns the status and the JSON body.</summary>
    public async Task<(System.Net.HttpStatusCode Status, JsonElement Body)> RestAsync(HttpMethod method, string path, string? role, string subject, object? json = null)
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
}

/// <summary>A fresh signing key per stack, as the dev launcher makes one per run.</summary>
internal static class SigningKeys
{
    public static string Create() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
