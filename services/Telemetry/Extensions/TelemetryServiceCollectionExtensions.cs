using HazChem.Transport.Contracts.Qualification.V1;
using HazChem.Transport.ServiceDefaults.Clients;
using HazChem.Transport.ServiceDefaults.Messaging;
using HazChem.Transport.ServiceDefaults.Options;
using HazChem.Transport.ServiceDefaults.State;
using HazChem.Transport.ServiceDefaults.Storage;
using HazChem.Transport.Telemetry.Messaging;
using HazChem.Transport.Telemetry.Operations;
using HazChem.Transport.Telemetry.Options;
using HazChem.Transport.Telemetry.Pipeline;
using HazChem.Transport.Telemetry.Registry;
using HazChem.Transport.Telemetry.State;
using HazChem.Transport.Telemetry.Storage;
using HazChem.Transport.Telemetry.Tcp;
using Npgsql;
using StackExchange.Redis;

namespace HazChem.Transport.Telemetry.Extensions;

/// <summary>Composition of the Telemetry service.</summary>
internal static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Telemetry service: options, the Qualification client (vehicle lookups), the position pipeline with
    /// Kafka, hot state for latest positions, storage (quarantine via EF, track table via SQL) with the track writer
    /// and the retention job, and the JT/T 808 TCP server.
    /// </summary>
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddValidatedOptions<TelemetryOptions>(TelemetryOptions.SectionName);
        services.AddValidatedOptions<Jt808Options>(Jt808Options.SectionName);

        services.AddServiceClient<QualificationService.QualificationServiceClient>(configuration, "Qualification");
        services.AddSingleton<IVehicleDirectory, QualificationVehicleDirectory>();

        services.AddKafka();
        services.AddSingleton<PositionPublisher>();
        services.AddHotState(configuration);
        services.AddSingleton<ILatestPositions>(sp => sp.GetService<IConnectionMultiplexer>() is { } redis
            ? new RedisLatestPositions(redis)
            : new HotStateLatestPositions(sp.GetRequiredService<IHotState>()));
        services.AddPositionPipeline();

        services.AddServiceDatabase<TelemetryDbContext>(configuration);
        services.AddSingleton<QuarantineStore>();
        AddTrackStore(services, configuration);
        services.AddSingleton<TelemetryQueries>();
        // Order matters: the retention job creates the track table before the writer starts.
        services.AddHostedService<RetentionJob>();
        services.AddHostedService<TrackWriter>();

        services.AddSingleton<Jt808AuthCodes>();
        services.AddSingleton<Jt808Profiles>();
        services.AddSingleton<Jt808Listener>();
        services.AddHostedService(sp => sp.GetRequiredService<Jt808Listener>());
        return builder;
    }

    private static void AddTrackStore(IServiceCollection services, ConfigurationManager configuration)
    {
        var provider = configuration.GetSection(StorageOptions.SectionName).GetValue(nameof(StorageOptions.Provider), StorageProvider.Postgres);
        if (provider == StorageProvider.Postgres)
        {
            var connectionString = configuration.GetConnectionString("Postgres")!;
            services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
            services.AddSingleton<ITrackStore, PostgresTrackStore>();
        }
        else
        {
            var connectionString = configuration.GetConnectionString("Sqlite")!;
            services.AddSingleton<ITrackStore>(_ => new SqliteTrackStore(connectionString));
        }
    }
}
