using System.Text.Json;
using System.Text.Json.Serialization;
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
    public static string Key(string plate) => "routecompliance:vehicle:" + plate;

    public async Task<VehicleState> LoadAsync(string plate, CancellationToken cancellationToken) =>
        (await LoadManyAsync([plate], cancellationToken)).States[plate];

    /// <summary>
    /// The states of <paramref name="plates"/> (distinct), read together; the missing ones rebuilt with one query
    /// and listed in <see cref="LoadedStates.Rebuilt"/>.
    /// </summary>
    public async Task<LoadedStates> LoadManyAsync(IReadOnlyList<string> plates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plates);
        var stored = await Task.WhenAll(plates.Select(plate => hot.GetAsync(Key(plate), cancellationToken)));
        var result = new Dictionary<string, VehicleState>(plates.Count, StringComparer.Ordinal);
        var missing = new List<VehicleState>();
        for (var i = 0; i < plates.Count; i++)
        {
            if (stored[i] is { } bytes && JsonSerializer.Deserialize(bytes, VehicleStateJson.Default.VehicleState) is { Format: 1 } state)
            {
                result[plates[i]] = state;
            }
            else
            {
                missing.Add(new VehicleState { Plate = plates[i] });
            }
        }

        if (missing.Count > 0)
        {
            var open = await violations.OpenForPlatesAsync([.. missing.Select(m => m.Plate)], cancellationToken);
            var now = time.GetUtcNow();
            for (var i = 0; i < missing.Count; i++)
            {
                var plate = missing[i].Plate;
                missing[i] = result[plate] = Rebuild(plate, open.TryGetValue(plate, out var rows) ? rows : [], now);
            }
        }

        return new LoadedStates(result, missing);
    }

    public Task SaveAsync(VehicleState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        return hot.SetAsync(Key(state.Plate), JsonSerializer.SerializeToUtf8Bytes(state, VehicleStateJson.Default.VehicleState), options.Value.VehicleStateTtl, cancellationToken);
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

/// <summary>States by plate, and those of them that were rebuilt rather than read.</summary>
internal sealed record LoadedStates(Dictionary<string, VehicleState> States, IReadOnlyList<VehicleState> Rebuilt);

/// <summary>Source-generated (de)serialisation of the state: it is read and written for every vehicle in every batch.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.General)]
[JsonSerializable(typeof(VehicleState))]
internal sealed partial class VehicleStateJson : JsonSerializerContext;
