namespace HazChem.Transport.Telemetry.Jt808;

/// <summary>
/// One fix as a terminal reported it (0x0200, or one item of a 0x0704 batch), normalised: UTC time, signed
/// degrees, km/h. Plausibility (range, future time, jumps) is judged later by the ingest pipeline, not here.
/// </summary>
internal sealed record Jt808Position
{
    /// <summary>Device time converted to UTC with the terminal's clock offset (GMT+8 by default).</summary>
    public required DateTime FixTimeUtc { get; init; }

    /// <summary>Degrees, negative for south (status bit 2, or a two's-complement raw value).</summary>
    public required double Latitude { get; init; }

    /// <summary>Degrees, negative for west (status bit 3, or a two's-complement raw value).</summary>
    public required double Longitude { get; init; }

    /// <summary>Metres (read as signed: some devices report below sea level).</summary>
    public required int AltitudeM { get; init; }

    public required double SpeedKmh { get; init; }

    /// <summary>Degrees clockwise from north, 0–359 as sent.</summary>
    public required int HeadingDeg { get; init; }

    /// <summary>Alarm flag DWORD; bit names in <see cref="Jt808AlarmBits"/>.</summary>
    public required uint AlarmFlags { get; init; }

    /// <summary>Status DWORD; bit names in <see cref="Jt808StatusBits"/>.</summary>
    public required uint StatusFlags { get; init; }

    /// <summary>Terminal's own validity flag: status bit 1 (positioned).</summary>
    public bool IsValid => (StatusFlags & (uint)Jt808StatusBits.Positioned) != 0;

    public Jt808AlarmBits Alarms => (Jt808AlarmBits)AlarmFlags;

    public Jt808StatusBits Status => (Jt808StatusBits)StatusFlags;

    /// <summary>All additional-information items in wire order, unknown ones included, values raw.</summary>
    public IReadOnlyList<Jt808AdditionalItem> AdditionalItems { get; init; } = [];

    /// <summary>
    /// Set only when the terminal profile tolerates broken items: why item parsing stopped early. The basic
    /// information and the items before the bad one are kept.
    /// </summary>
    public Jt808Error? AdditionalItemsError { get; init; }

    /// <summary>0x01 odometer, km.</summary>
    public double? MileageKm { get; init; }

    /// <summary>0x02 fuel, litres.</summary>
    public double? FuelLitres { get; init; }

    /// <summary>0x03 speed from the driving recorder (tachograph), km/h.</summary>
    public double? RecorderSpeedKmh { get; init; }

    /// <summary>0x04 ID of an alarm event needing manual confirmation (dedupe key for latched alarms).</summary>
    public int? AlarmEventId { get; init; }

    /// <summary>0x06 (2019) compartment temperature, °C, read as int16.</summary>
    public int? CompartmentTemperatureC { get; init; }

    /// <summary>0x11 overspeed alarm details.</summary>
    public Jt808OverspeedInfo? Overspeed { get; init; }

    /// <summary>0x12 area or route entry/exit alarm details.</summary>
    public Jt808AreaRouteInfo? AreaRoute { get; init; }

    /// <summary>0x13 route-section driving time alarm details.</summary>
    public Jt808RouteSectionTimeInfo? RouteSectionTime { get; init; }

    /// <summary>0x25 extended vehicle signals (lamps, brake, reverse ...).</summary>
    public uint? ExtendedSignals { get; init; }

    /// <summary>0x2A IO status (bit 0 deep sleep, bit 1 sleep).</summary>
    public int? IoStatus { get; init; }

    /// <summary>0x2B analog input AD0 (bits 0–15).</summary>
    public int? AnalogAd0 { get; init; }

    /// <summary>0x2B analog input AD1 (bits 16–31).</summary>
    public int? AnalogAd1 { get; init; }

    /// <summary>0x30 wireless signal strength.</summary>
    public int? SignalStrength { get; init; }

    /// <summary>0x31 number of GNSS satellites.</summary>
    public int? SatelliteCount { get; init; }
}

/// <summary>
/// An additional-information item: id and raw value. <see cref="HasNonStandardLength"/> marks a standard id
/// whose length differs from JT/T 808 (kept raw, its typed property on the position left empty).
/// </summary>
internal readonly record struct Jt808AdditionalItem(byte Id, ReadOnlyMemory<byte> Value, bool HasNonStandardLength);

/// <summary>0x11: location type (0 none, 1 circle, 2 rectangle, 3 polygon, 4 route section) and area/route id when type ≠ 0.</summary>
internal sealed record Jt808OverspeedInfo(int LocationType, uint? AreaOrRouteId);

/// <summary>0x12: location type (1–4), area/route id, direction (0 in, 1 out).</summary>
internal sealed record Jt808AreaRouteInfo(int LocationType, uint AreaOrRouteId, int Direction);

/// <summary>0x13: route-section id, driving time (s), result (0 too short, 1 too long).</summary>
internal sealed record Jt808RouteSectionTimeInfo(uint SectionId, int DrivingTimeSeconds, int Result);

/// <summary>Alarm flag bits (2013 names; 2019 changes noted).</summary>
[Flags]
internal enum Jt808AlarmBits : uint
{
    None = 0,
    Emergency = 1u << 0,
    Overspeed = 1u << 1,
    FatigueDriving = 1u << 2,

    /// <summary>2013 danger warning; 2019 dangerous driving behaviour.</summary>
    DangerWarning = 1u << 3,
    GnssModuleFault = 1u << 4,
    GnssAntennaDisconnected = 1u << 5,
    GnssAntennaShortCircuit = 1u << 6,
    MainPowerUndervoltage = 1u << 7,
    MainPowerOff = 1u << 8,
    DisplayFault = 1u << 9,
    TtsFault = 1u << 10,
    CameraFault = 1u << 11,
    IcCardModuleFault = 1u << 12,
    OverspeedWarning = 1u << 13,
    FatigueDrivingWarning = 1u << 14,

    /// <summary>2019 only (reserved in 2013).</summary>
    IllegalDriving = 1u << 15,

    /// <summary>2019 only (reserved in 2013).</summary>
    TyrePressureWarning = 1u << 16,

    /// <summary>2019 only (reserved in 2013).</summary>
    RightTurnBlindZone = 1u << 17,
    DailyDrivingTimeExceeded = 1u << 18,
    ParkingTimeout = 1u << 19,
    AreaEntryExit = 1u << 20,
    RouteEntryExit = 1u << 21,
    RouteSectionTime = 1u << 22,
    RouteDeviation = 1u << 23,
    VssFault = 1u << 24,
    FuelAbnormal = 1u << 25,
    VehicleStolen = 1u << 26,
    IllegalIgnition = 1u << 27,
    IllegalDisplacement = 1u << 28,

    /// <summary>2013 collision warning; 2019 collision/rollover alarm.</summary>
    CollisionWarning = 1u << 29,
    RolloverWarning = 1u << 30,

    /// <summary>2013 only (reserved in 2019).</summary>
    IllegalDoorOpening = 1u << 31,
}

/// <summary>Status bits. Bits 8–9 (load: 00 empty, 01 half, 11 full) are a two-bit field.</summary>
[Flags]
internal enum Jt808StatusBits : uint
{
    None = 0,
    AccOn = 1u << 0,
    Positioned = 1u << 1,
    SouthLatitude = 1u << 2,
    WestLongitude = 1u << 3,
    OutOfService = 1u << 4,
    CoordinatesEncrypted = 1u << 5,

    /// <summary>2019 only.</summary>
    ForwardCollisionWarning = 1u << 6,

    /// <summary>2019 only.</summary>
    LaneDepartureWarning = 1u << 7,
    LoadLowBit = 1u << 8,
    LoadHighBit = 1u << 9,
    OilCircuitCut = 1u << 10,
    ElectricCircuitCut = 1u << 11,
    DoorsLocked = 1u << 12,
    FrontDoorOpen = 1u << 13,
    MiddleDoorOpen = 1u << 14,
    RearDoorOpen = 1u << 15,
    DriverDoorOpen = 1u << 16,
    CustomDoorOpen = 1u << 17,
    GpsUsed = 1u << 18,
    BeidouUsed = 1u << 19,
    GlonassUsed = 1u << 20,
    GalileoUsed = 1u << 21,

    /// <summary>2019 only.</summary>
    Moving = 1u << 22,
}
