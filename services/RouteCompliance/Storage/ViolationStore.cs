using System.Text.Json;
using HazChem.Transport.Contracts.Compliance.V1;
using HazChem.Transport.RouteCompliance.Domain;
using HazChem.Transport.ServiceDefaults.Errors;
using Microsoft.EntityFrameworkCore;

namespace HazChem.Transport.RouteCompliance.Storage;

/// <summary>Filters and position of a violation list page (newest first).</summary>
internal sealed record ViolationQuery(
    string? Plate, ViolationKind? Kind, string? ZoneId, string? WaybillId, DateTimeOffset? From, DateTimeOffset? To, ViolationStatus? Status, int Take, ViolationCursor? After);

/// <summary>Keyset position: start time and id of the last item of the previous page.</summary>
internal sealed record ViolationCursor(long StartMs, string Id);

/// <summary>
/// Violation persistence. The engine's writes are idempotent by (id, engine revision): a redelivered fix re-applies
/// the same revision and changes nothing; acknowledgement columns are never touched by the engine.
/// </summary>
internal sealed class ViolationStore(IDbContextFactory<RouteComplianceDbContext> factory)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Applies the engine's changes in one transaction and returns the rows as they now stand, in order.</summary>
    public async Task<IReadOnlyList<ViolationRow>> ApplyAsync(IReadOnlyList<EpisodeChange> changes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = new List<ViolationRow>(changes.Count);
        foreach (var change in changes)
        {
            var v = change.Violation;
            var row = await db.Violations.SingleOrDefaultAsync(r => r.Id == v.Id, cancellationToken);
            if (row is null)
            {
                row = new ViolationRow { Id = v.Id };
                db.Violations.Add(row);
            }
            else if (row.EngineRevision >= v.Revision)
            {
                result.Add(row);
                continue;
            }

            row.Plate = v.Plate;
            row.Kind = v.Kind.ToString();
            row.Code = v.Code;
            row.ZoneId = v.ZoneId;
            row.ZoneName = v.ZoneName;
            row.WaybillId = v.WaybillId;
            row.StartMs = v.Start.ToUnixTimeMilliseconds();
            row.EndMs = v.End?.ToUnixTimeMilliseconds();
            row.EvidenceJson = JsonSerializer.Serialize(v.Evidence, Json);
            row.Details = v.Details.Length > 1000 ? v.Details[..1000] : v.Details;
            row.MaxDistanceMeters = v.MaxDistanceMeters;
            row.MaxSpeedKmh = v.MaxSpeedKmh;
            row.SpeedLimitKmh = v.SpeedLimitKmh;
            row.GoodsClassesJson = JsonSerializer.Serialize(v.GoodsClasses, Json);
            row.EngineRevision = v.Revision;
            row.UpdatedAtMs = now.ToUnixTimeMilliseconds();
            await db.SaveChangesAsync(cancellationToken);
            result.Add(row);
        }

        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    public async Task<ViolationRow?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Violations.AsNoTracking().SingleOrDefaultAsync(v => v.Id == id, cancellationToken);
    }

    /// <summary>The open violations of each of <paramref name="plates"/> that has any (to rebuild hot states).</summary>
    public async Task<Dictionary<string, List<ViolationRow>>> OpenForPlatesAsync(IReadOnlyList<string> plates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plates);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var result = new Dictionary<string, List<ViolationRow>>(StringComparer.Ordinal);
        // In slices, so the statement's parameter list stays well inside every provider's limit.
        foreach (var slice in plates.Chunk(500))
        {
            var rows = await db.Violations.AsNoTracking().Where(v => slice.Contains(v.Plate) && v.EndMs == null).ToListAsync(cancellationToken);
            foreach (var row in rows)
            {
                if (!result.TryGetValue(row.Plate, out var list))
                {
                    result[row.Plate] = list = [];
                }

                list.Add(row);
            }
        }

        return result;
    }

    /// <summary>A page, newest first; <see cref="ViolationQuery.Take"/> rows at most.</summary>
    public async Task<IReadOnlyList<ViolationRow>> ListAsync(ViolationQuery q, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(q);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var query = db.Violations.AsNoTracking();
        if (!string.IsNullOrEmpty(q.Plate))
        {
            query = query.Where(v => v.Plate == q.Plate);
        }

        if (q.Kind is { } kind)
        {
            var text = kind.ToString();
            query = query.Where(v => v.Kind == text);
        }

        if (!string.IsNullOrEmpty(q.ZoneId))
        {
            query = query.Where(v => v.ZoneId == q.ZoneId);
        }

        if (!string.IsNullOrEmpty(q.WaybillId))
        {
            query = query.Where(v => v.WaybillId == q.WaybillId);
        }

        if (q.To is { } to)
        {
            var toMs = to.ToUnixTimeMilliseconds();
            query = query.Where(v => v.StartMs < toMs);
        }

        if (q.From is { } from)
        {
            var fromMs = from.ToUnixTimeMilliseconds();
            query = query.Where(v => v.EndMs == null || v.EndMs > fromMs);
        }

        query = q.Status switch
        {
            ViolationStatus.Open => query.Where(v => v.EndMs == null && v.AckAtMs == null),
            ViolationStatus.Closed => query.Where(v => v.EndMs != null && v.AckAtMs == null),
            ViolationStatus.Acknowledged => query.Where(v => v.AckAtMs != null),
            _ => query,
        };

        if (q.After is { } after)
        {
            #pragma warning disable CA1309 // Translated to SQL; ids are lower-case hex, so the database's comparison is ordinal for them.
            query = query.Where(v => v.StartMs < after.StartMs || (v.StartMs == after.StartMs && string.Compare(v.Id, after.Id) < 0));
#pragma warning restore CA1309
        }

        return await query.OrderByDescending(v => v.StartMs).ThenByDescending(v => v.Id).Take(q.Take).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Records the acknowledgement. Acknowledging again as the same officer returns the record unchanged (idempotent);
    /// another officer gets ALREADY_EXISTS naming who acknowledged first. Returns the row and whether it changed.
    /// </summary>
    public async Task<(ViolationRow Row, bool Changed)> AcknowledgeAsync(string id, string by, string note, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var nowMs = now.ToUnixTimeMilliseconds();
        var updated = await db.Violations.Where(v => v.Id == id && v.AckAtMs == null)
            .ExecuteUpdateAsync(
                u => u.SetProperty(v => v.AckBy, by).SetProperty(v => v.AckNote, note).SetProperty(v => v.AckAtMs, nowMs).SetProperty(v => v.UpdatedAtMs, nowMs),
                cancellationToken);
        var row = await db.Violations.AsNoTracking().SingleOrDefaultAsync(v => v.Id == id, cancellationToken)
            ?? throw new NotFoundException("violation", id);
        if (updated == 1)
        {
            return (row, true);
        }

        if (string.Equals(row.AckBy, by, StringComparison.Ordinal))
        {
            return (row, false);
        }

        throw new AlreadyExistsException("acknowledgement of violation", $"{id}' by '{row.AckBy}");
    }

    public static IReadOnlyList<EvidencePoint> Evidence(ViolationRow row) =>
        JsonSerializer.Deserialize<List<EvidencePoint>>(row.EvidenceJson, Json) ?? [];

    public static IReadOnlyList<string> GoodsClasses(ViolationRow row) =>
        JsonSerializer.Deserialize<List<string>>(row.GoodsClassesJson, Json) ?? [];
}
