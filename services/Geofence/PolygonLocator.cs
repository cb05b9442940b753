using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;

namespace HazChem.Transport.Geofence;

/// <summary>
/// Allocation-free point-in-polygon for one Polygon/MultiPolygon (holes included): the edges of all rings are
/// bucketed into horizontal strips, and a query counts ray crossings among the edges of its strip only, with
/// NetTopologySuite's robust orientation predicate (the same rule as its RayCrossingCounter). Boundary counts
/// as inside. Immutable, so concurrent queries are safe.
/// </summary>
internal sealed class PolygonLocator
{
    // Edges grouped by strip: x1, y1, x2, y2 each; edges spanning several strips are repeated in each.
    private readonly double[] _edges;
    private readonly int[] _stripStart;
    private readonly int _stripCount;
    private readonly double _invStripHeight;

    public PolygonLocator(Geometry geometry)
    {
        var rings = Rings(geometry);
        var edgeCount = 0;
        foreach (var ring in rings)
        {
            edgeCount += ring.Count - 1;
        }

        var env = geometry.EnvelopeInternal;
        MinX = env.MinX;
        MinY = env.MinY;
        MaxX = env.MaxX;
        MaxY = env.MaxY;
        EdgeCount = edgeCount;
        var height = MaxY - MinY;
        _stripCount = height > 0 ? Math.Clamp(edgeCount / 2, 1, 8192) : 1;
        _invStripHeight = height > 0 ? _stripCount / height : 0;

        // Counting pass, then filling pass (CSR layout).
        var counts = new int[_stripCount + 1];
        foreach (var ring in rings)
        {
            for (var i = 0; i + 1 < ring.Count; i++)
            {
                var (first, last) = StripRange(ring.GetY(i), ring.GetY(i + 1));
                for (var s = first; s <= last; s++)
                {
                    counts[s + 1]++;
                }
            }
        }

        for (var s = 0; s < _stripCount; s++)
        {
            counts[s + 1] += counts[s];
        }

        _stripStart = counts;
        _edges = new double[counts[_stripCount] * 4];
        var fill = (int[])counts.Clone();
        foreach (var ring in rings)
        {
            for (var i = 0; i + 1 < ring.Count; i++)
            {
                var x1 = ring.GetX(i);
                var y1 = ring.GetY(i);
                var x2 = ring.GetX(i + 1);
                var y2 = ring.GetY(i + 1);
                var (first, last) = StripRange(y1, y2);
                for (var s = first; s <= last; s++)
                {
                    var at = fill[s]++ * 4;
                    _edges[at] = x1;
                    _edges[at + 1] = y1;
                    _edges[at + 2] = x2;
                    _edges[at + 3] = y2;
                }
            }
        }
    }

    public double MinX { get; }

    public double MinY { get; }

    public double MaxX { get; }

    public double MaxY { get; }

    public int EdgeCount { get; }

    /// <summary>Edges grouped by strip (x1, y1, x2, y2 each).</summary>
    internal double[] StripEdges => _edges;

    /// <summary>Start of each strip's edges in <see cref="StripEdges"/>, in edges; one more entry than strips.</summary>
    internal int[] StripStart => _stripStart;

    internal int StripCount => _stripCount;

    internal double InvStripHeight => _invStripHeight;

    /// <summary>True when the point is inside the polygon or on its boundary.</summary>
    public bool Covers(double x, double y)
    {
        if (!(y >= MinY && y <= MaxY && x >= MinX && x <= MaxX))
        {
            return false;
        }

        var strip = Math.Min((int)((y - MinY) * _invStripHeight), _stripCount - 1);
        return CrossingTest(_edges, _stripStart[strip] * 4, _stripStart[strip + 1] * 4, x, y);
    }

    /// <summary>
    /// Ray-crossing test over edges[from..to) (x1, y1, x2, y2 each), the rule of NetTopologySuite's RayCrossingCounter
    /// with its robust orientation predicate: true when the point is inside or on an edge.
    /// </summary>
    internal static bool CrossingTest(double[] edges, int from, int to, double x, double y)
    {
        var crossings = 0;
        for (var i = from; i < to; i += 4)
        {
            var x1 = edges[i];
            var x2 = edges[i + 2];
            if (x1 < x && x2 < x)
            {
                continue;
            }

            var y1 = edges[i + 1];
            var y2 = edges[i + 3];
            if (x == x2 && y == y2)
            {
                return true;
            }

            if (y1 == y && y2 == y)
            {
                if (x >= Math.Min(x1, x2) && x <= Math.Max(x1, x2))
                {
                    return true;
                }

                continue;
            }

            if ((y1 > y && y2 <= y) || (y2 > y && y1 <= y))
            {
                var orientation = Orientation(x1, y1, x2, y2, x, y);
                if (orientation == 0)
                {
                    return true;
                }

                if (y2 < y1)
                {
                    orientation = -orientation;
                }

                if (orientation > 0)
                {
                    crossings++;
                }
            }
        }

        return (crossings & 1) == 1;
    }

    /// <summary>
    /// Orientation of q relative to p1→p2 (1 left, -1 right, 0 collinear): the floating-point determinant when its
    /// sign is certain (the error-bound filter NetTopologySuite applies first), else NetTopologySuite's exact
    /// double-double predicate. Inlined here because nearly every call is settled by the filter.
    /// </summary>
    private static int Orientation(double p1x, double p1y, double p2x, double p2y, double qx, double qy)
    {
        const double SafeEpsilon = 1e-15;
        var detLeft = (p1x - qx) * (p2y - qy);
        var detRight = (p1y - qy) * (p2x - qx);
        var det = detLeft - detRight;
        double detSum;
        if (detLeft > 0.0)
        {
            if (detRight <= 0.0)
            {
                return Math.Sign(det);
            }

            detSum = detLeft + detRight;
        }
        else if (detLeft < 0.0)
        {
            if (detRight >= 0.0)
            {
                return Math.Sign(det);
            }

            detSum = -detLeft - detRight;
        }
        else
        {
            return Math.Sign(det);
        }

        var errorBound = SafeEpsilon * detSum;
        if (det >= errorBound || -det >= errorBound)
        {
            return Math.Sign(det);
        }

        return CGAlgorithmsDD.OrientationIndex(p1x, p1y, p2x, p2y, qx, qy);
    }

    internal static List<CoordinateSequence> Rings(Geometry geometry)
    {
        var rings = new List<CoordinateSequence>();
        switch (geometry)
        {
            case Polygon polygon:
                AddPolygon(polygon, rings);
                break;
            case MultiPolygon multi:
                foreach (var part in multi.Geometries)
                {
                    AddPolygon((Polygon)part, rings);
                }

                break;
            default:
                throw new ArgumentException($"Zone geometry must be a Polygon or MultiPolygon, not {geometry.GeometryType}.", nameof(geometry));
        }

        if (rings.Count == 0)
        {
            throw new ArgumentException("Zone geometry is empty.", nameof(geometry));
        }

        return rings;
    }

    private static void AddPolygon(Polygon polygon, List<CoordinateSequence> rings)
    {
        if (polygon.IsEmpty)
        {
            return;
        }

        rings.Add(polygon.Shell.CoordinateSequence);
        foreach (var hole in polygon.Holes)
        {
            rings.Add(hole.CoordinateSequence);
        }
    }

    private (int First, int Last) StripRange(double y1, double y2)
    {
        var first = Math.Clamp((int)((Math.Min(y1, y2) - MinY) * _invStripHeight), 0, _stripCount - 1);
        var last = Math.Clamp((int)((Math.Max(y1, y2) - MinY) * _invStripHeight), 0, _stripCount - 1);
        return (first, last);
    }
}
