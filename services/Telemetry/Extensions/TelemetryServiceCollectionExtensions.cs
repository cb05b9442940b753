using HazChem.Transport.ServiceDefaults.Messaging;
using HazChem.Transport.ServiceDefaults.State;
using HazChem.Transport.ServiceDefaults.Storage;
using HazChem.Transport.Telemetry.Storage;

namespace HazChem.Transport.Telemetry.Extensions;

/// <summary>Composition of the Telemetry service.</summary>
internal static class TelemetryServiceCollectionExtensions
{
    /// <summary>Adds the Telemetry service's storage, Kafka, hot state.</summary>
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddServiceDatabase<TelemetryDbContext>(builder.Configuration);
        builder.Services.AddKafka();
        builder.Services.AddHotState(builder.Configuration);
        return builder;
    }
}
