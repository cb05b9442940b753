using Grpc.Core;
using HazChem.Transport.Contracts.LoadingCheck.V1;
using HazChem.Transport.LoadingCheck.Mapping;
using HazChem.Transport.LoadingCheck.Operations;
using HazChem.Transport.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authorization;

namespace HazChem.Transport.LoadingCheck.Grpc;

/// <summary>
/// The LoadingCheck gRPC surface (and its REST routes through JSON transcoding). Each RPC names the policy the gateway
/// route table names; which checks a terminal or carrier token may touch is decided by <see cref="LoadingCheckOperations"/>.
/// </summary>
[Authorize]
internal sealed class LoadingCheckGrpcService(LoadingCheckOperations operations) : LoadingCheckService.LoadingCheckServiceBase
{
    [Authorize(Policy = Policies.LoadingCheckRun)]
    public override async Task<CreateLoadingCheckResponse> CreateLoadingCheck(CreateLoadingCheckRequest request, ServerCallContext context)
    {
        var record = await operations.CreateAsync(Caller(context), LoadingCheckMapping.ToInput(request), context.CancellationToken);
        return new CreateLoadingCheckResponse { Check = LoadingCheckMapping.ToProto(record) };
    }

    [Authorize(Policy = Policies.LoadingCheckRead)]
    public override async Task<GetLoadingCheckResponse> GetLoadingCheck(GetLoadingCheckRequest request, ServerCallContext context)
    {
        var record = await operations.GetAsync(Caller(context), request.Id, context.CancellationToken);
        return new GetLoadingCheckResponse { Check = LoadingCheckMapping.ToProto(record) };
    }

    [Authorize(Policy = Policies.LoadingCheckRead)]
    public override async Task<ListLoadingChecksResponse> ListLoadingChecks(ListLoadingChecksRequest request, ServerCallContext context)
    {
        var (items, next) = await operations.ListAsync(
            Caller(context), request.TerminalId, request.WaybillId, request.PageSize, request.PageToken, context.CancellationToken);
        var response = new ListLoadingChecksResponse { NextPageToken = next };
        response.Checks.AddRange(items.Select(LoadingCheckMapping.ToProto));
        return response;
    }

    [Authorize(Policy = Policies.LoadingCheckRun)]
    public override async Task<ConfirmLoadingCheckResponse> ConfirmLoadingCheck(ConfirmLoadingCheckRequest request, ServerCallContext context)
    {
        var record = await operations.ConfirmAsync(Caller(context), request.Id, LoadingCheckMapping.ToLoaded(request.Loaded), context.CancellationToken);
        return new ConfirmLoadingCheckResponse { Check = LoadingCheckMapping.ToProto(record) };
    }

    private static Actor Caller(ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        return new Actor(user.Subject() ?? "unknown", user.Role() ?? "");
    }
}
