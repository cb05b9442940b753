using HazChem.Transport.ServiceDefaults.Errors;
using HazChem.Transport.Waybill.Domain;

namespace HazChem.Transport.Waybill.Tests.Domain;

public sealed class WaybillLifecycleTests
{
    private static WaybillSnapshot Waybill(LifecycleStatus status) => new(
        "wb-1", 3, status, "carrier-1", "permit", Samples.Content(), "c1", "c2", [], "", "", Samples.Now, Samples.Now);

    [Theory]
    [InlineData("Issued", "Amended", "Issued")]
    [InlineData("Issued", "Loaded", "Loaded")]
    [InlineData("Issued", "Cancelled", "Cancelled")]
    [InlineData("Loaded", "Departed", "InTransit")]
    [InlineData("Loaded", "Cancelled", "Cancelled")]
    [InlineData("Loaded", "Delivered", "Delivered")]
    [InlineData("InTransit", "Delivered", "Delivered")]
    [InlineData("Issued", "Expired", "Expired")]
    public void Advance_AllowedChange_MovesToTheNextStatusAndVersion(string fromName, string changeName, string toName)
    {
        var (from, change, to) = (Enum.Parse<LifecycleStatus>(fromName), Enum.Parse<ChangeKind>(changeName), Enum.Parse<LifecycleStatus>(toName));
        var next = WaybillLifecycle.Advance(Waybill(from), change, Samples.Now.AddHours(1));

        Assert.Equal((to, 4, Samples.Now.AddHours(1)), (next.Status, next.Version, next.UpdatedAt));
    }

    [Theory]
    [InlineData("Issued", "Departed")]
    [InlineData("Issued", "Delivered")]
    [InlineData("Loaded", "Amended")]
    [InlineData("Loaded", "Loaded")]
    [InlineData("InTransit", "Cancelled")]
    [InlineData("InTransit", "Amended")]
    [InlineData("Delivered", "Cancelled")]
    [InlineData("Delivered", "Departed")]
    [InlineData("Cancelled", "Loaded")]
    [InlineData("Cancelled", "Amended")]
    [InlineData("Loaded", "Expired")]
    [InlineData("InTransit", "Expired")]
    [InlineData("Cancelled", "Expired")]
    [InlineData("Expired", "Expired")]
    [InlineData("Expired", "Loaded")]
    [InlineData("Expired", "Cancelled")]
    [InlineData("Expired", "Delivered")]
    [InlineData("Expired", "Amended")]
    public void Advance_IllegalChange_IsRefusedWithWState(string fromName, string changeName)
    {
        var (from, change) = (Enum.Parse<LifecycleStatus>(fromName), Enum.Parse<ChangeKind>(changeName));
        var error = Assert.Throws<RuleRefusalException>(() => WaybillLifecycle.Advance(Waybill(from), change, Samples.Now));

        var finding = Assert.Single(error.Findings);
        Assert.Equal(("W-STATE", "waybill:wb-1"), (finding.Code, finding.Subject));
        Assert.Contains(WaybillLifecycle.StatusName(from), finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Issued", true)]
    [InlineData("Loaded", true)]
    [InlineData("InTransit", true)]
    [InlineData("Delivered", false)]
    [InlineData("Cancelled", false)]
    [InlineData("Expired", false)]
    public void IsActive_HoldsTheVehicleUntilDeliveredCancelledOrExpired(string status, bool active)
    {
        Assert.Equal(active, WaybillLifecycle.IsActive(Enum.Parse<LifecycleStatus>(status)));
    }

    [Fact]
    public void CheckLoaded_OtherGoodsOrMoreThanPlanned_AreRefused()
    {
        var waybill = Waybill(LifecycleStatus.Issued);

        Assert.Empty(WaybillLifecycle.CheckLoaded(waybill, [new LoadedQuantity("1203", 19500)]));
        Assert.Equal(
            ["L-QUANTITY", "L-GOODS-MATCH"],
            WaybillLifecycle.CheckLoaded(waybill, [new LoadedQuantity("1203", 15000), new LoadedQuantity("1203", 5001), new LoadedQuantity("1830", 10)]).Select(f => f.Code));
    }

    [Fact]
    public void TravelDates_WindowOverMidnightInShanghai_CoversBothDays()
    {
        // 2026-11-24 01:00Z is 09:00 in Shanghai; 2026-11-24 17:00Z is 01:00 on the 25th there.
        var window = new TravelWindow(new DateTimeOffset(2026, 11, 24, 1, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 24, 17, 0, 0, TimeSpan.Zero));

        Assert.Equal([new DateOnly(2026, 11, 24), new DateOnly(2026, 11, 25)], BusinessCalendar.TravelDates(window));
        Assert.Equal([new DateOnly(2026, 11, 24)], BusinessCalendar.TravelDates(window with { End = new DateTimeOffset(2026, 11, 24, 16, 0, 0, TimeSpan.Zero) }));
    }
}
