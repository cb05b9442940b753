using HazChem.Transport.Simulator.Jt808;

namespace HazChem.Transport.Simulator.Tests;

public sealed class Jt808InboundTests
{
    [Fact]
    public void Feed_StreamWithJunkBackToBackFramesAndSplitRead_YieldsEachValidFrame()
    {
        // SmallChi's 0x8001 (ack of 0x0200 serial 100) and 0x8100 (auth code "123456") from JT808.md §3.1/§3.4.
        var ack = Convert.FromHexString("7E80010005012345678900000A006402000061" + "7E");
        var registration = Convert.FromHexString("7E81000009012345678900000A006400313233343536687E");
        var stream = "$$"u8.ToArray().Concat(ack).Concat(registration).ToArray();
        var splitter = new Jt808FrameSplitter();

        var first = splitter.Feed(stream.AsSpan(0, 20));
        var rest = splitter.Feed(stream.AsSpan(20));

        var frames = first.Concat(rest).ToList();
        Assert.Equal(2, frames.Count);
        Assert.True(Jt808FrameSplitter.TryParseGeneral(frames[0], out var general));
        Assert.Equal(new GeneralResponse(100, 0x0200, 0), general);
        Assert.True(Jt808FrameSplitter.TryParseRegistration(frames[1], out var reply));
        Assert.Equal(new RegistrationResponse(100, 0, "123456"), reply);
        Assert.Equal(0, splitter.Invalid);
    }

    [Fact]
    public void Feed_BadChecksumThenGoodFrame_SkipsTheBadOneAndResynchronises()
    {
        var bad = Convert.FromHexString("7E80010005012345678900000A006402000062" + "7E");
        var good = Jt808Encoder.Frame(Jt808MessageId.PlatformGeneralResponse, new Jt808TerminalIdentity("17299841738", Jt808Edition.V2019), 7, [0x00, 0x05, 0x01, 0x02, 0x00]);
        var splitter = new Jt808FrameSplitter();

        var frames = splitter.Feed(bad.Concat(good).ToArray());

        var frame = Assert.Single(frames);
        Assert.Equal(7, frame.Serial);
        Assert.True(Jt808FrameSplitter.TryParseGeneral(frame, out var general));
        Assert.Equal(new GeneralResponse(5, 0x0102, 0), general);
        Assert.Equal(1, splitter.Invalid);
    }

    [Fact]
    public void TryDecode_StrayEscapeByte_IsRejected()
    {
        Assert.False(Jt808FrameSplitter.TryDecode(Convert.FromHexString("02007D03"), out _));
    }

    [Fact]
    public void TryParseRegistration_RefusedTerminalNotInDatabase_HasResultAndNoCode()
    {
        var wire = Jt808Encoder.Frame(Jt808MessageId.RegistrationResponse, new Jt808TerminalIdentity("13800138000", Jt808Edition.V2013), 1, [0x00, 0x00, 0x04]);

        var frame = Assert.Single(new Jt808FrameSplitter().Feed(wire));

        Assert.True(Jt808FrameSplitter.TryParseRegistration(frame, out var reply));
        Assert.Equal(4, reply.Result);
        Assert.Equal("", reply.AuthCode);
    }
}
