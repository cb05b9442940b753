using HazChem.Transport.LoadingCheck.Storage;
using HazChem.Transport.ServiceDefaults.Storage;

namespace HazChem.Transport.LoadingCheck.Extensions;

/// <summary>Composition of the LoadingCheck service.</summary>
internal static class LoadingCheckServiceCollectionExtensions
{
    /// <summary>Adds the LoadingCheck service's storage.</summary>
    public static WebApplicationBuilder AddLoadingCheck(this WebApplicationBuilder builder)
    {
        builder.Services.AddServiceDatabase<LoadingCheckDbContext>(builder.Configuration);
        return builder;
    }
}
