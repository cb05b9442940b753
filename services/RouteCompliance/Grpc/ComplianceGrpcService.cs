using HazChem.Transport.Contracts.Compliance.V1;
using Microsoft.AspNetCore.Authorization;

namespace HazChem.Transport.RouteCompliance.Grpc;

/// <summary>
/// The RouteCompliance gRPC surface (and its REST routes through JSON transcoding). RPC bodies arrive with their
/// issue; until then the generated base answers UNIMPLEMENTED, which is the honest answer.
/// </summary>
[Authorize]
internal sealed class ComplianceGrpcService : ComplianceService.ComplianceServiceBase
{
}
