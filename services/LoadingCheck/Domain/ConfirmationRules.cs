using System.Globalization;
using HazChem.Transport.ServiceDefaults.Errors;

namespace HazChem.Transport.LoadingCheck.Domain;

/// <summary>
/// Confirming what was loaded (定量装车, L-QUANTITY) and that only the latest PASS check of a waybill that has not
/// changed since may be confirmed (L-RECORD). Pure; every finding at once.
/// </summary>
internal static class ConfirmationRules
{
    /// <summary>Largest quantity one line may state (kg); anything above is a typing error, not a load.</summary>
    public const double MaxLineKg = 1_000_000;

    /// <summary>Field violations of the loaded lines (the caller's 400), and the lines normalised (UN number trimmed).</summary>
    public static IReadOnlyList<LoadedQuantity> ValidateLoaded(IReadOnlyList<(string? UnNumber, double QuantityKg)> lines, List<FieldViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(violations);
        if (lines.Count == 0)
        {
            violations.Add(new FieldViolation("loaded", "must list at least one loaded line { unNumber, quantityKg }"));
        }

        var result = new List<LoadedQuantity>(lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            var un = (lines[i].UnNumber ?? "").Trim();
            if (un.Length != 4 || !un.All(char.IsAsciiDigit))
            {
                violations.Add(new FieldViolation($"loaded[{i}].unNumber", "must be a four-digit UN number, e.g. \"1203\""));
            }

            var kg = lines[i].QuantityKg;
            if (!double.IsFinite(kg) || kg <= 0 || kg > MaxLineKg)
            {
                violations.Add(new FieldViolation($"loaded[{i}].quantityKg", $"must be a mass in kg greater than 0 and at most {MaxLineKg.ToString("0", CultureInfo.InvariantCulture)}"));
            }

            result.Add(new LoadedQuantity(un, kg));
        }

        return result;
    }

    /// <summary>Per UN number, the total loaded mass.</summary>
    public static IReadOnlyDictionary<string, double> Totals(IEnumerable<LoadedQuantity> loaded) =>
        loaded.GroupBy(l => l.UnNumber, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(l => l.QuantityKg), StringComparer.Ordinal);

    /// <summary>True when two confirmations state the same mass per UN number (a retry of the same confirmation).</summary>
    public static bool SameQuantities(IEnumerable<LoadedQuantity> a, IEnumerable<LoadedQuantity> b)
    {
        var x = Totals(a);
        var y = Totals(b);
        return x.Count == y.Count && x.All(kv => y.TryGetValue(kv.Key, out var other) && Math.Abs(other - kv.Value) < 1e-6);
    }

    /// <summary>
    /// Every reason <paramref name="check"/> may not be confirmed with <paramref name="loaded"/>, given the newest check
    /// of its waybill and the waybill as it stands now. Empty = confirm.
    /// </summary>
    /// <param name="current">The waybill now; null when it was not read (a check that is not PASS is refused without it).</param>
    /// <param name="limits">Rated load and tank limits now; null when not read (likewise).</param>
    public static IReadOnlyList<Finding> Check(CheckRecord check, string? latestCheckId, WaybillFacts? current, LoadLimits? limits, IReadOnlyList<LoadedQuantity> loaded)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(loaded);
        var subject = $"loading-check:{check.Id}";
        var findings = new List<Finding>();
        if (check.Verdict != CheckVerdict.Pass)
        {
            findings.Add(new Finding(LoadingCheckCodes.Record, subject,
                $"the check's verdict is {VerdictName(check.Verdict)}; only a PASS check can be confirmed (a refused or unavailable check never can); run a new check"));
        }

        if (current is not null && LoadedBy(current, check.Id))
        {
            // A retry after the waybill already took this very check (our record of it was lost): the same quantities only.
            if (!SameQuantities(current.Loaded ?? [], loaded))
            {
                findings.Add(new Finding(LoadingCheckCodes.Record, subject,
                    $"waybill {current.Id} is already LOADED under this check with other quantities ({Describe(current.Loaded ?? [])})"));
            }
        }
        else if (current is not null)
        {
            if (latestCheckId is not null && !string.Equals(latestCheckId, check.Id, StringComparison.Ordinal))
            {
                findings.Add(new Finding(LoadingCheckCodes.Record, subject,
                    $"check {latestCheckId} is newer for waybill {current.Id}; only the latest check of a waybill can be confirmed"));
            }

            if (!string.Equals(current.Status, LoadingCheckRules.Issued, StringComparison.Ordinal))
            {
                findings.Add(new Finding(LoadingCheckCodes.GoodsMatch, $"waybill:{current.Id}",
                    $"waybill {current.Id} is {current.Status}; only an ISSUED waybill can be loaded"));
            }
            else if (current.Version != check.WaybillVersion)
            {
                findings.Add(new Finding(LoadingCheckCodes.Record, $"waybill:{current.Id}",
                    $"waybill {current.Id} changed since the check (version {check.WaybillVersion.ToString(CultureInfo.InvariantCulture)} → {current.Version.ToString(CultureInfo.InvariantCulture)}); run a new check"));
            }
        }

        findings.AddRange(Quantities(check, limits, loaded));
        return findings;
    }

    /// <summary>
    /// L-QUANTITY: per UN number ≤ the waybill's quantity; in total ≤ the rated load of vehicle plus trailer; per medium
    /// ≤ the tank's maximum load. A UN number that is not the waybill's is L-GOODS-MATCH, one the tank may not carry
    /// L-TANK-MEDIUM.
    /// </summary>
    public static IReadOnlyList<Finding> Quantities(CheckRecord check, LoadLimits? limits, IReadOnlyList<LoadedQuantity> loaded)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(loaded);
        var basis = check.Basis;
        var waybillSubject = $"waybill:{check.Input.WaybillId}";
        var planned = basis.Goods.GroupBy(g => g.UnNumber, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(x => x.QuantityKg), StringComparer.Ordinal);
        var findings = new List<Finding>();
        var totals = Totals(loaded);
        foreach (var (un, mass) in totals)
        {
            if (!planned.TryGetValue(un, out var plannedMass))
            {
                findings.Add(new Finding(LoadingCheckCodes.GoodsMatch, waybillSubject, $"UN{un} is not among the waybill's goods ({string.Join(", ", planned.Keys.Select(k => "UN" + k))})"));
            }
            else if (mass > plannedMass)
            {
                findings.Add(new Finding(LoadingCheckCodes.Quantity, waybillSubject, $"UN{un}: loaded {Kg(mass)} exceeds the waybill quantity of {Kg(plannedMass)}"));
            }

            if (check.Input.TankNumber.Length > 0 && limits?.TankMaxLoadKgByUn is { } media)
            {
                var tankSubject = $"tank:{check.Input.TankNumber}";
                if (!media.TryGetValue(un, out var max))
                {
                    findings.Add(new Finding(LoadingCheckCodes.TankMedium, tankSubject, $"UN{un} is not on the permitted-media list of tank {check.Input.TankNumber}"));
                }
                else if (mass > max)
                {
                    findings.Add(new Finding(LoadingCheckCodes.Quantity, tankSubject, $"UN{un}: loaded {Kg(mass)} exceeds the maximum load of tank {check.Input.TankNumber} for this medium, {Kg(max)}"));
                }
            }
        }

        var total = totals.Values.Sum();
        if (limits is { RatedLoadKg: var rated } && total > rated)
        {
            findings.Add(new Finding(LoadingCheckCodes.Quantity, $"vehicle:{check.Input.Plate}", $"loaded {Kg(total)} in total exceeds the rated load of {Kg(rated)}"));
        }

        return findings;
    }

    /// <summary>True when the waybill was marked LOADED under <paramref name="checkId"/>.</summary>
    public static bool LoadedBy(WaybillFacts waybill, string checkId)
    {
        ArgumentNullException.ThrowIfNull(waybill);
        return waybill.Status == "LOADED" && string.Equals(waybill.LoadingCheckId, checkId, StringComparison.Ordinal);
    }

    /// <summary>"UN1203 19500 kg, UN1202 500 kg".</summary>
    public static string Describe(IEnumerable<LoadedQuantity> loaded) =>
        string.Join(", ", Totals(loaded).Select(kv => $"UN{kv.Key} {Kg(kv.Value)}"));

    public static string VerdictName(CheckVerdict verdict) => verdict switch
    {
        CheckVerdict.Pass => "PASS",
        CheckVerdict.Refuse => "REFUSE",
        CheckVerdict.Unavailable => "UNAVAILABLE",
        _ => verdict.ToString().ToUpperInvariant(),
    };

    private static string Kg(double kg) => kg.ToString("0.###", CultureInfo.InvariantCulture) + " kg";
}
