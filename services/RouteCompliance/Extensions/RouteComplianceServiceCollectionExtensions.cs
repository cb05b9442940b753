using HazChem.Transport.RouteCompliance.Storage;
using HazChem.Transport.ServiceDefaults.Messaging;
using HazChem.Transport.ServiceDefaults.State;
using HazChem.Transport.ServiceDefaults.Storage;

namespace HazChem.Transport.RouteCompliance.Extensions;

/// <summary>Composition of the RouteCompliance service.</summary>
internal static class RouteComplianceServiceCollectionExtensions
{
    /// <summary>Adds the RouteCompliance service's storage, Kafka, hot state.</summary>
    public static WebApplicationBuilder AddRouteCompliance(this WebApplicationBuilder builder)
    {
        builder.Services.AddServiceDatabase<RouteComplianceDbContext>(builder.Configuration);
        builder.Services.AddKafka();
        builder.Services.AddHotState(builder.Configuration);
        return builder;
    }
}
