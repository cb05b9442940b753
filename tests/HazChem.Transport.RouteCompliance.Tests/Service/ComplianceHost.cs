using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using HazChem.Transport.Contracts.Compliance.V1;
using HazChem.Transport.RouteCompliance.Extensions;
using HazChem.Transport.RouteCompliance.Grpc;
using HazChem.Transport.ServiceDefaults;
using HazChem.Transport.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HazChem.Transport.RouteCompliance.Tests.Service;

/// <summary>The real RouteCompliance service (its composition exactly as Program.cs has it) on a test server.</summary>
internal sealed class ComplianceHost : IAsyncDisposable
{
    private bool _disposed;

    private ComplianceHost(WebApplication app)
    {
        App = app;
        Server = app.GetTestServer();
        Http = Server.CreateClient();
        Channel = GrpcChannel.ForAddress(Http.BaseAddress!, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });
        Client = new ComplianceService.ComplianceServiceClient(Channel);
    }

    public WebApplication App { get; }

    public TestServer Server { get; }

    public HttpClient Http { get; }

    public GrpcChannel Channel { get; }

    public ComplianceService.ComplianceServiceClient Client { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<ComplianceHost> StartAsync(IDictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = "HazChem.Transport.RouteCompliance", EnvironmentName = "Development" });
        builder.WebHost.UseTestServer();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kestrel:EndpointDefaults:Protocols"] = "Http1AndHttp2",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Error",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        builder.AddRouteCompliance();
        configure?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapGrpcService<ComplianceGrpcService>();
        app.MapDefaultEndpoints();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new ComplianceHost(app);
    }

    public string Token(string role, string subject) =>
        App.Services.GetRequiredService<TokenIssuer>().Issue(role, subject, TimeSpan.FromMinutes(30));

    public CallOptions As(string role, string subject, CancellationToken? cancellationToken = null) =>
        new(new Metadata { { "authorization", "Bearer " + Token(role, subject) } }, cancellationToken: cancellationToken ?? TestContext.Current.CancellationToken);

    /// <summary>A REST call (JSON transcoding) with a bearer token; returns the status and the raw body.</summary>
    public async Task<(System.Net.HttpStatusCode Status, string Body)> RestAsync(HttpMethod method, string path, string role, string subject, object? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(role, subject));
        if (json is not null)
        {
            request.Content = json is string text
                ? new StringContent(text, System.Text.Encoding.UTF8, "application/json")
                : JsonContent.Create(json);
        }

        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Channel.Dispose();
        Http.Dispose();
        try
        {
            await App.StopAsync(CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
            // A host whose worker crashed may already be stopping.
        }

        await App.DisposeAsync();
    }

    public static string NewSigningKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static JsonElement Parse(string body) => JsonSerializer.Deserialize<JsonElement>(body);
}
