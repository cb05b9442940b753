using HazChem.Transport.Contracts.Qualification.V1;

namespace HazChem.Transport.Qualification.Domain;

// The registry as the rules see it. Enums are the contract's (VehicleKind, PersonRole, SubjectType): they are
// the vocabulary of the domain, and a second copy would only add mapping.

/// <summary>Version bookkeeping of a registration: every change is a new version, the history is kept.</summary>
/// <param name="Version">1 on creation, +1 per change.</param>
/// <param name="CreatedAt">When version 1 was recorded (UTC).</param>
/// <param name="UpdatedAt">When the latest version was recorded (UTC).</param>
internal sealed record Stamp(int Version, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>Road transport operating permit (道路运输经营许可证).</summary>
/// <param name="Scope">GB 6944 classes/divisions; <c>"2"</c> covers 2.1–2.3.</param>
/// <param name="HighHazardScope">UN numbers of high-hazard goods the permit names explicitly (剧毒, 易制爆, ...).</param>
internal sealed record Permit(string Number, DateOnly ValidFrom, DateOnly ValidUntil, IReadOnlyList<string> Scope, IReadOnlyList<string> HighHazardScope);

/// <summary>What a carrier registration states.</summary>
internal sealed record CarrierDraft(string Name, string CreditCode, Permit Permit);

/// <summary>A registered carrier, latest version.</summary>
internal sealed record Carrier(string Id, string Name, string CreditCode, Permit Permit, Stamp Stamp);

/// <summary>A certificate with a number and a last valid day.</summary>
internal sealed record Certificate(string Number, DateOnly ValidUntil);

/// <summary>What a vehicle registration states (the plate is the key, the owner never changes).</summary>
/// <param name="TerminalPhone">Bound JT/T 808 terminal phone as registered; empty when none.</param>
internal sealed record VehicleDraft(
    string Plate, VehicleKind Kind, double RatedLoadKg, Certificate RoadTransportCert, DateOnly InspectionValidUntil, string TerminalPhone);

/// <summary>A registered vehicle or trailer, latest version.</summary>
internal sealed record Vehicle(
    string Plate, string CarrierId, VehicleKind Kind, double RatedLoadKg, Certificate RoadTransportCert, DateOnly InspectionValidUntil,
    string TerminalPhone, Stamp Stamp)
{
    /// <summary>True for trailers (plates ending in 挂).</summary>
    public bool IsTrailer => Plates.IsTrailer(Plate);
}

/// <summary>Qualification certificate (从业资格证).</summary>
internal sealed record PersonCertificate(string Number, DateOnly ValidUntil, IReadOnlyList<string> Scope);

/// <summary>What a person registration states; the ID number and employer never change.</summary>
internal sealed record PersonDraft(string Name, PersonRole Role, PersonCertificate Qualification, string Phone);

/// <summary>A registered driver or escort, latest version.</summary>
internal sealed record Person(
    string Id, string CarrierId, string IdNumber, string Name, PersonRole Role, PersonCertificate Qualification, string Phone, Stamp Stamp)
{
    /// <summary>Birth date from the ID number.</summary>
    public DateOnly BirthDate => ResidentIdNumber.BirthDate(IdNumber);
}

/// <summary>A medium the tank is certified for (适装介质) with its maximum load.</summary>
internal sealed record TankMedium(string UnNumber, double MaxLoadKg);

/// <summary>What a tank registration states (the number is the key, the owner never changes).</summary>
internal sealed record TankDraft(double CapacityLitres, DateOnly InspectionValidUntil, IReadOnlyList<TankMedium> Media);

/// <summary>A registered tank, latest version.</summary>
internal sealed record Tank(
    string Number, string CarrierId, double CapacityLitres, DateOnly InspectionValidUntil, IReadOnlyList<TankMedium> Media, Stamp Stamp);

/// <summary>What creating or changing a blacklist entry states.</summary>
/// <param name="Until">Last day in force; null = indefinitely.</param>
internal sealed record BlacklistDraft(SubjectType SubjectType, string SubjectId, string Reason, DateOnly ValidFrom, DateOnly? Until);

/// <summary>A blacklist entry (黑名单), latest version. A lifted entry is kept with who lifted it, when and why.</summary>
internal sealed record BlacklistEntry(
    string Id,
    SubjectType SubjectType,
    string SubjectId,
    string Reason,
    DateOnly ValidFrom,
    DateOnly? Until,
    DateTime CreatedAt,
    string CreatedBy,
    DateTime? LiftedAt,
    string LiftedBy,
    string LiftReason,
    int Version)
{
    /// <summary>True when not lifted and <paramref name="date"/> lies within [ValidFrom, Until].</summary>
    public bool IsInForceOn(DateOnly date) => LiftedAt is null && ValidFrom <= date && (Until is null || date <= Until);

    /// <summary>True when not lifted and not expired by <paramref name="today"/> (in force now or scheduled).</summary>
    public bool IsOpenOn(DateOnly today) => LiftedAt is null && (Until is null || today <= Until);
}

/// <summary>One page of a list and the token for the next (empty on the last page).</summary>
internal sealed record Page<T>(IReadOnlyList<T> Items, string NextPageToken);
