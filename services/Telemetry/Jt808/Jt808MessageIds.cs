namespace HazChem.Transport.Telemetry.Jt808;

/// <summary>Message IDs this codec knows.</summary>
internal static class Jt808MessageIds
{
    public const ushort TerminalGeneralResponse = 0x0001;
    public const ushort Heartbeat = 0x0002;
    public const ushort Logout = 0x0003;
    public const ushort Registration = 0x0100;
    public const ushort Authentication = 0x0102;
    public const ushort LocationReport = 0x0200;
    public const ushort BatchLocationUpload = 0x0704;
    public const ushort PlatformGeneralResponse = 0x8001;
    public const ushort RegistrationResponse = 0x8100;
}
