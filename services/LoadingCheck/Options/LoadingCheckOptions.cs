using System.ComponentModel.DataAnnotations;

namespace HazChem.Transport.LoadingCheck.Options;

/// <summary>
/// Loading-check settings, section <c>LoadingCheck</c> (environment: <c>LoadingCheck__Key</c>). Validated at start; a
/// bad value stops the process naming the key.
/// </summary>
internal sealed class LoadingCheckOptions : IValidatableObject
{
    public const string SectionName = "LoadingCheck";

    /// <summary>Deadline for the calls to the Qualification service (verdict, vehicle, trailer, tank).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan QualificationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Deadline for the calls to the Waybill service (read the waybill, mark it loaded).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan WaybillTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Deadline for the latest-position read from the Telemetry service.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan TelemetryTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>L-GPS-ONLINE: the vehicle's latest valid fix may be at most this old (29号令 第25条; default 10 min).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan GpsMaxAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>List page size when the request gives none.</summary>
    [Range(1, 1000)]
    public int DefaultPageSize { get; set; } = 20;

    /// <summary>Largest list page size.</summary>
    [Range(1, 1000)]
    public int MaxPageSize { get; set; } = 200;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DefaultPageSize > MaxPageSize)
        {
            yield return new ValidationResult($"{SectionName}:{nameof(DefaultPageSize)} exceeds {nameof(MaxPageSize)}", [nameof(DefaultPageSize)]);
        }
    }
}
