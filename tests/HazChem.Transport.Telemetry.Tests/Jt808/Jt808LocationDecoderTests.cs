using System.Buffers.Binary;
using HazChem.Transport.Telemetry.Jt808;
using static HazChem.Transport.Telemetry.Tests.Jt808.Jt808TestSupport;

namespace HazChem.Transport.Telemetry.Tests.Jt808;

public sealed class Jt808LocationDecoderTests
{
    private static readonly Jt808TerminalProfile Tolerant = new() { TolerateBrokenAdditionalItems = true };

    private static Jt808Position Decode(byte[] body, Jt808TerminalProfile? profile = null)
    {
        Assert.True(Jt808LocationDecoder.TryDecode(body, profile ?? Jt808TerminalProfile.Default, out var position, out var error), error?.Reason);
        return position;
    }

    private static Jt808Error Reject(byte[] body, Jt808TerminalProfile? profile = null)
    {
        Assert.False(Jt808LocationDecoder.TryDecode(body, profile ?? Jt808TerminalProfile.Default, out var position, out var error), $"decoded {position}");
        return error;
    }

    [Fact]
    public void TryDecode_ShanghaiFix_NormalisesUnitsAndConvertsGmt8ToUtc()
    {
        var position = Decode(LocationBody(
            alarm: 1u << 23, status: 0x000c_0003, speed: 605, heading: 270, altitude: -5,
            timeBcd: "240315083000", itemsHex: "0104 0001e240 0202 01f4 0302 025d 3001 17 3101 0c 2b04 00140011"));

        Assert.Equal(new DateTime(2024, 3, 15, 0, 30, 0, DateTimeKind.Utc), position.FixTimeUtc);
        Assert.Equal(31.230416, position.Latitude, 6);
        Assert.Equal(121.473701, position.Longitude, 6);
        Assert.Equal(60.5, position.SpeedKmh, 6);
        Assert.Equal(270, position.HeadingDeg);
        Assert.Equal(-5, position.AltitudeM);
        Assert.True(position.IsValid);
        Assert.True(position.Alarms.HasFlag(Jt808AlarmBits.RouteDeviation));
        Assert.True(position.Status.HasFlag(Jt808StatusBits.BeidouUsed));
        Assert.Equal(12345.6, position.MileageKm);
        Assert.Equal(50.0, position.FuelLitres);
        Assert.Equal(60.5, position.RecorderSpeedKmh);
        Assert.Equal(23, position.SignalStrength);
        Assert.Equal(12, position.SatelliteCount);
        Assert.Equal(17, position.AnalogAd0);
        Assert.Equal(20, position.AnalogAd1);
    }

    [Fact]
    public void TryDecode_StatusBitPositionedClear_IsNotValid()
    {
        Assert.False(Decode(LocationBody(status: 0x0000_0001)).IsValid);
    }

    [Fact]
    public void TryDecode_SouthAndWestStatusBits_GiveNegativeDegrees()
    {
        var position = Decode(LocationBody(status: 0x0000_000e, latitude: 33_868_820, longitude: 151_209_296));

        Assert.Equal(-33.86882, position.Latitude, 6);
        Assert.Equal(-151.209296, position.Longitude, 6);
    }

    [Fact]
    public void TryDecode_TwosComplementCoordinates_GiveTheSameNegativeDegrees()
    {
        var position = Decode(LocationBody(status: 0x0000_000e, latitude: unchecked((uint)-12_222_222), longitude: unchecked((uint)-132_444_444)));

        Assert.Equal(-12.222222, position.Latitude, 6);
        Assert.Equal(-132.444444, position.Longitude, 6);
    }

    [Fact]
    public void TryDecode_TerminalClockInUtc_UsesTheProfileOffset()
    {
        var profile = new Jt808TerminalProfile { ClockUtcOffset = TimeSpan.Zero };

        var position = Decode(LocationBody(timeBcd: "240315083000"), profile);

        Assert.Equal(new DateTime(2024, 3, 15, 8, 30, 0, DateTimeKind.Utc), position.FixTimeUtc);
    }

    [Theory]
    [InlineData(15 * 60)]
    [InlineData(-15 * 60)]
    [InlineData(1)]
    public void ClockUtcOffset_OutsideTimeZoneBounds_FailsWhenTheProfileIsBuilt(int minutes)
    {
        var offset = minutes == 1 ? TimeSpan.FromSeconds(30) : TimeSpan.FromMinutes(minutes);

        Assert.Throws<ArgumentOutOfRangeException>(() => new Jt808TerminalProfile { ClockUtcOffset = offset });
    }

    [Fact]
    public void TryDecode_MidnightGmt8_FallsOnThePreviousUtcDay()
    {
        Assert.Equal(new DateTime(2023, 12, 31, 16, 0, 0, DateTimeKind.Utc), Decode(LocationBody(timeBcd: "240101000000")).FixTimeUtc);
    }

    [Theory]
    [InlineData("2403150830a0", 27)]
    [InlineData("24f315083000", 23)]
    [InlineData("ffffffffffff", 22)]
    public void TryDecode_NonBcdTime_IsRejectedNamingTheByte(string timeBcd, int offset)
    {
        var error = Reject(LocationBody(timeBcd: timeBcd));

        Assert.Equal(Jt808ErrorKind.InvalidBcd, error.Kind);
        Assert.Equal(offset, error.Offset);
        Assert.Contains($"body offset {offset}", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("241315083000")]
    [InlineData("240230083000")]
    [InlineData("230229083000")]
    [InlineData("240315243000")]
    [InlineData("240315086000")]
    [InlineData("000000000000")]
    public void TryDecode_ImpossibleTime_IsRejected(string timeBcd)
    {
        var error = Reject(LocationBody(timeBcd: timeBcd));

        Assert.Equal(Jt808ErrorKind.ImpossibleTime, error.Kind);
        Assert.Contains("not a valid date and time", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecode_LeapDay_IsAccepted()
    {
        Assert.Equal(new DateTime(2024, 2, 29, 4, 0, 0, DateTimeKind.Utc), Decode(LocationBody(timeBcd: "240229120000")).FixTimeUtc);
    }

    [Fact]
    public void TryDecode_BodyShorterThanBasicInfo_IsRejected()
    {
        var error = Reject(LocationBody()[..27]);

        Assert.Equal(Jt808ErrorKind.TruncatedBody, error.Kind);
        Assert.Contains("needs 28 bytes, body has 27", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecode_ItemOverrunningTheBody_IsRejectedNamingTheItem()
    {
        var error = Reject(LocationBody(itemsHex: "0104 00000064 3303 01"));

        Assert.Equal(Jt808ErrorKind.OverrunningItem, error.Kind);
        Assert.Equal(34, error.Offset);
        Assert.Equal("additional item 0x33 at body offset 34 claims 3 bytes, only 1 left", error.Reason);
    }

    [Fact]
    public void TryDecode_DanglingItemId_IsRejected()
    {
        var error = Reject(LocationBody(itemsHex: "3001 17 31"));

        Assert.Equal(Jt808ErrorKind.TruncatedBody, error.Kind);
        Assert.Contains("0x31 at body offset 31 has no length byte", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecode_OverrunWithTolerantProfile_KeepsBasicInfoAndEarlierItems()
    {
        var position = Decode(LocationBody(itemsHex: "0104 00000064 3303 01"), Tolerant);

        Assert.Equal(10.0, position.MileageKm);
        Assert.Single(position.AdditionalItems);
        Assert.Equal(Jt808ErrorKind.OverrunningItem, position.AdditionalItemsError?.Kind);
    }

    [Fact]
    public void TryDecode_UnknownAndNonStandardItems_AreKeptRaw()
    {
        var position = Decode(LocationBody(itemsHex: "e103 aabbcc 1100 0103 000064 6400"));

        Assert.Equal([0xe1, 0x11, 0x01, 0x64], position.AdditionalItems.Select(i => (int)i.Id));
        Assert.Equal("aabbcc", Convert.ToHexStringLower(position.AdditionalItems[0].Value.Span));
        Assert.False(position.AdditionalItems[0].HasNonStandardLength);
        Assert.True(position.AdditionalItems[1].HasNonStandardLength);
        Assert.True(position.AdditionalItems[2].HasNonStandardLength);
        Assert.Null(position.Overspeed);
        Assert.Null(position.MileageKm);
        Assert.Empty(position.AdditionalItems[3].Value.ToArray());
    }

    [Fact]
    public void TryDecode_AlarmDetailItems_AreTyped()
    {
        var position = Decode(LocationBody(itemsHex: "1105 02 00000009 1206 03 0000000a 01 1307 0000000b 0e10 01 0402 0007 0602 fff6"));

        Assert.Equal(new Jt808OverspeedInfo(2, 9u), position.Overspeed);
        Assert.Equal(new Jt808AreaRouteInfo(3, 10u, 1), position.AreaRoute);
        Assert.Equal(new Jt808RouteSectionTimeInfo(11u, 3600, 1), position.RouteSectionTime);
        Assert.Equal(7, position.AlarmEventId);
        Assert.Equal(-10, position.CompartmentTemperatureC);
    }

    [Fact]
    public void TryDecodeBatch_OneUndecodableItemAmongGood_KeepsTheGoodAndNamesTheBadOne()
    {
        var body = Batch(1, LocationBody(timeBcd: "240315083000"), LocationBody(timeBcd: "241315083000"), LocationBody(timeBcd: "240315083010"));

        Assert.True(Jt808LocationDecoder.TryDecodeBatch(body, Jt808TerminalProfile.Default, out var batch, out var error), error?.Reason);

        Assert.True(batch.IsBlindArea);
        Assert.Equal(3, batch.DeclaredCount);
        Assert.Equal(2, batch.Positions.Count);
        var rejected = Assert.Single(batch.RejectedItems);
        Assert.Equal(1, rejected.Index);
        Assert.Equal(Jt808ErrorKind.ImpossibleTime, rejected.Error.Kind);
        Assert.StartsWith("0x0704 item 1", rejected.Error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecodeBatch_ItemOverrunningTheBody_IsRejected()
    {
        var body = Batch(0, LocationBody(), LocationBody());
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(3 + 2 + 28), 40);

        Assert.False(Jt808LocationDecoder.TryDecodeBatch(body, Jt808TerminalProfile.Default, out _, out var error));
        Assert.Equal(Jt808ErrorKind.OverrunningItem, error.Kind);
        Assert.Equal("0x0704 item 1 at body offset 33 claims 40 bytes, only 28 left", error.Reason);

        Assert.True(Jt808LocationDecoder.TryDecodeBatch(body, Tolerant, out var batch, out error), error?.Reason);
        Assert.Single(batch.Positions);
        Assert.Equal(Jt808ErrorKind.OverrunningItem, batch.StructureError?.Kind);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    public void TryDecodeBatch_CountDisagreeingWithItems_IsRejected(int declaredCount)
    {
        var body = Batch(0, LocationBody(), LocationBody());
        BinaryPrimitives.WriteUInt16BigEndian(body, (ushort)declaredCount);

        Assert.False(Jt808LocationDecoder.TryDecodeBatch(body, Jt808TerminalProfile.Default, out _, out var error));

        Assert.Equal(Jt808ErrorKind.CountMismatch, error.Kind);
    }

    [Fact]
    public void TryDecode_LocationFrameWithBadItem_IsRejectedAtMessageLevelAfterAValidFrame()
    {
        var frame = ReadAll(Frame(Header(Jt808MessageIds.LocationReport), LocationBody(itemsHex: "01ff 00"))).SingleFrame();

        var error = frame.DecodeError();

        Assert.Equal(Jt808ErrorKind.OverrunningItem, error.Kind);
    }

    [Fact]
    public void TryDecodeRegistration_2013BodyWithAnElevenBytePlate_IsDetectedAs2013()
    {
        byte[] body = [.. Hex("001f 006e"), .. "cd123"u8, .. new byte[20], .. "7654321"u8, 0x01, .. Jt808Text.Gbk.GetBytes("测A12345678")];
        var frame = ReadAll(Frame(Header(Jt808MessageIds.Registration), body)).SingleFrame();

        var registration = Assert.IsType<Jt808Registration>(frame.Decode());

        Assert.Equal(Jt808RegistrationEdition.V2013, registration.Edition);
        Assert.Equal("测A12345678", registration.Plate);
        Assert.Equal("7654321", registration.TerminalId);
    }

    [Fact]
    public void TryDecodeRegistration_EditionOverride_WinsOverTheLengthRule()
    {
        // A 2011 body with a 12-byte plate is 37 bytes long, which the length rule would call 2013.
        byte[] body = [.. Hex("001f 006e"), .. "cd123"u8, .. "model-08"u8, .. "7654321"u8, 0x02, .. "LZYTBGCW0000"u8];
        var frame = ReadAll(Frame(Header(Jt808MessageIds.Registration), body)).SingleFrame();

        var registration = Assert.IsType<Jt808Registration>(frame.Decode(new Jt808TerminalProfile { RegistrationEdition = Jt808RegistrationEdition.V2011 }));

        Assert.Equal("model-08", registration.TerminalModel);
        Assert.Equal("LZYTBGCW0000", registration.Plate);
    }

    [Fact]
    public void TryDecodeRegistration_TooShort_IsRejected()
    {
        var frame = ReadAll(Frame(Header(Jt808MessageIds.Registration, Jt808HeaderLayout.V2019), new byte[40])).SingleFrame();

        var error = frame.DecodeError();

        Assert.Equal(Jt808ErrorKind.TruncatedBody, error.Kind);
        Assert.Contains("V2019", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecodeAuthentication_2019CodeLengthBeyondBody_IsRejected()
    {
        Assert.False(Jt808MessageDecoder.TryDecodeAuthentication(Hex("0b 3137323939"), Jt808HeaderLayout.V2019, out _, out var error));

        Assert.Equal(Jt808ErrorKind.TruncatedBody, error.Kind);
    }

    [Fact]
    public void TryDecode_EncryptedBody_IsRejected()
    {
        var frame = ReadAll(RawFrame(Hex("0200 0405 013800138000 0001 0102030405"))).SingleFrame();

        Assert.Equal(Jt808ErrorKind.EncryptedBody, frame.DecodeError().Kind);
    }

    private static byte[] Batch(byte type, params byte[][] items)
    {
        var body = new List<byte> { 0, (byte)items.Length, type };
        foreach (var item in items)
        {
            body.Add((byte)(item.Length >> 8));
            body.Add((byte)item.Length);
            body.AddRange(item);
        }

        return [.. body];
    }
}
