using HazChem.Transport.LoadingCheck.Domain;
using HazChem.Transport.ServiceDefaults.Errors;
using static HazChem.Transport.LoadingCheck.Tests.Domain.Samples;

namespace HazChem.Transport.LoadingCheck.Tests.Domain;

public sealed class LoadingCheckRulesTests
{
    private static readonly string[] AllCodes =
        ["L-VEHICLE-DOCS", "L-PERSONNEL", "L-INSPECTION", "L-TANK-MEDIUM", "L-GOODS-MATCH", "L-BLACKLIST", "L-GPS-ONLINE"];

    [Fact]
    public void Evaluate_EverythingInOrder_PassesEveryItemOfEveryCategory()
    {
        var outcome = Evaluate(Evidence());

        Assert.Equal(CheckVerdict.Pass, outcome.Verdict);
        Assert.Equal(AllCodes, outcome.Items.Select(i => i.Code));
        Assert.All(outcome.Items, i => Assert.Equal(ItemOutcome.Passed, i.Outcome));
        Assert.Equal(Enum.GetValues<CheckCategory>().Order(), outcome.Items.Select(i => i.Category).Distinct().Order());
        Assert.Equal("carrier-1", outcome.CarrierId);
        Assert.Equal(1, outcome.WaybillVersion);
        Assert.Equal("1203", Assert.Single(outcome.Basis.Goods).UnNumber);
        Assert.Equal("", outcome.Basis.TrailerPlate);
    }

    [Theory]
    [InlineData("Q-CARRIER-PERMIT", "L-VEHICLE-DOCS", "Vehicle")]
    [InlineData("Q-VEHICLE-OWNED", "L-VEHICLE-DOCS", "Vehicle")]
    [InlineData("Q-VEHICLE-CERT", "L-VEHICLE-DOCS", "Vehicle")]
    [InlineData("Q-VEHICLE-TERMINAL", "L-VEHICLE-DOCS", "Vehicle")]
    [InlineData("Q-PERSON-CERT", "L-PERSONNEL", "Personnel")]
    [InlineData("Q-PERSON-ROLE", "L-PERSONNEL", "Personnel")]
    [InlineData("Q-PERSON-AGE", "L-PERSONNEL", "Personnel")]
    [InlineData("Q-VEHICLE-INSPECTION", "L-INSPECTION", "Tank")]
    [InlineData("Q-TANK-INSPECTION", "L-INSPECTION", "Tank")]
    [InlineData("Q-TANK-MEDIUM", "L-TANK-MEDIUM", "Tank")]
    [InlineData("Q-TANK-SIZE", "L-TANK-MEDIUM", "Tank")]
    [InlineData("Q-CARRIER-SCOPE", "L-GOODS-MATCH", "Documents")]
    [InlineData("Q-CARRIER-BLACKLIST", "L-BLACKLIST", "Documents")]
    [InlineData("Q-VEHICLE-BLACKLIST", "L-BLACKLIST", "Documents")]
    [InlineData("Q-PERSON-BLACKLIST", "L-BLACKLIST", "Documents")]
    [InlineData("Q-SOMETHING-NEW", "L-VEHICLE-DOCS", "Vehicle")]
    public void Evaluate_RegistryFinding_FailsItsItemWithTheFindingAttachedAndRefuses(string qCode, string lCode, string category)
    {
        var finding = new Finding(qCode, "subject:x", "the registry says no");

        var outcome = Evaluate(Evidence(qualification: Qualified(finding)));

        Assert.Equal(CheckVerdict.Refuse, outcome.Verdict);
        var item = Item(outcome, lCode);
        Assert.Equal(Enum.Parse<CheckCategory>(category), item.Category);
        Assert.Equal(ItemOutcome.Failed, item.Outcome);
        Assert.Contains(qCode, item.Message, StringComparison.Ordinal);
        Assert.Equal(finding, Assert.Single(item.Findings));
        Assert.All(outcome.Items.Where(i => i.Code != lCode), i => Assert.True(i.Passed, i.Code));
    }

    [Fact]
    public void Evaluate_NonBlockingFinding_IsAttachedButPasses()
    {
        var warning = new Finding("Q-PERSON-AGE", "driver:driver-1", "turns 60 next month", Blocking: false);

        var outcome = Evaluate(Evidence(qualification: Qualified(warning)));

        Assert.Equal(CheckVerdict.Pass, outcome.Verdict);
        Assert.Equal(warning, Assert.Single(Item(outcome, "L-PERSONNEL").Findings));
    }

    [Fact]
    public void Evaluate_NotQualifiedWithoutAFinding_StillRefuses()
    {
        var outcome = Evaluate(Evidence(qualification: Answer<QualificationFacts>.Found(new QualificationFacts(false, [], "2026-11-23"))));

        Assert.Equal(CheckVerdict.Refuse, outcome.Verdict);
        Assert.False(Item(outcome, "L-VEHICLE-DOCS").Passed);
    }

    [Fact]
    public void Evaluate_DriverNotTheWaybills_FailsPersonnelAndGoodsMatch()
    {
        var outcome = Evaluate(Evidence(), Input(driver: "driver-2"));

        Assert.Equal(CheckVerdict.Refuse, outcome.Verdict);
        var personnel = Item(outcome, "L-PERSONNEL");
        Assert.Equal(CheckCategory.Personnel, personnel.Category);
        Assert.False(personnel.Passed);
        Assert.Contains("driver-2", personnel.Message, StringComparison.Ordinal);
        Assert.Contains("driver-1", personnel.Message, StringComparison.Ordinal);
        Assert.False(Item(outcome, "L-GOODS-MATCH").Passed);
    }

    [Fact]
    public void Evaluate_EscortNotTheWaybills_FailsPersonnel()
    {
        var outcome = Evaluate(Evidence(), Input(escort: "escort-9"));

        Assert.False(Item(outcome, "L-PERSONNEL").Passed);
        Assert.Contains("escort-9", Item(outcome, "L-PERSONNEL").Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("渝A99999", "", "vehicle 渝A12345")]
    [InlineData("渝A12345", "TK0000009", "tank TK5000001")]
    [InlineData("渝A12345", "", "tank TK5000001, not none")]
    public void Evaluate_VehicleOrTankNotTheWaybills_FailsGoodsMatch(string plate, string tank, string expected)
    {
        var outcome = Evaluate(Evidence(), Input(plate: plate, tank: tank.Length == 0 && plate == "渝A99999" ? "TK5000001" : tank));

        var item = Item(outcome, "L-GOODS-MATCH");
        Assert.Equal(CheckCategory.Documents, item.Category);
        Assert.False(item.Passed);
        Assert.Contains(expected, item.Message, StringComparison.Ordinal);
        Assert.Equal(CheckVerdict.Refuse, outcome.Verdict);
    }

    [Fact]
    public void Evaluate_PlateInOtherCase_MatchesTheWaybill()
    {
        var outcome = Evaluate(Evidence(), Input(tank: " tk5000001 "));

        Assert.True(Item(outcome, "L-GOODS-MATCH").Passed);
    }

    [Theory]
    [InlineData("LOADED")]
    [InlineData("IN_TRANSIT")]
    [InlineData("DELIVERED")]
    [InlineData("CANCELLED")]
    public void Evaluate_WaybillNotIssued_FailsGoodsMatch(string status)
    {
        var outcome = Evaluate(Evidence(waybill: Answer<WaybillFacts>.Found(Waybill(status))));

        Assert.Equal(CheckVerdict.Refuse, outcome.Verdict);
        Assert.Contains(status, Item(outcome, "L-GOODS-MATCH").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_TravelWindowEnded_FailsGoodsMatchNamingTheEnd()
    {
        var outcome = Evaluate(Evidence(waybill: Answer<WaybillFacts>.Found(Waybill() with { WindowEnd = Now.AddMinutes(-1) })));

        Assert.Equal(CheckVerdict.Refuse, outcome.Verdict);
        var item = Item(outcome, "L-GOODS-MATCH");
        Assert.Equal(ItemOutcome.Failed, item.Outcome);
        Assert.Contains("travel window of waybill", item.Message, StringComparison.Ordinal);
        Assert.Contains("ended at 2026-11-23 07:59 UTC", item.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_BeforeOrWithinTheTravelWindow_GoodsMatchPasses()
    {
        // Loading before the window opens is normal (the truck loads, then departs within its window).
        var outcome = Evaluate(Evidence(waybill: Answer<WaybillFacts>.Found(Waybill() with { WindowEnd = Now.AddHours(30) })));

        Assert.Equal(ItemOutcome.Passed, Item(outcome, "L-GOODS-MATCH").Outcome);
    }

    [Fact]
    public void Evaluate_NoSuchWaybill_RefusesWithGoodsMatchAndNothingPassesUnchecked()
    {
        var outcome = Evaluate(Evidence(
            waybill: Answer<WaybillFacts>.Absent("waybill 'wb-1' was not found"),
            qualification: Answer<QualificationFacts>.NotAsked("not evaluated: there is no waybill naming the carrier and goods")));

        Assert.Equal(CheckVerdict.Refuse, outcome.Verdict);
        Assert.Equal(ItemOutcome.Failed, Item(outcome, "L-GOODS-MATCH").Outcome);
        Assert.Contains("no waybill wb-1", Item(outcome, "L-GOODS-MATCH").Message, StringComparison.Ordinal);
        foreach (var code in new[] { "L-VEHICLE-DOCS", "L-PERSONNEL", "L-INSPECTION", "L-TANK-MEDIUM", "L-BLACKLIST" })
        {
            Assert.Equal(ItemOutcome.NotChecked, Item(outcome, code).Outcome);
            Assert.StartsWith("not checked:", Item(outcome, code).Message, StringComparison.Ordinal);
        }

        Assert.Empty(outcome.Basis.Goods);
        Assert.Equal("", outcome.CarrierId);
    }

    [Fact]
    public void Evaluate_VehicleNeverReported_RefusesWithFailedGpsItem()
    {
        var outcome = Evaluate(Evidence(position: Answer<PositionFacts>.Absent("never reported")));

        Assert.Equal(CheckVerdict.Refuse, outcome.Verdict);
        var gps = Item(outcome, "L-GPS-ONLINE");
        Assert.Equal(CheckCategory.Gps, gps.Category);
        Assert.Equal(ItemOutcome.Failed, gps.Outcome);
        Assert.Contains("never reported", gps.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(9.9, true)]
    [InlineData(10, true)]
    [InlineData(10.1, false)]
    [InlineData(600, false)]
    [InlineData(-1, true)]
    public void Evaluate_FixAge_PassesUpToTheLimit(double minutesAgo, bool passes)
    {
        var outcome = Evaluate(Evidence(position: Answer<PositionFacts>.Found(new PositionFacts(Now.AddMinutes(-minutesAgo)))));

        Assert.Equal(passes, Item(outcome, "L-GPS-ONLINE").Passed);
        Assert.Equal(passes ? CheckVerdict.Pass : CheckVerdict.Refuse, outcome.Verdict);
    }

    [Fact]
    public void Evaluate_ConfiguredGpsAge_IsTheLimit()
    {
        var evidence = Evidence(position: Answer<PositionFacts>.Found(new PositionFacts(Now.AddMinutes(-3))));

        var outcome = LoadingCheckRules.Evaluate(Input(), evidence, Now, TimeSpan.FromMinutes(2));

        Assert.False(Item(outcome, "L-GPS-ONLINE").Passed);
        Assert.Contains("within 2 min", Item(outcome, "L-GPS-ONLINE").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_TelemetryUnavailable_IsUnavailableWithGpsNotChecked()
    {
        var outcome = Evaluate(Evidence(position: Answer<PositionFacts>.Unavailable("the Telemetry service did not answer within 2 s")));

        Assert.Equal(CheckVerdict.Unavailable, outcome.Verdict);
        var gps = Item(outcome, "L-GPS-ONLINE");
        Assert.Equal(ItemOutcome.NotChecked, gps.Outcome);
        Assert.False(gps.Passed);
        Assert.Contains("Telemetry service did not answer", gps.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_QualificationUnavailable_IsUnavailableWithRegistryItemsNotChecked()
    {
        var outcome = Evaluate(Evidence(qualification: Answer<QualificationFacts>.Unavailable("the Qualification service could not answer (Unavailable: refused)")));

        Assert.Equal(CheckVerdict.Unavailable, outcome.Verdict);
        foreach (var code in new[] { "L-VEHICLE-DOCS", "L-PERSONNEL", "L-INSPECTION", "L-TANK-MEDIUM", "L-GOODS-MATCH", "L-BLACKLIST" })
        {
            Assert.Equal(ItemOutcome.NotChecked, Item(outcome, code).Outcome);
            Assert.Contains("Qualification service could not answer", Item(outcome, code).Message, StringComparison.Ordinal);
        }

        Assert.True(Item(outcome, "L-GPS-ONLINE").Passed);
    }

    [Fact]
    public void Evaluate_WaybillUnavailable_IsUnavailableEvenWhenSomethingElseFails()
    {
        var outcome = Evaluate(Evidence(
            waybill: Answer<WaybillFacts>.Unavailable("the Waybill service did not answer within 2 s"),
            qualification: Answer<QualificationFacts>.NotAsked("not evaluated: the waybill (carrier and goods) could not be read"),
            position: Answer<PositionFacts>.Absent("never reported")));

        Assert.Equal(CheckVerdict.Unavailable, outcome.Verdict);
        Assert.Equal(ItemOutcome.NotChecked, Item(outcome, "L-GOODS-MATCH").Outcome);
        Assert.Equal(ItemOutcome.Failed, Item(outcome, "L-GPS-ONLINE").Outcome);
        Assert.All(outcome.Items, i => Assert.False(i.Passed, i.Code));
    }

    [Fact]
    public void Evaluate_Trailer_IsKeptForTheConfirmation()
    {
        var outcome = Evaluate(Evidence(waybill: Answer<WaybillFacts>.Found(Waybill(trailer: "渝A1234挂"))));

        Assert.Equal(CheckVerdict.Pass, outcome.Verdict);
        Assert.Equal("渝A1234挂", outcome.Basis.TrailerPlate);
    }

    [Fact]
    public void Evaluate_NoTankOnWaybillNorPresented_PassesTankMedium()
    {
        var waybill = Waybill() with { TankNumber = "" };

        var outcome = Evaluate(
            Evidence(waybill: Answer<WaybillFacts>.Found(waybill)),
            Input(tank: ""));

        Assert.Equal(CheckVerdict.Pass, outcome.Verdict);
        Assert.Contains("no tank", Item(outcome, "L-TANK-MEDIUM").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_EveryFindingAtOnce_EachItemFailsWithItsOwn()
    {
        var outcome = Evaluate(
            Evidence(
                qualification: Qualified(
                    new Finding("Q-VEHICLE-CERT", "vehicle:渝A12345", "certificate expired"),
                    new Finding("Q-TANK-INSPECTION", "tank:TK5000001", "inspection overdue"),
                    new Finding("Q-PERSON-BLACKLIST", "escort:escort-1", "blacklisted")),
                position: Answer<PositionFacts>.Absent("never")),
            Input(driver: "driver-2"));

        Assert.Equal(CheckVerdict.Refuse, outcome.Verdict);
        Assert.Equal(["L-VEHICLE-DOCS", "L-PERSONNEL", "L-INSPECTION", "L-GOODS-MATCH", "L-BLACKLIST", "L-GPS-ONLINE"], outcome.Items.Where(i => !i.Passed).Select(i => i.Code));
    }
}
