using HazChem.Transport.ServiceDefaults.Storage;
using Microsoft.EntityFrameworkCore;

namespace HazChem.Transport.Qualification.Storage;

/// <summary>The Qualification service's own database. Its tables arrive with the RPCs that need them.</summary>
internal sealed class QualificationDbContext(DbContextOptions<QualificationDbContext> options) : ServiceDbContext(options)
{
    /// <inheritdoc />
    public override int SchemaVersion => 1;
}
