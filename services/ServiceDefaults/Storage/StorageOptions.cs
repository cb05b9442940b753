using System.ComponentModel.DataAnnotations;

namespace HazChem.Transport.ServiceDefaults.Storage;

/// <summary>Which database engine holds the service's records, section <c>Storage</c>.</summary>
public enum StorageProvider
{
    /// <summary>PostgreSQL, the system of record in the distributed mode (<c>ConnectionStrings__Postgres</c>).</summary>
    Postgres,

    /// <summary>A SQLite file, the embedded default (<c>ConnectionStrings__Sqlite</c>).</summary>
    Sqlite,
}

/// <summary>
/// Storage settings: <c>Storage__Provider</c> (<c>Postgres</c> or <c>Sqlite</c>) plus the matching
/// connection string <c>ConnectionStrings__Postgres</c> or <c>ConnectionStrings__Sqlite</c>.
/// </summary>
public sealed class StorageOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Storage";

    /// <summary>The engine.</summary>
    [Required]
    public StorageProvider Provider { get; set; } = StorageProvider.Postgres;
}
