using System.Diagnostics;
using Confluent.Kafka;
using HazChem.Transport.TestSupport;
using Xunit;

// One broker for the whole assembly: the assembly-fixture way of sharing a fixture.
[assembly: AssemblyFixture(typeof(KafkaFixture))]

namespace HazChem.Transport.TestSupport.Tests;

public sealed class KafkaFixtureTests(KafkaFixture kafka)
{
    private static readonly string[] Plates = ["沪A12345", "沪B67890", "苏E11111", "浙A22222", "皖C33333"];

    [Fact]
    public async Task Consumer_RestartAfterCommit_ResumesRightAfterCommittedOffsets()
    {
        kafka.Require();
        var ct = TestContext.Current.CancellationToken;
        const int total = 40;
        const int beforeRestart = 15;
        var topic = await kafka.CreateTopicAsync("restart", cancellationToken: ct);
        var produced = await KafkaTestClient.ProduceAsync(kafka.CreateProducerConfig(), topic, total, i => Plates[i % Plates.Length], ct);
        var groupId = $"restart-{Guid.NewGuid():N}";

        List<ConsumeResult<string, string>> firstRun;
        List<TopicPartitionOffset> committed;
        using (var consumer = KafkaTestClient.CreateConsumer(kafka.CreateConsumerConfig(groupId), topic))
        {
            firstRun = KafkaTestClient.ConsumeExactly(consumer, beforeRestart, TimeSpan.FromSeconds(30));
            // Commit what this run processed, partition by partition: the offset of the next message to read.
            committed = [.. firstRun
                .GroupBy(r => r.TopicPartition)
                .Select(g => new TopicPartitionOffset(g.Key, g.Max(r => r.Offset.Value) + 1))];
            consumer.Commit(committed);
            Assert.Equal(
                committed.OrderBy(c => c.Partition.Value).Select(c => (c.Partition.Value, c.Offset.Value)),
                consumer.Committed(TimeSpan.FromSeconds(10)).Where(c => c.Offset != Offset.Unset).OrderBy(c => c.Partition.Value).Select(c => (c.Partition.Value, c.Offset.Value)));
            consumer.Close();
        }

        List<ConsumeResult<string, string>> secondRun;
        using (var consumer = KafkaTestClient.CreateConsumer(kafka.CreateConsumerConfig(groupId), topic))
        {
            secondRun = KafkaTestClient.ConsumeExactly(consumer, total - beforeRestart, TimeSpan.FromSeconds(30));
            // Anything beyond the uncommitted remainder would be a re-delivery.
            var extra = consumer.Consume(TimeSpan.FromSeconds(1));
            Assert.Null(extra);
            consumer.Close();
        }

        var firstIds = firstRun.Select(r => (r.Partition.Value, r.Offset.Value)).ToHashSet();
        var secondIds = secondRun.Select(r => (r.Partition.Value, r.Offset.Value)).ToHashSet();
        Assert.Empty(firstIds.Intersect(secondIds));
        Assert.Equal(
            produced.Select(d => (d.Partition.Value, d.Offset.Value)).Order(),
            firstIds.Union(secondIds).Order());
        foreach (var commit in committed)
        {
            // The restarted consumer starts each partition exactly at the committed offset.
            Assert.Equal(commit.Offset.Value, secondRun.Where(r => r.Partition == commit.Partition).Select(r => r.Offset.Value).DefaultIfEmpty(commit.Offset.Value).Min());
        }

        // Keys and payloads survive the trip, and per-partition order is the produce order.
        var byIdentity = produced.ToDictionary(d => (d.Partition.Value, d.Offset.Value));
        Assert.All(firstRun.Concat(secondRun), r =>
        {
            var sent = byIdentity[(r.Partition.Value, r.Offset.Value)];
            Assert.Equal(sent.Message.Key, r.Message.Key);
            Assert.Equal(sent.Message.Value, r.Message.Value);
        });
    }

    [Fact]
    public async Task ProduceAsync_IdempotentProducer_PersistsEachMessageOnceInOrder()
    {
        kafka.Require();
        var ct = TestContext.Current.CancellationToken;
        var topic = await kafka.CreateTopicAsync("idempotent", cancellationToken: ct);

        // One key, so one partition: its offsets must run 0..19 with no gap and no duplicate.
        var produced = await KafkaTestClient.ProduceAsync(kafka.CreateProducerConfig(), topic, 20, _ => Plates[0], ct);

        Assert.All(produced, d => Assert.Equal(PersistenceStatus.Persisted, d.Status));
        Assert.Single(produced.Select(d => d.Partition).Distinct());
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), produced.Select(d => d.Offset.Value));
        using var consumer = KafkaTestClient.CreateConsumer(kafka.CreateConsumerConfig($"idem-{Guid.NewGuid():N}"), topic);
        var consumed = KafkaTestClient.ConsumeExactly(consumer, 20, TimeSpan.FromSeconds(30));
        Assert.Equal(produced.Select(d => d.Message.Value), consumed.Select(r => r.Message.Value));
        consumer.Close();
    }
}

/// <summary>Uses the Docker-only fixture as a class fixture; skips with the reason where Docker is absent, CI included.</summary>
public sealed class DockerKafkaFixtureTests(DockerKafkaFixture kafka) : IClassFixture<DockerKafkaFixture>
{
    [Fact]
    public async Task ProduceAndConsume_RealBroker_RoundTrips()
    {
        kafka.Require();
        var ct = TestContext.Current.CancellationToken;
        var topic = await kafka.CreateTopicAsync("docker-roundtrip", partitions: 2, ct);

        var produced = await KafkaTestClient.ProduceAsync(kafka.CreateProducerConfig(), topic, 10, i => $"沪A{i:00000}", ct);
        using var consumer = KafkaTestClient.CreateConsumer(kafka.CreateConsumerConfig($"docker-{Guid.NewGuid():N}"), topic);
        var consumed = KafkaTestClient.ConsumeExactly(consumer, 10, TimeSpan.FromSeconds(60));
        consumer.Close();

        Assert.Equal(
            produced.Select(d => (d.Message.Key, d.Message.Value)).Order(),
            consumed.Select(r => (r.Message.Key, r.Message.Value)).Order());
    }
}

/// <summary>Producer and consumer set up the way the services use them (STYLE.md: acks=all, idempotence, manual commits).</summary>
internal static class KafkaTestClient
{
    public static async Task<List<DeliveryResult<string, string>>> ProduceAsync(
        ProducerConfig config, string topic, int count, Func<int, string> keyOf, CancellationToken ct)
    {
        Assert.Equal(Acks.All, config.Acks);
        Assert.True(config.EnableIdempotence);
        using var producer = new ProducerBuilder<string, string>(config).SetLogHandler((_, _) => { }).Build();
        var delivered = new List<DeliveryResult<string, string>>(count);
        for (var i = 0; i < count; i++)
        {
            delivered.Add(await producer.ProduceAsync(topic, new Message<string, string> { Key = keyOf(i), Value = $"message-{i:000}" }, ct));
        }

        return delivered;
    }

    public static IConsumer<string, string> CreateConsumer(ConsumerConfig config, string topic)
    {
        Assert.False(config.EnableAutoCommit);
        Assert.Equal(AutoOffsetReset.Earliest, config.AutoOffsetReset);
        var consumer = new ConsumerBuilder<string, string>(config).SetLogHandler((_, _) => { }).Build();
        consumer.Subscribe(topic);
        return consumer;
    }

    /// <summary>Consumes exactly <paramref name="count"/> messages, polling with short timeouts up to an overall deadline.</summary>
    public static List<ConsumeResult<string, string>> ConsumeExactly(IConsumer<string, string> consumer, int count, TimeSpan deadline)
    {
        var received = new List<ConsumeResult<string, string>>(count);
        var clock = Stopwatch.StartNew();
        while (received.Count < count)
        {
            if (clock.Elapsed > deadline)
            {
                Assert.Fail($"Consumed {received.Count} of {count} messages within {deadline.TotalSeconds:0}s; assignment: [{string.Join(", ", consumer.Assignment)}].");
            }

            var result = consumer.Consume(TimeSpan.FromMilliseconds(250));
            if (result is not null && !result.IsPartitionEOF)
            {
                received.Add(result);
            }
        }

        return received;
    }
}
