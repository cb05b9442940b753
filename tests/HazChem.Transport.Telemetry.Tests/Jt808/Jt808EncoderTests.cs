using System.Buffers;
using HazChem.Transport.Telemetry.Jt808;
using static HazChem.Transport.Telemetry.Tests.Jt808.Jt808TestSupport;

namespace HazChem.Transport.Telemetry.Tests.Jt808;

public sealed class Jt808EncoderTests
{
    // Theory arguments must be public types; the layouts travel by name.
    public static TheoryData<string> Layouts => [nameof(Jt808HeaderLayout.V2013), nameof(Jt808HeaderLayout.V2019)];

    [Fact]
    public void WriteGeneralResponse_AckOf2013Location_MatchesReferenceEncoderFrame()
    {
        // JT808.md §4: ACK of a 0x0200 (phone 112233445566, serial 0x22b8) with platform serial 1.
        var request = Header(Jt808MessageIds.LocationReport, phone: "112233445566", serial: 0x22b8);
        var writer = new ArrayBufferWriter<byte>();

        Jt808PlatformMessages.WriteGeneralResponse(writer, request, 1, Jt808ReplyResult.Success);

        Assert.Equal("7e80010005112233445566000122b80200006a7e", Convert.ToHexStringLower(writer.WrittenSpan));
    }

    [Fact]
    public void WriteGeneralResponse_AckOf2019Location_MatchesReferenceEncoderFrame()
    {
        var request = Header(Jt808MessageIds.LocationReport, Jt808HeaderLayout.V2019, phone: "17299841738", serial: 0);
        var writer = new ArrayBufferWriter<byte>();

        Jt808PlatformMessages.WriteGeneralResponse(writer, request, 1, Jt808ReplyResult.Success);

        Assert.Equal("7e80014005010000000001729984173800010000020000877e", Convert.ToHexStringLower(writer.WrittenSpan));
    }

    [Fact]
    public void WriteRegistrationResponse_2019Success_MatchesReferenceEncoderFrame()
    {
        var request = Header(Jt808MessageIds.Registration, Jt808HeaderLayout.V2019, phone: "17299841738", serial: 0);
        var writer = new ArrayBufferWriter<byte>();

        Jt808PlatformMessages.WriteRegistrationResponse(writer, request, 1, Jt808RegistrationResult.Success, "17299841738");

        Assert.Equal("7e8100400e010000000001729984173800010000003137323939383431373338bb7e", Convert.ToHexStringLower(writer.WrittenSpan));
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void WriteGeneralResponse_DecodedAgain_RoundTripsEveryField(string layoutName)
    {
        var layout = Enum.Parse<Jt808HeaderLayout>(layoutName);
        var request = Header(Jt808MessageIds.Authentication, layout, serial: 0x1234);
        var writer = new ArrayBufferWriter<byte>();
        Jt808PlatformMessages.WriteGeneralResponse(writer, request, 0xfffe, Jt808ReplyResult.Failure);

        var frame = ReadAll(writer.WrittenSpan.ToArray()).SingleFrame();

        Assert.Equal(Jt808MessageIds.PlatformGeneralResponse, frame.Header.MessageId);
        Assert.Equal(layout, frame.Header.Layout);
        Assert.Equal(layout == Jt808HeaderLayout.V2019, frame.Header.HasVersionFlag);
        Assert.Equal(request.ProtocolVersion, frame.Header.ProtocolVersion);
        Assert.Equal(request.Phone, frame.Header.Phone);
        Assert.Equal(request.Phone.ToHex(), frame.Header.Phone.ToHex());
        Assert.Equal(0xfffe, frame.Header.SerialNumber);
        var response = Assert.IsType<Jt808GeneralResponse>(frame.Decode());
        Assert.Equal(new Jt808GeneralResponse(0x1234, Jt808MessageIds.Authentication, (int)Jt808ReplyResult.Failure), response);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void WriteRegistrationResponse_SuccessDecodedAgain_CarriesTheAuthCode(string layoutName)
    {
        var layout = Enum.Parse<Jt808HeaderLayout>(layoutName);
        var request = Header(Jt808MessageIds.Registration, layout, serial: 77);
        var span = new byte[Jt808FrameWriter.GetMaxEncodedLength(64)];

        var written = Jt808PlatformMessages.WriteRegistrationResponse(span, request, 5, Jt808RegistrationResult.Success, "粤A12345-auth");

        var frame = ReadAll(span[..written]).SingleFrame();
        Assert.Equal(Jt808MessageIds.RegistrationResponse, frame.Header.MessageId);
        Assert.Equal(layout, frame.Header.Layout);
        Assert.Equal(new Jt808RegistrationResponse(77, 0, "粤A12345-auth"), frame.Decode());
    }

    [Fact]
    public void WriteRegistrationResponse_Refusal_HasNoAuthCode()
    {
        var request = Header(Jt808MessageIds.Registration, serial: 9);
        var writer = new ArrayBufferWriter<byte>();

        Jt808PlatformMessages.WriteRegistrationResponse(writer, request, 2, Jt808RegistrationResult.TerminalNotInDatabase, null);

        var frame = ReadAll(writer.WrittenSpan.ToArray()).SingleFrame();
        Assert.Equal(3, frame.Header.BodyLength);
        Assert.Equal(new Jt808RegistrationResponse(9, 4, null), frame.Decode());
    }

    [Fact]
    public void Write_BodyWithFlagAndEscapeBytes_EscapesThemAndRoundTrips()
    {
        byte[] body = [0x7e, 0x00, 0x7d, 0x7d, 0x7e, 0x7e, 0x01, 0x02, 0x7d];
        var header = Header(0x0900, serial: 0x7e7d);

        var encoded = Frame(header, body);

        Assert.Equal(Jt808FrameReader.Flag, encoded[0]);
        Assert.Equal(Jt808FrameReader.Flag, encoded[^1]);
        Assert.DoesNotContain(Jt808FrameReader.Flag, encoded[1..^1]);
        Assert.Contains("7d027d01", Convert.ToHexStringLower(encoded), StringComparison.Ordinal);
        var frame = ReadAll(encoded).SingleFrame();
        Assert.Equal(body, frame.Body);
        Assert.Equal(0x7e7d, frame.Header.SerialNumber);
    }

    [Fact]
    public void Write_ChecksumThatIsAFlagByte_EscapesTheChecksum()
    {
        // Vary the serial until the checksum itself is 0x7e.
        for (ushort serial = 0; serial < 256; serial++)
        {
            var encoded = Frame(Header(Jt808MessageIds.Heartbeat, serial: serial), []);
            if (encoded[^3] == 0x7d && encoded[^2] == 0x02)
            {
                Assert.Equal(serial, ReadAll(encoded).SingleFrame().Header.SerialNumber);
                return;
            }
        }

        Assert.Fail("no serial produced a 0x7e checksum");
    }

    [Fact]
    public void Escape_ThenUnescape_RestoresAllByteValues()
    {
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var escaped = new byte[2 * all.Length];
        var escapedLength = Jt808FrameWriter.Escape(all, escaped);
        var restored = new byte[all.Length];

        Assert.True(Jt808FrameReader.TryUnescape(escaped.AsSpan(0, escapedLength), restored, out var written, out var error), error?.Reason);

        Assert.Equal(all.Length + 2, escapedLength);
        Assert.Equal(all, restored[..written]);
    }

    [Fact]
    public void ForReply_Quirky2013DeviceWithVersionFlag_RepliesWithoutTheFlag()
    {
        var request = Header(Jt808MessageIds.Authentication) with { HasVersionFlag = true };
        var writer = new ArrayBufferWriter<byte>();

        Jt808PlatformMessages.WriteGeneralResponse(writer, request, 1, Jt808ReplyResult.Success);

        var frame = ReadAll(writer.WrittenSpan.ToArray()).SingleFrame();
        Assert.Equal(Jt808HeaderLayout.V2013, frame.Header.Layout);
        Assert.False(frame.Header.HasVersionFlag);
    }
}
