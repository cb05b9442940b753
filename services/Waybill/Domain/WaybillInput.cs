namespace HazChem.Transport.Waybill.Domain;

/// <summary>A party as received; null fields mean absent.</summary>
internal sealed record PartyInput(string? Name, string? Phone);

/// <summary>A goods line as received.</summary>
internal sealed record GoodsInput(string? UnNumber, string? Name, string? HazardClass, string? PackingGroup, double QuantityKg);

/// <summary>A named place as received, in the request's CRS.</summary>
internal sealed record PlaceInput(string? Name, double Lon, double Lat);

/// <summary>
/// A route as received. <paramref name="Crs"/> is null for a CRS value this service does not know;
/// a coordinate is null when it is not a list of two numbers.
/// </summary>
internal sealed record RouteInput(CoordinateSystem? Crs, IReadOnlyList<double[]?> Coordinates, double CorridorMeters);

/// <summary>A travel window as received.</summary>
internal sealed record WindowInput(DateTimeOffset? Start, DateTimeOffset? End);

/// <summary>The waybill content of an issue or amendment request, before validation. Null = absent.</summary>
internal sealed record WaybillInput(
    PartyInput? Consignor,
    PartyInput? Consignee,
    PartyInput? LoadingUnit,
    IReadOnlyList<GoodsInput> Goods,
    string? VehiclePlate,
    string? TrailerPlate,
    string? TankNumber,
    string? DriverId,
    string? EscortId,
    PlaceInput? Origin,
    PlaceInput? Destination,
    RouteInput? Route,
    WindowInput? Window,
    string? EmergencyPhone,
    string? RoadPassNumber);
