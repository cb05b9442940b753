using System.Globalization;
using HazChem.Transport.Contracts.Compliance.V1;

namespace HazChem.Transport.RouteCompliance.Domain;

/// <summary>What a detector saw at one fix.</summary>
internal sealed class Observation
{
    public required bool Holds { get; init; }

    public required FixPoint Fix { get; init; }

    /// <summary>
    /// When the condition really began (open) or stopped (close), if earlier than this fix: the first fix inside a zone,
    /// the moment a ban began, the first stationary fix. Null = this fix.
    /// </summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>The evidence for <see cref="Since"/> (defaults to this fix).</summary>
    public EvidencePoint? SinceEvidence { get; init; }

    /// <summary>Zone id (RESTRICTED_ZONE) or waybill id (trip-bound kinds) the episode belongs to; a change closes the episode.</summary>
    public string Scope { get; init; } = "";

    public string ZoneId { get; init; } = "";

    public string ZoneName { get; init; } = "";

    public string WaybillId { get; init; } = "";

    public IReadOnlyList<string> GoodsClasses { get; init; } = [];

    /// <summary>Distance outside the corridor (ROUTE_DEVIATION peaks).</summary>
    public double? DistanceMeters { get; init; }

    /// <summary>Speed over a limit (OVERSPEED peaks) and the limit.</summary>
    public double? SpeedKmh { get; init; }

    public double? SpeedLimitKmh { get; init; }
}

/// <summary>
/// The episode life cycle every detector shares. An episode opens once its condition has held for
/// <c>openAfter</c> (measured from when it began), starting at the first fix of that run; it stays open while the
/// condition holds or has stopped for less than <c>closeAfter</c> (so a vehicle wobbling on a fence edge keeps one
/// episode), and closes with the end time of the first fix where the condition stopped. Pure: no clock, no I/O.
/// </summary>
internal static class EpisodeMachine
{
    public static void Step(
        string plate, EpisodeState s, Observation o, TimeSpan openAfter, TimeSpan closeAfter, ComplianceRules rules, List<EpisodeChange> changes)
    {
        if (s.Phase == EpisodePhase.Open && o.Holds && !string.Equals(o.Scope, s.Scope, StringComparison.Ordinal))
        {
            // A different zone or waybill is a different episode: close this one where the new one begins.
            Close(plate, s, o.Fix.Time, EvidencePoint.From(o.Fix, "closed: " + (s.ZoneId.Length > 0 ? "zone" : "waybill") + " changed"), changes);
        }

        switch (s.Phase)
        {
            case EpisodePhase.Idle:
                if (!o.Holds)
                {
                    return;
                }

                s.Phase = EpisodePhase.Pending;
                s.Scope = o.Scope;
                s.CandidateSince = o.Since is { } since && since < o.Fix.Time ? since : o.Fix.Time;
                s.CandidateEvidence = o.SinceEvidence ?? EvidencePoint.From(o.Fix, "first fix");
                Absorb(s, o);
                TryOpen(plate, s, o, openAfter, changes);
                return;

            case EpisodePhase.Pending:
                if (!o.Holds)
                {
                    s.Reset();
                    return;
                }

                Absorb(s, o);
                TryOpen(plate, s, o, openAfter, changes);
                return;

            case EpisodePhase.Open:
                if (o.Holds)
                {
                    s.ClearSince = null;
                    s.ClearEvidence = null;
                    Absorb(s, o);
                    if (s.PeakPending && o.Fix.Time - s.LastPublished >= rules.UpdateInterval)
                    {
                        s.PeakPending = false;
                        s.LastPublished = o.Fix.Time;
                        s.Revision++;
                        changes.Add(new EpisodeChange(ChangeType.Updated, Snapshot(plate, s, end: null)));
                    }

                    return;
                }

                if (s.ClearSince is null)
                {
                    s.ClearSince = o.Since is { } clear && clear < o.Fix.Time && clear >= s.Start ? clear : o.Fix.Time;
                    s.ClearEvidence = o.SinceEvidence ?? EvidencePoint.From(o.Fix, "closed");
                }

                if (o.Fix.Time - s.ClearSince.Value >= closeAfter)
                {
                    Close(plate, s, s.ClearSince.Value, s.ClearEvidence!, changes);
                }

                return;
        }
    }

    /// <summary>Opens an episode directly (GPS_OFFLINE, whose condition is known only from the gap).</summary>
    public static void Open(string plate, EpisodeState s, DateTimeOffset start, EvidencePoint? evidence, string scope, string waybillId, IReadOnlyList<string> goodsClasses, List<EpisodeChange> changes)
    {
        s.Reset();
        s.Scope = scope;
        s.WaybillId = waybillId;
        s.GoodsClasses = [.. goodsClasses];
        s.CandidateSince = start;
        s.Phase = EpisodePhase.Open;
        s.Start = start;
        s.ViolationId = ViolationIds.Create(plate, s.Kind, scope, start);
        s.Revision = 1;
        s.LastPublished = start;
        if (evidence is not null)
        {
            s.Evidence.Add(evidence);
        }

        changes.Add(new EpisodeChange(ChangeType.Opened, Snapshot(plate, s, end: null)));
    }

    /// <summary>Closes an open episode at <paramref name="end"/> with <paramref name="evidence"/>.</summary>
    public static void Close(string plate, EpisodeState s, DateTimeOffset end, EvidencePoint evidence, List<EpisodeChange> changes)
    {
        if (s.Phase != EpisodePhase.Open)
        {
            return;
        }

        s.Evidence.Add(evidence);
        s.Revision++;
        changes.Add(new EpisodeChange(ChangeType.Closed, Snapshot(plate, s, end)));
        s.Reset();
    }

    /// <summary>The violation as it stands.</summary>
    public static ViolationSnapshot Snapshot(string plate, EpisodeState s, DateTimeOffset? end) => new(
        s.ViolationId!,
        plate,
        s.Kind,
        s.ZoneId,
        s.ZoneName,
        s.WaybillId,
        s.Start,
        end,
        [.. s.Evidence],
        Details(s, end),
        s.MaxDistanceMeters,
        s.MaxSpeedKmh,
        s.SpeedLimitKmh,
        [.. s.GoodsClasses],
        s.Revision);

    private static void TryOpen(string plate, EpisodeState s, Observation o, TimeSpan openAfter, List<EpisodeChange> changes)
    {
        if (o.Fix.Time - s.CandidateSince < openAfter)
        {
            return;
        }

        s.Phase = EpisodePhase.Open;
        s.Start = s.CandidateSince;
        s.ViolationId = ViolationIds.Create(plate, s.Kind, s.Scope, s.Start);
        s.Revision = 1;
        s.LastPublished = o.Fix.Time;
        s.PeakPending = false;
        var peaks = s.Evidence;
        s.Evidence = [s.CandidateEvidence!];
        if (s.CandidateEvidence!.FixTime != o.Fix.Time)
        {
            s.Evidence.Add(EvidencePoint.From(o.Fix, "opened"));
        }

        // A peak seen while pending is evidence too, unless it is one of the fixes already kept.
        foreach (var peak in peaks.Where(p => s.Evidence.All(e => e.FixTime != p.FixTime)))
        {
            s.Evidence.Add(peak);
        }

        changes.Add(new EpisodeChange(ChangeType.Opened, Snapshot(plate, s, end: null)));
    }

    /// <summary>Takes the observation's context and peaks; a new peak replaces the peak evidence.</summary>
    private static void Absorb(EpisodeState s, Observation o)
    {
        s.ZoneId = o.ZoneId;
        s.ZoneName = o.ZoneName;
        s.WaybillId = o.WaybillId;
        s.GoodsClasses = [.. o.GoodsClasses];
        if (o.SpeedLimitKmh is { } limit && (s.SpeedLimitKmh == 0 || limit < s.SpeedLimitKmh))
        {
            s.SpeedLimitKmh = limit;
        }

        // Only a peak that moved noticeably (≥ 10 m or 2 %, ≥ 1 km/h) is news worth evidence and an UPDATED event.
        string? peakNote = null;
        if (o.DistanceMeters is { } distance && distance > s.MaxDistanceMeters)
        {
            var noticeable = distance - s.MaxDistanceMeters >= Math.Max(10, s.MaxDistanceMeters * 0.02);
            s.MaxDistanceMeters = distance;
            if (noticeable)
            {
                peakNote = string.Create(CultureInfo.InvariantCulture, $"max distance {distance:F0} m");
            }
        }

        if (o.SpeedKmh is { } speed && speed > s.MaxSpeedKmh)
        {
            var noticeable = speed - s.MaxSpeedKmh >= 1;
            s.MaxSpeedKmh = speed;
            if (noticeable)
            {
                peakNote = string.Create(CultureInfo.InvariantCulture, $"max speed {speed:F0} km/h");
            }
        }

        if (peakNote is null)
        {
            return;
        }

        s.Evidence.RemoveAll(e => e.Note.StartsWith("max ", StringComparison.Ordinal));
        if (s.Evidence.All(e => e.FixTime != o.Fix.Time))
        {
            s.Evidence.Add(EvidencePoint.From(o.Fix, peakNote));
        }

        if (s.Phase == EpisodePhase.Open)
        {
            s.PeakPending = true;
        }
    }

    private static string Details(EpisodeState s, DateTimeOffset? end)
    {
        var classes = s.GoodsClasses.Count == 0 ? "-" : string.Join(",", s.GoodsClasses);
        var text = s.Kind switch
        {
            ViolationKind.RestrictedZone => $"Inside {s.ZoneName} ({s.ZoneId}) while its ban applies to class {classes}",
            ViolationKind.RouteDeviation => string.Create(CultureInfo.InvariantCulture, $"{s.MaxDistanceMeters / 1000:F1} km off the corridor of waybill {s.WaybillId}"),
            ViolationKind.OutsideTravelWindow => $"Moving outside the travel window of waybill {s.WaybillId}",
            ViolationKind.Overspeed => string.Create(CultureInfo.InvariantCulture, $"{s.MaxSpeedKmh:F0} km/h where the limit is {s.SpeedLimitKmh:F0} km/h") + (s.ZoneId.Length > 0 ? $" (zone {s.ZoneName})" : ""),
            ViolationKind.Fatigue => "Continuous driving over the limit without the required rest",
            ViolationKind.GpsOffline => "No fix while the waybill is loaded or in transit",
            ViolationKind.NoActiveWaybill => "Travelling without an active waybill",
            ViolationKind.AbnormalStop => $"High-hazard goods stationary away from origin, destination and parking (waybill {s.WaybillId})",
            _ => s.Kind.ToString(),
        };
        if (end is { } e)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" for {Math.Max(0, (e - s.Start).TotalMinutes):F0} min");
        }

        return text;
    }
}
