using System.Globalization;
using System.Text;
using Grpc.Core;
using HazChem.Transport.Contracts.Compliance.V1;
using HazChem.Transport.RouteCompliance.Engine;
using HazChem.Transport.RouteCompliance.Mapping;
using HazChem.Transport.RouteCompliance.Messaging;
using HazChem.Transport.RouteCompliance.Options;
using HazChem.Transport.RouteCompliance.Storage;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.RouteCompliance.Grpc;

/// <summary>
/// The RouteCompliance gRPC surface (and its REST routes through JSON transcoding): zones for the transport authority,
/// violations for the police. Each RPC names the policy the gateway route table names.
/// </summary>
[Authorize]
internal sealed class ComplianceGrpcService(
    ZoneCatalog catalog,
    ZoneStore zones,
    ViolationStore violations,
    ViolationPublisher publisher,
    ViolationFeed feed,
    IOptions<ComplianceOptions> options,
    TimeProvider time) : ComplianceService.ComplianceServiceBase
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
    public override async Task<ListZonesResponse> ListZones(ListZonesRequest request, ServerCallContext context)
    {
        var size = PageSize(request.PageSize, "pageSize");
        var after = string.IsNullOrEmpty(request.PageToken) ? null : DecodeToken(request.PageToken);
        var rows = await zones.ListAsync(request.Kind, size + 1, after, context.CancellationToken);
        var response = new ListZonesResponse();
        response.Zones.AddRange(rows.Take(size).Select(ComplianceMapping.ToProto));
        if (rows.Count > size)
        {
            response.NextPageToken = EncodeToken(rows[size - 1].Id);
        }

        return response;
    }

    [Authorize(Policy = Policies.ZonesRead)]
    public override async Task<GetZoneResponse> GetZone(GetZoneRequest request, ServerCallContext context)
    {
        Required(request.Id, "id");
        var row = await zones.GetAsync(request.Id, context.CancellationToken) ?? throw new NotFoundException("zone", request.Id);
        return new GetZoneResponse { Zone = ComplianceMapping.ToProto(row) };
    }

    [Authorize(Policy = Policies.ZonesWrite)]
    public override async Task<DeleteZoneResponse> DeleteZone(DeleteZoneRequest request, ServerCallContext context)
    {
        Required(request.Id, "id");
        await catalog.DeleteAsync(request.Id, context.CancellationToken);
        return new DeleteZoneResponse();
    }

    [Authorize(Policy = Policies.ViolationsRead)]
    public override async Task<ListViolationsResponse> ListViolations(ListViolationsRequest request, ServerCallContext context)
    {
        var size = PageSize(request.PageSize, "pageSize");
        var bad = new List<FieldViolation>();
        if (!Enum.IsDefined(request.Kind))
        {
            bad.Add(new FieldViolation("kind", "unknown violation kind"));
        }

        if (!Enum.IsDefined(request.Status))
        {
            bad.Add(new FieldViolation("status", "unknown violation status"));
        }

        if (request.From is not null && request.To is not null && request.From.ToDateTimeOffset() >= request.To.ToDateTimeOffset())
        {
            bad.Add(new FieldViolation("to", "must be after from"));
        }

        ViolationCursor? after = null;
        if (!string.IsNullOrEmpty(request.PageToken))
        {
            var parts = DecodeToken(request.PageToken).Split('|', 2);
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var startMs))
            {
                after = new ViolationCursor(startMs, parts[1]);
            }
            else
            {
                bad.Add(new FieldViolation("pageToken", "not a token this service issued"));
            }
        }

        if (bad.Count > 0)
        {
            throw new InvalidInputException(bad);
        }

        var query = new ViolationQuery(
            request.Plate,
            request.Kind == ViolationKind.Unspecified ? null : request.Kind,
            request.ZoneId,
            request.WaybillId,
            request.From?.ToDateTimeOffset(),
            request.To?.ToDateTimeOffset(),
            request.Status == ViolationStatus.Unspecified ? null : request.Status,
            size + 1,
            after);
        var rows = await violations.ListAsync(query, context.CancellationToken);
        var response = new ListViolationsResponse();
        response.Violations.AddRange(rows.Take(size).Select(ComplianceMapping.ToProto));
        if (rows.Count > size)
        {
            var last = rows[size - 1];
            response.NextPageToken = EncodeToken(string.Create(CultureInfo.InvariantCulture, $"{last.StartMs}|{last.Id}"));
        }

        return response;
    }

    [Authorize(Policy = Policies.ViolationsRead)]
    public override async Task<GetViolationResponse> GetViolation(GetViolationRequest request, ServerCallContext context)
    {
        Required(request.Id, "id");
        var row = await violations.GetAsync(request.Id, context.CancellationToken) ?? throw new NotFoundException("violation", request.Id);
        return new GetViolationResponse { Violation = ComplianceMapping.ToProto(row) };
    }

    [Authorize(Policy = Policies.ViolationsAcknowledge)]
    public override async Task<AcknowledgeViolationResponse> AcknowledgeViolation(AcknowledgeViolationRequest request, ServerCallContext context)
    {
        Required(request.Id, "id");
        if (request.Note.Length > 2000)
        {
            throw new InvalidInputException("note", "at most 2000 characters");
        }

        var by = context.GetHttpContext().User.Subject() ?? throw new AccessDeniedException("The token has no subject to record as the acknowledging officer.");
        var now = time.GetUtcNow();
        var (row, changed) = await violations.AcknowledgeAsync(request.Id, by, request.Note, now, context.CancellationToken);
        if (changed)
        {
            await publisher.PublishAsync([ViolationPublisher.AcknowledgementEvent(row, now)], context.CancellationToken);
        }

        return new AcknowledgeViolationResponse { Violation = ComplianceMapping.ToProto(row) };
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
                var v = e.Violation;
                if ((request.Plate.Length > 0 && v.Plate != request.Plate)
                    || (request.Kind != ViolationKind.Unspecified && v.Kind != request.Kind)
                    || (request.ZoneId.Length > 0 && v.ZoneId != request.ZoneId))
                {
                    continue;
                }

                await responseStream.WriteAsync(
                    new WatchViolationsResponse { EventId = e.EventId, Type = e.Type, OccurredAt = e.OccurredAt, Violation = v },
                    context.CancellationToken);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The caller went away: the stream simply ends.
        }
    }

    private int PageSize(int requested, string field)
    {
        if (requested < 0)
        {
            throw new InvalidInputException(field, "must not be negative");
        }

        return requested == 0 ? options.Value.DefaultPageSize : Math.Min(requested, options.Value.MaxPageSize);
    }

    private static void Required(string value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidInputException(field, "required");
        }
    }

    private static string EncodeToken(string value) => Convert.ToBase64String(Encoding.UTF8.GetBytes(value));

    private static string DecodeToken(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw new InvalidInputException("pageToken", "not a token this service issued");
        }
    }
}
