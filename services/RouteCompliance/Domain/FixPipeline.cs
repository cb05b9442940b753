using HazChem.Transport.Geofence;

namespace HazChem.Transport.RouteCompliance.Domain;

/// <summary>Everything the handlers of one fix share; handlers read and add to it in order.</summary>
internal sealed class FixContext
{
    public required Fix Fix { get; init; }

    public required VehicleState State { get; init; }

    public required ComplianceRules Rules { get; init; }

    public string Plate => Fix.Plate;

    public FixPoint Point { get; } = null!;

    /// <summary>The last in-order fix before this one (set by the filter).</summary>
    public FixPoint? Previous { get; set; }

    /// <summary>The vehicle's active waybill (set by the enricher).</summary>
    public ActiveTrip? Trip { get; set; }

    /// <summary>The zones containing the fix (set by the membership handler).</summary>
    public List<ZoneDefinition> Zones { get; } = [];

    /// <summary>A rest of the minimum length ended at this fix; its first stationary fix (set by motion tracking).</summary>
    public FixPoint? RestCompletedFrom { get; set; }

    /// <summary>Set by the filter: the fix drives no transition; <see cref="StopReason"/> says why.</summary>
    public bool Stopped { get; private set; }

    public string? StopReason { get; private set; }

    /// <summary>Violation changes, in order.</summary>
    public List<EpisodeChange> Changes { get; } = [];

    public bool Moving => Fix.SpeedKmh > Rules.MovingSpeedKmh;

    public void Stop(string reason)
    {
        Stopped = true;
        StopReason = reason;
    }

    public static FixContext Create(Fix fix, VehicleState state, ComplianceRules rules) => new(fix.Point) { Fix = fix, State = state, Rules = rules };

    private FixContext(FixPoint point) => Point = point;
}

/// <summary>One step of the position path (Traccar's handler shape).</summary>
internal interface IFixHandler
{
    void Handle(FixContext context);
}

/// <summary>
/// The position path, in order, declared here once: filter → enrich (active trip) → geofence membership → motion →
/// detectors. A handler that throws is reported through <c>onError</c> and the next one still runs, so one broken
/// detector never silences the others. Pure: the trip and zone lookups are in-memory snapshots passed in.
/// </summary>
internal sealed class FixPipeline
{
    private readonly IReadOnlyList<IFixHandler> _handlers;
    private readonly ComplianceRules _rules;

    public FixPipeline(ComplianceRules rules, Func<string, ActiveTrip?> activeTrip, Func<GeofenceIndex?> zones)
    {
        _rules = rules;
        _handlers =
        [
            new FixFilter(),
            new ActiveTripEnricher(activeTrip),
            new ZoneMembership(zones),
            new MotionTracker(),
            new OfflineDetector(),
            new RestrictedZoneDetector(),
            new RouteDeviationDetector(),
            new TravelWindowDetector(),
            new OverspeedDetector(),
            new FatigueDetector(),
            new NoActiveWaybillDetector(),
            new AbnormalStopDetector(),
        ];
    }

    public IReadOnlyList<IFixHandler> Handlers => _handlers;

    /// <summary>Runs every handler on <paramref name="fix"/> against <paramref name="state"/> (mutated) and returns the context with its changes.</summary>
    public FixContext Process(Fix fix, VehicleState state, Action<IFixHandler, Exception>? onError = null)
    {
        var context = FixContext.Create(fix, state, _rules);
        foreach (var handler in _handlers)
        {
            try
            {
                handler.Handle(context);
            }
#pragma warning disable CA1031 // The pipeline's contract: a failing handler is reported and the rest still run.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                onError?.Invoke(handler, ex);
            }

            if (context.Stopped)
            {
                break;
            }
        }

        if (!context.Stopped)
        {
            state.Last = context.Point;
        }
        else if (context.StopReason == FixFilter.LateReason)
        {
            state.LateFixes++;
        }

        state.Compact();
        return context;
    }

    /// <summary>The timer-driven half of C-OFFLINE: opens GPS_OFFLINE for a silent vehicle whose waybill is LOADED or IN_TRANSIT.</summary>
    public List<EpisodeChange> Sweep(string plate, VehicleState state, ActiveTrip? trip, DateTimeOffset now)
    {
        var changes = new List<EpisodeChange>();
        OfflineDetector.Sweep(plate, state, trip, now, _rules, changes);
        state.Compact();
        return changes;
    }
}
