using HazChem.Transport.Telemetry.Domain;
using Microsoft.EntityFrameworkCore;

namespace HazChem.Transport.Telemetry.Storage;

/// <summary>A filter of the quarantine listing. Times are µs since the Unix epoch; null = open.</summary>
internal sealed record QuarantineQuery(string Plate, long? FromMicros, long? ToMicros, string Code, long? BeforeId, int Limit);

/// <summary>
/// Quarantined fixes (EF, PostgreSQL or SQLite): one insert per ingest batch that had rejections, never one per
/// fix. Small by nature (a healthy fleet rarely breaks a T- rule); retention deletes by received time.
/// </summary>
internal sealed class QuarantineStore(IDbContextFactory<TelemetryDbContext> factory)
{
    /// <summary>Stores the rejected fixes of one batch in one transaction.</summary>
    public async Task AddAsync(IReadOnlyList<(Fix Fix, Rejection Rejection)> rejected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        if (rejected.Count == 0)
        {
            return;
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        foreach (var (fix, rejection) in rejected)
        {
            db.QuarantinedFixes.Add(new QuarantinedFixRow
            {
                Plate = fix.Plate,
                TerminalPhone = fix.TerminalPhone,
                FixTimeMicros = FixId.UnixMicros(fix.FixTime),
                ReceivedTimeMicros = FixId.UnixMicros(fix.ReceivedTime),
                Lat = double.IsFinite(fix.Lat) ? fix.Lat : 0,
                Lon = double.IsFinite(fix.Lon) ? fix.Lon : 0,
                SpeedKmh = double.IsFinite(fix.SpeedKmh) ? fix.SpeedKmh : 0,
                HeadingDeg = double.IsFinite(fix.HeadingDeg) ? fix.HeadingDeg : 0,
                AltitudeM = double.IsFinite(fix.AltitudeM) ? fix.AltitudeM : 0,
                Source = (int)fix.Source,
                Late = fix.Late,
                Code = rejection.Code,
                Reason = rejection.Reason.Length > 1000 ? rejection.Reason[..1000] : rejection.Reason,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Newest first (by quarantine order), keyset-paged by id.</summary>
    public async Task<IReadOnlyList<QuarantinedFixRow>> ListAsync(QuarantineQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = db.QuarantinedFixes.AsNoTracking();
        if (query.Plate.Length > 0)
        {
            rows = rows.Where(r => r.Plate == query.Plate);
        }

        if (query.FromMicros is { } from)
        {
            rows = rows.Where(r => r.FixTimeMicros >= from);
        }

        if (query.ToMicros is { } to)
        {
            rows = rows.Where(r => r.FixTimeMicros < to);
        }

        if (query.Code.Length > 0)
        {
            rows = rows.Where(r => r.Code == query.Code);
        }

        if (query.BeforeId is { } before)
        {
            rows = rows.Where(r => r.Id < before);
        }

        return await rows.OrderByDescending(r => r.Id).Take(query.Limit).ToListAsync(cancellationToken);
    }

    /// <summary>Quarantined fixes of a plate in a fix-time range after a keyset position, in (fix time, id) order (for a flagged track).</summary>
    public async Task<IReadOnlyList<QuarantinedFixRow>> ForTrackAsync(
        string plate, long fromMicros, long toMicros, long afterMicros, long afterId, int limit, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.QuarantinedFixes.AsNoTracking()
            .Where(r => r.Plate == plate && r.FixTimeMicros >= fromMicros && r.FixTimeMicros < toMicros
                && (r.FixTimeMicros > afterMicros || (r.FixTimeMicros == afterMicros && r.Id > afterId)))
            .OrderBy(r => r.FixTimeMicros).ThenBy(r => r.Id)
            .Take(limit)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Deletes fixes quarantined before the cutoff; returns how many.</summary>
    public async Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var micros = FixId.UnixMicros(cutoff);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.QuarantinedFixes.Where(r => r.ReceivedTimeMicros < micros).ExecuteDeleteAsync(cancellationToken);
    }
}
