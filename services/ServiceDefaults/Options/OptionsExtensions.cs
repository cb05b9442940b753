using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.ServiceDefaults.Options;

/// <summary>Binds an options class to its configuration section and fails the host on start when it is invalid.</summary>
public static class OptionsExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="sectionName"/>, validates data annotations
    /// (and <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>) and validates on start, so a bad configuration stops the process.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, string sectionName)
        where TOptions : class
    {
        return services.AddOptions<TOptions>()
            .BindConfiguration(sectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
    }
}
