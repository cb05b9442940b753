using Grpc.Core;
using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.Telemetry.Mapping;
using HazChem.Transport.Telemetry.Operations;
using HazChem.Transport.Telemetry.Options;
using HazChem.Transport.Telemetry.Pipeline;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.Telemetry.Grpc;

/// <summary>
/// The Telemetry gRPC surface (and its REST routes through JSON transcoding). Reports go through the shared
/// ingest pipeline and are acknowledged only after Kafka confirmed them; reads through <see cref="TelemetryQueries"/>.
/// </summary>
[Authorize]
internal sealed class TelemetryGrpcService(
    IngestPipeline pipeline,
    TelemetryQueries queries,
    IOptions<TelemetryOptions> options,
    TimeProvider time) : TelemetryService.TelemetryServiceBase
{
    /// <summary>One acknowledgement per batch, in order. A batch that cannot be read as fixes ends the stream with INVALID_ARGUMENT.</summary>
    [Authorize(Policy = Policies.PositionsReport)]
    public override async Task ReportPositions(
        IAsyncStreamReader<ReportPositionsRequest> requestStream,
        IServerStreamWriter<ReportPositionsResponse> responseStream,
        ServerCallContext context)
    {
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            var fixes = PositionMapping.FromRequest(request.Positions, PositionSource.Grpc, time.GetUtcNow(), options.Value.MaxBatchSize);
            var result = await pipeline.IngestAsync(fixes, Caller(context).Subject, context.CancellationToken);
            var response = new ReportPositionsResponse { BatchId = request.BatchId, Accepted = result.Accepted };
            response.Rejected.AddRange(result.Rejected.Select(r => new RejectedFix { Index = r.Index, Code = r.Rejection.Code, Reason = r.Rejection.Reason }));
            await responseStream.WriteAsync(response, context.CancellationToken);
        }
    }

    [Authorize(Policy = Policies.PositionsReport)]
    public override async Task<ReportPositionsBatchResponse> ReportPositionsBatch(ReportPositionsBatchRequest request, ServerCallContext context)
    {
        var fixes = PositionMapping.FromRequest(request.Positions, PositionSource.Http, time.GetUtcNow(), options.Value.MaxBatchSize);
        var result = await pipeline.IngestAsync(fixes, Caller(context).Subject, context.CancellationToken);
        var response = new ReportPositionsBatchResponse { Accepted = result.Accepted };
        response.Rejected.AddRange(result.Rejected.Select(r => new RejectedFix { Index = r.Index, Code = r.Rejection.Code, Reason = r.Rejection.Reason }));
        return response;
    }

    [Authorize(Policy = Policies.PositionsRead)]
    public override async Task<GetLatestPositionResponse> GetLatestPosition(GetLatestPositionRequest request, ServerCallContext context) =>
        new() { Position = await queries.GetLatestAsync(Caller(context), request.Plate, context.CancellationToken) };

    [Authorize(Policy = Policies.PositionsRead)]
    public override Task<ListLatestPositionsResponse> ListLatestPositions(ListLatestPositionsRequest request, ServerCallContext context) =>
        queries.ListLatestAsync(Caller(context), request, time.GetUtcNow(), context.CancellationToken);

    [Authorize(Policy = Policies.PositionsRead)]
    public override Task<GetTrackResponse> GetTrack(GetTrackRequest request, ServerCallContext context) =>
        queries.GetTrackAsync(Caller(context), request, context.CancellationToken);

    [Authorize(Policy = Policies.PositionsRead)]
    public override Task<ListQuarantinedFixesResponse> ListQuarantinedFixes(ListQuarantinedFixesRequest request, ServerCallContext context) =>
        queries.ListQuarantinedAsync(Caller(context), request, context.CancellationToken);

    private static Actor Caller(ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        return new Actor(user.Subject() ?? "unknown", user.Role() ?? "");
    }
}
