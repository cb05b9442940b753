using System.Text.Json;
using System.Text.Json.Serialization;
using HazChem.Transport.LoadingCheck.Domain;
using Microsoft.EntityFrameworkCore;

namespace HazChem.Transport.LoadingCheck.Storage;

/// <summary>Filters and position of a list page; empty filters match everything.</summary>
internal sealed record CheckQuery(string? TerminalId, string? WaybillId, string? CarrierId, int PageSize, long? AfterSequence);

/// <summary>One page of checks, newest first, and the sequence to continue after, if any.</summary>
internal sealed record CheckPage(IReadOnlyList<CheckRecord> Items, long? Next);

/// <summary>Check persistence: each check one insert, each confirmation one insert; nothing is ever updated.</summary>
internal sealed class LoadingCheckStore(IDbContextFactory<LoadingCheckDbContext> factory)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        IgnoreReadOnlyProperties = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Stores a new check.</summary>
    public Task AddAsync(CheckRecord record, CancellationToken cancellationToken) => AddRangeAsync([record], cancellationToken);

    /// <summary>Stores new checks in one transaction, in order.</summary>
    public async Task AddRangeAsync(IReadOnlyList<CheckRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.Checks.AddRange(records.Select(record => new LoadingCheckRow
        {
            Id = record.Id,
            TerminalId = record.Input.TerminalId,
            WaybillId = record.Input.WaybillId,
            CarrierId = record.CarrierId,
            Plate = record.Input.Plate,
            CheckedAt = record.CheckedAt,
            Verdict = ConfirmationRules.VerdictName(record.Verdict),
            Record = JsonSerializer.Serialize(record with { Confirmation = null }, Json),
        }));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>A check with its confirmation, or null.</summary>
    public async Task<CheckRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Checks.AsNoTracking().Where(c => c.Id == id).Select(c => c.Record).SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }

        var confirmation = await db.Confirmations.AsNoTracking().SingleOrDefaultAsync(c => c.CheckId == id, cancellationToken);
        return Deserialize(row, confirmation);
    }

    /// <summary>The id of the newest check of a waybill, or null.</summary>
    public async Task<string?> LatestIdForWaybillAsync(string waybillId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Checks.AsNoTracking()
            .Where(c => c.WaybillId == waybillId)
            .OrderByDescending(c => c.Sequence)
            .Select(c => c.Id)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Adds the confirmation of a check; false when the check already has one (a concurrent confirmation won).</summary>
    public async Task<bool> TryConfirmAsync(string checkId, ConfirmationRecord confirmation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(confirmation);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.Confirmations.Add(new ConfirmationRow
        {
            CheckId = checkId,
            ConfirmedAt = confirmation.ConfirmedAt,
            ConfirmedBy = confirmation.ConfirmedBy,
            Loaded = JsonSerializer.Serialize(confirmation.Loaded, Json),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            await using var again = await factory.CreateDbContextAsync(CancellationToken.None);
            if (await again.Confirmations.AnyAsync(c => c.CheckId == checkId, CancellationToken.None))
            {
                return false;
            }

            throw;
        }
    }

    /// <summary>A page of checks, newest first.</summary>
    public async Task<CheckPage> ListAsync(CheckQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var checks = db.Checks.AsNoTracking();
        if (!string.IsNullOrEmpty(query.TerminalId))
        {
            checks = checks.Where(c => c.TerminalId == query.TerminalId);
        }

        if (!string.IsNullOrEmpty(query.WaybillId))
        {
            checks = checks.Where(c => c.WaybillId == query.WaybillId);
        }

        if (!string.IsNullOrEmpty(query.CarrierId))
        {
            checks = checks.Where(c => c.CarrierId == query.CarrierId);
        }

        if (query.AfterSequence is { } after)
        {
            checks = checks.Where(c => c.Sequence < after);
        }

        var page = await checks
            .OrderByDescending(c => c.Sequence)
            .Take(query.PageSize + 1)
            .Select(c => new { c.Id, c.Sequence, c.Record })
            .ToListAsync(cancellationToken);
        var items = page.Take(query.PageSize).ToList();
        var ids = items.Select(i => i.Id).ToList();
        var confirmations = await db.Confirmations.AsNoTracking()
            .Where(c => ids.Contains(c.CheckId))
            .ToDictionaryAsync(c => c.CheckId, StringComparer.Ordinal, cancellationToken);
        var records = items.Select(i => Deserialize(i.Record, confirmations.GetValueOrDefault(i.Id))).ToList();
        return new CheckPage(records, page.Count > query.PageSize ? items[^1].Sequence : null);
    }

    private static CheckRecord Deserialize(string json, ConfirmationRow? confirmation)
    {
        var record = JsonSerializer.Deserialize<CheckRecord>(json, Json) ?? throw new InvalidOperationException("A stored loading check is empty.");
        return confirmation is null
            ? record
            : record with
            {
                Confirmation = new ConfirmationRecord(
                    JsonSerializer.Deserialize<List<LoadedQuantity>>(confirmation.Loaded, Json) ?? [],
                    confirmation.ConfirmedAt,
                    confirmation.ConfirmedBy),
            };
    }
}
