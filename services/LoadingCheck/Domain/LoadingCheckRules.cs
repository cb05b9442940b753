using System.Globalization;
using HazChem.Transport.ServiceDefaults.Errors;

namespace HazChem.Transport.LoadingCheck.Domain;

/// <summary>The outcome of the L- rules for one check: every item, the verdict, and the basis a confirmation is measured against.</summary>
internal sealed record CheckOutcome(IReadOnlyList<CheckItemResult> Items, CheckVerdict Verdict, CheckBasis Basis, string CarrierId, int WaybillVersion);

/// <summary>
/// The pre-loading check (五必查) of DOMAIN.md section L. Pure: the dependencies' answers come in, one item per L- rule
/// goes out (VEHICLE, PERSONNEL, TANK ×2, DOCUMENTS ×2, GPS) with the registry's Q- findings behind each, in a
/// stable order. A check never passes on missing data: an unanswered question is an item that is not checked,
/// and any dependency that could not answer makes the verdict UNAVAILABLE.
/// </summary>
internal static class LoadingCheckRules
{
    /// <summary>Which L- item each registry (Q-) code belongs to. A code not listed goes to L-VEHICLE-DOCS: never dropped.</summary>
    public static readonly IReadOnlyDictionary<string, string> ItemOfQualificationCode = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Q-CARRIER-PERMIT"] = LoadingCheckCodes.VehicleDocs,
        ["Q-CARRIER-SCOPE"] = LoadingCheckCodes.GoodsMatch,
        ["Q-CARRIER-BLACKLIST"] = LoadingCheckCodes.Blacklist,
        ["Q-VEHICLE-OWNED"] = LoadingCheckCodes.VehicleDocs,
        ["Q-VEHICLE-CERT"] = LoadingCheckCodes.VehicleDocs,
        ["Q-VEHICLE-INSPECTION"] = LoadingCheckCodes.Inspection,
        ["Q-VEHICLE-TERMINAL"] = LoadingCheckCodes.VehicleDocs,
        ["Q-VEHICLE-BLACKLIST"] = LoadingCheckCodes.Blacklist,
        ["Q-PERSON-CERT"] = LoadingCheckCodes.Personnel,
        ["Q-PERSON-ROLE"] = LoadingCheckCodes.Personnel,
        ["Q-PERSON-AGE"] = LoadingCheckCodes.Personnel,
        ["Q-PERSON-BLACKLIST"] = LoadingCheckCodes.Blacklist,
        ["Q-TANK-INSPECTION"] = LoadingCheckCodes.Inspection,
        ["Q-TANK-MEDIUM"] = LoadingCheckCodes.TankMedium,
        ["Q-TANK-SIZE"] = LoadingCheckCodes.TankMedium,
    };

    /// <summary>The waybill status a check may load against.</summary>
    public const string Issued = "ISSUED";

    /// <summary>Evaluates every L- rule of a check made at <paramref name="now"/>.</summary>
    public static CheckOutcome Evaluate(CheckInput input, Evidence evidence, DateTimeOffset now, TimeSpan gpsMaxAge)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(evidence);
        var waybill = evidence.Waybill.Value;
        var routed = RouteFindings(evidence.Qualification);

        var items = new List<CheckItemResult>
        {
            VehicleDocs(input, evidence, routed),
            Personnel(input, evidence, waybill, routed),
            Inspection(evidence, routed),
            TankMedium(input, evidence, routed),
            GoodsMatch(input, evidence, waybill, routed, now),
            Blacklist(evidence, routed),
            GpsOnline(input, evidence.Position, now, gpsMaxAge),
        };

        var verdict = evidence.AnyUnavailable
            ? CheckVerdict.Unavailable
            : items.All(i => i.Passed) ? CheckVerdict.Pass : CheckVerdict.Refuse;
        return new CheckOutcome(items, verdict, new CheckBasis(waybill?.Goods ?? [], waybill?.TrailerPlate ?? ""), waybill?.CarrierId ?? "", waybill?.Version ?? 0);
    }

    private static Dictionary<string, List<Finding>> RouteFindings(Answer<QualificationFacts> qualification)
    {
        var routed = new Dictionary<string, List<Finding>>(StringComparer.Ordinal);
        if (qualification.Value is not { } facts)
        {
            return routed;
        }

        foreach (var finding in facts.Findings)
        {
            var item = ItemOfQualificationCode.GetValueOrDefault(finding.Code, LoadingCheckCodes.VehicleDocs);
            if (!routed.TryGetValue(item, out var list))
            {
                routed[item] = list = [];
            }

            list.Add(finding);
        }

        if (!facts.Qualified && !facts.Findings.Any(f => f.Blocking))
        {
            // The registry says "not qualified" without saying why: that still refuses, under the vehicle's documents.
            var unexplained = new Finding("Q-UNEXPLAINED", "qualification", $"the registry reports the transport as not qualified on {facts.Date} without a finding");
            if (!routed.TryGetValue(LoadingCheckCodes.VehicleDocs, out var list))
            {
                routed[LoadingCheckCodes.VehicleDocs] = list = [];
            }

            list.Add(unexplained);
        }

        return routed;
    }

    private static CheckItemResult VehicleDocs(CheckInput input, Evidence evidence, Dictionary<string, List<Finding>> routed)
    {
        var item = new ItemBuilder(CheckCategory.Vehicle, LoadingCheckCodes.VehicleDocs);
        item.AddQualification(evidence.Qualification, routed, "the registry's verdict on the vehicle's documents");
        return item.Build($"vehicle {input.Plate}: registered to the carrier, operating permit and road transport certificate valid, GPS terminal bound");
    }

    private static CheckItemResult Personnel(CheckInput input, Evidence evidence, WaybillFacts? waybill, Dictionary<string, List<Finding>> routed)
    {
        var item = new ItemBuilder(CheckCategory.Personnel, LoadingCheckCodes.Personnel);
        if (waybill is null)
        {
            item.NotChecked("no waybill to compare the driver and escort with");
        }
        else
        {
            if (!SameId(waybill.DriverId, input.DriverId))
            {
                item.Fail($"the driver present is {input.DriverId}; the waybill names driver {waybill.DriverId}");
            }

            if (!SameId(waybill.EscortId, input.EscortId))
            {
                item.Fail($"the escort present is {input.EscortId}; the waybill names escort {waybill.EscortId}");
            }
        }

        item.AddQualification(evidence.Qualification, routed, "the registry's verdict on the driver's and escort's certificates");
        return item.Build($"driver {input.DriverId} and escort {input.EscortId} match the waybill; their certificates are valid");
    }

    private static CheckItemResult Inspection(Evidence evidence, Dictionary<string, List<Finding>> routed)
    {
        var item = new ItemBuilder(CheckCategory.Tank, LoadingCheckCodes.Inspection);
        item.AddQualification(evidence.Qualification, routed, "the registry's verdict on the inspections");
        return item.Build("vehicle and tank are within their inspection validity");
    }

    private static CheckItemResult TankMedium(CheckInput input, Evidence evidence, Dictionary<string, List<Finding>> routed)
    {
        var item = new ItemBuilder(CheckCategory.Tank, LoadingCheckCodes.TankMedium);
        item.AddQualification(evidence.Qualification, routed, "the registry's verdict on the tank's permitted media");
        return item.Build(input.TankNumber.Length > 0
            ? $"the goods are on the permitted-media list of tank {input.TankNumber}"
            : "no tank presented; the waybill names none");
    }

    private static CheckItemResult GoodsMatch(CheckInput input, Evidence evidence, WaybillFacts? waybill, Dictionary<string, List<Finding>> routed, DateTimeOffset now)
    {
        var item = new ItemBuilder(CheckCategory.Documents, LoadingCheckCodes.GoodsMatch);
        switch (evidence.Waybill.Kind)
        {
            case AnswerKind.Unavailable:
            case AnswerKind.NotAsked:
                item.NotChecked($"waybill {input.WaybillId}: {evidence.Waybill.Reason}");
                break;
            case AnswerKind.Absent:
                item.Fail($"no waybill {input.WaybillId} exists");
                break;
            default:
                if (!string.Equals(waybill!.Status, Issued, StringComparison.Ordinal))
                {
                    item.Fail($"waybill {waybill.Id} is {waybill.Status}; only an ISSUED waybill may be loaded");
                }
                else if (waybill.WindowEnd is { } end && end <= now)
                {
                    // The trip could only start as a travel-window violation (C-WINDOW); the waybill will expire unloaded.
                    item.Fail($"the travel window of waybill {waybill.Id} ended at {end.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC; issue a new waybill for this trip");
                }

                if (!SamePlate(waybill.VehiclePlate, input.Plate))
                {
                    item.Fail($"the waybill names vehicle {waybill.VehiclePlate}, not {input.Plate}");
                }

                if (!SamePlate(waybill.TankNumber, input.TankNumber))
                {
                    item.Fail(waybill.TankNumber.Length == 0
                        ? $"the waybill names no tank, but tank {input.TankNumber} was presented"
                        : $"the waybill names tank {waybill.TankNumber}, not {(input.TankNumber.Length == 0 ? "none" : input.TankNumber)}");
                }

                if (!SameId(waybill.DriverId, input.DriverId))
                {
                    item.Fail($"the waybill names driver {waybill.DriverId}, not {input.DriverId}");
                }

                if (!SameId(waybill.EscortId, input.EscortId))
                {
                    item.Fail($"the waybill names escort {waybill.EscortId}, not {input.EscortId}");
                }

                item.AddQualification(evidence.Qualification, routed, "the registry's verdict on the carrier's permit scope");
                break;
        }

        return item.Build(waybill is null
            ? "the waybill matches"
            : $"waybill {waybill.Id} (version {waybill.Version.ToString(CultureInfo.InvariantCulture)}) is ISSUED and names this vehicle, tank, driver and escort; the goods to load are its goods ({string.Join(", ", waybill.Goods.Select(g => "UN" + g.UnNumber))})");
    }

    private static CheckItemResult Blacklist(Evidence evidence, Dictionary<string, List<Finding>> routed)
    {
        var item = new ItemBuilder(CheckCategory.Documents, LoadingCheckCodes.Blacklist);
        item.AddQualification(evidence.Qualification, routed, "the registry's blacklist");
        return item.Build("carrier, vehicle, driver and escort are not blacklisted");
    }

    private static CheckItemResult GpsOnline(CheckInput input, Answer<PositionFacts> position, DateTimeOffset now, TimeSpan maxAge)
    {
        var item = new ItemBuilder(CheckCategory.Gps, LoadingCheckCodes.GpsOnline);
        var age = position.Value is { } p ? now - p.FixTime : TimeSpan.Zero;
        switch (position.Kind)
        {
            case AnswerKind.Found when age <= maxAge:
                break;
            case AnswerKind.Found:
                item.Fail($"the last valid fix of {input.Plate} is from {position.Value!.FixTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}, {Minutes(age)} ago; it must be within {Minutes(maxAge)}");
                break;
            case AnswerKind.Absent:
                item.Fail($"the GPS terminal of {input.Plate} has never reported a valid fix");
                break;
            default:
                item.NotChecked($"the latest position of {input.Plate}: {position.Reason}");
                break;
        }

        return item.Build($"the GPS terminal of {input.Plate} reported a valid fix {Minutes(age)} ago (limit {Minutes(maxAge)})");
    }

    private static string Minutes(TimeSpan span) =>
        span.TotalMinutes >= 1
            ? (span.TotalMinutes).ToString("0.#", CultureInfo.InvariantCulture) + " min"
            : Math.Max(0, span.TotalSeconds).ToString("0", CultureInfo.InvariantCulture) + " s";

    /// <summary>Plates and tank numbers compare without surrounding blanks and case ("渝a12345" is 渝A12345).</summary>
    public static bool SamePlate(string a, string b) =>
        string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    private static bool SameId(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.Ordinal);

    /// <summary>Collects one item's failures, unanswered questions and findings; failed beats not checked beats passed.</summary>
    private sealed class ItemBuilder(CheckCategory category, string code)
    {
        private readonly List<string> _failures = [];
        private readonly List<string> _unchecked = [];
        private readonly List<Finding> _findings = [];

        public void Fail(string message) => _failures.Add(message);

        public void NotChecked(string reason) => _unchecked.Add(reason);

        public void AddQualification(Answer<QualificationFacts> qualification, Dictionary<string, List<Finding>> routed, string what)
        {
            if (qualification.Kind != AnswerKind.Found)
            {
                NotChecked($"{what}: {qualification.Reason}");
                return;
            }

            foreach (var finding in routed.GetValueOrDefault(code) ?? [])
            {
                _findings.Add(finding);
                if (finding.Blocking)
                {
                    _failures.Add($"{finding.Code}: {finding.Message}");
                }
            }
        }

        public CheckItemResult Build(string passMessage)
        {
            if (_failures.Count > 0)
            {
                var message = string.Join("; ", _failures);
                if (_unchecked.Count > 0)
                {
                    message += "; not checked: " + string.Join("; ", _unchecked);
                }

                return new CheckItemResult(category, code, ItemOutcome.Failed, message, _findings);
            }

            return _unchecked.Count > 0
                ? new CheckItemResult(category, code, ItemOutcome.NotChecked, "not checked: " + string.Join("; ", _unchecked), _findings)
                : new CheckItemResult(category, code, ItemOutcome.Passed, passMessage, _findings);
        }
    }
}
