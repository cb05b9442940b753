using HazChem.Transport.Gateway.Extensions;
using HazChem.Transport.Gateway.Options;
using HazChem.Transport.ServiceDefaults.Auth;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.Gateway.DevTokens;

/// <summary>
/// <c>POST /api/v1/dev/token</c> <c>{ "role": "...", "subject": "..." }</c> → <c>{ "token": "..." }</c>:
/// mapped only when <c>Gateway:DevTokens</c> is true (the dev launcher's embedded mode).
/// </summary>
internal static class DevTokenEndpoint
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    public static WebApplication MapDevTokens(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.DevTokens)
        {
            return app;
        }

        app.MapPost("/api/v1/dev/token", (DevTokenRequest request, TokenIssuer issuer) =>
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            if (string.IsNullOrWhiteSpace(request.Role) || !Roles.All.Contains(request.Role))
            {
                errors["role"] = [$"role must be one of: {string.Join(", ", Roles.All.Order(StringComparer.Ordinal))}."];
            }

            if (string.IsNullOrWhiteSpace(request.Subject))
            {
                errors["subject"] = ["subject is required (the carrier id for carrier, the terminal id for terminal, a user id otherwise)."];
            }

            if (errors.Count > 0)
            {
                return Results.ValidationProblem(errors);
            }

            return Results.Ok(new DevTokenResponse(issuer.Issue(request.Role!, request.Subject!.Trim(), Lifetime)));
        })
        .AllowAnonymous()
        .RequireRateLimiting(GatewayServiceCollectionExtensions.TokenRateLimit);
        return app;
    }
}

/// <summary>A dev token request.</summary>
internal sealed record DevTokenRequest(string? Role, string? Subject);

/// <summary>The signed token.</summary>
internal sealed record DevTokenResponse(string Token);
