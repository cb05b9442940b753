using System.ComponentModel.DataAnnotations;

namespace HazChem.Transport.ServiceDefaults.Auth;

/// <summary>
/// JWT bearer settings, section <c>Auth</c>: <c>Auth__Issuer</c>, <c>Auth__Audience</c>, and either
/// <c>Auth__SigningKey</c> (base64, ≥ 32 bytes, HS256 — the dev launcher generates one per run) or
/// <c>Auth__Authority</c> (an OpenID Connect issuer whose keys are discovered).
/// </summary>
public sealed class AuthOptions : IValidatableObject
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Auth";

    /// <summary>Expected token issuer.</summary>
    [Required]
    public string Issuer { get; set; } = "hazchem";

    /// <summary>Expected token audience.</summary>
    [Required]
    public string Audience { get; set; } = "hazchem-transport";

    /// <summary>Base64 symmetric signing key (HS256).</summary>
    public string? SigningKey { get; set; }

    /// <summary>OpenID Connect authority; when set, keys come from its discovery document.</summary>
    public string? Authority { get; set; }

    /// <summary>The decoded signing key, or null when none is configured.</summary>
    public byte[]? SigningKeyBytes()
    {
        if (string.IsNullOrWhiteSpace(SigningKey))
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(SigningKey);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Authority))
        {
            var key = SigningKeyBytes();
            if (key is null || key.Length < 32)
            {
                yield return new ValidationResult(
                    "Auth:SigningKey must be base64 of at least 32 bytes when Auth:Authority is not set.",
                    [nameof(SigningKey)]);
            }
        }
    }
}
