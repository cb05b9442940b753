using System.Buffers;
using System.IO.Pipelines;
using HazChem.Transport.Telemetry.Jt808;
using static HazChem.Transport.Telemetry.Tests.Jt808.Jt808TestSupport;

namespace HazChem.Transport.Telemetry.Tests.Jt808;

public sealed class Jt808FrameReaderTests
{
    private static byte[] GoodLocationFrame(ushort serial = 7) =>
        Frame(Header(Jt808MessageIds.LocationReport, serial: serial), LocationBody(itemsHex: "01040000006402020037"));

    /// <summary>Malformed frames by case name, with the error each must produce.</summary>
    public static TheoryData<string, string> MalformedCases => new()
    {
        { "bad checksum", nameof(Jt808ErrorKind.BadChecksum) },
        { "truncated header", nameof(Jt808ErrorKind.TruncatedHeader) },
        { "truncated subpackage header", nameof(Jt808ErrorKind.TruncatedHeader) },
        { "bad escape", nameof(Jt808ErrorKind.BadEscape) },
        { "dangling escape", nameof(Jt808ErrorKind.BadEscape) },
        { "body shorter than declared", nameof(Jt808ErrorKind.BodyLengthMismatch) },
        { "body longer than declared", nameof(Jt808ErrorKind.BodyLengthMismatch) },
    };

    [Theory]
    [MemberData(nameof(MalformedCases))]
    public void TryReadFrame_MalformedFrameThenGoodFrame_RejectsWithReasonAndDecodesGoodFrame(string name, string kind)
    {
        var good = GoodLocationFrame();
        var outcome = ReadAll([.. Malformed(name), .. good]);

        var error = Assert.Single(outcome.Errors);
        Assert.Equal(kind, error.Kind.ToString());
        Assert.False(string.IsNullOrWhiteSpace(error.Reason));
        var frame = Assert.Single(outcome.Frames);
        Assert.Equal(7, frame.Header.SerialNumber);
        Assert.IsType<Jt808LocationReport>(frame.Decode());
        Assert.Equal(0, outcome.Remaining);
    }

    [Fact]
    public void TryReadFrame_BadChecksum_ReasonNamesBothChecksums()
    {
        var frame = RawFrame(Hex("0002 0000 013800138000 0001"), checksumDelta: 0x01);

        var error = ReadAll(frame).SingleError();

        Assert.Equal(Jt808ErrorKind.BadChecksum, error.Kind);
        Assert.Contains("checksum", error.Reason, StringComparison.Ordinal);
        Assert.Equal(12, error.Offset);
    }

    [Fact]
    public void TryReadFrame_BadEscape_ReasonNamesTheWireOffset()
    {
        var error = ReadAll(Hex("7e 0200 7d03 7e")).SingleError();

        Assert.Equal(Jt808ErrorKind.BadEscape, error.Kind);
        Assert.Equal(3, error.Offset);
        Assert.Contains("0x7d followed by 0x03 at frame byte 3", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadFrame_BodyLengthMismatch_ReasonNamesDeclaredAndActualLengths()
    {
        var error = ReadAll(RawFrame(Hex("0200 0005 013800138000 0001 01020304"))).SingleError();

        Assert.Equal(Jt808ErrorKind.BodyLengthMismatch, error.Kind);
        Assert.Contains("declares a 5-byte body, the frame carries 4", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadFrame_GarbageBeforeAndBetweenFrames_SkipsItSilently()
    {
        var first = GoodLocationFrame(1);
        var second = GoodLocationFrame(2);

        var outcome = ReadAll([.. "$$junk"u8.ToArray(), .. first, .. "\r\nnoise"u8.ToArray(), .. second, 0x00, 0x01]);

        Assert.Empty(outcome.Errors);
        Assert.Equal([1, 2], outcome.Frames.Select(f => (int)f.Header.SerialNumber));
        Assert.Equal(0, outcome.Remaining);
    }

    [Fact]
    public void TryReadFrame_BackToBackFramesSharingNoFlag_DecodesBoth()
    {
        var outcome = ReadAll([.. GoodLocationFrame(1), .. GoodLocationFrame(2), .. GoodLocationFrame(3)]);

        Assert.Empty(outcome.Errors);
        Assert.Equal(3, outcome.Frames.Count);
    }

    [Fact]
    public void TryReadFrame_FrameWhoseEndFlagWasLost_CostsOnlyThatFrame()
    {
        var good = GoodLocationFrame(9);
        var truncated = good[..20]; // start flag and part of a frame, end flag lost

        var outcome = ReadAll([.. truncated, .. good]);

        Assert.Single(outcome.Errors);
        Assert.Equal(9, Assert.Single(outcome.Frames).Header.SerialNumber);
    }

    [Fact]
    public void TryReadFrame_PartialFrame_WaitsWithoutConsumingIt()
    {
        var good = GoodLocationFrame();
        var buffer = new ReadOnlySequence<byte>(good[..^5]);

        var status = Jt808FrameReader.TryReadFrame(ref buffer, new byte[Jt808FrameReader.MaxFrameLength], out _, out var error);

        Assert.Equal(Jt808ReadStatus.NeedMoreData, status);
        Assert.Null(error);
        Assert.Equal(good.Length - 5, buffer.Length);
    }

    [Fact]
    public void TryReadFrame_FrameAcrossSegmentsSplitInsideAnEscape_DecodesOnce()
    {
        // Serial 0x7e7d and a fuel item 0x7d7e force escapes; cut between 0x7d and its second byte.
        var frame = Frame(Header(Jt808MessageIds.LocationReport, serial: 0x7e7d), LocationBody(itemsHex: "0202 7d7e"));
        var escapeAt = Array.IndexOf(frame, Jt808FrameReader.EscapeByte);
        var sequence = SplitAt(frame, 3, escapeAt + 1, frame.Length - 1);

        var outcome = ReadAll(sequence);

        var decoded = outcome.SingleFrame();
        Assert.Equal(0x7e7d, decoded.Header.SerialNumber);
        Assert.Equal(0x7d7e / 10d, ((Jt808LocationReport)decoded.Decode()).Position.FuelLitres);
    }

    [Fact]
    public async Task TryReadFrame_FrameSplitAcrossTwoPipeWrites_DecodesWhenComplete()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var pipe = new Pipe(new PipeOptions(minimumSegmentSize: 16));
        var heartbeat = Frame(Header(Jt808MessageIds.Heartbeat, serial: 3), []);
        var location = GoodLocationFrame(4);
        byte[] stream = [.. heartbeat, .. location];
        var cut = heartbeat.Length + 17;
        var scratch = new byte[Jt808FrameReader.MaxFrameLength];
        var serials = new List<int>();

        await pipe.Writer.WriteAsync(stream.AsMemory(0, cut), cancellation);
        var result = await pipe.Reader.ReadAsync(cancellation);
        var buffer = result.Buffer;
        while (Jt808FrameReader.TryReadFrame(ref buffer, scratch, out var frame, out _) == Jt808ReadStatus.Frame)
        {
            serials.Add(frame.Header.SerialNumber);
        }

        Assert.Equal([3], serials);
        Assert.Equal(17, buffer.Length); // the partial location frame stays unconsumed
        pipe.Reader.AdvanceTo(buffer.Start, buffer.End);

        await pipe.Writer.WriteAsync(stream.AsMemory(cut), cancellation);
        result = await pipe.Reader.ReadAsync(cancellation);
        buffer = result.Buffer;
        while (Jt808FrameReader.TryReadFrame(ref buffer, scratch, out var frame, out _) == Jt808ReadStatus.Frame)
        {
            serials.Add(frame.Header.SerialNumber);
            Assert.IsType<Jt808LocationReport>(new DecodedFrame(frame.Header, frame.Body.ToArray()).Decode());
        }

        pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
        Assert.Equal([3, 4], serials);
        Assert.Equal(0, buffer.Length);
    }

    [Fact]
    public void TryReadFrame_StartFlagWithoutEndBeyondMaximum_DropsBytesAndRecovers()
    {
        var flood = new byte[Jt808FrameReader.MaxEscapedFrameLength + 10];
        flood.AsSpan().Fill(0x41);
        flood[0] = Jt808FrameReader.Flag;

        var outcome = ReadAll([.. flood, .. GoodLocationFrame(5)]);

        Assert.Equal(Jt808ErrorKind.FrameTooLong, Assert.Single(outcome.Errors).Kind);
        Assert.Equal(5, Assert.Single(outcome.Frames).Header.SerialNumber);
    }

    [Fact]
    public void TryReadFrame_StartFlagWithoutEndBelowMaximum_KeepsWaiting()
    {
        var partial = new byte[Jt808FrameReader.MaxEscapedFrameLength];
        partial.AsSpan().Fill(0x41);
        partial[0] = Jt808FrameReader.Flag;

        var outcome = ReadAll(partial);

        Assert.Empty(outcome.Errors);
        Assert.Equal(partial.Length, outcome.Remaining);
    }

    [Fact]
    public void TryReadFrame_VersionFlagOnA2013LayoutFrame_ReadsThe2013Header()
    {
        // Bit 14 set, but the frame length fits the 12-byte header (a real device quirk).
        var frame = RawFrame(Hex("0102 400c 010030000681 0902 313030333030303036383132"));

        var decoded = ReadAll(frame).SingleFrame();

        Assert.Equal(Jt808HeaderLayout.V2013, decoded.Header.Layout);
        Assert.True(decoded.Header.HasVersionFlag);
        Assert.Equal("10030000681", decoded.Header.Phone.ToString());
        Assert.Equal("100300006812", Assert.IsType<Jt808Authentication>(decoded.Decode()).AuthCode);
    }

    private static byte[] Malformed(string name) => name switch
    {
        "bad checksum" => RawFrame(Hex("0002 0000 013800138000 0001"), checksumDelta: 0x5a),
        "truncated header" => RawFrame(Hex("0200 0026 01380013")),
        "truncated subpackage header" => RawFrame(Hex("0801 2005 013800138000 0001")),
        "bad escape" => Hex("7e 0002 0000 013800138000 7d05 00 7e"),
        "dangling escape" => Hex("7e 0002 0000 013800138000 0001 7d 7e"),
        "body shorter than declared" => RawFrame(Hex("0200 0026 013800138000 0001 00000000")),
        "body longer than declared" => RawFrame(Hex("0002 0000 013800138000 0001 000000")),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
