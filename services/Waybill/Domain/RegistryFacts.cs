using HazChem.Transport.ServiceDefaults.Errors;

namespace HazChem.Transport.Waybill.Domain;

/// <summary>A registered carrier as far as a waybill cares.</summary>
internal sealed record CarrierFacts(string Id, string PermitNumber);

/// <summary>A registered vehicle or trailer.</summary>
internal sealed record VehicleFacts(string Plate, string CarrierId, bool IsTankVehicle, string Kind, double RatedLoadKg);

/// <summary>A registered tank: the maximum load per permitted medium (适装介质).</summary>
internal sealed record TankFacts(string Number, IReadOnlyDictionary<string, double> MaxLoadKgByUnNumber);

/// <summary>A registered driver or escort.</summary>
internal sealed record PersonFacts(string Id, string CertificateNumber);

/// <summary>
/// What the qualification registry says about a waybill's carrier, vehicles, tank and people on its travel dates.
/// A null entity was asked for and is not registered; <see cref="QualificationFindings"/> are the Q- findings.
/// </summary>
internal sealed record RegistryFacts(
    CarrierFacts? Carrier,
    VehicleFacts? Vehicle,
    VehicleFacts? Trailer,
    TankFacts? Tank,
    PersonFacts? Driver,
    PersonFacts? Escort,
    IReadOnlyList<Finding> QualificationFindings);

/// <summary>Another active waybill that holds one of the plates (W-ONE-ACTIVE).</summary>
internal sealed record ActiveConflict(string Plate, string WaybillId);
