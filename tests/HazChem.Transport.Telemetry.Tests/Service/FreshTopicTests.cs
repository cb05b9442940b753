using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.TestSupport;

namespace HazChem.Transport.Telemetry.Tests.Service;

/// <summary>A fresh cluster (the dev stack's): the positions topic does not exist until the first fix is produced.</summary>
public sealed class FreshTopicTests(PostgresFixture postgres, KafkaFixture kafka)
{
    [Fact]
    public async Task TrackWriter_TopicCreatedByFirstFix_StillWritesTheTrack()
    {
        kafka.Require();
        var topic = "fresh-positions-" + Guid.NewGuid().ToString("N");
        await using var host = await TelemetryHost.StartAsync(postgres, kafka, TestStorage.Sqlite, extra: new Dictionary<string, string?> { ["Kafka:Topics:Positions"] = topic });
        var plate = host.Registry.Register();
        var fixTime = ModeTestTime.Now().AddMinutes(-1);
        var request = new ReportPositionsBatchRequest();
        request.Positions.Add(PositionBatchTests.Fix(plate, fixTime, 29.56, 106.55));

        Assert.Equal(1, (await host.Client.ReportPositionsBatchAsync(request, host.As(Roles.Gps))).Accepted);

        var track = await host.WaitForTrackAsync(plate, fixTime.AddMinutes(-1), fixTime.AddMinutes(1), t => t.Points.Count >= 1);
        Assert.Single(track.Points);
    }
}
