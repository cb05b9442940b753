using System.Net;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using HazChem.Transport.Contracts.Common.V1;
using HazChem.Transport.Contracts.Compliance.V1;
using HazChem.Transport.TestSupport;

namespace HazChem.Transport.RouteCompliance.Tests.Service;

/// <summary>Zone import, list, read, replace and delete over REST and gRPC, on PostgreSQL.</summary>
public sealed class ZoneImportTests(PostgresFixture postgres, KafkaFixture kafka)
{
    private static JsonObject Square(string id, double lon, double lat, JsonArray? schedule = null, JsonNode? geometry = null) => new()
    {
        ["type"] = "Feature",
        ["geometry"] = geometry ?? new JsonObject
        {
            ["type"] = "Polygon",
            ["coordinates"] = new JsonArray(new JsonArray(
                new JsonArray(lon, lat), new JsonArray(lon + 0.01, lat), new JsonArray(lon + 0.01, lat + 0.01), new JsonArray(lon, lat + 0.01), new JsonArray(lon, lat))),
        },
        ["properties"] = new JsonObject
        {
            ["id"] = id,
            ["name"] = id,
            ["kind"] = "school",
            ["hazardClasses"] = new JsonArray("3"),
            ["schedule"] = schedule ?? new JsonArray(),
        },
    };

    private static JsonObject Collection(params JsonObject[] features) => new() { ["type"] = "FeatureCollection", ["features"] = new JsonArray(features) };

    [Fact]
    public async Task ImportZones_BadScheduleAndBadGeometry_400NamingEachFeatureAndPropertyAndImportsNothing()
    {
        await using var stack = await ComplianceStack.CreateAsync(postgres, kafka, null, "rc_zone_errors");
        var host = await stack.StartHostAsync();
        var badSchedule = new JsonArray(new JsonObject { ["days"] = new JsonArray(1, 2), ["from"] = "25:00", ["to"] = "20:00" });
        var line = new JsonObject { ["type"] = "LineString", ["coordinates"] = new JsonArray(new JsonArray(106.5, 29.5), new JsonArray(106.6, 29.6)) };
        var body = new JsonObject
        {
            ["crs"] = "WGS84",
            ["featureCollection"] = Collection(Square("ok-1", 106.5, 29.5), Square("bad-schedule", 106.6, 29.5, badSchedule), Square("bad-geometry", 106.7, 29.5, geometry: line)),
        };

        var (status, text) = await host.RestAsync(HttpMethod.Post, "/api/v1/zones:import", "admin", "authority-1", body.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("featureCollection.features[1].properties.schedule[0].from", text, StringComparison.Ordinal);
        Assert.Contains("bad-schedule", text, StringComparison.Ordinal);
        Assert.Contains("featureCollection.features[2].geometry", text, StringComparison.Ordinal);
        Assert.Contains("bad-geometry", text, StringComparison.Ordinal);
        var zones = await host.Client.ListZonesAsync(new ListZonesRequest(), host.As("admin", "authority-1"));
        Assert.Empty(zones.Zones);
    }

    [Fact]
    public async Task ImportZones_UnknownCrs_InvalidArgumentNamingCrs()
    {
        await using var stack = await ComplianceStack.CreateAsync(postgres, kafka, null, "rc_zone_crs");
        var host = await stack.StartHostAsync();
        var request = new ImportZonesRequest { Crs = (Crs)7, FeatureCollection = Struct.Parser.ParseJson(Collection(Square("z", 106.5, 29.5)).ToJsonString()) };

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await host.Client.ImportZonesAsync(request, host.As("admin", "authority-1")));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("crs", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportZones_PoliceToken_Forbidden()
    {
        await using var stack = await ComplianceStack.CreateAsync(postgres, kafka, null, "rc_zone_roles");
        var host = await stack.StartHostAsync();
        var body = new JsonObject { ["crs"] = "WGS84", ["featureCollection"] = Collection(Square("z", 106.5, 29.5)) };

        var (status, _) = await host.RestAsync(HttpMethod.Post, "/api/v1/zones:import", "police", "officer-1", body.ToJsonString());

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task ImportZones_RealDistrictInGcj02_StoredInWgs84ReadBackAndKeptAcrossARestart()
    {
        await using var stack = await ComplianceStack.CreateAsync(postgres, kafka, null, "rc_zone_district");
        var host = await stack.StartHostAsync();
        var collection = Districts.Chongqing(("渝中区", null));
        var body = new JsonObject { ["crs"] = "GCJ02", ["featureCollection"] = collection.DeepClone() };

        var (status, text) = await host.RestAsync(HttpMethod.Post, "/api/v1/zones:import", "admin", "authority-1", body.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, status);
        var imported = ComplianceHost.Parse(text);
        Assert.Equal(1, imported.GetProperty("imported").GetInt32());
        Assert.Equal("cq-500103", imported.GetProperty("zoneIds")[0].GetString());

        var (getStatus, zoneText) = await host.RestAsync(HttpMethod.Get, "/api/v1/zones/cq-500103", "police", "officer-1");
        Assert.Equal(HttpStatusCode.OK, getStatus);
        var zone = ComplianceHost.Parse(zoneText);
        Assert.Equal("渝中区", zone.GetProperty("name").GetString());
        Assert.Equal("GCJ02", zone.GetProperty("sourceCrs").GetString());
        var stored = zone.GetProperty("geometry").GetProperty("coordinates")[0][0];
        var input = collection["features"]![0]!["geometry"]!["coordinates"]![0]![0]!;
        // GCJ-02 is offset from WGS-84 by a few hundred metres in Chongqing; the stored ring is the converted one.
        var (lon, lat) = HazChem.Transport.Geofence.ChinaCoordinates.Gcj02ToWgs84((double)input[0]!, (double)input[1]!);
        Assert.Equal(lon, stored[0].GetDouble(), 6);
        Assert.Equal(lat, stored[1].GetDouble(), 6);
        Assert.InRange(Math.Abs(stored[0].GetDouble() - (double)input[0]!), 0.001, 0.01);

        await host.DisposeAsync();
        var restarted = await stack.StartHostAsync();
        var list = await restarted.Client.ListZonesAsync(new ListZonesRequest { Kind = "restricted_area" }, restarted.As("admin", "authority-1"));
        Assert.Equal(["cq-500103"], list.Zones.Select(z => z.Id));
    }

    [Fact]
    public async Task ImportZones_WholePublishedDistrictFile_RefusedByNameThenImportedWithRepairsListed()
    {
        await using var stack = await ComplianceStack.CreateAsync(postgres, kafka, null, "rc_zone_repair");
        var host = await stack.StartHostAsync();
        var file = JsonNode.Parse(await File.ReadAllTextAsync(Districts.RequireFile("chongqing_districts_gcj02.geojson"), TestContext.Current.CancellationToken))!;
        var strict = new JsonObject { ["crs"] = "GCJ02", ["featureCollection"] = file.DeepClone() };

        var (strictStatus, strictText) = await host.RestAsync(HttpMethod.Post, "/api/v1/zones:import", "admin", "authority-1", strict.ToJsonString());

        // The published outlines are simplified to ~100 m: some rings degenerate. Refused by name, nothing imported.
        Assert.Equal(HttpStatusCode.BadRequest, strictStatus);
        Assert.Contains("500104", strictText, StringComparison.Ordinal);
        Assert.Empty((await host.Client.ListZonesAsync(new ListZonesRequest(), host.As("admin", "authority-1"))).Zones);

        var repair = new JsonObject { ["crs"] = "GCJ02", ["repairInvalidGeometry"] = true, ["featureCollection"] = file.DeepClone() };
        var (status, text) = await host.RestAsync(HttpMethod.Post, "/api/v1/zones:import", "admin", "authority-1", repair.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, status);
        var imported = ComplianceHost.Parse(text);
        Assert.Equal(file["features"]!.AsArray().Count, imported.GetProperty("imported").GetInt32());
        Assert.Contains(imported.GetProperty("repairs").EnumerateArray(), r => r.GetString()!.Contains("500104", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ImportZones_SameIdAgain_ReplacesItAndDeleteRemovesIt()
    {
        await using var stack = await ComplianceStack.CreateAsync(postgres, kafka, null, "rc_zone_replace");
        var host = await stack.StartHostAsync();
        var admin = host.As("admin", "authority-1");
        await host.Client.ImportZonesAsync(new ImportZonesRequest { Crs = Crs.Wgs84, FeatureCollection = Struct.Parser.ParseJson(Collection(Square("z-1", 106.5, 29.5), Square("z-2", 106.6, 29.5)).ToJsonString()) }, admin);
        var replacement = Square("z-1", 106.8, 29.8);
        replacement["properties"]!["name"] = "moved";

        await host.Client.ImportZonesAsync(new ImportZonesRequest { FeatureCollection = Struct.Parser.ParseJson(Collection(replacement).ToJsonString()) }, admin);
        var zone = (await host.Client.GetZoneAsync(new GetZoneRequest { Id = "z-1" }, admin)).Zone;
        var page1 = await host.Client.ListZonesAsync(new ListZonesRequest { PageSize = 1 }, admin);
        var page2 = await host.Client.ListZonesAsync(new ListZonesRequest { PageSize = 1, PageToken = page1.NextPageToken }, admin);
        await host.Client.DeleteZoneAsync(new DeleteZoneRequest { Id = "z-1" }, admin);
        var gone = await Assert.ThrowsAsync<RpcException>(async () => await host.Client.GetZoneAsync(new GetZoneRequest { Id = "z-1" }, admin));
        var again = await Assert.ThrowsAsync<RpcException>(async () => await host.Client.DeleteZoneAsync(new DeleteZoneRequest { Id = "z-1" }, admin));

        Assert.Equal("moved", zone.Name);
        Assert.Equal(["3"], zone.HazardClasses);
        Assert.Equal(["z-1"], page1.Zones.Select(z => z.Id));
        Assert.Equal(["z-2"], page2.Zones.Select(z => z.Id));
        Assert.Equal("", page2.NextPageToken);
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
        Assert.Equal(StatusCode.NotFound, again.StatusCode);
    }
}
