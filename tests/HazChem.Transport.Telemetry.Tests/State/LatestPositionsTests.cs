using Google.Protobuf.WellKnownTypes;
using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.ServiceDefaults.State;
using HazChem.Transport.Telemetry.State;
using HazChem.Transport.TestSupport;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace HazChem.Transport.Telemetry.Tests.State;

/// <summary>Latest by fix time, on real Redis (the distributed store) and on the in-memory hot state.</summary>
public sealed class LatestPositionsTests(RedisFixture redis)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 4, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Redis_LateFixOffered_DoesNotReplaceNewer()
    {
        redis.Require();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await AssertLatestByFixTimeAsync(new RedisLatestPositions(connection));
    }

    [Fact]
    public async Task InMemory_LateFixOffered_DoesNotReplaceNewer()
    {
        using var store = new HotStateLatestPositions(new InMemoryHotState(new FakeTimeProvider(T0)));
        await AssertLatestByFixTimeAsync(store);
    }

    [Fact]
    public async Task Redis_ConcurrentOffersInAnyOrder_NewestWins()
    {
        redis.Require();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var store = new RedisLatestPositions(connection);
        var plate = Plate();
        var offers = Enumerable.Range(0, 50).OrderBy(_ => Random.Shared.Next())
            .Select(i => store.OfferAsync([Position(plate, T0.AddSeconds(i), 29 + (i / 1000.0))], TestContext.Current.CancellationToken));
        await Task.WhenAll(offers);

        var latest = await store.GetAsync(plate, TestContext.Current.CancellationToken);
        Assert.Equal(T0.AddSeconds(49), latest!.FixTime.ToDateTimeOffset());
    }

    [Fact]
    public async Task Redis_ListSinceReceiptTime_ReturnsOnlyNewerLatestPositions()
    {
        redis.Require();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await AssertFleetListAsync(new RedisLatestPositions(connection));
    }

    [Fact]
    public async Task InMemory_ListSinceReceiptTime_ReturnsOnlyNewerLatestPositions()
    {
        using var store = new HotStateLatestPositions(new InMemoryHotState(new FakeTimeProvider(T0)));
        await AssertFleetListAsync(store);
    }

    private static async Task AssertFleetListAsync(ILatestPositions store)
    {
        var ct = TestContext.Current.CancellationToken;
        var (early, late) = (Plate(), Plate());
        await store.OfferAsync([Position(early, T0, 29.60, received: T0.AddSeconds(5))], ct);
        await store.OfferAsync([Position(late, T0, 29.70, received: T0.AddMinutes(5))], ct);
        // A blind-area fix received later does not become the latest, so it does not make the vehicle "updated".
        await store.OfferAsync([Position(early, T0.AddMinutes(-30), 29.10, received: T0.AddMinutes(6))], ct);

        var all = (await store.ListAsync(null, ct)).Where(p => p.Plate == early || p.Plate == late).OrderBy(p => p.Lat).ToList();
        Assert.Equal([29.60, 29.70], all.Select(p => p.Lat));

        var recent = (await store.ListAsync(T0.AddMinutes(1), ct)).Where(p => p.Plate == early || p.Plate == late).ToList();
        Assert.Equal(late, Assert.Single(recent).Plate);
    }

    private static async Task AssertLatestByFixTimeAsync(ILatestPositions store)
    {
        var ct = TestContext.Current.CancellationToken;
        var plate = Plate();
        Assert.Null(await store.GetAsync(plate, ct));

        await store.OfferAsync([Position(plate, T0, 29.60)], ct);
        await store.OfferAsync([Position(plate, T0.AddMinutes(-10), 29.58)], ct);
        Assert.Equal(29.60, (await store.GetAsync(plate, ct))!.Lat);

        await store.OfferAsync([Position(plate, T0, 29.99)], ct);
        Assert.Equal(29.60, (await store.GetAsync(plate, ct))!.Lat);

        await store.OfferAsync([Position(plate, T0.AddSeconds(1), 29.61)], ct);
        var latest = await store.GetAsync(plate, ct);
        Assert.Equal(29.61, latest!.Lat);
        Assert.Equal(T0.AddSeconds(1), latest.FixTime.ToDateTimeOffset());
    }

    private static string Plate() => "渝R" + Random.Shared.Next(10000, 99999).ToString(System.Globalization.CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[..4];

    private static VehiclePosition Position(string plate, DateTimeOffset fixTime, double lat, DateTimeOffset? received = null) => new()
    {
        Plate = plate,
        FixTime = Timestamp.FromDateTimeOffset(fixTime),
        ReceivedTime = Timestamp.FromDateTimeOffset(received ?? T0.AddMinutes(1)),
        Lat = lat,
        Lon = 106.5,
        Source = PositionSource.Jt808,
    };
}
