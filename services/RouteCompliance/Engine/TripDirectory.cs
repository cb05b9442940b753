using System.Collections.Concurrent;
using HazChem.Transport.RouteCompliance.Domain;
using HazChem.Transport.RouteCompliance.Storage;

namespace HazChem.Transport.RouteCompliance.Engine;

/// <summary>
/// Each vehicle's active trip, in memory for the per-fix lookup. Filled from the database at start and on every
/// refresh (so replicas that consume other waybill-event partitions still see every trip), and updated at once by
/// this process's own trip consumer.
/// </summary>
internal sealed class TripDirectory(TripStore store)
{
    private volatile ConcurrentDictionary<string, ActiveTrip> _byPlate = new(StringComparer.Ordinal);

    public ActiveTrip? Get(string plate) => _byPlate.TryGetValue(plate, out var trip) ? trip : null;

    public IReadOnlyCollection<ActiveTrip> All => [.. _byPlate.Values];

    /// <summary>Applies a trip change made by this process.</summary>
    public void Apply(ActiveTrip trip)
    {
        ArgumentNullException.ThrowIfNull(trip);
        var map = _byPlate;
        foreach (var stale in map.Where(e => e.Value.WaybillId == trip.WaybillId && (e.Key != trip.Plate || !trip.IsActive)).ToList())
        {
            map.TryRemove(stale);
        }

        if (trip.IsActive)
        {
            map.AddOrUpdate(trip.Plate, trip, (_, old) => old.WaybillId == trip.WaybillId && old.Version > trip.Version ? old : trip);
        }
    }

    /// <summary>Reloads every active trip from the database.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var trips = await store.LoadActiveAsync(cancellationToken);
        var map = new ConcurrentDictionary<string, ActiveTrip>(StringComparer.Ordinal);
        foreach (var trip in trips.OrderBy(t => t.Version))
        {
            map[trip.Plate] = trip;
        }

        _byPlate = map;
    }
}
