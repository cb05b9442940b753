using System.Globalization;

namespace HazChem.Transport.Telemetry.Domain;

/// <summary>Thresholds of the configurable T- rules.</summary>
internal sealed record FixThresholds(TimeSpan MaxFutureSkew, double MaxImpliedSpeedKmh);

/// <summary>
/// DOMAIN.md section T, pure: T-INVALID, T-RANGE and T-FUTURE judge a fix on its own; T-DUPLICATE and T-JUMP judge
/// it against the vehicle's recent accepted fixes (<see cref="VehicleFixHistory"/>). T-UNBOUND needs the registry and
/// is decided by the binding filter.
/// </summary>
internal static class FixRules
{
    private const double EarthRadiusMeters = 6_371_008.8;

    /// <summary>The first rule of T-INVALID, T-RANGE, T-FUTURE the fix breaks, or null.</summary>
    public static Rejection? CheckAlone(Fix fix, FixThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(fix);
        ArgumentNullException.ThrowIfNull(thresholds);
        if (!fix.Valid)
        {
            return new Rejection(FixCodes.Invalid, "the terminal marks the fix invalid (not positioned; JT/T 808 status bit 1 = 0)");
        }

        if (!double.IsFinite(fix.Lat) || fix.Lat is < -90 or > 90)
        {
            return new Rejection(FixCodes.Range, Invariant($"latitude {fix.Lat} is outside -90..90"));
        }

        if (!double.IsFinite(fix.Lon) || fix.Lon is < -180 or > 180)
        {
            return new Rejection(FixCodes.Range, Invariant($"longitude {fix.Lon} is outside -180..180"));
        }

        if (fix.Lat == 0 && fix.Lon == 0)
        {
            return new Rejection(FixCodes.Range, "position is exactly 0/0 (no fix)");
        }

        if (fix.FixTime - fix.ReceivedTime > thresholds.MaxFutureSkew)
        {
            return new Rejection(
                FixCodes.Future,
                Invariant($"fix time {fix.FixTime:yyyy-MM-ddTHH:mm:ssZ} is {Minutes(fix.FixTime - fix.ReceivedTime)} min after receipt at {fix.ReceivedTime:yyyy-MM-ddTHH:mm:ssZ} (limit {Minutes(thresholds.MaxFutureSkew)} min)"));
        }

        return null;
    }

    /// <summary>
    /// T-DUPLICATE (same fix time and position already accepted), then T-JUMP: the implied speed from the accepted
    /// fix nearest in time before this one (after it, when none is before) above the limit. A time difference
    /// under one second counts as one second, so GPS jitter at equal times is not a jump.
    /// </summary>
    public static Rejection? CheckAgainstHistory(Fix fix, VehicleFixHistory history, FixThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(fix);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(thresholds);
        if (history.Contains(AcceptedFix.Of(fix.FixTime, fix.Lat, fix.Lon)))
        {
            return new Rejection(FixCodes.Duplicate, Invariant($"a fix of {fix.Plate} at {fix.FixTime:yyyy-MM-ddTHH:mm:ssZ} at the same position was already accepted"));
        }

        if (history.Neighbour(fix.FixTime) is not { } previous)
        {
            return null;
        }

        var meters = DistanceMeters(previous.Lat, previous.Lon, fix.Lat, fix.Lon);
        var seconds = Math.Max(1.0, Math.Abs((fix.FixTime - previous.FixTime).TotalSeconds));
        var kmh = meters / seconds * 3.6;
        return kmh > thresholds.MaxImpliedSpeedKmh
            ? new Rejection(
                FixCodes.Jump,
                Invariant($"{meters / 1000:0.###} km in {seconds:0.#} s from the accepted fix at {previous.FixTime:yyyy-MM-ddTHH:mm:ssZ} implies {kmh:0} km/h (limit {thresholds.MaxImpliedSpeedKmh:0} km/h)"))
            : null;
    }

    /// <summary>Great-circle distance (haversine), metres.</summary>
    public static double DistanceMeters(double lat1, double lon1, double lat2, double lon2)
    {
        static double Rad(double degrees) => degrees * Math.PI / 180;
        var dLat = Rad(lat2 - lat1);
        var dLon = Rad(lon2 - lon1);
        var a = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) + (Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadiusMeters * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    private static string Minutes(TimeSpan span) => span.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
