namespace HazChem.Transport.Geofence;

/// <summary>One validation error of a zone import.</summary>
/// <param name="FeatureIndex">Index of the feature in the collection (-1 for collection-level errors).</param>
/// <param name="FeatureId">The feature's id when known.</param>
/// <param name="Field">JSON path like "features[3].properties.schedule[0].from" or "features[3].geometry".</param>
/// <param name="Message">What rule was broken.</param>
public sealed record ZoneImportError(int FeatureIndex, string? FeatureId, string Field, string Message);

/// <summary>Outcome of <see cref="ZoneGeoJson.Parse(string, SourceCrs)"/>: zones when valid, otherwise the errors.</summary>
/// <param name="Zones">Parsed zones (empty when there are errors).</param>
/// <param name="Errors">Validation errors.</param>
public sealed record ZoneImportResult(IReadOnlyList<ZoneDefinition> Zones, IReadOnlyList<ZoneImportError> Errors)
{
    /// <summary>True when there are no errors.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>
    /// Geometry repairs made because <see cref="ZoneImportOptions.RepairInvalidGeometry"/> was set (empty otherwise);
    /// same shape as errors, so the caller can show what changed per feature.
    /// </summary>
    public IReadOnlyList<ZoneImportError> Repairs { get; init; } = [];
}

/// <summary>Options for <see cref="ZoneGeoJson.Parse(string, SourceCrs, ZoneImportOptions)"/>.</summary>
public sealed record ZoneImportOptions
{
    /// <summary>Strict validation: every invalid geometry is an error (the default).</summary>
    public static ZoneImportOptions Strict { get; } = new();

    /// <summary>
    /// Repair instead of reject invalid geometry: drop rings with fewer than 4 positions and fix self-intersecting
    /// or overlapping polygons with NetTopologySuite's GeometryFixer. Meant for published boundary data that was
    /// quantised (e.g. district outlines rounded to ~100 m); every repair is reported. Default false.
    /// </summary>
    public bool RepairInvalidGeometry { get; init; }
}
