using HazChem.Transport.Contracts.Compliance.V1;
using HazChem.Transport.RouteCompliance.Domain;
using HazChem.Transport.RouteCompliance.Engine;
using HazChem.Transport.RouteCompliance.Options;
using HazChem.Transport.ServiceDefaults.State;
using HazChem.Transport.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace HazChem.Transport.RouteCompliance.Tests.Service;

/// <summary>
/// At-least-once without duplicates: a consumer that dies after a fix's effects were written but before its state and
/// offset were, and a hot state that is lost, neither lose nor duplicate a violation (PostgreSQL, Redis, Kafka).
/// </summary>
public sealed class RedeliveryTests(PostgresFixture postgres, KafkaFixture kafka, RedisFixture redis)
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);
    private static readonly double North = 29.0 + (1500 / 111_195.0);

    /// <summary>On route 0–5, off 6–15 (opens at 10), back 16–21 (closes at 17, ending at 16), off again 22–33 (opens at 26).</summary>
    private static List<(DateTimeOffset, double, double, double)> Track(DateTimeOffset t, int count = 34) =>
        [.. Enumerable.Range(0, count).Select(i => (t + (Step * i), 106.55 + (i * 0.003), i is >= 6 and <= 15 or >= 22 ? North : 29.0, 50.0))];

    [Fact]
    public async Task Consume_CrashAfterTheEffectBeforeStateAndOffset_RedeliveryLosesNothingAndDuplicatesNothing()
    {
        await using var stack = await ComplianceStack.CreateAsync(postgres, kafka, redis, "rc_redelivery_crash");
        var plate = ComplianceStack.NewPlate();
        // One fix per batch, so the crash falls between two particular fixes: save 1 is the state rebuilt before the
        // first fix, save N + 1 the state after fix N; the 19th would be the one after fix 17, which closes the episode.
        var crash = new CrashingHotState(VehicleStateStore.Key(plate), (_, n) => n == 19);
        var first = await stack.StartHostAsync(services =>
        {
            services.Configure<ComplianceOptions>(o => o.EngineBatchSize = 1);
            services.AddSingleton<IHotState>(sp =>
            {
                crash.Inner = new RedisHotState(sp.GetRequiredService<IConnectionMultiplexer>());
                return crash;
            });
        });
        await stack.PublishTripAsync("wb-crash", plate, [(106.5, 29.0), (106.7, 29.0), (106.9, 29.0)]);
        await Waits.ForTripAsync(first, plate, "wb-crash");
        var t = ComplianceFlowTests.Whole(DateTimeOffset.UtcNow.AddHours(-1));
        await stack.PublishFixesAsync(plate, Track(t));

        await crash.Crashed.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        // The fix that closed the episode was written and published, but neither its state nor its offset.
        var beforeRestart = await ComplianceStack.WaitForViolationsAsync(first, plate, vs => vs.Count == 1 && vs[0].Status == ViolationStatus.Closed);
        Assert.Equal(ViolationStatus.Closed, Assert.Single(beforeRestart).Status);
        await first.DisposeAsync();

        var second = await stack.StartHostAsync();
        await Waits.ForFixAsync(second, plate, t + (Step * 33));
        var violations = await ComplianceStack.WaitForViolationsAsync(second, plate, vs => vs.Count == 2);

        Assert.Equal(2, violations.Count);
        var (newer, older) = (violations[0], violations[1]);
        Assert.Equal(beforeRestart[0].Id, older.Id);
        Assert.Equal(t + (Step * 6), older.StartTime.ToDateTimeOffset());
        Assert.Equal(t + (Step * 16), older.EndTime.ToDateTimeOffset());
        Assert.Equal(ViolationStatus.Open, newer.Status);
        Assert.Equal(t + (Step * 22), newer.StartTime.ToDateTimeOffset());

        var events = await stack.ConsumeViolationEventsAsync(plate, expected: 4);
        Assert.Equal(
            [$"{older.Id}:OPENED:1", $"{older.Id}:CLOSED:2", $"{newer.Id}:OPENED:1"],
            events.Select(e => e.EventId).Distinct());
        // The redelivered fix repeated its event with the same id (consumers drop it); nothing else repeated.
        Assert.Equal(2, events.Count(e => e.EventId == $"{older.Id}:CLOSED:2"));
        Assert.Equal(4, events.Count);
    }

    [Fact]
    public async Task Consume_CrashAfterABatchsEffectsBeforeItsStates_RedeliveredBatchRepeatsOnlyItsOwnEvents()
    {
        await using var stack = await ComplianceStack.CreateAsync(postgres, kafka, redis, "rc_redelivery_batch");
        var plate = ComplianceStack.NewPlate();
        var t = ComplianceFlowTests.Whole(DateTimeOffset.UtcNow.AddHours(-1));
        var last = t + (Step * 33);
        // Batches as the consumer happens to collect them; the crash comes when the state of the batch holding fix 26
        // (which opens the second episode) is saved, i.e. after that batch's effects were written and published.
        var opening = t + (Step * 26);
        var crash = new CrashingHotState(VehicleStateStore.Key(plate), (bytes, _) => LastFixTime(bytes) >= opening);
        var first = await stack.StartHostAsync(services => services.AddSingleton<IHotState>(sp =>
        {
            crash.Inner = new RedisHotState(sp.GetRequiredService<IConnectionMultiplexer>());
            return crash;
        }));
        await stack.PublishTripAsync("wb-batch", plate, [(106.5, 29.0), (106.7, 29.0), (106.9, 29.0)]);
        await Waits.ForTripAsync(first, plate, "wb-batch");
        await stack.PublishFixesAsync(plate, Track(t));

        await crash.Crashed.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        await first.DisposeAsync();
        var second = await stack.StartHostAsync();
        await Waits.ForFixAsync(second, plate, last);
        var violations = await ComplianceStack.WaitForViolationsAsync(second, plate, vs => vs.Count == 2);

        var (newer, older) = (violations[0], violations[1]);
        Assert.Equal((t + (Step * 6), t + (Step * 16)), (older.StartTime.ToDateTimeOffset(), older.EndTime.ToDateTimeOffset()));
        Assert.Equal((ViolationStatus.Open, t + (Step * 22)), (newer.Status, newer.StartTime.ToDateTimeOffset()));
        var expected = new[] { $"{older.Id}:OPENED:1", $"{older.Id}:CLOSED:2", $"{newer.Id}:OPENED:1" };
        var events = await stack.ConsumeViolationEventsAsync(plate, expected: 3);
        Assert.Equal(expected, events.Select(e => e.EventId).Distinct());
        // Only the replayed batch repeats its events, each once, with the same ids (consumers drop the repeats); it
        // held the opening of the second episode.
        Assert.All(events.GroupBy(e => e.EventId), g => Assert.InRange(g.Count(), 1, 2));
        Assert.Equal(2, events.Count(e => e.EventId == $"{newer.Id}:OPENED:1"));
    }

    [Fact]
    public async Task Consume_HotStateLostWhileAnEpisodeIsOpen_RebuiltFromTheDatabaseAndClosedOnce()
    {
        await using var stack = await ComplianceStack.CreateAsync(postgres, kafka, redis, "rc_redelivery_lost");
        var plate = ComplianceStack.NewPlate();
        var first = await stack.StartHostAsync();
        await stack.PublishTripAsync("wb-lost", plate, [(106.5, 29.0), (106.7, 29.0), (106.9, 29.0)]);
        await Waits.ForTripAsync(first, plate, "wb-lost");
        var t = ComplianceFlowTests.Whole(DateTimeOffset.UtcNow.AddHours(-1));
        var track = Track(t, 22);
        await stack.PublishFixesAsync(plate, track.Take(14));
        await Waits.ForFixAsync(first, plate, t + (Step * 13));
        await first.DisposeAsync();

        await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString))
        {
            Assert.True(await connection.GetDatabase().KeyDeleteAsync(VehicleStateStore.Key(plate)));
        }

        var second = await stack.StartHostAsync();
        await stack.PublishFixesAsync(plate, track.Skip(14));
        await Waits.ForFixAsync(second, plate, t + (Step * 21));
        var violations = await ComplianceStack.WaitForViolationsAsync(second, plate, vs => vs.Count == 1 && vs[0].Status == ViolationStatus.Closed);

        var v = Assert.Single(violations);
        Assert.Equal(ViolationStatus.Closed, v.Status);
        Assert.Equal(t + (Step * 6), v.StartTime.ToDateTimeOffset());
        Assert.Equal(t + (Step * 16), v.EndTime.ToDateTimeOffset());
        var events = await stack.ConsumeViolationEventsAsync(plate, expected: 2);
        Assert.Equal([$"{v.Id}:OPENED:1", $"{v.Id}:CLOSED:2"], events.Select(e => e.EventId));
    }

    private static DateTimeOffset? LastFixTime(byte[] state) =>
        System.Text.Json.JsonSerializer.Deserialize<VehicleState>(state)?.Last?.Time;

    /// <summary>
    /// The real hot state, except that the first save of one key that <paramref name="crashWhen"/> picks (given the
    /// bytes and the save's number) fails as a process dying at that instant would: the consumer stops without storing
    /// the offset (a crash is outside our control, so it is simulated here).
    /// </summary>
    private sealed class CrashingHotState(string key, Func<byte[], int, bool> crashWhen) : IHotState
    {
        private int _saves;

        public RedisHotState Inner { get; set; } = null!;

        public TaskCompletionSource Crashed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default) => Inner.GetAsync(key, cancellationToken);

        public Task SetAsync(string key1, byte[] value, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
        {
            if (key1 == key && crashWhen(value, Interlocked.Increment(ref _saves)) && Crashed.TrySetResult())
            {
                throw new IOException("simulated crash before the state was saved");
            }

            return Inner.SetAsync(key1, value, timeToLive, cancellationToken);
        }

        public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => Inner.DeleteAsync(key, cancellationToken);
    }
}
