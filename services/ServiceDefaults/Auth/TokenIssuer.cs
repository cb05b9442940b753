using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HazChem.Transport.ServiceDefaults.Auth;

/// <summary>
/// Signs HS256 tokens with the configured key: the gateway's dev token endpoint and tests use it.
/// Production tokens come from the authority's identity provider instead.
/// </summary>
public sealed class TokenIssuer(AuthOptions options, TimeProvider time)
{
    /// <summary>Creates a token for <paramref name="role"/> with subject <paramref name="subject"/>.</summary>
    public string Issue(string role, string subject, TimeSpan lifetime)
    {
        var key = options.SigningKeyBytes()
            ?? throw new InvalidOperationException("Auth:SigningKey is not configured; tokens cannot be issued here.");
        var now = time.GetUtcNow().UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, subject), new Claim(Roles.ClaimType, role)]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
