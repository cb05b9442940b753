using HazChem.Transport.ServiceDefaults.Errors;

namespace HazChem.Transport.LoadingCheck.Domain;

/// <summary>What a check item is about (五必查).</summary>
internal enum CheckCategory
{
    Vehicle,
    Personnel,
    Tank,
    Documents,
    Gps,
}

/// <summary>How an item came out. <see cref="NotChecked"/> never counts as passed.</summary>
internal enum ItemOutcome
{
    Passed,
    Failed,
    NotChecked,
}

/// <summary>Outcome of a whole check.</summary>
internal enum CheckVerdict
{
    /// <summary>Every item passed; loading may proceed.</summary>
    Pass,

    /// <summary>At least one item failed; do not load.</summary>
    Refuse,

    /// <summary>A dependency could not answer; do not load.</summary>
    Unavailable,
}

/// <summary>What the terminal presents: the waybill and who and what stands at the loading bay.</summary>
internal sealed record CheckInput(string TerminalId, string WaybillId, string Plate, string DriverId, string EscortId, string TankNumber);

/// <summary>How a dependency answered one question.</summary>
internal enum AnswerKind
{
    /// <summary>It answered with a value.</summary>
    Found,

    /// <summary>It answered that nothing exists under the key (NOT_FOUND).</summary>
    Absent,

    /// <summary>It could not answer (UNAVAILABLE, DEADLINE_EXCEEDED, connection refused, ...).</summary>
    Unavailable,

    /// <summary>The question was not asked because an earlier answer was missing (e.g. no waybill, no goods to evaluate).</summary>
    NotAsked,
}

/// <summary>One dependency's answer; <see cref="Reason"/> explains anything but <see cref="AnswerKind.Found"/>.</summary>
internal sealed record Answer<T>(AnswerKind Kind, T? Value, string Reason)
    where T : class
{
    public static Answer<T> Found(T value) => new(AnswerKind.Found, value, "");

    public static Answer<T> Absent(string reason) => new(AnswerKind.Absent, null, reason);

    public static Answer<T> Unavailable(string reason) => new(AnswerKind.Unavailable, null, reason);

    public static Answer<T> NotAsked(string reason) => new(AnswerKind.NotAsked, null, reason);
}

/// <summary>One goods line of the waybill.</summary>
internal sealed record GoodsFact(string UnNumber, string HazardClass, double QuantityKg);

/// <summary>The waybill as the check needs it.</summary>
internal sealed record WaybillFacts(
    string Id,
    int Version,
    string Status,
    string CarrierId,
    string VehiclePlate,
    string TrailerPlate,
    string TankNumber,
    string DriverId,
    string EscortId,
    IReadOnlyList<GoodsFact> Goods,
    string LoadingCheckId = "",
    IReadOnlyList<LoadedQuantity>? Loaded = null,
    DateTimeOffset? WindowEnd = null);

/// <summary>A registered vehicle or trailer as the check needs it.</summary>
internal sealed record VehicleFacts(string Plate, string CarrierId, double RatedLoadKg);

/// <summary>A registered tank: its permitted media with their maximum load.</summary>
internal sealed record TankFacts(string Number, string CarrierId, IReadOnlyDictionary<string, double> MaxLoadKgByUn);

/// <summary>The registry's Q- verdict on the transport as presented.</summary>
internal sealed record QualificationFacts(bool Qualified, IReadOnlyList<Finding> Findings, string Date);

/// <summary>The vehicle's latest accepted fix.</summary>
internal sealed record PositionFacts(DateTimeOffset FixTime);

/// <summary>
/// Everything the dependencies said about one check: the waybill, the registry's Q- verdict on the transport as
/// presented, and the latest position. (Rated load and tank media are read when loading is confirmed, where they
/// are needed: a check asks three questions, not five.)
/// </summary>
internal sealed record Evidence(
    Answer<WaybillFacts> Waybill,
    Answer<QualificationFacts> Qualification,
    Answer<PositionFacts> Position)
{
    /// <summary>True when any dependency could not answer: the verdict is then UNAVAILABLE, never PASS.</summary>
    public bool AnyUnavailable =>
        Waybill.Kind == AnswerKind.Unavailable || Qualification.Kind == AnswerKind.Unavailable || Position.Kind == AnswerKind.Unavailable;
}

/// <summary>
/// The limits a confirmation is measured against (定量装车), read from the registry at confirmation: the rated load
/// of vehicle plus trailer, and the tank's maximum load per medium (null when no tank).
/// </summary>
internal sealed record LoadLimits(double RatedLoadKg, IReadOnlyDictionary<string, double>? TankMaxLoadKgByUn);

/// <summary>One checked L- rule with the registry findings behind it.</summary>
internal sealed record CheckItemResult(CheckCategory Category, string Code, ItemOutcome Outcome, string Message, IReadOnlyList<Finding> Findings)
{
    public bool Passed => Outcome == ItemOutcome.Passed;
}

/// <summary>What the check was made against, fixed at check time: the waybill's goods and trailer.</summary>
internal sealed record CheckBasis(IReadOnlyList<GoodsFact> Goods, string TrailerPlate);

/// <summary>The quantities a terminal confirms it loaded, and who and when.</summary>
internal sealed record ConfirmationRecord(IReadOnlyList<LoadedQuantity> Loaded, DateTimeOffset ConfirmedAt, string ConfirmedBy);

/// <summary>A loaded quantity of one UN number.</summary>
internal sealed record LoadedQuantity(string UnNumber, double QuantityKg);

/// <summary>A stored check (L-RECORD): inputs, items, verdict, who and when. Never rewritten; a confirmation is added once.</summary>
internal sealed record CheckRecord(
    string Id,
    CheckInput Input,
    int WaybillVersion,
    string CarrierId,
    DateTimeOffset CheckedAt,
    string CheckedBy,
    IReadOnlyList<CheckItemResult> Items,
    CheckVerdict Verdict,
    CheckBasis Basis,
    ConfirmationRecord? Confirmation = null);
