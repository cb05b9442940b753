namespace HazChem.Transport.Simulator.Fleet;

/// <summary>
/// Synthetic geography around Chongqing (WGS-84, approximate): freight hubs the simulated trucks run
/// between, and one small restricted zone on the Yuzhong peninsula that only the "restricted zone"
/// trucks cross. The dev launcher imports the same zone so RouteCompliance has something to flag.
/// </summary>
internal static class Chongqing
{
    /// <summary>The id of the synthetic restricted zone.</summary>
    public const string RestrictedZoneId = "sim-yuzhong-core";

    /// <summary>Its display name.</summary>
    public const string RestrictedZoneName = "渝中半岛核心区(模拟禁行区)";

    /// <summary>Freight hubs (name, point). Routes run between them.</summary>
    public static readonly IReadOnlyList<(string Name, GeoPoint Point)> Hubs =
    [
        ("长寿", new GeoPoint(29.86, 107.08)),
        ("涪陵", new GeoPoint(29.70, 107.39)),
        ("沙坪坝", new GeoPoint(29.54, 106.45)),
        ("西彭", new GeoPoint(29.33, 106.33)),
        ("界石", new GeoPoint(29.39, 106.65)),
        ("璧山", new GeoPoint(29.59, 106.23)),
        ("合川", new GeoPoint(29.97, 106.27)),
        ("江津", new GeoPoint(29.29, 106.26)),
        ("空港", new GeoPoint(29.72, 106.64)),
        ("北碚", new GeoPoint(29.80, 106.40)),
        ("茶园", new GeoPoint(29.50, 106.66)),
        ("大渡口", new GeoPoint(29.48, 106.48)),
    ];

    /// <summary>The restricted zone's ring (closed), about 3.9 km × 2.2 km.</summary>
    public static readonly IReadOnlyList<GeoPoint> RestrictedZone =
    [
        new(29.545, 106.555),
        new(29.545, 106.595),
        new(29.565, 106.595),
        new(29.565, 106.555),
        new(29.545, 106.555),
    ];

    /// <summary>The zone's centre.</summary>
    public static GeoPoint RestrictedZoneCentre => new(29.555, 106.575);

    /// <summary>How far normal routes keep from the zone centre.</summary>
    public const double ZoneClearanceM = 4_000;

    /// <summary>The zone as a GeoJSON FeatureCollection with the properties of DESIGN.md §5 (always banned, all classes).</summary>
    public static object RestrictedZoneFeatureCollection() => new Dictionary<string, object>
    {
        ["type"] = "FeatureCollection",
        ["features"] = new object[]
        {
            new Dictionary<string, object>
            {
                ["type"] = "Feature",
                ["id"] = RestrictedZoneId,
                ["properties"] = new Dictionary<string, object>
                {
                    ["id"] = RestrictedZoneId,
                    ["name"] = RestrictedZoneName,
                    ["kind"] = "restricted_area",
                    ["hazardClasses"] = Array.Empty<string>(),
                    ["schedule"] = Array.Empty<object>(),
                },
                ["geometry"] = new Dictionary<string, object>
                {
                    ["type"] = "Polygon",
                    ["coordinates"] = new[] { RestrictedZone.Select(p => new[] { p.Lon, p.Lat }).ToArray() },
                },
            },
        },
    };
}

/// <summary>Generates road-like synthetic routes: hub to hub with a few kilometres of smooth lateral wander.</summary>
internal static class RouteGenerator
{
    /// <summary>A route between two random hubs that keeps <see cref="Chongqing.ZoneClearanceM"/> from the restricted zone.</summary>
    public static Route Normal(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        for (var attempt = 0; ; attempt++)
        {
            var (from, to) = PickHubs(random);
            var route = Wander($"{from.Name}→{to.Name}", from.Point, to.Point, random, attempt < 50 ? 1500 : 300);
            if (route.MinDistanceM(Chongqing.RestrictedZoneCentre, 250) >= Chongqing.ZoneClearanceM)
            {
                return route;
            }
        }
    }

    /// <summary>A route from the west bank through the restricted zone's centre to the south bank.</summary>
    public static Route ThroughRestrictedZone(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var west = Chongqing.Hubs.Single(h => h.Name == "沙坪坝");
        var east = Chongqing.Hubs.Single(h => h.Name == "茶园");
        var first = Wander("", west.Point, Chongqing.RestrictedZoneCentre, random, 600);
        var second = Wander("", Chongqing.RestrictedZoneCentre, east.Point, random, 600);
        return new Route($"{west.Name}→渝中→{east.Name}", [.. first.Points, .. second.Points.Skip(1)]);
    }

    private static ((string Name, GeoPoint Point) From, (string Name, GeoPoint Point) To) PickHubs(Random random)
    {
        while (true)
        {
            var a = Chongqing.Hubs[random.Next(Chongqing.Hubs.Count)];
            var b = Chongqing.Hubs[random.Next(Chongqing.Hubs.Count)];
            var length = Geo.DistanceM(a.Point, b.Point);
            if (a.Name != b.Name && length is > 15_000 and < 80_000)
            {
                return (a, b);
            }
        }
    }

    // Points every ~1 km, offset sideways by a sum of two sines that vanish at both ends.
    private static Route Wander(string name, GeoPoint from, GeoPoint to, Random random, double amplitudeM)
    {
        var length = Geo.DistanceM(from, to);
        var bearing = Geo.BearingDeg(from, to);
        var count = Math.Max(2, (int)(length / 1000));
        var a1 = ((random.NextDouble() * 2) - 1) * amplitudeM;
        var a2 = ((random.NextDouble() * 2) - 1) * amplitudeM / 3;
        var points = new List<GeoPoint>(count + 1);
        for (var i = 0; i <= count; i++)
        {
            var t = (double)i / count;
            var along = Geo.Offset(from, bearing, length * t);
            var side = (a1 * Math.Sin(Math.PI * t)) + (a2 * Math.Sin(3 * Math.PI * t));
            points.Add(i == 0 ? from : i == count ? to : Geo.Offset(along, bearing + 90, side));
        }

        return new Route(name, points);
    }
}
