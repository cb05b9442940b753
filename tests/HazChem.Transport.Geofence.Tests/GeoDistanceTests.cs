namespace HazChem.Transport.Geofence.Tests;

public sealed class GeoDistanceTests
{
    [Fact]
    public void Meters_OneDegreeAlongTheEquator_Is111195Metres()
    {
        Assert.Equal(111_195.08, GeoDistance.Meters(0, 0, 1, 0), 0.05);
    }

    [Fact]
    public void Meters_BeijingToShanghai_IsAbout1067Kilometres()
    {
        // Tiananmen to the Bund; the ellipsoidal geodesic is about 1,067 km, the sphere is within 0.5 %.
        var meters = GeoDistance.Meters(116.3975, 39.9087, 121.4903, 31.2397);

        Assert.InRange(meters, 1_067_000 * 0.995, 1_067_000 * 1.005);
    }

    [Fact]
    public void Meters_SamePoint_IsZero()
    {
        Assert.Equal(0, GeoDistance.Meters(106.5, 29.5, 106.5, 29.5));
    }

    [Fact]
    public void Meters_IsSymmetric()
    {
        Assert.Equal(GeoDistance.Meters(1, 2, 3, 4), GeoDistance.Meters(3, 4, 1, 2), 1e-6);
    }
}
