using HazChem.Transport.ServiceDefaults.Storage;
using Microsoft.EntityFrameworkCore;

namespace HazChem.Transport.Telemetry.Storage;

/// <summary>The Telemetry service's own database. Its tables arrive with the RPCs that need them.</summary>
internal sealed class TelemetryDbContext(DbContextOptions<TelemetryDbContext> options) : ServiceDbContext(options)
{
    /// <inheritdoc />
    public override int SchemaVersion => 1;
}
