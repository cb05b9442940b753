using System.ComponentModel.DataAnnotations;
using HazChem.Transport.RouteCompliance.Domain;

namespace HazChem.Transport.RouteCompliance.Options;

/// <summary>
/// RouteCompliance settings, section <c>Compliance</c> (environment: <c>Compliance__Key</c>). The thresholds are the
/// DOMAIN.md section C defaults marked *config*; validated at start, a bad value stops the process naming the key.
/// </summary>
internal sealed class ComplianceOptions : IValidatableObject
{
    public const string SectionName = "Compliance";

    /// <summary>Consumer group of the engine on <c>hazchem.positions.v1</c>.</summary>
    [Required]
    public string EngineGroupId { get; set; } = "routecompliance-engine";

    /// <summary>
    /// Most fixes the engine applies together: their violations are written in one transaction, their events
    /// acknowledged together and each vehicle's state saved once per batch rather than once per fix.
    /// </summary>
    [Range(1, 100_000)]
    public int EngineBatchSize { get; set; } = 2000;

    /// <summary>How long a batch waits for more fixes once it holds one (adds at most this to fix→violation latency).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan EngineBatchWindow { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Consumer group of the active-trip projection on <c>hazchem.waybill-events.v1</c>.</summary>
    [Required]
    public string TripsGroupId { get; set; } = "routecompliance-trips";

    /// <summary>C-ROUTE: corridor half-width when a waybill event carries none (metres).</summary>
    [Range(1, 100_000)]
    public double DefaultCorridorMeters { get; set; } = 500;

    /// <summary>C-ROUTE: how long a vehicle must stay outside the corridor before ROUTE_DEVIATION opens.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RouteDeviationAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>C-RESTRICTED-ZONE: how long the vehicle must be inside a banned zone before the episode opens (fence-edge hysteresis).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ZoneEnterAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Every kind: how long the condition must have stopped before an open episode closes (hysteresis).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan CloseAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>C-WINDOW and the stop detectors: a vehicle faster than this is moving (km/h).</summary>
    [Range(0, 50)]
    public double MovingSpeedKmh { get; set; } = 5;

    /// <summary>C-WINDOW: how long the vehicle must be moving outside its travel window before the episode opens.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan TravelWindowAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>C-SPEED: limit where no zone sets one (km/h; no road class is known).</summary>
    [Range(1, 200)]
    public double DefaultSpeedLimitKmh { get; set; } = 80;

    /// <summary>C-SPEED: how long the vehicle must be over the limit before OVERSPEED opens.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan OverspeedAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>C-FATIGUE: longest continuous driving.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan FatigueMaxDriving { get; set; } = TimeSpan.FromHours(4);

    /// <summary>C-FATIGUE: a stop at least this long is a rest that ends a driving stretch.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan FatigueMinRest { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>C-OFFLINE: no fix for longer than this while a waybill is LOADED or IN_TRANSIT is GPS_OFFLINE.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan OfflineAfter { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>C-OFFLINE: how often the sweep looks for silent vehicles (platform clock).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan OfflineSweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>C-NO-WAYBILL: distance a vehicle may travel without an active waybill (metres).</summary>
    [Range(1, 1_000_000)]
    public double NoWaybillDistanceMeters { get; set; } = 5000;

    /// <summary>C-NO-WAYBILL: a stop this long ends the trip without a waybill (and its distance count).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan NoWaybillStopEnds { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>C-STOP: high-hazard goods stationary longer than this away from origin, destination and parking.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan AbnormalStopAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>C-STOP: a stop within this distance of the waybill's origin or destination is not abnormal (metres).</summary>
    [Range(0, 100_000)]
    public double AbnormalStopPlaceRadiusMeters { get; set; } = 1000;

    /// <summary>C-STOP: zone kinds that are designated parking (comma-separated); they never raise RESTRICTED_ZONE.</summary>
    [Required(AllowEmptyStrings = true)]
    public string ParkingZoneKinds { get; set; } = "parking";

    /// <summary>Open episodes publish UPDATED (new peak) at most this often in fix time.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan UpdateInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A fix dated more than this after its receipt is ignored (T-FUTURE; Telemetry quarantines it first).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan FutureFixTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often each replica checks the zone catalogue version and the active trips in the database.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time to live of a vehicle's hot state after its last fix (it is rebuilt when missing).</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan VehicleStateTtl { get; set; } = TimeSpan.FromDays(7);

    /// <summary>List page size when the request gives none.</summary>
    [Range(1, 1000)]
    public int DefaultPageSize { get; set; } = 50;

    /// <summary>Largest list page size.</summary>
    [Range(1, 1000)]
    public int MaxPageSize { get; set; } = 500;

    /// <summary>The pure rules the detectors apply.</summary>
    public ComplianceRules ToRules() => new()
    {
        DefaultCorridorMeters = DefaultCorridorMeters,
        RouteDeviationAfter = RouteDeviationAfter,
        ZoneEnterAfter = ZoneEnterAfter,
        CloseAfter = CloseAfter,
        MovingSpeedKmh = MovingSpeedKmh,
        TravelWindowAfter = TravelWindowAfter,
        DefaultSpeedLimitKmh = DefaultSpeedLimitKmh,
        OverspeedAfter = OverspeedAfter,
        FatigueMaxDriving = FatigueMaxDriving,
        FatigueMinRest = FatigueMinRest,
        OfflineAfter = OfflineAfter,
        NoWaybillDistanceMeters = NoWaybillDistanceMeters,
        NoWaybillStopEnds = NoWaybillStopEnds,
        AbnormalStopAfter = AbnormalStopAfter,
        AbnormalStopPlaceRadiusMeters = AbnormalStopPlaceRadiusMeters,
        ParkingZoneKinds = new HashSet<string>(
            ParkingZoneKinds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal),
        UpdateInterval = UpdateInterval,
        FutureFixTolerance = FutureFixTolerance,
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DefaultPageSize > MaxPageSize)
        {
            yield return new ValidationResult($"{SectionName}:{nameof(DefaultPageSize)} exceeds {nameof(MaxPageSize)}", [nameof(DefaultPageSize)]);
        }

        if (FatigueMinRest >= FatigueMaxDriving)
        {
            yield return new ValidationResult($"{SectionName}:{nameof(FatigueMinRest)} must be shorter than {nameof(FatigueMaxDriving)}", [nameof(FatigueMinRest)]);
        }
    }
}
