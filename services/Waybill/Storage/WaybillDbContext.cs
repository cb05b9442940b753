using HazChem.Transport.ServiceDefaults.Storage;
using Microsoft.EntityFrameworkCore;

namespace HazChem.Transport.Waybill.Storage;

/// <summary>
/// The Waybill service's own database, on PostgreSQL or SQLite. Waybill versions are append-only (W-RETENTION):
/// saving a modified or deleted version row throws.
/// </summary>
internal sealed class WaybillDbContext(DbContextOptions<WaybillDbContext> options) : ServiceDbContext(options)
{
    /// <inheritdoc />
    public override int SchemaVersion => 1;

    public DbSet<WaybillRow> Waybills => Set<WaybillRow>();

    public DbSet<WaybillVersionRow> WaybillVersions => Set<WaybillVersionRow>();

    public DbSet<ActiveVehicleRow> ActiveVehicles => Set<ActiveVehicleRow>();

    public DbSet<OutboxRow> Outbox => Set<OutboxRow>();

    public DbSet<OutboxLeaseRow> OutboxLeases => Set<OutboxLeaseRow>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        GuardRetention();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        GuardRetention();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<WaybillRow>(e =>
        {
            e.ToTable("waybills");
            e.HasKey(x => x.Sequence);
            e.Property(x => x.Sequence).HasColumnName("sequence").ValueGeneratedOnAdd();
            e.HasAlternateKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").HasMaxLength(64);
            e.Property(x => x.CarrierId).HasColumnName("carrier_id").HasMaxLength(64);
            e.Property(x => x.VehiclePlate).HasColumnName("vehicle_plate").HasMaxLength(16);
            e.Property(x => x.TrailerPlate).HasColumnName("trailer_plate").HasMaxLength(16);
            e.Property(x => x.Status).HasColumnName("status").HasMaxLength(16);
            e.Property(x => x.Version).HasColumnName("version").IsConcurrencyToken();
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
            e.HasIndex(x => new { x.VehiclePlate, x.Sequence });
            e.HasIndex(x => new { x.CarrierId, x.Sequence });
        });
        modelBuilder.Entity<WaybillVersionRow>(e =>
        {
            e.ToTable("waybill_versions");
            e.HasKey(x => new { x.WaybillId, x.Version });
            e.Property(x => x.WaybillId).HasColumnName("waybill_id").HasMaxLength(64);
            e.Property(x => x.Version).HasColumnName("version").ValueGeneratedNever();
            e.Property(x => x.Change).HasColumnName("change").HasMaxLength(16);
            e.Property(x => x.Status).HasColumnName("status").HasMaxLength(16);
            e.Property(x => x.At).HasColumnName("at");
            e.Property(x => x.Actor).HasColumnName("actor").HasMaxLength(200);
            e.Property(x => x.ActorRole).HasColumnName("actor_role").HasMaxLength(32);
            e.Property(x => x.Reason).HasColumnName("reason").HasMaxLength(1000);
            e.Property(x => x.Snapshot).HasColumnName("snapshot");
            e.HasOne<WaybillRow>().WithMany().HasForeignKey(x => x.WaybillId).HasPrincipalKey(w => w.Id).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<ActiveVehicleRow>(e =>
        {
            e.ToTable("active_vehicles");
            e.HasKey(x => x.Plate);
            e.Property(x => x.Plate).HasColumnName("plate").HasMaxLength(16);
            e.Property(x => x.WaybillId).HasColumnName("waybill_id").HasMaxLength(64);
            e.HasIndex(x => x.WaybillId);
        });
        modelBuilder.Entity<OutboxRow>(e =>
        {
            e.ToTable("waybill_outbox");
            e.HasKey(x => x.Sequence);
            e.Property(x => x.Sequence).HasColumnName("sequence").ValueGeneratedOnAdd();
            e.Property(x => x.EventId).HasColumnName("event_id").HasMaxLength(80);
            e.Property(x => x.Key).HasColumnName("message_key").HasMaxLength(64);
            e.Property(x => x.Payload).HasColumnName("payload");
            e.Property(x => x.TraceParent).HasColumnName("trace_parent").HasMaxLength(128);
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.SentAt).HasColumnName("sent_at");
            e.HasIndex(x => x.EventId).IsUnique();
            e.HasIndex(x => new { x.SentAt, x.Sequence });
        });
        modelBuilder.Entity<OutboxLeaseRow>(e =>
        {
            e.ToTable("waybill_outbox_lease");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(64);
            e.Property(x => x.Owner).HasColumnName("owner").HasMaxLength(128);
            e.Property(x => x.ExpiresAtMs).HasColumnName("expires_at_ms");
        });
    }

    private void GuardRetention()
    {
        var rewritten = ChangeTracker.Entries<WaybillVersionRow>()
            .FirstOrDefault(e => e.State is EntityState.Modified or EntityState.Deleted);
        if (rewritten is not null)
        {
            throw new InvalidOperationException(
                $"W-RETENTION: waybill {rewritten.Entity.WaybillId} version {rewritten.Entity.Version} would be {(rewritten.State == EntityState.Deleted ? "deleted" : "rewritten")}; versions are append-only.");
        }
    }
}
