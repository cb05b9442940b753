using HazChem.Transport.ServiceDefaults.Errors;
using HazChem.Transport.Waybill.Domain;

namespace HazChem.Transport.Waybill.Tests.Domain;

public sealed class WaybillRulesTests
{
    [Fact]
    public void Evaluate_ValidWaybill_HasNoFindings()
    {
        var findings = WaybillRules.Evaluate(Samples.Content(), Samples.Facts(), Samples.BuiltIn, [], Samples.Rules);

        Assert.Empty(findings);
    }

    [Theory]
    [InlineData("8", "II")]
    [InlineData("3", "III")]
    [InlineData("2.1", "-")]
    public void UnMatch_ClassOrPackingGroupDiffersFromTheList_IsRefused(string hazardClass, string packingGroup)
    {
        var content = Samples.Content(Samples.Goods("1203", hazardClass, packingGroup, 1000));

        var finding = Assert.Single(WaybillRules.UnMatch(content, Samples.BuiltIn));

        Assert.Equal(("W-UN-MATCH", "goods[0]"), (finding.Code, finding.Subject));
        Assert.Contains("class 3 packing group II", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1789", "8", "II")]
    [InlineData("1789", "8", "III")]
    [InlineData("1005", "2.3", "-")]
    public void UnMatch_AnyListedPackingGroup_Matches(string un, string hazardClass, string packingGroup)
    {
        Assert.Empty(WaybillRules.UnMatch(Samples.Content(Samples.Goods(un, hazardClass, packingGroup, 100)), Samples.BuiltIn));
    }

    [Fact]
    public void UnMatch_FullList_ExplosiveDivisionMatchesWithOrWithoutCompatibilityGroup()
    {
        var full = DangerousGoodsCsv.LoadFile(Samples.RequireFullList());
        var withGroup = WaybillValidator.Validate(Samples.Input(Samples.Goods("0004", "1.1D", "-", 10)), full, Samples.Limits, Samples.Now);
        var withoutGroup = WaybillValidator.Validate(Samples.Input(Samples.Goods("0004", "1.1", "-", 10)), full, Samples.Limits, Samples.Now);
        var wrongDivision = WaybillValidator.Validate(Samples.Input(Samples.Goods("0004", "1.2", "-", 10)), full, Samples.Limits, Samples.Now);

        Assert.Empty(WaybillRules.UnMatch(withGroup, full));
        Assert.Empty(WaybillRules.UnMatch(withoutGroup, full));
        Assert.Single(WaybillRules.UnMatch(wrongDivision, full));
    }

    [Fact]
    public void LoadRated_TotalAboveRatedLoad_IsRefusedWithoutTolerance()
    {
        var content = Samples.Content(Samples.Goods("1203", kg: 15000), Samples.Goods("1202", "3", "III", 15000.5, "柴油"));

        var finding = Assert.Single(WaybillRules.LoadRated(content, Samples.Facts(ratedLoadKg: 30000)));

        Assert.Equal(("W-LOAD-RATED", "vehicle:渝A12345"), (finding.Code, finding.Subject));
        Assert.Empty(WaybillRules.LoadRated(content, Samples.Facts(ratedLoadKg: 30000.5)));
    }

    [Fact]
    public void LoadRated_Trailer_AddsItsRatedLoad()
    {
        var content = Samples.Content(Samples.Goods(kg: 40000)) with { TrailerPlate = "渝A1234挂" };
        var facts = Samples.Facts(ratedLoadKg: 0) with { Trailer = new VehicleFacts("渝A1234挂", "carrier-1", true, "TankTrailer", 40000) };

        Assert.Empty(WaybillRules.LoadRated(content, facts));
        Assert.Single(WaybillRules.LoadRated(content, facts with { Trailer = facts.Trailer! with { RatedLoadKg = 39999 } }));
    }

    [Fact]
    public void LoadTank_MassPerUnNumberAboveTheMediumsMaxLoad_IsRefused()
    {
        var content = Samples.Content(Samples.Goods(kg: 12000), Samples.Goods(kg: 10000));

        var finding = Assert.Single(WaybillRules.LoadTank(content, Samples.Facts(tankMaxKg: 21000)));

        Assert.Equal(("W-LOAD-TANK", "tank:TK5000001"), (finding.Code, finding.Subject));
        Assert.Contains("22000 kg exceeds the tank's maximum load of 21000 kg", finding.Message, StringComparison.Ordinal);
        Assert.Empty(WaybillRules.LoadTank(content, Samples.Facts(tankMaxKg: 22000)));
    }

    [Fact]
    public void LoadTank_MediumNotPermitted_IsLeftToQualification()
    {
        var content = Samples.Content(Samples.Goods("1830", "8", "II", 50000, "硫酸"));

        Assert.Empty(WaybillRules.LoadTank(content, Samples.Facts()));
    }

    [Fact]
    public void HighHazardPass_HighlyToxicGoodsWithoutPass_AreRefusedUnlessConfiguredOff()
    {
        var content = Samples.Content(Samples.Goods(), Samples.Goods("1689", "6.1", "I", 500, "氰化钠"));

        var finding = Assert.Single(WaybillRules.HighHazardPass(content, Samples.Rules));

        Assert.Equal(("W-HIGH-HAZARD-PASS", "goods[1]"), (finding.Code, finding.Subject));
        Assert.Empty(WaybillRules.HighHazardPass(content with { RoadPassNumber = "渝公危剧字2026001号" }, Samples.Rules));
        Assert.Empty(WaybillRules.HighHazardPass(content, Samples.Rules with { RoadPassRequired = false }));
    }

    [Fact]
    public void OneActive_PlateHeldByAnotherWaybill_IsRefusedNamingIt()
    {
        var finding = Assert.Single(WaybillRules.OneActive([new ActiveConflict("渝A12345", "wb-1")]));

        Assert.Equal(("W-ONE-ACTIVE", "vehicle:渝A12345"), (finding.Code, finding.Subject));
        Assert.Contains("wb-1", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Qualified_BlockingQualificationFindings_AreEachIncludedWithASummary()
    {
        var facts = Samples.Facts(findings:
        [
            new Finding("Q-PERSON-CERT", "driver:driver-1", "certificate expired on 2025-01-31"),
            new Finding("Q-CARRIER-SCOPE", "carrier:carrier-1", "class 2.3 is outside the permit scope"),
            new Finding("Q-VEHICLE-INSPECTION", "vehicle:渝A12345", "inspection due in 10 days", Blocking: false),
        ]);

        var findings = WaybillRules.Qualified(Samples.Content(), facts).ToList();

        Assert.Equal(["W-QUALIFIED", "Q-PERSON-CERT", "Q-CARRIER-SCOPE", "Q-VEHICLE-INSPECTION"], findings.Select(f => f.Code));
        Assert.Contains("Q-PERSON-CERT, Q-CARRIER-SCOPE", findings[0].Message, StringComparison.Ordinal);
        Assert.False(findings[3].Blocking);
    }

    [Fact]
    public void Qualified_OnlyWarnings_DoNotBlock()
    {
        var facts = Samples.Facts(findings: [new Finding("Q-VEHICLE-INSPECTION", "vehicle:渝A12345", "due soon", Blocking: false)]);

        Assert.DoesNotContain(WaybillRules.Evaluate(Samples.Content(), facts, Samples.BuiltIn, [], Samples.Rules), f => f.Blocking);
    }

    [Fact]
    public void Qualified_UnregisteredPartiesAndMissingNumbers_AreRefused()
    {
        var facts = Samples.Facts() with
        {
            Carrier = new CarrierFacts("carrier-1", ""),
            Vehicle = null,
            Tank = null,
            Escort = new PersonFacts("escort-1", ""),
            Driver = null,
        };

        var findings = WaybillRules.Qualified(Samples.Content(), facts).ToList();

        Assert.Equal(
            [("W-REQUIRED", "carrier:carrier-1"), ("W-QUALIFIED", "vehicle:渝A12345"), ("W-QUALIFIED", "tank:TK5000001"), ("W-QUALIFIED", "driver:driver-1"), ("W-REQUIRED", "escort:escort-1")],
            findings.Select(f => (f.Code, f.Subject)));
    }

    [Fact]
    public void RequiredByRegistry_TankVehicleWithoutTankNumber_NamesTankNumber()
    {
        var content = Samples.Content() with { TankNumber = "" };

        var violation = Assert.Single(WaybillRules.RequiredByRegistry(content, Samples.Facts()));

        Assert.Equal("tankNumber", violation.Field);
        Assert.Empty(WaybillRules.RequiredByRegistry(content, Samples.Facts() with { Vehicle = Samples.Facts().Vehicle! with { IsTankVehicle = false } }));
    }

    [Fact]
    public void Evaluate_SeveralBrokenRules_ReportsEveryFindingAtOnce()
    {
        var content = Samples.Content(Samples.Goods("1203", "8", "II", 25000), Samples.Goods("1689", "6.1", "I", 10000, "氰化钠"));
        var facts = Samples.Facts(ratedLoadKg: 30000, tankMaxKg: 21000, new Finding("Q-CARRIER-BLACKLIST", "carrier:carrier-1", "blacklisted"));

        var findings = WaybillRules.Evaluate(content, facts, Samples.BuiltIn, [new ActiveConflict("渝A12345", "wb-0")], Samples.Rules);

        Assert.Equal(
            ["W-UN-MATCH", "W-ONE-ACTIVE", "W-QUALIFIED", "Q-CARRIER-BLACKLIST", "W-LOAD-RATED", "W-LOAD-TANK", "W-HIGH-HAZARD-PASS"],
            findings.Select(f => f.Code));
    }
}
