using System.Collections.Concurrent;
using Grpc.Core;
using HazChem.Transport.Contracts.Qualification.V1;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Authorization;

namespace HazChem.Transport.Telemetry.Tests.Service;

/// <summary>
/// The vehicle registry as the test sets it up. The Qualification service is outside the unit under test, so a
/// stub implements only the two lookups Telemetry calls, behind the real policies (the service token is checked).
/// </summary>
internal sealed class FakeRegistry
{
    private static int _suffix = Random.Shared.Next(10000, 60000);

    public ConcurrentDictionary<string, Vehicle> Vehicles { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, every lookup fails with UNAVAILABLE.</summary>
    public bool Down { get; set; }

    /// <summary>Registers a vehicle of <paramref name="carrierId"/>, optionally with a terminal phone as the registry keeps it.</summary>
    public string Register(string? terminalPhone = null, string carrierId = "carrier-1")
    {
        if (!string.IsNullOrEmpty(terminalPhone))
        {
            // A terminal is bound to one vehicle: rebinding it unbinds the previous one.
            foreach (var other in Vehicles.Values.Where(v => v.TerminalPhone.TrimStart('0') == terminalPhone.TrimStart('0')).ToList())
            {
                Vehicles[other.Plate] = new Vehicle(other) { TerminalPhone = "" };
            }
        }

        var plate = "渝T" + Interlocked.Increment(ref _suffix).ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
        Vehicles[plate] = new Vehicle { Plate = plate, CarrierId = carrierId, Kind = VehicleKind.TankTruck, TerminalPhone = terminalPhone ?? "" };
        return plate;
    }
}

[Authorize]
internal sealed class FakeQualificationService(FakeRegistry registry) : QualificationService.QualificationServiceBase
{
    [Authorize(Policy = Policies.RegistryRead)]
    public override Task<GetVehicleResponse> GetVehicle(GetVehicleRequest request, ServerCallContext context)
    {
        ThrowIfDown();
        return Task.FromResult(new GetVehicleResponse
        {
            Vehicle = registry.Vehicles.TryGetValue(request.Plate, out var v) ? v : throw new NotFoundException("vehicle", request.Plate),
        });
    }

    [Authorize(Policy = Policies.RegistryRead)]
    public override Task<GetVehicleByTerminalResponse> GetVehicleByTerminal(GetVehicleByTerminalRequest request, ServerCallContext context)
    {
        ThrowIfDown();
        // The real registry compares digit strings without leading zeros, as this stub does.
        var key = request.TerminalPhone.TrimStart('0');
        var vehicle = registry.Vehicles.Values.FirstOrDefault(v => v.TerminalPhone.Length > 0 && v.TerminalPhone.TrimStart('0') == key)
            ?? throw new NotFoundException("vehicle with terminal", request.TerminalPhone);
        return Task.FromResult(new GetVehicleByTerminalResponse { Vehicle = vehicle });
    }

    private void ThrowIfDown()
    {
        if (registry.Down)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "registry down (test)"));
        }
    }
}
