using Grpc.Core;
using HazChem.Transport.Contracts.Waybill.V1;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.Waybill.Domain;
using HazChem.Transport.Waybill.Mapping;
using HazChem.Transport.Waybill.Operations;
using Microsoft.AspNetCore.Authorization;

namespace HazChem.Transport.Waybill.Grpc;

/// <summary>
/// The Waybill gRPC surface (and its REST routes through JSON transcoding). Each RPC names the policy the gateway
/// route table names; which carrier's waybills a carrier token may touch is decided by <see cref="WaybillOperations"/>
/// before any business rule.
/// </summary>
[Authorize]
internal sealed class WaybillGrpcService(WaybillOperations operations) : WaybillService.WaybillServiceBase
{
    [Authorize(Policy = Policies.WaybillWrite)]
    public override async Task<IssueWaybillResponse> IssueWaybill(IssueWaybillRequest request, ServerCallContext context)
    {
        var view = await operations.IssueAsync(Caller(context), request.CarrierId, WaybillMapping.ToInput(request), context.CancellationToken);
        return new IssueWaybillResponse { Waybill = WaybillMapping.ToProto(view) };
    }

    [Authorize(Policy = Policies.WaybillRead)]
    public override async Task<GetWaybillResponse> GetWaybill(GetWaybillRequest request, ServerCallContext context)
    {
        var view = await operations.GetAsync(Caller(context), request.Id, request.Version, context.CancellationToken);
        return new GetWaybillResponse { Waybill = WaybillMapping.ToProto(view) };
    }

    [Authorize(Policy = Policies.WaybillRead)]
    public override async Task<ListWaybillsResponse> ListWaybills(ListWaybillsRequest request, ServerCallContext context)
    {
        var (page, nextPageToken) = await operations.ListAsync(
            Caller(context), request.Plate, WaybillMapping.ToDomain(request.Status), request.CarrierId, request.PageSize, request.PageToken, context.CancellationToken);
        var response = new ListWaybillsResponse { NextPageToken = nextPageToken };
        response.Waybills.AddRange(page.Items.Select(WaybillMapping.ToProto));
        return response;
    }

    [Authorize(Policy = Policies.WaybillWrite)]
    public override async Task<AmendWaybillResponse> AmendWaybill(AmendWaybillRequest request, ServerCallContext context)
    {
        var view = await operations.AmendAsync(
            Caller(context), request.Id, request.ExpectedVersion, request.Reason, WaybillMapping.ToInput(request), context.CancellationToken);
        return new AmendWaybillResponse { Waybill = WaybillMapping.ToProto(view) };
    }

    [Authorize(Policy = Policies.WaybillWrite)]
    public override async Task<CancelWaybillResponse> CancelWaybill(CancelWaybillRequest request, ServerCallContext context)
    {
        var view = await operations.CancelAsync(Caller(context), request.Id, request.Reason, context.CancellationToken);
        return new CancelWaybillResponse { Waybill = WaybillMapping.ToProto(view) };
    }

    [Authorize(Policy = Policies.WaybillLoad)]
    public override async Task<MarkWaybillLoadedResponse> MarkWaybillLoaded(MarkWaybillLoadedRequest request, ServerCallContext context)
    {
        var view = await operations.MarkLoadedAsync(
            Caller(context), request.Id, request.LoadingCheckId, request.TerminalId, WaybillMapping.ToLoaded(request.Loaded), context.CancellationToken);
        return new MarkWaybillLoadedResponse { Waybill = WaybillMapping.ToProto(view) };
    }

    [Authorize(Policy = Policies.WaybillWrite)]
    public override async Task<DepartWaybillResponse> DepartWaybill(DepartWaybillRequest request, ServerCallContext context)
    {
        var view = await operations.DepartAsync(Caller(context), request.Id, request.Note, context.CancellationToken);
        return new DepartWaybillResponse { Waybill = WaybillMapping.ToProto(view) };
    }

    [Authorize(Policy = Policies.WaybillWrite)]
    public override async Task<DeliverWaybillResponse> DeliverWaybill(DeliverWaybillRequest request, ServerCallContext context)
    {
        var view = await operations.DeliverAsync(Caller(context), request.Id, request.Note, context.CancellationToken);
        return new DeliverWaybillResponse { Waybill = WaybillMapping.ToProto(view) };
    }

    [Authorize(Policy = Policies.WaybillRead)]
    public override async Task<GetActiveWaybillForVehicleResponse> GetActiveWaybillForVehicle(GetActiveWaybillForVehicleRequest request, ServerCallContext context)
    {
        var view = await operations.GetActiveForVehicleAsync(Caller(context), request.Plate, context.CancellationToken);
        return new GetActiveWaybillForVehicleResponse { Waybill = WaybillMapping.ToProto(view) };
    }

    private static Actor Caller(ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        return new Actor(user.Subject() ?? "unknown", user.Role() ?? "");
    }
}
