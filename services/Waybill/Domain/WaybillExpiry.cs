using System.Globalization;
using HazChem.Transport.ServiceDefaults.Auth;

namespace HazChem.Transport.Waybill.Domain;

/// <summary>
/// Which waybills expire: an ISSUED waybill (never loaded) whose travel window ended more than the grace ago. Without
/// this a forgotten waybill would hold its vehicle for ever (W-ONE-ACTIVE). LOADED and IN_TRANSIT never expire: the
/// truck may still be on the road with goods on board, and C-WINDOW reports it driving outside its window there.
/// Expiry is a new version like any other change (W-RETENTION), made by the service itself. Pure.
/// </summary>
internal static class WaybillExpiry
{
    /// <summary>Who expires waybills: the Waybill service on its own authority, not a person or a calling service.</summary>
    public static readonly Actor Actor = new("system:expiry", Roles.Service);

    /// <summary>
    /// True when <paramref name="waybill"/> is ISSUED and its window end plus <paramref name="grace"/> is before
    /// <paramref name="now"/>. The grace leaves the loading terminal a margin for a late truck.
    /// </summary>
    public static bool IsDue(WaybillSnapshot waybill, DateTimeOffset now, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(waybill);
        ArgumentOutOfRangeException.ThrowIfLessThan(grace, TimeSpan.Zero);
        return waybill.Status == LifecycleStatus.Issued && waybill.Content.Window.End + grace < now;
    }

    /// <summary>The next version: EXPIRED at <paramref name="now"/>. Refuses (W-STATE) anything but ISSUED.</summary>
    public static WaybillSnapshot Expire(WaybillSnapshot current, DateTimeOffset now) =>
        WaybillLifecycle.Advance(current, ChangeKind.Expired, now);

    /// <summary>The history reason, naming the window end in UTC (RFC 3339).</summary>
    public static string Reason(WaybillSnapshot waybill)
    {
        ArgumentNullException.ThrowIfNull(waybill);
        var end = waybill.Content.Window.End.ToUniversalTime();
        return string.Create(CultureInfo.InvariantCulture, $"travel window ended at {end:yyyy-MM-dd'T'HH:mm:ss'Z'} without loading");
    }
}
