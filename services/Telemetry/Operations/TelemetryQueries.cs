using System.Globalization;
using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.ServiceDefaults.Errors;
using HazChem.Transport.Telemetry.Domain;
using HazChem.Transport.Telemetry.Mapping;
using HazChem.Transport.Telemetry.Options;
using HazChem.Transport.Telemetry.Registry;
using HazChem.Transport.Telemetry.State;
using HazChem.Transport.Telemetry.Storage;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.Telemetry.Operations;

/// <summary>Who is asking: token subject and role.</summary>
internal sealed record Actor(string Subject, string Role);

/// <summary>
/// The read side: latest position, track, quarantine. A carrier sees only its own vehicles (looked up in the
/// registry); the other reading roles see all.
/// </summary>
internal sealed class TelemetryQueries(
    ILatestPositions latest,
    ITrackStore track,
    QuarantineStore quarantine,
    IVehicleDirectory vehicles,
    IOptions<TelemetryOptions> options)
{
    public async Task<VehiclePosition> GetLatestAsync(Actor actor, string plate, CancellationToken cancellationToken)
    {
        plate = RequirePlate(plate);
        await EnsureMaySeeAsync(actor, plate, cancellationToken);
        return await latest.GetAsync(plate, cancellationToken) ?? throw new NotFoundException("position of vehicle", plate);
    }

    /// <summary>
    /// The fleet view. Positions received a little before <c>updated_since</c> are included again (they may have been
    /// stored just after the previous answer was taken); clients merge by plate. A carrier sees its own vehicles only.
    /// </summary>
    public async Task<ListLatestPositionsResponse> ListLatestAsync(Actor actor, ListLatestPositionsRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(request);
        DateTimeOffset? since = request.UpdatedSince is null ? null : request.UpdatedSince.ToDateTimeOffset() - options.Value.LatestPositionsOverlap;
        var positions = await latest.ListAsync(since, cancellationToken);
        var response = new ListLatestPositionsResponse { AsOf = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(now) };
        foreach (var position in positions)
        {
            if (actor.Role == Roles.Carrier && !await IsOwnAsync(actor, position.Plate, cancellationToken))
            {
                continue;
            }

            response.Positions.Add(position);
        }

        return response;
    }

    public async Task<GetTrackResponse> GetTrackAsync(Actor actor, GetTrackRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var violations = new List<FieldViolation>();
        var plate = request.Plate.Trim();
        if (plate.Length == 0)
        {
            violations.Add(new FieldViolation("plate", "is required"));
        }

        if (request.From is null)
        {
            violations.Add(new FieldViolation("from", "is required: start of the fix-time range, RFC 3339"));
        }

        if (request.To is null)
        {
            violations.Add(new FieldViolation("to", "is required: end of the fix-time range (exclusive), RFC 3339"));
        }

        var from = request.From is null ? 0 : FixId.UnixMicros(request.From.ToDateTimeOffset());
        var to = request.To is null ? 0 : FixId.UnixMicros(request.To.ToDateTimeOffset());
        if (request.From is not null && request.To is not null && from >= to)
        {
            violations.Add(new FieldViolation("to", "must be after from"));
        }

        var limit = PageSize(request.PageSize, violations);
        var token = TrackToken.Parse(request.PageToken, violations);
        if (violations.Count > 0)
        {
            throw new InvalidInputException(violations);
        }

        await EnsureMaySeeAsync(actor, plate, cancellationToken);

        // Track points come before quarantined fixes at the same fix time; the token says where the last page ended.
        var (trackAfter, trackAfterId) = token is null ? (from, "") : token.Kind == 0 ? (token.Micros, token.Key) : (token.Micros + 1, "");
        var points = await track.ReadAsync(plate, from, to, trackAfter, trackAfterId, limit + 1, cancellationToken);
        var merged = points.Select(p => (Micros: p.FixMicros, Kind: 0, Key: p.FixId, Point: PositionMapping.ToTrackPoint(p))).ToList();
        if (request.IncludeQuarantined)
        {
            var (qAfter, qAfterId) = token is null ? (from, -1L) : token.Kind == 0 ? (token.Micros, -1L) : (token.Micros, long.Parse(token.Key, CultureInfo.InvariantCulture));
            var rows = await quarantine.ForTrackAsync(plate, from, to, qAfter, qAfterId, limit + 1, cancellationToken);
            merged.AddRange(rows.Select(r => (Micros: r.FixTimeMicros, Kind: 1, Key: r.Id.ToString(CultureInfo.InvariantCulture), Point: PositionMapping.ToTrackPoint(r))));
            merged.Sort((a, b) => a.Micros != b.Micros ? a.Micros.CompareTo(b.Micros)
                : a.Kind != b.Kind ? a.Kind.CompareTo(b.Kind)
                : a.Kind == 0 ? string.CompareOrdinal(a.Key, b.Key) : long.Parse(a.Key, CultureInfo.InvariantCulture).CompareTo(long.Parse(b.Key, CultureInfo.InvariantCulture)));
        }

        var response = new GetTrackResponse { Plate = plate };
        response.Points.AddRange(merged.Take(limit).Select(m => m.Point));
        if (merged.Count > limit)
        {
            var last = merged[limit - 1];
            response.NextPageToken = new TrackToken(last.Micros, last.Kind, last.Key).ToString();
        }

        return response;
    }

    public async Task<ListQuarantinedFixesResponse> ListQuarantinedAsync(Actor actor, ListQuarantinedFixesRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        var violations = new List<FieldViolation>();
        var plate = request.Plate.Trim();
        if (request.Code.Length > 0 && !FixCodes.All.Contains(request.Code))
        {
            violations.Add(new FieldViolation("code", $"must be one of {string.Join(", ", FixCodes.All)}"));
        }

        if (actor.Role == Roles.Carrier && plate.Length == 0)
        {
            violations.Add(new FieldViolation("plate", "is required for a carrier (a carrier sees its own vehicles only)"));
        }

        var limit = PageSize(request.PageSize, violations);
        long? before = null;
        if (request.PageToken.Length > 0)
        {
            if (long.TryParse(request.PageToken, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                before = id;
            }
            else
            {
                violations.Add(new FieldViolation("pageToken", "is not a token this service returned"));
            }
        }

        if (violations.Count > 0)
        {
            throw new InvalidInputException(violations);
        }

        if (plate.Length > 0)
        {
            await EnsureMaySeeAsync(actor, plate, cancellationToken);
        }

        var rows = await quarantine.ListAsync(
            new QuarantineQuery(
                plate,
                request.From is null ? null : FixId.UnixMicros(request.From.ToDateTimeOffset()),
                request.To is null ? null : FixId.UnixMicros(request.To.ToDateTimeOffset()),
                request.Code,
                before,
                limit + 1),
            cancellationToken);
        var response = new ListQuarantinedFixesResponse();
        response.Fixes.AddRange(rows.Take(limit).Select(PositionMapping.ToQuarantinedFix));
        if (rows.Count > limit)
        {
            response.NextPageToken = rows[limit - 1].Id.ToString(CultureInfo.InvariantCulture);
        }

        return response;
    }

    private static string RequirePlate(string plate)
    {
        var trimmed = (plate ?? "").Trim();
        return trimmed.Length == 0 ? throw new InvalidInputException("plate", "is required") : trimmed;
    }

    private int PageSize(int requested, List<FieldViolation> violations)
    {
        var settings = options.Value;
        if (requested < 0)
        {
            violations.Add(new FieldViolation("pageSize", "must not be negative (0 = server default)"));
            return settings.DefaultPageSize;
        }

        return requested == 0 ? settings.DefaultPageSize : Math.Min(requested, settings.MaxPageSize);
    }

    private async Task EnsureMaySeeAsync(Actor actor, string plate, CancellationToken cancellationToken)
    {
        if (actor.Role != Roles.Carrier)
        {
            return;
        }

        if (!await IsOwnAsync(actor, plate, cancellationToken))
        {
            throw new AccessDeniedException($"Vehicle {plate} is not registered to carrier {actor.Subject}.");
        }
    }

    private async Task<bool> IsOwnAsync(Actor actor, string plate, CancellationToken cancellationToken)
    {
        var vehicle = await vehicles.FindByPlateAsync(plate, cancellationToken);
        return vehicle is not null && string.Equals(vehicle.CarrierId, actor.Subject, StringComparison.Ordinal);
    }

    /// <summary>Where a track page ended: fix time, kind (0 track point, 1 quarantined fix), key (fix id or row id).</summary>
    private sealed record TrackToken(long Micros, int Kind, string Key)
    {
        public static TrackToken? Parse(string value, List<FieldViolation> violations)
        {
            if (string.IsNullOrEmpty(value))
            {
                return null;
            }

            var parts = value.Split('.', 3);
            if (parts.Length == 3
                && long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var micros)
                && parts[1] is "0" or "1"
                && (parts[1] == "0" ? parts[2].Length > 0 : long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                return new TrackToken(micros, parts[1] == "0" ? 0 : 1, parts[2]);
            }

            violations.Add(new FieldViolation("pageToken", "is not a token this service returned"));
            return null;
        }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Micros}.{Kind}.{Key}");
    }
}
