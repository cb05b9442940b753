using System.Globalization;
using System.Text.Json;
using HazChem.Transport.Geofence;
using Microsoft.EntityFrameworkCore;

namespace HazChem.Transport.RouteCompliance.Storage;

/// <summary>Zone persistence: imports replace zones by id; every change bumps the catalogue version in the same transaction.</summary>
internal sealed class ZoneStore(IDbContextFactory<RouteComplianceDbContext> factory)
{
    public const string CatalogName = "zones";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Inserts or replaces every zone, all or nothing.</summary>
    public async Task ImportAsync(IReadOnlyList<ZoneDefinition> zones, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ids = zones.Select(z => z.Id).ToList();
        var existing = await db.Zones.Where(z => ids.Contains(z.Id)).ToDictionaryAsync(z => z.Id, StringComparer.Ordinal, cancellationToken);
        foreach (var zone in zones)
        {
            var row = ToRow(zone, now);
            if (existing.TryGetValue(zone.Id, out var old))
            {
                db.Entry(old).CurrentValues.SetValues(row);
            }
            else
            {
                db.Zones.Add(row);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await BumpVersionAsync(db, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Deletes the zone; false when it did not exist.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var deleted = await db.Zones.Where(z => z.Id == id).ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0)
        {
            return false;
        }

        await BumpVersionAsync(db, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<ZoneRow?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Zones.AsNoTracking().SingleOrDefaultAsync(z => z.Id == id, cancellationToken);
    }

    /// <summary>A page ordered by id, after <paramref name="afterId"/>; one extra row tells whether more follow.</summary>
    public async Task<IReadOnlyList<ZoneRow>> ListAsync(string? kind, int take, string? afterId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var query = db.Zones.AsNoTracking();
        if (!string.IsNullOrEmpty(kind))
        {
            query = query.Where(z => z.Kind == kind);
        }

        if (!string.IsNullOrEmpty(afterId))
        {
            #pragma warning disable CA1309 // Translated to SQL (the database's collation orders the page as it orders the list).
            query = query.Where(z => string.Compare(z.Id, afterId) > 0);
#pragma warning restore CA1309
        }

        return await query.OrderBy(z => z.Id).Take(take).ToListAsync(cancellationToken);
    }

    /// <summary>The catalogue version (0 before the first import).</summary>
    public async Task<long> VersionAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.CatalogVersions.AsNoTracking().Where(v => v.Name == CatalogName).Select(v => v.Version).SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>Every zone with the version it belongs to (read in one transaction).</summary>
    public async Task<(long Version, IReadOnlyList<ZoneDefinition> Zones)> LoadAllAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var version = await db.CatalogVersions.AsNoTracking().Where(v => v.Name == CatalogName).Select(v => v.Version).SingleOrDefaultAsync(cancellationToken);
        var rows = await db.Zones.AsNoTracking().ToListAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (version, rows.Select(ToDefinition).ToList());
    }

    public static ZoneRow ToRow(ZoneDefinition zone, DateTimeOffset now) => new()
    {
        Id = zone.Id,
        Name = zone.Name,
        Kind = zone.Kind,
        HazardClassesJson = JsonSerializer.Serialize(zone.HazardClasses, Json),
        ScheduleJson = JsonSerializer.Serialize(zone.Schedule.Select(w => new ScheduleJson(w.Days, Hhmm(w.From), Hhmm(w.To))), Json),
        SpeedLimitKmh = zone.SpeedLimitKmh,
        GeometryGeoJson = ZoneGeoJson.WriteGeometry(zone.Geometry),
        SourceCrs = zone.SourceCrs.ToString(),
        ImportedAtMs = now.ToUnixTimeMilliseconds(),
    };

    public static ZoneDefinition ToDefinition(ZoneRow row) => new()
    {
        Id = row.Id,
        Name = row.Name,
        Kind = row.Kind,
        HazardClasses = JsonSerializer.Deserialize<List<string>>(row.HazardClassesJson, Json) ?? [],
        Schedule = Schedule(row),
        SpeedLimitKmh = row.SpeedLimitKmh,
        Geometry = ZoneGeoJson.ReadGeometry(row.GeometryGeoJson),
        SourceCrs = Enum.TryParse<SourceCrs>(row.SourceCrs, out var crs) ? crs : SourceCrs.Wgs84,
    };

    public static IReadOnlyList<ScheduleWindow> Schedule(ZoneRow row) =>
        (JsonSerializer.Deserialize<List<ScheduleJson>>(row.ScheduleJson, Json) ?? [])
            .Select(w => new ScheduleWindow(w.Days, TimeOnly.ParseExact(w.From, "HH:mm", CultureInfo.InvariantCulture), ParseTo(w.To)))
            .ToList();

    public static IReadOnlyList<string> HazardClasses(ZoneRow row) => JsonSerializer.Deserialize<List<string>>(row.HazardClassesJson, Json) ?? [];

    private static TimeOnly ParseTo(string text) => text == "24:00" ? TimeOnly.MinValue : TimeOnly.ParseExact(text, "HH:mm", CultureInfo.InvariantCulture);

    private static string Hhmm(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static async Task BumpVersionAsync(RouteComplianceDbContext db, CancellationToken cancellationToken)
    {
        var bumped = await db.CatalogVersions.Where(v => v.Name == CatalogName)
            .ExecuteUpdateAsync(u => u.SetProperty(v => v.Version, v => v.Version + 1), cancellationToken);
        if (bumped == 0)
        {
            db.CatalogVersions.Add(new CatalogVersionRow { Name = CatalogName, Version = 1 });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    internal sealed record ScheduleJson(IReadOnlyList<int> Days, string From, string To);
}
