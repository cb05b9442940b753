namespace HazChem.Transport.Geofence.Tests;

public sealed class ChinaCoordinatesTests
{
    // Published reference pair: the widely used coordtransform library's documented example
    // (wgs84togcj02(116.404, 39.915) = [116.41024449916938, 39.91640428150164]), Tiananmen, Beijing.
    private const double ReferenceWgsLon = 116.404;
    private const double ReferenceWgsLat = 39.915;
    private const double ReferenceGcjLon = 116.41024449916938;
    private const double ReferenceGcjLat = 39.91640428150164;

    [Fact]
    public void Wgs84ToGcj02_PublishedReferencePoint_MatchesToMillimetres()
    {
        var (lon, lat) = ChinaCoordinates.Wgs84ToGcj02(ReferenceWgsLon, ReferenceWgsLat);

        Assert.True(GeoDistance.Meters(lon, lat, ReferenceGcjLon, ReferenceGcjLat) < 0.001, $"got ({lon}, {lat})");
    }

    [Fact]
    public void Gcj02ToWgs84_PublishedReferencePoint_RecoversWgs84WithinOneCentimetre()
    {
        var (lon, lat) = ChinaCoordinates.Gcj02ToWgs84(ReferenceGcjLon, ReferenceGcjLat);

        Assert.True(GeoDistance.Meters(lon, lat, ReferenceWgsLon, ReferenceWgsLat) < 0.01, $"got ({lon}, {lat})");
    }

    [Theory]
    [InlineData(106.577, 29.557)] // Chongqing, Jiefangbei
    [InlineData(121.4737, 31.2304)] // Shanghai
    [InlineData(87.6168, 43.8256)] // Urumqi, far west
    [InlineData(126.6424, 45.7569)] // Harbin, north-east
    [InlineData(110.3312, 20.0311)] // Haikou, south
    [InlineData(91.1409, 29.6456)] // Lhasa
    public void Gcj02ToWgs84_RoundTripOfCities_WithinOneMetre(double lon, double lat)
    {
        var gcj = ChinaCoordinates.Wgs84ToGcj02(lon, lat);
        var back = ChinaCoordinates.Gcj02ToWgs84(gcj.Lon, gcj.Lat);

        Assert.True(GeoDistance.Meters(lon, lat, back.Lon, back.Lat) < 1.0);
        // Plausibility: the GCJ-02 offset is a few hundred metres everywhere in China.
        var offset = GeoDistance.Meters(lon, lat, gcj.Lon, gcj.Lat);
        Assert.InRange(offset, 50, 1_000);
    }

    [Fact]
    public void Gcj02ToWgs84_RoundTripOverAGridCoveringChina_WithinOneMetreEverywhere()
    {
        var worst = 0.0;
        for (var lon = 73.0; lon <= 135.0; lon += 0.73)
        {
            for (var lat = 18.0; lat <= 53.5; lat += 0.41)
            {
                var gcj = ChinaCoordinates.Wgs84ToGcj02(lon, lat);
                var back = ChinaCoordinates.Gcj02ToWgs84(gcj.Lon, gcj.Lat);
                worst = Math.Max(worst, GeoDistance.Meters(lon, lat, back.Lon, back.Lat));
            }
        }

        Assert.True(worst < 0.01, $"worst round-trip error {worst} m");
    }

    [Theory]
    [InlineData(-0.1276, 51.5072)] // London
    [InlineData(139.6917, 35.6895)] // Tokyo (east of the box)
    [InlineData(106.5, -6.2)] // Jakarta (south of the box)
    public void Gcj02ToWgs84_OutsideChina_IsIdentity(double lon, double lat)
    {
        Assert.True(ChinaCoordinates.IsOutsideChina(lon, lat));
        Assert.Equal((lon, lat), ChinaCoordinates.Gcj02ToWgs84(lon, lat));
        Assert.Equal((lon, lat), ChinaCoordinates.Wgs84ToGcj02(lon, lat));
    }

    [Fact]
    public void IsOutsideChina_Beijing_IsFalse()
    {
        Assert.False(ChinaCoordinates.IsOutsideChina(116.4, 39.9));
    }
}
