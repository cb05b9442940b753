using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.Telemetry.Jt808;
using HazChem.Transport.TestSupport;

namespace HazChem.Transport.Telemetry.Tests.Service;

/// <summary>The embedded default: SQLite track and quarantine, in-memory latest positions.</summary>
public sealed class EmbeddedModeTests(PostgresFixture postgres, KafkaFixture kafka, HostPerClass hosts) : IClassFixture<HostPerClass>
{
    [Fact]
    public async Task Sqlite_BatchWithOneGoodOneBad_LatestAndFlaggedTrack()
    {
        kafka.Require();
        var host = await hosts.GetAsync(postgres, kafka, TestStorage.Sqlite);
        var plate = host.Registry.Register();
        var fixTime = ModeTestTime.Now().AddMinutes(-2);
        var request = new ReportPositionsBatchRequest();
        request.Positions.Add(PositionBatchTests.Fix(plate, fixTime, 29.56, 106.55));
        request.Positions.Add(PositionBatchTests.Fix(plate, fixTime.AddSeconds(5), 29.56, 181));

        var response = await host.Client.ReportPositionsBatchAsync(request, host.As(Roles.Gps));

        Assert.Equal(1, response.Accepted);
        Assert.Equal("T-RANGE", Assert.Single(response.Rejected).Code);
        var latest = await host.Client.GetLatestPositionAsync(new GetLatestPositionRequest { Plate = plate }, host.As(Roles.Admin));
        Assert.Equal(fixTime, latest.Position.FixTime.ToDateTimeOffset());
        var track = await host.WaitForTrackAsync(plate, fixTime.AddMinutes(-1), fixTime.AddMinutes(1), t => t.Points.Count >= 2, includeQuarantined: true);
        Assert.Equal([false, true], track.Points.Select(p => p.Quarantined));
        Assert.Contains("longitude 181", track.Points[1].QuarantineReason, StringComparison.Ordinal);
    }
}

/// <summary>The distributed mode: PostgreSQL and latest positions in Redis (compare-by-fix-time in a Lua script).</summary>
public sealed class DistributedModeTests(PostgresFixture postgres, KafkaFixture kafka, RedisFixture redis, HostPerClass hosts) : IClassFixture<HostPerClass>
{
    [Fact]
    public async Task Redis_LateBlindAreaFixOverTcp_LandsInTrackButLatestStaysNewer()
    {
        var host = await hosts.GetAsync(postgres, kafka, TestStorage.Postgres, redis);
        var phone = "015" + Random.Shared.Next(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var plate = host.Registry.Register(phone);
        await using var terminal = await Jt808Terminal.ConnectAsync(host.Jt808EndPoint, phone, Jt808HeaderLayout.V2019);
        await terminal.RegisterAndAuthenticateAsync(plate);
        var newest = ModeTestTime.Now().AddMinutes(-1);
        var late = ModeTestTime.Now().AddMinutes(-20);

        await terminal.SendAsync(
            terminal.Frame(Jt808MessageIds.LocationReport, Jt808Terminal.LocationBody(newest, 29.60, 106.50)),
            terminal.Frame(Jt808MessageIds.BatchLocationUpload, Jt808Terminal.BatchBody(1, Jt808Terminal.LocationBody(late, 29.59, 106.50))));
        Assert.Equal(Jt808ReplyResult.Success, await terminal.ReceiveGeneralResponseAsync(Jt808MessageIds.LocationReport));
        Assert.Equal(Jt808ReplyResult.Success, await terminal.ReceiveGeneralResponseAsync(Jt808MessageIds.BatchLocationUpload));

        var latest = await host.Client.GetLatestPositionAsync(new GetLatestPositionRequest { Plate = plate }, host.As(Roles.Service, "loadingcheck"));
        Assert.Equal(newest, latest.Position.FixTime.ToDateTimeOffset());
        var track = await host.WaitForTrackAsync(plate, late.AddMinutes(-1), newest.AddMinutes(1), t => t.Points.Count >= 2);
        Assert.Equal([late, newest], track.Points.Select(p => p.FixTime.ToDateTimeOffset()));
    }
}

internal static class ModeTestTime
{
    public static DateTimeOffset Now()
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero);
    }
}
