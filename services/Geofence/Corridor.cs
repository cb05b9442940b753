namespace HazChem.Transport.Geofence;

/// <summary>
/// A waybill's planned route with a corridor half-width. Immutable and thread-safe.
/// Distances use a local equirectangular projection centred on the query point to pick the closest
/// point of each segment, then the haversine distance to that point; at corridor scale (metres to
/// tens of kilometres) this is well within 1 % of the geodesic. Segments are grouped in runs of
/// consecutive segments with bounding boxes, so a query skips most of a long route.
/// </summary>
public sealed class Corridor
{
    private const int SegmentsPerChunk = 16;
    private const int ChunksPerGroup = 16;
    private const double DegreesToRadians = Math.PI / 180.0;

    // Route vertices (x = lon, y = lat), flat.
    private readonly double[] _lon;
    private readonly double[] _lat;
    private readonly int _segmentCount;

    // Two-level bounding boxes ([minLon, minLat, maxLon, maxLat] each): chunks of 16 consecutive segments, and
    // groups of 16 chunks. Consecutive segments are close together, so the boxes are tight and a query visits
    // a few groups and chunks of even a very long route.
    private readonly double[] _chunkBoxes;
    private readonly double[] _groupBoxes;

    /// <summary>Creates the corridor.</summary>
    /// <param name="routeWgs84">Route vertices in WGS-84 (at least one; a single vertex is a point route).</param>
    /// <param name="halfWidthMeters">Corridor half-width in metres (&gt; 0).</param>
    /// <exception cref="ArgumentException">No vertices, or a vertex is not a finite WGS-84 coordinate.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The half-width is not positive and finite.</exception>
    public Corridor(IReadOnlyList<(double Lon, double Lat)> routeWgs84, double halfWidthMeters)
    {
        ArgumentNullException.ThrowIfNull(routeWgs84);
        if (routeWgs84.Count == 0)
        {
            throw new ArgumentException("A route needs at least one vertex.", nameof(routeWgs84));
        }

        if (!double.IsFinite(halfWidthMeters) || halfWidthMeters <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(halfWidthMeters), halfWidthMeters, "The corridor half-width must be a positive number of metres.");
        }

        HalfWidthMeters = halfWidthMeters;
        var count = routeWgs84.Count;
        // A single vertex becomes a zero-length segment so queries need no special case.
        var vertexCount = Math.Max(2, count);
        _lon = new double[vertexCount];
        _lat = new double[vertexCount];
        for (var i = 0; i < vertexCount; i++)
        {
            var (lon, lat) = routeWgs84[Math.Min(i, count - 1)];
            if (!double.IsFinite(lon) || !double.IsFinite(lat) || lon is < -180 or > 180 || lat is < -90 or > 90)
            {
                throw new ArgumentException($"Route vertex {i} ({lon}, {lat}) is not a WGS-84 coordinate (longitude within ±180, latitude within ±90).", nameof(routeWgs84));
            }

            _lon[i] = lon;
            _lat[i] = lat;
        }

        _segmentCount = vertexCount - 1;
        var chunkCount = (_segmentCount + SegmentsPerChunk - 1) / SegmentsPerChunk;
        _chunkBoxes = new double[chunkCount * 4];
        for (var c = 0; c < chunkCount; c++)
        {
            var first = c * SegmentsPerChunk;
            var last = Math.Min(_segmentCount, first + SegmentsPerChunk); // last segment index + 1 = its end vertex
            SetBox(_chunkBoxes, c, double.MaxValue, double.MaxValue, double.MinValue, double.MinValue);
            for (var v = first; v <= last; v++)
            {
                Grow(_chunkBoxes, c, _lon[v], _lat[v], _lon[v], _lat[v]);
            }
        }

        var groupCount = (chunkCount + ChunksPerGroup - 1) / ChunksPerGroup;
        _groupBoxes = new double[groupCount * 4];
        for (var g = 0; g < groupCount; g++)
        {
            SetBox(_groupBoxes, g, double.MaxValue, double.MaxValue, double.MinValue, double.MinValue);
            for (var c = g * ChunksPerGroup; c < Math.Min(chunkCount, (g + 1) * ChunksPerGroup); c++)
            {
                Grow(_groupBoxes, g, _chunkBoxes[c * 4], _chunkBoxes[(c * 4) + 1], _chunkBoxes[(c * 4) + 2], _chunkBoxes[(c * 4) + 3]);
            }
        }
    }

    /// <summary>Corridor half-width in metres.</summary>
    public double HalfWidthMeters { get; }

    /// <summary>Number of route vertices (a single-vertex route reports 2: the vertex twice).</summary>
    public int VertexCount => _lon.Length;

    /// <summary>
    /// Shortest distance in metres from the point to the route polyline, within 1 % of the geodesic value
    /// at corridor scale. 0 on the line.
    /// </summary>
    /// <param name="lon">WGS-84 longitude of the point.</param>
    /// <param name="lat">WGS-84 latitude of the point.</param>
    public double DistanceMeters(double lon, double lat)
    {
        var (segment, t) = Closest(lon, lat, double.PositiveInfinity, stopBelow: -1);
        return ExactDistance(lon, lat, segment, t);
    }

    /// <summary>True when the point lies within <see cref="HalfWidthMeters"/> of the route (boundary inclusive).</summary>
    /// <param name="lon">WGS-84 longitude of the point.</param>
    /// <param name="lat">WGS-84 latitude of the point.</param>
    public bool Contains(double lon, double lat)
    {
        // The projected distance is within a fraction of a percent of the haversine at this scale; prune with
        // a 2 % margin, stop at the first segment clearly inside, and settle borderline cases exactly.
        var (segment, t) = Closest(lon, lat, HalfWidthMeters * 1.02, stopBelow: HalfWidthMeters * 0.98);
        return segment >= 0 && ExactDistance(lon, lat, segment, t) <= HalfWidthMeters;
    }

    /// <summary>
    /// Finds the closest segment (index and parameter) by the projected distance, considering only segments
    /// within <paramref name="bound"/> metres and stopping at the first closer than <paramref name="stopBelow"/>;
    /// segment -1 when none. The group and then the chunk with the smallest lower bound is searched first, which
    /// tightens the bound early; the others are pruned by their boxes.
    /// </summary>
    private (int Segment, double T) Closest(double lon, double lat, double bound, double stopBelow)
    {
        var search = new Search(lon, lat, Math.Cos(lat * DegreesToRadians) * GeoDistance.MetersPerDegree, bound, stopBelow);
        var groupCount = _groupBoxes.Length / 4;
        var firstGroup = NearestBox(_groupBoxes, 0, groupCount, ref search);
        if (SearchGroup(firstGroup, ref search))
        {
            return (search.Segment, search.T);
        }

        for (var g = 0; g < groupCount; g++)
        {
            if (g != firstGroup && LowerBound(_groupBoxes, g, ref search) <= search.Best && SearchGroup(g, ref search))
            {
                break;
            }
        }

        return (search.Segment, search.T);
    }

    /// <summary>Searches one group of chunks; true when the search may stop.</summary>
    private bool SearchGroup(int group, ref Search search)
    {
        var chunkCount = _chunkBoxes.Length / 4;
        var from = group * ChunksPerGroup;
        var to = Math.Min(chunkCount, from + ChunksPerGroup);
        var firstChunk = NearestBox(_chunkBoxes, from, to, ref search);
        if (LowerBound(_chunkBoxes, firstChunk, ref search) <= search.Best && SearchChunk(firstChunk, ref search))
        {
            return true;
        }

        for (var c = from; c < to; c++)
        {
            if (c != firstChunk && LowerBound(_chunkBoxes, c, ref search) <= search.Best && SearchChunk(c, ref search))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Projected distance to each segment of a chunk; true when the search may stop.</summary>
    private bool SearchChunk(int chunk, ref Search search)
    {
        const double ky = GeoDistance.MetersPerDegree;
        var first = chunk * SegmentsPerChunk;
        var last = Math.Min(_segmentCount, first + SegmentsPerChunk);
        var lon = search.Lon;
        var lat = search.Lat;
        var kx = search.Kx;
        for (var s = first; s < last; s++)
        {
            // Segment endpoints relative to the query point, in metres of the local equirectangular projection.
            var ax = (_lon[s] - lon) * kx;
            var ay = (_lat[s] - lat) * ky;
            var vx = ((_lon[s + 1] - lon) * kx) - ax;
            var vy = ((_lat[s + 1] - lat) * ky) - ay;
            var lengthSquared = (vx * vx) + (vy * vy);
            var t = lengthSquared > 0 ? Math.Clamp(-((ax * vx) + (ay * vy)) / lengthSquared, 0, 1) : 0;
            var px = ax + (t * vx);
            var py = ay + (t * vy);
            var dSquared = (px * px) + (py * py);
            if (dSquared <= search.BestSquared)
            {
                search.BestSquared = dSquared;
                search.Best = Math.Sqrt(dSquared);
                search.Segment = s;
                search.T = t;
                if (search.Best < search.StopBelow)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static int NearestBox(double[] boxes, int from, int to, ref Search search)
    {
        var nearest = from;
        var nearestBound = double.MaxValue;
        for (var b = from; b < to; b++)
        {
            var lower = LowerBound(boxes, b, ref search);
            if (lower < nearestBound)
            {
                nearestBound = lower;
                nearest = b;
            }
        }

        return nearest;
    }

    /// <summary>Exact lower bound of the projected distance from the query to anything in the box (no trigonometry).</summary>
    private static double LowerBound(double[] boxes, int box, ref Search search)
    {
        var at = box * 4;
        var dx = Math.Max(0, Math.Max(boxes[at] - search.Lon, search.Lon - boxes[at + 2])) * search.Kx;
        var dy = Math.Max(0, Math.Max(boxes[at + 1] - search.Lat, search.Lat - boxes[at + 3])) * GeoDistance.MetersPerDegree;
        return Math.Sqrt((dx * dx) + (dy * dy));
    }

    private static void SetBox(double[] boxes, int box, double minLon, double minLat, double maxLon, double maxLat)
    {
        boxes[box * 4] = minLon;
        boxes[(box * 4) + 1] = minLat;
        boxes[(box * 4) + 2] = maxLon;
        boxes[(box * 4) + 3] = maxLat;
    }

    private static void Grow(double[] boxes, int box, double minLon, double minLat, double maxLon, double maxLat) =>
        SetBox(
            boxes,
            box,
            Math.Min(boxes[box * 4], minLon),
            Math.Min(boxes[(box * 4) + 1], minLat),
            Math.Max(boxes[(box * 4) + 2], maxLon),
            Math.Max(boxes[(box * 4) + 3], maxLat));

    private double ExactDistance(double lon, double lat, int segment, double t)
    {
        if (segment < 0)
        {
            return double.PositiveInfinity;
        }

        var pLon = _lon[segment] + (t * (_lon[segment + 1] - _lon[segment]));
        var pLat = _lat[segment] + (t * (_lat[segment + 1] - _lat[segment]));
        return GeoDistance.Meters(lon, lat, pLon, pLat);
    }

    /// <summary>State of one query: the point, its x scale and the best segment so far.</summary>
    private struct Search(double lon, double lat, double kx, double bound, double stopBelow)
    {
        public readonly double Lon = lon;
        public readonly double Lat = lat;
        public readonly double Kx = kx;
        public readonly double StopBelow = stopBelow;
        public double Best = bound;
        public double BestSquared = bound * bound;
        public int Segment = -1;
        public double T;
    }
}
