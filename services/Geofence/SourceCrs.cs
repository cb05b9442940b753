namespace HazChem.Transport.Geofence;

/// <summary>Coordinate reference system of imported zone coordinates.</summary>
public enum SourceCrs
{
    /// <summary>WGS-84 (GPS) longitude/latitude.</summary>
    Wgs84 = 1,

    /// <summary>GCJ-02 ("Mars coordinates"), the obfuscated datum used by Chinese map providers.</summary>
    Gcj02 = 2,
}
