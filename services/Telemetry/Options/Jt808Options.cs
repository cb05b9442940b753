using System.ComponentModel.DataAnnotations;
using System.Net;

namespace HazChem.Transport.Telemetry.Options;

/// <summary>
/// The JT/T 808 TCP server, section <c>Jt808</c> (environment: <c>Jt808__Key</c>). Validated at start.
/// </summary>
internal sealed class Jt808Options : IValidatableObject
{
    public const string SectionName = "Jt808";

    /// <summary>False = no TCP listener (a replica that serves only gRPC).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>TCP port terminals connect to; 0 picks a free one (tests).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 6808;

    /// <summary>Address to listen on: <c>0.0.0.0</c> (all IPv4), <c>::</c> (all, dual stack) or one address.</summary>
    [Required]
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>
    /// Most connections held at once; more are accepted and closed at once (terminals reconnect, a load balancer
    /// spreads them). 0 = the process's open-files limit less a reserve of 1,024 for everything else — a .NET
    /// process that runs out of descriptors fails in unrelated places, so the server never takes the last ones.
    /// </summary>
    [Range(0, 10_000_000)]
    public int MaxConnections { get; set; }

    /// <summary>A connection that sends nothing for this long is closed (terminals heartbeat every 30–60 s).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Clock zone of terminal BCD times unless overridden per terminal: GMT+8 per the standard.</summary>
    public TimeSpan DefaultClockOffset { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// Per-terminal clock zone: terminal phone (digits) → UTC offset, e.g. <c>Jt808__TerminalClockOffsets__13800138000=00:00</c>
    /// for a device that sends UTC.
    /// </summary>
    public Dictionary<string, TimeSpan> TerminalClockOffsets { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Keep locations whose additional items are broken (basic information kept, problem logged).</summary>
    public bool TolerateBrokenAdditionalItems { get; set; }

    /// <summary>
    /// Secret the authentication codes handed out in 0x8100 are derived from (HMAC of the terminal phone), so any
    /// replica, also after a restart, accepts a code another one issued. Unset = <c>Auth:SigningKey</c>.
    /// </summary>
    public string? AuthCodeSecret { get; set; }

    /// <summary>A subpackaged message whose packets do not all arrive within this time is dropped.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SubpackageTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Pending connection queue of the listening socket.</summary>
    [Range(1, 65535)]
    public int Backlog { get; set; } = 4096;

    /// <summary>Reply deadline for a location report: the ingest (Kafka delivery) must finish within it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan IngestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IPAddress.TryParse(BindAddress, out _))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(BindAddress)} '{BindAddress}' is not an IP address.", [nameof(BindAddress)]);
        }

        foreach (var (phone, offset) in TerminalClockOffsets.Prepend(new KeyValuePair<string, TimeSpan>("(default)", DefaultClockOffset)))
        {
            if (offset < TimeSpan.FromHours(-14) || offset > TimeSpan.FromHours(14) || offset.Ticks % TimeSpan.TicksPerMinute != 0)
            {
                yield return new ValidationResult(
                    $"{SectionName}:{nameof(TerminalClockOffsets)} for {phone}: {offset} is not a whole-minute UTC offset within ±14 h.",
                    [nameof(TerminalClockOffsets)]);
            }
        }

        foreach (var phone in TerminalClockOffsets.Keys)
        {
            if (phone.Length is 0 or > 20 || phone.Any(c => c is < '0' or > '9'))
            {
                yield return new ValidationResult(
                    $"{SectionName}:{nameof(TerminalClockOffsets)}: key '{phone}' is not a terminal phone (1 to 20 digits).",
                    [nameof(TerminalClockOffsets)]);
            }
        }
    }
}
