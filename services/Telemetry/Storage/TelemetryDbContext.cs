using HazChem.Transport.ServiceDefaults.Storage;
using Microsoft.EntityFrameworkCore;

namespace HazChem.Transport.Telemetry.Storage;

/// <summary>
/// The Telemetry service's own database. EF maps the quarantine; the track table (<c>track_points</c>, partitioned
/// by month on PostgreSQL) is created and written with SQL by <see cref="TrackStore"/>, because EF can neither
/// declare partitions nor COPY.
/// </summary>
internal sealed class TelemetryDbContext(DbContextOptions<TelemetryDbContext> options) : ServiceDbContext(options)
{
    /// <inheritdoc />
    public override int SchemaVersion => 2;

    public DbSet<QuarantinedFixRow> QuarantinedFixes => Set<QuarantinedFixRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<QuarantinedFixRow>(e =>
        {
            e.ToTable("quarantined_fixes");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.Plate).HasColumnName("plate").HasMaxLength(64);
            e.Property(x => x.TerminalPhone).HasColumnName("terminal_phone").HasMaxLength(32);
            e.Property(x => x.FixTimeMicros).HasColumnName("fix_time_us");
            e.Property(x => x.ReceivedTimeMicros).HasColumnName("received_time_us");
            e.Property(x => x.Lat).HasColumnName("lat");
            e.Property(x => x.Lon).HasColumnName("lon");
            e.Property(x => x.SpeedKmh).HasColumnName("speed_kmh");
            e.Property(x => x.HeadingDeg).HasColumnName("heading_deg");
            e.Property(x => x.AltitudeM).HasColumnName("altitude_m");
            e.Property(x => x.Source).HasColumnName("source");
            e.Property(x => x.Late).HasColumnName("late");
            e.Property(x => x.Code).HasColumnName("code").HasMaxLength(32);
            e.Property(x => x.Reason).HasColumnName("reason").HasMaxLength(1000);
            e.HasIndex(x => new { x.Plate, x.FixTimeMicros }).HasDatabaseName("ix_quarantined_fixes_plate_fix_time");
            e.HasIndex(x => x.ReceivedTimeMicros).HasDatabaseName("ix_quarantined_fixes_received_time");
        });
    }
}

/// <summary>A fix that failed a T- rule. Times are µs since the Unix epoch (same on both engines, exact ordering).</summary>
internal sealed class QuarantinedFixRow
{
    public long Id { get; set; }

    public string Plate { get; set; } = "";

    public string TerminalPhone { get; set; } = "";

    public long FixTimeMicros { get; set; }

    public long ReceivedTimeMicros { get; set; }

    public double Lat { get; set; }

    public double Lon { get; set; }

    public double SpeedKmh { get; set; }

    public double HeadingDeg { get; set; }

    public double AltitudeM { get; set; }

    public int Source { get; set; }

    public bool Late { get; set; }

    public string Code { get; set; } = "";

    public string Reason { get; set; } = "";
}
