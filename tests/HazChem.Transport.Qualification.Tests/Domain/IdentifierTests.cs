using HazChem.Transport.Qualification.Domain;

namespace HazChem.Transport.Qualification.Tests.Domain;

/// <summary>Formats checked on input: plates, resident ID numbers, credit codes, UN numbers, terminal phones, hazard classes.</summary>
public sealed class IdentifierTests
{
    private static readonly DateOnly Today = TestData.Date("2026-11-24");

    [Theory]
    [InlineData("渝A12345", "Ordinary")]
    [InlineData("京AF0236", "Ordinary")]
    [InlineData("粤B12345D", "NewEnergy")] // large new-energy vehicle: digits then D/F
    [InlineData("沪AD12345", "NewEnergy")] // small new-energy vehicle: D/F first
    [InlineData("渝A1234挂", "Trailer")]
    [InlineData("川AB123挂", "Trailer")]
    public void Classify_RealPlates_AreRecognised(string plate, string kind)
    {
        Assert.Equal(Enum.Parse<PlateKind>(kind), Plates.Classify(plate));
    }

    [Theory]
    [InlineData("渝A1234")] // too short
    [InlineData("渝A123456")] // six characters that are no new-energy pattern
    [InlineData("XA12345")] // no province
    [InlineData("使A12345")] // embassy plates are not hazmat vehicles
    [InlineData("渝I12345")] // I is not an authority letter
    [InlineData("渝A12O45")] // O is not used in serials
    [InlineData("渝12345")] // no letter
    [InlineData("渝A12345挂")] // trailers have 4 serial characters
    [InlineData("")]
    public void Classify_Malformed_IsNull(string plate)
    {
        Assert.Null(Plates.Classify(plate));
    }

    [Theory]
    [InlineData("渝a·12345", "渝A12345")]
    [InlineData(" 渝A 12345 ", "渝A12345")]
    [InlineData("渝a1234挂", "渝A1234挂")]
    public void Normalize_TypedSeparatorsAndLowerCase_GiveTheRegisteredForm(string typed, string normalized)
    {
        Assert.Equal(normalized, Plates.Normalize(typed));
    }

    [Theory]
    [InlineData("11010519491231002X")] // the GB 11643 example number
    [InlineData("110101199003077758")]
    [InlineData("500115198804120310")] // the dev launcher's demo driver
    [InlineData("50010119700303222X")]
    public void IdNumber_Valid_HasNoProblem(string number)
    {
        Assert.Null(ResidentIdNumber.Validate(number, Today));
    }

    [Fact]
    public void IdNumber_DesignExampleWithWrongCheckDigit_IsRefusedNamingTheRightOne()
    {
        // DESIGN.md §4.1 shows 500101199001011234; GB 11643 gives X as its check character, not 4.
        var problem = ResidentIdNumber.Validate("500101199001011234", Today);

        Assert.Equal("check character is 4 but GB 11643 gives X", problem);
    }

    [Theory]
    [InlineData("50010119900101123", "18-character")] // 17 characters
    [InlineData("5001011990010112345", "18-character")]
    [InlineData("5001011990010112A3", "18-character")]
    [InlineData("000101199001011236", "address code")]
    [InlineData("500101199002301235", "birth date")] // 30 February
    [InlineData("500101189912311234", "birth date")] // before 1900
    [InlineData("500101202712311234", "future")]
    public void IdNumber_Malformed_NamesTheProblem(string number, string expected)
    {
        var body = number.Length == 18 && number[..17].All(char.IsAsciiDigit) ? TestData.IdNumber(number[..17]) : number;

        var problem = ResidentIdNumber.Validate(body, Today);

        Assert.NotNull(problem);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void IdNumber_CheckCharacter_MatchesIndependentComputation()
    {
        for (var i = 0; i < 200; i++)
        {
            var number = TestData.IdNumber(TestData.Date("1960-01-01").AddDays(i * 97));
            Assert.Equal(number[17], ResidentIdNumber.CheckCharacter(number));
        }
    }

    [Fact]
    public void IdNumber_BirthDate_IsReadFromDigits7To14()
    {
        Assert.Equal(TestData.Date("1949-12-31"), ResidentIdNumber.BirthDate("11010519491231002X"));
    }

    [Fact]
    public void IdNumber_Mask_KeepsRegionAndLastFour()
    {
        Assert.Equal("110105********002X", ResidentIdNumber.Mask("11010519491231002X"));
    }

    [Theory]
    [InlineData("91110000600037341L")]
    [InlineData("91440300708461136T")]
    [InlineData("914403001922038216")]
    [InlineData("91500115MA5YDEM01M")] // the dev launcher's demo carrier
    public void CreditCode_Valid_HasNoProblem(string code)
    {
        Assert.Null(CreditCode.Validate(code));
    }

    [Fact]
    public void CreditCode_DesignExampleWithWrongCheckCharacter_IsRefusedNamingTheRightOne()
    {
        // DESIGN.md §4.1 shows 91500000MA5U00000X; GB 32100 gives W as its check character.
        Assert.Equal("check character is X but GB 32100 gives W", CreditCode.Validate("91500000MA5U00000X"));
        Assert.Null(CreditCode.Validate("91500000MA5U00000W"));
    }

    [Theory]
    [InlineData("91500000MA5U0000")] // 16 characters
    [InlineData("91500000MA5U00O00W")] // O is not in the alphabet
    [InlineData("0150000MA5U00000W0")] // registration authority 0
    [InlineData("91A00000MA5U00000W")] // division code must be digits
    public void CreditCode_Malformed_IsRefused(string code)
    {
        Assert.NotNull(CreditCode.Validate(code));
    }

    [Fact]
    public void CreditCode_CheckCharacter_MatchesIndependentComputation()
    {
        for (var i = 0; i < 200; i++)
        {
            var code = TestData.NewCreditCode();
            Assert.Equal(code[17], CreditCode.CheckCharacter(code));
        }
    }

    [Theory]
    [InlineData("1203", true)]
    [InlineData("0004", true)]
    [InlineData("0000", false)]
    [InlineData("120", false)]
    [InlineData("UN1203", false)]
    [InlineData("12O3", false)]
    public void UnNumber_IsFourDigits(string value, bool valid)
    {
        Assert.Equal(valid, UnNumber.IsValid(value));
    }

    [Theory]
    [InlineData("013800138000", "13800138000")]
    [InlineData("13800138000", "13800138000")]
    [InlineData("00000000013800138000", "13800138000")] // JT/T 808-2019: 20 digits
    public void TerminalPhone_Key_DropsLeadingZeros(string phone, string key)
    {
        Assert.True(TerminalPhone.IsValid(phone));
        Assert.Equal(key, TerminalPhone.Key(phone));
    }

    [Theory]
    [InlineData("000000000000")]
    [InlineData("138-0013-8000")]
    [InlineData("123456789012345678901")]
    public void TerminalPhone_NotDigits_IsInvalid(string phone)
    {
        Assert.False(TerminalPhone.IsValid(phone));
    }

    [Theory]
    [InlineData("2026-02-28", true)]
    [InlineData("2028-02-29", true)]
    [InlineData("2026-02-29", false)]
    [InlineData("2026-2-28", false)]
    [InlineData("28/02/2026", false)]
    [InlineData("2026-02-28T00:00:00Z", false)]
    public void IsoDate_OnlyYyyyMmDd(string value, bool valid)
    {
        Assert.Equal(valid, IsoDate.TryParse(value, out _));
    }

    [Theory]
    [InlineData("2", "2.1", true)]
    [InlineData("2", "2.3", true)]
    [InlineData("2.1", "2.1", true)]
    [InlineData("2.1", "2.2", false)]
    [InlineData("2.1", "2", false)]
    [InlineData("1", "1.1", true)]
    [InlineData("3", "3", true)]
    [InlineData("3", "8", false)]
    [InlineData("6", "6.1", true)]
    [InlineData("5.1", "5.2", false)]
    public void HazardClass_Covers_ClassCoversItsDivisionsOnly(string scope, string hazardClass, bool covered)
    {
        Assert.Equal(covered, HazardClass.Covers(scope, hazardClass));
    }

    [Theory]
    [InlineData("3", "3")]
    [InlineData("2.1", "2.1")]
    [InlineData("1.1D", "1.1")]
    [InlineData(" 8 ", "8")]
    public void HazardClass_GoodsClass_AcceptsDivisionsAndCompatibilityGroups(string value, string expected)
    {
        Assert.True(HazardClass.TryParseGoodsClass(value, out var parsed));
        Assert.Equal(expected, parsed);
    }

    [Theory]
    [InlineData("10")]
    [InlineData("2.4")]
    [InlineData("1.7")]
    [InlineData("4.4")]
    [InlineData("1.1I")]
    [InlineData("Class 3")]
    [InlineData("")]
    public void HazardClass_NotInGb6944_IsRefused(string value)
    {
        Assert.False(HazardClass.TryParseGoodsClass(value, out _));
    }
}
