using System.Data.Common;
using HazChem.Transport.ServiceDefaults.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HazChem.Transport.ServiceDefaults.Storage;

/// <summary>EF Core wiring: one <see cref="DbContext"/> per service on PostgreSQL or SQLite, created at start.</summary>
public static class StorageExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TContext"/> as a pooled factory and scoped context on the configured
    /// provider, creates its schema on start, and adds a <c>database</c> health check.
    /// </summary>
    public static IServiceCollection AddServiceDatabase<TContext>(this IServiceCollection services, IConfiguration configuration)
        where TContext : ServiceDbContext
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<StorageOptions>(StorageOptions.SectionName);
        var provider = configuration.GetSection(StorageOptions.SectionName).GetValue(nameof(StorageOptions.Provider), StorageProvider.Postgres);
        var connectionName = provider == StorageProvider.Postgres ? "Postgres" : "Sqlite";
        var connectionString = configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"Storage:Provider is {provider} but ConnectionStrings:{connectionName} is not set.");
        }

        services.AddPooledDbContextFactory<TContext>(options => Configure(options, provider, connectionString));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext());
        services.AddHostedService<SchemaInitializer<TContext>>();
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            "database",
            sp => new DatabaseHealthCheck<TContext>(sp.GetRequiredService<IDbContextFactory<TContext>>()),
            HealthStatus.Unhealthy,
            tags: ["ready"]));
        return services;
    }

    private static void Configure(DbContextOptionsBuilder options, StorageProvider provider, string connectionString)
    {
        if (provider == StorageProvider.Postgres)
        {
            options.UseNpgsql(connectionString);
        }
        else
        {
            options.UseSqlite(connectionString);
        }
    }

    private sealed class DatabaseHealthCheck<TContext>(IDbContextFactory<TContext> factory) : IHealthCheck
        where TContext : ServiceDbContext
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            try
            {
                await db.Database.ExecuteSqlRawAsync("SELECT 1", cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (DbException ex)
            {
                return HealthCheckResult.Unhealthy($"The database does not answer: {ex.Message}", ex);
            }
        }
    }
}
