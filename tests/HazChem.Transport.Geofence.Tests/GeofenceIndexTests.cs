using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using static HazChem.Transport.Geofence.Tests.TestZones;

namespace HazChem.Transport.Geofence.Tests;

public sealed class GeofenceIndexTests
{
    private static readonly GeometryFactory Factory = ZoneGeoJson.Wgs84Factory;

    private static Polygon Star(double lon, double lat, double radius, int points, Random random)
    {
        var ring = new Coordinate[(points * 2) + 1];
        for (var i = 0; i < points * 2; i++)
        {
            var angle = Math.PI * i / points;
            var r = radius * (i % 2 == 0 ? 1 : 0.35 + (random.NextDouble() * 0.4));
            ring[i] = new Coordinate(lon + (r * Math.Cos(angle)), lat + (r * Math.Sin(angle)));
        }

        ring[^1] = ring[0].Copy();
        return Factory.CreatePolygon(ring);
    }

    [Fact]
    public void ZonesContaining_EmptyIndex_FindsNothing()
    {
        var index = new GeofenceIndex([]);
        var results = new List<ZoneDefinition> { Zone("stale") };

        index.ZonesContaining(106.5, 29.5, results);

        Assert.Empty(results);
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void ZonesContaining_PolygonWithHole_ExcludesTheHoleButNotItsBoundary()
    {
        var shell = Factory.CreateLinearRing([new(0, 0), new(10, 0), new(10, 10), new(0, 10), new(0, 0)]);
        var hole = Factory.CreateLinearRing([new(4, 4), new(6, 4), new(6, 6), new(4, 6), new(4, 4)]);
        var index = new GeofenceIndex([Zone("ring", Factory.CreatePolygon(shell, [hole]))]);
        var results = new List<ZoneDefinition>();

        index.ZonesContaining(5, 5, results);
        Assert.Empty(results);
        index.ZonesContaining(4, 5, results); // on the hole's edge
        Assert.Single(results);
        index.ZonesContaining(2, 2, results);
        Assert.Single(results);
        index.ZonesContaining(10, 3, results); // on the shell's edge
        Assert.Single(results);
        index.ZonesContaining(10.000001, 3, results);
        Assert.Empty(results);
    }

    [Fact]
    public void ZonesContaining_OverlappingZones_ReturnsAllInGivenOrder()
    {
        var index = new GeofenceIndex([Zone("big", Rectangle(0, 0, 10, 10)), Zone("small", Rectangle(2, 2, 3, 3)), Zone("elsewhere", Rectangle(20, 20, 21, 21))]);
        var results = new List<ZoneDefinition>();

        index.ZonesContaining(2.5, 2.5, results);

        Assert.Equal(["big", "small"], results.Select(z => z.Id));
    }

    [Fact]
    public void ZonesContaining_MultiPolygon_FindsEitherPart()
    {
        var multi = Factory.CreateMultiPolygon([Rectangle(0, 0, 1, 1), Rectangle(5, 5, 6, 6)]);
        var index = new GeofenceIndex([Zone("multi", multi)]);
        var results = new List<ZoneDefinition>();

        index.ZonesContaining(5.5, 5.5, results);
        Assert.Single(results);
        index.ZonesContaining(3, 3, results);
        Assert.Empty(results);
    }

    [Fact]
    public void ZonesContaining_ThousandsOfMixedSizeZones_MatchPreparedGeometryCovers()
    {
        var random = new Random(42);
        var zones = new List<ZoneDefinition>();
        for (var i = 0; i < 3_000; i++)
        {
            // Mostly small zones (schools, tunnels) plus a few district-sized ones.
            var radius = i % 500 == 0 ? 0.3 : 0.002 + (random.NextDouble() * 0.03);
            zones.Add(Zone($"z{i}", Star(104 + (random.NextDouble() * 4), 28 + (random.NextDouble() * 4), radius, 5 + random.Next(20), random)));
        }

        var index = new GeofenceIndex(zones);
        var prepared = zones.Select(z => PreparedGeometryFactory.Prepare(z.Geometry)).ToArray();
        var envelopes = zones.Select(z => z.Geometry.EnvelopeInternal).ToArray();
        var results = new List<ZoneDefinition>();
        var hits = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var lon = 103.9 + (random.NextDouble() * 4.2);
            var lat = 27.9 + (random.NextDouble() * 4.2);
            index.ZonesContaining(lon, lat, results);
            var point = new Point(lon, lat);
            var expected = new List<string>();
            for (var z = 0; z < zones.Count; z++)
            {
                if (envelopes[z].Covers(lon, lat) && prepared[z].Covers(point))
                {
                    expected.Add(zones[z].Id);
                }
            }

            Assert.Equal(expected, results.Select(z => z.Id));
            hits += results.Count;
        }

        Assert.True(hits > 1_000, $"only {hits} hits: the test would prove little");
    }

    [Fact]
    public void ZonesContaining_SmallZonesSpreadOverTheWorld_UsesHashedCellsAndMatchesPreparedGeometry()
    {
        var random = new Random(21);
        var zones = Enumerable.Range(0, 300)
            .Select(i => Zone($"z{i}", Star(-170 + (random.NextDouble() * 340), -70 + (random.NextDouble() * 140), 0.0005 + (random.NextDouble() * 0.002), 6 + random.Next(10), random)))
            .ToList();
        var index = new GeofenceIndex(zones);
        var prepared = zones.Select(z => PreparedGeometryFactory.Prepare(z.Geometry)).ToArray();
        var results = new List<ZoneDefinition>();
        var hits = 0;

        Assert.False(index.IsDense);
        Assert.False(index.HasBitmap);
        for (var i = 0; i < 20_000; i++)
        {
            var centre = zones[random.Next(zones.Count)].Geometry.Centroid;
            var lon = centre.X + ((random.NextDouble() - 0.5) * 0.006);
            var lat = centre.Y + ((random.NextDouble() - 0.5) * 0.006);
            index.ZonesContaining(lon, lat, results);
            var point = new Point(lon, lat);
            var expected = zones.Where((_, z) => prepared[z].Covers(point)).Select(z => z.Id).ToList();

            Assert.Equal(expected, results.Select(z => z.Id));
            hits += results.Count;
        }

        Assert.True(hits > 1_000, $"only {hits} hits");
    }

    [Fact]
    public void ZonesContaining_ProvinceOfZones_UsesTheDenseGridWithBitmap()
    {
        var random = new Random(22);
        var zones = Enumerable.Range(0, 200).Select(i => Zone($"z{i}", Star(104 + (random.NextDouble() * 2), 28 + (random.NextDouble() * 2), 0.02, 9, random))).ToList();

        var index = new GeofenceIndex(zones);

        Assert.True(index.IsDense);
        Assert.True(index.HasBitmap);
        var results = new List<ZoneDefinition>();
        var centroid = zones[0].Geometry.InteriorPoint;
        index.ZonesContaining(centroid.X, centroid.Y, results);
        Assert.Contains(zones[0], results);
    }

    [Fact]
    public void ZonesContaining_VerticesAndEdgeMidpoints_CountAsInside()
    {
        var random = new Random(3);
        var zones = Enumerable.Range(0, 50).Select(i => Zone($"z{i}", Star(106 + (i * 0.1), 29.5, 0.04, 7, random))).ToList();
        var index = new GeofenceIndex(zones);
        var results = new List<ZoneDefinition>();

        foreach (var zone in zones)
        {
            var coordinates = zone.Geometry.Coordinates;
            for (var i = 0; i + 1 < coordinates.Length; i++)
            {
                index.ZonesContaining(coordinates[i].X, coordinates[i].Y, results);
                Assert.Contains(zone, results);
                // Axis-aligned edges make exact midpoints; elsewhere the midpoint may round off the edge.
                if (coordinates[i].Y == coordinates[i + 1].Y)
                {
                    index.ZonesContaining((coordinates[i].X + coordinates[i + 1].X) / 2, coordinates[i].Y, results);
                    Assert.Contains(zone, results);
                }
            }
        }
    }

    [Fact]
    public void ZonesContaining_WarmedUp_AllocatesNothing()
    {
        var random = new Random(5);
        var zones = Enumerable.Range(0, 1_000).Select(i => Zone($"z{i}", Star(104 + (random.NextDouble() * 2), 28 + (random.NextDouble() * 2), 0.05, 12, random))).ToList();
        var index = new GeofenceIndex(zones);
        var results = new List<ZoneDefinition>(64);
        var points = Enumerable.Range(0, 10_000).Select(_ => (104 + (random.NextDouble() * 2), 28 + (random.NextDouble() * 2))).ToArray();
        foreach (var (lon, lat) in points)
        {
            index.ZonesContaining(lon, lat, results);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var found = 0;
        foreach (var (lon, lat) in points)
        {
            index.ZonesContaining(lon, lat, results);
            found += results.Count;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(found > 0);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void ZonesContaining_ConcurrentReaders_AgreeWithASingleReader()
    {
        var random = new Random(9);
        var zones = Enumerable.Range(0, 500).Select(i => Zone($"z{i}", Star(104 + (random.NextDouble() * 2), 28 + (random.NextDouble() * 2), 0.08, 9, random))).ToList();
        var index = new GeofenceIndex(zones);
        var points = Enumerable.Range(0, 5_000).Select(_ => (104 + (random.NextDouble() * 2), 28 + (random.NextDouble() * 2))).ToArray();
        var expected = points.Select(p =>
        {
            var r = new List<ZoneDefinition>();
            index.ZonesContaining(p.Item1, p.Item2, r);
            return r.Count;
        }).ToArray();

        Parallel.For(0, 8, _ =>
        {
            var results = new List<ZoneDefinition>();
            for (var i = 0; i < points.Length; i++)
            {
                index.ZonesContaining(points[i].Item1, points[i].Item2, results);
                Assert.Equal(expected[i], results.Count);
            }
        });
    }

    [Fact]
    public void Constructor_PointGeometry_Throws()
    {
        Assert.Throws<ArgumentException>(() => new GeofenceIndex([Zone("p", Factory.CreatePoint(new Coordinate(1, 1)))]));
    }

    [Fact]
    public void AnyContaining_MatchesZonesContaining()
    {
        var index = new GeofenceIndex([Zone("a", Rectangle(0, 0, 1, 1))]);

        Assert.True(index.AnyContaining(0.5, 0.5));
        Assert.False(index.AnyContaining(1.5, 0.5));
        Assert.False(index.AnyContaining(double.NaN, 0.5));
    }
}
