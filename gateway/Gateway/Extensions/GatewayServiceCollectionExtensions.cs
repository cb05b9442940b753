using System.Threading.RateLimiting;
using HazChem.Transport.Gateway.Health;
using HazChem.Transport.Gateway.Options;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.ServiceDefaults.Options;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.Gateway.Extensions;

/// <summary>Composition of the gateway: auth and role policies, rate limits, YARP from configuration, health.</summary>
internal static class GatewayServiceCollectionExtensions
{
    /// <summary>Rate-limit policy names used by routes in the <c>ReverseProxy</c> section.</summary>
    public const string DefaultRateLimit = "api";

    /// <summary>Rate-limit policy for position ingest.</summary>
    public const string IngestRateLimit = "ingest";

    /// <summary>Rate-limit policy for dev tokens.</summary>
    public const string TokenRateLimit = "token";

    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddValidatedOptions<GatewayOptions>(GatewayOptions.SectionName);
        builder.Services.AddHazChemAuth();
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            AddTokenBucket(options, DefaultRateLimit, o => o.Default, byUser: true);
            AddTokenBucket(options, IngestRateLimit, o => o.Ingest, byUser: true);
            AddTokenBucket(options, TokenRateLimit, o => o.Token, byUser: false);
        });
        builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
        builder.Services.AddHttpClient(AggregateHealth.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) });
        return builder;
    }

    private static void AddTokenBucket(RateLimiterOptions options, string name, Func<RateLimitsOptions, TokenBucket> select, bool byUser)
    {
        options.AddPolicy(name, http =>
        {
            var limits = select(http.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.RateLimits);
            var caller = byUser && http.User.Subject() is { } subject
                ? $"{http.User.Role()}:{subject}"
                : http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            return RateLimitPartition.GetTokenBucketLimiter(caller, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.Burst,
                TokensPerPeriod = limits.PermitsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
    }
}
