using HazChem.Transport.LoadingCheck.Domain;
using HazChem.Transport.ServiceDefaults.Errors;
using static HazChem.Transport.LoadingCheck.Tests.Domain.Samples;

namespace HazChem.Transport.LoadingCheck.Tests.Domain;

public sealed class ConfirmationRulesTests
{
    private static readonly LoadedQuantity[] Legal = [new("1203", 19500)];

    [Fact]
    public void Check_LatestPassCheckWithinEveryLimit_HasNoFinding()
    {
        Assert.Empty(ConfirmationRules.Check(Record(), "check-1", Waybill(), Limits(), Legal));
    }

    [Fact]
    public void Check_ExactlyAtEveryLimit_HasNoFinding()
    {
        Assert.Empty(ConfirmationRules.Check(Record(waybillKg: 21000), "check-1", Waybill(kg: 21000), Limits(), [new LoadedQuantity("1203", 21000)]));
    }

    [Theory]
    [InlineData("Refuse", "REFUSE")]
    [InlineData("Unavailable", "UNAVAILABLE")]
    public void Check_CheckNotPassed_RefusesWithRecord(string verdict, string name)
    {
        var findings = ConfirmationRules.Check(Record(Enum.Parse<CheckVerdict>(verdict)), null, null, null, Legal);

        var finding = Assert.Single(findings);
        Assert.Equal("L-RECORD", finding.Code);
        Assert.Contains(name, finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NewerCheckExists_RefusesWithRecord()
    {
        var finding = Assert.Single(ConfirmationRules.Check(Record(), "check-2", Waybill(), Limits(), Legal));

        Assert.Equal("L-RECORD", finding.Code);
        Assert.Contains("check-2 is newer", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_WaybillAmendedSinceTheCheck_RefusesWithRecord()
    {
        var finding = Assert.Single(ConfirmationRules.Check(Record(), "check-1", Waybill(version: 2), Limits(), Legal));

        Assert.Equal("L-RECORD", finding.Code);
        Assert.Contains("version 1 → 2", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("LOADED")]
    [InlineData("CANCELLED")]
    public void Check_WaybillNoLongerIssued_RefusesWithGoodsMatch(string status)
    {
        var finding = Assert.Single(ConfirmationRules.Check(Record(), "check-1", Waybill(status), Limits(), Legal));

        Assert.Equal("L-GOODS-MATCH", finding.Code);
        Assert.Contains(status, finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_WaybillAlreadyLoadedByThisCheckWithTheSameQuantities_HasNoFinding()
    {
        var loaded = Waybill("LOADED", version: 2) with { LoadingCheckId = "check-1", Loaded = Legal };

        Assert.Empty(ConfirmationRules.Check(Record(), "check-9", loaded, Limits(), Legal));
    }

    [Fact]
    public void Check_WaybillAlreadyLoadedByThisCheckWithOtherQuantities_RefusesWithRecord()
    {
        var loaded = Waybill("LOADED", version: 2) with { LoadingCheckId = "check-1", Loaded = [new LoadedQuantity("1203", 15000)] };

        var finding = Assert.Single(ConfirmationRules.Check(Record(), "check-1", loaded, Limits(), Legal));

        Assert.Equal("L-RECORD", finding.Code);
        Assert.Contains("15000 kg", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantities_MoreThanTheWaybill_RefusesWithQuantity()
    {
        var finding = Assert.Single(ConfirmationRules.Quantities(Record(waybillKg: 20000), Limits(), [new LoadedQuantity("1203", 20000.5)]));

        Assert.Equal("L-QUANTITY", finding.Code);
        Assert.Equal("waybill:wb-1", finding.Subject);
        Assert.Contains("20000.5 kg exceeds the waybill quantity of 20000 kg", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantities_MoreThanTheTankAllows_RefusesWithQuantityOnTheTank()
    {
        var findings = ConfirmationRules.Quantities(Record(waybillKg: 25000), Limits(), [new LoadedQuantity("1203", 22000)]);

        var finding = Assert.Single(findings);
        Assert.Equal("L-QUANTITY", finding.Code);
        Assert.Equal("tank:TK5000001", finding.Subject);
        Assert.Contains("21000 kg", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantities_MoreThanTheRatedLoad_RefusesWithQuantityOnTheVehicle()
    {
        var finding = Assert.Single(ConfirmationRules.Quantities(Record(), Limits(ratedLoadKg: 18000), Legal));

        Assert.Equal("L-QUANTITY", finding.Code);
        Assert.Equal("vehicle:渝A12345", finding.Subject);
        Assert.Contains("rated load of 18000 kg", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantities_SplitLinesOfOneUnNumber_CountTogether()
    {
        var finding = Assert.Single(ConfirmationRules.Quantities(Record(), Limits(), [new LoadedQuantity("1203", 15000), new LoadedQuantity("1203", 6000)]));

        Assert.Equal("L-QUANTITY", finding.Code);
        Assert.Contains("21000 kg exceeds the waybill quantity", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantities_GoodsNotOnTheWaybill_RefusesWithGoodsMatchAndTankMedium()
    {
        var findings = ConfirmationRules.Quantities(Record(), Limits(), [new LoadedQuantity("1202", 1000)]);

        Assert.Equal(["L-GOODS-MATCH", "L-TANK-MEDIUM"], findings.Select(f => f.Code));
    }

    [Fact]
    public void Quantities_NoTank_ChecksOnlyWaybillAndRatedLoad()
    {
        Assert.Empty(ConfirmationRules.Quantities(Record(tank: ""), Limits(tank: false), Legal));
    }

    [Fact]
    public void Quantities_EveryLimitBroken_ReportsEachAtOnce()
    {
        var findings = ConfirmationRules.Quantities(Record(waybillKg: 20000), Limits(ratedLoadKg: 20000), [new LoadedQuantity("1203", 22000)]);

        Assert.Equal(3, findings.Count);
        Assert.All(findings, f => Assert.Equal("L-QUANTITY", f.Code));
    }

    [Theory]
    [InlineData("1203", 0, "loaded[0].quantityKg")]
    [InlineData("1203", -5, "loaded[0].quantityKg")]
    [InlineData("1203", double.NaN, "loaded[0].quantityKg")]
    [InlineData("1203", double.PositiveInfinity, "loaded[0].quantityKg")]
    [InlineData("1203", 2_000_000, "loaded[0].quantityKg")]
    [InlineData("12O3", 100, "loaded[0].unNumber")]
    [InlineData("", 100, "loaded[0].unNumber")]
    [InlineData(null, 100, "loaded[0].unNumber")]
    [InlineData("12030", 100, "loaded[0].unNumber")]
    public void ValidateLoaded_BadLine_NamesTheField(string? un, double kg, string field)
    {
        var violations = new List<FieldViolation>();

        ConfirmationRules.ValidateLoaded([(un, kg)], violations);

        Assert.Equal(field, Assert.Single(violations).Field);
    }

    [Fact]
    public void ValidateLoaded_NoLine_NamesLoaded()
    {
        var violations = new List<FieldViolation>();

        ConfirmationRules.ValidateLoaded([], violations);

        Assert.Equal("loaded", Assert.Single(violations).Field);
    }

    [Fact]
    public void ValidateLoaded_GoodLines_AreTrimmed()
    {
        var violations = new List<FieldViolation>();

        var lines = ConfirmationRules.ValidateLoaded([(" 1203 ", 19500), ("1005", 1)], violations);

        Assert.Empty(violations);
        Assert.Equal([new LoadedQuantity("1203", 19500), new LoadedQuantity("1005", 1)], lines);
    }

    [Fact]
    public void SameQuantities_SameMassPerUnNumberInAnyOrder_IsTrue()
    {
        Assert.True(ConfirmationRules.SameQuantities(
            [new LoadedQuantity("1203", 10000), new LoadedQuantity("1203", 9500), new LoadedQuantity("1005", 1)],
            [new LoadedQuantity("1005", 1), new LoadedQuantity("1203", 19500)]));
        Assert.False(ConfirmationRules.SameQuantities(Legal, [new LoadedQuantity("1203", 19000)]));
        Assert.False(ConfirmationRules.SameQuantities(Legal, [new LoadedQuantity("1203", 19500), new LoadedQuantity("1005", 1)]));
    }
}
