using Confluent.Kafka;
using Google.Protobuf;
using HazChem.Transport.Contracts.Compliance.V1;
using HazChem.Transport.RouteCompliance.Messaging;
using HazChem.Transport.TestSupport;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace HazChem.Transport.RouteCompliance.Tests.Service;

/// <summary>
/// WatchViolations on one replica shows every replica's changes: a change another replica published on the
/// violations topic (Kafka-protocol broker) reaches this replica's watcher; a change seen twice reaches it once.
/// </summary>
public sealed class WatchAcrossReplicasTests(PostgresFixture postgres, KafkaFixture kafka)
{
    [Fact]
    public async Task WatchViolations_ChangePublishedByAnotherReplica_ReachesThisReplicasWatcher()
    {
        await using var stack = await ComplianceStack.CreateAsync(postgres, kafka, redis: null, "rc_watch_replicas");
        var host = await stack.StartHostAsync();
        var plate = ComplianceStack.NewPlate();
        using var watchCancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        watchCancel.CancelAfter(TimeSpan.FromSeconds(90));
        using var watch = host.Client.WatchViolations(new WatchViolationsRequest { Plate = plate }, host.As("police", "officer-1", watchCancel.Token));
        await watch.ResponseHeadersAsync;

        // The watch feed reads the topic from its end once assigned, so the "other replica" publishes until one arrives.
        using var producer = new ProducerBuilder<string, byte[]>(kafka.CreateProducerConfig()).SetLogHandler((_, _) => { }).Build();
        var next = watch.ResponseStream.MoveNext(watchCancel.Token);
        for (var i = 0; !next.IsCompleted && i < 120; i++)
        {
            var e = OtherReplicasEvent(plate, i);
            await producer.ProduceAsync(stack.ViolationsTopic, new Message<string, byte[]> { Key = plate, Value = e.ToByteArray() }, watchCancel.Token);
            await Task.WhenAny(next, Task.Delay(500, watchCancel.Token));
        }

        Assert.True(await next);
        var received = watch.ResponseStream.Current;
        Assert.StartsWith("other-replica-violation:OPENED:", received.EventId, StringComparison.Ordinal);
        Assert.Equal(ViolationEvent.Types.EventType.Opened, received.Type);
        Assert.Equal((plate, ViolationKind.Overspeed), (received.Violation.Plate, received.Violation.Kind));
        await watchCancel.CancelAsync();
    }

    [Fact]
    public void Publish_SameEventTwice_WatchersGetItOnce()
    {
        var feed = new ViolationFeed();
        using var watcher = feed.Subscribe();
        var e = OtherReplicasEvent("渝A12345", 0);

        Assert.True(feed.Publish(e));
        Assert.False(feed.Publish(e.Clone()));
        Assert.True(feed.Publish(OtherReplicasEvent("渝A12345", 1)));

        Assert.True(watcher.Reader.TryRead(out var first));
        Assert.True(watcher.Reader.TryRead(out var second));
        Assert.False(watcher.Reader.TryRead(out _));
        Assert.Equal([e.EventId, "other-replica-violation:OPENED:1"], new[] { first!.EventId, second!.EventId });
    }

    private static ViolationEvent OtherReplicasEvent(string plate, int n) => new()
    {
        EventId = $"other-replica-violation:OPENED:{n}",
        Type = ViolationEvent.Types.EventType.Opened,
        OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        Violation = new Violation
        {
            Id = "other-replica-violation",
            Plate = plate,
            Kind = ViolationKind.Overspeed,
            Code = "C-SPEED",
            Status = ViolationStatus.Open,
            StartTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
        },
    };
}
