using System.Security.Cryptography;
using System.Text;
using HazChem.Transport.Telemetry.Options;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.Telemetry.Tcp;

/// <summary>
/// Authentication codes handed out in 0x8100 and checked in 0x0102: an HMAC of the terminal phone (digits without
/// leading zeros) under a server secret. Nothing to store, so every replica and every restart accepts a code
/// another one issued; rotating the secret makes terminals register again.
/// </summary>
internal sealed class Jt808AuthCodes
{
    private const int CodeBytes = 8;
    private readonly byte[]? _secret;

    public Jt808AuthCodes(IOptions<Jt808Options> options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        var secret = options.Value.AuthCodeSecret;
        if (string.IsNullOrEmpty(secret))
        {
            secret = configuration["Auth:SigningKey"];
        }

        _secret = string.IsNullOrEmpty(secret) ? null : Encoding.UTF8.GetBytes(secret);
    }

    /// <summary>Fails the start of a listener that could not hand out codes.</summary>
    public void EnsureConfigured()
    {
        if (_secret is null)
        {
            throw new InvalidOperationException(
                $"{Jt808Options.SectionName}:{nameof(Jt808Options.AuthCodeSecret)} (or Auth:SigningKey) must be set: JT/T 808 authentication codes are derived from it.");
        }
    }

    /// <summary>The code for a terminal (16 hex characters).</summary>
    public string For(string terminalDigits)
    {
        Span<byte> mac = stackalloc byte[32];
        EnsureConfigured();
        HMACSHA256.HashData(_secret!, Encoding.ASCII.GetBytes(terminalDigits), mac);
        return Convert.ToHexString(mac[..CodeBytes]);
    }

    /// <summary>True when <paramref name="code"/> is the terminal's code (constant-time compare).</summary>
    public bool Matches(string terminalDigits, string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var expected = Encoding.ASCII.GetBytes(For(terminalDigits));
        var given = Encoding.UTF8.GetBytes(code.Trim());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
