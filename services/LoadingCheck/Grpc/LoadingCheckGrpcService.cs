using HazChem.Transport.Contracts.LoadingCheck.V1;
using Microsoft.AspNetCore.Authorization;

namespace HazChem.Transport.LoadingCheck.Grpc;

/// <summary>
/// The LoadingCheck gRPC surface (and its REST routes through JSON transcoding). RPC bodies arrive with their
/// issue; until then the generated base answers UNIMPLEMENTED, which is the honest answer.
/// </summary>
[Authorize]
internal sealed class LoadingCheckGrpcService : LoadingCheckService.LoadingCheckServiceBase
{
}
