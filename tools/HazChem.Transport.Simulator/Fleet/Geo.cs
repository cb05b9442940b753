namespace HazChem.Transport.Simulator.Fleet;

/// <summary>A WGS-84 point.</summary>
internal readonly record struct GeoPoint(double Lat, double Lon);

/// <summary>Spherical geometry, accurate enough for simulated tracks (well under 1 % at city scale).</summary>
internal static class Geo
{
    public const double EarthRadiusM = 6_371_008.8;

    public static double DistanceM(GeoPoint a, GeoPoint b)
    {
        var dLat = Rad(b.Lat - a.Lat);
        var dLon = Rad(b.Lon - a.Lon);
        var h = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) + (Math.Cos(Rad(a.Lat)) * Math.Cos(Rad(b.Lat)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadiusM * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }

    /// <summary>Initial bearing from <paramref name="a"/> to <paramref name="b"/>, 0–360°, clockwise from north.</summary>
    public static double BearingDeg(GeoPoint a, GeoPoint b)
    {
        var y = Math.Sin(Rad(b.Lon - a.Lon)) * Math.Cos(Rad(b.Lat));
        var x = (Math.Cos(Rad(a.Lat)) * Math.Sin(Rad(b.Lat))) - (Math.Sin(Rad(a.Lat)) * Math.Cos(Rad(b.Lat)) * Math.Cos(Rad(b.Lon - a.Lon)));
        return (Deg(Math.Atan2(y, x)) + 360) % 360;
    }

    /// <summary>The point <paramref name="distanceM"/> from <paramref name="start"/> along <paramref name="bearingDeg"/>.</summary>
    public static GeoPoint Offset(GeoPoint start, double bearingDeg, double distanceM)
    {
        var d = distanceM / EarthRadiusM;
        var bearing = Rad(bearingDeg);
        var lat1 = Rad(start.Lat);
        var lon1 = Rad(start.Lon);
        var lat2 = Math.Asin((Math.Sin(lat1) * Math.Cos(d)) + (Math.Cos(lat1) * Math.Sin(d) * Math.Cos(bearing)));
        var lon2 = lon1 + Math.Atan2(Math.Sin(bearing) * Math.Sin(d) * Math.Cos(lat1), Math.Cos(d) - (Math.Sin(lat1) * Math.Sin(lat2)));
        return new GeoPoint(Deg(lat2), ((Deg(lon2) + 540) % 360) - 180);
    }

    /// <summary>Ray casting on lon/lat (ring closed or not).</summary>
    public static bool Contains(IReadOnlyList<GeoPoint> ring, GeoPoint p)
    {
        ArgumentNullException.ThrowIfNull(ring);
        var inside = false;
        for (int i = 0, j = ring.Count - 1; i < ring.Count; j = i++)
        {
            var (a, b) = (ring[i], ring[j]);
            if ((a.Lat > p.Lat) != (b.Lat > p.Lat) && p.Lon < ((b.Lon - a.Lon) * (p.Lat - a.Lat) / (b.Lat - a.Lat)) + a.Lon)
            {
                inside = !inside;
            }
        }

        return inside;
    }

    private static double Rad(double deg) => deg * Math.PI / 180;

    private static double Deg(double rad) => rad * 180 / Math.PI;
}

/// <summary>A polyline with cumulative distances, walked by distance.</summary>
internal sealed class Route
{
    private readonly double[] _cumulative;

    public Route(string name, IReadOnlyList<GeoPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count < 2)
        {
            throw new ArgumentException("A route needs at least two points.", nameof(points));
        }

        Name = name;
        Points = points;
        _cumulative = new double[points.Count];
        for (var i = 1; i < points.Count; i++)
        {
            _cumulative[i] = _cumulative[i - 1] + Geo.DistanceM(points[i - 1], points[i]);
        }
    }

    public string Name { get; }

    public IReadOnlyList<GeoPoint> Points { get; }

    public double LengthM => _cumulative[^1];

    /// <summary>The point and heading (direction of increasing distance) at <paramref name="distanceM"/>, clamped to the route.</summary>
    public (GeoPoint Point, double HeadingDeg) At(double distanceM)
    {
        var d = Math.Clamp(distanceM, 0, LengthM);
        var i = Array.BinarySearch(_cumulative, d);
        var segment = i >= 0 ? Math.Min(i, Points.Count - 2) : Math.Min(~i - 1, Points.Count - 2);
        var (a, b) = (Points[segment], Points[segment + 1]);
        var length = _cumulative[segment + 1] - _cumulative[segment];
        var t = length <= 0 ? 0 : (d - _cumulative[segment]) / length;
        var point = new GeoPoint(a.Lat + ((b.Lat - a.Lat) * t), a.Lon + ((b.Lon - a.Lon) * t));
        return (point, Geo.BearingDeg(a, b));
    }

    /// <summary>The smallest distance along the route whose point lies inside <paramref name="ring"/>, sampling every <paramref name="stepM"/>.</summary>
    public double? FirstDistanceInside(IReadOnlyList<GeoPoint> ring, double stepM = 50)
    {
        for (var d = 0.0; d <= LengthM; d += stepM)
        {
            if (Geo.Contains(ring, At(d).Point))
            {
                return d;
            }
        }

        return null;
    }

    /// <summary>Minimum distance from any sampled route point to <paramref name="target"/>.</summary>
    public double MinDistanceM(GeoPoint target, double stepM = 100)
    {
        var best = double.MaxValue;
        for (var d = 0.0; d <= LengthM; d += stepM)
        {
            best = Math.Min(best, Geo.DistanceM(At(d).Point, target));
        }

        return best;
    }
}
