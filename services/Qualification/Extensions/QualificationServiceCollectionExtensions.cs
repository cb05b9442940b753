using HazChem.Transport.Qualification.Domain;
using HazChem.Transport.Qualification.Options;
using HazChem.Transport.Qualification.Storage;
using HazChem.Transport.ServiceDefaults.Options;
using HazChem.Transport.ServiceDefaults.Storage;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.Qualification.Extensions;

/// <summary>Composition of the Qualification service.</summary>
internal static class QualificationServiceCollectionExtensions
{
    /// <summary>Adds the Qualification options (validated on start), storage, registry and rules.</summary>
    public static WebApplicationBuilder AddQualification(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<QualificationOptions>(QualificationOptions.SectionName);
        builder.Services.AddServiceDatabase<QualificationDbContext>(builder.Configuration);
        builder.Services.AddSingleton<RegistryStore>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<QualificationOptions>>().Value.ToPolicy());
        builder.Services.AddSingleton<QualificationRules>();
        return builder;
    }
}
