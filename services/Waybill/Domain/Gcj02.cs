using HazChem.Transport.Geofence;

namespace HazChem.Transport.Waybill.Domain;

/// <summary>A WGS-84 (or GCJ-02) longitude/latitude pair in degrees.</summary>
internal readonly record struct Coordinate(double Lon, double Lat);

/// <summary>
/// GCJ-02 (the datum of Chinese web maps) to and from WGS-84 (what JT/T 808 terminals report) for waybill routes:
/// the one implementation is <see cref="ChinaCoordinates"/> in the geofence library, so a route converted here and
/// a zone converted by RouteCompliance land on exactly the same WGS-84 points.
/// </summary>
internal static class Gcj02
{
    /// <summary>Whether the point lies outside the box in which GCJ-02 applies an offset.</summary>
    public static bool IsOutsideChina(Coordinate point) => ChinaCoordinates.IsOutsideChina(point.Lon, point.Lat);

    /// <summary>WGS-84 → GCJ-02 (the public forward formula).</summary>
    public static Coordinate FromWgs84(Coordinate wgs)
    {
        var (lon, lat) = ChinaCoordinates.Wgs84ToGcj02(wgs.Lon, wgs.Lat);
        return new Coordinate(lon, lat);
    }

    /// <summary>GCJ-02 → WGS-84, to well within a metre.</summary>
    public static Coordinate ToWgs84(Coordinate gcj)
    {
        var (lon, lat) = ChinaCoordinates.Gcj02ToWgs84(gcj.Lon, gcj.Lat);
        return new Coordinate(lon, lat);
    }
}

/// <summary>Great-circle distance, for tests and plausibility checks.</summary>
internal static class Geodesy
{
    /// <summary>Haversine distance in metres.</summary>
    public static double DistanceMeters(Coordinate a, Coordinate b) => GeoDistance.Meters(a.Lon, a.Lat, b.Lon, b.Lat);
}
