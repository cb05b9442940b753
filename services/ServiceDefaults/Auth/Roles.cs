namespace HazChem.Transport.ServiceDefaults.Auth;

/// <summary>
/// The five roles of DESIGN.md §4, carried in the JWT claim <c>role</c>. For <see cref="Carrier"/> the token
/// subject is the carrier id, for <see cref="Terminal"/> the terminal id.
/// </summary>
public static class Roles
{
    /// <summary>Transport authority: registry, blacklist, zones.</summary>
    public const string Admin = "admin";

    /// <summary>A carrier: its own resources and waybills.</summary>
    public const string Carrier = "carrier";

    /// <summary>A loading terminal: pre-loading checks.</summary>
    public const string Terminal = "terminal";

    /// <summary>A GPS terminal gateway: position reports for the vehicles bound to it.</summary>
    public const string Gps = "gps";

    /// <summary>Traffic police: violations, tracks, positions; acknowledges violations.</summary>
    public const string Police = "police";

    /// <summary>
    /// A sibling service calling on its own authority (subject = its name). Never issued to users: the dev
    /// token endpoint refuses it and the gateway routes no internal-only RPC.
    /// </summary>
    public const string Service = "service";

    /// <summary>The name of the claim that carries the role.</summary>
    public const string ClaimType = "role";

    /// <summary>Every role a user (person or device) can hold, for validation of token requests.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Admin, Carrier, Terminal, Gps, Police,
    };
}
