using System.Globalization;
using HazChem.Transport.ServiceDefaults.Errors;

namespace HazChem.Transport.Waybill.Domain;

/// <summary>Rule settings from configuration.</summary>
internal sealed record RuleSettings(bool RoadPassRequired, IReadOnlySet<string> HighlyToxicUnNumbers);

/// <summary>
/// The business rules of an issue or amendment (W-UN-MATCH, W-ONE-ACTIVE, W-QUALIFIED, W-LOAD-RATED, W-LOAD-TANK,
/// W-HIGH-HAZARD-PASS, and W-REQUIRED for what only the registry knows). Pure: every fact is a parameter, and
/// every finding is returned, not just the first.
/// </summary>
internal static class WaybillRules
{
    /// <summary>
    /// W-REQUIRED that depends on the registry: a tank vehicle (or tank trailer) needs a tank number. Reported as
    /// bad input, like the other missing fields.
    /// </summary>
    public static IReadOnlyList<FieldViolation> RequiredByRegistry(WaybillContent content, RegistryFacts facts)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(facts);
        var tankVehicle = new[] { facts.Vehicle, facts.Trailer }.FirstOrDefault(v => v is { IsTankVehicle: true });
        return tankVehicle is not null && content.TankNumber.Length == 0
            ? [new FieldViolation("tankNumber", $"{RuleCodes.Required}: {tankVehicle.Plate} is a tank vehicle ({tankVehicle.Kind}); the tank number is required")]
            : [];
    }

    /// <summary>Every finding for <paramref name="content"/>; the waybill may be issued when none is blocking.</summary>
    public static IReadOnlyList<Finding> Evaluate(
        WaybillContent content,
        RegistryFacts facts,
        DangerousGoodsList goodsList,
        IReadOnlyList<ActiveConflict> activeConflicts,
        RuleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(goodsList);
        ArgumentNullException.ThrowIfNull(activeConflicts);
        ArgumentNullException.ThrowIfNull(settings);
        var findings = new List<Finding>();
        findings.AddRange(UnMatch(content, goodsList));
        findings.AddRange(OneActive(activeConflicts));
        findings.AddRange(Qualified(content, facts));
        findings.AddRange(LoadRated(content, facts));
        findings.AddRange(LoadTank(content, facts));
        findings.AddRange(HighHazardPass(content, settings));
        return findings;
    }

    /// <summary>W-UN-MATCH: each line's class/division and packing group match a list row for its UN number.</summary>
    public static IEnumerable<Finding> UnMatch(WaybillContent content, DangerousGoodsList goodsList)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(goodsList);
        for (var i = 0; i < content.Goods.Count; i++)
        {
            var line = content.Goods[i];
            var rows = goodsList.Find(line.UnNumber);
            if (rows.Count == 0 || rows.Any(r => HazardClasses.Matches(line.HazardClass, r.HazardClass) && r.PackingGroup == line.PackingGroup))
            {
                continue;
            }

            var listed = string.Join(" or ", rows.Select(r => $"class {r.HazardClass} packing group {r.PackingGroup}").Distinct(StringComparer.Ordinal));
            yield return new Finding(
                RuleCodes.UnMatch,
                $"goods[{i}]",
                $"UN{line.UnNumber} is listed as {listed}; the waybill says class {line.HazardClass} packing group {line.PackingGroup}");
        }
    }

    /// <summary>W-ONE-ACTIVE: no other active waybill holds the vehicle or trailer.</summary>
    public static IEnumerable<Finding> OneActive(IReadOnlyList<ActiveConflict> conflicts)
    {
        ArgumentNullException.ThrowIfNull(conflicts);
        return conflicts.Select(c => new Finding(
            RuleCodes.OneActive,
            $"vehicle:{c.Plate}",
            $"{c.Plate} already has an active waybill ({c.WaybillId}); deliver or cancel it first"));
    }

    /// <summary>
    /// W-QUALIFIED: every blocking Q- finding from the registry (each with its own code), plus one W-QUALIFIED
    /// finding that sums them up; registrations the registry does not know; and the registry facts a waybill must
    /// carry (the carrier's permit number, the people's certificate numbers). Warnings ride along unblocking.
    /// </summary>
    public static IEnumerable<Finding> Qualified(WaybillContent content, RegistryFacts facts)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(facts);
        var findings = new List<Finding>();
        var blocking = facts.QualificationFindings.Where(f => f.Blocking).ToList();
        if (blocking.Count > 0)
        {
            findings.Add(new Finding(
                RuleCodes.Qualified,
                "qualification",
                $"the qualification registry refuses this transport: {string.Join(", ", blocking.Select(f => f.Code).Distinct(StringComparer.Ordinal))}"));
        }

        findings.AddRange(facts.QualificationFindings);
        if (facts.Carrier is null)
        {
            findings.Add(new Finding(RuleCodes.Qualified, "carrier", "the carrier is not registered"));
        }
        else if (string.IsNullOrWhiteSpace(facts.Carrier.PermitNumber))
        {
            findings.Add(new Finding(RuleCodes.Required, $"carrier:{facts.Carrier.Id}", "the carrier has no operating permit number on record"));
        }

        if (facts.Vehicle is null)
        {
            findings.Add(new Finding(RuleCodes.Qualified, $"vehicle:{content.VehiclePlate}", $"{content.VehiclePlate} is not registered"));
        }

        if (content.TrailerPlate.Length > 0 && facts.Trailer is null)
        {
            findings.Add(new Finding(RuleCodes.Qualified, $"trailer:{content.TrailerPlate}", $"{content.TrailerPlate} is not registered"));
        }

        if (content.TankNumber.Length > 0 && facts.Tank is null)
        {
            findings.Add(new Finding(RuleCodes.Qualified, $"tank:{content.TankNumber}", $"tank {content.TankNumber} is not registered"));
        }

        AddPerson(findings, facts.Driver, "driver", content.DriverId);
        AddPerson(findings, facts.Escort, "escort", content.EscortId);
        return findings;
    }

    /// <summary>W-LOAD-RATED: the total goods mass is within the rated load (核定载质量) of the vehicle plus trailer; no tolerance.</summary>
    public static IEnumerable<Finding> LoadRated(WaybillContent content, RegistryFacts facts)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.Vehicle is null || (content.TrailerPlate.Length > 0 && facts.Trailer is null))
        {
            yield break;
        }

        var rated = facts.Vehicle.RatedLoadKg + (facts.Trailer?.RatedLoadKg ?? 0);
        var total = content.Goods.Sum(g => g.QuantityKg);
        if (total > rated)
        {
            var plates = string.Join(" + ", content.Plates);
            yield return new Finding(
                RuleCodes.LoadRated,
                $"vehicle:{content.VehiclePlate}",
                $"the goods weigh {Kg(total)} in total; the rated load of {plates} is {Kg(rated)}");
        }
    }

    /// <summary>W-LOAD-TANK: per UN number, the mass is within the tank certificate's maximum load for that medium.</summary>
    public static IEnumerable<Finding> LoadTank(WaybillContent content, RegistryFacts facts)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.Tank is null)
        {
            yield break;
        }

        foreach (var group in content.Goods.GroupBy(g => g.UnNumber, StringComparer.Ordinal))
        {
            // A medium the tank may not carry at all is Q-TANK-MEDIUM, the registry's finding.
            if (!facts.Tank.MaxLoadKgByUnNumber.TryGetValue(group.Key, out var max))
            {
                continue;
            }

            var mass = group.Sum(g => g.QuantityKg);
            if (mass > max)
            {
                yield return new Finding(
                    RuleCodes.LoadTank,
                    $"tank:{facts.Tank.Number}",
                    $"UN{group.Key}: {Kg(mass)} exceeds the tank's maximum load of {Kg(max)} for this medium");
            }
        }
    }

    /// <summary>W-HIGH-HAZARD-PASS: highly toxic (剧毒) goods travel with a single-trip road pass (when configured).</summary>
    public static IEnumerable<Finding> HighHazardPass(WaybillContent content, RuleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.RoadPassRequired || content.RoadPassNumber.Length > 0)
        {
            yield break;
        }

        for (var i = 0; i < content.Goods.Count; i++)
        {
            if (settings.HighlyToxicUnNumbers.Contains(content.Goods[i].UnNumber))
            {
                yield return new Finding(
                    RuleCodes.HighHazardPass,
                    $"goods[{i}]",
                    $"UN{content.Goods[i].UnNumber} is a highly toxic good (剧毒); the waybill needs the single-trip road pass number (roadPassNumber)");
            }
        }
    }

    private static void AddPerson(List<Finding> findings, PersonFacts? person, string role, string id)
    {
        if (person is null)
        {
            findings.Add(new Finding(RuleCodes.Qualified, $"{role}:{id}", $"the {role} {id} is not registered"));
        }
        else if (string.IsNullOrWhiteSpace(person.CertificateNumber))
        {
            findings.Add(new Finding(RuleCodes.Required, $"{role}:{id}", $"the {role} has no qualification certificate number on record"));
        }
    }

    private static string Kg(double value) => value.ToString("0.###", CultureInfo.InvariantCulture) + " kg";
}
