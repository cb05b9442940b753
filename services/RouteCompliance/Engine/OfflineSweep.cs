using HazChem.Transport.RouteCompliance.Messaging;
using HazChem.Transport.RouteCompliance.Options;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.RouteCompliance.Engine;

/// <summary>
/// The timer half of C-OFFLINE: every <c>Compliance:OfflineSweepInterval</c> (platform clock) it opens GPS_OFFLINE
/// for each vehicle whose waybill is LOADED or IN_TRANSIT and whose last fix is older than the limit. The episode's
/// id depends only on the gap's start, so replicas sweeping the same vehicle produce the same violation.
/// </summary>
internal sealed partial class OfflineSweep(ComplianceEngine engine, IOptions<ComplianceOptions> options, TimeProvider time, ILogger<OfflineSweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.OfflineSweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await TransientRetry.RunAsync(() => engine.SweepAsync(stoppingToken), time, logger, "The offline sweep", stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
