using Google.Protobuf.WellKnownTypes;
using HazChem.Transport.Contracts.Common.V1;
using HazChem.Transport.Contracts.Waybill.V1;
using HazChem.Transport.RouteCompliance.Domain;
using HazChem.Transport.RouteCompliance.Storage;
using HazChem.Transport.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace HazChem.Transport.RouteCompliance.Tests.Storage;

/// <summary>The trip projection on PostgreSQL: which waybill events end a vehicle's trip.</summary>
public sealed class TripStoreTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ApplyAsync_ExpiredAfterIssued_EndsTheTripLikeCancelled()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new DbContextOptionsBuilder<RouteComplianceDbContext>()
            .UseNpgsql(await postgres.CreateDatabaseAsync("rc_trip_expired", ct))
            .Options;
        await using (var db = new RouteComplianceDbContext(options))
        {
            await db.Database.EnsureCreatedAsync(ct);
        }

        var store = new TripStore(new PooledDbContextFactory<RouteComplianceDbContext>(options));
        var now = new DateTimeOffset(2026, 11, 24, 14, 0, 0, TimeSpan.Zero);

        var issued = await store.ApplyAsync(Event(1, WaybillStatus.Issued, WaybillEvent.Types.EventType.Issued, now.AddDays(-1)), 500, now, ct);
        var expired = await store.ApplyAsync(Event(2, WaybillStatus.Expired, WaybillEvent.Types.EventType.Expired, now), 500, now, ct);

        Assert.True(issued!.IsActive);
        Assert.Equal((TripStatus.Cancelled, 2, false), (expired!.Status, expired.Version, expired.IsActive));
        Assert.DoesNotContain(await store.LoadActiveAsync(ct), t => t.WaybillId == "wb-expired");
    }

    private static WaybillEvent Event(int version, WaybillStatus status, WaybillEvent.Types.EventType type, DateTimeOffset at)
    {
        var e = new WaybillEvent
        {
            EventId = $"wb-expired:{version}",
            WaybillId = "wb-expired",
            Version = version,
            Type = type,
            Status = status,
            OccurredAt = Timestamp.FromDateTimeOffset(at),
            Actor = version == 1 ? "carrier-1" : "system:expiry",
            CarrierId = "carrier-1",
            VehiclePlate = "渝B00001",
            CorridorMeters = 500,
            Window = new TimeWindow { Start = Timestamp.FromDateTimeOffset(at.AddDays(-1)), End = Timestamp.FromDateTimeOffset(at.AddHours(-3)) },
            Origin = new GeoPoint { Name = "origin", Lon = 106.5, Lat = 29.6 },
            Destination = new GeoPoint { Name = "destination", Lon = 106.9, Lat = 29.4 },
        };
        e.Route.AddRange([new LonLat { Lon = 106.5, Lat = 29.6 }, new LonLat { Lon = 106.9, Lat = 29.4 }]);
        e.GoodsClasses.Add("3");
        return e;
    }
}
