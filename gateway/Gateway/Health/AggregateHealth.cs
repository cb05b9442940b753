using System.Net;
using System.Text.Json;
using HazChem.Transport.Gateway.Options;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;

namespace HazChem.Transport.Gateway.Health;

/// <summary>
/// <c>GET /health</c>: the gateway plus every service cluster marked <c>"Metadata": { "Health": "true" }</c>
/// in the <c>ReverseProxy</c> section, each named with its own status. 200 only when all are healthy.
/// </summary>
internal static class AggregateHealth
{
    public const string HttpClientName = "health";

    public static WebApplication MapAggregateHealth(this WebApplication app)
    {
        app.MapGet("/health", CheckAsync).AllowAnonymous();
        app.MapGet("/alive", () => Results.Ok(new { status = "Healthy" })).AllowAnonymous();
        return app;
    }

    private static async Task<IResult> CheckAsync(
        IProxyStateLookup proxy, IHttpClientFactory clients, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(HttpClientName);
        var timeout = options.Value.HealthTimeout;
        var clusters = proxy.GetClusters()
            .Where(c => c.Model.Config.Metadata?.GetValueOrDefault("Health") == "true")
            .OrderBy(c => c.ClusterId, StringComparer.Ordinal)
            .ToList();
        var results = await Task.WhenAll(clusters.Select(c => ProbeAsync(client, c, timeout, cancellationToken)));
        var healthy = results.All(r => r.Status == "Healthy");
        var body = new
        {
            status = healthy ? "Healthy" : "Unhealthy",
            gateway = "Healthy",
            services = results.ToDictionary(r => r.Name, r => new { status = r.Status, address = r.Address, detail = r.Detail }),
        };
        return Results.Json(body, statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<ServiceHealth> ProbeAsync(HttpClient client, Yarp.ReverseProxy.Model.ClusterState cluster, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var destination = cluster.Destinations.Values.FirstOrDefault();
        var address = destination?.Model.Config.Address;
        if (address is null)
        {
            return new ServiceHealth(cluster.ClusterId, "Unhealthy", null, "No destination configured.");
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(address), "/health"))
            {
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            using var response = await client.SendAsync(request, timeoutSource.Token);
            var json = await response.Content.ReadAsStringAsync(timeoutSource.Token);
            var status = response.IsSuccessStatusCode ? "Healthy" : "Unhealthy";
            return new ServiceHealth(cluster.ClusterId, status, address, Detail(json));
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return new ServiceHealth(cluster.ClusterId, "Unhealthy", address, ex is OperationCanceledException ? $"No answer within {timeout.TotalSeconds:F1} s." : ex.Message);
        }
    }

    private static JsonElement? Detail(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<JsonElement>(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record ServiceHealth(string Name, string Status, string? Address, object? Detail);
}
