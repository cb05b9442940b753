using HazChem.Transport.ServiceDefaults.Errors;
using HazChem.Transport.Waybill.Domain;

namespace HazChem.Transport.Waybill.Tests.Domain;

public sealed class WaybillValidatorTests
{
    [Fact]
    public void Validate_CompleteInput_ReturnsNormalisedContentWithDefaultCorridor()
    {
        var input = Samples.Input(Samples.Goods("1789", "8", "Ⅲ", 1000, "盐酸")) with
        {
            Route = new RouteInput(CoordinateSystem.Wgs84, [[106.50, 29.60], [106.90, 29.40]], 0),
        };

        var content = WaybillValidator.Validate(input, Samples.BuiltIn, Samples.Limits, Samples.Now);

        Assert.Equal("III", content.Goods[0].PackingGroup);
        Assert.Equal(500, content.Route.CorridorMeters);
        Assert.Equal(new Coordinate(106.50, 29.60), content.Route.Points[0]);
        Assert.Equal(["渝A12345"], content.Plates);
    }

    [Fact]
    public void Validate_EverythingMissing_ReportsEveryFieldAtOnceAsJsonPaths()
    {
        var empty = new WaybillInput(null, null, null, [], null, null, null, null, null, null, null, null, null, null, null);

        var error = Assert.Throws<InvalidInputException>(() => WaybillValidator.Validate(empty, Samples.BuiltIn, Samples.Limits, Samples.Now));

        Assert.Equal(
            ["consignor", "consignee", "loadingUnit", "goods", "vehiclePlate", "driverId", "escortId", "origin", "destination", "route", "window", "emergencyPhone"],
            error.Violations.Select(v => v.Field));
        Assert.All(error.Violations, v => Assert.StartsWith("W-REQUIRED", v.Description, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UnknownUnNumber_NamesTheLineFieldWithWUnKnown()
    {
        var input = Samples.Input(Samples.Goods(), Samples.Goods("9999", "3", "II", 100));

        var error = Assert.Throws<InvalidInputException>(() => WaybillValidator.Validate(input, Samples.BuiltIn, Samples.Limits, Samples.Now));

        var violation = Assert.Single(error.Violations);
        Assert.Equal("goods[1].unNumber", violation.Field);
        Assert.Contains("W-UN-KNOWN", violation.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("call us")]
    public void Validate_MissingOrBadEmergencyPhone_NamesTheField(string phone)
    {
        var input = Samples.Input() with { EmergencyPhone = phone };

        var error = Assert.Throws<InvalidInputException>(() => WaybillValidator.Validate(input, Samples.BuiltIn, Samples.Limits, Samples.Now));

        Assert.Equal("emergencyPhone", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Validate_BadGoodsLineAndParties_NamesEachField()
    {
        var input = Samples.Input(new GoodsInput("12O3", "", "x", "IV", -5)) with
        {
            Consignor = new PartyInput("", "12"),
            LoadingUnit = new PartyInput("油库", null),
        };

        var error = Assert.Throws<InvalidInputException>(() => WaybillValidator.Validate(input, Samples.BuiltIn, Samples.Limits, Samples.Now));

        Assert.Equal(
            ["consignor.name", "consignor.phone", "loadingUnit.phone", "goods[0].unNumber", "goods[0].name", "goods[0].class", "goods[0].packingGroup", "goods[0].quantityKg"],
            error.Violations.Select(v => v.Field));
    }

    [Fact]
    public void Validate_BadRoute_NamesPointsRangesAndCorridor()
    {
        var input = Samples.Input() with
        {
            Route = new RouteInput(null, [[106.5, 29.6], null, [181, 29.5], [106.9, -91]], -1),
        };

        var error = Assert.Throws<InvalidInputException>(() => WaybillValidator.Validate(input, Samples.BuiltIn, Samples.Limits, Samples.Now));

        Assert.Equal(
            ["route.crs", "route.coordinates[1]", "route.coordinates[2].lon", "route.coordinates[3].lat", "route.corridorMeters"],
            error.Violations.Select(v => v.Field));
    }

    [Fact]
    public void Validate_RouteWithOnePoint_NeedsTwo()
    {
        var input = Samples.Input() with { Route = new RouteInput(CoordinateSystem.Wgs84, [[106.5, 29.6]], 500) };

        var error = Assert.Throws<InvalidInputException>(() => WaybillValidator.Validate(input, Samples.BuiltIn, Samples.Limits, Samples.Now));

        Assert.Equal("route.coordinates", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Validate_Gcj02Route_IsStoredInWgs84()
    {
        var wgs = new[] { new Coordinate(106.50, 29.60), new Coordinate(106.70, 29.50) };
        var gcj = wgs.Select(Gcj02.FromWgs84).ToArray();
        var input = Samples.Input() with
        {
            Route = new RouteInput(CoordinateSystem.Gcj02, [.. gcj.Select(p => new[] { p.Lon, p.Lat })], 300),
            Origin = new PlaceInput("长寿油库", gcj[0].Lon, gcj[0].Lat),
        };

        var content = WaybillValidator.Validate(input, Samples.BuiltIn, Samples.Limits, Samples.Now);

        for (var i = 0; i < wgs.Length; i++)
        {
            Assert.True(Geodesy.DistanceMeters(wgs[i], content.Route.Points[i]) < 1.0);
            Assert.True(Geodesy.DistanceMeters(gcj[i], content.Route.Points[i]) > 100);
        }

        Assert.True(Geodesy.DistanceMeters(wgs[0], content.Origin.Position) < 1.0);
        Assert.Equal(300, content.Route.CorridorMeters);
    }

    [Fact]
    public void Validate_WindowEndingBeforeItStartsOrInThePast_IsRefused()
    {
        var backwards = Samples.Input() with { Window = new WindowInput(Samples.Now.AddHours(5), Samples.Now.AddHours(1)) };
        var past = Samples.Input() with { Window = new WindowInput(Samples.Now.AddHours(-5), Samples.Now.AddHours(-1)) };
        var open = Samples.Input() with { Window = new WindowInput(Samples.Now, null) };

        Assert.Equal("window.end", Assert.Single(Assert.Throws<InvalidInputException>(() => WaybillValidator.Validate(backwards, Samples.BuiltIn, Samples.Limits, Samples.Now)).Violations).Field);
        Assert.Equal("window.end", Assert.Single(Assert.Throws<InvalidInputException>(() => WaybillValidator.Validate(past, Samples.BuiltIn, Samples.Limits, Samples.Now)).Violations).Field);
        Assert.Equal("window.end", Assert.Single(Assert.Throws<InvalidInputException>(() => WaybillValidator.Validate(open, Samples.BuiltIn, Samples.Limits, Samples.Now)).Violations).Field);
    }

    [Theory]
    [InlineData("渝A12345", "", true)]
    [InlineData("渝AD12345", "", true)]
    [InlineData("渝A12345", "渝A1234挂", true)]
    [InlineData("A12345", "", false)]
    [InlineData("渝A1234", "", false)]
    [InlineData("渝A12345", "渝A12345", false)]
    public void Validate_Plates_FollowTheChinesePlateFormat(string plate, string trailer, bool valid)
    {
        var input = Samples.Input() with { VehiclePlate = plate, TrailerPlate = trailer };

        var error = Record.Exception(() => WaybillValidator.Validate(input, Samples.BuiltIn, Samples.Limits, Samples.Now));

        Assert.Equal(valid, error is null);
    }

    [Fact]
    public void Validate_OtherViolations_AreReportedTogether()
    {
        var input = Samples.Input() with { EmergencyPhone = "" };

        var error = Assert.Throws<InvalidInputException>(() =>
            WaybillValidator.Validate(input, Samples.BuiltIn, Samples.Limits, Samples.Now, [new FieldViolation("carrierId", "W-REQUIRED: the carrier id is required")]));

        Assert.Equal(["carrierId", "emergencyPhone"], error.Violations.Select(v => v.Field));
    }
}
