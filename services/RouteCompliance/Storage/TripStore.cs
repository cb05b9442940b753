using System.Text.Json;
using HazChem.Transport.Contracts.Waybill.V1;
using HazChem.Transport.RouteCompliance.Domain;
using Microsoft.EntityFrameworkCore;

namespace HazChem.Transport.RouteCompliance.Storage;

/// <summary>
/// The trip projection: one row per waybill holding what its latest event says. Applying an event is idempotent — an
/// event whose version is not newer than the row's changes nothing — so redelivery and replays are harmless.
/// </summary>
internal sealed class TripStore(IDbContextFactory<RouteComplianceDbContext> factory)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Applies the event; returns the trip as it now stands, or null when the event was stale (already applied).</summary>
    public async Task<ActiveTrip?> ApplyAsync(WaybillEvent e, double defaultCorridorMeters, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Trips.SingleOrDefaultAsync(t => t.WaybillId == e.WaybillId, cancellationToken);
        if (row is not null && row.Version >= e.Version)
        {
            return null;
        }

        var status = ToStatus(e.Status, e.Type);
        var wasMonitored = row is not null && Enum.TryParse<TripStatus>(row.Status, out var old) && old is TripStatus.Loaded or TripStatus.InTransit;
        var isMonitored = status is TripStatus.Loaded or TripStatus.InTransit;
        var occurred = e.OccurredAt?.ToDateTimeOffset() ?? now;
        if (row is null)
        {
            row = new TripRow { WaybillId = e.WaybillId };
            db.Trips.Add(row);
        }

        row.Version = e.Version;
        row.Plate = e.VehiclePlate;
        row.Status = status.ToString();
        row.RouteJson = JsonSerializer.Serialize(e.Route.Select(p => new[] { p.Lon, p.Lat }), Json);
        row.CorridorMeters = e.CorridorMeters > 0 ? e.CorridorMeters : defaultCorridorMeters;
        row.WindowStartMs = e.Window?.Start?.ToDateTimeOffset().ToUnixTimeMilliseconds();
        row.WindowEndMs = e.Window?.End?.ToDateTimeOffset().ToUnixTimeMilliseconds();
        row.GoodsClassesJson = JsonSerializer.Serialize(e.GoodsClasses, Json);
        row.HighHazard = e.HighHazard;
        row.OriginJson = e.Origin is null ? null : JsonSerializer.Serialize(new Place(e.Origin.Name, e.Origin.Lon, e.Origin.Lat), Json);
        row.DestinationJson = e.Destination is null ? null : JsonSerializer.Serialize(new Place(e.Destination.Name, e.Destination.Lon, e.Destination.Lat), Json);
        row.MonitoredSinceMs = isMonitored ? (wasMonitored ? row.MonitoredSinceMs : occurred.ToUnixTimeMilliseconds()) : null;
        row.UpdatedAtMs = now.ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(cancellationToken);
        return ToTrip(row);
    }

    /// <summary>Every trip whose waybill is ISSUED, LOADED or IN_TRANSIT.</summary>
    public async Task<IReadOnlyList<ActiveTrip>> LoadActiveAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        string[] active = [nameof(TripStatus.Issued), nameof(TripStatus.Loaded), nameof(TripStatus.InTransit)];
        var rows = await db.Trips.AsNoTracking().Where(t => active.Contains(t.Status)).ToListAsync(cancellationToken);
        return rows.Select(ToTrip).ToList();
    }

    public static ActiveTrip ToTrip(TripRow row) => new()
    {
        WaybillId = row.WaybillId,
        Version = row.Version,
        Status = Enum.Parse<TripStatus>(row.Status),
        Plate = row.Plate,
        Route = (JsonSerializer.Deserialize<List<double[]>>(row.RouteJson, Json) ?? []).Select(p => (p[0], p[1])).ToList(),
        CorridorMeters = row.CorridorMeters,
        WindowStart = row.WindowStartMs is { } start ? DateTimeOffset.FromUnixTimeMilliseconds(start) : null,
        WindowEnd = row.WindowEndMs is { } end ? DateTimeOffset.FromUnixTimeMilliseconds(end) : null,
        GoodsClasses = JsonSerializer.Deserialize<List<string>>(row.GoodsClassesJson, Json) ?? [],
        HighHazard = row.HighHazard,
        Origin = row.OriginJson is null ? null : JsonSerializer.Deserialize<Place>(row.OriginJson, Json),
        Destination = row.DestinationJson is null ? null : JsonSerializer.Deserialize<Place>(row.DestinationJson, Json),
        MonitoredSince = row.MonitoredSinceMs is { } since ? DateTimeOffset.FromUnixTimeMilliseconds(since) : null,
    };

    private static TripStatus ToStatus(WaybillStatus status, WaybillEvent.Types.EventType type) => status switch
    {
        WaybillStatus.Issued => TripStatus.Issued,
        WaybillStatus.Loaded => TripStatus.Loaded,
        WaybillStatus.InTransit => TripStatus.InTransit,
        WaybillStatus.Delivered => TripStatus.Delivered,
        WaybillStatus.Cancelled => TripStatus.Cancelled,
        WaybillStatus.Expired => TripStatus.Cancelled,
        _ => type switch
        {
            WaybillEvent.Types.EventType.Loaded => TripStatus.Loaded,
            WaybillEvent.Types.EventType.InTransit => TripStatus.InTransit,
            WaybillEvent.Types.EventType.Delivered => TripStatus.Delivered,
            WaybillEvent.Types.EventType.Cancelled => TripStatus.Cancelled,
            _ => TripStatus.Issued,
        },
    };
}
