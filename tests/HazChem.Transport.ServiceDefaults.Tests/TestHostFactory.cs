using System.Security.Cryptography;
using Grpc.Net.Client;
using HazChem.Transport.ServiceDefaults;
using HazChem.Transport.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace HazChem.Transport.ServiceDefaults.Tests;

/// <summary>A host built exactly as a service builds itself (AddServiceDefaults), on an in-memory test server.</summary>
internal sealed class TestServiceHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServiceHost(WebApplication app, string signingKey)
    {
        _app = app;
        SigningKey = signingKey;
        Http = app.GetTestServer().CreateClient();
        Channel = GrpcChannel.ForAddress(Http.BaseAddress!, new GrpcChannelOptions { HttpHandler = app.GetTestServer().CreateHandler() });
    }

    public string SigningKey { get; }

    public HttpClient Http { get; }

    public GrpcChannel Channel { get; }

    public static async Task<TestServiceHost> StartAsync<TService>(Action<WebApplicationBuilder>? configure = null)
        where TService : class
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration["Auth:SigningKey"] = key;
        builder.Configuration["Kestrel:EndpointDefaults:Protocols"] = "Http1AndHttp2";
        configure?.Invoke(builder);
        builder.AddServiceDefaults();
        var app = builder.Build();
        app.MapGrpcService<TService>();
        app.MapDefaultEndpoints();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new TestServiceHost(app, key);
    }

    public string Token(string role, string subject = "tester") =>
        _app.Services.GetRequiredService<TokenIssuer>().Issue(role, subject, TimeSpan.FromMinutes(5));

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
