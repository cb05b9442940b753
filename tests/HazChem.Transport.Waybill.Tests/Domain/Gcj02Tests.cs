using HazChem.Transport.Waybill.Domain;

namespace HazChem.Transport.Waybill.Tests.Domain;

public sealed class Gcj02Tests
{
    /// <summary>Published test vectors of the public GCJ-02 formula (eviltransform): WGS-84 → GCJ-02.</summary>
    public static readonly TheoryData<double, double, double, double> PublishedVectors = new()
    {
        { 121.5272106, 31.1774276, 121.531541859215, 31.17530398364597 },   // Shanghai
        { 113.912316, 22.543847, 113.9171764808363, 22.540796131694766 },   // Shenzhen
        { 116.377817, 39.911954, 116.38404722455657, 39.91334545536069 },   // Beijing
    };

    [Theory]
    [MemberData(nameof(PublishedVectors))]
    public void FromWgs84_PublishedVectors_MatchTheFormula(double wgsLon, double wgsLat, double gcjLon, double gcjLat)
    {
        var gcj = Gcj02.FromWgs84(new Coordinate(wgsLon, wgsLat));

        Assert.Equal(gcjLon, gcj.Lon, 1e-9);
        Assert.Equal(gcjLat, gcj.Lat, 1e-9);
    }

    [Theory]
    [MemberData(nameof(PublishedVectors))]
    public void ToWgs84_PublishedVectors_RecoverTheWgs84PointWithinOneMetre(double wgsLon, double wgsLat, double gcjLon, double gcjLat)
    {
        var wgs = Gcj02.ToWgs84(new Coordinate(gcjLon, gcjLat));

        Assert.True(Geodesy.DistanceMeters(wgs, new Coordinate(wgsLon, wgsLat)) < 1.0);
    }

    [Fact]
    public void ToWgs84_GridOverChina_RoundTripsWithinOneMetre()
    {
        var worst = 0.0;
        var points = 0;
        for (var lon = 73.5; lon <= 135.0; lon += 0.25)
        {
            for (var lat = 3.5; lat <= 53.5; lat += 0.25)
            {
                var wgs = new Coordinate(lon, lat);
                var back = Gcj02.ToWgs84(Gcj02.FromWgs84(wgs));
                worst = Math.Max(worst, Geodesy.DistanceMeters(wgs, back));
                points++;
            }
        }

        Assert.True(points > 40_000);
        Assert.True(worst < 1.0, $"worst round-trip error {worst:0.000} m");
    }

    [Fact]
    public void FromWgs84_InsideChina_OffsetIsTheFamiliarFewHundredMetres()
    {
        var chongqing = new Coordinate(106.55, 29.56);

        var offset = Geodesy.DistanceMeters(chongqing, Gcj02.FromWgs84(chongqing));

        Assert.InRange(offset, 100, 1000);
    }

    [Theory]
    [InlineData(139.6917, 35.6895)]    // Tokyo
    [InlineData(-104.9903, 39.7392)]   // Denver
    [InlineData(-0.1276, 51.5072)]     // London
    [InlineData(151.2093, -33.8688)]   // Sydney
    [InlineData(71.0, 40.0)]           // west of the box
    public void ToWgs84_OutsideChina_IsUnchanged(double lon, double lat)
    {
        var point = new Coordinate(lon, lat);

        Assert.Equal(point, Gcj02.ToWgs84(point));
        Assert.Equal(point, Gcj02.FromWgs84(point));
    }
}
