using HazChem.Transport.Contracts.Qualification.V1;
using Microsoft.AspNetCore.Authorization;

namespace HazChem.Transport.Qualification.Grpc;

/// <summary>
/// The Qualification gRPC surface (and its REST routes through JSON transcoding). RPC bodies arrive with their
/// issue; until then the generated base answers UNIMPLEMENTED, which is the honest answer.
/// </summary>
[Authorize]
internal sealed class QualificationGrpcService : QualificationService.QualificationServiceBase
{
}
