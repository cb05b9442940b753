using System.Collections.Concurrent;
using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.Telemetry.Domain;
using HazChem.Transport.Telemetry.Mapping;
using HazChem.Transport.Telemetry.Options;
using HazChem.Transport.Telemetry.Registry;
using HazChem.Transport.Telemetry.State;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.Telemetry.Pipeline;

/// <summary>
/// The position path in one place (Traccar's handler chain): every source's decoder produces <see cref="Fix"/>es,
/// the filters below run in the order registered here, the survivors go to Kafka, then the accepted-fix handlers
/// run in order. Adding a step means adding one line here.
/// </summary>
internal static class PositionHandlers
{
    public static IServiceCollection AddPositionPipeline(this IServiceCollection services)
    {
        // Filters (each skips fixes an earlier one rejected); a throwing filter fails the batch.
        services.AddSingleton<IFixFilter, BindingFilter>();      // T-UNBOUND
        services.AddSingleton<IFixFilter, PlausibilityFilter>(); // T-INVALID, T-RANGE, T-FUTURE
        services.AddSingleton<IFixFilter, HistoryFilter>();      // T-DUPLICATE, T-JUMP; marks late fixes

        // After Kafka confirmed delivery; a throwing handler is logged and the next still runs.
        services.AddSingleton<IAcceptedFixHandler, LatestPositionHandler>();

        services.AddSingleton<IngestPipeline>();
        return services;
    }
}

/// <summary>
/// T-UNBOUND. A JT/T 808 fix carries the plate its authenticated connection is bound to (none: not authenticated).
/// A gateway fix names a plate that must be a registered vehicle bound to the reporting gateway (DESIGN.md: gps
/// reports "for the vehicles bound to it"): the gateway's token subject is the vehicle's carrier id, its terminal
/// phone, or one of the configured platform gateways. Each plate is looked up once per batch (cached).
/// </summary>
internal sealed class BindingFilter(IVehicleDirectory vehicles, IOptions<TelemetryOptions> options) : IFixFilter
{
    /// <summary>Registry lookups of one batch in flight at once (a batch can name thousands of plates none of which is cached).</summary>
    internal const int LookupsInFlight = 32;

    public async ValueTask FilterAsync(FixBatch batch, CancellationToken cancellationToken)
    {
        Dictionary<string, Rejection?>? verdicts = null;
        List<(string Plate, Task<VehicleBinding?> Lookup)>? pending = null;
        for (var i = 0; i < batch.Count; i++)
        {
            var fix = batch.Fixes[i];
            if (batch.IsRejected(i))
            {
                continue;
            }

            if (fix.Source == PositionSource.Jt808)
            {
                if (fix.Plate.Length == 0)
                {
                    batch.Reject(i, new Rejection(FixCodes.Unbound, $"terminal {fix.TerminalPhone} reported a location before authenticating (0x0102) on this connection"));
                }

                continue;
            }

            verdicts ??= new Dictionary<string, Rejection?>(StringComparer.Ordinal);
            if (verdicts.ContainsKey(fix.Plate))
            {
                continue;
            }

            // Cached answers complete at once; the others are looked up concurrently, a bounded number at a time.
            var lookup = vehicles.FindByPlateAsync(fix.Plate, cancellationToken);
            if (lookup.IsCompletedSuccessfully)
            {
                verdicts[fix.Plate] = Verdict(fix.Plate, lookup.Result, batch.Reporter);
                continue;
            }

            verdicts[fix.Plate] = null;
            pending ??= [];
            pending.Add((fix.Plate, lookup.AsTask()));
            if (pending.Count == LookupsInFlight)
            {
                await CompleteAsync(pending, verdicts, batch.Reporter);
            }
        }

        if (pending is { Count: > 0 })
        {
            await CompleteAsync(pending, verdicts!, batch.Reporter);
        }

        if (verdicts is null)
        {
            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            if (!batch.IsRejected(i) && batch.Fixes[i].Source != PositionSource.Jt808 && verdicts[batch.Fixes[i].Plate] is { } rejection)
            {
                batch.Reject(i, rejection);
            }
        }
    }

    private async Task CompleteAsync(List<(string Plate, Task<VehicleBinding?> Lookup)> pending, Dictionary<string, Rejection?> verdicts, string reporter)
    {
        try
        {
            await Task.WhenAll(pending.Select(p => p.Lookup));
        }
        finally
        {
            // Every lookup has ended (or the batch fails with the first error); none is left running unobserved.
            foreach (var (plate, lookup) in pending)
            {
                if (lookup.IsCompletedSuccessfully)
                {
                    verdicts[plate] = Verdict(plate, lookup.Result, reporter);
                }
            }

            pending.Clear();
        }
    }

    private Rejection? Verdict(string plate, VehicleBinding? vehicle, string reporter) =>
        GatewayBinding.Check(plate, vehicle, reporter, options.Value.PlatformGateways);
}

/// <summary>T-INVALID, T-RANGE, T-FUTURE: the fix on its own.</summary>
internal sealed class PlausibilityFilter(IOptions<TelemetryOptions> options) : IFixFilter
{
    public ValueTask FilterAsync(FixBatch batch, CancellationToken cancellationToken)
    {
        var thresholds = new FixThresholds(options.Value.MaxFutureSkew, options.Value.MaxImpliedSpeedKmh);
        for (var i = 0; i < batch.Count; i++)
        {
            if (!batch.IsRejected(i) && FixRules.CheckAlone(batch.Fixes[i], thresholds) is { } rejection)
            {
                batch.Reject(i, rejection);
            }
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// T-DUPLICATE and T-JUMP against the vehicle's recent accepted fixes in this process, which it then records
/// (forgotten again if the batch is not delivered). A fix older than the vehicle's newest is marked late.
/// </summary>
internal sealed class HistoryFilter(IOptions<TelemetryOptions> options) : IFixFilter
{
    private readonly ConcurrentDictionary<string, VehicleFixHistory> _histories = new(StringComparer.Ordinal);

    public ValueTask FilterAsync(FixBatch batch, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var thresholds = new FixThresholds(settings.MaxFutureSkew, settings.MaxImpliedSpeedKmh);
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch.IsRejected(i))
            {
                continue;
            }

            var fix = batch.Fixes[i];
            var history = _histories.GetOrAdd(fix.Plate, static (_, capacity) => new VehicleFixHistory(capacity), settings.RecentFixesPerVehicle);
            lock (history)
            {
                if (FixRules.CheckAgainstHistory(fix, history, thresholds) is { } rejection)
                {
                    batch.Reject(i, rejection);
                    continue;
                }

                if (history.Newest is { } newest && newest > fix.FixTime)
                {
                    fix.Late = true;
                }

                history.Add(AcceptedFix.Of(fix.FixTime, fix.Lat, fix.Lon));
            }
        }

        return ValueTask.CompletedTask;
    }

    public void Forget(FixBatch batch)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            if (!batch.IsRejected(i) && _histories.TryGetValue(batch.Fixes[i].Plate, out var history))
            {
                lock (history)
                {
                    var fix = batch.Fixes[i];
                    history.Remove(AcceptedFix.Of(fix.FixTime, fix.Lat, fix.Lon));
                }
            }
        }
    }
}

/// <summary>Offers each vehicle's newest accepted fix of the batch to the latest-position store (which keeps the newest by fix time).</summary>
internal sealed class LatestPositionHandler(ILatestPositions latest) : IAcceptedFixHandler
{
    public Task HandleAsync(IReadOnlyList<PositionReported> accepted, CancellationToken cancellationToken)
    {
        var newest = new Dictionary<string, PositionReported>(StringComparer.Ordinal);
        foreach (var fix in accepted)
        {
            if (!newest.TryGetValue(fix.Plate, out var current) || current.FixTime.ToDateTimeOffset() < fix.FixTime.ToDateTimeOffset())
            {
                newest[fix.Plate] = fix;
            }
        }

        return latest.OfferAsync([.. newest.Values.Select(PositionMapping.ToVehiclePosition)], cancellationToken);
    }
}
