using System.Text.Json.Nodes;
using HazChem.Transport.Geofence;

namespace HazChem.Transport.RouteCompliance.Tests.Service;

/// <summary>Real district polygons (GCJ-02) from ../shared/data/zones, as zones; tests skip with the reason when the data is absent.</summary>
internal static class Districts
{
    public static string RequireFile(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HazChem.Transport.sln")))
            {
                var path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "zones", name));
                if (File.Exists(path))
                {
                    return path;
                }

                break;
            }
        }

        throw Xunit.Sdk.SkipException.ForSkip($"../shared/data/zones/{name} is absent next to the repository; the real-district tests need it.");
    }

    /// <summary>
    /// A FeatureCollection of the named Chongqing districts with zone properties: each feature keeps its real GCJ-02
    /// geometry, gets id <c>cq-&lt;adcode&gt;</c>, kind restricted_area and the given schedule (null = always).
    /// </summary>
    public static JsonObject Chongqing(params (string Name, JsonArray? Schedule)[] districts)
    {
        var source = JsonNode.Parse(File.ReadAllText(RequireFile("chongqing_districts_gcj02.geojson")))!;
        var features = new JsonArray();
        foreach (var (name, schedule) in districts)
        {
            var feature = source["features"]!.AsArray().Single(f => (string?)f!["properties"]!["name"] == name)!;
            var properties = new JsonObject
            {
                ["id"] = "cq-" + (string?)feature["id"],
                ["name"] = name,
                ["kind"] = "restricted_area",
                ["hazardClasses"] = new JsonArray(),
            };
            if (schedule is not null)
            {
                properties["schedule"] = schedule;
            }

            features.Add(new JsonObject
            {
                ["type"] = "Feature",
                ["geometry"] = feature["geometry"]!.DeepClone(),
                ["properties"] = properties,
            });
        }

        return new JsonObject { ["type"] = "FeatureCollection", ["features"] = features };
    }

    /// <summary>The district's centre point as given in the file (GCJ-02), converted to WGS-84 as a GPS fix would be.</summary>
    public static (double Lon, double Lat) CentreWgs84(string name)
    {
        var source = JsonNode.Parse(File.ReadAllText(RequireFile("chongqing_districts_gcj02.geojson")))!;
        var cp = source["features"]!.AsArray().Single(f => (string?)f!["properties"]!["name"] == name)!["properties"]!["cp"]!.AsArray();
        return ChinaCoordinates.Gcj02ToWgs84((double)cp[0]!, (double)cp[1]!);
    }

    /// <summary>The zones as the engine sees them (converted to WGS-84), to check a test point's plausibility.</summary>
    public static IReadOnlyList<ZoneDefinition> Parse(JsonObject featureCollection) =>
        ZoneGeoJson.Parse(featureCollection.ToJsonString(), SourceCrs.Gcj02).Zones;
}
