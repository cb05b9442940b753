using HazChem.Transport.ServiceDefaults.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace HazChem.Transport.ServiceDefaults.State;

/// <summary>Registers <see cref="IHotState"/> on Redis or in memory by configuration.</summary>
public static class StateExtensions
{
    /// <summary>Adds <see cref="IHotState"/>; with <c>State:Store=Redis</c> also the multiplexer and a <c>redis</c> health check.</summary>
    public static IServiceCollection AddHotState(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<StateOptions>(StateOptions.SectionName);
        var store = configuration.GetSection(StateOptions.SectionName).GetValue(nameof(StateOptions.Store), StateStore.InMemory);
        if (store == StateStore.InMemory)
        {
            services.AddSingleton<IHotState, InMemoryHotState>();
            return services;
        }

        services.AddValidatedOptions<RedisOptions>(RedisOptions.SectionName)
            .Validate(o => !string.IsNullOrWhiteSpace(o.Configuration), "State:Store is Redis but Redis:Configuration is not set.");
        services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var options = ConfigurationOptions.Parse(sp.GetRequiredService<IOptions<RedisOptions>>().Value.Configuration);
            options.AbortOnConnectFail = false;
            return ConnectionMultiplexer.Connect(options);
        });
        services.AddSingleton<IHotState, RedisHotState>();
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            "redis",
            sp => new RedisHealthCheck(sp.GetRequiredService<IConnectionMultiplexer>()),
            HealthStatus.Unhealthy,
            tags: ["ready"]));
        return services;
    }

    private sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var latency = await redis.GetDatabase().PingAsync();
                return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:F1} ms");
            }
            catch (RedisException ex)
            {
                return HealthCheckResult.Unhealthy("Redis does not answer.", ex);
            }
        }
    }
}
