using Google.Protobuf;
using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.ServiceDefaults.State;
using HazChem.Transport.Telemetry.Domain;
using StackExchange.Redis;

namespace HazChem.Transport.Telemetry.State;

/// <summary>
/// The latest accepted position of each vehicle, latest by FIX time: a late (blind-area) fix never replaces a newer
/// one. Hot state only: losing it loses no record (the track holds every fix).
/// </summary>
internal interface ILatestPositions
{
    /// <summary>Offers each position; a vehicle's stored one is replaced only by a strictly newer fix time.</summary>
    Task OfferAsync(IReadOnlyCollection<VehiclePosition> positions, CancellationToken cancellationToken);

    /// <summary>The vehicle's latest position, or null if it never reported.</summary>
    Task<VehiclePosition?> GetAsync(string plate, CancellationToken cancellationToken);

    /// <summary>Every vehicle's latest position whose receipt time is at or after <paramref name="receivedSince"/> (all when null).</summary>
    Task<IReadOnlyList<VehiclePosition>> ListAsync(DateTimeOffset? receivedSince, CancellationToken cancellationToken);
}

/// <summary>Shared helpers of the two stores.</summary>
internal static class LatestPositionKeys
{
    public const string Prefix = "telemetry:latest:";

    /// <summary>Sorted set of plates scored by the receipt time (µs) of their stored latest position.</summary>
    public const string Index = "telemetry:latest-index";

    public static string For(string plate) => Prefix + plate;

    public static long FixMicros(VehiclePosition position) => FixId.UnixMicros(position.FixTime.ToDateTimeOffset());

    public static long ReceivedMicros(VehiclePosition position) =>
        position.ReceivedTime is null ? 0 : FixId.UnixMicros(position.ReceivedTime.ToDateTimeOffset());
}

/// <summary>
/// On any <see cref="IHotState"/> (the in-memory one in the embedded default) for a single process: the
/// read-compare-write of a vehicle runs under one of a fixed set of locks, chosen by the plate.
/// </summary>
internal sealed class HotStateLatestPositions(IHotState state) : ILatestPositions, IDisposable
{
    private readonly SemaphoreSlim[] _locks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    // The plates that have a stored position: the in-memory store cannot enumerate its keys.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _plates = new(StringComparer.Ordinal);

    public async Task OfferAsync(IReadOnlyCollection<VehiclePosition> positions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(positions);
        foreach (var position in positions)
        {
            var gate = _locks[(int)((uint)StringComparer.Ordinal.GetHashCode(position.Plate) % (uint)_locks.Length)];
            await gate.WaitAsync(cancellationToken);
            try
            {
                var key = LatestPositionKeys.For(position.Plate);
                var current = await state.GetAsync(key, cancellationToken);
                if (current is null || LatestPositionKeys.FixMicros(VehiclePosition.Parser.ParseFrom(current)) < LatestPositionKeys.FixMicros(position))
                {
                    await state.SetAsync(key, position.ToByteArray(), cancellationToken: cancellationToken);
                    _plates.TryAdd(position.Plate, 0);
                }
            }
            finally
            {
                gate.Release();
            }
        }
    }

    public async Task<VehiclePosition?> GetAsync(string plate, CancellationToken cancellationToken)
    {
        var value = await state.GetAsync(LatestPositionKeys.For(plate), cancellationToken);
        return value is null ? null : VehiclePosition.Parser.ParseFrom(value);
    }

    public async Task<IReadOnlyList<VehiclePosition>> ListAsync(DateTimeOffset? receivedSince, CancellationToken cancellationToken)
    {
        var since = receivedSince is { } instant ? FixId.UnixMicros(instant) : long.MinValue;
        var result = new List<VehiclePosition>();
        foreach (var plate in _plates.Keys)
        {
            if (await GetAsync(plate, cancellationToken) is { } position && LatestPositionKeys.ReceivedMicros(position) >= since)
            {
                result.Add(position);
            }
        }

        return result;
    }

    public void Dispose()
    {
        foreach (var gate in _locks)
        {
            gate.Dispose();
        }
    }
}

/// <summary>
/// In Redis, shared by replicas: one hash per vehicle (<c>t</c> fix time in µs, <c>v</c> the position), replaced
/// by a Lua script only when the offered fix time is newer, so concurrent replicas cannot let an older fix win.
/// A batch is sent pipelined.
/// </summary>
internal sealed class RedisLatestPositions(IConnectionMultiplexer redis) : ILatestPositions
{
    private const string CompareAndSet = """
        local current = redis.call('HGET', KEYS[1], 't')
        if current and tonumber(current) >= tonumber(ARGV[1]) then
          return 0
        end
        redis.call('HSET', KEYS[1], 't', ARGV[1], 'v', ARGV[2])
        redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
        return 1
        """;

    private static readonly LuaScript Script = LuaScript.Prepare(CompareAndSet.Replace("KEYS[1]", "@key", StringComparison.Ordinal)
        .Replace("ARGV[1]", "@micros", StringComparison.Ordinal).Replace("ARGV[2]", "@value", StringComparison.Ordinal)
        .Replace("KEYS[2]", "@index", StringComparison.Ordinal).Replace("ARGV[3]", "@received", StringComparison.Ordinal)
        .Replace("ARGV[4]", "@plate", StringComparison.Ordinal));

    public Task OfferAsync(IReadOnlyCollection<VehiclePosition> positions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(positions);
        var db = redis.GetDatabase();
        var calls = new List<Task>(positions.Count);
        foreach (var position in positions)
        {
            calls.Add(db.ScriptEvaluateAsync(Script, new
            {
                key = (RedisKey)LatestPositionKeys.For(position.Plate),
                micros = LatestPositionKeys.FixMicros(position),
                value = (RedisValue)position.ToByteArray(),
                index = (RedisKey)LatestPositionKeys.Index,
                received = LatestPositionKeys.ReceivedMicros(position),
                plate = (RedisValue)position.Plate,
            }));
        }

        return Task.WhenAll(calls);
    }

    public async Task<VehiclePosition?> GetAsync(string plate, CancellationToken cancellationToken)
    {
        var value = await redis.GetDatabase().HashGetAsync(LatestPositionKeys.For(plate), "v");
        return value.IsNull ? null : VehiclePosition.Parser.ParseFrom((byte[])value!);
    }

    public async Task<IReadOnlyList<VehiclePosition>> ListAsync(DateTimeOffset? receivedSince, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var plates = await db.SortedSetRangeByScoreAsync(
            LatestPositionKeys.Index, receivedSince is { } instant ? FixId.UnixMicros(instant) : double.NegativeInfinity);
        var reads = plates.Select(plate => db.HashGetAsync(LatestPositionKeys.For(plate!), "v")).ToList();
        var values = await Task.WhenAll(reads);
        return [.. values.Where(v => !v.IsNull).Select(v => VehiclePosition.Parser.ParseFrom((byte[])v!))];
    }
}
