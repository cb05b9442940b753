using HazChem.Transport.ServiceDefaults.Storage;
using Microsoft.EntityFrameworkCore;

namespace HazChem.Transport.LoadingCheck.Storage;

/// <summary>
/// The LoadingCheck service's own database, on PostgreSQL or SQLite. Checks and confirmations are append-only
/// (L-RECORD, retention ≥ 12 months): saving a modified or deleted row throws.
/// </summary>
internal sealed class LoadingCheckDbContext(DbContextOptions<LoadingCheckDbContext> options) : ServiceDbContext(options)
{
    /// <inheritdoc />
    public override int SchemaVersion => 1;

    public DbSet<LoadingCheckRow> Checks => Set<LoadingCheckRow>();

    public DbSet<ConfirmationRow> Confirmations => Set<ConfirmationRow>();

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
        modelBuilder.Entity<LoadingCheckRow>(e =>
        {
            e.ToTable("loading_checks");
            e.HasKey(x => x.Sequence);
            e.Property(x => x.Sequence).HasColumnName("sequence").ValueGeneratedOnAdd();
            e.HasAlternateKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").HasMaxLength(64);
            e.Property(x => x.TerminalId).HasColumnName("terminal_id").HasMaxLength(64);
            e.Property(x => x.WaybillId).HasColumnName("waybill_id").HasMaxLength(64);
            e.Property(x => x.CarrierId).HasColumnName("carrier_id").HasMaxLength(64);
            e.Property(x => x.Plate).HasColumnName("plate").HasMaxLength(16);
            e.Property(x => x.CheckedAt).HasColumnName("checked_at");
            e.Property(x => x.Verdict).HasColumnName("verdict").HasMaxLength(16);
            e.Property(x => x.Record).HasColumnName("record");
            e.HasIndex(x => new { x.TerminalId, x.Sequence });
            e.HasIndex(x => new { x.WaybillId, x.Sequence });
            e.HasIndex(x => new { x.CarrierId, x.Sequence });
        });
        modelBuilder.Entity<ConfirmationRow>(e =>
        {
            e.ToTable("loading_check_confirmations");
            e.HasKey(x => x.CheckId);
            e.Property(x => x.CheckId).HasColumnName("check_id").HasMaxLength(64);
            e.Property(x => x.ConfirmedAt).HasColumnName("confirmed_at");
            e.Property(x => x.ConfirmedBy).HasColumnName("confirmed_by").HasMaxLength(200);
            e.Property(x => x.Loaded).HasColumnName("loaded");
            e.HasOne<LoadingCheckRow>().WithOne().HasForeignKey<ConfirmationRow>(x => x.CheckId).HasPrincipalKey<LoadingCheckRow>(c => c.Id).OnDelete(DeleteBehavior.Restrict);
        });
    }

    private void GuardRetention()
    {
        var rewritten = ChangeTracker.Entries()
            .FirstOrDefault(e => e.Entity is LoadingCheckRow or ConfirmationRow && e.State is EntityState.Modified or EntityState.Deleted);
        if (rewritten is not null)
        {
            var id = rewritten.Entity is LoadingCheckRow row ? row.Id : ((ConfirmationRow)rewritten.Entity).CheckId;
            throw new InvalidOperationException(
                $"L-RECORD: loading check {id} would be {(rewritten.State == EntityState.Deleted ? "deleted" : "rewritten")}; checks and confirmations are append-only.");
        }
    }
}
