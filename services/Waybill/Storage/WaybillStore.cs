using System.Text.Json;
using System.Text.Json.Serialization;
using HazChem.Transport.ServiceDefaults.Errors;
using HazChem.Transport.Waybill.Domain;
using Microsoft.EntityFrameworkCore;

namespace HazChem.Transport.Waybill.Storage;

/// <summary>Another change of the same waybill won the race; the caller re-reads and tries again.</summary>
internal sealed class ConcurrentChangeException(string waybillId)
    : Exception($"Waybill {waybillId} was changed concurrently.");

/// <summary>Filters and position of a list page.</summary>
internal sealed record WaybillQuery(string? Plate, LifecycleStatus? Status, string? CarrierId, int PageSize, PageCursor? After);

/// <summary>Keyset position: the insertion sequence of the last item of the previous page (newest first).</summary>
internal sealed record PageCursor(long Sequence);

/// <summary>One page of waybills and the cursor of the next, if any.</summary>
internal sealed record WaybillPage(IReadOnlyList<WaybillView> Items, PageCursor? Next);

/// <summary>An outbox row to publish.</summary>
internal sealed record PendingEvent(long Sequence, string EventId, string Key, byte[] Payload, string? TraceParent);

/// <summary>
/// Waybill persistence: every change is one database transaction that appends the version, moves the head,
/// maintains the active-vehicle rows (W-ONE-ACTIVE) and writes the outbox event (transactional outbox).
/// </summary>
internal sealed class WaybillStore(IDbContextFactory<WaybillDbContext> factory)
{
    private const string PublisherLease = "waybill-events";

    private static readonly JsonSerializerOptions Json = new()
    {
        IgnoreReadOnlyProperties = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The latest version (<paramref name="version"/> 0) or a given one, with the history up to it; null when absent.</summary>
    public async Task<WaybillView?> GetAsync(string id, int version, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var head = await db.Waybills.AsNoTracking().SingleOrDefaultAsync(w => w.Id == id, cancellationToken);
        if (head is null || version > head.Version)
        {
            return null;
        }

        // The versions up to the wanted one are few (issue, amend, load, …): one read gives the snapshot and the history.
        var wanted = version > 0 ? version : head.Version;
        var rows = await db.WaybillVersions.AsNoTracking()
            .Where(v => v.WaybillId == id && v.Version <= wanted)
            .OrderBy(v => v.Version)
            .ToListAsync(cancellationToken);
        return new WaybillView(
            Deserialize(rows[^1].Snapshot),
            [.. rows.Select(v => ToHistoryEntry(v.Change, v.Version, v.Status, v.At, v.Actor, v.ActorRole, v.Reason))]);
    }

    /// <summary>The id of the active waybill that holds <paramref name="plate"/>, or null.</summary>
    public async Task<string?> FindActiveWaybillIdAsync(string plate, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.ActiveVehicles.AsNoTracking()
            .Where(a => a.Plate == plate)
            .Select(a => a.WaybillId)
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>Active waybills other than <paramref name="exceptWaybillId"/> that hold any of <paramref name="plates"/>.</summary>
    public async Task<IReadOnlyList<ActiveConflict>> FindActiveConflictsAsync(IReadOnlyList<string> plates, string? exceptWaybillId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await ConflictsAsync(db, plates, exceptWaybillId, cancellationToken);
    }

    /// <summary>
    /// One page of the active waybills (at most <paramref name="limit"/>, by id after <paramref name="afterId"/>) and,
    /// of those, the latest versions of the ISSUED ones: the expiry candidates. Driven by the active-vehicle rows, so a
    /// sweep reads the fleet's current waybills, never the retained history. <c>Next</c> is null on the last page.
    /// </summary>
    public async Task<(IReadOnlyList<WaybillSnapshot> Issued, string? Next)> ActiveIssuedPageAsync(string? afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var active = db.ActiveVehicles.AsNoTracking().Select(a => a.WaybillId);
        if (afterId is not null)
        {
            // EF Core translates this to SQL "waybill_id > @afterId", the same collation as the ORDER BY below; it never runs in .NET.
#pragma warning disable CA1309
            active = active.Where(id => string.Compare(id, afterId) > 0);
#pragma warning restore CA1309
        }

        var ids = await active.Distinct().OrderBy(id => id).Take(limit).ToListAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return ([], null);
        }

        var issued = StatusText(LifecycleStatus.Issued);
        var snapshots = await db.Waybills.AsNoTracking()
            .Where(w => ids.Contains(w.Id) && w.Status == issued)
            .Join(db.WaybillVersions, w => new { w.Id, w.Version }, v => new { Id = v.WaybillId, v.Version }, (_, v) => v.Snapshot)
            .ToListAsync(cancellationToken);
        return ([.. snapshots.Select(Deserialize)], ids.Count == limit ? ids[^1] : null);
    }

    /// <summary>
    /// Stores <paramref name="next"/> as a new waybill (version 1) or as the version after
    /// <paramref name="next"/>.Version − 1, with its history entry and outbox event, in one transaction.
    /// Throws <see cref="ConcurrentChangeException"/> when another change came first and a W-ONE-ACTIVE
    /// <see cref="RuleRefusalException"/> when a concurrent waybill took one of the plates.
    /// </summary>
    public async Task AppendAsync(WaybillSnapshot next, HistoryEntry entry, OutboxRow outbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(outbox);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var active = WaybillLifecycle.IsActive(next.Status);
        var plates = active ? next.Content.Plates : [];
        if (next.Version == 1)
        {
            db.Waybills.Add(new WaybillRow
            {
                Id = next.Id,
                CarrierId = next.CarrierId,
                VehiclePlate = next.Content.VehiclePlate,
                TrailerPlate = next.Content.TrailerPlate,
                Status = StatusText(next.Status),
                Version = 1,
                CreatedAt = next.CreatedAt,
                UpdatedAt = next.UpdatedAt,
            });
            db.ActiveVehicles.AddRange(plates.Select(p => new ActiveVehicleRow { Plate = p, WaybillId = next.Id }));
        }
        else
        {
            var head = await db.Waybills.SingleOrDefaultAsync(w => w.Id == next.Id, cancellationToken)
                ?? throw new NotFoundException("waybill", next.Id);
            if (head.Version != next.Version - 1)
            {
                throw new ConcurrentChangeException(next.Id);
            }

            head.Version = next.Version;
            head.Status = StatusText(next.Status);
            head.VehiclePlate = next.Content.VehiclePlate;
            head.TrailerPlate = next.Content.TrailerPlate;
            head.UpdatedAt = next.UpdatedAt;
            var held = await db.ActiveVehicles.Where(a => a.WaybillId == next.Id).ToListAsync(cancellationToken);
            db.ActiveVehicles.RemoveRange(held.Where(a => !plates.Contains(a.Plate, StringComparer.Ordinal)));
            db.ActiveVehicles.AddRange(plates
                .Where(p => !held.Any(a => a.Plate == p))
                .Select(p => new ActiveVehicleRow { Plate = p, WaybillId = next.Id }));
        }

        db.WaybillVersions.Add(new WaybillVersionRow
        {
            WaybillId = next.Id,
            Version = next.Version,
            Change = entry.Change.ToString().ToUpperInvariant(),
            Status = StatusText(next.Status),
            At = entry.At,
            Actor = entry.Actor,
            ActorRole = entry.ActorRole,
            Reason = entry.Reason,
            Snapshot = JsonSerializer.Serialize(next, Json),
        });
        db.Outbox.Add(outbox);

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConcurrentChangeException(next.Id);
        }
        catch (DbUpdateException)
        {
            // A unique key turned a race into a constraint violation: a concurrent waybill took a plate, or a
            // concurrent change of this waybill wrote the same version first.
            if (plates.Count > 0)
            {
                var conflicts = await FindActiveConflictsAsync(plates, next.Id, CancellationToken.None);
                if (conflicts.Count > 0)
                {
                    throw new RuleRefusalException([.. WaybillRules.OneActive(conflicts)]);
                }
            }

            if (next.Version > 1 && await LatestVersionAsync(next.Id) >= next.Version)
            {
                throw new ConcurrentChangeException(next.Id);
            }

            throw;
        }
    }

    /// <summary>A page of latest versions, newest first.</summary>
    public async Task<WaybillPage> ListAsync(WaybillQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var heads = db.Waybills.AsNoTracking();
        if (!string.IsNullOrEmpty(query.Plate))
        {
            heads = heads.Where(w => w.VehiclePlate == query.Plate || w.TrailerPlate == query.Plate);
        }

        if (query.Status is { } status)
        {
            var text = StatusText(status);
            heads = heads.Where(w => w.Status == text);
        }

        if (!string.IsNullOrEmpty(query.CarrierId))
        {
            heads = heads.Where(w => w.CarrierId == query.CarrierId);
        }

        if (query.After is { } after)
        {
            heads = heads.Where(w => w.Sequence < after.Sequence);
        }

        var page = await heads
            .OrderByDescending(w => w.Sequence)
            .Take(query.PageSize + 1)
            .Select(w => new { w.Id, w.Sequence })
            .ToListAsync(cancellationToken);
        var items = page.Take(query.PageSize).ToList();
        var ids = items.Select(i => i.Id).ToList();
        // The latest version of each listed waybill (the head may have moved on since; then the newer one shows).
        var snapshots = (await db.WaybillVersions.AsNoTracking()
                .Where(v => ids.Contains(v.WaybillId))
                .Join(db.Waybills, v => new { Id = v.WaybillId, v.Version }, w => new { w.Id, w.Version }, (v, _) => new { v.WaybillId, v.Snapshot })
                .ToListAsync(cancellationToken))
            .ToDictionary(v => v.WaybillId, v => Deserialize(v.Snapshot), StringComparer.Ordinal);
        var history = await HistoryAsync(db, ids, cancellationToken);
        var views = items
            .Where(i => snapshots.ContainsKey(i.Id))
            .Select(i => new WaybillView(snapshots[i.Id], [.. history[i.Id].Where(h => h.Version <= snapshots[i.Id].Version)]))
            .ToList();
        var next = page.Count > query.PageSize ? new PageCursor(items[^1].Sequence) : null;
        return new WaybillPage(views, next);
    }

    /// <summary>Unsent outbox rows, oldest first.</summary>
    public async Task<IReadOnlyList<PendingEvent>> PendingEventsAsync(int limit, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Outbox.AsNoTracking()
            .Where(o => o.SentAt == null)
            .OrderBy(o => o.Sequence)
            .Take(limit)
            .Select(o => new PendingEvent(o.Sequence, o.EventId, o.Key, o.Payload, o.TraceParent))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Records that the broker acknowledged the event.</summary>
    public async Task MarkSentAsync(long sequence, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.Outbox.Where(o => o.Sequence == sequence && o.SentAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.SentAt, sentAt), cancellationToken);
    }

    /// <summary>
    /// Deletes at most <paramref name="limit"/> outbox rows sent before <paramref name="sentBefore"/>, oldest first, in one
    /// statement; returns how many went. An unsent row is never deleted, whatever its age. Idempotent, so every replica
    /// may prune: of two concurrent deletes, the second skips the rows the first took. Only outbox rows: waybill
    /// versions and heads are never touched (W-RETENTION).
    /// </summary>
    public async Task<int> DeleteSentEventsAsync(DateTimeOffset sentBefore, int limit, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // EF cannot compare DateTimeOffset on SQLite (stored as text). julianday() reads that text, offset included,
            // so the comparison is by instant; the embedded mode's outbox is small enough to do without the index.
            return await db.Database.ExecuteSqlAsync(
                $"""
                DELETE FROM waybill_outbox WHERE sequence IN (
                    SELECT sequence FROM waybill_outbox
                    WHERE sent_at IS NOT NULL AND julianday(sent_at) < julianday({sentBefore})
                    ORDER BY julianday(sent_at), sequence
                    LIMIT {limit})
                """,
                cancellationToken);
        }

        // PostgreSQL: one DELETE … WHERE sequence IN (SELECT … ORDER BY sent_at, sequence LIMIT n), along the (sent_at, sequence) index.
        return await db.Outbox
            .Where(o => o.SentAt != null && o.SentAt < sentBefore)
            .OrderBy(o => o.SentAt)
            .ThenBy(o => o.Sequence)
            .Take(limit)
            .ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// Takes or renews the publisher lease for <paramref name="owner"/> until <paramref name="now"/> + <paramref name="leaseTime"/>;
    /// false while another owner holds an unexpired lease. The conditional update is atomic on both providers.
    /// </summary>
    public async Task<bool> TryHoldPublisherLeaseAsync(string owner, DateTimeOffset now, TimeSpan leaseTime, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var nowMs = now.ToUnixTimeMilliseconds();
        var until = (now + leaseTime).ToUnixTimeMilliseconds();
        var taken = await db.OutboxLeases
            .Where(l => l.Name == PublisherLease && (l.Owner == owner || l.ExpiresAtMs < nowMs))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, owner).SetProperty(l => l.ExpiresAtMs, until), cancellationToken);
        if (taken == 1)
        {
            return true;
        }

        if (await db.OutboxLeases.AnyAsync(l => l.Name == PublisherLease, cancellationToken))
        {
            return false;
        }

        db.OutboxLeases.Add(new OutboxLeaseRow { Name = PublisherLease, Owner = owner, ExpiresAtMs = until });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another process created the lease row first; it holds the lease.
            return false;
        }
    }

    /// <summary>Gives the lease up (clean shutdown), so a successor publishes at once rather than after expiry.</summary>
    public async Task ReleasePublisherLeaseAsync(string owner, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.OutboxLeases
            .Where(l => l.Name == PublisherLease && l.Owner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAtMs, 0L), cancellationToken);
    }

    public static string StatusText(LifecycleStatus status) => WaybillLifecycle.StatusName(status);

    private async Task<int> LatestVersionAsync(string id)
    {
        await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
        return await db.Waybills.Where(w => w.Id == id).Select(w => w.Version).SingleOrDefaultAsync(CancellationToken.None);
    }

    private static async Task<List<ActiveConflict>> ConflictsAsync(WaybillDbContext db, IReadOnlyList<string> plates, string? exceptWaybillId, CancellationToken cancellationToken) =>
        await db.ActiveVehicles.AsNoTracking()
            .Where(a => plates.Contains(a.Plate) && a.WaybillId != exceptWaybillId)
            .OrderBy(a => a.Plate)
            .Select(a => new ActiveConflict(a.Plate, a.WaybillId))
            .ToListAsync(cancellationToken);

    private static async Task<Dictionary<string, List<HistoryEntry>>> HistoryAsync(WaybillDbContext db, List<string> ids, CancellationToken cancellationToken)
    {
        var rows = await db.WaybillVersions.AsNoTracking()
            .Where(v => ids.Contains(v.WaybillId))
            .OrderBy(v => v.Version)
            .Select(v => new { v.WaybillId, v.Change, v.Version, v.Status, v.At, v.Actor, v.ActorRole, v.Reason })
            .ToListAsync(cancellationToken);
        var result = ids.ToDictionary(id => id, _ => new List<HistoryEntry>(), StringComparer.Ordinal);
        foreach (var row in rows)
        {
            result[row.WaybillId].Add(ToHistoryEntry(row.Change, row.Version, row.Status, row.At, row.Actor, row.ActorRole, row.Reason));
        }

        return result;
    }

    private static HistoryEntry ToHistoryEntry(string change, int version, string status, DateTimeOffset at, string actor, string actorRole, string reason) =>
        new(Enum.Parse<ChangeKind>(change, ignoreCase: true), version, ParseStatus(status), at, actor, actorRole, reason);

    private static LifecycleStatus ParseStatus(string text) =>
        Enum.GetValues<LifecycleStatus>().Single(s => StatusText(s) == text);

    private static WaybillSnapshot Deserialize(string json) =>
        JsonSerializer.Deserialize<WaybillSnapshot>(json, Json) ?? throw new InvalidOperationException("A stored waybill version is empty.");
}
