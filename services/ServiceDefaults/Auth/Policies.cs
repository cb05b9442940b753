using Microsoft.AspNetCore.Authorization;

namespace HazChem.Transport.ServiceDefaults.Auth;

/// <summary>
/// Which role may do what: the one table both the gateway (per route) and the services (per RPC) use.
/// Resource ownership (a carrier sees only its own, a terminal only its own checks) is decided by the
/// service on top of these. <see cref="Roles.Service"/> is how sibling services call each other.
/// </summary>
public static class Policies
{
    /// <summary>Register and update carriers, vehicles, personnel, tanks.</summary>
    public const string RegistryWrite = "registry.write";

    /// <summary>Read the registry.</summary>
    public const string RegistryRead = "registry.read";

    /// <summary>Add and lift blacklist entries.</summary>
    public const string BlacklistWrite = "blacklist.write";

    /// <summary>Ask for a qualification verdict.</summary>
    public const string QualificationEvaluate = "qualification.evaluate";

    /// <summary>Issue, amend, cancel, deliver waybills.</summary>
    public const string WaybillWrite = "waybill.write";

    /// <summary>Read waybills.</summary>
    public const string WaybillRead = "waybill.read";

    /// <summary>Mark a waybill LOADED: only the loading-check service, after a confirmed PASS check.</summary>
    public const string WaybillLoad = "waybill.load";

    /// <summary>Run and confirm pre-loading checks.</summary>
    public const string LoadingCheckRun = "loadingcheck.run";

    /// <summary>Read pre-loading check records.</summary>
    public const string LoadingCheckRead = "loadingcheck.read";

    /// <summary>Report positions.</summary>
    public const string PositionsReport = "positions.report";

    /// <summary>Read latest positions and tracks.</summary>
    public const string PositionsRead = "positions.read";

    /// <summary>Import and delete zones.</summary>
    public const string ZonesWrite = "zones.write";

    /// <summary>Read zones.</summary>
    public const string ZonesRead = "zones.read";

    /// <summary>Read and watch violations.</summary>
    public const string ViolationsRead = "violations.read";

    /// <summary>Acknowledge violations.</summary>
    public const string ViolationsAcknowledge = "violations.acknowledge";

    /// <summary>Policy name → roles allowed. Everything not listed is 403.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> RolesByPolicy = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [RegistryWrite] = [Roles.Admin],
        [RegistryRead] = [Roles.Admin, Roles.Carrier, Roles.Terminal, Roles.Police, Roles.Service],
        [BlacklistWrite] = [Roles.Admin],
        [QualificationEvaluate] = [Roles.Admin, Roles.Carrier, Roles.Terminal, Roles.Service],
        [WaybillWrite] = [Roles.Carrier, Roles.Admin],
        [WaybillRead] = [Roles.Admin, Roles.Carrier, Roles.Terminal, Roles.Police, Roles.Service],
        [WaybillLoad] = [Roles.Service],
        [LoadingCheckRun] = [Roles.Terminal],
        [LoadingCheckRead] = [Roles.Terminal, Roles.Police, Roles.Admin, Roles.Carrier],
        [PositionsReport] = [Roles.Gps],
        [PositionsRead] = [Roles.Police, Roles.Admin, Roles.Carrier, Roles.Terminal, Roles.Service],
        [ZonesWrite] = [Roles.Admin],
        [ZonesRead] = [Roles.Admin, Roles.Police, Roles.Carrier, Roles.Terminal],
        [ViolationsRead] = [Roles.Police, Roles.Admin],
        [ViolationsAcknowledge] = [Roles.Police],
    };

    /// <summary>Registers every policy of <see cref="RolesByPolicy"/>; each requires an authenticated user with one of its roles.</summary>
    public static AuthorizationBuilder AddHazChemPolicies(this AuthorizationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var (name, roles) in RolesByPolicy)
        {
            builder.AddPolicy(name, policy => policy.RequireAuthenticatedUser().RequireClaim(Roles.ClaimType, roles));
        }

        return builder;
    }
}
