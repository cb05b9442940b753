using HazChem.Transport.Telemetry.Options;
using HazChem.Transport.Telemetry.Registry;

namespace HazChem.Transport.Telemetry.Domain;

/// <summary>Whether a gateway may report a plate (pure; the vehicle comes from the registry).</summary>
internal static class GatewayBinding
{
    public static Rejection? Check(string plate, VehicleBinding? vehicle, string reporter, IEnumerable<string> platformGateways)
    {
        if (vehicle is null)
        {
            return new Rejection(FixCodes.Unbound, $"plate {plate} is not a registered vehicle");
        }

        var bound = reporter.Length > 0 && (
            string.Equals(reporter, vehicle.CarrierId, StringComparison.Ordinal)
            || (vehicle.TerminalPhone.Length > 0 && reporter.All(char.IsAsciiDigit)
                && QualificationVehicleDirectory.Normalize(reporter) == QualificationVehicleDirectory.Normalize(vehicle.TerminalPhone))
            || platformGateways.Contains(reporter, StringComparer.Ordinal));
        return bound
            ? null
            : new Rejection(FixCodes.Unbound, $"plate {plate} is not bound to gateway '{reporter}' (a gateway reports its carrier's vehicles, its own terminal, or any vehicle when it is a platform gateway in {TelemetryOptions.SectionName}:{nameof(TelemetryOptions.PlatformGateways)})");
    }
}
