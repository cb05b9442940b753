using HazChem.Transport.Simulator.Fleet;
using HazChem.Transport.Simulator.Jt808;

namespace HazChem.Transport.Simulator.Transport;

/// <summary>How fixes leave the simulator: JT/T 808 TCP (a connection per truck), gRPC stream batches or HTTP batches.</summary>
internal interface IFixTransport : IAsyncDisposable
{
    /// <summary>Brings the truck online (JT/T 808: connect, register if needed, authenticate). Throws when refused.</summary>
    Task ConnectAsync(TruckPlan truck, CancellationToken cancellationToken);

    /// <summary>Sends one live fix.</summary>
    Task SendAsync(TruckPlan truck, LocationFix fix, CancellationToken cancellationToken);

    /// <summary>Sends fixes held back during a silence (JT/T 808: 0x0704 type 1; others: flagged late).</summary>
    Task SendBlindAsync(TruckPlan truck, IReadOnlyList<LocationFix> fixes, CancellationToken cancellationToken);

    /// <summary>Keeps an idle truck's session alive (JT/T 808 heartbeat).</summary>
    Task HeartbeatAsync(TruckPlan truck, CancellationToken cancellationToken);

    /// <summary>The truck lost signal (JT/T 808: the connection drops).</summary>
    Task DisconnectAsync(TruckPlan truck);
}
