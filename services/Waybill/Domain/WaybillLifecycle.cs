using System.Globalization;
using HazChem.Transport.ServiceDefaults.Errors;

namespace HazChem.Transport.Waybill.Domain;

/// <summary>
/// The lifecycle ISSUED → LOADED → IN_TRANSIT → DELIVERED, or CANCELLED from ISSUED or LOADED, or EXPIRED from
/// ISSUED (<see cref="WaybillExpiry"/>); amendments only while ISSUED. Every change makes a new version. Pure.
/// </summary>
internal static class WaybillLifecycle
{
    private static readonly Dictionary<ChangeKind, (LifecycleStatus[] From, LifecycleStatus To)> Transitions = new()
    {
        [ChangeKind.Amended] = ([LifecycleStatus.Issued], LifecycleStatus.Issued),
        [ChangeKind.Loaded] = ([LifecycleStatus.Issued], LifecycleStatus.Loaded),
        [ChangeKind.Departed] = ([LifecycleStatus.Loaded], LifecycleStatus.InTransit),
        [ChangeKind.Delivered] = ([LifecycleStatus.InTransit, LifecycleStatus.Loaded], LifecycleStatus.Delivered),
        [ChangeKind.Cancelled] = ([LifecycleStatus.Issued, LifecycleStatus.Loaded], LifecycleStatus.Cancelled),
        [ChangeKind.Expired] = ([LifecycleStatus.Issued], LifecycleStatus.Expired),
    };

    /// <summary>ISSUED, LOADED and IN_TRANSIT hold the vehicle (W-ONE-ACTIVE).</summary>
    public static bool IsActive(LifecycleStatus status) =>
        status is LifecycleStatus.Issued or LifecycleStatus.Loaded or LifecycleStatus.InTransit;

    /// <summary>The status after <paramref name="change"/>; a W-STATE refusal when the current status does not allow it.</summary>
    public static LifecycleStatus Next(WaybillSnapshot current, ChangeKind change)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (change == ChangeKind.Issued || !Transitions.TryGetValue(change, out var transition))
        {
            throw new ArgumentOutOfRangeException(nameof(change), change, "Not a change of an existing waybill.");
        }

        if (!transition.From.Contains(current.Status))
        {
            throw new RuleRefusalException(
            [
                new Finding(
                    RuleCodes.State,
                    $"waybill:{current.Id}",
                    $"cannot {Verb(change)} a waybill that is {StatusName(current.Status)} (allowed from {string.Join(" or ", transition.From.Select(StatusName))}){Hint(current.Status)}"),
            ]);
        }

        return transition.To;
    }

    /// <summary>The next version after a change by <paramref name="now"/>.</summary>
    public static WaybillSnapshot Advance(WaybillSnapshot current, ChangeKind change, DateTimeOffset now)
    {
        var status = Next(current, change);
        return current with { Version = current.Version + 1, Status = status, UpdatedAt = now };
    }

    /// <summary>
    /// What a loading terminal loaded must be the waybill's goods (L-GOODS-MATCH) and at most their quantity
    /// (L-QUANTITY) per UN number.
    /// </summary>
    public static IReadOnlyList<Finding> CheckLoaded(WaybillSnapshot waybill, IReadOnlyList<LoadedQuantity> loaded)
    {
        ArgumentNullException.ThrowIfNull(waybill);
        ArgumentNullException.ThrowIfNull(loaded);
        var planned = waybill.Content.Goods
            .GroupBy(g => g.UnNumber, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(x => x.QuantityKg), StringComparer.Ordinal);
        var findings = new List<Finding>();
        foreach (var group in loaded.GroupBy(l => l.UnNumber, StringComparer.Ordinal))
        {
            var mass = group.Sum(l => l.QuantityKg);
            if (!planned.TryGetValue(group.Key, out var plannedMass))
            {
                findings.Add(new Finding(RuleCodes.GoodsMatch, $"waybill:{waybill.Id}", $"UN{group.Key} is not among the waybill's goods"));
            }
            else if (mass > plannedMass)
            {
                findings.Add(new Finding(
                    RuleCodes.Quantity,
                    $"waybill:{waybill.Id}",
                    string.Create(CultureInfo.InvariantCulture, $"UN{group.Key}: loaded {mass:0.###} kg exceeds the waybill quantity of {plannedMass:0.###} kg")));
            }
        }

        return findings;
    }

    public static string StatusName(LifecycleStatus status) => status switch
    {
        LifecycleStatus.Issued => "ISSUED",
        LifecycleStatus.Loaded => "LOADED",
        LifecycleStatus.InTransit => "IN_TRANSIT",
        LifecycleStatus.Delivered => "DELIVERED",
        LifecycleStatus.Cancelled => "CANCELLED",
        LifecycleStatus.Expired => "EXPIRED",
        _ => status.ToString(),
    };

    /// <summary>An expired waybill is final; what the caller should do instead is not obvious from the status alone.</summary>
    private static string Hint(LifecycleStatus status) => status == LifecycleStatus.Expired
        ? "; it expired unloaded after its travel window ended, issue a new waybill for the trip"
        : "";

    private static string Verb(ChangeKind change) => change switch
    {
        ChangeKind.Amended => "amend",
        ChangeKind.Loaded => "mark loaded",
        ChangeKind.Departed => "depart",
        ChangeKind.Delivered => "deliver",
        ChangeKind.Cancelled => "cancel",
        ChangeKind.Expired => "expire",
        _ => change.ToString().ToLowerInvariant(),
    };
}
