using System.Text.Json;
using HazChem.Transport.Contracts.Compliance.V1;
using HazChem.Transport.RouteCompliance.Domain;
using HazChem.Transport.RouteCompliance.Options;
using HazChem.Transport.RouteCompliance.Storage;
using HazChem.Transport.ServiceDefaults.State;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.RouteCompliance.Engine;

/// <summary>
/// Per-vehicle compliance state in <see cref="IHotState"/> (Redis when distributed, memory when embedded), as JSON
/// under <c>routecompliance:vehicle:&lt;plate&gt;</c>. When it is missing (first fix, expiry, Redis lost) it is
/// rebuilt from the database: the vehicle's open violations become open episodes again, so they close normally;
/// counters (zone stays, driving stretch, distance without waybill) restart from the next fix.
/// </summary>
internal sealed class VehicleStateStore(IHotState hot, ViolationStore violations, IOptions<ComplianceOptions> options, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    public static string Key(string plate) => "routecompliance:vehicle:" + plate;

    public async Task<VehicleState> LoadAsync(string plate, CancellationToken cancellationToken)
    {
        var bytes = await hot.GetAsync(Key(plate), cancellationToken);
        if (bytes is not null && JsonSerializer.Deserialize<VehicleState>(bytes, Json) is { Format: 1 } state)
        {
            return state;
        }

        return Rebuild(plate, await violations.OpenForPlateAsync(plate, cancellationToken), time.GetUtcNow());
    }

    public Task SaveAsync(VehicleState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        return hot.SetAsync(Key(state.Plate), JsonSerializer.SerializeToUtf8Bytes(state, Json), options.Value.VehicleStateTtl, cancellationToken);
    }

    /// <summary>The state implied by the vehicle's open violations.</summary>
    public static VehicleState Rebuild(string plate, IReadOnlyList<ViolationRow> open, DateTimeOffset now)
    {
        var state = new VehicleState { Plate = plate, RebuiltAt = now };
        foreach (var row in open)
        {
            if (!Enum.TryParse<ViolationKind>(row.Kind, out var kind))
            {
                continue;
            }

            var episode = state.Episode(kind, kind == ViolationKind.RestrictedZone ? row.ZoneId : null);
            var start = DateTimeOffset.FromUnixTimeMilliseconds(row.StartMs);
            episode.Phase = EpisodePhase.Open;
            episode.ViolationId = row.Id;
            episode.Start = start;
            episode.CandidateSince = start;
            episode.Revision = row.EngineRevision;
            episode.Scope = kind switch
            {
                ViolationKind.RestrictedZone => row.ZoneId,
                ViolationKind.RouteDeviation or ViolationKind.OutsideTravelWindow or ViolationKind.AbnormalStop or ViolationKind.GpsOffline => row.WaybillId,
                _ => "",
            };
            episode.Evidence = [.. ViolationStore.Evidence(row)];
            episode.MaxDistanceMeters = row.MaxDistanceMeters;
            episode.MaxSpeedKmh = row.MaxSpeedKmh;
            episode.SpeedLimitKmh = row.SpeedLimitKmh;
            episode.ZoneId = row.ZoneId;
            episode.ZoneName = row.ZoneName;
            episode.WaybillId = row.WaybillId;
            episode.GoodsClasses = [.. ViolationStore.GoodsClasses(row)];
            episode.LastPublished = start;
        }

        return state;
    }
}
