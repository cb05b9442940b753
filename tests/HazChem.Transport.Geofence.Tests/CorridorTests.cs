namespace HazChem.Transport.Geofence.Tests;

public sealed class CorridorTests
{
    /// <summary>
    /// Reference: per segment, the minimum haversine distance over the segment found by ternary search on the
    /// segment parameter (the distance is unimodal along a segment this short), then the minimum over segments.
    /// </summary>
    private static double ReferenceDistance(List<(double Lon, double Lat)> route, double lon, double lat)
    {
        var best = double.MaxValue;
        for (var i = 0; i + 1 < route.Count; i++)
        {
            var (aLon, aLat) = route[i];
            var (bLon, bLat) = route[i + 1];
            double At(double t) => GeoDistance.Meters(lon, lat, aLon + (t * (bLon - aLon)), aLat + (t * (bLat - aLat)));
            double low = 0, high = 1;
            for (var step = 0; step < 200; step++)
            {
                var m1 = low + ((high - low) / 3);
                var m2 = high - ((high - low) / 3);
                if (At(m1) <= At(m2))
                {
                    high = m2;
                }
                else
                {
                    low = m1;
                }
            }

            best = Math.Min(best, Math.Min(At((low + high) / 2), Math.Min(At(0), At(1))));
        }

        return best;
    }

    private static List<(double Lon, double Lat)> ZigZagRoute(int vertices, double startLon, double startLat, Random random)
    {
        var route = new List<(double Lon, double Lat)>();
        var lon = startLon;
        var lat = startLat;
        for (var i = 0; i < vertices; i++)
        {
            route.Add((lon, lat));
            lon += 0.002 + (random.NextDouble() * 0.01);
            lat += (random.NextDouble() - 0.5) * 0.012;
        }

        return route;
    }

    [Fact]
    public void DistanceMeters_PointOnTheLine_IsZero()
    {
        var corridor = new Corridor([(106.5, 29.5), (106.6, 29.6)], 500);

        Assert.Equal(0, corridor.DistanceMeters(106.55, 29.55), 0.01);
        Assert.Equal(0, corridor.DistanceMeters(106.5, 29.5), 1e-9);
    }

    [Fact]
    public void DistanceMeters_DueNorthOfAnEastWestRoute_IsTheLatitudeOffset()
    {
        var corridor = new Corridor([(106.0, 30.0), (107.0, 30.0)], 500);

        // 0.01° of latitude is 1,111.95 m on the mean sphere.
        Assert.Equal(1_111.95, corridor.DistanceMeters(106.5, 30.01), 1.0);
    }

    [Fact]
    public void DistanceMeters_BeyondTheEnd_IsTheDistanceToTheEndVertex()
    {
        var corridor = new Corridor([(106.0, 30.0), (106.1, 30.0)], 500);

        Assert.Equal(GeoDistance.Meters(106.13, 30.02, 106.1, 30.0), corridor.DistanceMeters(106.13, 30.02), 1e-6);
    }

    [Fact]
    public void DistanceMeters_RandomPointsNearARealisticRoute_WithinOnePercentOfTheHaversineReference()
    {
        var random = new Random(2026);
        var route = ZigZagRoute(60, 106.3, 29.4, random);
        var corridor = new Corridor(route, 500);
        var worst = 0.0;
        for (var i = 0; i < 300; i++)
        {
            var (vLon, vLat) = route[random.Next(route.Count)];
            // Metres to ~30 km from the route.
            var scale = Math.Pow(10, -4 + (random.NextDouble() * 3.5));
            var lon = vLon + ((random.NextDouble() - 0.5) * scale);
            var lat = vLat + ((random.NextDouble() - 0.5) * scale);
            var reference = ReferenceDistance(route, lon, lat);
            var actual = corridor.DistanceMeters(lon, lat);
            // Relative error (1 cm absolute slack right on the line).
            worst = Math.Max(worst, Math.Abs(actual - reference) / Math.Max(reference, 0.01));
        }

        Assert.True(worst < 0.01, $"worst relative error {worst:P3}");
    }

    [Fact]
    public void DistanceMeters_LongRouteOfThousandsOfVertices_MatchesABruteForceScan()
    {
        var random = new Random(7);
        var route = ZigZagRoute(2_000, 100.0, 30.0, random);
        var corridor = new Corridor(route, 500);
        var single = route.Zip(route.Skip(1)).Select(pair => new Corridor([pair.First, pair.Second], 500)).ToList();
        for (var i = 0; i < 100; i++)
        {
            var (vLon, vLat) = route[random.Next(route.Count)];
            var lon = vLon + ((random.NextDouble() - 0.5) * 0.2);
            var lat = vLat + ((random.NextDouble() - 0.5) * 0.2);
            var brute = single.Min(c => c.DistanceMeters(lon, lat));

            Assert.Equal(brute, corridor.DistanceMeters(lon, lat), 1e-6);
        }
    }

    [Fact]
    public void Contains_FifteenHundredMetresOffAFiveHundredMetreCorridor_IsFalse()
    {
        var corridor = new Corridor([(106.0, 30.0), (106.2, 30.0)], 500);
        var offLat = 30.0 + (1_500 / GeoDistance.MetersPerDegree);

        Assert.False(corridor.Contains(106.1, offLat));
        Assert.True(corridor.Contains(106.1, 30.0 + (499 / GeoDistance.MetersPerDegree)));
        Assert.False(corridor.Contains(106.1, 30.0 + (501 / GeoDistance.MetersPerDegree)));
    }

    [Fact]
    public void Contains_AgreesWithDistanceMeters_ForRandomPoints()
    {
        var random = new Random(11);
        var route = ZigZagRoute(300, 106.3, 29.4, random);
        var corridor = new Corridor(route, 500);
        for (var i = 0; i < 2_000; i++)
        {
            var (vLon, vLat) = route[random.Next(route.Count)];
            var lon = vLon + ((random.NextDouble() - 0.5) * 0.03);
            var lat = vLat + ((random.NextDouble() - 0.5) * 0.03);

            Assert.Equal(corridor.DistanceMeters(lon, lat) <= 500, corridor.Contains(lon, lat));
        }
    }

    [Fact]
    public void DistanceMeters_SingleVertexRoute_IsTheDistanceToThatVertex()
    {
        var corridor = new Corridor([(106.5, 29.5)], 500);

        Assert.Equal(GeoDistance.Meters(106.5, 29.5, 106.51, 29.5), corridor.DistanceMeters(106.51, 29.5), 1e-6);
    }

    [Fact]
    public void Constructor_BadInput_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Corridor([], 500));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Corridor([(106.5, 29.5)], 0));
        Assert.Throws<ArgumentException>(() => new Corridor([(186.5, 29.5)], 500));
    }
}
