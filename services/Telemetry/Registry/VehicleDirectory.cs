using System.Collections.Concurrent;
using Grpc.Core;
using HazChem.Transport.Contracts.Qualification.V1;
using HazChem.Transport.Telemetry.Options;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.Telemetry.Registry;

/// <summary>A registered vehicle as telemetry needs it.</summary>
internal sealed record VehicleBinding(string Plate, string CarrierId, string TerminalPhone);

/// <summary>The registry could not answer; the caller must not decide T-UNBOUND on missing data.</summary>
internal sealed class RegistryUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>Vehicle lookups in the qualification registry (plate → vehicle, terminal phone → vehicle).</summary>
internal interface IVehicleDirectory
{
    /// <summary>The registered vehicle with this plate, or null. Throws <see cref="RegistryUnavailableException"/>.</summary>
    ValueTask<VehicleBinding?> FindByPlateAsync(string plate, CancellationToken cancellationToken);

    /// <summary>The vehicle the terminal (digits, leading zeros ignored) is bound to, or null. Throws <see cref="RegistryUnavailableException"/>.</summary>
    ValueTask<VehicleBinding?> FindByTerminalAsync(string terminalPhone, CancellationToken cancellationToken);
}

/// <summary>
/// <see cref="IVehicleDirectory"/> over the Qualification service's gRPC, cached briefly (positive and negative
/// answers apart) so the ingest path asks the registry about a vehicle once a minute, not once per fix.
/// </summary>
internal sealed partial class QualificationVehicleDirectory(
    QualificationService.QualificationServiceClient client,
    IOptions<TelemetryOptions> options,
    TimeProvider time,
    ILogger<QualificationVehicleDirectory> logger) : IVehicleDirectory
{
    /// <summary>Cached lookups at most (a bound on memory under a flood of made-up plates; above a province's fleet).</summary>
    private const int MaxCached = 1_000_000;

    private readonly ConcurrentDictionary<string, Entry> _byPlate = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry> _byTerminal = new(StringComparer.Ordinal);

    public ValueTask<VehicleBinding?> FindByPlateAsync(string plate, CancellationToken cancellationToken) =>
        FindAsync(_byPlate, plate, async (key, call) =>
            (await client.GetVehicleAsync(new GetVehicleRequest { Plate = key }, call)).Vehicle, cancellationToken);

    public ValueTask<VehicleBinding?> FindByTerminalAsync(string terminalPhone, CancellationToken cancellationToken) =>
        FindAsync(_byTerminal, Normalize(terminalPhone), async (key, call) =>
            (await client.GetVehicleByTerminalAsync(new GetVehicleByTerminalRequest { TerminalPhone = key }, call)).Vehicle, cancellationToken);

    /// <summary>Digits without leading zeros ("0" when all zero), the form terminal phones compare in.</summary>
    public static string Normalize(string terminalPhone)
    {
        ArgumentNullException.ThrowIfNull(terminalPhone);
        var trimmed = terminalPhone.Trim().TrimStart('0');
        return trimmed.Length == 0 && terminalPhone.Trim().Length > 0 ? "0" : trimmed;
    }

    private async ValueTask<VehicleBinding?> FindAsync(
        ConcurrentDictionary<string, Entry> cache,
        string key,
        Func<string, CallOptions, Task<Vehicle?>> lookup,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (cache.TryGetValue(key, out var cached) && cached.Expires > now)
        {
            return cached.Vehicle;
        }

        var settings = options.Value;
        var call = new CallOptions(deadline: (now + settings.QualificationTimeout).UtcDateTime, cancellationToken: cancellationToken);
        VehicleBinding? found;
        try
        {
            var vehicle = await lookup(key, call);
            found = vehicle is null ? null : new VehicleBinding(vehicle.Plate, vehicle.CarrierId, Normalize(vehicle.TerminalPhone));
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument)
        {
            found = null;
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnavailable(logger, key, ex.StatusCode, ex.Status.Detail);
            throw new RegistryUnavailableException(
                $"The qualification registry did not answer the vehicle lookup of '{key}' ({ex.StatusCode}: {ex.Status.Detail}).", ex);
        }

        // Lifetimes spread over the second half of the cache time: a fleet first seen together (a gateway's first
        // batches) must not expire together and send the registry all its lookups again in the same seconds (measured
        // with 50,000 vehicles: such a wave took the registry's CPU and stalled ingest).
        var ttl = (found is null ? settings.UnknownVehicleCacheTime : settings.VehicleCacheTime) * (0.5 + (0.5 * Random.Shared.NextDouble()));
        cache[key] = new Entry(found, time.GetUtcNow() + ttl);
        if (cache.Count > MaxCached)
        {
            // A bound on memory under a flood of made-up plates; entries are refetched on demand.
            cache.Clear();
        }

        return found;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Vehicle lookup of {Key} failed: {Code} {Detail}")]
    private static partial void LogUnavailable(ILogger logger, string key, StatusCode code, string detail);

    private readonly record struct Entry(VehicleBinding? Vehicle, DateTimeOffset Expires);
}
