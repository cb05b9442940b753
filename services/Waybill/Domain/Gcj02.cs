namespace HazChem.Transport.Waybill.Domain;

/// <summary>A WGS-84 (or GCJ-02) longitude/latitude pair in degrees.</summary>
internal readonly record struct Coordinate(double Lon, double Lat);

/// <summary>
/// GCJ-02 (the obfuscated datum of Chinese web maps) to and from WGS-84 (what JT/T 808 terminals report).
/// The forward direction is the public formula (Krasovsky ellipsoid constants, offset only inside China's
/// rough bounding box); the inverse has no closed form and is solved by fixed-point iteration of the forward
/// formula, which converges to far below a metre in a few steps because the offset varies slowly.
/// </summary>
internal static class Gcj02
{
    private const double SemiMajorAxis = 6378245.0;
    private const double EccentricitySquared = 0.00669342162296594323;
    private const double ToleranceDegrees = 1e-10;
    private const int MaxIterations = 30;

    /// <summary>Whether the point lies outside the box in which GCJ-02 applies an offset.</summary>
    public static bool IsOutsideChina(Coordinate point) =>
        point.Lon is < 72.004 or > 137.8347 || point.Lat is < 0.8293 or > 55.8271;

    /// <summary>WGS-84 → GCJ-02 (the public forward formula).</summary>
    public static Coordinate FromWgs84(Coordinate wgs)
    {
        if (IsOutsideChina(wgs))
        {
            return wgs;
        }

        var (dLon, dLat) = Offset(wgs.Lon, wgs.Lat);
        return new Coordinate(wgs.Lon + dLon, wgs.Lat + dLat);
    }

    /// <summary>GCJ-02 → WGS-84: the point whose forward transform is <paramref name="gcj"/>, to well within a metre.</summary>
    public static Coordinate ToWgs84(Coordinate gcj)
    {
        if (IsOutsideChina(gcj))
        {
            return gcj;
        }

        var wgs = gcj;
        for (var i = 0; i < MaxIterations; i++)
        {
            var forward = FromWgs84(wgs);
            var errorLon = forward.Lon - gcj.Lon;
            var errorLat = forward.Lat - gcj.Lat;
            wgs = new Coordinate(wgs.Lon - errorLon, wgs.Lat - errorLat);
            if (Math.Abs(errorLon) < ToleranceDegrees && Math.Abs(errorLat) < ToleranceDegrees)
            {
                break;
            }
        }

        return wgs;
    }

    private static (double DLon, double DLat) Offset(double lon, double lat)
    {
        var x = lon - 105.0;
        var y = lat - 35.0;
        var dLat = TransformLat(x, y);
        var dLon = TransformLon(x, y);
        var radLat = lat / 180.0 * Math.PI;
        var magic = Math.Sin(radLat);
        magic = 1 - (EccentricitySquared * magic * magic);
        var sqrtMagic = Math.Sqrt(magic);
        dLat = dLat * 180.0 / (SemiMajorAxis * (1 - EccentricitySquared) / (magic * sqrtMagic) * Math.PI);
        dLon = dLon * 180.0 / (SemiMajorAxis / sqrtMagic * Math.Cos(radLat) * Math.PI);
        return (dLon, dLat);
    }

    private static double TransformLat(double x, double y)
    {
        var result = -100.0 + (2.0 * x) + (3.0 * y) + (0.2 * y * y) + (0.1 * x * y) + (0.2 * Math.Sqrt(Math.Abs(x)));
        result += ((20.0 * Math.Sin(6.0 * x * Math.PI)) + (20.0 * Math.Sin(2.0 * x * Math.PI))) * 2.0 / 3.0;
        result += ((20.0 * Math.Sin(y * Math.PI)) + (40.0 * Math.Sin(y / 3.0 * Math.PI))) * 2.0 / 3.0;
        result += ((160.0 * Math.Sin(y / 12.0 * Math.PI)) + (320.0 * Math.Sin(y * Math.PI / 30.0))) * 2.0 / 3.0;
        return result;
    }

    private static double TransformLon(double x, double y)
    {
        var result = 300.0 + x + (2.0 * y) + (0.1 * x * x) + (0.1 * x * y) + (0.1 * Math.Sqrt(Math.Abs(x)));
        result += ((20.0 * Math.Sin(6.0 * x * Math.PI)) + (20.0 * Math.Sin(2.0 * x * Math.PI))) * 2.0 / 3.0;
        result += ((20.0 * Math.Sin(x * Math.PI)) + (40.0 * Math.Sin(x / 3.0 * Math.PI))) * 2.0 / 3.0;
        result += ((150.0 * Math.Sin(x / 12.0 * Math.PI)) + (300.0 * Math.Sin(x / 30.0 * Math.PI))) * 2.0 / 3.0;
        return result;
    }
}

/// <summary>Great-circle distance, for tests and plausibility checks.</summary>
internal static class Geodesy
{
    private const double EarthRadiusMeters = 6_371_008.8;

    /// <summary>Haversine distance in metres.</summary>
    public static double DistanceMeters(Coordinate a, Coordinate b)
    {
        var lat1 = a.Lat * Math.PI / 180;
        var lat2 = b.Lat * Math.PI / 180;
        var dLat = lat2 - lat1;
        var dLon = (b.Lon - a.Lon) * Math.PI / 180;
        var h = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) + (Math.Cos(lat1) * Math.Cos(lat2) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadiusMeters * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }
}
