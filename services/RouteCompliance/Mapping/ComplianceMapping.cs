using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using HazChem.Transport.Contracts.Common.V1;
using HazChem.Transport.Contracts.Compliance.V1;
using HazChem.Transport.Geofence;
using HazChem.Transport.RouteCompliance.Domain;
using HazChem.Transport.RouteCompliance.Storage;

namespace HazChem.Transport.RouteCompliance.Mapping;

/// <summary>Rows and domain values ↔ the compliance contracts.</summary>
internal static class ComplianceMapping
{
    public static Violation ToProto(ViolationRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var v = new Violation
        {
            Id = row.Id,
            Plate = row.Plate,
            Kind = System.Enum.TryParse<ViolationKind>(row.Kind, out var kind) ? kind : ViolationKind.Unspecified,
            Code = row.Code,
            ZoneId = row.ZoneId,
            ZoneName = row.ZoneName,
            WaybillId = row.WaybillId,
            StartTime = Ms(row.StartMs),
            EndTime = row.EndMs is { } end ? Ms(end) : null,
            Status = row.AckAtMs is not null ? ViolationStatus.Acknowledged : row.EndMs is not null ? ViolationStatus.Closed : ViolationStatus.Open,
            Details = row.Details,
            MaxDistanceMeters = row.MaxDistanceMeters,
            MaxSpeedKmh = row.MaxSpeedKmh,
            SpeedLimitKmh = row.SpeedLimitKmh,
            UpdatedAt = Ms(row.UpdatedAtMs),
        };
        v.Evidence.AddRange(ViolationStore.Evidence(row).Select(e => new EvidenceFix
        {
            FixTime = Timestamp.FromDateTimeOffset(e.FixTime),
            Lat = e.Lat,
            Lon = e.Lon,
            SpeedKmh = e.SpeedKmh,
            Note = e.Note,
        }));
        v.GoodsClasses.AddRange(ViolationStore.GoodsClasses(row));
        if (row.AckAtMs is { } at)
        {
            v.Acknowledgement = new Acknowledgement { By = row.AckBy ?? "", Note = row.AckNote ?? "", At = Ms(at) };
        }

        return v;
    }

    public static ViolationEvent ToEvent(string eventId, ViolationEvent.Types.EventType type, DateTimeOffset occurredAt, ViolationRow row) => new()
    {
        EventId = eventId,
        Type = type,
        OccurredAt = Timestamp.FromDateTimeOffset(occurredAt),
        Violation = ToProto(row),
    };

    public static ViolationEvent.Types.EventType ToProto(ChangeType type) => type switch
    {
        ChangeType.Opened => ViolationEvent.Types.EventType.Opened,
        ChangeType.Closed => ViolationEvent.Types.EventType.Closed,
        _ => ViolationEvent.Types.EventType.Updated,
    };

    public static Zone ToProto(ZoneRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var zone = new Zone
        {
            Id = row.Id,
            Name = row.Name,
            Kind = row.Kind,
            Geometry = JsonParser.Default.Parse<Struct>(row.GeometryGeoJson),
            SourceCrs = row.SourceCrs == nameof(SourceCrs.Gcj02) ? Crs.Gcj02 : Crs.Wgs84,
            ImportedAt = Ms(row.ImportedAtMs),
        };
        if (row.SpeedLimitKmh is { } limit)
        {
            zone.SpeedLimitKmh = limit;
        }

        zone.HazardClasses.AddRange(ZoneStore.HazardClasses(row));
        zone.Schedule.AddRange(ZoneStore.Schedule(row).Select(w =>
        {
            var s = new ZoneSchedule
            {
                From = w.From.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                To = w.To.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            };
            s.Days.AddRange(w.Days);
            return s;
        }));
        return zone;
    }

    private static Timestamp Ms(long ms) => Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(ms));
}
