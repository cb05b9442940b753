using HazChem.Transport.Geofence;

namespace HazChem.Transport.RouteCompliance.Domain;

/// <summary>One fix as the engine sees it (from <c>PositionReported</c>): fix time drives all logic, receipt time only filters.</summary>
internal sealed record Fix(string Plate, DateTimeOffset Time, double Lon, double Lat, double SpeedKmh, bool Valid = true, bool Late = false, DateTimeOffset? Received = null)
{
    public FixPoint Point => new(Time, Lon, Lat, SpeedKmh);
}

/// <summary>The part of a fix kept in state and evidence.</summary>
internal sealed record FixPoint(DateTimeOffset Time, double Lon, double Lat, double SpeedKmh);

/// <summary>Waybill status as far as compliance cares.</summary>
internal enum TripStatus
{
    Issued,
    Loaded,
    InTransit,
    Delivered,
    Cancelled,
}

/// <summary>A named place of a waybill (origin, destination), WGS-84.</summary>
internal sealed record Place(string Name, double Lon, double Lat);

/// <summary>
/// A vehicle's waybill as projected from <c>hazchem.waybill-events.v1</c>: route corridor, travel window, goods
/// classes, high-hazard flag, origin and destination.
/// </summary>
internal sealed class ActiveTrip
{
    private readonly Lazy<Corridor?> _corridor;

    public ActiveTrip()
    {
        _corridor = new Lazy<Corridor?>(() => Route.Count >= 2 ? new Corridor(Route, CorridorMeters) : null);
    }

    public required string WaybillId { get; init; }

    public int Version { get; init; }

    public TripStatus Status { get; init; }

    public required string Plate { get; init; }

    public IReadOnlyList<(double Lon, double Lat)> Route { get; init; } = [];

    /// <summary>Corridor half-width in metres.</summary>
    public double CorridorMeters { get; init; } = 500;

    /// <summary>Permitted travel window [start, end); null bounds are open.</summary>
    public DateTimeOffset? WindowStart { get; init; }

    public DateTimeOffset? WindowEnd { get; init; }

    public IReadOnlyList<string> GoodsClasses { get; init; } = [];

    /// <summary>剧毒/易制爆 goods on board (C-STOP applies).</summary>
    public bool HighHazard { get; init; }

    public Place? Origin { get; init; }

    public Place? Destination { get; init; }

    /// <summary>When the waybill became LOADED or IN_TRANSIT (platform time of that event); C-OFFLINE counts from here.</summary>
    public DateTimeOffset? MonitoredSince { get; init; }

    /// <summary>The route corridor, built once; null without a route.</summary>
    public Corridor? Corridor => _corridor.Value;

    /// <summary>ISSUED, LOADED or IN_TRANSIT.</summary>
    public bool IsActive => Status is TripStatus.Issued or TripStatus.Loaded or TripStatus.InTransit;

    /// <summary>LOADED or IN_TRANSIT: the vehicle must report (C-OFFLINE).</summary>
    public bool MustReport => Status is TripStatus.Loaded or TripStatus.InTransit;

    /// <summary>True when the window is known and <paramref name="time"/> lies outside it.</summary>
    public bool IsOutsideWindow(DateTimeOffset time) =>
        (WindowStart is { } start && time < start) || (WindowEnd is { } end && time >= end);
}
