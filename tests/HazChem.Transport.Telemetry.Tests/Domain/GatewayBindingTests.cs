using HazChem.Transport.Telemetry.Domain;
using HazChem.Transport.Telemetry.Registry;

namespace HazChem.Transport.Telemetry.Tests.Domain;

public sealed class GatewayBindingTests
{
    private static readonly VehicleBinding Vehicle = new("渝A12345", "carrier-1", "13800138000");
    private static readonly string[] Platforms = ["provincial-platform"];

    [Theory]
    [InlineData("carrier-1")]            // the carrier's own monitoring platform
    [InlineData("13800138000")]          // the vehicle's own terminal
    [InlineData("013800138000")]         // the same terminal as a 2013 BCD[6] phone: leading zeros do not matter
    [InlineData("provincial-platform")]  // a configured platform gateway
    public void Check_BoundReporter_Accepted(string reporter) =>
        Assert.Null(GatewayBinding.Check(Vehicle.Plate, Vehicle, reporter, Platforms));

    [Theory]
    [InlineData("carrier-2")]
    [InlineData("13900139000")]
    [InlineData("Carrier-1")]
    [InlineData("")]
    public void Check_ReporterNotBound_UnboundNamingPlateAndGateway(string reporter)
    {
        var rejection = GatewayBinding.Check(Vehicle.Plate, Vehicle, reporter, Platforms);

        Assert.Equal(FixCodes.Unbound, rejection?.Code);
        Assert.Contains($"plate 渝A12345 is not bound to gateway '{reporter}'", rejection?.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_VehicleWithoutTerminal_NotBoundToAnAllZeroPhone()
    {
        var noTerminal = Vehicle with { TerminalPhone = "" };

        Assert.Equal(FixCodes.Unbound, GatewayBinding.Check(noTerminal.Plate, noTerminal, "000", Platforms)?.Code);
    }

    [Fact]
    public void Check_UnregisteredPlate_UnboundEvenForAPlatformGateway()
    {
        var rejection = GatewayBinding.Check("渝Z99999", vehicle: null, "provincial-platform", Platforms);

        Assert.Equal(FixCodes.Unbound, rejection?.Code);
        Assert.Equal("plate 渝Z99999 is not a registered vehicle", rejection?.Reason);
    }
}
