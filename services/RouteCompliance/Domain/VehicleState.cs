using HazChem.Transport.Contracts.Compliance.V1;

namespace HazChem.Transport.RouteCompliance.Domain;

/// <summary>
/// A vehicle's hot compliance state (kept in <c>IHotState</c>, JSON): last in-order fix, zone membership, motion
/// counters and the episodes in progress. Losing it loses no record: open violations are reloaded from the database
/// and the counters restart from the next fix.
/// </summary>
internal sealed class VehicleState
{
    public int Format { get; set; } = 1;

    public string Plate { get; set; } = "";

    /// <summary>The newest fix applied; fixes not newer than this are late and drive no transition.</summary>
    public FixPoint? Last { get; set; }

    /// <summary>
    /// Platform time the state was rebuilt after being lost (null for a state grown fix by fix). The gap before it is
    /// unknown, so until the next fix C-OFFLINE counts silence from here at the earliest: a lost state never invents an offline episode.
    /// </summary>
    public DateTimeOffset? RebuiltAt { get; set; }

    /// <summary>Fixes ignored as late or out of order (diagnostics).</summary>
    public long LateFixes { get; set; }

    /// <summary>Zone id → first fix of the current stay inside it.</summary>
    public Dictionary<string, FixPoint> InsideSince { get; set; } = new(StringComparer.Ordinal);

    /// <summary>First moving fix of the current driving stretch (reset by a rest of the minimum length).</summary>
    public DateTimeOffset? DrivingSince { get; set; }

    /// <summary>First stationary fix of the current stop; null while moving.</summary>
    public FixPoint? StopFix { get; set; }

    /// <summary>First fix of the current trip without an active waybill.</summary>
    public FixPoint? NoWaybillFix { get; set; }

    /// <summary>Distance travelled since <see cref="NoWaybillFix"/>.</summary>
    public double NoWaybillMeters { get; set; }

    /// <summary>Episode key (kind, or kind:zone) → its state.</summary>
    public Dictionary<string, EpisodeState> Episodes { get; set; } = new(StringComparer.Ordinal);

    public static string Key(ViolationKind kind, string? zoneId = null) =>
        string.IsNullOrEmpty(zoneId) ? kind.ToString() : $"{kind}:{zoneId}";

    public EpisodeState Episode(ViolationKind kind, string? zoneId = null)
    {
        var key = Key(kind, zoneId);
        if (!Episodes.TryGetValue(key, out var state))
        {
            state = new EpisodeState { Kind = kind };
            Episodes[key] = state;
        }

        return state;
    }

    /// <summary>Drops idle episode entries so the state stays small.</summary>
    public void Compact()
    {
        foreach (var key in Episodes.Where(e => e.Value.Phase == EpisodePhase.Idle).Select(e => e.Key).ToList())
        {
            Episodes.Remove(key);
        }
    }
}

/// <summary>Where an episode is: idle, condition seen but not yet long enough, or open (possibly clearing).</summary>
internal enum EpisodePhase
{
    Idle,
    Pending,
    Open,
}

/// <summary>One fix kept as evidence.</summary>
internal sealed record EvidencePoint(DateTimeOffset FixTime, double Lon, double Lat, double SpeedKmh, string Note)
{
    public static EvidencePoint From(FixPoint fix, string note) => new(fix.Time, fix.Lon, fix.Lat, fix.SpeedKmh, note);
}

/// <summary>The state of one (potential) episode of one kind (and zone) for one vehicle.</summary>
internal sealed class EpisodeState
{
    public ViolationKind Kind { get; set; }

    public EpisodePhase Phase { get; set; }

    /// <summary>What the id is scoped to: the zone (RESTRICTED_ZONE) or the waybill (trip-bound kinds), else empty.</summary>
    public string Scope { get; set; } = "";

    /// <summary>When the condition began (first fix, or an earlier moment such as the ban's start).</summary>
    public DateTimeOffset CandidateSince { get; set; }

    public EvidencePoint? CandidateEvidence { get; set; }

    public string? ViolationId { get; set; }

    public DateTimeOffset Start { get; set; }

    /// <summary>Engine revision: 1 when opened, +1 per published change; part of the event id.</summary>
    public int Revision { get; set; }

    /// <summary>While open: when the condition stopped holding (closing once it has stopped long enough).</summary>
    public DateTimeOffset? ClearSince { get; set; }

    public EvidencePoint? ClearEvidence { get; set; }

    public List<EvidencePoint> Evidence { get; set; } = [];

    public double MaxDistanceMeters { get; set; }

    public double MaxSpeedKmh { get; set; }

    public double SpeedLimitKmh { get; set; }

    public string ZoneId { get; set; } = "";

    public string ZoneName { get; set; } = "";

    public string WaybillId { get; set; } = "";

    public List<string> GoodsClasses { get; set; } = [];

    /// <summary>Fix time of the last published change (UPDATED throttling).</summary>
    public DateTimeOffset LastPublished { get; set; }

    /// <summary>A new peak not yet published.</summary>
    public bool PeakPending { get; set; }

    public void Reset()
    {
        var kind = Kind;
        Phase = EpisodePhase.Idle;
        Scope = "";
        CandidateEvidence = null;
        ViolationId = null;
        Revision = 0;
        ClearSince = null;
        ClearEvidence = null;
        Evidence = [];
        MaxDistanceMeters = 0;
        MaxSpeedKmh = 0;
        SpeedLimitKmh = 0;
        ZoneId = "";
        ZoneName = "";
        WaybillId = "";
        GoodsClasses = [];
        PeakPending = false;
        Kind = kind;
    }
}
