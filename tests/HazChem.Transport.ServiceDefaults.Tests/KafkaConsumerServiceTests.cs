using System.Collections.Concurrent;
using Confluent.Kafka;
using HazChem.Transport.ServiceDefaults.Messaging;
using HazChem.Transport.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.ServiceDefaults.Tests;

/// <summary>The shared consumer base delivers at least once over the Kafka protocol: no loss on a crash, no repeats after a clean stop.</summary>
public sealed class KafkaConsumerServiceTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Restart_AfterCleanStop_ResumesAfterLastHandledMessage()
    {
        kafka.Require();
        var ct = TestContext.Current.CancellationToken;
        var topic = await kafka.CreateTopicAsync("consumer-restart", cancellationToken: ct);
        var options = Options(topic);
        var group = "g-" + Guid.NewGuid().ToString("N");
        await ProduceAsync(options, topic, 0, 5, ct);

        var first = new RecordingConsumer(options, group, topic, failOn: null);
        await first.StartAsync(ct);
        await first.WaitForAsync(5, Patience);
        await first.StopAsync(ct);
        await ProduceAsync(options, topic, 5, 8, ct);
        var second = new RecordingConsumer(options, group, topic, failOn: null);
        await second.StartAsync(ct);
        await second.WaitForAsync(3, Patience);
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        await second.StopAsync(ct);

        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], first.Handled);
        Assert.Equal(["m5", "m6", "m7"], second.Handled);
    }

    [Fact]
    public async Task Crash_WhileHandling_RedeliversTheUnfinishedMessage()
    {
        kafka.Require();
        var ct = TestContext.Current.CancellationToken;
        var topic = await kafka.CreateTopicAsync("consumer-crash", cancellationToken: ct);
        var options = Options(topic);
        var group = "g-" + Guid.NewGuid().ToString("N");
        await ProduceAsync(options, topic, 0, 4, ct);

        var crashing = new RecordingConsumer(options, group, topic, failOn: "m2");
        await crashing.StartAsync(ct);
        var crash = await Assert.ThrowsAsync<InvalidOperationException>(() => crashing.ExecuteTask!.WaitAsync(Patience, ct));
        var recovered = new RecordingConsumer(options, group, topic, failOn: null);
        await recovered.StartAsync(ct);
        await recovered.WaitForAsync(2, Patience);
        await recovered.StopAsync(ct);

        Assert.Equal("simulated crash on m2", crash.Message);
        Assert.Equal(["m0", "m1"], crashing.Handled);
        // m2's effect never became durable, so it comes again; nothing after it is lost.
        Assert.Equal(["m2", "m3"], recovered.Handled.SkipWhile(m => m != "m2"));
    }

    [Fact]
    public async Task Start_BeforeTopicExists_ConsumesWhatIsProducedLater()
    {
        kafka.Require();
        var ct = TestContext.Current.CancellationToken;
        // Not created up front: on a fresh dev stack the first producer creates the topic after consumers started.
        var topic = "consumer-fresh-" + Guid.NewGuid().ToString("N");
        var options = Options(topic);
        var consumer = new RecordingConsumer(options, "g-" + Guid.NewGuid().ToString("N"), topic, failOn: null);
        await consumer.StartAsync(ct);
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        await ProduceAsync(options, topic, 0, 2, ct);

        await consumer.WaitForAsync(2, Patience);
        await consumer.StopAsync(ct);

        Assert.Equal(["m0", "m1"], consumer.Handled);
    }

    private KafkaOptions Options(string topic) => new()
    {
        BootstrapServers = kafka.BootstrapServers,
        GroupProtocol = kafka.IsMockCluster ? GroupProtocol.Consumer : GroupProtocol.Classic,
        Topics = new KafkaTopics { Positions = topic },
    };

    private static async Task ProduceAsync(KafkaOptions options, string topic, int from, int to, CancellationToken ct)
    {
        using var producer = new ProducerBuilder<string, byte[]>(KafkaExtensions.ProducerConfig(options, "test")).Build();
        for (var i = from; i < to; i++)
        {
            // One key, one partition: per-vehicle order is what the services rely on.
            await producer.ProduceAsync(topic, new Message<string, byte[]> { Key = "渝A12345", Value = System.Text.Encoding.UTF8.GetBytes($"m{i}") }, ct);
        }
    }

    private sealed class RecordingConsumer(KafkaOptions options, string group, string topic, string? failOn)
        : KafkaConsumerService(Microsoft.Extensions.Options.Options.Create(options), NullLogger.Instance, group, "test")
    {
        private readonly ConcurrentQueue<string> _handled = new();
        private readonly SemaphoreSlim _signal = new(0);

        public IReadOnlyList<string> Handled => [.. _handled];

        public async Task WaitForAsync(int count, TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            while (_handled.Count < count)
            {
                await _signal.WaitAsync(cts.Token);
            }
        }

        protected override IReadOnlyCollection<string> Topics(KafkaOptions kafkaOptions) => [topic];

        protected override Task HandleAsync(ConsumeResult<string, byte[]> message, CancellationToken cancellationToken)
        {
            var text = System.Text.Encoding.UTF8.GetString(message.Message.Value);
            if (text == failOn)
            {
                throw new InvalidOperationException($"simulated crash on {text}");
            }

            _handled.Enqueue(text);
            _signal.Release();
            return Task.CompletedTask;
        }
    }
}
