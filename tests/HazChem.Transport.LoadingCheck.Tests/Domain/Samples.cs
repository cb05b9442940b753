using HazChem.Transport.LoadingCheck.Domain;
using HazChem.Transport.ServiceDefaults.Errors;

namespace HazChem.Transport.LoadingCheck.Tests.Domain;

/// <summary>A check where everything is in order, for the rules to bend one answer at a time.</summary>
internal static class Samples
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan GpsMaxAge = TimeSpan.FromMinutes(10);

    public static CheckInput Input(string plate = "渝A12345", string driver = "driver-1", string escort = "escort-1", string tank = "TK5000001") =>
        new("T001", "wb-1", plate, driver, escort, tank);

    public static WaybillFacts Waybill(string status = "ISSUED", string trailer = "", double kg = 20000, int version = 1) =>
        new("wb-1", version, status, "carrier-1", "渝A12345", trailer, "TK5000001", "driver-1", "escort-1", [new GoodsFact("1203", "3", kg)]);

    public static Evidence Evidence(
        Answer<WaybillFacts>? waybill = null,
        Answer<QualificationFacts>? qualification = null,
        Answer<PositionFacts>? position = null) => new(
            waybill ?? Answer<WaybillFacts>.Found(Waybill()),
            qualification ?? Qualified(),
            position ?? Answer<PositionFacts>.Found(new PositionFacts(Now.AddMinutes(-2))));

    public static IReadOnlyDictionary<string, double> TankMedia() =>
        new Dictionary<string, double>(StringComparer.Ordinal) { ["1203"] = 21000, ["1005"] = 10000 };

    public static LoadLimits Limits(double ratedLoadKg = 30000, bool tank = true) => new(ratedLoadKg, tank ? TankMedia() : null);

    public static Answer<QualificationFacts> Qualified(params Finding[] findings) =>
        Answer<QualificationFacts>.Found(new QualificationFacts(!findings.Any(f => f.Blocking), findings, "2026-11-23"));

    public static CheckOutcome Evaluate(Evidence evidence, CheckInput? input = null) =>
        LoadingCheckRules.Evaluate(input ?? Input(), evidence, Now, GpsMaxAge);

    public static CheckItemResult Item(CheckOutcome outcome, string code) => outcome.Items.Single(i => i.Code == code);

    public static CheckRecord Record(CheckVerdict verdict = CheckVerdict.Pass, double waybillKg = 20000, string tank = "TK5000001") => new(
        "check-1",
        Input(tank: tank),
        1,
        "carrier-1",
        Now,
        "T001",
        [],
        verdict,
        new CheckBasis([new GoodsFact("1203", "3", waybillKg)], ""));
}
