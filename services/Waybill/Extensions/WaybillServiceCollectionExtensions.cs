using HazChem.Transport.ServiceDefaults.Messaging;
using HazChem.Transport.ServiceDefaults.Storage;
using HazChem.Transport.Waybill.Storage;

namespace HazChem.Transport.Waybill.Extensions;

/// <summary>Composition of the Waybill service.</summary>
internal static class WaybillServiceCollectionExtensions
{
    /// <summary>Adds the Waybill service's storage, Kafka.</summary>
    public static WebApplicationBuilder AddWaybill(this WebApplicationBuilder builder)
    {
        builder.Services.AddServiceDatabase<WaybillDbContext>(builder.Configuration);
        builder.Services.AddKafka();
        return builder;
    }
}
