using System.Globalization;
using HazChem.Transport.Contracts.Compliance.V1;
using HazChem.Transport.Geofence;

namespace HazChem.Transport.RouteCompliance.Domain;

/// <summary>
/// Bad fixes never drive a violation (DESIGN.md §5; Telemetry quarantines them first, this is the engine's own
/// guard), and late fixes — not newer than the last one applied — drive no transition: they cannot open, extend or
/// close an episode, so a blind-area upload that arrives after newer fixes never creates a phantom episode.
/// </summary>
internal sealed class FixFilter : IFixHandler
{
    public const string LateReason = "late";

    public void Handle(FixContext context)
    {
        var fix = context.Fix;
        if (!fix.Valid)
        {
            context.Stop("invalid");
        }
        else if (double.IsNaN(fix.Lat) || double.IsNaN(fix.Lon) || fix.Lat is < -90 or > 90 || fix.Lon is < -180 or > 180 || (fix.Lat == 0 && fix.Lon == 0))
        {
            context.Stop("range");
        }
        else if (fix.SpeedKmh < 0 || double.IsNaN(fix.SpeedKmh))
        {
            context.Stop("speed");
        }
        else if (fix.Received is { } received && fix.Time - received > context.Rules.FutureFixTolerance)
        {
            context.Stop("future");
        }
        else if (context.State.Last is { } last && fix.Time <= last.Time)
        {
            context.Stop(LateReason);
        }
        else
        {
            context.Previous = context.State.Last;
        }
    }
}

/// <summary>Enrich: the vehicle's active waybill, from the in-memory projection of waybill events.</summary>
internal sealed class ActiveTripEnricher(Func<string, ActiveTrip?> lookup) : IFixHandler
{
    public void Handle(FixContext context) => context.Trip = lookup(context.Plate) is { IsActive: true } trip ? trip : null;
}

/// <summary>Geofence membership: which zones contain the fix (spatial index), and since when the vehicle is inside each.</summary>
internal sealed class ZoneMembership(Func<GeofenceIndex?> index) : IFixHandler
{
    public void Handle(FixContext context)
    {
        index()?.ZonesContaining(context.Fix.Lon, context.Fix.Lat, context.Zones);
        var inside = context.State.InsideSince;
        foreach (var gone in inside.Keys.Where(id => !context.Zones.Exists(z => z.Id == id)).ToList())
        {
            inside.Remove(gone);
        }

        foreach (var zone in context.Zones)
        {
            inside.TryAdd(zone.Id, context.Point);
        }
    }
}

/// <summary>Motion: the current stop and driving stretch, shared by FATIGUE, NO_ACTIVE_WAYBILL and ABNORMAL_STOP.</summary>
internal sealed class MotionTracker : IFixHandler
{
    public void Handle(FixContext context)
    {
        var state = context.State;
        var rest = context.Rules.FatigueMinRest;
        if (context.Previous is { } previous && context.Fix.Time - previous.Time >= rest && state.DrivingSince is not null && state.StopFix is null)
        {
            // No fix for at least a rest's length: the terminal was off or silent (GPS_OFFLINE covers silence under a
            // waybill). Counting it as driving would raise FATIGUE for a truck parked overnight with the ignition off.
            context.RestCompletedFrom = previous;
            state.DrivingSince = null;
        }

        if (context.Moving)
        {
            if (state.StopFix is { } stop && context.Fix.Time - stop.Time >= rest && state.DrivingSince is not null)
            {
                // The stop was a rest (even if no fix came during it): the stretch ended when it began.
                context.RestCompletedFrom = stop;
                state.DrivingSince = null;
            }

            state.StopFix = null;
            state.DrivingSince ??= context.Fix.Time;
            return;
        }

        state.StopFix ??= context.Point;
        if (state.DrivingSince is not null && context.Fix.Time - state.StopFix.Time >= rest)
        {
            context.RestCompletedFrom = state.StopFix;
            state.DrivingSince = null;
        }
    }
}

/// <summary>
/// C-OFFLINE at a fix: the first fix after a gap closes an open GPS_OFFLINE episode; a gap longer than the limit that
/// the sweep did not see (the service was down) is recorded as an episode opened and closed at once. Both use the
/// same start (the last fix before the gap, or when the waybill became LOADED), hence the same id as the sweep.
/// </summary>
internal sealed class OfflineDetector : IFixHandler
{
    public void Handle(FixContext context)
    {
        var state = context.State;
        var episode = state.Episode(ViolationKind.GpsOffline);
        if (episode.Phase == EpisodePhase.Open)
        {
            EpisodeMachine.Close(context.Plate, episode, context.Fix.Time, EvidencePoint.From(context.Point, "first fix after the gap"), context.Changes);
            return;
        }

        if (context.Trip is not { MustReport: true } trip || GapStart(state, trip) is not { } gapStart || context.Fix.Time - gapStart <= context.Rules.OfflineAfter)
        {
            return;
        }

        EpisodeMachine.Open(context.Plate, episode, gapStart, LastFixEvidence(state), trip.WaybillId, trip.WaybillId, trip.GoodsClasses, context.Changes);
        EpisodeMachine.Close(context.Plate, episode, context.Fix.Time, EvidencePoint.From(context.Point, "first fix after the gap"), context.Changes);
    }

    public static void Sweep(string plate, VehicleState state, ActiveTrip? trip, DateTimeOffset now, ComplianceRules rules, List<EpisodeChange> changes)
    {
        var episode = state.Episode(ViolationKind.GpsOffline);
        if (episode.Phase == EpisodePhase.Open || trip is not { MustReport: true } || GapStart(state, trip) is not { } gapStart || now - gapStart <= rules.OfflineAfter)
        {
            return;
        }

        EpisodeMachine.Open(plate, episode, gapStart, LastFixEvidence(state), trip.WaybillId, trip.WaybillId, trip.GoodsClasses, changes);
    }

    private static DateTimeOffset? GapStart(VehicleState state, ActiveTrip trip)
    {
        DateTimeOffset? start = null;
        // The rebuild time bounds the gap only until a fix is seen again: after that the stream itself says when the last one was.
        foreach (var bound in new[] { state.Last?.Time, trip.MonitoredSince, state.Last is null ? state.RebuiltAt : null })
        {
            if (bound is { } b && (start is null || b > start))
            {
                start = b;
            }
        }

        return start;
    }

    private static EvidencePoint? LastFixEvidence(VehicleState state) =>
        state.Last is { } last ? EvidencePoint.From(last, "last fix before the gap") : null;
}

/// <summary>
/// C-RESTRICTED-ZONE: inside a zone while its schedule applies and it bans one of the goods' classes. The episode
/// starts at the first fix inside, or — for a vehicle already inside when the ban begins — at the ban's start.
/// Designated parking zones never raise it. Leaving the zone, the ban ending or the zone's deletion close it.
/// </summary>
internal sealed class RestrictedZoneDetector : IFixHandler
{
    public void Handle(FixContext context)
    {
        var state = context.State;
        var rules = context.Rules;
        var trip = context.Trip;
        foreach (var zone in context.Zones)
        {
            if (rules.ParkingZoneKinds.Contains(zone.Kind))
            {
                continue;
            }

            var episode = state.Episode(ViolationKind.RestrictedZone, zone.Id);
            var holds = trip is not null && zone.Bans(trip.GoodsClasses) && zone.IsScheduledAt(context.Fix.Time);
            DateTimeOffset? since = null;
            EvidencePoint? sinceEvidence = null;
            if (holds && state.InsideSince.TryGetValue(zone.Id, out var firstInside))
            {
                since = firstInside.Time;
                sinceEvidence = EvidencePoint.From(firstInside, "first fix inside");
                if (zone.ScheduleWindowStart(context.Fix.Time) is { } banStart && banStart > firstInside.Time)
                {
                    since = banStart;
                    sinceEvidence = EvidencePoint.From(context.Point, string.Create(CultureInfo.InvariantCulture, $"inside when the ban began at {banStart:yyyy-MM-ddTHH:mm:ssZ}"));
                }
            }

            EpisodeMachine.Step(context.Plate, episode, new Observation
            {
                Holds = holds,
                Fix = context.Point,
                Since = since,
                SinceEvidence = holds ? sinceEvidence : EvidencePoint.From(context.Point, "ban no longer applies"),
                Scope = zone.Id,
                ZoneId = zone.Id,
                ZoneName = zone.Name,
                WaybillId = trip?.WaybillId ?? "",
                GoodsClasses = trip?.GoodsClasses ?? [],
            }, rules.ZoneEnterAfter, rules.CloseAfter, rules, context.Changes);
        }

        // Zones the vehicle is no longer in (or that were deleted): the condition stopped.
        foreach (var (key, episode) in state.Episodes.Where(e => e.Value.Kind == ViolationKind.RestrictedZone).ToList())
        {
            if (context.Zones.Exists(z => VehicleState.Key(ViolationKind.RestrictedZone, z.Id) == key && !rules.ParkingZoneKinds.Contains(z.Kind)))
            {
                continue;
            }

            EpisodeMachine.Step(context.Plate, episode, new Observation
            {
                Holds = false,
                Fix = context.Point,
                SinceEvidence = EvidencePoint.From(context.Point, "first fix outside"),
                Scope = episode.Scope,
            }, rules.ZoneEnterAfter, rules.CloseAfter, rules, context.Changes);
        }
    }
}

/// <summary>C-ROUTE: farther than the corridor half-width from the waybill's route, for at least the configured time.</summary>
internal sealed class RouteDeviationDetector : IFixHandler
{
    public void Handle(FixContext context)
    {
        var trip = context.Trip;
        var corridor = trip?.Corridor;
        var distance = corridor?.DistanceMeters(context.Fix.Lon, context.Fix.Lat);
        var holds = corridor is not null && distance > corridor.HalfWidthMeters;
        EpisodeMachine.Step(context.Plate, context.State.Episode(ViolationKind.RouteDeviation), new Observation
        {
            Holds = holds,
            Fix = context.Point,
            SinceEvidence = holds ? null : EvidencePoint.From(context.Point, "back in the corridor"),
            Scope = trip?.WaybillId ?? "",
            WaybillId = trip?.WaybillId ?? "",
            GoodsClasses = trip?.GoodsClasses ?? [],
            DistanceMeters = holds ? distance : null,
        }, context.Rules.RouteDeviationAfter, context.Rules.CloseAfter, context.Rules, context.Changes);
    }
}

/// <summary>C-WINDOW: moving outside the waybill's permitted travel window.</summary>
internal sealed class TravelWindowDetector : IFixHandler
{
    public void Handle(FixContext context)
    {
        var trip = context.Trip;
        var holds = trip is not null && context.Moving && trip.IsOutsideWindow(context.Fix.Time);
        EpisodeMachine.Step(context.Plate, context.State.Episode(ViolationKind.OutsideTravelWindow), new Observation
        {
            Holds = holds,
            Fix = context.Point,
            Scope = trip?.WaybillId ?? "",
            WaybillId = trip?.WaybillId ?? "",
            GoodsClasses = trip?.GoodsClasses ?? [],
        }, context.Rules.TravelWindowAfter, context.Rules.CloseAfter, context.Rules, context.Changes);
    }
}

/// <summary>C-SPEED: over the lowest speed limit of the zones containing the fix, else the default hazmat limit.</summary>
internal sealed class OverspeedDetector : IFixHandler
{
    public void Handle(FixContext context)
    {
        var limit = context.Rules.DefaultSpeedLimitKmh;
        ZoneDefinition? limiting = null;
        foreach (var zone in context.Zones)
        {
            if (zone.SpeedLimitKmh is { } zoneLimit && zoneLimit < limit)
            {
                limit = zoneLimit;
                limiting = zone;
            }
        }

        var holds = context.Fix.SpeedKmh > limit;
        var trip = context.Trip;
        EpisodeMachine.Step(context.Plate, context.State.Episode(ViolationKind.Overspeed), new Observation
        {
            Holds = holds,
            Fix = context.Point,
            ZoneId = limiting?.Id ?? "",
            ZoneName = limiting?.Name ?? "",
            WaybillId = trip?.WaybillId ?? "",
            GoodsClasses = trip?.GoodsClasses ?? [],
            SpeedKmh = holds ? context.Fix.SpeedKmh : null,
            SpeedLimitKmh = holds ? limit : null,
        }, context.Rules.OverspeedAfter, context.Rules.CloseAfter, context.Rules, context.Changes);
    }
}

/// <summary>C-FATIGUE: continuous driving longer than the limit; a stop of the minimum rest ends it at the stop's first fix.</summary>
internal sealed class FatigueDetector : IFixHandler
{
    public void Handle(FixContext context)
    {
        var state = context.State;
        var holds = state.DrivingSince is { } since && context.Fix.Time - since > context.Rules.FatigueMaxDriving;
        var trip = context.Trip;
        EpisodeMachine.Step(context.Plate, state.Episode(ViolationKind.Fatigue), new Observation
        {
            Holds = holds,
            Fix = context.Point,
            Since = holds ? null : context.RestCompletedFrom?.Time,
            SinceEvidence = holds || context.RestCompletedFrom is null ? null : EvidencePoint.From(context.RestCompletedFrom, "rest began"),
            WaybillId = trip?.WaybillId ?? "",
            GoodsClasses = trip?.GoodsClasses ?? [],
        }, TimeSpan.Zero, TimeSpan.Zero, context.Rules, context.Changes);
    }
}

/// <summary>
/// C-NO-WAYBILL: a vehicle (every plate on the positions topic is a registered hazmat vehicle: Telemetry accepts only
/// bound terminals) travelling farther than the limit with no active waybill. The count starts at the first fix
/// without one; a waybill becoming active or a long stop ends it.
/// </summary>
internal sealed class NoActiveWaybillDetector : IFixHandler
{
    public void Handle(FixContext context)
    {
        var state = context.State;
        var rules = context.Rules;
        bool holds;
        EvidencePoint? sinceEvidence = null;
        DateTimeOffset? since = null;
        if (context.Trip is not null)
        {
            Reset(state);
            holds = false;
            sinceEvidence = EvidencePoint.From(context.Point, "waybill active");
        }
        else if (state.StopFix is { } stop && context.Fix.Time - stop.Time >= rules.NoWaybillStopEnds)
        {
            Reset(state);
            holds = false;
            since = stop.Time;
            sinceEvidence = EvidencePoint.From(stop, "stopped");
        }
        else
        {
            if (state.NoWaybillFix is null)
            {
                state.NoWaybillFix = context.Point;
                state.NoWaybillMeters = 0;
            }
            else if (context.Previous is { } previous)
            {
                state.NoWaybillMeters += GeoDistance.Meters(previous.Lon, previous.Lat, context.Fix.Lon, context.Fix.Lat);
            }

            holds = state.NoWaybillMeters > rules.NoWaybillDistanceMeters;
            since = state.NoWaybillFix.Time;
            sinceEvidence = EvidencePoint.From(state.NoWaybillFix, "first fix without a waybill");
        }

        EpisodeMachine.Step(context.Plate, state.Episode(ViolationKind.NoActiveWaybill), new Observation
        {
            Holds = holds,
            Fix = context.Point,
            Since = since,
            SinceEvidence = sinceEvidence,
            DistanceMeters = null,
        }, TimeSpan.Zero, TimeSpan.Zero, rules, context.Changes);
    }

    private static void Reset(VehicleState state)
    {
        state.NoWaybillFix = null;
        state.NoWaybillMeters = 0;
    }
}

/// <summary>
/// C-STOP: high-hazard goods stationary longer than the limit, farther than the radius from origin and destination
/// and outside designated parking zones. Starts at the stop's first fix; the first moving fix ends it.
/// </summary>
internal sealed class AbnormalStopDetector : IFixHandler
{
    public void Handle(FixContext context)
    {
        var state = context.State;
        var rules = context.Rules;
        var trip = context.Trip;
        var stop = state.StopFix;
        var holds = trip is { HighHazard: true } && stop is not null
            && context.Fix.Time - stop.Time > rules.AbnormalStopAfter
            && !Near(trip.Origin, stop, rules) && !Near(trip.Destination, stop, rules)
            && !context.Zones.Exists(z => rules.ParkingZoneKinds.Contains(z.Kind));
        EpisodeMachine.Step(context.Plate, state.Episode(ViolationKind.AbnormalStop), new Observation
        {
            Holds = holds,
            Fix = context.Point,
            Since = holds ? stop!.Time : null,
            SinceEvidence = holds ? EvidencePoint.From(stop!, "stopped") : EvidencePoint.From(context.Point, "moving again"),
            Scope = trip?.WaybillId ?? "",
            WaybillId = trip?.WaybillId ?? "",
            GoodsClasses = trip?.GoodsClasses ?? [],
        }, TimeSpan.Zero, TimeSpan.Zero, rules, context.Changes);
    }

    private static bool Near(Place? place, FixPoint fix, ComplianceRules rules) =>
        place is not null && GeoDistance.Meters(place.Lon, place.Lat, fix.Lon, fix.Lat) <= rules.AbnormalStopPlaceRadiusMeters;
}
