using System.Collections.Concurrent;
using Grpc.Core;
using HazChem.Transport.Contracts.Common.V1;
using HazChem.Transport.Contracts.Qualification.V1;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Authorization;

namespace HazChem.Transport.Waybill.Tests.Service;

/// <summary>
/// The registry a test controls: what the Qualification service's read and evaluate RPCs answer, guarded by the
/// real policies (so the Waybill's service token is checked for real). Findings are set per carrier.
/// </summary>
internal sealed class FakeRegistry
{
    public ConcurrentDictionary<string, Carrier> Carriers { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, Vehicle> Vehicles { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, Tank> Tanks { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, Person> People { get; } = new(StringComparer.Ordinal);

    /// <summary>Q- findings EvaluateQualification answers for a carrier.</summary>
    public ConcurrentDictionary<string, RuleFinding[]> FindingsByCarrier { get; } = new(StringComparer.Ordinal);

    /// <summary>Every evaluation asked for, in order.</summary>
    public ConcurrentQueue<EvaluateQualificationRequest> Evaluations { get; } = new();

    /// <summary>How long each RPC waits before answering (to exceed the caller's deadline).</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Registers a carrier with a tank truck, a driver, an escort and a tank; returns the ids a waybill needs.</summary>
    public Registration Register(string suffix, double ratedLoadKg = 30000, double tankMaxKg = 21000)
    {
        var carrierId = "carrier-" + suffix;
        var plate = "渝A" + suffix[^5..];
        Carriers[carrierId] = new Carrier
        {
            Id = carrierId,
            Name = "重庆危货运输" + suffix,
            Permit = new Permit { Number = "渝交运管许可字5000" + suffix + "号", ValidFrom = "2024-01-01", ValidUntil = "2028-12-31", Scope = { "2.1", "3", "8" } },
        };
        Vehicles[plate] = new Vehicle { Plate = plate, CarrierId = carrierId, Kind = VehicleKind.TankTruck, RatedLoadKg = ratedLoadKg };
        var tank = "TK" + suffix[^5..];
        Tanks[tank] = new Tank
        {
            Number = tank,
            CarrierId = carrierId,
            Media = { new TankMedium { UnNumber = "1203", MaxLoadKg = tankMaxKg }, new TankMedium { UnNumber = "1202", MaxLoadKg = 25000 } },
        };
        var driver = "driver-" + suffix;
        var escort = "escort-" + suffix;
        People[driver] = new Person { Id = driver, CarrierId = carrierId, Role = PersonRole.Driver, Qualification = new PersonCertificate { Number = "D" + suffix } };
        People[escort] = new Person { Id = escort, CarrierId = carrierId, Role = PersonRole.Escort, Qualification = new PersonCertificate { Number = "E" + suffix } };
        return new Registration(carrierId, plate, driver, escort, tank);
    }
}

/// <summary>What a registered test carrier's waybill names.</summary>
internal sealed record Registration(string CarrierId, string Plate, string DriverId, string EscortId, string Tank);

[Authorize]
internal sealed class FakeQualificationService(FakeRegistry registry) : QualificationService.QualificationServiceBase
{
    [Authorize(Policy = Policies.QualificationEvaluate)]
    public override async Task<EvaluateQualificationResponse> EvaluateQualification(EvaluateQualificationRequest request, ServerCallContext context)
    {
        await Task.Delay(registry.Delay, context.CancellationToken);
        registry.Evaluations.Enqueue(request);
        var findings = registry.FindingsByCarrier.TryGetValue(request.CarrierId, out var set) ? set : [];
        var response = new EvaluateQualificationResponse { Date = request.Date, Qualified = !findings.Any(f => f.Blocking) };
        response.Findings.AddRange(findings);
        return response;
    }

    [Authorize(Policy = Policies.RegistryRead)]
    public override async Task<GetCarrierResponse> GetCarrier(GetCarrierRequest request, ServerCallContext context)
    {
        await Task.Delay(registry.Delay, context.CancellationToken);
        return new GetCarrierResponse { Carrier = registry.Carriers.TryGetValue(request.Id, out var c) ? c : throw new NotFoundException("carrier", request.Id) };
    }

    [Authorize(Policy = Policies.RegistryRead)]
    public override async Task<GetVehicleResponse> GetVehicle(GetVehicleRequest request, ServerCallContext context)
    {
        await Task.Delay(registry.Delay, context.CancellationToken);
        return new GetVehicleResponse { Vehicle = registry.Vehicles.TryGetValue(request.Plate, out var v) ? v : throw new NotFoundException("vehicle", request.Plate) };
    }

    [Authorize(Policy = Policies.RegistryRead)]
    public override async Task<GetTankResponse> GetTank(GetTankRequest request, ServerCallContext context)
    {
        await Task.Delay(registry.Delay, context.CancellationToken);
        return new GetTankResponse { Tank = registry.Tanks.TryGetValue(request.Number, out var t) ? t : throw new NotFoundException("tank", request.Number) };
    }

    [Authorize(Policy = Policies.RegistryRead)]
    public override async Task<GetPersonResponse> GetPerson(GetPersonRequest request, ServerCallContext context)
    {
        await Task.Delay(registry.Delay, context.CancellationToken);
        return new GetPersonResponse { Person = registry.People.TryGetValue(request.Id, out var p) ? p : throw new NotFoundException("person", request.Id) };
    }
}
