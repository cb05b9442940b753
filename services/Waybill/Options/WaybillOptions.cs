using System.ComponentModel.DataAnnotations;

namespace HazChem.Transport.Waybill.Options;

/// <summary>
/// Waybill settings, section <c>Waybill</c> (environment: <c>Waybill__Key</c>). Validated at start; a bad value
/// stops the process naming the key.
/// </summary>
internal sealed class WaybillOptions : IValidatableObject
{
    public const string SectionName = "Waybill";

    /// <summary>
    /// Path of the dangerous-goods list (GB 12268 / JT/T 617.3) as CSV in the format of
    /// <c>un_dangerous_goods.csv</c>; unset = the small built-in list of common goods.
    /// </summary>
    public string? DangerousGoodsCsv { get; set; }

    /// <summary>Deadline for the calls to the Qualification service at issue and amendment time.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:02:00")]
    public TimeSpan QualificationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>W-HIGH-HAZARD-PASS: highly toxic (剧毒) goods need a single-trip road pass number.</summary>
    public bool RoadPassRequired { get; set; } = true;

    /// <summary>UN numbers of highly toxic goods (剧毒化学品), comma-separated: they need a road pass and count as high-hazard.</summary>
    [Required]
    public string HighlyToxicUnNumbers { get; set; } = "1051,1613,1614,1680,1689";

    /// <summary>UN numbers of explosive-precursor goods (易制爆), comma-separated: they count as high-hazard (events' <c>high_hazard</c>).</summary>
    [Required]
    public string ExplosivePrecursorUnNumbers { get; set; } = "1485,1486,1490,1495,1498,1942,2014,2015,2031,2556";

    /// <summary>Corridor half-width applied when a route gives none (metres).</summary>
    [Range(1, 50_000)]
    public double DefaultCorridorMeters { get; set; } = 500;

    /// <summary>Largest corridor half-width a route may ask for (metres).</summary>
    [Range(1, 100_000)]
    public double MaxCorridorMeters { get; set; } = 20_000;

    /// <summary>List page size when the request gives none.</summary>
    [Range(1, 1000)]
    public int DefaultPageSize { get; set; } = 20;

    /// <summary>Largest list page size.</summary>
    [Range(1, 1000)]
    public int MaxPageSize { get; set; } = 200;

    /// <summary>How often the outbox publisher looks for unsent events when nothing wakes it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a replica's claim to publish the outbox lasts without renewal: one publisher at a time keeps each
    /// waybill's events in order; after a crash the next process publishes once the claim expires.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan OutboxLeaseTime { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Events the publisher sends per round.</summary>
    [Range(1, 10_000)]
    public int OutboxBatchSize { get; set; } = 100;

    /// <summary>
    /// How long a sent event stays in the outbox before it is pruned; unsent events are never pruned, whatever their
    /// age. The outbox is only the transport: the waybill and its history are kept by W-RETENTION elsewhere. At least
    /// an hour, so a row just marked sent is never among those deleted.
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan OutboxRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often each replica prunes sent events older than <see cref="OutboxRetention"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan OutboxPruneInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Sent events deleted per statement: a prune deletes batch after batch, each a short transaction.</summary>
    [Range(1, 100_000)]
    public int OutboxPruneBatchSize { get; set; } = 1000;

    /// <summary>
    /// How long after its travel window ended an ISSUED (never loaded) waybill is expired and frees its vehicle: a
    /// margin for a truck that arrives late at the loading terminal. At most 7 days.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan ExpiryGrace { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How often each replica looks for waybills to expire.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ExpiryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Active waybills read per expiry batch (one bounded read, then one transaction per expired waybill).</summary>
    [Range(1, 10_000)]
    public int ExpiryBatchSize { get; set; } = 100;

    /// <summary>The highly toxic UN numbers as a set.</summary>
    public IReadOnlySet<string> HighlyToxic() => Split(HighlyToxicUnNumbers);

    /// <summary>Every high-hazard UN number (highly toxic and explosive precursors).</summary>
    public IReadOnlySet<string> HighHazard() => Split(HighlyToxicUnNumbers + "," + ExplosivePrecursorUnNumbers);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (key, value) in new[] { (nameof(HighlyToxicUnNumbers), HighlyToxicUnNumbers), (nameof(ExplosivePrecursorUnNumbers), ExplosivePrecursorUnNumbers) })
        {
            var bad = Split(value).Where(un => !Domain.UnNumbers.IsWellFormed(un)).ToList();
            if (bad.Count > 0)
            {
                yield return new ValidationResult($"{SectionName}:{key} holds values that are not four-digit UN numbers: {string.Join(", ", bad)}", [key]);
            }
        }

        if (DefaultCorridorMeters > MaxCorridorMeters)
        {
            yield return new ValidationResult($"{SectionName}:{nameof(DefaultCorridorMeters)} exceeds {nameof(MaxCorridorMeters)}", [nameof(DefaultCorridorMeters)]);
        }

        if (DefaultPageSize > MaxPageSize)
        {
            yield return new ValidationResult($"{SectionName}:{nameof(DefaultPageSize)} exceeds {nameof(MaxPageSize)}", [nameof(DefaultPageSize)]);
        }

        if (!string.IsNullOrWhiteSpace(DangerousGoodsCsv) && !File.Exists(DangerousGoodsCsv))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(DangerousGoodsCsv)} names a file that does not exist: {DangerousGoodsCsv}", [nameof(DangerousGoodsCsv)]);
        }
    }

    private static HashSet<string> Split(string? value) =>
        new((value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);
}
