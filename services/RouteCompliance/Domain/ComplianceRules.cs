namespace HazChem.Transport.RouteCompliance.Domain;

/// <summary>
/// The thresholds of DOMAIN.md section C as the detectors see them (pure values; bound from
/// <c>ComplianceOptions</c>). The defaults here are the documented defaults.
/// </summary>
internal sealed record ComplianceRules
{
    public double DefaultCorridorMeters { get; init; } = 500;

    public TimeSpan RouteDeviationAfter { get; init; } = TimeSpan.FromMinutes(2);

    public TimeSpan ZoneEnterAfter { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan CloseAfter { get; init; } = TimeSpan.FromSeconds(30);

    public double MovingSpeedKmh { get; init; } = 5;

    public TimeSpan TravelWindowAfter { get; init; } = TimeSpan.FromSeconds(30);

    public double DefaultSpeedLimitKmh { get; init; } = 80;

    public TimeSpan OverspeedAfter { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan FatigueMaxDriving { get; init; } = TimeSpan.FromHours(4);

    public TimeSpan FatigueMinRest { get; init; } = TimeSpan.FromMinutes(20);

    public TimeSpan OfflineAfter { get; init; } = TimeSpan.FromMinutes(20);

    public double NoWaybillDistanceMeters { get; init; } = 5000;

    public TimeSpan NoWaybillStopEnds { get; init; } = TimeSpan.FromMinutes(30);

    public TimeSpan AbnormalStopAfter { get; init; } = TimeSpan.FromMinutes(30);

    public double AbnormalStopPlaceRadiusMeters { get; init; } = 1000;

    public IReadOnlySet<string> ParkingZoneKinds { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "parking" };

    public TimeSpan UpdateInterval { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan FutureFixTolerance { get; init; } = TimeSpan.FromMinutes(5);
}
