using HazChem.Transport.ServiceDefaults.Storage;
using Microsoft.EntityFrameworkCore;

namespace HazChem.Transport.RouteCompliance.Storage;

/// <summary>The RouteCompliance service's own database. Its tables arrive with the RPCs that need them.</summary>
internal sealed class RouteComplianceDbContext(DbContextOptions<RouteComplianceDbContext> options) : ServiceDbContext(options)
{
    /// <inheritdoc />
    public override int SchemaVersion => 1;
}
