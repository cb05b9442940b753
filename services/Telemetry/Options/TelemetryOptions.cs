using System.ComponentModel.DataAnnotations;

namespace HazChem.Transport.Telemetry.Options;

/// <summary>
/// Ingest, validation, storage and retention settings, section <c>Telemetry</c> (environment: <c>Telemetry__Key</c>).
/// Validated at start; a bad value stops the process naming the key.
/// </summary>
internal sealed class TelemetryOptions : IValidatableObject
{
    public const string SectionName = "Telemetry";

    /// <summary>Least track retention DOMAIN.md R allows (6 months).</summary>
    public static readonly TimeSpan MinimumTrackRetention = TimeSpan.FromDays(183);

    /// <summary>T-FUTURE: a fix time more than this after receipt is quarantined.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>T-JUMP: implied speed from the nearest earlier accepted fix above this (km/h) is quarantined.</summary>
    [Range(1, 2000)]
    public double MaxImpliedSpeedKmh { get; set; } = 200;

    /// <summary>Accepted fixes remembered per vehicle for T-DUPLICATE and T-JUMP (per process).</summary>
    [Range(1, 1024)]
    public int RecentFixesPerVehicle { get; set; } = 16;

    /// <summary>Largest batch of a ReportPositions message or a positions:batch call.</summary>
    [Range(1, 100_000)]
    public int MaxBatchSize { get; set; } = 10_000;

    /// <summary>How long a vehicle lookup (by plate or terminal phone) is cached.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan VehicleCacheTime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long "no such vehicle" is cached (short: a vehicle registered a moment later should work soon).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan UnknownVehicleCacheTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Token subjects (role gps) of platform gateways that may report any registered vehicle — e.g. the provincial
    /// monitoring platform relaying its terminals. Other gateways report only the vehicles bound to them: their
    /// subject is the vehicle's carrier id (the carrier's own platform) or its terminal phone (a single device).
    /// </summary>
    public IList<string> PlatformGateways { get; } = [];

    /// <summary>Deadline of a call to the Qualification service.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:02:00")]
    public TimeSpan QualificationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Track and quarantine page size when the request gives none.</summary>
    [Range(1, 10_000)]
    public int DefaultPageSize { get; set; } = 500;

    /// <summary>Largest track and quarantine page size.</summary>
    [Range(1, 10_000)]
    public int MaxPageSize { get; set; } = 5_000;

    /// <summary>
    /// How far before a fleet poll's <c>updated_since</c> positions are included again: a fix is stored in the latest
    /// positions shortly after it was received, so a poll can miss it by that much otherwise.
    /// </summary>
    public TimeSpan LatestPositionsOverlap { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long track points are kept (≥ 183 days, DOMAIN.md R). Whole months are dropped on PostgreSQL.</summary>
    public TimeSpan TrackRetention { get; set; } = TimeSpan.FromDays(190);

    /// <summary>How long quarantined fixes are kept.</summary>
    public TimeSpan QuarantineRetention { get; set; } = TimeSpan.FromDays(190);

    /// <summary>How often the retention job runs (and creates PostgreSQL partitions ahead).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Consumer group of the track writer.</summary>
    [Required]
    public string TrackConsumerGroup { get; set; } = "telemetry-track";

    /// <summary>Track rows written per database batch at most.</summary>
    [Range(1, 100_000)]
    public int TrackBatchSize { get; set; } = 5_000;

    /// <summary>Longest a consumed fix waits for its batch to fill before it is written.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan TrackFlushInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TrackRetention < MinimumTrackRetention)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(TrackRetention)} must be at least {MinimumTrackRetention.TotalDays} days (tracks are kept ≥ 6 months, DOMAIN.md R).",
                [nameof(TrackRetention)]);
        }

        if (QuarantineRetention < TimeSpan.FromDays(1))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(QuarantineRetention)} must be at least one day.", [nameof(QuarantineRetention)]);
        }

        if (DefaultPageSize > MaxPageSize)
        {
            yield return new ValidationResult($"{SectionName}:{nameof(DefaultPageSize)} exceeds {nameof(MaxPageSize)}", [nameof(DefaultPageSize)]);
        }
    }
}
