namespace HazChem.Transport.RouteCompliance.Storage;

/// <summary>A restricted zone; geometry as WGS-84 GeoJSON text, lists as JSON text (portable across PostgreSQL and SQLite).</summary>
internal sealed class ZoneRow
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public string Kind { get; set; } = "";

    public string HazardClassesJson { get; set; } = "[]";

    public string ScheduleJson { get; set; } = "[]";

    public double? SpeedLimitKmh { get; set; }

    public string GeometryGeoJson { get; set; } = "";

    public string SourceCrs { get; set; } = "";

    public long ImportedAtMs { get; set; }
}

/// <summary>One row per catalogue: its version increases with every import or delete, so replicas notice changes.</summary>
internal sealed class CatalogVersionRow
{
    public string Name { get; set; } = "";

    public long Version { get; set; }
}

/// <summary>The compliance projection of a waybill, from its latest event.</summary>
internal sealed class TripRow
{
    public string WaybillId { get; set; } = "";

    public int Version { get; set; }

    public string Plate { get; set; } = "";

    public string Status { get; set; } = "";

    public string RouteJson { get; set; } = "[]";

    public double CorridorMeters { get; set; }

    public long? WindowStartMs { get; set; }

    public long? WindowEndMs { get; set; }

    public string GoodsClassesJson { get; set; } = "[]";

    public bool HighHazard { get; set; }

    public string? OriginJson { get; set; }

    public string? DestinationJson { get; set; }

    public long? MonitoredSinceMs { get; set; }

    public long UpdatedAtMs { get; set; }
}

/// <summary>
/// A violation episode. Times are Unix milliseconds (UTC) so filters and ordering work alike on both providers. The
/// engine owns everything up to <see cref="EngineRevision"/>; the police API owns the acknowledgement columns.
/// </summary>
internal sealed class ViolationRow
{
    public string Id { get; set; } = "";

    public string Plate { get; set; } = "";

    public string Kind { get; set; } = "";

    public string Code { get; set; } = "";

    public string ZoneId { get; set; } = "";

    public string ZoneName { get; set; } = "";

    public string WaybillId { get; set; } = "";

    public long StartMs { get; set; }

    public long? EndMs { get; set; }

    public string EvidenceJson { get; set; } = "[]";

    public string Details { get; set; } = "";

    public double MaxDistanceMeters { get; set; }

    public double MaxSpeedKmh { get; set; }

    public double SpeedLimitKmh { get; set; }

    public string GoodsClassesJson { get; set; } = "[]";

    public int EngineRevision { get; set; }

    public string? AckBy { get; set; }

    public string? AckNote { get; set; }

    public long? AckAtMs { get; set; }

    public long UpdatedAtMs { get; set; }
}
