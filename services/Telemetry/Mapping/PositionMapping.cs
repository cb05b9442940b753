using Google.Protobuf.WellKnownTypes;
using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.ServiceDefaults.Errors;
using HazChem.Transport.Telemetry.Domain;
using HazChem.Transport.Telemetry.Jt808;
using HazChem.Transport.Telemetry.Storage;

namespace HazChem.Transport.Telemetry.Mapping;

/// <summary>Between the wire (proto, JT/T 808) and the normalised <see cref="Fix"/>, and from storage rows to proto.</summary>
internal static class PositionMapping
{
    /// <summary>
    /// The fixes of a gateway batch. Structure is checked here (INVALID_ARGUMENT naming every bad field: the batch
    /// cannot be read as fixes); what the values mean is judged by the T- rules, per fix.
    /// </summary>
    public static List<Fix> FromRequest(IReadOnlyList<PositionFix> positions, PositionSource source, DateTimeOffset receivedAt, int maxBatchSize)
    {
        ArgumentNullException.ThrowIfNull(positions);
        if (positions.Count == 0)
        {
            throw new InvalidInputException("positions", "must hold at least one fix");
        }

        if (positions.Count > maxBatchSize)
        {
            throw new InvalidInputException("positions", $"holds {positions.Count} fixes; a batch has at most {maxBatchSize}");
        }

        var violations = new List<FieldViolation>();
        var fixes = new List<Fix>(positions.Count);
        for (var i = 0; i < positions.Count; i++)
        {
            var p = positions[i];
            var plate = p.Plate.Trim();
            if (plate.Length is 0 or > 32)
            {
                violations.Add(new FieldViolation($"positions[{i}].plate", "is required: the plate of a registered vehicle (at most 32 characters)"));
            }

            if (p.FixTime is null)
            {
                violations.Add(new FieldViolation($"positions[{i}].fixTime", "is required: the device's fix time, RFC 3339 UTC"));
                continue;
            }

            fixes.Add(new Fix
            {
                Plate = plate,
                FixTime = p.FixTime.ToDateTimeOffset(),
                ReceivedTime = receivedAt,
                Lat = p.Lat,
                Lon = p.Lon,
                SpeedKmh = p.SpeedKmh,
                HeadingDeg = p.HeadingDeg,
                AltitudeM = p.AltitudeM,
                AlarmFlags = p.AlarmFlags,
                StatusFlags = p.StatusFlags,
                Valid = p.Valid,
                Source = source,
                Late = p.Late,
            });
        }

        if (violations.Count > 0)
        {
            throw new InvalidInputException(violations);
        }

        return fixes;
    }

    /// <summary>A decoded 0x0200 body or 0x0704 item.</summary>
    public static Fix FromJt808(Jt808Position position, string plate, string terminalPhone, DateTimeOffset receivedAt, bool late)
    {
        ArgumentNullException.ThrowIfNull(position);
        return new Fix
        {
            Plate = plate,
            TerminalPhone = terminalPhone,
            FixTime = new DateTimeOffset(position.FixTimeUtc, TimeSpan.Zero),
            ReceivedTime = receivedAt,
            Lat = position.Latitude,
            Lon = position.Longitude,
            SpeedKmh = position.SpeedKmh,
            HeadingDeg = position.HeadingDeg,
            AltitudeM = position.AltitudeM,
            AlarmFlags = position.AlarmFlags,
            StatusFlags = position.StatusFlags,
            Valid = position.IsValid,
            Source = PositionSource.Jt808,
            Late = late,
        };
    }

    public static PositionReported ToReported(Fix fix, string fixId)
    {
        ArgumentNullException.ThrowIfNull(fix);
        return new PositionReported
        {
            FixId = fixId,
            Plate = fix.Plate,
            TerminalPhone = fix.TerminalPhone,
            FixTime = Timestamp.FromDateTimeOffset(fix.FixTime),
            ReceivedTime = Timestamp.FromDateTimeOffset(fix.ReceivedTime),
            Lat = fix.Lat,
            Lon = fix.Lon,
            SpeedKmh = fix.SpeedKmh,
            HeadingDeg = fix.HeadingDeg,
            AltitudeM = fix.AltitudeM,
            AlarmFlags = fix.AlarmFlags,
            StatusFlags = fix.StatusFlags,
            Valid = fix.Valid,
            Source = fix.Source,
            Late = fix.Late,
        };
    }

    public static VehiclePosition ToVehiclePosition(PositionReported fix)
    {
        ArgumentNullException.ThrowIfNull(fix);
        return new VehiclePosition
        {
            Plate = fix.Plate,
            FixTime = fix.FixTime,
            ReceivedTime = fix.ReceivedTime,
            Lat = fix.Lat,
            Lon = fix.Lon,
            SpeedKmh = fix.SpeedKmh,
            HeadingDeg = fix.HeadingDeg,
            AltitudeM = fix.AltitudeM,
            AlarmFlags = fix.AlarmFlags,
            StatusFlags = fix.StatusFlags,
            Source = fix.Source,
        };
    }

    public static TrackPoint ToTrackPoint(StoredTrackPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        return new TrackPoint
        {
            FixTime = Timestamp.FromDateTimeOffset(FixId.FromUnixMicros(point.FixMicros)),
            ReceivedTime = Timestamp.FromDateTimeOffset(FixId.FromUnixMicros(point.ReceivedMicros)),
            Lat = point.Lat,
            Lon = point.Lon,
            SpeedKmh = point.SpeedKmh,
            HeadingDeg = point.HeadingDeg,
            AltitudeM = point.AltitudeM,
            Source = (PositionSource)point.Source,
            Late = point.Late,
        };
    }

    public static TrackPoint ToTrackPoint(QuarantinedFixRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new TrackPoint
        {
            FixTime = Timestamp.FromDateTimeOffset(FixId.FromUnixMicros(row.FixTimeMicros)),
            ReceivedTime = Timestamp.FromDateTimeOffset(FixId.FromUnixMicros(row.ReceivedTimeMicros)),
            Lat = row.Lat,
            Lon = row.Lon,
            SpeedKmh = row.SpeedKmh,
            HeadingDeg = row.HeadingDeg,
            AltitudeM = row.AltitudeM,
            Source = (PositionSource)row.Source,
            Late = row.Late,
            Quarantined = true,
            QuarantineCode = row.Code,
            QuarantineReason = row.Reason,
        };
    }

    public static QuarantinedFix ToQuarantinedFix(QuarantinedFixRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new QuarantinedFix
        {
            Plate = row.Plate,
            TerminalPhone = row.TerminalPhone,
            FixTime = Timestamp.FromDateTimeOffset(FixId.FromUnixMicros(row.FixTimeMicros)),
            ReceivedTime = Timestamp.FromDateTimeOffset(FixId.FromUnixMicros(row.ReceivedTimeMicros)),
            Lat = row.Lat,
            Lon = row.Lon,
            SpeedKmh = row.SpeedKmh,
            HeadingDeg = row.HeadingDeg,
            Source = (PositionSource)row.Source,
            Code = row.Code,
            Reason = row.Reason,
        };
    }
}
