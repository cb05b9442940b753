using HazChem.Transport.Contracts.Qualification.V1;

namespace HazChem.Transport.Qualification.Storage;

// Append-only history: for each resource an identity row (its key, the facts that never change, and the unique
// constraints that guard them) and one version row per change. Nothing is ever updated or deleted; reads take
// the highest version. Instants are UTC DateTime (timestamptz on PostgreSQL; ordered text on SQLite, where EF
// cannot order DateTimeOffset), calendar dates DateOnly.

/// <summary>A carrier's identity: the unified social credit code never changes for a legal entity.</summary>
internal sealed class CarrierRow
{
    public string Id { get; set; } = "";

    public string CreditCode { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";
}

/// <summary>One version of a carrier's registration.</summary>
internal sealed class CarrierVersionRow
{
    public string CarrierId { get; set; } = "";

    public int Version { get; set; }

    public string Name { get; set; } = "";

    public string PermitNumber { get; set; } = "";

    public DateOnly PermitValidFrom { get; set; }

    public DateOnly PermitValidUntil { get; set; }

    public List<string> Scope { get; set; } = [];

    public List<string> HighHazardScope { get; set; } = [];

    public DateTime RecordedAt { get; set; }

    public string RecordedBy { get; set; } = "";
}

/// <summary>A vehicle's identity: its plate and owning carrier.</summary>
internal sealed class VehicleRow
{
    public string Plate { get; set; } = "";

    public string CarrierId { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";
}

/// <summary>One version of a vehicle's registration.</summary>
internal sealed class VehicleVersionRow
{
    public string Plate { get; set; } = "";

    public int Version { get; set; }

    public VehicleKind Kind { get; set; }

    public double RatedLoadKg { get; set; }

    public string CertNumber { get; set; } = "";

    public DateOnly CertValidUntil { get; set; }

    public DateOnly InspectionValidUntil { get; set; }

    /// <summary>As registered (may have leading zeros); empty when no terminal is bound.</summary>
    public string TerminalPhone { get; set; } = "";

    /// <summary>The phone without leading zeros, which is how terminals are looked up.</summary>
    public string TerminalKey { get; set; } = "";

    public DateTime RecordedAt { get; set; }

    public string RecordedBy { get; set; } = "";
}

/// <summary>A person's identity: the ID number and the employing carrier.</summary>
internal sealed class PersonRow
{
    public string Id { get; set; } = "";

    public string IdNumber { get; set; } = "";

    public string CarrierId { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";
}

/// <summary>One version of a person's registration.</summary>
internal sealed class PersonVersionRow
{
    public string PersonId { get; set; } = "";

    public int Version { get; set; }

    public string Name { get; set; } = "";

    public PersonRole Role { get; set; }

    public string CertNumber { get; set; } = "";

    public DateOnly CertValidUntil { get; set; }

    public List<string> CertScope { get; set; } = [];

    public string Phone { get; set; } = "";

    public DateTime RecordedAt { get; set; }

    public string RecordedBy { get; set; } = "";
}

/// <summary>A tank's identity: its number and owning carrier.</summary>
internal sealed class TankRow
{
    public string Number { get; set; } = "";

    public string CarrierId { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";
}

/// <summary>One version of a tank's registration.</summary>
internal sealed class TankVersionRow
{
    public string Number { get; set; } = "";

    public int Version { get; set; }

    public double CapacityLitres { get; set; }

    public DateOnly InspectionValidUntil { get; set; }

    /// <summary>Permitted media, stored as a JSON column.</summary>
    public List<TankMediumRow> Media { get; set; } = [];

    public DateTime RecordedAt { get; set; }

    public string RecordedBy { get; set; } = "";
}

/// <summary>One permitted medium inside <see cref="TankVersionRow.Media"/>.</summary>
internal sealed class TankMediumRow
{
    public string UnNumber { get; set; } = "";

    public double MaxLoadKg { get; set; }
}

/// <summary>A blacklist entry's identity: whom it is about, who created it and when.</summary>
internal sealed class BlacklistEntryRow
{
    public string Id { get; set; } = "";

    public SubjectType SubjectType { get; set; }

    public string SubjectId { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";
}

/// <summary>One version of a blacklist entry; lifting is a version with <see cref="LiftedAt"/> set.</summary>
internal sealed class BlacklistEntryVersionRow
{
    public string EntryId { get; set; } = "";

    public int Version { get; set; }

    public string Reason { get; set; } = "";

    public DateOnly ValidFrom { get; set; }

    public DateOnly? Until { get; set; }

    public DateTime? LiftedAt { get; set; }

    public string LiftedBy { get; set; } = "";

    public string LiftReason { get; set; } = "";

    public DateTime RecordedAt { get; set; }

    public string RecordedBy { get; set; } = "";
}
