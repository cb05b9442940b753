namespace HazChem.Transport.Geofence;

/// <summary>
/// GCJ-02 &lt;-&gt; WGS-84 (iterative inverse, well under 1 m error inside China; identity outside China).
/// GCJ-02 is the obfuscated datum Chinese web maps use; JT/T 808 terminals report WGS-84.
/// </summary>
public static class ChinaCoordinates
{
    // Krasovsky 1940 ellipsoid, as the published GCJ-02 forward transform uses it.
    private const double SemiMajorAxis = 6378245.0;
    private const double EccentricitySquared = 0.00669342162296594323;

    // The inverse iterates the forward transform; 1e-10 degrees is about 0.01 mm.
    private const double InverseTolerance = 1e-10;
    private const int MaxInverseIterations = 30;

    /// <summary>Converts a GCJ-02 coordinate to WGS-84 by iterating the forward transform (residual below 1 mm).</summary>
    /// <param name="lon">GCJ-02 longitude in degrees.</param>
    /// <param name="lat">GCJ-02 latitude in degrees.</param>
    /// <returns>The WGS-84 coordinate; unchanged outside China.</returns>
    public static (double Lon, double Lat) Gcj02ToWgs84(double lon, double lat)
    {
        if (IsOutsideChina(lon, lat))
        {
            return (lon, lat);
        }

        // Fixed-point iteration: the offset changes slowly with position, so it converges in a few steps.
        var wgsLon = lon;
        var wgsLat = lat;
        for (var i = 0; i < MaxInverseIterations; i++)
        {
            var (gcjLon, gcjLat) = Forward(wgsLon, wgsLat);
            var dLon = gcjLon - lon;
            var dLat = gcjLat - lat;
            wgsLon -= dLon;
            wgsLat -= dLat;
            if (Math.Abs(dLon) < InverseTolerance && Math.Abs(dLat) < InverseTolerance)
            {
                break;
            }
        }

        return (wgsLon, wgsLat);
    }

    /// <summary>Converts a WGS-84 coordinate to GCJ-02 (the published forward transform).</summary>
    /// <param name="lon">WGS-84 longitude in degrees.</param>
    /// <param name="lat">WGS-84 latitude in degrees.</param>
    /// <returns>The GCJ-02 coordinate; unchanged outside China.</returns>
    public static (double Lon, double Lat) Wgs84ToGcj02(double lon, double lat) =>
        IsOutsideChina(lon, lat) ? (lon, lat) : Forward(lon, lat);

    /// <summary>
    /// True when the coordinate lies outside the rectangle in which GCJ-02 differs from WGS-84
    /// (the conventional box 72.004–137.8347 E, 0.8293–55.8271 N).
    /// </summary>
    /// <param name="lon">Longitude in degrees.</param>
    /// <param name="lat">Latitude in degrees.</param>
    public static bool IsOutsideChina(double lon, double lat) =>
        !(lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271);

    private static (double Lon, double Lat) Forward(double lon, double lat)
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
        return (lon + dLon, lat + dLat);
    }

    private static double TransformLat(double x, double y)
    {
        var ret = -100.0 + (2.0 * x) + (3.0 * y) + (0.2 * y * y) + (0.1 * x * y) + (0.2 * Math.Sqrt(Math.Abs(x)));
        ret += ((20.0 * Math.Sin(6.0 * x * Math.PI)) + (20.0 * Math.Sin(2.0 * x * Math.PI))) * 2.0 / 3.0;
        ret += ((20.0 * Math.Sin(y * Math.PI)) + (40.0 * Math.Sin(y / 3.0 * Math.PI))) * 2.0 / 3.0;
        ret += ((160.0 * Math.Sin(y / 12.0 * Math.PI)) + (320 * Math.Sin(y * Math.PI / 30.0))) * 2.0 / 3.0;
        return ret;
    }

    private static double TransformLon(double x, double y)
    {
        var ret = 300.0 + x + (2.0 * y) + (0.1 * x * x) + (0.1 * x * y) + (0.1 * Math.Sqrt(Math.Abs(x)));
        ret += ((20.0 * Math.Sin(6.0 * x * Math.PI)) + (20.0 * Math.Sin(2.0 * x * Math.PI))) * 2.0 / 3.0;
        ret += ((20.0 * Math.Sin(x * Math.PI)) + (40.0 * Math.Sin(x / 3.0 * Math.PI))) * 2.0 / 3.0;
        ret += ((150.0 * Math.Sin(x / 12.0 * Math.PI)) + (300.0 * Math.Sin(x / 30.0 * Math.PI))) * 2.0 / 3.0;
        return ret;
    }
}
