using NetTopologySuite.Geometries;

namespace HazChem.Transport.Geofence.Tests;

/// <summary>Golden and plausibility tests on real district polygons (GCJ-02) from ../shared/data/zones.</summary>
public sealed class RealZoneTests
{
    // The published outlines are quantised to ~100 m, which leaves a few degenerate rings and touching parts:
    // strict import rejects them (see below), so these tests import with repair on.
    private static readonly ZoneImportOptions Repair = new() { RepairInvalidGeometry = true };

    private static IReadOnlyList<ZoneDefinition> Load(string file)
    {
        var text = SharedData.ReadText($"zones/{file}");
        if (file.StartsWith("shanghai", StringComparison.Ordinal))
        {
            // The published Shanghai file has no id for Chongming (see the test below); give it its administrative code.
            var root = System.Text.Json.Nodes.JsonNode.Parse(text)!;
            root["features"]![15]!["id"] = "310151";
            text = root.ToJsonString();
        }

        var result = ZoneGeoJson.Parse(text, SourceCrs.Gcj02, Repair);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Zones;
    }

    [Fact]
    public void Parse_ShanghaiDistricts_NamesTheFeatureWithoutAnId()
    {
        var result = ZoneGeoJson.Parse(SharedData.ReadText("zones/shanghai_districts_gcj02.geojson"), SourceCrs.Gcj02, Repair);

        var error = Assert.Single(result.Errors);
        Assert.Equal((15, null, "features[15].properties.id"), (error.FeatureIndex, error.FeatureId, error.Field));
        Assert.Empty(result.Zones);
    }

    [Fact]
    public void Parse_ChongqingDistrictsStrict_RejectsTheQuantisedDistrictsNamingEach()
    {
        var result = ZoneGeoJson.Parse(SharedData.ReadText("zones/chongqing_districts_gcj02.geojson"), SourceCrs.Gcj02);

        Assert.False(result.IsValid);
        Assert.Empty(result.Zones);
        Assert.Equal(["500104", "500107", "500115", "500117", "500151", "500152", "500236"], result.Errors.Select(e => e.FeatureId).Distinct());
        Assert.Contains(result.Errors, e => e is { FeatureIndex: 3, Field: "features[3].geometry.coordinates[2][0]" } && e.Message.Contains("at least 4 positions", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e is { FeatureIndex: 6, Field: "features[6].geometry" } && e.Message.Contains("Self-intersection", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ChongqingDistrictsWithRepair_ReportsEveryRepairAndKeepsTheArea()
    {
        var text = SharedData.ReadText("zones/chongqing_districts_gcj02.geojson");

        var result = ZoneGeoJson.Parse(text, SourceCrs.Gcj02, Repair);

        Assert.True(result.IsValid);
        Assert.Equal(["500104", "500107", "500115", "500117", "500151", "500152", "500236"], result.Repairs.Select(e => e.FeatureId).Distinct());
        // Repairs only remove slivers: the total area changes by far less than 1 %.
        var strictValid = result.Zones.Where(z => !result.Repairs.Any(r => r.FeatureId == z.Id)).Sum(z => z.Geometry.Area);
        Assert.True(strictValid > 0);
        var total = result.Zones.Sum(z => z.Geometry.Area);
        Assert.InRange(total, 7.5, 7.9); // Chongqing is about 82,400 km², roughly 7.7 square degrees at 30° N
    }

    [Fact]
    public void Parse_ChongqingDistrictsAsGcj02_Gives38ValidWgs84Districts()
    {
        var zones = Load("chongqing_districts_gcj02.geojson");

        Assert.Equal(38, zones.Count);
        var yuzhong = Assert.Single(zones, z => z.Id == "500103");
        Assert.Equal("渝中区", yuzhong.Name);
        Assert.All(zones, z =>
        {
            Assert.True(z.Geometry.IsValid);
            Assert.Equal(SourceCrs.Gcj02, z.SourceCrs);
            Assert.Equal(ZoneKinds.RestrictedArea, z.Kind);
            // Plausibility: Chongqing municipality lies within 105–111 E, 28–33 N.
            var env = z.Geometry.EnvelopeInternal;
            Assert.InRange(env.MinX, 105, 111);
            Assert.InRange(env.MaxX, 105, 111);
            Assert.InRange(env.MinY, 28, 33);
            Assert.InRange(env.MaxY, 28, 33);
        });
    }

    [Fact]
    public void ZonesContaining_JiefangbeiWgs84_IsInYuzhongOnly()
    {
        var index = new GeofenceIndex(Load("chongqing_districts_gcj02.geojson"));
        var results = new List<ZoneDefinition>();

        // Jiefangbei (解放碑), the centre of Yuzhong district, as a GPS terminal reports it (WGS-84).
        index.ZonesContaining(106.577, 29.557, results);

        var zone = Assert.Single(results);
        Assert.Equal("500103", zone.Id);
        Assert.True(zone.Geometry.Covers(new Point(106.577, 29.557)));
    }

    [Fact]
    public void ZonesContaining_PointsOutsideChongqing_FindNothing()
    {
        var index = new GeofenceIndex(Load("chongqing_districts_gcj02.geojson"));
        var results = new List<ZoneDefinition>();

        index.ZonesContaining(104.0657, 30.6595, results); // Chengdu, Sichuan
        Assert.Empty(results);
        index.ZonesContaining(116.3975, 39.9087, results); // Beijing
        Assert.Empty(results);
    }

    [Fact]
    public void ZonesContaining_DistrictCentresAcrossThreeCities_FindTheirOwnDistrict()
    {
        // Tiananmen is in Dongcheng (110101), People's Square in Huangpu (310101); WGS-84.
        var zones = Load("beijing_districts_gcj02.geojson").Concat(Load("shanghai_districts_gcj02.geojson")).Concat(Load("chongqing_districts_gcj02.geojson")).ToList();
        var index = new GeofenceIndex(zones);
        var results = new List<ZoneDefinition>();

        index.ZonesContaining(116.3975, 39.9087, results);
        Assert.Equal("110101", Assert.Single(results).Id);
        index.ZonesContaining(121.4700, 31.2300, results);
        Assert.Equal("310101", Assert.Single(results).Id);
    }

    [Fact]
    public void ZonesContaining_RandomPointsOverRealDistricts_MatchNetTopologySuiteCovers()
    {
        var zones = Load("chongqing_districts_gcj02.geojson").Concat(Load("beijing_districts_gcj02.geojson")).ToList();
        var index = new GeofenceIndex(zones);
        // The oracle: NetTopologySuite's prepared geometries (IndexedPointInAreaLocator), an independent implementation.
        var prepared = zones.Select(z => (z.Id, Prepared: NetTopologySuite.Geometries.Prepared.PreparedGeometryFactory.Prepare(z.Geometry))).ToList();
        var random = new Random(808);
        var results = new List<ZoneDefinition>();
        var hits = 0;
        foreach (var (minLon, minLat, maxLon, maxLat) in new[] { (105.2, 28.1, 110.2, 32.2), (106.4, 29.4, 106.7, 29.7), (115.4, 39.4, 117.5, 41.1) })
        {
            for (var i = 0; i < 4_000; i++)
            {
                var lon = minLon + (random.NextDouble() * (maxLon - minLon));
                var lat = minLat + (random.NextDouble() * (maxLat - minLat));
                index.ZonesContaining(lon, lat, results);
                var point = new Point(lon, lat);
                var expected = prepared.Where(p => p.Prepared.Covers(point)).Select(p => p.Id).ToList();
                Assert.Equal(expected, results.Select(z => z.Id).ToList());
                hits += results.Count;
            }
        }

        Assert.InRange(hits, 4_000, 12_000);
    }

    [Fact]
    public void ZonesContaining_EveryVertexOfARealDistrict_CountsAsInside()
    {
        var yuzhong = Load("chongqing_districts_gcj02.geojson").Single(z => z.Id == "500103");
        var index = new GeofenceIndex([yuzhong]);
        var results = new List<ZoneDefinition>();

        foreach (var c in yuzhong.Geometry.Coordinates)
        {
            index.ZonesContaining(c.X, c.Y, results);
            Assert.Single(results);
        }
    }
}
