using Grpc.Core;
using HazChem.Transport.Contracts.Compliance.V1;
using HazChem.Transport.RouteCompliance.Engine;
using HazChem.Transport.RouteCompliance.Messaging;
using HazChem.Transport.RouteCompliance.Operations;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Authorization;

namespace HazChem.Transport.RouteCompliance.Grpc;

/// <summary>
/// The RouteCompliance gRPC surface (and its REST routes through JSON transcoding): zones for the transport authority,
/// violations for the police. Each RPC names the policy the gateway route table names.
/// </summary>
[Authorize]
internal sealed class ComplianceGrpcService(
    ZoneCatalog catalog,
    ComplianceOperations operations,
    ViolationFeed feed) : ComplianceService.ComplianceServiceBase
{
    [Authorize(Policy = Policies.ZonesWrite)]
    public override async Task<ImportZonesResponse> ImportZones(ImportZonesRequest request, ServerCallContext context)
    {
        var result = await catalog.ImportAsync(request.FeatureCollection, request.Crs, request.RepairInvalidGeometry, context.CancellationToken);
        var response = new ImportZonesResponse { Imported = result.Zones.Count };
        response.ZoneIds.AddRange(result.Zones.Select(z => z.Id));
        response.Repairs.AddRange(result.Repairs.Select(r => $"feature {r.FeatureIndex} (id '{r.FeatureId}') {r.Field}: {r.Message}"));
        return response;
    }

    [Authorize(Policy = Policies.ZonesRead)]
    public override Task<ListZonesResponse> ListZones(ListZonesRequest request, ServerCallContext context) =>
        operations.ListZonesAsync(request, context.CancellationToken);

    [Authorize(Policy = Policies.ZonesRead)]
    public override async Task<GetZoneResponse> GetZone(GetZoneRequest request, ServerCallContext context) =>
        new() { Zone = await operations.GetZoneAsync(request.Id, context.CancellationToken) };

    [Authorize(Policy = Policies.ZonesWrite)]
    public override async Task<DeleteZoneResponse> DeleteZone(DeleteZoneRequest request, ServerCallContext context)
    {
        ComplianceOperations.Required(request.Id, "id");
        await catalog.DeleteAsync(request.Id, context.CancellationToken);
        return new DeleteZoneResponse();
    }

    [Authorize(Policy = Policies.ViolationsRead)]
    public override Task<ListViolationsResponse> ListViolations(ListViolationsRequest request, ServerCallContext context) =>
        operations.ListViolationsAsync(request, context.CancellationToken);

    [Authorize(Policy = Policies.ViolationsRead)]
    public override async Task<GetViolationResponse> GetViolation(GetViolationRequest request, ServerCallContext context) =>
        new() { Violation = await operations.GetViolationAsync(request.Id, context.CancellationToken) };

    [Authorize(Policy = Policies.ViolationsAcknowledge)]
    public override async Task<AcknowledgeViolationResponse> AcknowledgeViolation(AcknowledgeViolationRequest request, ServerCallContext context)
    {
        var by = context.GetHttpContext().User.Subject() ?? throw new AccessDeniedException("The token has no subject to record as the acknowledging officer.");
        return new AcknowledgeViolationResponse { Violation = await operations.AcknowledgeAsync(request.Id, by, request.Note, context.CancellationToken) };
    }

    [Authorize(Policy = Policies.ViolationsRead)]
    public override async Task WatchViolations(WatchViolationsRequest request, IServerStreamWriter<WatchViolationsResponse> responseStream, ServerCallContext context)
    {
        if (!Enum.IsDefined(request.Kind))
        {
            throw new InvalidInputException("kind", "unknown violation kind");
        }

        using var subscription = feed.Subscribe();
        // Headers go out at once, so a client knows it is subscribed before the first change.
        await context.WriteResponseHeadersAsync([]);
        try
        {
            await foreach (var e in subscription.Reader.ReadAllAsync(context.CancellationToken))
            {
                if (ComplianceOperations.Matches(request, e.Violation))
                {
                    await responseStream.WriteAsync(
                        new WatchViolationsResponse { EventId = e.EventId, Type = e.Type, OccurredAt = e.OccurredAt, Violation = e.Violation },
                        context.CancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The caller went away: the stream simply ends.
        }
    }
}
