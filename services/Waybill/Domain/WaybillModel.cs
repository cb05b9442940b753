namespace HazChem.Transport.Waybill.Domain;

/// <summary>Lifecycle status. ISSUED, LOADED and IN_TRANSIT are active (W-ONE-ACTIVE); the others are final.</summary>
internal enum LifecycleStatus
{
    Issued,
    Loaded,
    InTransit,
    Delivered,
    Cancelled,

    /// <summary>Never loaded, and the travel window ended (plus the grace): the service retired it (<see cref="WaybillExpiry"/>).</summary>
    Expired,
}

/// <summary>What a version of a waybill changed.</summary>
internal enum ChangeKind
{
    Issued,
    Amended,
    Loaded,
    Departed,
    Delivered,
    Cancelled,
    Expired,
}

/// <summary>Coordinate reference system of incoming coordinates.</summary>
internal enum CoordinateSystem
{
    Wgs84,
    Gcj02,
}

/// <summary>A party to the transport (consignor, consignee, loading unit).</summary>
internal sealed record WaybillParty(string Name, string Phone);

/// <summary>One validated goods line; the class is normalised, the packing group is I, II, III or -.</summary>
internal sealed record WaybillGoods(string UnNumber, string Name, string HazardClass, string PackingGroup, double QuantityKg);

/// <summary>A named place in WGS-84.</summary>
internal sealed record WaybillPlace(string Name, Coordinate Position);

/// <summary>The planned route in WGS-84 and its corridor half-width.</summary>
internal sealed record RoutePlan(IReadOnlyList<Coordinate> Points, double CorridorMeters);

/// <summary>The permitted travel window [start, end), UTC.</summary>
internal sealed record TravelWindow(DateTimeOffset Start, DateTimeOffset End);

/// <summary>What the carrier states on a waybill, validated (W-REQUIRED, W-UN-KNOWN) and in WGS-84.</summary>
internal sealed record WaybillContent(
    WaybillParty Consignor,
    WaybillParty Consignee,
    WaybillParty LoadingUnit,
    IReadOnlyList<WaybillGoods> Goods,
    string VehiclePlate,
    string TrailerPlate,
    string TankNumber,
    string DriverId,
    string EscortId,
    WaybillPlace Origin,
    WaybillPlace Destination,
    RoutePlan Route,
    TravelWindow Window,
    string EmergencyPhone,
    string RoadPassNumber)
{
    /// <summary>The vehicle plate and, when there is one, the trailer plate: the vehicles this waybill occupies.</summary>
    public IReadOnlyList<string> Plates => TrailerPlate.Length == 0 ? [VehiclePlate] : [VehiclePlate, TrailerPlate];

    /// <summary>Distinct hazard classes/divisions, in order of first appearance.</summary>
    public IReadOnlyList<string> GoodsClasses => [.. Goods.Select(g => g.HazardClass).Distinct(StringComparer.Ordinal)];

    /// <summary>Distinct UN numbers, in order of first appearance.</summary>
    public IReadOnlyList<string> UnNumbers => [.. Goods.Select(g => g.UnNumber).Distinct(StringComparer.Ordinal)];
}

/// <summary>A quantity actually loaded (定量装车).</summary>
internal sealed record LoadedQuantity(string UnNumber, double QuantityKg);

/// <summary>Who made a change: the token subject and role.</summary>
internal sealed record Actor(string Subject, string Role);

/// <summary>One version of a waybill as stored. Versions are never rewritten (W-RETENTION).</summary>
internal sealed record WaybillSnapshot(
    string Id,
    int Version,
    LifecycleStatus Status,
    string CarrierId,
    string CarrierPermitNumber,
    WaybillContent Content,
    string DriverCertNumber,
    string EscortCertNumber,
    IReadOnlyList<LoadedQuantity> Loaded,
    string LoadingCheckId,
    string CancelReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>One entry of a waybill's history: the change that produced <paramref name="Version"/>.</summary>
internal sealed record HistoryEntry(ChangeKind Change, int Version, LifecycleStatus Status, DateTimeOffset At, string Actor, string ActorRole, string Reason);

/// <summary>A version of a waybill with the history up to it.</summary>
internal sealed record WaybillView(WaybillSnapshot Snapshot, IReadOnlyList<HistoryEntry> History);
