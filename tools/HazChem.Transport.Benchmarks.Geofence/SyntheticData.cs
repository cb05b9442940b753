using HazChem.Transport.Geofence;
using NetTopologySuite.Geometries;

namespace HazChem.Transport.Benchmarks.Geofence;

/// <summary>
/// Deterministic synthetic zones and fixes inside a province-sized box (102–108 E, 27–33 N, about
/// 600 × 660 km, roughly Sichuan/Chongqing). Zone sizes mix what a province's restriction list holds:
/// district-sized areas (10–30 km across, 128–256 vertices; 1 % of the zones but at most 200, as a province
/// has some hundred districts), 10 % medium (1–5 km: industrial parks, water-source areas, 16–64 vertices)
/// and the rest small (schools, tunnels, bridges, intakes: 200 m–1 km, 8–24 vertices). Polygons are
/// star-shaped around their centre, hence always valid.
/// </summary>
internal static class SyntheticData
{
    public const double MinLon = 102;
    public const double MaxLon = 108;
    public const double MinLat = 27;
    public const double MaxLat = 33;

    public static List<ZoneDefinition> Zones(int count, int seed = 808)
    {
        var random = new Random(seed + count);
        var factory = ZoneGeoJson.Wgs84Factory;
        var zones = new List<ZoneDefinition>(count);
        for (var i = 0; i < count; i++)
        {
            var large = Math.Min(200, Math.Max(1, count / 100));
            var (radius, vertices) = i < large
                ? (0.05 + (random.NextDouble() * 0.1), 128 + random.Next(129))
                : random.NextDouble() < 0.1
                    ? (0.005 + (random.NextDouble() * 0.02), 16 + random.Next(49))
                    : (0.001 + (random.NextDouble() * 0.004), 8 + random.Next(17));
            var lon = MinLon + radius + (random.NextDouble() * (MaxLon - MinLon - (2 * radius)));
            var lat = MinLat + radius + (random.NextDouble() * (MaxLat - MinLat - (2 * radius)));
            var ring = new Coordinate[vertices + 1];
            for (var v = 0; v < vertices; v++)
            {
                var angle = 2 * Math.PI * v / vertices;
                var r = radius * (0.55 + (random.NextDouble() * 0.45));
                ring[v] = new Coordinate(lon + (r * Math.Cos(angle)), lat + (r * Math.Sin(angle)));
            }

            ring[^1] = ring[0].Copy();
            zones.Add(new ZoneDefinition
            {
                Id = $"z{i}",
                Name = $"zone {i}",
                Kind = ZoneKinds.RestrictedArea,
                Geometry = factory.CreatePolygon(ring),
                SourceCrs = SourceCrs.Wgs84,
            });
        }

        return zones;
    }

    /// <summary>Half uniform over the box, half inside the envelope of a random zone (so polygon tests really run).</summary>
    public static (double[] Lon, double[] Lat) Fixes(IReadOnlyList<ZoneDefinition> zones, int count, int seed = 4242)
    {
        var random = new Random(seed);
        var lon = new double[count];
        var lat = new double[count];
        for (var i = 0; i < count; i++)
        {
            if (i % 2 == 0 || zones.Count == 0)
            {
                lon[i] = MinLon + (random.NextDouble() * (MaxLon - MinLon));
                lat[i] = MinLat + (random.NextDouble() * (MaxLat - MinLat));
            }
            else
            {
                var env = zones[random.Next(zones.Count)].Geometry.EnvelopeInternal;
                lon[i] = env.MinX + (random.NextDouble() * env.Width);
                lat[i] = env.MinY + (random.NextDouble() * env.Height);
            }
        }

        return (lon, lat);
    }

    /// <summary>A wandering route of <paramref name="vertices"/> vertices, 200 m–1.2 km apart, through the box.</summary>
    public static List<(double Lon, double Lat)> Route(int vertices, int seed = 77)
    {
        var random = new Random(seed);
        var route = new List<(double Lon, double Lat)>(vertices);
        double lon = 103, lat = 30, heading = 0;
        for (var i = 0; i < vertices; i++)
        {
            route.Add((lon, lat));
            heading += (random.NextDouble() - 0.5) * 0.8;
            var step = 0.002 + (random.NextDouble() * 0.01);
            lon += step * Math.Cos(heading);
            lat += step * Math.Sin(heading) * 0.5;
        }

        return route;
    }

    /// <summary>Fixes near a route: a random vertex plus up to ±3 km, so some are inside a 500 m corridor and some are not.</summary>
    public static (double[] Lon, double[] Lat) FixesNear(List<(double Lon, double Lat)> route, int count, int seed = 99)
    {
        var random = new Random(seed);
        var lon = new double[count];
        var lat = new double[count];
        for (var i = 0; i < count; i++)
        {
            var (vLon, vLat) = route[random.Next(route.Count)];
            lon[i] = vLon + ((random.NextDouble() - 0.5) * 0.06);
            lat[i] = vLat + ((random.NextDouble() - 0.5) * 0.06);
        }

        return (lon, lat);
    }
}
