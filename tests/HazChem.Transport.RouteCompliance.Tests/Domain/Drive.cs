using HazChem.Transport.Contracts.Compliance.V1;
using HazChem.Transport.Geofence;
using HazChem.Transport.RouteCompliance.Domain;
using NetTopologySuite.Geometries;

namespace HazChem.Transport.RouteCompliance.Tests.Domain;

/// <summary>
/// One vehicle driven through the pure pipeline fix by fix (no clock, no I/O): the trip and the zones are what the
/// test sets, every change is collected in order.
/// </summary>
internal sealed class Drive
{
    public const string Plate = "渝A12345";

    /// <summary>Tuesday 2026-11-24 10:00 in Shanghai.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);

    /// <summary>A point on the test route (which runs due east along latitude 29.5).</summary>
    public const double RouteLat = 29.5;

    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    public Drive(ComplianceRules? rules = null)
    {
        Rules = rules ?? new ComplianceRules();
        Pipeline = new FixPipeline(Rules, plate => plate == Plate ? Trip : null, () => Index);
    }

    public ComplianceRules Rules { get; }

    public FixPipeline Pipeline { get; }

    public ActiveTrip? Trip { get; set; }

    public GeofenceIndex? Index { get; set; }

    public VehicleState State { get; private set; } = new() { Plate = Plate };

    public List<EpisodeChange> Changes { get; } = [];

    public IEnumerable<EpisodeChange> Of(ViolationKind kind) => Changes.Where(c => c.Violation.Kind == kind);

    public FixContext At(DateTimeOffset time, double lon, double lat, double speedKmh = 40, bool late = false)
    {
        var context = Pipeline.Process(new Fix(Plate, time, lon, lat, speedKmh, Late: late, Received: time), State);
        Changes.AddRange(context.Changes);
        return context;
    }

    /// <summary>A fix every <paramref name="step"/> from <paramref name="from"/> for <paramref name="count"/> fixes at one place.</summary>
    public void Stay(DateTimeOffset from, TimeSpan step, int count, double lon, double lat, double speedKmh = 40)
    {
        for (var i = 0; i < count; i++)
        {
            At(from + (step * i), lon, lat, speedKmh);
        }
    }

    public void Sweep(DateTimeOffset now) => Changes.AddRange(Pipeline.Sweep(Plate, State, Trip, now));

    /// <summary>Round-trips the state through JSON, as the hot state store does between fixes.</summary>
    public void Reload() =>
        State = System.Text.Json.JsonSerializer.Deserialize<VehicleState>(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(State))!;

    /// <summary>A trip along latitude 29.5 from 106.5 to 106.9 (≈ 39 km), 500 m corridor, window T0−1h .. T0+9h, class 3.</summary>
    public static ActiveTrip NewTrip(string waybillId = "wb-1", TripStatus status = TripStatus.InTransit, bool highHazard = false, DateTimeOffset? monitoredSince = null, params string[] goodsClasses) => new()
    {
        WaybillId = waybillId,
        Version = 1,
        Status = status,
        Plate = Plate,
        Route = [(106.5, RouteLat), (106.7, RouteLat), (106.9, RouteLat)],
        CorridorMeters = 500,
        WindowStart = T0.AddHours(-1),
        WindowEnd = T0.AddHours(9),
        GoodsClasses = goodsClasses.Length == 0 ? ["3"] : goodsClasses,
        HighHazard = highHazard,
        Origin = new Place("origin", 106.5, RouteLat),
        Destination = new Place("destination", 106.9, RouteLat),
        MonitoredSince = monitoredSince ?? (status is TripStatus.Loaded or TripStatus.InTransit ? T0.AddMinutes(-10) : null),
    };

    /// <summary>A square zone of about 2 km × 2 km centred on the route at longitude 106.6.</summary>
    public static ZoneDefinition Square(string id, double centreLon = 106.6, double centreLat = RouteLat, double halfDegrees = 0.01, string kind = "restricted_area", IReadOnlyList<string>? hazardClasses = null, IReadOnlyList<ScheduleWindow>? schedule = null, double? speedLimitKmh = null) => new()
    {
        Id = id,
        Name = id + " name",
        Kind = kind,
        HazardClasses = hazardClasses ?? [],
        Schedule = schedule ?? [],
        SpeedLimitKmh = speedLimitKmh,
        SourceCrs = SourceCrs.Wgs84,
        Geometry = Factory.CreatePolygon(
        [
            new Coordinate(centreLon - halfDegrees, centreLat - halfDegrees),
            new Coordinate(centreLon + halfDegrees, centreLat - halfDegrees),
            new Coordinate(centreLon + halfDegrees, centreLat + halfDegrees),
            new Coordinate(centreLon - halfDegrees, centreLat + halfDegrees),
            new Coordinate(centreLon - halfDegrees, centreLat - halfDegrees),
        ]),
    };

    /// <summary>Latitude <paramref name="meters"/> north of the route.</summary>
    public static double North(double meters) => RouteLat + (meters / 111_195.0);
}
