using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HazChem.Transport.Contracts.Compliance.V1;

namespace HazChem.Transport.RouteCompliance.Domain;

/// <summary>What happened to an episode.</summary>
internal enum ChangeType
{
    Opened,
    Updated,
    Closed,
}

/// <summary>A violation episode as the engine last computed it (the engine's fields; acknowledgement is the API's).</summary>
internal sealed record ViolationSnapshot(
    string Id,
    string Plate,
    ViolationKind Kind,
    string ZoneId,
    string ZoneName,
    string WaybillId,
    DateTimeOffset Start,
    DateTimeOffset? End,
    IReadOnlyList<EvidencePoint> Evidence,
    string Details,
    double MaxDistanceMeters,
    double MaxSpeedKmh,
    double SpeedLimitKmh,
    IReadOnlyList<string> GoodsClasses,
    int Revision)
{
    public string Code => RuleCodes.For(Kind);
}

/// <summary>One effect of a fix (or of the offline sweep): persist it, then publish it.</summary>
internal sealed record EpisodeChange(ChangeType Type, ViolationSnapshot Violation)
{
    /// <summary>Deterministic: "&lt;violation id&gt;:&lt;TYPE&gt;:&lt;revision&gt;", so a redelivered fix repeats the same event id.</summary>
    public string EventId => $"{Violation.Id}:{Type.ToString().ToUpperInvariant()}:{Violation.Revision.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>The DOMAIN.md section C codes.</summary>
internal static class RuleCodes
{
    public static string For(ViolationKind kind) => kind switch
    {
        ViolationKind.RestrictedZone => "C-RESTRICTED-ZONE",
        ViolationKind.RouteDeviation => "C-ROUTE",
        ViolationKind.OutsideTravelWindow => "C-WINDOW",
        ViolationKind.Overspeed => "C-SPEED",
        ViolationKind.Fatigue => "C-FATIGUE",
        ViolationKind.GpsOffline => "C-OFFLINE",
        ViolationKind.NoActiveWaybill => "C-NO-WAYBILL",
        ViolationKind.AbnormalStop => "C-STOP",
        _ => "",
    };
}

/// <summary>Deterministic violation ids: the same episode always gets the same id, so redelivery creates no duplicate.</summary>
internal static class ViolationIds
{
    public static string Create(string plate, ViolationKind kind, string scope, DateTimeOffset start)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{plate}|{kind}|{scope}|{start.UtcTicks}");
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }
}
