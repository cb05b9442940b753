using System.Globalization;
using System.Text;
using HazChem.Transport.Simulator.Jt808;

namespace HazChem.Transport.Simulator.Fleet;

/// <summary>A point of a recorded track.</summary>
internal sealed record TrackPoint(string VehicleId, string TripId, DateTimeOffset Time, GeoPoint Point, double? BearingDeg);

/// <summary>A fix to send <see cref="SendAfter"/> after the replay starts.</summary>
internal sealed record ScheduledFix(TimeSpan SendAfter, LocationFix Fix);

/// <summary>
/// Reads CSV tracks in the format of ../shared/data/tracks/*.csv (header row; columns <c>vehicle_id</c>,
/// <c>trip_id</c>, <c>timestamp</c> "yyyy-MM-dd HH:mm:ss" in the track's local time zone, <c>latitude</c>,
/// <c>longitude</c>, optional <c>bearing</c>; others ignored) and schedules them for replay.
/// </summary>
internal static class CsvTrack
{
    /// <summary>Reads the points of one vehicle (the first one in the file when <paramref name="vehicleId"/> is null), ordered by time.</summary>
    public static IReadOnlyList<TrackPoint> Read(TextReader reader, TimeZoneInfo timeZone, string? vehicleId = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(timeZone);
        var header = reader.ReadLine() ?? throw new FormatException("The CSV is empty; expected a header row.");
        var columns = Split(header).Select((name, i) => (name, i)).ToDictionary(c => c.name.Trim(), c => c.i, StringComparer.OrdinalIgnoreCase);
        int Column(string name) => columns.TryGetValue(name, out var i) ? i : throw new FormatException($"The CSV header has no '{name}' column (columns: {header}).");
        var (vehicle, trip, time, lat, lon) = (Column("vehicle_id"), Column("trip_id"), Column("timestamp"), Column("latitude"), Column("longitude"));
        var bearing = columns.GetValueOrDefault("bearing", -1);

        var points = new List<TrackPoint>();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var fields = Split(line);
            if (fields.Count <= Math.Max(Math.Max(vehicle, trip), Math.Max(time, Math.Max(lat, lon))))
            {
                throw new FormatException($"Line {lineNumber}: {fields.Count} fields, fewer than the header names.");
            }

            if (vehicleId is not null && fields[vehicle] != vehicleId)
            {
                continue;
            }

            vehicleId ??= fields[vehicle];
            if (!DateTime.TryParseExact(fields[time], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            {
                throw new FormatException($"Line {lineNumber}: timestamp '{fields[time]}' is not yyyy-MM-dd HH:mm:ss.");
            }

            if (!double.TryParse(fields[lat], NumberStyles.Float, CultureInfo.InvariantCulture, out var latValue) || Math.Abs(latValue) > 90
                || !double.TryParse(fields[lon], NumberStyles.Float, CultureInfo.InvariantCulture, out var lonValue) || Math.Abs(lonValue) > 180)
            {
                throw new FormatException($"Line {lineNumber}: latitude '{fields[lat]}' / longitude '{fields[lon]}' is not a WGS-84 coordinate.");
            }

            double? bearingValue = bearing >= 0 && bearing < fields.Count
                && double.TryParse(fields[bearing], NumberStyles.Float, CultureInfo.InvariantCulture, out var b) ? b : null;
            var utc = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), timeZone);
            points.Add(new TrackPoint(fields[vehicle], fields[trip], new DateTimeOffset(utc, TimeSpan.Zero), new GeoPoint(latValue, lonValue), bearingValue));
        }

        return [.. points.OrderBy(p => p.Time)];
    }

    /// <summary>
    /// Schedules a replay starting at <paramref name="start"/>: gaps between points are divided by
    /// <paramref name="speedup"/>; fix times are the replay times (so the track looks live) unless
    /// <paramref name="keepOriginalTimes"/>. Speed is the recorded distance over the recorded time.
    /// Points with the same time as the previous one are dropped (BCD time has whole seconds).
    /// </summary>
    public static IReadOnlyList<ScheduledFix> Schedule(IReadOnlyList<TrackPoint> points, DateTimeOffset start, double speedup, bool keepOriginalTimes = false)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (speedup <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(speedup), speedup, "speedup must be positive.");
        }

        var result = new List<ScheduledFix>(points.Count);
        TrackPoint? previous = null;
        var lastFixTime = DateTimeOffset.MinValue;
        foreach (var point in points)
        {
            var after = TimeSpan.FromTicks((long)((point.Time - points[0].Time).Ticks / speedup));
            var fixTime = keepOriginalTimes ? point.Time : start + after;
            fixTime = new DateTimeOffset(fixTime.UtcTicks - (fixTime.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
            if (fixTime <= lastFixTime)
            {
                continue;
            }

            var speed = 0.0;
            var heading = point.BearingDeg ?? 0;
            if (previous is not null)
            {
                var distance = Geo.DistanceM(previous.Point, point.Point);
                var seconds = (point.Time - previous.Time).TotalSeconds;
                speed = seconds > 0 ? distance / seconds * 3.6 : 0;
                if (point.BearingDeg is null && distance > 1)
                {
                    heading = Geo.BearingDeg(previous.Point, point.Point);
                }
            }

            result.Add(new ScheduledFix(after, new LocationFix
            {
                FixTime = fixTime,
                Lat = point.Point.Lat,
                Lon = point.Point.Lon,
                SpeedKmh = Math.Round(speed, 1),
                HeadingDeg = Math.Round(heading),
            }));
            previous = point;
            lastFixTime = fixTime;
        }

        return result;
    }

    // RFC 4180 fields: commas split, double quotes enclose, "" inside quotes is a quote.
    private static List<string> Split(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString());
        return fields;
    }
}
