namespace HazChem.Transport.RouteCompliance.Engine;

/// <summary>
/// Loads zones and active trips before the consumers start, then re-checks them every
/// <c>Compliance:RefreshInterval</c>: the zone index is rebuilt only when the catalogue version moved; trips are
/// reloaded (a replica consuming other waybill-event partitions learns of every trip this way).
/// </summary>
internal sealed partial class CatalogRefresher(
    ZoneCatalog zones, TripDirectory trips, CatalogsLoaded loaded, Microsoft.Extensions.Options.IOptions<Options.ComplianceOptions> options, TimeProvider time, ILogger<CatalogRefresher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first load runs in the background (the service starts and answers at once); the consumers wait for it,
        // so the first fix sees every zone and trip.
        await TransientRetryFirstLoadAsync(stoppingToken);
        loaded.Set();
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await zones.RefreshAsync(force: false, stoppingToken);
                    await trips.RefreshAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogRefreshFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task TransientRetryFirstLoadAsync(CancellationToken stoppingToken) =>
        await Messaging.TransientRetry.RunAsync(
            async () =>
            {
                await zones.RefreshAsync(force: true, stoppingToken);
                await trips.RefreshAsync(stoppingToken);
            },
            time,
            logger,
            "Loading zones and trips",
            stoppingToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing zones and trips from the database failed; keeping the current ones")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}

/// <summary>Completed once zones and trips were first loaded; the consumers wait for it before they consume.</summary>
internal sealed class CatalogsLoaded
{
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task WaitAsync(CancellationToken cancellationToken) => _loaded.Task.WaitAsync(cancellationToken);

    public void Set() => _loaded.TrySetResult();
}
