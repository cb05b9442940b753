using HazChem.Transport.Contracts.Qualification.V1;
using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.Contracts.Waybill.V1;
using HazChem.Transport.LoadingCheck.Dependencies;
using HazChem.Transport.LoadingCheck.Operations;
using HazChem.Transport.LoadingCheck.Options;
using HazChem.Transport.LoadingCheck.Storage;
using HazChem.Transport.ServiceDefaults.Clients;
using HazChem.Transport.ServiceDefaults.Options;
using HazChem.Transport.ServiceDefaults.Storage;

namespace HazChem.Transport.LoadingCheck.Extensions;

/// <summary>Composition of the LoadingCheck service.</summary>
internal static class LoadingCheckServiceCollectionExtensions
{
    /// <summary>Adds the LoadingCheck service: options, storage, and the Qualification, Waybill and Telemetry clients.</summary>
    public static WebApplicationBuilder AddLoadingCheck(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<LoadingCheckOptions>(LoadingCheckOptions.SectionName);
        services.AddServiceDatabase<LoadingCheckDbContext>(builder.Configuration);
        services.AddHostedService<SqliteWriteAheadLog>();
        services.AddSingleton<LoadingCheckStore>();
        services.AddSingleton<CheckWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<CheckWriter>());

        services.AddServiceClient<QualificationService.QualificationServiceClient>(builder.Configuration, "Qualification");
        services.AddServiceClient<WaybillService.WaybillServiceClient>(builder.Configuration, "Waybill");
        services.AddServiceClient<TelemetryService.TelemetryServiceClient>(builder.Configuration, "Telemetry");
        services.AddTransient<ICheckDependencies, CheckDependencies>();
        services.AddScoped<LoadingCheckOperations>();
        return builder;
    }
}
