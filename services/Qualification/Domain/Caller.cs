using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.ServiceDefaults.Errors;

namespace HazChem.Transport.Qualification.Domain;

/// <summary>
/// Who calls, as far as resource ownership goes. The role policies (<see cref="Policies"/>) have already let the
/// call in; on top of them a <c>carrier</c> token (subject = carrier id) sees only its own carrier and that
/// carrier's vehicles, personnel, tanks and blacklist entries. Every other role that passed the policy sees all.
/// </summary>
internal sealed record Caller(string Role, string Subject)
{
    /// <summary>The carrier whose resources alone this caller may see, or null when it may see every carrier's.</summary>
    public string? OwnCarrierId => IsCarrier ? Subject : null;

    /// <summary>Who recorded a change, as stored in the history: <c>role:subject</c>.</summary>
    public string Actor => $"{Role}:{Subject}";

    private bool IsCarrier => string.Equals(Role, Roles.Carrier, StringComparison.Ordinal);

    /// <summary>Throws <see cref="AccessDeniedException"/> unless the caller may see resources of <paramref name="carrierId"/>.</summary>
    public void EnsureMaySee(string carrierId, string what)
    {
        if (IsCarrier && !string.Equals(Subject, carrierId, StringComparison.Ordinal))
        {
            throw new AccessDeniedException($"A carrier token may only access its own carrier's {what}.");
        }
    }
}
