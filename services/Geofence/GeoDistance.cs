namespace HazChem.Transport.Geofence;

/// <summary>Geodesic distances on the mean Earth sphere (haversine; within 0.5 % of the ellipsoidal geodesic).</summary>
public static class GeoDistance
{
    /// <summary>Mean Earth radius in metres (IUGG R1).</summary>
    public const double EarthRadiusMeters = 6_371_008.8;

    /// <summary>Metres per degree of latitude on the mean sphere.</summary>
    public const double MetersPerDegree = EarthRadiusMeters * Math.PI / 180.0;

    private const double DegreesToRadians = Math.PI / 180.0;

    /// <summary>Haversine distance in metres between two WGS-84 points.</summary>
    /// <param name="lon1">Longitude of the first point in degrees.</param>
    /// <param name="lat1">Latitude of the first point in degrees.</param>
    /// <param name="lon2">Longitude of the second point in degrees.</param>
    /// <param name="lat2">Latitude of the second point in degrees.</param>
    public static double Meters(double lon1, double lat1, double lon2, double lat2)
    {
        var phi1 = lat1 * DegreesToRadians;
        var phi2 = lat2 * DegreesToRadians;
        var sinDPhi = Math.Sin((phi2 - phi1) / 2);
        var sinDLambda = Math.Sin((lon2 - lon1) * DegreesToRadians / 2);
        var h = (sinDPhi * sinDPhi) + (Math.Cos(phi1) * Math.Cos(phi2) * sinDLambda * sinDLambda);
        return 2 * EarthRadiusMeters * Math.Asin(Math.Sqrt(Math.Min(1.0, h)));
    }
}
