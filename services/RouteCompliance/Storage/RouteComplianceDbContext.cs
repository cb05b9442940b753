using HazChem.Transport.ServiceDefaults.Storage;
using Microsoft.EntityFrameworkCore;

namespace HazChem.Transport.RouteCompliance.Storage;

/// <summary>The RouteCompliance service's own database (PostgreSQL or SQLite): zones, trip projection, violations.</summary>
internal sealed class RouteComplianceDbContext(DbContextOptions<RouteComplianceDbContext> options) : ServiceDbContext(options)
{
    /// <inheritdoc />
    public override int SchemaVersion => 1;

    public DbSet<ZoneRow> Zones => Set<ZoneRow>();

    public DbSet<CatalogVersionRow> CatalogVersions => Set<CatalogVersionRow>();

    public DbSet<TripRow> Trips => Set<TripRow>();

    public DbSet<ViolationRow> Violations => Set<ViolationRow>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<ZoneRow>(e =>
        {
            e.ToTable("zones");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").HasMaxLength(128);
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(200);
            e.Property(x => x.Kind).HasColumnName("kind").HasMaxLength(64);
            e.Property(x => x.HazardClassesJson).HasColumnName("hazard_classes");
            e.Property(x => x.ScheduleJson).HasColumnName("schedule");
            e.Property(x => x.SpeedLimitKmh).HasColumnName("speed_limit_kmh");
            e.Property(x => x.GeometryGeoJson).HasColumnName("geometry");
            e.Property(x => x.SourceCrs).HasColumnName("source_crs").HasMaxLength(16);
            e.Property(x => x.ImportedAtMs).HasColumnName("imported_at_ms");
            e.HasIndex(x => x.Kind);
        });
        modelBuilder.Entity<CatalogVersionRow>(e =>
        {
            e.ToTable("catalog_versions");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(32);
            e.Property(x => x.Version).HasColumnName("version").IsConcurrencyToken();
        });
        modelBuilder.Entity<TripRow>(e =>
        {
            e.ToTable("trips");
            e.HasKey(x => x.WaybillId);
            e.Property(x => x.WaybillId).HasColumnName("waybill_id").HasMaxLength(64);
            e.Property(x => x.Version).HasColumnName("version");
            e.Property(x => x.Plate).HasColumnName("plate").HasMaxLength(16);
            e.Property(x => x.Status).HasColumnName("status").HasMaxLength(16);
            e.Property(x => x.RouteJson).HasColumnName("route");
            e.Property(x => x.CorridorMeters).HasColumnName("corridor_meters");
            e.Property(x => x.WindowStartMs).HasColumnName("window_start_ms");
            e.Property(x => x.WindowEndMs).HasColumnName("window_end_ms");
            e.Property(x => x.GoodsClassesJson).HasColumnName("goods_classes");
            e.Property(x => x.HighHazard).HasColumnName("high_hazard");
            e.Property(x => x.OriginJson).HasColumnName("origin");
            e.Property(x => x.DestinationJson).HasColumnName("destination");
            e.Property(x => x.MonitoredSinceMs).HasColumnName("monitored_since_ms");
            e.Property(x => x.UpdatedAtMs).HasColumnName("updated_at_ms");
            e.HasIndex(x => new { x.Status, x.Plate });
        });
        modelBuilder.Entity<ViolationRow>(e =>
        {
            e.ToTable("violations");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").HasMaxLength(64);
            e.Property(x => x.Plate).HasColumnName("plate").HasMaxLength(16);
            e.Property(x => x.Kind).HasColumnName("kind").HasMaxLength(32);
            e.Property(x => x.Code).HasColumnName("code").HasMaxLength(32);
            e.Property(x => x.ZoneId).HasColumnName("zone_id").HasMaxLength(128);
            e.Property(x => x.ZoneName).HasColumnName("zone_name").HasMaxLength(200);
            e.Property(x => x.WaybillId).HasColumnName("waybill_id").HasMaxLength(64);
            e.Property(x => x.StartMs).HasColumnName("start_ms");
            e.Property(x => x.EndMs).HasColumnName("end_ms");
            e.Property(x => x.EvidenceJson).HasColumnName("evidence");
            e.Property(x => x.Details).HasColumnName("details").HasMaxLength(1000);
            e.Property(x => x.MaxDistanceMeters).HasColumnName("max_distance_m");
            e.Property(x => x.MaxSpeedKmh).HasColumnName("max_speed_kmh");
            e.Property(x => x.SpeedLimitKmh).HasColumnName("speed_limit_kmh");
            e.Property(x => x.GoodsClassesJson).HasColumnName("goods_classes");
            e.Property(x => x.EngineRevision).HasColumnName("engine_revision");
            e.Property(x => x.AckBy).HasColumnName("ack_by").HasMaxLength(200);
            e.Property(x => x.AckNote).HasColumnName("ack_note").HasMaxLength(2000);
            e.Property(x => x.AckAtMs).HasColumnName("ack_at_ms");
            e.Property(x => x.UpdatedAtMs).HasColumnName("updated_at_ms");
            e.HasIndex(x => new { x.StartMs, x.Id });
            e.HasIndex(x => new { x.Plate, x.StartMs });
            e.HasIndex(x => new { x.Kind, x.StartMs });
            e.HasIndex(x => x.ZoneId);
            e.HasIndex(x => x.WaybillId);
            e.HasIndex(x => new { x.Plate, x.EndMs });
        });
    }
}
