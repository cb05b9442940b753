namespace HazChem.Transport.Geofence.Tests;

public sealed class HazardClassTests
{
    [Theory]
    [InlineData("2", "2.1", true)]
    [InlineData("2", "2.2", true)]
    [InlineData("2", "2.3", true)]
    [InlineData("2", "2", true)]
    [InlineData("2.1", "2.1", true)]
    [InlineData("2.1", "2.3", false)]
    [InlineData("2.1", "2", false)]
    [InlineData("1", "1.4S", true)]
    [InlineData("1.1", "1.1D", true)]
    [InlineData("1.1", "1.2D", false)]
    [InlineData("1.4", "1.4s", true)]
    [InlineData("3", "2.1", false)]
    [InlineData("2", "21", false)]
    [InlineData("6", "6.1", true)]
    public void Covers_ClassAndDivision_FollowsUnNumbering(string banned, string goods, bool expected)
    {
        Assert.Equal(expected, HazardClass.Covers(banned, goods));
    }

    [Fact]
    public void Bans_EmptyHazardClasses_BansEverything()
    {
        Assert.True(TestZones.Zone("z").Bans(["9"]));
    }

    [Fact]
    public void Bans_ClassTwoZoneAndFlammableGas_IsTrue()
    {
        Assert.True(TestZones.Zone("z", hazardClasses: ["2"]).Bans(["3", "2.1"]));
    }

    [Fact]
    public void Bans_DivisionZoneAndOtherDivision_IsFalse()
    {
        Assert.False(TestZones.Zone("z", hazardClasses: ["2.1"]).Bans(["2.2", "8"]));
    }

    [Fact]
    public void Bans_NoGoodsClasses_IsFalseForAClassRestrictedZone()
    {
        Assert.False(TestZones.Zone("z", hazardClasses: ["3"]).Bans([]));
    }
}
