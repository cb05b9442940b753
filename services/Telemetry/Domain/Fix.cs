using HazChem.Transport.Contracts.Telemetry.V1;

namespace HazChem.Transport.Telemetry.Domain;

/// <summary>
/// One normalised fix, whatever brought it (JT/T 808 decoder, gRPC stream, HTTP batch): WGS-84 degrees, km/h, UTC.
/// Fix time is the device's clock, received time the platform's; they are never mixed.
/// </summary>
internal sealed class Fix
{
    /// <summary>The vehicle; empty when a JT/T 808 terminal reports on a connection that is not authenticated.</summary>
    public required string Plate { get; init; }

    /// <summary>JT/T 808 terminal phone (digits without leading zeros); empty for gateway sources.</summary>
    public string TerminalPhone { get; init; } = "";

    public required DateTimeOffset FixTime { get; init; }

    public required DateTimeOffset ReceivedTime { get; init; }

    public required double Lat { get; init; }

    public required double Lon { get; init; }

    public double SpeedKmh { get; init; }

    public double HeadingDeg { get; init; }

    public double AltitudeM { get; init; }

    public uint AlarmFlags { get; init; }

    public uint StatusFlags { get; init; }

    /// <summary>The terminal's own validity flag.</summary>
    public required bool Valid { get; init; }

    public required PositionSource Source { get; init; }

    /// <summary>Reported as a late (blind-area / batch) upload, or found older than the vehicle's newest fix.</summary>
    public bool Late { get; set; }
}

/// <summary>Why a fix was quarantined: a DOMAIN.md T- code and a reason naming the values.</summary>
internal readonly record struct Rejection(string Code, string Reason);

/// <summary>The T- codes of DOMAIN.md section T.</summary>
internal static class FixCodes
{
    public const string Invalid = "T-INVALID";
    public const string Range = "T-RANGE";
    public const string Future = "T-FUTURE";
    public const string Jump = "T-JUMP";
    public const string Duplicate = "T-DUPLICATE";
    public const string Unbound = "T-UNBOUND";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Invalid, Range, Future, Jump, Duplicate, Unbound };
}
