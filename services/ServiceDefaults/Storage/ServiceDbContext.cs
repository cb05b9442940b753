using Microsoft.EntityFrameworkCore;

namespace HazChem.Transport.ServiceDefaults.Storage;

/// <summary>One row per schema version a service has created in its own database.</summary>
public sealed class SchemaVersionRow
{
    /// <summary>The version number (increases with each schema change).</summary>
    public int Version { get; set; }

    /// <summary>When the schema was created, UTC.</summary>
    public DateTimeOffset AppliedAt { get; set; }
}

/// <summary>
/// Base of every service's <see cref="DbContext"/>: each service owns one database and records the schema
/// version it created there, so a process with a different model refuses to start instead of corrupting data.
/// </summary>
public abstract class ServiceDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>The schema version this build's model describes.</summary>
    public abstract int SchemaVersion { get; }

    /// <summary>Schema versions applied to this database.</summary>
    public DbSet<SchemaVersionRow> SchemaVersions => Set<SchemaVersionRow>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<SchemaVersionRow>(e =>
        {
            e.ToTable("schema_version");
            e.HasKey(x => x.Version);
            e.Property(x => x.Version).HasColumnName("version").ValueGeneratedNever();
            e.Property(x => x.AppliedAt).HasColumnName("applied_at");
        });
    }
}
