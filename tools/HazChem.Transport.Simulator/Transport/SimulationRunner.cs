using System.Net.Sockets;
using HazChem.Transport.Simulator.Fleet;

namespace HazChem.Transport.Simulator.Transport;

/// <summary>
/// Drives the fleet in real time: each truck steps every <c>interval</c> (trucks are phase-shifted so the
/// load is even), connects when it has signal, back-fills after a silence, sends heartbeats while idle
/// for long intervals, and reconnects after a failure (30 s after a refusal).
/// </summary>
internal sealed class SimulationRunner(
    IReadOnlyList<TruckPlan> fleet, FleetOptions options, IFixTransport transport, SimulatorStats stats, TimeProvider time, TimeSpan interval)
{
    private static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(30);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var start = time.GetUtcNow();
        var tasks = fleet.Select(truck => RunTruckAsync(truck, start, interval * truck.Index / fleet.Count, cancellationToken)).ToList();
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopped
        }
    }

    private async Task RunTruckAsync(TruckPlan truck, DateTimeOffset start, TimeSpan phase, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var simulator = new TruckSimulator(truck, options, start);
        var connected = false;
        var next = start + phase;
        var held = new List<Jt808.LocationFix>();
        while (!cancellationToken.IsCancellationRequested)
        {
            connected = await WaitAsync(truck, next, connected, cancellationToken);
            var step = simulator.Step(time.GetUtcNow());
            next += interval;
            if (!step.Online)
            {
                if (connected)
                {
                    await transport.DisconnectAsync(truck);
                    connected = false;
                }

                continue;
            }

            held.AddRange(step.BlindBackfill);
            try
            {
                if (!connected)
                {
                    await transport.ConnectAsync(truck, cancellationToken);
                    connected = true;
                }

                if (held.Count > 0)
                {
                    await transport.SendBlindAsync(truck, held, cancellationToken);
                    held.Clear();
                }

                await transport.SendAsync(truck, step.Fix, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or SocketException or Jt808RefusedException && !cancellationToken.IsCancellationRequested)
            {
                stats.Error(ex.Message);
                connected = false;
                await transport.DisconnectAsync(truck);
                if (ex is Jt808RefusedException)
                {
                    var retry = time.GetUtcNow() + TimeSpan.FromSeconds(30);
                    while (next < retry)
                    {
                        next += interval;
                    }
                }
            }
        }
    }

    // Sleeps until `until`, sending heartbeats every 30 s meanwhile; returns whether the truck is still connected.
    private async Task<bool> WaitAsync(TruckPlan truck, DateTimeOffset until, bool connected, CancellationToken cancellationToken)
    {
        var lastBeat = time.GetUtcNow();
        while (true)
        {
            var now = time.GetUtcNow();
            if (now >= until)
            {
                return connected;
            }

            var wait = until - now;
            if (connected && wait > HeartbeatEvery)
            {
                wait = HeartbeatEvery - (now - lastBeat);
            }

            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken);
            }

            if (connected && time.GetUtcNow() - lastBeat >= HeartbeatEvery && time.GetUtcNow() < until)
            {
                try
                {
                    await transport.HeartbeatAsync(truck, cancellationToken);
                }
                catch (IOException)
                {
                    connected = false;
                }

                lastBeat = time.GetUtcNow();
            }
        }
    }
}

/// <summary>Replays a scheduled track for one truck, in real time from the start.</summary>
internal sealed class ReplayRunner(TruckPlan truck, IReadOnlyList<ScheduledFix> schedule, IFixTransport transport, SimulatorStats stats, TimeProvider time)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var start = time.GetUtcNow();
        var connected = false;
        foreach (var item in schedule)
        {
            var wait = start + item.SendAfter - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken);
            }

            try
            {
                if (!connected)
                {
                    await transport.ConnectAsync(truck, cancellationToken);
                    connected = true;
                }

                await transport.SendAsync(truck, item.Fix, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or SocketException or Jt808RefusedException && !cancellationToken.IsCancellationRequested)
            {
                stats.Error(ex.Message);
                connected = false;
                await transport.DisconnectAsync(truck);
            }
        }
    }
}
