using System.Security.Claims;
using HazChem.Transport.ServiceDefaults.Options;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HazChem.Transport.ServiceDefaults.Auth;

/// <summary>JWT bearer authentication and the role policies, as every host (and the gateway) wires them.</summary>
public static class AuthExtensions
{
    /// <summary>Adds JWT bearer authentication from <see cref="AuthOptions"/> and the policies of <see cref="Policies"/>.</summary>
    public static IServiceCollection AddHazChemAuth(this IServiceCollection services)
    {
        services.AddValidatedOptions<AuthOptions>(AuthOptions.SectionName);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<AuthOptions>>().Value);
        services.AddSingleton<TokenIssuer>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, auth) =>
            {
                var options = auth.Value;
                jwt.MapInboundClaims = false;
                jwt.RequireHttpsMetadata = false;
                if (!string.IsNullOrWhiteSpace(options.Authority))
                {
                    jwt.Authority = options.Authority;
                }

                var key = options.SigningKeyBytes();
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = options.Issuer,
                    ValidAudience = options.Audience,
                    IssuerSigningKey = key is null ? null : new SymmetricSecurityKey(key),
                    ValidateIssuerSigningKey = key is not null,
                    NameClaimType = JwtRegisteredClaimNames.Sub,
                    RoleClaimType = Roles.ClaimType,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
            });

        services.AddAuthorizationBuilder().AddHazChemPolicies();
        return services;
    }

    /// <summary>The token subject: the carrier id for a carrier, the terminal id for a terminal.</summary>
    public static string? Subject(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
    }

    /// <summary>The caller's role claim, or null.</summary>
    public static string? Role(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindFirst(Roles.ClaimType)?.Value;
    }
}
