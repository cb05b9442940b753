using HazChem.Transport.RouteCompliance.Engine;
using HazChem.Transport.RouteCompliance.Messaging;
using HazChem.Transport.RouteCompliance.Options;
using HazChem.Transport.RouteCompliance.Storage;
using HazChem.Transport.ServiceDefaults.Messaging;
using HazChem.Transport.ServiceDefaults.Options;
using HazChem.Transport.ServiceDefaults.State;
using HazChem.Transport.ServiceDefaults.Storage;

namespace HazChem.Transport.RouteCompliance.Extensions;

/// <summary>Composition of the RouteCompliance service.</summary>
internal static class RouteComplianceServiceCollectionExtensions
{
    /// <summary>
    /// Adds the RouteCompliance service: options, storage (zones, trips, violations), hot state, the zone index and trip
    /// directory (loaded before the consumers start), the two Kafka consumers, the offline sweep and the publisher.
    /// </summary>
    public static WebApplicationBuilder AddRouteCompliance(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<ComplianceOptions>(ComplianceOptions.SectionName);
        services.AddServiceDatabase<RouteComplianceDbContext>(builder.Configuration);
        services.AddSingleton<ZoneStore>();
        services.AddSingleton<TripStore>();
        services.AddSingleton<ViolationStore>();
        services.AddSingleton<HazChem.Transport.RouteCompliance.Operations.ComplianceOperations>();
        services.AddHotState(builder.Configuration);

        services.AddSingleton<ZoneCatalog>();
        services.AddSingleton<TripDirectory>();
        services.AddSingleton<VehicleStateStore>();
        services.AddSingleton<ComplianceEngine>();
        // Loads zones and trips (after the schema initializer has run), then keeps them fresh; the consumers wait for it.
        services.AddSingleton<CatalogsLoaded>();
        services.AddHostedService<CatalogRefresher>();

        services.AddKafka();
        services.AddSingleton<ViolationFeed>();
        services.AddSingleton<ViolationPublisher>();
        services.AddHostedService<TripEventsConsumer>();
        services.AddHostedService<PositionsConsumer>();
        services.AddHostedService<OfflineSweep>();
        services.AddHostedService<ViolationWatchConsumer>();
        return builder;
    }
}
