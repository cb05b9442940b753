using HazChem.Transport.ServiceDefaults.Auth;
using Microsoft.Extensions.Hosting;

namespace HazChem.Transport.ServiceDefaults.Clients;

/// <summary>
/// The token a service presents when it calls a sibling on its own authority (role <c>service</c>, subject =
/// its application name), signed with the shared key and renewed before it expires. With an OpenID Connect
/// authority instead of a shared key, this is where a client-credentials flow would plug in.
/// </summary>
public sealed class ServiceTokenSource(TokenIssuer issuer, IHostEnvironment environment, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private readonly Lock _gate = new();
    private (string Token, DateTimeOffset RenewAt)? _current;

    /// <summary>A valid bearer token for service-to-service calls.</summary>
    public string Token()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_current is not { } current || now >= current.RenewAt)
            {
                current = (issuer.Issue(Roles.Service, environment.ApplicationName, Lifetime), now + Lifetime / 2);
                _current = current;
            }

            return current.Token;
        }
    }
}
