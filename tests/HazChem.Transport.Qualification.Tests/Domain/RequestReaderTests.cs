using HazChem.Transport.Contracts.Qualification.V1;
using HazChem.Transport.Qualification.Domain;
using HazChem.Transport.Qualification.Mapping;
using HazChem.Transport.ServiceDefaults.Errors;
using Microsoft.Extensions.Time.Testing;
using Permit = HazChem.Transport.Contracts.Qualification.V1.Permit;
using PersonCertificate = HazChem.Transport.Contracts.Qualification.V1.PersonCertificate;
using TankMedium = HazChem.Transport.Contracts.Qualification.V1.TankMedium;

namespace HazChem.Transport.Qualification.Tests.Domain;

/// <summary>Input validation reports every bad field at once, by JSON path, and normalises identifiers.</summary>
public sealed class RequestReaderTests
{
    private static readonly DateOnly Today = TestData.Date("2026-11-24");

    [Fact]
    public void Carrier_EveryFieldBad_ReportsAllPaths()
    {
        var permit = new Permit { Number = "", ValidFrom = "2028-13-01", ValidUntil = "31/12/2028" };
        permit.Scope.AddRange(["2.1", "2.4", "3", "3"]);
        permit.HighHazardScope.AddRange(["1689", "UN1942"]);

        var error = Assert.Throws<InvalidInputException>(() => RequestReader.Carrier("", "91500000MA5U00000X", permit));

        Assert.Equal(
            ["name", "creditCode", "permit.number", "permit.validFrom", "permit.validUntil", "permit.scope[1]", "permit.scope[3]", "permit.highHazardScope[1]"],
            error.Violations.Select(v => v.Field));
    }

    [Fact]
    public void Carrier_ValidUntilBeforeValidFrom_IsRefused()
    {
        var permit = new Permit { Number = "渝交运管许可字500000000001号", ValidFrom = "2028-01-01", ValidUntil = "2027-12-31" };
        permit.Scope.Add("3");

        var error = Assert.Throws<InvalidInputException>(() => RequestReader.Carrier("某公司", TestData.NewCreditCode(), permit));

        var violation = Assert.Single(error.Violations);
        Assert.Equal("permit.validUntil", violation.Field);
        Assert.Contains("2028-01-01", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Carrier_MissingPermit_NamesPermit()
    {
        var error = Assert.Throws<InvalidInputException>(() => RequestReader.Carrier("某公司", TestData.NewCreditCode(), null));

        Assert.Equal(["permit"], error.Violations.Select(v => v.Field));
    }

    [Fact]
    public void Carrier_LowerCaseCreditCode_IsNormalised()
    {
        var permit = new Permit { Number = "P1", ValidFrom = "2024-01-01", ValidUntil = "2028-12-31" };
        permit.Scope.Add("3");

        var draft = RequestReader.Carrier(" 某公司 ", "91110000600037341l", permit);

        Assert.Equal(("某公司", "91110000600037341L"), (draft.Name, draft.CreditCode));
    }

    [Fact]
    public void Vehicle_EveryFieldBad_ReportsAllPaths()
    {
        var error = Assert.Throws<InvalidInputException>(() => RequestReader.Vehicle(
            "渝A1234", VehicleKind.Unspecified, -1, new RoadTransportCert { Number = "", ValidUntil = "2027-6-30" }, "", "138-0013"));

        Assert.Equal(
            ["plate", "kind", "ratedLoadKg", "roadTransportCert.number", "roadTransportCert.validUntil", "inspectionValidUntil", "terminalPhone"],
            error.Violations.Select(v => v.Field));
    }

    [Fact]
    public void Vehicle_TrailerPlateWithTruckKindAndTerminal_IsRefused()
    {
        var error = Assert.Throws<InvalidInputException>(() => RequestReader.Vehicle(
            "渝A1234挂", VehicleKind.TankTruck, 30000, new RoadTransportCert { Number = "1", ValidUntil = "2027-06-30" }, "2027-03-31", "013800138000"));

        Assert.Equal(["kind", "terminalPhone"], error.Violations.Select(v => v.Field));
    }

    [Fact]
    public void Vehicle_PlateWithSeparator_IsNormalised()
    {
        var draft = RequestReader.Vehicle(
            "渝a·12345", VehicleKind.TankTruck, 30000, new RoadTransportCert { Number = "1", ValidUntil = "2027-06-30" }, "2027-03-31", "013800138000");

        Assert.Equal(("渝A12345", "013800138000"), (draft.Plate, draft.TerminalPhone));
    }

    [Fact]
    public void Person_EveryFieldBad_ReportsAllPaths()
    {
        var errors = new FieldErrors();
        var qualification = new PersonCertificate { Number = "", ValidUntil = "2028-02-30" };
        qualification.Scope.Add("10");
        RequestReader.IdNumber(errors, "500101199001011234", Today);
        RequestReader.Person(errors, "", PersonRole.Unspecified, qualification, "call me");

        var error = Assert.Throws<InvalidInputException>(errors.ThrowIfAny);

        Assert.Equal(
            ["idNumber", "name", "role", "qualification.number", "qualification.validUntil", "qualification.scope[0]", "phone"],
            error.Violations.Select(v => v.Field));
    }

    [Fact]
    public void Tank_EveryFieldBad_ReportsAllPaths()
    {
        var errors = new FieldErrors();
        var media = new Google.Protobuf.Collections.RepeatedField<TankMedium>
        {
            new TankMedium { UnNumber = "1203", MaxLoadKg = 21000 },
            new TankMedium { UnNumber = "12O3", MaxLoadKg = 0 },
            new TankMedium { UnNumber = "1203", MaxLoadKg = 1000 },
        };
        RequestReader.TankNumber(errors, "number", "TK 5000001");
        RequestReader.Tank(errors, 0, "2027-01-31", media);

        var error = Assert.Throws<InvalidInputException>(errors.ThrowIfAny);

        Assert.Equal(["number", "capacityLitres", "media[1].unNumber", "media[1].maxLoadKg", "media[2].unNumber"], error.Violations.Select(v => v.Field));
    }

    [Fact]
    public void Evaluation_EveryFieldBad_ReportsAllPathsIncludingGoodsClass()
    {
        var request = new EvaluateQualificationRequest
        {
            CarrierId = "",
            VehiclePlate = "渝A1234挂",
            TrailerPlate = "渝A12345",
            DriverId = "p1",
            EscortId = "",
            Date = "tomorrow",
        };
        request.Goods.Add(new GoodsItem { UnNumber = "9", HazardClass = "3.1", QuantityKg = -5 });

        var error = Assert.Throws<InvalidInputException>(() => RequestReader.Evaluation(request, Today));

        Assert.Equal(
            ["carrierId", "vehiclePlate", "trailerPlate", "escortId", "goods[0].unNumber", "goods[0].class", "goods[0].quantityKg", "date"],
            error.Violations.Select(v => v.Field));
    }

    [Fact]
    public void Evaluation_NoDate_IsToday_AndExplosiveCompatibilityGroupIsDropped()
    {
        var request = new EvaluateQualificationRequest { CarrierId = "c1", VehiclePlate = "渝A12345", DriverId = "p1", EscortId = "p2" };
        request.Goods.Add(new GoodsItem { UnNumber = "0081", HazardClass = "1.1D", QuantityKg = 100 });

        var query = RequestReader.Evaluation(request, Today);

        Assert.Equal(Today, query.Date);
        Assert.Equal("1.1", query.Goods[0].HazardClass);
        Assert.Equal(("", ""), (query.TrailerPlate, query.TankNumber));
    }

    [Fact]
    public void BlacklistEntry_UntilInThePast_IsRefused()
    {
        var request = new CreateBlacklistEntryRequest { SubjectType = SubjectType.Vehicle, SubjectId = "渝A12345", Reason = "超速", Until = "2026-11-23" };

        var error = Assert.Throws<InvalidInputException>(() => RequestReader.NewBlacklistEntry(request, Today));

        Assert.Equal(["until"], error.Violations.Select(v => v.Field));
    }

    [Fact]
    public void BlacklistEntry_Defaults_FromTodayIndefinitely()
    {
        var request = new CreateBlacklistEntryRequest { SubjectType = SubjectType.Vehicle, SubjectId = "渝a 12345", Reason = "超速" };

        var draft = RequestReader.NewBlacklistEntry(request, Today);

        Assert.Equal(("渝A12345", Today, (DateOnly?)null), (draft.SubjectId, draft.ValidFrom, draft.Until));
    }

    [Theory]
    [InlineData(-1, "", "pageSize")]
    [InlineData(501, "", "pageSize")]
    [InlineData(10, "not-a-token!", "pageToken")]
    public void Page_Bad_NamesTheField(int size, string token, string field)
    {
        var error = Assert.Throws<InvalidInputException>(() => RequestReader.Page(size, token));

        Assert.Equal([field], error.Violations.Select(v => v.Field));
    }

    [Theory]
    [InlineData("2026-11-23T15:59:59Z", "2026-11-23")]
    [InlineData("2026-11-23T16:00:00Z", "2026-11-24")] // midnight in Shanghai
    public void BusinessCalendar_Today_IsTheDateInShanghai(string utc, string date)
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(TestData.Date(date), BusinessCalendar.Today(time));
    }
}
