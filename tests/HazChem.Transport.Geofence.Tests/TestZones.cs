using NetTopologySuite.Geometries;

namespace HazChem.Transport.Geofence.Tests;

internal static class TestZones
{
    public static Polygon Rectangle(double minLon, double minLat, double maxLon, double maxLat) =>
        ZoneGeoJson.Wgs84Factory.CreatePolygon(
        [
            new Coordinate(minLon, minLat), new Coordinate(maxLon, minLat), new Coordinate(maxLon, maxLat),
            new Coordinate(minLon, maxLat), new Coordinate(minLon, minLat),
        ]);

    public static ZoneDefinition Zone(string id, Geometry? geometry = null, IReadOnlyList<ScheduleWindow>? schedule = null, IReadOnlyList<string>? hazardClasses = null) => new()
    {
        Id = id,
        Name = id,
        Kind = ZoneKinds.RestrictedArea,
        Geometry = geometry ?? Rectangle(106.5, 29.5, 106.6, 29.6),
        Schedule = schedule ?? [],
        HazardClasses = hazardClasses ?? [],
        SourceCrs = SourceCrs.Wgs84,
    };

    /// <summary>An Asia/Shanghai wall-clock time as an instant.</summary>
    public static DateTimeOffset Local(int year, int month, int day, int hour, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.FromHours(8));
}
