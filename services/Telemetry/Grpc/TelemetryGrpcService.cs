using HazChem.Transport.Contracts.Telemetry.V1;
using Microsoft.AspNetCore.Authorization;

namespace HazChem.Transport.Telemetry.Grpc;

/// <summary>
/// The Telemetry gRPC surface (and its REST routes through JSON transcoding). RPC bodies arrive with their
/// issue; until then the generated base answers UNIMPLEMENTED, which is the honest answer.
/// </summary>
[Authorize]
internal sealed class TelemetryGrpcService : TelemetryService.TelemetryServiceBase
{
}
