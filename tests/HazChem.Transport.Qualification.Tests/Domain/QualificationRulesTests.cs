using HazChem.Transport.Contracts.Qualification.V1;
using HazChem.Transport.Qualification.Domain;
using HazChem.Transport.ServiceDefaults.Errors;
using BlacklistEntry = HazChem.Transport.Qualification.Domain.BlacklistEntry;
using Carrier = HazChem.Transport.Qualification.Domain.Carrier;
using Permit = HazChem.Transport.Qualification.Domain.Permit;
using Person = HazChem.Transport.Qualification.Domain.Person;
using PersonCertificate = HazChem.Transport.Qualification.Domain.PersonCertificate;
using Tank = HazChem.Transport.Qualification.Domain.Tank;
using TankMedium = HazChem.Transport.Qualification.Domain.TankMedium;
using Vehicle = HazChem.Transport.Qualification.Domain.Vehicle;

namespace HazChem.Transport.Qualification.Tests.Domain;

/// <summary>Every Q- rule of DOMAIN.md, passing and failing, with date boundaries, and all findings at once.</summary>
public sealed class QualificationRulesTests
{
    private const string CarrierId = "c1";
    private const string Plate = "渝A12345";
    private const string TrailerPlate = "渝A1234挂";
    private const string DriverId = "p-driver";
    private const string EscortId = "p-escort";
    private const string TankNumber = "TK5000001";
    private static readonly DateOnly TransportDate = TestData.Date("2026-11-24");

    private static readonly QualificationPolicy Policy = new(
        [
            new HighHazardGoods("1689", "氰化钠", HighHazardCategory.Toxic),
            new HighHazardGoods("1942", "硝酸铵", HighHazardCategory.ExplosivePrecursor),
        ],
        new TankSizeLimits(10_000, 20_000, 20_000, new HashSet<string>(["1052"], StringComparer.Ordinal)));

    private readonly QualificationRules _rules = new(Policy);

    private QualificationQuery _query = new(CarrierId, Plate, "", DriverId, EscortId, TankNumber, [Gasoline(20_000)], TransportDate);

    private QualificationFacts _facts = new(
        new Carrier(CarrierId, "重庆某危货运输有限公司", "91500000MA5U00000W",
            new Permit("渝交运管许可字500000000001号", TestData.Date("2024-01-01"), TestData.Date("2028-12-31"), ["2.1", "3", "8"], []),
            TestData.Stamp()),
        VehicleOf(Plate),
        null,
        PersonOf(DriverId, PersonRole.Driver, TestData.Date("1990-01-01")),
        PersonOf(EscortId, PersonRole.Escort, TestData.Date("1985-06-15")),
        new Tank(TankNumber, CarrierId, 30_000, TestData.Date("2027-01-31"), [new TankMedium("1203", 21_000)], TestData.Stamp()),
        []);

    [Fact]
    public void Evaluate_EverythingRegisteredAndValid_HasNoFindings()
    {
        Assert.Empty(Evaluate());
    }

    // ---- Q-CARRIER-PERMIT -----------------------------------------------------------------------

    [Fact]
    public void Evaluate_CarrierNotRegistered_IsOneBlockingPermitFinding()
    {
        _facts = _facts with { Carrier = null };

        var finding = Assert.Single(Evaluate());

        Assert.Equal(("Q-CARRIER-PERMIT", "carrier:c1", true), (finding.Code, finding.Subject, finding.Blocking));
        Assert.Contains("not registered", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2028-12-31", false)] // the last valid day
    [InlineData("2029-01-01", true)] // the day after
    [InlineData("2024-01-01", false)] // the first valid day
    [InlineData("2023-12-31", true)] // the day before
    public void Evaluate_PermitValidity_CountsFirstAndLastDay(string date, bool refused)
    {
        _facts = Valid(_facts);
        _query = _query with { Date = TestData.Date(date) };

        Assert.Equal(refused ? ["Q-CARRIER-PERMIT"] : [], Codes());
    }

    [Fact]
    public void Evaluate_PermitExpired_MessageNamesPermitAndDate()
    {
        _query = _query with { Date = TestData.Date("2029-01-01") };

        var finding = Evaluate().First(f => f.Code == "Q-CARRIER-PERMIT");

        Assert.Contains("渝交运管许可字500000000001号", finding.Message, StringComparison.Ordinal);
        Assert.Contains("2028-12-31", finding.Message, StringComparison.Ordinal);
    }

    // ---- Q-CARRIER-SCOPE ------------------------------------------------------------------------

    [Theory]
    [InlineData("2.1", "2.1", false)]
    [InlineData("2.1", "2.3", true)]
    [InlineData("2", "2.3", false)]
    [InlineData("3", "6.1", true)]
    public void Evaluate_GoodsClassAgainstPermitScope(string scope, string goodsClass, bool refused)
    {
        _facts = _facts with { Carrier = _facts.Carrier! with { Permit = _facts.Carrier.Permit with { Scope = [scope] } } };
        _query = _query with { Goods = [new GoodsLine("1005", goodsClass, 1000)], TankNumber = "" };

        var scopeFindings = Evaluate().Where(f => f.Code == "Q-CARRIER-SCOPE").ToList();

        Assert.Equal(refused, scopeFindings.Count == 1);
        Assert.All(scopeFindings, f => Assert.Contains("goods[0] UN1005 is class " + goodsClass, f.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_HighHazardGoodsNotNamedInPermit_IsScopeFindingEvenWhenTheClassIsInScope()
    {
        _facts = _facts with { Carrier = _facts.Carrier! with { Permit = _facts.Carrier.Permit with { Scope = ["6.1"] } } };
        _query = _query with { Goods = [new GoodsLine("1689", "6.1", 1000)], TankNumber = "" };

        var finding = Assert.Single(Evaluate(), f => f.Code == "Q-CARRIER-SCOPE");

        Assert.Contains("UN1689 (氰化钠) is 剧毒", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_HighHazardGoodsNamedInPermit_Passes()
    {
        _facts = _facts with { Carrier = _facts.Carrier! with { Permit = _facts.Carrier.Permit with { Scope = ["5.1", "6.1"], HighHazardScope = ["1689", "1942"] } } };
        _query = _query with { Goods = [new GoodsLine("1689", "6.1", 1000), new GoodsLine("1942", "5.1", 1000)], TankNumber = "" };
        _facts = Valid(_facts, scope: ["5", "6"]);

        Assert.Empty(Evaluate());
    }

    // ---- Q-CARRIER-BLACKLIST / Q-VEHICLE-BLACKLIST / Q-PERSON-BLACKLIST ------------------------

    [Theory]
    [InlineData("2026-01-01", "2027-01-01", false, true)]
    [InlineData("2026-01-01", null, false, true)] // indefinitely
    [InlineData("2026-01-01", "2026-11-24", false, true)] // the last day in force
    [InlineData("2026-01-01", "2026-11-23", false, false)] // expired the day before
    [InlineData("2026-11-25", null, false, false)] // not yet in force
    [InlineData("2026-01-01", "2027-01-01", true, false)] // lifted
    public void Evaluate_CarrierBlacklist_InForceOnTheDateOnly(string from, string? until, bool lifted, bool refused)
    {
        _facts = _facts with { Blacklist = [Entry(SubjectType.Carrier, CarrierId, from, until, lifted)] };

        Assert.Equal(refused, Codes().Contains("Q-CARRIER-BLACKLIST"));
    }

    [Fact]
    public void Evaluate_VehicleTrailerAndPeopleBlacklisted_EachHasItsFinding()
    {
        _query = _query with { TrailerPlate = TrailerPlate };
        _facts = _facts with
        {
            Trailer = VehicleOf(TrailerPlate) with { Kind = VehicleKind.TankTrailer, TerminalPhone = "" },
            Blacklist =
            [
                Entry(SubjectType.Vehicle, Plate, "2026-01-01", null),
                Entry(SubjectType.Vehicle, TrailerPlate, "2026-01-01", null),
                Entry(SubjectType.Person, DriverId, "2026-01-01", null),
                Entry(SubjectType.Person, EscortId, "2026-01-01", null),
                Entry(SubjectType.Person, "someone-else", "2026-01-01", null),
            ],
        };

        var findings = Evaluate();

        Assert.Equal(
            [("Q-VEHICLE-BLACKLIST", "vehicle:渝A12345"), ("Q-VEHICLE-BLACKLIST", "trailer:渝A1234挂"), ("Q-PERSON-BLACKLIST", "driver:p-driver"), ("Q-PERSON-BLACKLIST", "escort:p-escort")],
            findings.Select(f => (f.Code, f.Subject)));
        Assert.All(findings, f => Assert.Contains("serious violations", f.Message, StringComparison.Ordinal));
    }

    // ---- Q-VEHICLE-* ----------------------------------------------------------------------------

    [Fact]
    public void Evaluate_VehicleNotRegistered_IsOneOwnedFinding()
    {
        _facts = _facts with { Vehicle = null };

        var finding = Assert.Single(Evaluate());

        Assert.Equal(("Q-VEHICLE-OWNED", "vehicle:渝A12345"), (finding.Code, finding.Subject));
    }

    [Fact]
    public void Evaluate_VehicleOfAnotherCarrier_IsOwnedFindingWithoutNamingTheOwner()
    {
        _facts = _facts with { Vehicle = _facts.Vehicle! with { CarrierId = "c2" } };

        var finding = Assert.Single(Evaluate());

        Assert.Equal("Q-VEHICLE-OWNED", finding.Code);
        Assert.DoesNotContain("c2", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2027-06-30", false)]
    [InlineData("2027-07-01", true)]
    public void Evaluate_RoadTransportCertificate_ValidOnItsLastDay(string date, bool refused)
    {
        _facts = Valid(_facts, keep: "cert");
        _query = _query with { Date = TestData.Date(date) };

        Assert.Equal(refused ? ["Q-VEHICLE-CERT"] : [], Codes());
    }

    [Theory]
    [InlineData("2027-03-31", false)]
    [InlineData("2027-04-01", true)]
    public void Evaluate_Inspection_OverdueTheDayAfterItsDueDate(string date, bool refused)
    {
        _facts = Valid(_facts, keep: "inspection");
        _query = _query with { Date = TestData.Date(date) };

        Assert.Equal(refused ? ["Q-VEHICLE-INSPECTION"] : [], Codes());
    }

    [Fact]
    public void Evaluate_NoTerminalBound_IsTerminalFinding()
    {
        _facts = _facts with { Vehicle = _facts.Vehicle! with { TerminalPhone = "" } };

        var finding = Assert.Single(Evaluate());

        Assert.Equal(("Q-VEHICLE-TERMINAL", "vehicle:渝A12345"), (finding.Code, finding.Subject));
    }

    [Fact]
    public void Evaluate_TrailerWithoutTerminal_NeedsNone()
    {
        _query = _query with { TrailerPlate = TrailerPlate };
        _facts = _facts with { Trailer = VehicleOf(TrailerPlate) with { Kind = VehicleKind.TankTrailer, TerminalPhone = "" } };

        Assert.Empty(Evaluate());
    }

    [Fact]
    public void Evaluate_TrailerNotRegistered_IsOwnedFindingForTheTrailer()
    {
        _query = _query with { TrailerPlate = TrailerPlate };

        var finding = Assert.Single(Evaluate());

        Assert.Equal(("Q-VEHICLE-OWNED", "trailer:渝A1234挂"), (finding.Code, finding.Subject));
    }

    [Fact]
    public void Evaluate_TrailerCertificateAndInspectionExpired_AreTrailerFindings()
    {
        _query = _query with { TrailerPlate = TrailerPlate };
        _facts = _facts with
        {
            Trailer = VehicleOf(TrailerPlate) with
            {
                Kind = VehicleKind.TankTrailer,
                TerminalPhone = "",
                RoadTransportCert = new Certificate("500000999999", TestData.Date("2026-11-23")),
                InspectionValidUntil = TestData.Date("2026-11-23"),
            },
        };

        Assert.Equal([("Q-VEHICLE-CERT", "trailer:渝A1234挂"), ("Q-VEHICLE-INSPECTION", "trailer:渝A1234挂")], Evaluate().Select(f => (f.Code, f.Subject)));
    }

    // ---- Q-PERSON-* -----------------------------------------------------------------------------

    [Theory]
    [InlineData("2028-05-01", false)]
    [InlineData("2028-05-02", true)]
    public void Evaluate_PersonCertificate_ValidOnItsLastDay(string date, bool refused)
    {
        _facts = Valid(_facts, keep: "person");
        _query = _query with { Date = TestData.Date(date) };

        Assert.Equal(
            refused ? [("Q-PERSON-CERT", "driver:p-driver"), ("Q-PERSON-CERT", "escort:p-escort")] : [],
            Evaluate().Select(f => (f.Code, f.Subject)));
    }

    [Fact]
    public void Evaluate_CertificateScopeMissesAClass_IsCertFindingNamingTheGoods()
    {
        _facts = _facts with { Escort = _facts.Escort! with { Qualification = _facts.Escort.Qualification with { Scope = ["2", "8"] } } };

        var finding = Assert.Single(Evaluate());

        Assert.Equal(("Q-PERSON-CERT", "escort:p-escort"), (finding.Code, finding.Subject));
        Assert.Contains("goods[0] UN1203 of class 3", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_DriverRegisteredAsEscort_IsRoleFinding()
    {
        _facts = _facts with { Driver = _facts.Driver! with { Role = PersonRole.Escort } };

        var finding = Assert.Single(Evaluate());

        Assert.Equal(("Q-PERSON-ROLE", "driver:p-driver"), (finding.Code, finding.Subject));
        Assert.Contains("registered as ESCORT, not as DRIVER", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_DriverIsAlsoTheEscort_IsRoleFindingForTheEscort()
    {
        _query = _query with { EscortId = DriverId };
        _facts = _facts with { Escort = _facts.Driver };

        var findings = Evaluate().Select(f => (f.Code, f.Subject)).ToList();

        // The same person: not two people, and not registered as an escort either.
        Assert.Equal([("Q-PERSON-ROLE", "escort:p-driver"), ("Q-PERSON-ROLE", "escort:p-driver")], findings);
    }

    [Fact]
    public void Evaluate_PeopleNotRegisteredOrWithAnotherCarrier_AreRoleFindings()
    {
        _facts = _facts with { Driver = null, Escort = _facts.Escort! with { CarrierId = "c2" } };

        Assert.Equal([("Q-PERSON-ROLE", "driver:p-driver"), ("Q-PERSON-ROLE", "escort:p-escort")], Evaluate().Select(f => (f.Code, f.Subject)));
    }

    [Theory]
    [InlineData("2025-11-24", false)] // 60th birthday
    [InlineData("2026-11-23", false)] // the last day aged 60
    [InlineData("2026-11-24", true)] // 61st birthday
    public void Evaluate_DriverAge_AtMost60OnTheDate(string date, bool refused)
    {
        _facts = Valid(_facts) with { Driver = PersonOf(DriverId, PersonRole.Driver, TestData.Date("1965-11-24")) };
        _query = _query with { Date = TestData.Date(date) };

        var age = Evaluate().Where(f => f.Code == "Q-PERSON-AGE").ToList();

        Assert.Equal(refused, age.Count == 1);
        Assert.All(age, f => Assert.Contains("is 61 on 2026-11-24 (born 1965-11-24)", f.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_EscortOver60_HasNoAgeRule()
    {
        _facts = _facts with { Escort = PersonOf(EscortId, PersonRole.Escort, TestData.Date("1950-01-01")) };

        Assert.Empty(Evaluate());
    }

    [Theory]
    [InlineData("1964-02-29", "2025-02-28", 61)] // leap-day birthday reached on 28 February
    [InlineData("1964-02-29", "2025-02-27", 60)]
    [InlineData("1990-01-01", "2026-11-24", 36)]
    public void AgeOn_CompletedYears(string birth, string date, int age)
    {
        Assert.Equal(age, QualificationRules.AgeOn(TestData.Date(birth), TestData.Date(date)));
    }

    // ---- Q-TANK-* -------------------------------------------------------------------------------

    [Fact]
    public void Evaluate_TankNotRegistered_IsInspectionFinding()
    {
        _facts = _facts with { Tank = null };

        var finding = Assert.Single(Evaluate());

        Assert.Equal(("Q-TANK-INSPECTION", "tank:TK5000001"), (finding.Code, finding.Subject));
    }

    [Fact]
    public void Evaluate_NoTankAsked_HasNoTankRules()
    {
        _query = _query with { TankNumber = "" };
        _facts = _facts with { Tank = null };

        Assert.Empty(Evaluate());
    }

    [Theory]
    [InlineData("2027-01-31", false)]
    [InlineData("2027-02-01", true)]
    public void Evaluate_TankInspection_ValidOnItsLastDay(string date, bool refused)
    {
        _facts = Valid(_facts, keep: "tank");
        _query = _query with { Date = TestData.Date(date) };

        Assert.Equal(refused ? ["Q-TANK-INSPECTION"] : [], Codes());
    }

    [Fact]
    public void Evaluate_GoodsNotOnPermittedMedia_IsMediumFindingPerLine()
    {
        _query = _query with { Goods = [Gasoline(10_000), new GoodsLine("1268", "3", 5000)] };

        var finding = Assert.Single(Evaluate());

        Assert.Equal(("Q-TANK-MEDIUM", "tank:TK5000001"), (finding.Code, finding.Subject));
        Assert.Contains("goods[1] UN1268", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_TankOfAnotherCarrier_IsOwnedFindingForTheTank()
    {
        _facts = _facts with { Tank = _facts.Tank! with { CarrierId = "c2" } };

        var finding = Assert.Single(Evaluate());

        Assert.Equal(("Q-VEHICLE-OWNED", "tank:TK5000001"), (finding.Code, finding.Subject));
    }

    [Theory]
    [InlineData("1689", "6.1", 10_000, false)] // 剧毒: at most 10 m³
    [InlineData("1689", "6.1", 10_001, true)]
    [InlineData("0081", "1.1", 20_000, false)] // explosives: at most 20 m³
    [InlineData("0081", "1.1", 20_500, true)]
    [InlineData("1052", "8", 25_000, true)] // configured strong corrosive
    [InlineData("1830", "8", 30_000, false)] // an ordinary corrosive
    public void Evaluate_TankSize_ByGoods(string un, string hazardClass, double litres, bool refused)
    {
        _facts = _facts with { Tank = _facts.Tank! with { CapacityLitres = litres, Media = [new TankMedium(un, 5000)] } };
        _query = _query with { Goods = [new GoodsLine(un, hazardClass, 1000)] };

        var size = Evaluate().Where(f => f.Code == "Q-TANK-SIZE").ToList();

        Assert.Equal(refused, size.Count == 1);
    }

    // ---- All at once ----------------------------------------------------------------------------

    [Fact]
    public void Evaluate_ManyProblems_ReportsEveryFindingInStableOrder()
    {
        _query = _query with
        {
            Date = TestData.Date("2029-01-02"),
            Goods = [Gasoline(10_000), new GoodsLine("1005", "2.3", 1000)],
            TrailerPlate = TrailerPlate,
        };
        _facts = _facts with
        {
            Vehicle = _facts.Vehicle! with { TerminalPhone = "" },
            Driver = PersonOf(DriverId, PersonRole.Driver, TestData.Date("1960-01-01")),
            Blacklist = [Entry(SubjectType.Carrier, CarrierId, "2026-01-01", null)],
        };

        var codes = Codes();

        Assert.Equal(
            [
                "Q-CARRIER-PERMIT", "Q-CARRIER-SCOPE", "Q-CARRIER-BLACKLIST",
                "Q-VEHICLE-CERT", "Q-VEHICLE-INSPECTION", "Q-VEHICLE-TERMINAL",
                "Q-VEHICLE-OWNED",
                "Q-PERSON-CERT", "Q-PERSON-AGE",
                "Q-PERSON-CERT",
                "Q-TANK-INSPECTION", "Q-TANK-MEDIUM",
            ],
            codes);
        Assert.All(Evaluate(), f => Assert.True(f.Blocking));
    }

    // ---------------------------------------------------------------------------------------------

    private IReadOnlyList<Finding> Evaluate() => _rules.Evaluate(_query, _facts);

    private List<string> Codes() => Evaluate().Select(f => f.Code).ToList();

    private static GoodsLine Gasoline(double kg) => new("1203", "3", kg);

    private static Vehicle VehicleOf(string plate) => new(
        plate, CarrierId, VehicleKind.TankTruck, 30_000, new Certificate("500000123456", TestData.Date("2027-06-30")), TestData.Date("2027-03-31"),
        "013800138000", TestData.Stamp());

    private static Person PersonOf(string id, PersonRole role, DateOnly birth) => new(
        id, CarrierId, TestData.IdNumber(birth), role == PersonRole.Driver ? "张三" : "李四", role,
        new PersonCertificate("QC" + id, TestData.Date("2028-05-01"), ["2", "3", "8"]), "", TestData.Stamp());

    private static BlacklistEntry Entry(SubjectType type, string subjectId, string from, string? until, bool lifted = false) => new(
        Guid.NewGuid().ToString(), type, subjectId, "serious violations", TestData.Date(from), until is null ? null : TestData.Date(until),
        DateTime.UnixEpoch, "admin:authority", lifted ? DateTime.UnixEpoch : null, lifted ? "admin:authority" : "", "", lifted ? 2 : 1);

    /// <summary>
    /// Pushes every validity except the carrier permit and <paramref name="keep"/> (cert, inspection, person, tank) far
    /// into the future, so that one rule is looked at alone.
    /// </summary>
    private static QualificationFacts Valid(QualificationFacts facts, string keep = "", string[]? scope = null)
    {
        var far = TestData.Date("2040-12-31");
        PersonCertificate Certificate(PersonCertificate c) => c with { ValidUntil = keep == "person" ? c.ValidUntil : far, Scope = scope ?? c.Scope };
        var vehicle = facts.Vehicle!;
        return facts with
        {
            Vehicle = vehicle with
            {
                RoadTransportCert = vehicle.RoadTransportCert with { ValidUntil = keep == "cert" ? vehicle.RoadTransportCert.ValidUntil : far },
                InspectionValidUntil = keep == "inspection" ? vehicle.InspectionValidUntil : far,
            },
            Driver = facts.Driver! with { Qualification = Certificate(facts.Driver.Qualification) },
            Escort = facts.Escort! with { Qualification = Certificate(facts.Escort.Qualification) },
            Tank = facts.Tank! with { InspectionValidUntil = keep == "tank" ? facts.Tank.InspectionValidUntil : far },
        };
    }
}
