using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using HazChem.Transport.Contracts.Common.V1;
using HazChem.Transport.Geofence;
using HazChem.Transport.RouteCompliance.Storage;
using HazChem.Transport.ServiceDefaults.Errors;

namespace HazChem.Transport.RouteCompliance.Engine;

/// <summary>
/// The zones the engine checks: an immutable <see cref="GeofenceIndex"/> snapshot swapped atomically after every
/// import or delete in this process, and — so several replicas agree — reloaded whenever the catalogue version in
/// the database moves (checked every <c>Compliance:RefreshInterval</c> by <see cref="CatalogRefresher"/>).
/// </summary>
internal sealed partial class ZoneCatalog(ZoneStore store, TimeProvider time, ILogger<ZoneCatalog> logger) : IDisposable
{
    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile Snapshot? _snapshot;

    /// <summary>The current index (null before the first load).</summary>
    public GeofenceIndex? Index => _snapshot?.Index;

    /// <summary>The catalogue version the index was built from (-1 before the first load).</summary>
    public long Version => _snapshot?.Version ?? -1;

    /// <summary>
    /// Parses and validates a FeatureCollection and stores every zone (replacing by id), all or nothing. With
    /// <paramref name="repairInvalidGeometry"/> invalid geometry is repaired (and each repair reported) instead of refused.
    /// </summary>
    public async Task<ZoneImportResult> ImportAsync(Struct? featureCollection, Crs crs, bool repairInvalidGeometry, CancellationToken cancellationToken)
    {
        if (featureCollection is null || featureCollection.Fields.Count == 0)
        {
            throw new InvalidInputException("featureCollection", "required: a GeoJSON FeatureCollection");
        }

        var sourceCrs = crs switch
        {
            Crs.Unspecified or Crs.Wgs84 => SourceCrs.Wgs84,
            Crs.Gcj02 => SourceCrs.Gcj02,
            _ => throw new InvalidInputException("crs", $"unknown CRS {(int)crs}: use WGS84 or GCJ02"),
        };
        var result = ZoneGeoJson.Parse(
            JsonFormatter.Default.Format(featureCollection),
            sourceCrs,
            repairInvalidGeometry ? new ZoneImportOptions { RepairInvalidGeometry = true } : ZoneImportOptions.Strict);
        if (!result.IsValid)
        {
            throw new InvalidInputException(result.Errors
                .Select(e => new FieldViolation(
                    e.Field == "$" ? "featureCollection" : "featureCollection." + e.Field,
                    (e.FeatureIndex >= 0 ? $"feature {e.FeatureIndex}{(string.IsNullOrEmpty(e.FeatureId) ? "" : $" (id '{e.FeatureId}')")}: " : "") + e.Message))
                .ToList());
        }

        if (result.Zones.Count == 0)
        {
            throw new InvalidInputException("featureCollection.features", "the FeatureCollection holds no features");
        }

        await store.ImportAsync(result.Zones, time.GetUtcNow(), cancellationToken);
        await RefreshAsync(force: true, cancellationToken);
        return result;
    }

    /// <summary>Deletes a zone; NOT_FOUND when it does not exist.</summary>
    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(id, cancellationToken))
        {
            throw new NotFoundException("zone", id);
        }

        await RefreshAsync(force: true, cancellationToken);
    }

    /// <summary>Rebuilds the index when the stored catalogue changed (or always with <paramref name="force"/>).</summary>
    public async Task RefreshAsync(bool force, CancellationToken cancellationToken)
    {
        await _reload.WaitAsync(cancellationToken);
        try
        {
            if (!force && _snapshot is { } current && await store.VersionAsync(cancellationToken) == current.Version)
            {
                return;
            }

            var (version, zones) = await store.LoadAllAsync(cancellationToken);
            _snapshot = new Snapshot(version, new GeofenceIndex(zones));
            LogLoaded(logger, zones.Count, version);
        }
        finally
        {
            _reload.Release();
        }
    }

    public void Dispose() => _reload.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Zone index rebuilt: {Count} zones at catalogue version {Version}")]
    private static partial void LogLoaded(ILogger logger, int count, long version);

    private sealed record Snapshot(long Version, GeofenceIndex Index);
}
