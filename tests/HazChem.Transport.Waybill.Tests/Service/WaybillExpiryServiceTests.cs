using Grpc.Core;
using HazChem.Transport.Contracts.Common.V1;
using HazChem.Transport.Contracts.Waybill.V1;
using HazChem.Transport.TestSupport;
using HazChem.Transport.Waybill.Operations;
using HazChem.Transport.Waybill.Options;
using HazChem.Transport.Waybill.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace HazChem.Transport.Waybill.Tests.Service;

/// <summary>
/// The expiry sweeper on real PostgreSQL and the Kafka-protocol broker. The sweeps run on a fake clock set past the
/// test waybills' window (tomorrow 01:00–10:00 UTC); the host's own sweeper runs on the real clock meanwhile and
/// finds nothing due, as in production before the window ends.
/// </summary>
public sealed class WaybillExpiryServiceTests(PostgresFixture postgres, KafkaFixture kafka, StackCache cache) : IClassFixture<StackCache>
{
    private static readonly TimeSpan Grace = TimeSpan.FromHours(2);

    /// <summary>The end of every test waybill's window (<see cref="WaybillStack.IssueRequest"/>: 01:00–10:00 UTC on the travel day).</summary>
    private static DateTimeOffset WindowEnd => new(DateTime.SpecifyKind(WaybillStack.TravelDay.AddHours(10), DateTimeKind.Utc));

    private Task<WaybillStack> StackAsync() => cache.GetAsync(postgres, kafka, "waybill_expiry");

    [Fact]
    public async Task Sweep_IssuedWaybillPastWindowAndGrace_ExpiresWithANewVersionAndExactlyOneEvent()
    {
        var stack = await StackAsync();
        var r = stack.Register();
        var carrier = stack.Waybill.As("carrier", r.CarrierId);
        var id = (await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), carrier)).Waybill.Id;
        var clock = new FakeTimeProvider(WindowEnd + Grace + TimeSpan.FromMinutes(1));

        await Sweeper(stack, clock).SweepAsync(TestContext.Current.CancellationToken);

        var waybill = (await stack.Client.GetWaybillAsync(new GetWaybillRequest { Id = id }, carrier)).Waybill;
        var reason = $"travel window ended at {WindowEnd:yyyy-MM-dd}T10:00:00Z without loading";
        Assert.Equal((WaybillStatus.Expired, 2), (waybill.Status, waybill.Version));
        Assert.Equal(clock.GetUtcNow(), waybill.UpdatedAt.ToDateTimeOffset());
        var last = waybill.History[^1];
        Assert.Equal((WaybillEvent.Types.EventType.Expired, 2, WaybillStatus.Expired, "system:expiry", reason), (last.Type, last.Version, last.Status, last.Actor, last.Reason));
        var original = (await stack.Client.GetWaybillAsync(new GetWaybillRequest { Id = id, Version = 1 }, carrier)).Waybill;
        Assert.Equal(WaybillStatus.Issued, original.Status);
        Assert.Equal([id + ":1", id + ":2"], await OutboxAsync(stack, id));
        var events = await stack.ConsumeEventsAsync(id, expected: 2);
        Assert.Equal([id + ":1", id + ":2"], events.Select(e => e.Event.EventId));
        var expired = events[1].Event;
        Assert.Equal((WaybillEvent.Types.EventType.Expired, WaybillStatus.Expired, "system:expiry", reason, r.Plate), (expired.Type, expired.Status, expired.Actor, expired.Reason, expired.VehiclePlate));
        Assert.Equal(id + ":2", events[1].EventIdHeader);
    }

    [Fact]
    public async Task Sweep_LoadedOrInTransitPastWindow_AreNotExpired()
    {
        var stack = await StackAsync();
        var (loadedReg, transitReg) = (stack.Register(), stack.Register());
        var terminal = stack.Waybill.As("service", "HazChem.Transport.LoadingCheck");
        var loaded = (await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(loadedReg), stack.Waybill.As("carrier", loadedReg.CarrierId))).Waybill.Id;
        var inTransit = (await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(transitReg), stack.Waybill.As("carrier", transitReg.CarrierId))).Waybill.Id;
        await stack.Client.MarkWaybillLoadedAsync(Loaded(loaded, "check-x1"), terminal);
        await stack.Client.MarkWaybillLoadedAsync(Loaded(inTransit, "check-x2"), terminal);
        await stack.Client.DepartWaybillAsync(new DepartWaybillRequest { Id = inTransit }, stack.Waybill.As("carrier", transitReg.CarrierId));

        await Sweeper(stack, new FakeTimeProvider(WindowEnd.AddDays(3))).SweepAsync(TestContext.Current.CancellationToken);

        var police = stack.Waybill.As("police", "officer-1");
        var afterLoaded = (await stack.Client.GetWaybillAsync(new GetWaybillRequest { Id = loaded }, police)).Waybill;
        var afterTransit = (await stack.Client.GetWaybillAsync(new GetWaybillRequest { Id = inTransit }, police)).Waybill;
        Assert.Equal((WaybillStatus.Loaded, 2), (afterLoaded.Status, afterLoaded.Version));
        Assert.Equal((WaybillStatus.InTransit, 3), (afterTransit.Status, afterTransit.Version));
        Assert.Equal(inTransit, (await stack.Client.GetActiveWaybillForVehicleAsync(new GetActiveWaybillForVehicleRequest { Plate = transitReg.Plate }, police)).Waybill.Id);
    }

    [Fact]
    public async Task Sweep_WindowNotYetEndedOrWithinTheGrace_LeavesTheWaybillIssued()
    {
        var stack = await StackAsync();
        var r = stack.Register();
        var carrier = stack.Waybill.As("carrier", r.CarrierId);
        var id = (await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), carrier)).Waybill.Id;
        var clock = new FakeTimeProvider(WindowEnd.AddHours(-1));
        var sweeper = Sweeper(stack, clock);
        var ct = TestContext.Current.CancellationToken;

        await sweeper.SweepAsync(ct);                 // the window is still open
        clock.SetUtcNow(WindowEnd.AddMinutes(1));
        await sweeper.SweepAsync(ct);                 // ended, within the grace: a late truck may still load
        clock.SetUtcNow(WindowEnd + Grace);
        await sweeper.SweepAsync(ct);                 // exactly at the end of the grace: not yet

        var waybill = (await stack.Client.GetWaybillAsync(new GetWaybillRequest { Id = id }, carrier)).Waybill;
        Assert.Equal((WaybillStatus.Issued, 1), (waybill.Status, waybill.Version));
        Assert.Equal([id + ":1"], await OutboxAsync(stack, id));
    }

    [Fact]
    public async Task Sweep_ConfiguredGrace_IsRespected()
    {
        var stack = await StackAsync();
        var r = stack.Register();
        var carrier = stack.Waybill.As("carrier", r.CarrierId);
        var id = (await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), carrier)).Waybill.Id;
        var clock = new FakeTimeProvider(WindowEnd.AddMinutes(29));
        var sweeper = Sweeper(stack, clock, TimeSpan.FromMinutes(30));
        var ct = TestContext.Current.CancellationToken;

        await sweeper.SweepAsync(ct);
        var within = (await stack.Client.GetWaybillAsync(new GetWaybillRequest { Id = id }, carrier)).Waybill.Status;
        clock.Advance(TimeSpan.FromMinutes(2));
        await sweeper.SweepAsync(ct);
        var after = (await stack.Client.GetWaybillAsync(new GetWaybillRequest { Id = id }, carrier)).Waybill.Status;

        Assert.Equal((WaybillStatus.Issued, WaybillStatus.Expired), (within, after));
    }

    [Fact]
    public async Task Sweep_RacingACancelAndAnotherReplica_EachWaybillEndsOnceWithOneEvent()
    {
        var stack = await StackAsync();
        var registrations = Enumerable.Range(0, 6).Select(_ => stack.Register()).ToList();
        var ids = new List<string>();
        foreach (var r in registrations)
        {
            ids.Add((await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), stack.Waybill.As("carrier", r.CarrierId))).Waybill.Id);
        }

        var now = WindowEnd + Grace + TimeSpan.FromMinutes(5);
        var cancels = registrations.Zip(ids).Select(async pair =>
        {
            try
            {
                await stack.Client.CancelWaybillAsync(new CancelWaybillRequest { Id = pair.Second, Reason = "trip called off" }, stack.Waybill.As("carrier", pair.First.CarrierId));
                return (pair.Second, Outcome: "cancelled");
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
            {
                return (pair.Second, Outcome: ex.GetRpcStatus()!.GetDetail<RuleFindings>().Findings.Single().Code);
            }
        });
        var sweeps = Enumerable.Range(0, 2).Select(_ => Sweeper(stack, new FakeTimeProvider(now)).SweepAsync(TestContext.Current.CancellationToken));

        var sweepTask = Task.WhenAll(sweeps);
        var outcomes = (await Task.WhenAll(cancels)).ToDictionary(o => o.Item1, o => o.Outcome);
        await sweepTask;

        foreach (var id in ids)
        {
            var waybill = (await stack.Client.GetWaybillAsync(new GetWaybillRequest { Id = id }, stack.Waybill.As("police", "officer-1"))).Waybill;
            Assert.Equal((2, 2), (waybill.Version, waybill.History.Count));
            Assert.Equal(outcomes[id] == "cancelled" ? WaybillStatus.Cancelled : WaybillStatus.Expired, waybill.Status);
            Assert.True(outcomes[id] is "cancelled" or "W-STATE", $"cancel of {id}: {outcomes[id]}");
            Assert.Equal([id + ":1", id + ":2"], await OutboxAsync(stack, id));
        }

        var events = await stack.ConsumeEventsAsync(ids[0], expected: 2);
        Assert.Equal([ids[0] + ":1", ids[0] + ":2"], events.Select(e => e.Event.EventId));
    }

    [Fact]
    public async Task Transitions_AfterExpiry_AreRefusedAndTheVehicleGetsANewWaybill()
    {
        var stack = await StackAsync();
        var r = stack.Register();
        var carrier = stack.Waybill.As("carrier", r.CarrierId);
        var id = (await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), carrier)).Waybill.Id;
        await Sweeper(stack, new FakeTimeProvider(WindowEnd.AddDays(1))).SweepAsync(TestContext.Current.CancellationToken);

        var cancel = await Assert.ThrowsAsync<RpcException>(() => stack.Client.CancelWaybillAsync(new CancelWaybillRequest { Id = id, Reason = "late" }, carrier).ResponseAsync);
        var load = await Assert.ThrowsAsync<RpcException>(() => stack.Client.MarkWaybillLoadedAsync(Loaded(id, "check-late"), stack.Waybill.As("service", "HazChem.Transport.LoadingCheck")).ResponseAsync);
        var (deliverStatus, deliverBody) = await stack.Waybill.RestAsync(HttpMethod.Post, $"/api/v1/waybills/{id}:deliver", "carrier", r.CarrierId, new { note = "arrived" });
        var next = (await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), carrier)).Waybill;
        var (listStatus, list) = await stack.Waybill.RestAsync(HttpMethod.Get, $"/api/v1/waybills?plate={Uri.EscapeDataString(r.Plate)}&status=EXPIRED", "carrier", r.CarrierId);

        foreach (var error in new[] { cancel, load })
        {
            Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
            var finding = error.GetRpcStatus()!.GetDetail<RuleFindings>().Findings.Single();
            Assert.Equal(("W-STATE", $"waybill:{id}"), (finding.Code, finding.Subject));
            Assert.Contains("is EXPIRED", finding.Message, StringComparison.Ordinal);
        }

        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, deliverStatus);
        Assert.Contains("W-STATE", deliverBody.ToString(), StringComparison.Ordinal);
        Assert.Equal((WaybillStatus.Issued, 1), (next.Status, next.Version));
        Assert.NotEqual(id, next.Id);
        Assert.Equal(next.Id, (await stack.Client.GetActiveWaybillForVehicleAsync(new GetActiveWaybillForVehicleRequest { Plate = r.Plate }, carrier)).Waybill.Id);
        Assert.Equal(System.Net.HttpStatusCode.OK, listStatus);
        var listed = list.GetProperty("waybills").EnumerateArray().ToList();
        Assert.Equal([(id, "EXPIRED")], listed.Select(w => (w.GetProperty("id").GetString()!, w.GetProperty("status").GetString()!)));
        Assert.Equal([id + ":1", id + ":2"], await OutboxAsync(stack, id));
    }

    [Fact]
    public async Task Sweep_RepeatedByARestartedSweeperOrRedeliveredForOneWaybill_MakesNoSecondVersion()
    {
        var stack = await StackAsync();
        var r = stack.Register();
        var carrier = stack.Waybill.As("carrier", r.CarrierId);
        var id = (await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), carrier)).Waybill.Id;
        var clock = new FakeTimeProvider(WindowEnd + Grace + TimeSpan.FromMinutes(1));
        var ct = TestContext.Current.CancellationToken;

        await Sweeper(stack, clock).SweepAsync(ct);
        var expiredAt = (await stack.Client.GetWaybillAsync(new GetWaybillRequest { Id = id }, carrier)).Waybill.UpdatedAt;
        clock.Advance(TimeSpan.FromMinutes(1));
        var again = await Sweeper(stack, clock).SweepAsync(ct);                       // a new process, the next interval
        await using var scope = stack.Waybill.Services.CreateAsyncScope();
        var redelivered = await scope.ServiceProvider.GetRequiredService<WaybillOperations>()
            .ExpireIfDueAsync(id, clock.GetUtcNow(), Grace, ct);                      // the same waybill asked again

        var waybill = (await stack.Client.GetWaybillAsync(new GetWaybillRequest { Id = id }, carrier)).Waybill;
        Assert.Equal(0, again);
        Assert.Null(redelivered);
        Assert.Equal((WaybillStatus.Expired, 2, 2, expiredAt), (waybill.Status, waybill.Version, waybill.History.Count, waybill.UpdatedAt));
        Assert.Equal([id + ":1", id + ":2"], await OutboxAsync(stack, id));
        var events = await stack.ConsumeEventsAsync(id, expected: 2);
        Assert.Equal([id + ":1", id + ":2"], events.Select(e => e.Event.EventId));
    }

    [Fact]
    public async Task HostedSweeper_ClockPassesWindowAndGrace_ExpiresTheWaybillOnItsInterval()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var stack = await WaybillStack.StartAsync(
            postgres, kafka, "waybill_expiry_hosted", configure: services => services.AddSingleton<TimeProvider>(clock));
        var r = stack.Register();
        var id = (await stack.Client.IssueWaybillAsync(WaybillStack.IssueRequest(r), stack.Waybill.As("carrier", r.CarrierId))).Waybill.Id;
        var waitedFor = new List<string>();

        var due = WindowEnd + Grace + TimeSpan.FromMinutes(1);
        clock.SetUtcNow(due);                                              // fires the sweeper's one-minute delay
        var deadline = DateTime.UtcNow.AddSeconds(60);
        // Read from the database: a token issued now on the moved clock would not be valid on the real one.
        while ((waitedFor = await OutboxAsync(stack, id)).Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            clock.Advance(TimeSpan.FromMinutes(1));                       // in case the sweeper was mid-sweep at the jump
        }

        Assert.Equal([id + ":1", id + ":2"], waitedFor);
        var events = await stack.ConsumeEventsAsync(id, expected: 2);
        Assert.Equal(
            [(WaybillEvent.Types.EventType.Issued, WaybillStatus.Issued), (WaybillEvent.Types.EventType.Expired, WaybillStatus.Expired)],
            events.Select(e => (e.Event.Type, e.Event.Status)));
        Assert.InRange(events[1].Event.OccurredAt.ToDateTimeOffset(), due, clock.GetUtcNow());
    }

    /// <summary>A sweeper as the host builds it, on <paramref name="clock"/>, in batches of 2 so every sweep pages.</summary>
    private static WaybillExpirySweeper Sweeper(WaybillStack stack, TimeProvider clock, TimeSpan? grace = null)
    {
        var services = stack.Waybill.Services;
        var options = MsOptions.Create(new WaybillOptions { ExpiryGrace = grace ?? Grace, ExpiryBatchSize = 2 });
        return new WaybillExpirySweeper(
            services.GetRequiredService<IServiceScopeFactory>(), services.GetRequiredService<WaybillStore>(), options, clock, NullLogger<WaybillExpirySweeper>.Instance);
    }

    private static MarkWaybillLoadedRequest Loaded(string id, string checkId) =>
        new() { Id = id, LoadingCheckId = checkId, TerminalId = "T001", Loaded = { new LoadedLine { UnNumber = "1203", QuantityKg = 19000 } } };

    /// <summary>The outbox rows of one waybill, in order: exactly one per version.</summary>
    private static async Task<List<string>> OutboxAsync(WaybillStack stack, string waybillId)
    {
        await using var connection = new NpgsqlConnection(stack.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT event_id FROM waybill_outbox WHERE message_key = @key ORDER BY sequence", connection);
        command.Parameters.AddWithValue("key", waybillId);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
