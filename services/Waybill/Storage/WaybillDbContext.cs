using HazChem.Transport.ServiceDefaults.Storage;
using Microsoft.EntityFrameworkCore;

namespace HazChem.Transport.Waybill.Storage;

/// <summary>The Waybill service's own database. Its tables arrive with the RPCs that need them.</summary>
internal sealed class WaybillDbContext(DbContextOptions<WaybillDbContext> options) : ServiceDbContext(options)
{
    /// <inheritdoc />
    public override int SchemaVersion => 1;
}
