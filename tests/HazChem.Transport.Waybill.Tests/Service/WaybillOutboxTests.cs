using HazChem.Transport.Contracts.Waybill.V1;
using HazChem.Transport.TestSupport;
using HazChem.Transport.Waybill.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HazChem.Transport.Waybill.Tests.Service;

/// <summary>
/// The transactional outbox: a process that dies between the database commit and the publish loses no event, and
/// one that dies between the broker's acknowledgement and marking the row sent repeats the event with the same id.
/// </summary>
public sealed class WaybillOutboxTests(PostgresFixture postgres, KafkaFixture kafka)
{
    [Fact]
    public async Task Issue_ProcessDiesBeforePublishing_EventsArriveOnceInOrderAfterRestart()
    {
        await using var stack = await WaybillStack.StartAsync(postgres, kafka, "waybill_outbox_commit", runPublisher: false);
        var r = stack.Register();
        var carrier = stack.Waybill.As("carrier", r.CarrierId);
        var id = (await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), carrier)).Waybill.Id;
        await stack.Client.CancelWaybillAsync(new CancelWaybillRequest { Id = id, Reason = "wrong vehicle" }, carrier);

        // Committed, not published: the changes are in the database and the outbox, nothing is on the topic.
        Assert.Equal([(id + ":1", false), (id + ":2", false)], await OutboxAsync(stack, id));
        Assert.Empty(await stack.ConsumeEventsAsync(id, expected: 0, settle: TimeSpan.FromSeconds(2)));

        await stack.RestartWaybillAsync(runPublisher: true);
        var events = await stack.ConsumeEventsAsync(id, expected: 2, settle: TimeSpan.FromSeconds(3));

        Assert.Equal([id + ":1", id + ":2"], events.Select(e => e.Event.EventId));
        Assert.Equal([WaybillEvent.Types.EventType.Issued, WaybillEvent.Types.EventType.Cancelled], events.Select(e => e.Event.Type));
        Assert.Equal([(id + ":1", true), (id + ":2", true)], await OutboxAsync(stack, id));
    }

    [Fact]
    public async Task Publish_ProcessDiesAfterTheBrokerAckBeforeMarkingSent_RepeatsTheSameEventIdAndBytes()
    {
        await using var stack = await WaybillStack.StartAsync(postgres, kafka, "waybill_outbox_ack");
        var r = stack.Register();
        var id = (await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), stack.Waybill.As("carrier", r.CarrierId))).Waybill.Id;
        Assert.Single(await stack.ConsumeEventsAsync(id, expected: 1, settle: TimeSpan.FromMilliseconds(500)));

        // The process stops, and the database is left as a crash after produce and before the mark leaves it.
        await stack.Waybill.DisposeAsync();
        await ExecuteAsync(stack, "UPDATE waybill_outbox SET sent_at = NULL WHERE message_key = @key", id);
        await stack.RestartWaybillAsync(runPublisher: true);
        var events = await stack.ConsumeEventsAsync(id, expected: 2, settle: TimeSpan.FromSeconds(3));

        Assert.Equal(2, events.Count);
        Assert.Equal([id + ":1"], events.Select(e => e.Event.EventId).Distinct());
        Assert.Equal([id + ":1"], events.Select(e => e.EventIdHeader).Distinct());
        Assert.Equal(events[0].Payload, events[1].Payload);
    }

    [Fact]
    public async Task PublisherLease_SeveralReplicas_OnlyOneHoldsItUntilReleasedOrExpired()
    {
        await using var stack = await WaybillStack.StartAsync(postgres, kafka, "waybill_outbox_lease", runPublisher: false);
        var store = stack.Waybill.Services.GetRequiredService<WaybillStore>();
        var ct = TestContext.Current.CancellationToken;
        var t0 = DateTimeOffset.UtcNow;
        var lease = TimeSpan.FromSeconds(10);

        var race = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => store.TryHoldPublisherLeaseAsync($"replica-{i}", t0, lease, ct)));
        var holder = $"replica-{Array.IndexOf(race, true)}";
        var other = holder == "replica-0" ? "replica-1" : "replica-0";

        Assert.Single(race, held => held);
        Assert.False(await store.TryHoldPublisherLeaseAsync(other, t0.AddSeconds(5), lease, ct));
        Assert.True(await store.TryHoldPublisherLeaseAsync(holder, t0.AddSeconds(5), lease, ct));
        Assert.False(await store.TryHoldPublisherLeaseAsync(other, t0.AddSeconds(14), lease, ct));
        Assert.True(await store.TryHoldPublisherLeaseAsync(other, t0.AddSeconds(16), lease, ct));
        await store.ReleasePublisherLeaseAsync(other, ct);
        Assert.True(await store.TryHoldPublisherLeaseAsync(holder, t0.AddSeconds(17), lease, ct));
    }

    private static async Task<List<(string EventId, bool Sent)>> OutboxAsync(WaybillStack stack, string waybillId)
    {
        await using var connection = new NpgsqlConnection(stack.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT event_id, sent_at IS NOT NULL FROM waybill_outbox WHERE message_key = @key ORDER BY sequence", connection);
        command.Parameters.AddWithValue("key", waybillId);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<(string, bool)>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add((reader.GetString(0), reader.GetBoolean(1)));
        }

        return rows;
    }

    private static async Task ExecuteAsync(WaybillStack stack, string sql, string key)
    {
        await using var connection = new NpgsqlConnection(stack.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("key", key);
        Assert.Equal(1, await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
    }
}
