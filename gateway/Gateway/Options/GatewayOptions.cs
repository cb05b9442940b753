using System.ComponentModel.DataAnnotations;

namespace HazChem.Transport.Gateway.Options;

/// <summary>
/// Gateway settings, section <c>Gateway</c>: <c>Gateway__DevTokens</c> (serve <c>POST /api/v1/dev/token</c>;
/// only in the embedded/dev mode), <c>Gateway__HealthTimeout</c>, and the rate limits
/// <c>Gateway__RateLimits__Default__PermitsPerSecond</c> / <c>__Burst</c> (likewise <c>Ingest</c> and <c>Token</c>).
/// </summary>
public sealed class GatewayOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Gateway";

    /// <summary>Serve the dev token endpoint. Never enable outside a dev stack.</summary>
    public bool DevTokens { get; set; }

    /// <summary>How long <c>/health</c> waits for each service.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan HealthTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Rate-limit policies by name.</summary>
    [Required]
    public RateLimitsOptions RateLimits { get; set; } = new();
}

/// <summary>The three rate-limit policies routes refer to.</summary>
public sealed class RateLimitsOptions
{
    /// <summary>Ordinary API calls, per caller.</summary>
    [Required]
    public TokenBucket Default { get; set; } = new() { PermitsPerSecond = 200, Burst = 400 };

    /// <summary>Position ingest from terminal gateways, per caller.</summary>
    [Required]
    public TokenBucket Ingest { get; set; } = new() { PermitsPerSecond = 5000, Burst = 10000 };

    /// <summary>Dev token requests, per client address.</summary>
    [Required]
    public TokenBucket Token { get; set; } = new() { PermitsPerSecond = 5, Burst = 20 };
}

/// <summary>A token bucket: steady rate and burst size.</summary>
public sealed class TokenBucket
{
    /// <summary>Tokens added per second.</summary>
    [Range(1, 1_000_000)]
    public int PermitsPerSecond { get; set; }

    /// <summary>Bucket size.</summary>
    [Range(1, 10_000_000)]
    public int Burst { get; set; }
}
