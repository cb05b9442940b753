using NetTopologySuite.Geometries;

namespace HazChem.Transport.Geofence;

/// <summary>A restricted zone: geometry in WGS-84 plus the rules that apply inside it.</summary>
public sealed class ZoneDefinition
{
    // Contiguous windows are chained back at most this far; a schedule covering a whole week is always on.
    private static readonly TimeSpan MaxChainLookback = TimeSpan.FromDays(8);

    /// <summary>Stable identifier, unique within an import.</summary>
    public required string Id { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>Zone kind (see <see cref="ZoneKinds"/>): restricted_area, tunnel, bridge, water_source, school, expressway_ban, ...</summary>
    public required string Kind { get; init; }

    /// <summary>Banned hazard classes or divisions ("2", "2.1", ...); empty = all classes banned.</summary>
    public IReadOnlyList<string> HazardClasses { get; init; } = [];

    /// <summary>Ban windows in Asia/Shanghai time; empty = always.</summary>
    public IReadOnlyList<ScheduleWindow> Schedule { get; init; } = [];

    /// <summary>Speed limit inside the zone, if any.</summary>
    public double? SpeedLimitKmh { get; init; }

    /// <summary>WGS-84 Polygon or MultiPolygon, valid.</summary>
    public required Geometry Geometry { get; init; }

    /// <summary>The CRS the zone was imported from (the geometry is always WGS-84).</summary>
    public SourceCrs SourceCrs { get; init; }

    /// <summary>True when the schedule applies at this instant (always true for an empty schedule).</summary>
    /// <param name="instant">The instant (fix time).</param>
    public bool IsScheduledAt(DateTimeOffset instant)
    {
        if (Schedule.Count == 0)
        {
            return true;
        }

        var local = ShanghaiTime.ToLocal(instant);
        foreach (var window in Schedule)
        {
            if (window.OccurrenceStartContaining(local) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Start (UTC) of the scheduled period that contains <paramref name="instant"/>, null if not scheduled.
    /// Windows that overlap or touch are one period, so the result is when the ban began without a break
    /// (e.g. Mon 22:00–02:00 followed by Tue 00:00–06:00 gives Mon 22:00 for Tue 05:00). Always ≤ instant.
    /// For an always-on zone (empty schedule, or a schedule covering the whole week) returns <see cref="DateTimeOffset.MinValue"/>.
    /// </summary>
    /// <param name="instant">The instant (fix time).</param>
    public DateTimeOffset? ScheduleWindowStart(DateTimeOffset instant)
    {
        if (Schedule.Count == 0)
        {
            return DateTimeOffset.MinValue;
        }

        var local = ShanghaiTime.ToLocal(instant);
        var start = EarliestStartContaining(local);
        if (start is null)
        {
            return null;
        }

        var limit = local - MaxChainLookback;
        while (true)
        {
            // The period continues backwards when the tick before its start is itself scheduled.
            var previous = EarliestStartContaining(start.Value.AddTicks(-1));
            if (previous is null || previous.Value >= start.Value)
            {
                break;
            }

            if (previous.Value < limit)
            {
                return DateTimeOffset.MinValue;
            }

            start = previous;
        }

        return ShanghaiTime.FromLocal(start.Value);
    }

    /// <summary>
    /// True when the zone bans at least one of these hazard classes/divisions: "2" in the zone covers "2.1".."2.3";
    /// a zone "2.1" bans goods "2.1" only (and "2.1" with a compatibility group, e.g. zone "1.1" covers goods "1.1D");
    /// an empty <see cref="HazardClasses"/> bans everything. Comparison ignores case and surrounding spaces.
    /// </summary>
    /// <param name="goodsClasses">The classes or divisions of the goods carried (as on the waybill).</param>
    public bool Bans(IEnumerable<string> goodsClasses)
    {
        ArgumentNullException.ThrowIfNull(goodsClasses);
        if (HazardClasses.Count == 0)
        {
            return true;
        }

        foreach (var goods in goodsClasses)
        {
            if (goods is null)
            {
                continue;
            }

            foreach (var banned in HazardClasses)
            {
                if (HazardClass.Covers(banned, goods))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private DateTime? EarliestStartContaining(DateTime local)
    {
        DateTime? earliest = null;
        foreach (var window in Schedule)
        {
            var start = window.OccurrenceStartContaining(local);
            if (start is not null && (earliest is null || start.Value < earliest.Value))
            {
                earliest = start;
            }
        }

        return earliest;
    }
}
