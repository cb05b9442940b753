using System.Globalization;
using System.Text;
using HazChem.Transport.Contracts.Compliance.V1;
using HazChem.Transport.RouteCompliance.Mapping;
using HazChem.Transport.RouteCompliance.Messaging;
using HazChem.Transport.RouteCompliance.Options;
using HazChem.Transport.RouteCompliance.Storage;
using HazChem.Transport.ServiceDefaults.Errors;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.RouteCompliance.Operations;

/// <summary>
/// The read and acknowledge side of zones and violations behind the gRPC surface: input checks, paging tokens, and
/// an acknowledgement that is stored before its event is published.
/// </summary>
internal sealed class ComplianceOperations(
    ZoneStore zones,
    ViolationStore violations,
    ViolationPublisher publisher,
    IOptions<ComplianceOptions> options,
    TimeProvider time)
{
    public async Task<ListZonesResponse> ListZonesAsync(ListZonesRequest request, CancellationToken cancellationToken)
    {
        var size = PageSize(request.PageSize, "pageSize");
        var after = string.IsNullOrEmpty(request.PageToken) ? null : DecodeToken(request.PageToken);
        var rows = await zones.ListAsync(request.Kind, size + 1, after, cancellationToken);
        var response = new ListZonesResponse();
        response.Zones.AddRange(rows.Take(size).Select(ComplianceMapping.ToProto));
        if (rows.Count > size)
        {
            response.NextPageToken = EncodeToken(rows[size - 1].Id);
        }

        return response;
    }

    public async Task<Zone> GetZoneAsync(string id, CancellationToken cancellationToken)
    {
        Required(id, "id");
        var row = await zones.GetAsync(id, cancellationToken) ?? throw new NotFoundException("zone", id);
        return ComplianceMapping.ToProto(row);
    }

    public async Task<ListViolationsResponse> ListViolationsAsync(ListViolationsRequest request, CancellationToken cancellationToken)
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
        var rows = await violations.ListAsync(query, cancellationToken);
        var response = new ListViolationsResponse();
        response.Violations.AddRange(rows.Take(size).Select(ComplianceMapping.ToProto));
        if (rows.Count > size)
        {
            var last = rows[size - 1];
            response.NextPageToken = EncodeToken(string.Create(CultureInfo.InvariantCulture, $"{last.StartMs}|{last.Id}"));
        }

        return response;
    }

    public async Task<Violation> GetViolationAsync(string id, CancellationToken cancellationToken)
    {
        Required(id, "id");
        var row = await violations.GetAsync(id, cancellationToken) ?? throw new NotFoundException("violation", id);
        return ComplianceMapping.ToProto(row);
    }

    /// <summary>Records who acknowledged (idempotent for the same officer) and publishes the change once.</summary>
    public async Task<Violation> AcknowledgeAsync(string id, string by, string note, CancellationToken cancellationToken)
    {
        Required(id, "id");
        if (note.Length > 2000)
        {
            throw new InvalidInputException("note", "at most 2000 characters");
        }

        var now = time.GetUtcNow();
        var (row, changed) = await violations.AcknowledgeAsync(id, by, note, now, cancellationToken);
        if (changed)
        {
            await publisher.PublishAsync([ViolationPublisher.AcknowledgementEvent(row, now)], cancellationToken);
        }

        return ComplianceMapping.ToProto(row);
    }

    /// <summary>Whether a live change passes a watcher's filters.</summary>
    public static bool Matches(WatchViolationsRequest request, Violation violation) =>
        (request.Plate.Length == 0 || violation.Plate == request.Plate)
        && (request.Kind == ViolationKind.Unspecified || violation.Kind == request.Kind)
        && (request.ZoneId.Length == 0 || violation.ZoneId == request.ZoneId);

    private int PageSize(int requested, string field)
    {
        if (requested < 0)
        {
            throw new InvalidInputException(field, "must not be negative");
        }

        return requested == 0 ? options.Value.DefaultPageSize : Math.Min(requested, options.Value.MaxPageSize);
    }

    public static void Required(string value, string field)
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
