using NetTopologySuite.Geometries;

namespace HazChem.Transport.Geofence.Tests;

public sealed class ZoneGeoJsonTests
{
    private const string Square = """{"type":"Polygon","coordinates":[[[106.5,29.5],[106.6,29.5],[106.6,29.6],[106.5,29.6],[106.5,29.5]]]}""";

    private static string Collection(params string[] features) =>
        $$"""{"type":"FeatureCollection","features":[{{string.Join(",", features)}}]}""";

    private static string Feature(string properties, string geometry = Square) =>
        $$"""{"type":"Feature","properties":{{properties}},"geometry":{{geometry}}}""";

    [Fact]
    public void Parse_FullyDescribedFeature_ReadsEveryProperty()
    {
        var json = Collection(Feature("""
            {"id":"cq-yuzhong","name":"渝中区","kind":"restricted_area","hazardClasses":["2","3"],
             "schedule":[{"days":[1,2,3,4,5,6,7],"from":"07:00","to":"21:00"}],"speedLimitKmh":40}
            """));

        var result = ZoneGeoJson.Parse(json, SourceCrs.Wgs84);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var zone = Assert.Single(result.Zones);
        Assert.Equal("cq-yuzhong", zone.Id);
        Assert.Equal("渝中区", zone.Name);
        Assert.Equal(ZoneKinds.RestrictedArea, zone.Kind);
        Assert.Equal(["2", "3"], zone.HazardClasses);
        var window = Assert.Single(zone.Schedule);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], window.Days);
        Assert.Equal(new TimeOnly(7, 0), window.From);
        Assert.Equal(new TimeOnly(21, 0), window.To);
        Assert.Equal(40, zone.SpeedLimitKmh);
        Assert.Equal(SourceCrs.Wgs84, zone.SourceCrs);
        Assert.Equal(4326, zone.Geometry.SRID);
        Assert.Equal(0.01, zone.Geometry.Area, 1e-12);
    }

    [Fact]
    public void Parse_MinimalFeature_DefaultsToAlwaysOnRestrictedAreaBanningAllClasses()
    {
        var result = ZoneGeoJson.Parse(Collection($$"""{"type":"Feature","id":42,"properties":null,"geometry":{{Square}}}"""), SourceCrs.Wgs84);

        var zone = Assert.Single(result.Zones);
        Assert.Equal("42", zone.Id);
        Assert.Equal("42", zone.Name);
        Assert.Equal(ZoneKinds.RestrictedArea, zone.Kind);
        Assert.Empty(zone.HazardClasses);
        Assert.Empty(zone.Schedule);
        Assert.Null(zone.SpeedLimitKmh);
    }

    [Fact]
    public void Parse_Gcj02_ShiftsCoordinatesToWgs84()
    {
        var json = Collection(Feature("""{"id":"a"}"""));

        var wgs = Assert.Single(ZoneGeoJson.Parse(json, SourceCrs.Wgs84).Zones).Geometry.Coordinates[0];
        var converted = Assert.Single(ZoneGeoJson.Parse(json, SourceCrs.Gcj02).Zones).Geometry.Coordinates[0];

        var expected = ChinaCoordinates.Gcj02ToWgs84(wgs.X, wgs.Y);
        Assert.Equal(expected.Lon, converted.X, 12);
        Assert.Equal(expected.Lat, converted.Y, 12);
        Assert.InRange(GeoDistance.Meters(wgs.X, wgs.Y, converted.X, converted.Y), 100, 1_000);
    }

    [Fact]
    public void Parse_PolygonWithHoleAndMultiPolygon_AreAccepted()
    {
        const string withHole = """{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]}""";
        const string multi = """{"type":"MultiPolygon","coordinates":[[[[20,0],[21,0],[21,1],[20,1],[20,0]]],[[[30,0],[31,0],[31,1],[30,1],[30,0]]]]}""";

        var result = ZoneGeoJson.Parse(Collection(Feature("""{"id":"hole"}""", withHole), Feature("""{"id":"multi"}""", multi)), SourceCrs.Wgs84);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(96, result.Zones[0].Geometry.Area, 9);
        Assert.IsType<MultiPolygon>(result.Zones[1].Geometry);
    }

    [Fact]
    public void Parse_ExpresswayBanWithinMidnightToSix_IsAccepted()
    {
        var json = Collection(Feature("""{"id":"g65","kind":"expressway_ban","schedule":[{"days":[1,2,3,4,5,6,7],"from":"00:00","to":"06:00"},{"days":[6],"from":"02:00","to":"05:30"}]}"""));

        var result = ZoneGeoJson.Parse(json, SourceCrs.Wgs84);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(2, result.Zones[0].Schedule.Count);
    }

    [Fact]
    public void Parse_ToAt2400_IsAFullDayWindow()
    {
        var result = ZoneGeoJson.Parse(Collection(Feature("""{"id":"a","schedule":[{"days":[7],"from":"00:00","to":"24:00"}]}""")), SourceCrs.Wgs84);

        var window = Assert.Single(Assert.Single(result.Zones).Schedule);
        Assert.Equal(TimeSpan.FromDays(1), window.Duration);
    }

    [Fact]
    public void Parse_BrokenJson_OneErrorAtTheRoot()
    {
        var result = ZoneGeoJson.Parse("""{"type":"FeatureCollection","features":[""", SourceCrs.Wgs84);

        var error = Assert.Single(result.Errors);
        Assert.Equal("$", error.Field);
        Assert.Equal(-1, error.FeatureIndex);
        Assert.Empty(result.Zones);
    }

    [Fact]
    public void Parse_NotAFeatureCollection_NamesTheTypeMember()
    {
        var result = ZoneGeoJson.Parse($$"""{"type":"Feature","features":[]}""", SourceCrs.Wgs84);

        Assert.Equal("type", Assert.Single(result.Errors).Field);
    }

    [Theory]
    [InlineData("""{"id":"a"}""", """{"type":"Point","coordinates":[106.5,29.5]}""", "features[1].geometry.type", "Polygon or MultiPolygon")]
    [InlineData("""{"id":"a"}""", """{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,2],[0,0]]]}""", "features[1].geometry", "Self-intersection")]
    [InlineData("""{"id":"a"}""", """{"type":"Polygon","coordinates":[[[0,0],[200,0],[1,1],[0,0]]]}""", "features[1].geometry.coordinates[0][1][0]", "longitude 200")]
    [InlineData("""{"id":"a"}""", """{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,-91],[0,0]]]}""", "features[1].geometry.coordinates[0][2][1]", "latitude -91")]
    [InlineData("""{"id":"a"}""", """{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}""", "features[1].geometry.coordinates[0]", "closed")]
    [InlineData("""{"id":"a"}""", """{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}""", "features[1].geometry.coordinates[0]", "at least 4 positions")]
    [InlineData("""{"id":"a"}""", """{"type":"Polygon","coordinates":[[[0,0],["x",0],[1,1],[0,0]]]}""", "features[1].geometry.coordinates[0][1]", "must be numbers")]
    [InlineData("""{"id":"a"}""", """{"type":"MultiPolygon","coordinates":[[[[0,0],[2,0],[2,2],[0,2],[0,0]]],[[[1,1],[3,1],[3,3],[1,3],[1,1]]]]}""", "features[1].geometry", "invalid MultiPolygon")]
    [InlineData("""{"id":"a"}""", "null", "features[1].geometry", "required")]
    [InlineData("""{"name":"no id"}""", Square, "features[1].properties.id", "required")]
    [InlineData("""{"id":""}""", Square, "features[1].properties.id", "empty")]
    [InlineData("""{"id":"first"}""", Square, "features[1].properties.id", "duplicate id 'first'")]
    [InlineData("""{"id":true}""", Square, "features[1].properties.id", "string or a number")]
    [InlineData("""{"id":"a","kind":"volcano"}""", Square, "features[1].properties.kind", "unknown kind 'volcano'")]
    [InlineData("""{"id":"a","kind":7}""", Square, "features[1].properties.kind", "must be a string")]
    [InlineData("""{"id":"a","name":["x"]}""", Square, "features[1].properties.name", "must be a string")]
    [InlineData("""{"id":"a","hazardClasses":"3"}""", Square, "features[1].properties.hazardClasses", "must be an array")]
    [InlineData("""{"id":"a","hazardClasses":["3",3]}""", Square, "features[1].properties.hazardClasses[1]", "must be a string")]
    [InlineData("""{"id":"a","hazardClasses":["2.9"]}""", Square, "features[1].properties.hazardClasses[0]", "unknown hazard class or division '2.9'")]
    [InlineData("""{"id":"a","schedule":{"days":[1]}}""", Square, "features[1].properties.schedule", "must be an array")]
    [InlineData("""{"id":"a","schedule":[{"days":[0],"from":"07:00","to":"20:00"}]}""", Square, "features[1].properties.schedule[0].days[0]", "ISO weekday")]
    [InlineData("""{"id":"a","schedule":[{"days":[1,8],"from":"07:00","to":"20:00"}]}""", Square, "features[1].properties.schedule[0].days[1]", "ISO weekday")]
    [InlineData("""{"id":"a","schedule":[{"days":[1,1],"from":"07:00","to":"20:00"}]}""", Square, "features[1].properties.schedule[0].days[1]", "twice")]
    [InlineData("""{"id":"a","schedule":[{"days":[],"from":"07:00","to":"20:00"}]}""", Square, "features[1].properties.schedule[0].days", "at least one")]
    [InlineData("""{"id":"a","schedule":[{"from":"07:00","to":"20:00"}]}""", Square, "features[1].properties.schedule[0].days", "required")]
    [InlineData("""{"id":"a","schedule":[{"days":[1],"from":"25:00","to":"20:00"}]}""", Square, "features[1].properties.schedule[0].from", "'25:00'")]
    [InlineData("""{"id":"a","schedule":[{"days":[1],"from":"7:00","to":"20:00"}]}""", Square, "features[1].properties.schedule[0].from", "'7:00'")]
    [InlineData("""{"id":"a","schedule":[{"days":[1],"from":"07:00","to":"20:60"}]}""", Square, "features[1].properties.schedule[0].to", "'20:60'")]
    [InlineData("""{"id":"a","schedule":[{"days":[1],"from":"07:00"}]}""", Square, "features[1].properties.schedule[0].to", "required")]
    [InlineData("""{"id":"a","schedule":[{"days":[1],"from":"07:00","to":"20:00","form":"x"}]}""", Square, "features[1].properties.schedule[0].form", "unknown schedule property")]
    [InlineData("""{"id":"a","kind":"expressway_ban","schedule":[{"days":[1],"from":"22:00","to":"02:00"}]}""", Square, "features[1].properties.schedule[0]", "00:00–06:00")]
    [InlineData("""{"id":"a","kind":"expressway_ban","schedule":[{"days":[1],"from":"01:00","to":"06:30"}]}""", Square, "features[1].properties.schedule[0]", "00:00–06:00")]
    [InlineData("""{"id":"a","kind":"expressway_ban","schedule":[{"days":[1],"from":"00:00","to":"24:00"}]}""", Square, "features[1].properties.schedule[0]", "00:00–06:00")]
    [InlineData("""{"id":"a","kind":"expressway_ban"}""", Square, "features[1].properties.schedule", "needs a schedule")]
    [InlineData("""{"id":"a","kind":"expressway_ban","schedule":[]}""", Square, "features[1].properties.schedule", "needs a schedule")]
    [InlineData("""{"id":"a","speedLimitKmh":0}""", Square, "features[1].properties.speedLimitKmh", "greater than 0")]
    [InlineData("""{"id":"a","speedLimitKmh":-30}""", Square, "features[1].properties.speedLimitKmh", "greater than 0")]
    [InlineData("""{"id":"a","speedLimitKmh":"40"}""", Square, "features[1].properties.speedLimitKmh", "must be a number")]
    public void Parse_InvalidSecondFeature_ReportsItsIndexIdAndPathAndImportsNothing(string properties, string geometry, string field, string message)
    {
        var json = Collection(Feature("""{"id":"first"}"""), Feature(properties, geometry));

        var result = ZoneGeoJson.Parse(json, SourceCrs.Wgs84);

        Assert.False(result.IsValid);
        Assert.Empty(result.Zones);
        var error = Assert.Single(result.Errors);
        Assert.Equal(1, error.FeatureIndex);
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ErrorsInSeveralFeatures_ReportsEachWithItsFeatureId()
    {
        var json = Collection(
            Feature("""{"id":"ok"}"""),
            Feature("""{"id":"bad-speed","speedLimitKmh":0}"""),
            Feature("""{"id":"bad-both","kind":"volcano","schedule":[{"days":[9],"from":"07:00","to":"20:00"}]}"""));

        var result = ZoneGeoJson.Parse(json, SourceCrs.Gcj02);

        Assert.Empty(result.Zones);
        Assert.Collection(
            result.Errors,
            e => Assert.Equal((1, "bad-speed", "features[1].properties.speedLimitKmh"), (e.FeatureIndex, e.FeatureId, e.Field)),
            e => Assert.Equal((2, "bad-both", "features[2].properties.kind"), (e.FeatureIndex, e.FeatureId, e.Field)),
            e => Assert.Equal((2, "bad-both", "features[2].properties.schedule[0].days[0]"), (e.FeatureIndex, e.FeatureId, e.Field)));
    }

    [Fact]
    public void Parse_FeatureIdFromTheFeatureMember_IsUsedInErrors()
    {
        var json = Collection($$"""{"type":"Feature","id":"500103","properties":{"speedLimitKmh":0},"geometry":{{Square}}}""");

        var error = Assert.Single(ZoneGeoJson.Parse(json, SourceCrs.Wgs84).Errors);

        Assert.Equal("500103", error.FeatureId);
    }

    [Fact]
    public void Parse_PropertiesNotAnObject_NamesThePropertiesMember()
    {
        var json = Collection($$"""{"type":"Feature","id":"a","properties":[1],"geometry":{{Square}}}""");

        var error = Assert.Single(ZoneGeoJson.Parse(json, SourceCrs.Wgs84).Errors);

        Assert.Equal(("features[0].properties", "a"), (error.Field, error.FeatureId));
    }

    [Fact]
    public void Parse_SelfIntersectingPolygonWithRepair_IsRepairedAndReported()
    {
        var json = Collection(Feature("""{"id":"bowtie"}""", """{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,2],[0,0]]]}"""));

        var result = ZoneGeoJson.Parse(json, SourceCrs.Wgs84, new ZoneImportOptions { RepairInvalidGeometry = true });

        var zone = Assert.Single(result.Zones);
        Assert.True(zone.Geometry.IsValid);
        Assert.Equal(2, zone.Geometry.Area, 9);
        var repair = Assert.Single(result.Repairs);
        Assert.Equal(("bowtie", "features[0].geometry"), (repair.FeatureId, repair.Field));
    }

    [Fact]
    public void Parse_UnknownCrsValue_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ZoneGeoJson.Parse(Collection(), (SourceCrs)99));
    }

    [Fact]
    public void Parse_EmptyCollection_IsValidWithNoZones()
    {
        var result = ZoneGeoJson.Parse(Collection(), SourceCrs.Wgs84);

        Assert.True(result.IsValid);
        Assert.Empty(result.Zones);
    }

    [Fact]
    public void WriteGeometry_ThenReadGeometry_RoundTripsExactly()
    {
        var zone = Assert.Single(ZoneGeoJson.Parse(Collection(Feature("""{"id":"a"}""")), SourceCrs.Gcj02).Zones);

        var text = ZoneGeoJson.WriteGeometry(zone.Geometry);
        var back = ZoneGeoJson.ReadGeometry(text);

        Assert.StartsWith("""{"type":"Polygon""", text, StringComparison.Ordinal);
        Assert.True(back.EqualsExact(zone.Geometry), text);
        Assert.Equal(4326, back.SRID);
    }

    [Fact]
    public void ReadGeometry_NotGeoJson_Throws()
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => ZoneGeoJson.ReadGeometry("""{"type":"Blob"}"""));
    }
}

public sealed class ZoneGeoJsonExportTests
{
    [Fact]
    public void WriteFeatureCollection_ThenParse_RoundTripsEveryProperty()
    {
        const string json = """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{"id":"cq-yuzhong","name":"渝中区","kind":"school","hazardClasses":["2.1","3"],
                "schedule":[{"days":[1,5],"from":"22:00","to":"06:00"},{"days":[7],"from":"00:00","to":"24:00"}],"speedLimitKmh":30},
               "geometry":{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]}},
              {"type":"Feature","properties":{"id":"g65","kind":"expressway_ban","schedule":[{"days":[1,2,3],"from":"00:00","to":"06:00"}]},
               "geometry":{"type":"MultiPolygon","coordinates":[[[[20,0],[21,0],[21,1],[20,1],[20,0]]]]}}]}
            """;
        var original = ZoneGeoJson.Parse(json, SourceCrs.Gcj02).Zones;

        var exported = ZoneGeoJson.WriteFeatureCollection(original);
        var again = ZoneGeoJson.Parse(exported, SourceCrs.Wgs84);

        Assert.True(again.IsValid, string.Join("; ", again.Errors));
        Assert.Equal(original.Count, again.Zones.Count);
        for (var i = 0; i < original.Count; i++)
        {
            var a = original[i];
            var b = again.Zones[i];
            Assert.Equal((a.Id, a.Name, a.Kind, a.SpeedLimitKmh), (b.Id, b.Name, b.Kind, b.SpeedLimitKmh));
            Assert.Equal(a.HazardClasses, b.HazardClasses);
            Assert.Equal(a.Schedule.Select(w => (string.Join(",", w.Days), w.From, w.To)), b.Schedule.Select(w => (string.Join(",", w.Days), w.From, w.To)));
            // The GeoJSON writer may turn rings to the RFC 7946 orientation; the shape is what must survive.
            Assert.True(a.Geometry.EqualsTopologically(b.Geometry));
        }

        Assert.Contains("渝中区", exported, StringComparison.Ordinal);
    }
}
