using HazChem.Transport.Telemetry.Jt808;
using static HazChem.Transport.Telemetry.Tests.Jt808.Jt808TestSupport;

namespace HazChem.Transport.Telemetry.Tests.Jt808;

public sealed class Jt808TerminalPhoneTests
{
    [Fact]
    public void Equals_Bcd6Bcd10AndRegisteredDigits_AreTheSameTerminal()
    {
        var phone2013 = new Jt808TerminalPhone(Hex("013800138000"));
        var phone2019 = new Jt808TerminalPhone(Hex("00000000013800138000"));

        Assert.Equal(phone2013, phone2019);
        Assert.True(phone2013 == phone2019);
        Assert.Equal(phone2013.GetHashCode(), phone2019.GetHashCode());
        Assert.Equal("13800138000", phone2013.ToString());
        Assert.Equal("13800138000", phone2019.ToString());
        Assert.True(phone2013.Matches("13800138000"));
        Assert.True(phone2019.Matches("013800138000"));
        Assert.False(phone2013.Matches("13800138001"));
    }

    [Fact]
    public void Equals_PhonesDecodedFrom2013And2019Frames_AreEqual()
    {
        var frame2013 = ReadAll(Frame(Header(Jt808MessageIds.Heartbeat, Jt808HeaderLayout.V2013, "13800138000"), [])).SingleFrame();
        var frame2019 = ReadAll(Frame(Header(Jt808MessageIds.Heartbeat, Jt808HeaderLayout.V2019, "13800138000"), [])).SingleFrame();

        Assert.Equal("013800138000", frame2013.Header.Phone.ToHex());
        Assert.Equal("00000000013800138000", frame2019.Header.Phone.ToHex());
        Assert.Equal(frame2013.Header.Phone, frame2019.Header.Phone);
        Assert.True(frame2019.Header.Phone.Matches("13800138000"));
    }

    [Fact]
    public void ToString_NonBcdBytes_IsTheRawHexAndMatchesNoDigitString()
    {
        var phone = new Jt808TerminalPhone(Hex("4eb6fb4afd9e"));

        Assert.False(phone.IsBcd);
        Assert.Equal("4eb6fb4afd9e", phone.ToString());
        Assert.True(phone.Matches("4EB6FB4AFD9E"));
        Assert.NotEqual(new Jt808TerminalPhone(Hex("013800138000")), phone);
    }

    [Fact]
    public void ToString_AllZeroPhone_IsZero()
    {
        Assert.Equal("0", new Jt808TerminalPhone(Hex("000000000000")).ToString());
    }

    [Theory]
    [InlineData("13800138000", 6, "013800138000")]
    [InlineData("13800138000", 10, "00000000013800138000")]
    [InlineData("860615754295917", 10, "00000860615754295917")]
    public void TryFromDigits_RegisteredNumber_LeftPadsToTheFieldWidth(string digits, int width, string expectedHex)
    {
        Assert.True(Jt808TerminalPhone.TryFromDigits(digits, width, out var phone));

        Assert.Equal(expectedHex, phone.ToHex());
        Assert.True(phone.Matches(digits));
    }

    [Theory]
    [InlineData("1380013800012", 6)]
    [InlineData("1380a", 6)]
    [InlineData("", 6)]
    public void TryFromDigits_TooLongOrNotDigits_Fails(string digits, int width)
    {
        Assert.False(Jt808TerminalPhone.TryFromDigits(digits, width, out _));
    }

    [Fact]
    public void TryWriteTo_LongPhoneInto2013Field_FailsRatherThanTruncating()
    {
        var phone = new Jt808TerminalPhone(Hex("00000866496077582164"));
        var field = new byte[Jt808TerminalPhone.Length2013];

        Assert.False(phone.TryWriteTo(field));
        Assert.True(new Jt808TerminalPhone(Hex("00000000013800138000")).TryWriteTo(field));
        Assert.Equal("013800138000", Convert.ToHexStringLower(field));
    }
}
