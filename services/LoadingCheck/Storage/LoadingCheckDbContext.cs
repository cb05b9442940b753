using HazChem.Transport.ServiceDefaults.Storage;
using Microsoft.EntityFrameworkCore;

namespace HazChem.Transport.LoadingCheck.Storage;

/// <summary>The LoadingCheck service's own database. Its tables arrive with the RPCs that need them.</summary>
internal sealed class LoadingCheckDbContext(DbContextOptions<LoadingCheckDbContext> options) : ServiceDbContext(options)
{
    /// <inheritdoc />
    public override int SchemaVersion => 1;
}
