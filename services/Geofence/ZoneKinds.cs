namespace HazChem.Transport.Geofence;

/// <summary>The zone kinds an import accepts (DESIGN.md §5).</summary>
public static class ZoneKinds
{
    /// <summary>A restricted area (限行区域), e.g. a city centre; the default when a feature has no kind.</summary>
    public const string RestrictedArea = "restricted_area";

    /// <summary>A tunnel.</summary>
    public const string Tunnel = "tunnel";

    /// <summary>A bridge.</summary>
    public const string Bridge = "bridge";

    /// <summary>A drinking-water source protection area.</summary>
    public const string WaterSource = "water_source";

    /// <summary>A school area.</summary>
    public const string School = "school";

    /// <summary>A hospital area.</summary>
    public const string Hospital = "hospital";

    /// <summary>A residential area.</summary>
    public const string ResidentialArea = "residential_area";

    /// <summary>An expressway night ban; its windows must lie within 00:00–06:00 (DOMAIN.md C, 29号令 第49条).</summary>
    public const string ExpresswayBan = "expressway_ban";

    /// <summary>All accepted kinds.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        RestrictedArea, Tunnel, Bridge, WaterSource, School, Hospital, ResidentialArea, ExpresswayBan,
    };
}
