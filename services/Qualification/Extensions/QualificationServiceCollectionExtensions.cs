using HazChem.Transport.Qualification.Storage;
using HazChem.Transport.ServiceDefaults.Storage;

namespace HazChem.Transport.Qualification.Extensions;

/// <summary>Composition of the Qualification service.</summary>
internal static class QualificationServiceCollectionExtensions
{
    /// <summary>Adds the Qualification service's storage.</summary>
    public static WebApplicationBuilder AddQualification(this WebApplicationBuilder builder)
    {
        builder.Services.AddServiceDatabase<QualificationDbContext>(builder.Configuration);
        return builder;
    }
}
