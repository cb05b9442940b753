using HazChem.Transport.Contracts.Waybill.V1;
using Microsoft.AspNetCore.Authorization;

namespace HazChem.Transport.Waybill.Grpc;

/// <summary>
/// The Waybill gRPC surface (and its REST routes through JSON transcoding). RPC bodies arrive with their
/// issue; until then the generated base answers UNIMPLEMENTED, which is the honest answer.
/// </summary>
[Authorize]
internal sealed class WaybillGrpcService : WaybillService.WaybillServiceBase
{
}
