using System.Collections.Concurrent;
using System.Net;
using HazChem.Transport.Simulator.Fleet;
using HazChem.Transport.Simulator.Jt808;

namespace HazChem.Transport.Simulator.Transport;

/// <summary>
/// JT/T 808 over TCP, one connection per truck: 0x0100 registration (once; the auth code is kept as a
/// terminal keeps it) → 0x0102 authentication → 0x0200 per fix, 0x0704 type 1 after a silence, 0x0002
/// heartbeats when idle. A silence drops the connection; the next step reconnects and re-authenticates.
/// </summary>
internal sealed class Jt808Transport(EndPoint server, SimulatorStats stats, IReadOnlyList<IPAddress>? localAddresses = null) : IFixTransport
{
    private readonly ConcurrentDictionary<int, Jt808Session> _sessions = new();
    private readonly ConcurrentDictionary<int, string> _authCodes = new();

    public async Task ConnectAsync(TruckPlan truck, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(truck);
        if (_sessions.TryGetValue(truck.Index, out var existing) && existing.IsOpen)
        {
            return;
        }

        if (existing is not null)
        {
            _sessions.TryRemove(truck.Index, out _);
            await existing.DisposeAsync();
        }

        var local = localAddresses is { Count: > 0 } ? localAddresses[truck.Index % localAddresses.Count] : null;
        Jt808Session session;
        try
        {
            session = await Jt808Session.ConnectAsync(server, truck.Terminal, stats, local, cancellationToken);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException)
        {
            stats.OnConnectFailed($"{truck.Plate}: connect to {server} failed ({ex.Message})");
            throw;
        }

        try
        {
            if (!_authCodes.TryGetValue(truck.Index, out var code))
            {
                code = await session.RegisterAsync(truck.Plate, cancellationToken);
                _authCodes[truck.Index] = code;
            }

            try
            {
                await session.AuthenticateAsync(code, cancellationToken);
            }
            catch (Jt808RefusedException)
            {
                // A stale code (the platform forgot it): register again once, as terminals do.
                _authCodes.TryRemove(truck.Index, out _);
                code = await session.RegisterAsync(truck.Plate, cancellationToken);
                _authCodes[truck.Index] = code;
                await session.AuthenticateAsync(code, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is Jt808RefusedException or IOException)
        {
            stats.OnRegistrationRefused(ex.Message);
            await session.DisposeAsync();
            throw;
        }

        _sessions[truck.Index] = session;
    }

    public async Task SendAsync(TruckPlan truck, LocationFix fix, CancellationToken cancellationToken)
    {
        var session = Session(truck);
        await session.SendAsync(Jt808MessageId.Location, Jt808Encoder.LocationBody(fix), 1, cancellationToken);
        stats.OnSent(1, blind: false);
    }

    public async Task SendBlindAsync(TruckPlan truck, IReadOnlyList<LocationFix> fixes, CancellationToken cancellationToken)
    {
        var session = Session(truck);
        foreach (var batch in Jt808Encoder.SplitForBatches(fixes))
        {
            await session.SendAsync(Jt808MessageId.LocationBatch, Jt808Encoder.BatchBody(batch, blindArea: true), batch.Count, cancellationToken);
            stats.OnSent(batch.Count, blind: true);
        }
    }

    public async Task HeartbeatAsync(TruckPlan truck, CancellationToken cancellationToken)
    {
        await Session(truck).SendAsync(Jt808MessageId.Heartbeat, [], 0, cancellationToken);
        stats.OnHeartbeat();
    }

    public async Task DisconnectAsync(TruckPlan truck)
    {
        ArgumentNullException.ThrowIfNull(truck);
        if (_sessions.TryRemove(truck.Index, out var session))
        {
            await session.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions.Values)
        {
            await session.DisposeAsync();
        }

        _sessions.Clear();
    }

    private Jt808Session Session(TruckPlan truck)
    {
        ArgumentNullException.ThrowIfNull(truck);
        return _sessions.TryGetValue(truck.Index, out var session) && session.IsOpen
            ? session
            : throw new IOException($"{truck.Plate}: not connected");
    }
}
