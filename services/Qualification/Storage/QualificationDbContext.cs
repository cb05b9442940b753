using System.Text;
using HazChem.Transport.ServiceDefaults.Storage;
using Microsoft.EntityFrameworkCore;

namespace HazChem.Transport.Qualification.Storage;

/// <summary>
/// The Qualification service's own database: for carriers, vehicles, personnel, tanks and blacklist entries an
/// identity table plus an append-only version table (see <see cref="CarrierRow"/>). The model uses only types both
/// PostgreSQL and SQLite map natively: text, integers, doubles, dates, UTC timestamps, string lists and one JSON
/// column, so the same model runs in the distributed and the embedded mode.
/// </summary>
internal sealed class QualificationDbContext(DbContextOptions<QualificationDbContext> options) : ServiceDbContext(options)
{
    /// <inheritdoc />
    public override int SchemaVersion => 1;

    public DbSet<CarrierRow> Carriers => Set<CarrierRow>();

    public DbSet<CarrierVersionRow> CarrierVersions => Set<CarrierVersionRow>();

    public DbSet<VehicleRow> Vehicles => Set<VehicleRow>();

    public DbSet<VehicleVersionRow> VehicleVersions => Set<VehicleVersionRow>();

    public DbSet<PersonRow> Persons => Set<PersonRow>();

    public DbSet<PersonVersionRow> PersonVersions => Set<PersonVersionRow>();

    public DbSet<TankRow> Tanks => Set<TankRow>();

    public DbSet<TankVersionRow> TankVersions => Set<TankVersionRow>();

    public DbSet<BlacklistEntryRow> BlacklistEntries => Set<BlacklistEntryRow>();

    public DbSet<BlacklistEntryVersionRow> BlacklistEntryVersions => Set<BlacklistEntryVersionRow>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        modelBuilder.Entity<CarrierRow>(e =>
        {
            e.ToTable("carriers");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.CreditCode).IsUnique();
        });
        modelBuilder.Entity<CarrierVersionRow>(e =>
        {
            e.ToTable("carrier_versions");
            e.HasKey(x => new { x.CarrierId, x.Version });
            e.HasOne<CarrierRow>().WithMany().HasForeignKey(x => x.CarrierId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => x.Name);
        });

        modelBuilder.Entity<VehicleRow>(e =>
        {
            e.ToTable("vehicles");
            e.HasKey(x => x.Plate);
            e.HasIndex(x => x.CarrierId);
            e.HasOne<CarrierRow>().WithMany().HasForeignKey(x => x.CarrierId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<VehicleVersionRow>(e =>
        {
            e.ToTable("vehicle_versions");
            e.HasKey(x => new { x.Plate, x.Version });
            e.HasOne<VehicleRow>().WithMany().HasForeignKey(x => x.Plate).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.Kind).HasConversion<string>();
            e.HasIndex(x => x.TerminalKey);
        });

        modelBuilder.Entity<PersonRow>(e =>
        {
            e.ToTable("persons");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.IdNumber).IsUnique();
            e.HasIndex(x => x.CarrierId);
            e.HasOne<CarrierRow>().WithMany().HasForeignKey(x => x.CarrierId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<PersonVersionRow>(e =>
        {
            e.ToTable("person_versions");
            e.HasKey(x => new { x.PersonId, x.Version });
            e.HasOne<PersonRow>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.Role).HasConversion<string>();
        });

        modelBuilder.Entity<TankRow>(e =>
        {
            e.ToTable("tanks");
            e.HasKey(x => x.Number);
            e.HasIndex(x => x.CarrierId);
            e.HasOne<CarrierRow>().WithMany().HasForeignKey(x => x.CarrierId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<TankVersionRow>(e =>
        {
            e.ToTable("tank_versions");
            e.HasKey(x => new { x.Number, x.Version });
            e.HasOne<TankRow>().WithMany().HasForeignKey(x => x.Number).OnDelete(DeleteBehavior.Restrict);
            e.OwnsMany(x => x.Media, media =>
            {
                media.ToJson("media");
                media.Property(m => m.UnNumber).HasJsonPropertyName("unNumber");
                media.Property(m => m.MaxLoadKg).HasJsonPropertyName("maxLoadKg");
            });
        });

        modelBuilder.Entity<BlacklistEntryRow>(e =>
        {
            e.ToTable("blacklist_entries");
            e.HasKey(x => x.Id);
            e.Property(x => x.SubjectType).HasConversion<string>();
            e.HasIndex(x => new { x.SubjectType, x.SubjectId });
            e.HasIndex(x => x.CreatedAt);
        });
        modelBuilder.Entity<BlacklistEntryVersionRow>(e =>
        {
            e.ToTable("blacklist_entry_versions");
            e.HasKey(x => new { x.EntryId, x.Version });
            e.HasOne<BlacklistEntryRow>().WithMany().HasForeignKey(x => x.EntryId).OnDelete(DeleteBehavior.Restrict);
        });

        UseSnakeCaseColumns(modelBuilder);
    }

    // Column names as the schema_version table of ServiceDbContext has them (snake_case).
    private static void UseSnakeCaseColumns(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes().Where(t => !t.IsOwned()))
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
            }
        }
    }

    private static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }
}
