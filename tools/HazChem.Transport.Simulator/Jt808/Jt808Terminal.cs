namespace HazChem.Transport.Simulator.Jt808;

/// <summary>Header layout a terminal speaks: 2011/2013 (BCD[6] phone) or 2019 (version flag, BCD[10] phone).</summary>
internal enum Jt808Edition
{
    V2013,
    V2019,
}

/// <summary>A simulated terminal's identity on the wire.</summary>
/// <param name="Phone">Terminal phone as digits (left-padded with zeros to 12 or 20 BCD digits on the wire).</param>
/// <param name="Edition">Header edition.</param>
/// <param name="ProtocolVersion">2019 protocol-version byte (devices send 1).</param>
internal sealed record Jt808TerminalIdentity(string Phone, Jt808Edition Edition, byte ProtocolVersion = 1);

/// <summary>JT/T 808 message IDs the simulator sends or reads.</summary>
internal static class Jt808MessageId
{
    public const ushort TerminalGeneralResponse = 0x0001;
    public const ushort Heartbeat = 0x0002;
    public const ushort Logout = 0x0003;
    public const ushort Registration = 0x0100;
    public const ushort Authentication = 0x0102;
    public const ushort Location = 0x0200;
    public const ushort LocationBatch = 0x0704;
    public const ushort PlatformGeneralResponse = 0x8001;
    public const ushort RegistrationResponse = 0x8100;
}

/// <summary>Alarm (§3.6) and status (§3.7) bits the simulated trucks set.</summary>
internal static class Jt808Bits
{
    public const uint AlarmEmergency = 1u << 0;
    public const uint AlarmOverspeed = 1u << 1;
    public const uint AlarmOverspeedWarning = 1u << 13;
    public const uint AlarmEnterExitArea = 1u << 20;
    public const uint AlarmRouteDeviation = 1u << 23;

    public const uint StatusAccOn = 1u << 0;
    public const uint StatusPositioned = 1u << 1;
    public const uint StatusSouth = 1u << 2;
    public const uint StatusWest = 1u << 3;
    public const uint StatusLoadFull = 3u << 8;
    public const uint StatusGps = 1u << 18;
    public const uint StatusBeiDou = 1u << 19;
}

/// <summary>
/// One location as a terminal reports it (0x0200 basic information plus the additional items a truck
/// terminal usually sends). Times are instants; the encoder writes them as GMT+8 BCD.
/// </summary>
internal sealed record LocationFix
{
    public required DateTimeOffset FixTime { get; init; }

    public required double Lat { get; init; }

    public required double Lon { get; init; }

    public double SpeedKmh { get; init; }

    /// <summary>0–359°, clockwise from north.</summary>
    public double HeadingDeg { get; init; }

    public double AltitudeM { get; init; }

    public uint AlarmFlags { get; init; }

    public uint StatusFlags { get; init; } = Jt808Bits.StatusAccOn | Jt808Bits.StatusPositioned | Jt808Bits.StatusGps | Jt808Bits.StatusBeiDou;

    /// <summary>Additional item 0x01 (odometer, 1/10 km) when set.</summary>
    public double? MileageKm { get; init; }

    /// <summary>Additional item 0x02 (fuel, 1/10 L) when set.</summary>
    public double? FuelLitres { get; init; }

    /// <summary>Additional item 0x03 (driving-recorder speed, 1/10 km/h) when set.</summary>
    public double? RecorderSpeedKmh { get; init; }

    /// <summary>True for a fix held back while the truck had no signal (sent later in a 0x0704 blind-area batch).</summary>
    public bool Late { get; init; }
}
