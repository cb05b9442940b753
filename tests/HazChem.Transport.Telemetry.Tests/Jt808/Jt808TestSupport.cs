using System.Buffers;
using HazChem.Transport.Telemetry.Jt808;

namespace HazChem.Transport.Telemetry.Tests.Jt808;

/// <summary>A frame as the tests keep it: header plus a copy of the body.</summary>
internal sealed record DecodedFrame(Jt808Header Header, byte[] Body)
{
    public Jt808Message Decode(Jt808TerminalProfile? profile = null)
    {
        var frame = new Jt808Frame(Header, Body);
        Assert.True(
            Jt808MessageDecoder.TryDecode(frame, profile ?? Jt808TerminalProfile.Default, out var message, out var error),
            $"decode failed: {error}");
        return message;
    }

    public Jt808Error DecodeError(Jt808TerminalProfile? profile = null)
    {
        var frame = new Jt808Frame(Header, Body);
        Assert.False(
            Jt808MessageDecoder.TryDecode(frame, profile ?? Jt808TerminalProfile.Default, out var message, out var error),
            $"expected a rejection, got {message}");
        return error;
    }
}

/// <summary>Everything a buffer yielded, in order.</summary>
internal sealed record ReadOutcome(IReadOnlyList<DecodedFrame> Frames, IReadOnlyList<Jt808Error> Errors, long Remaining)
{
    public DecodedFrame SingleFrame()
    {
        Assert.Empty(Errors);
        return Assert.Single(Frames);
    }

    public Jt808Error SingleError()
    {
        Assert.Empty(Frames);
        return Assert.Single(Errors);
    }
}

internal static class Jt808TestSupport
{
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    /// <summary>Runs the frame reader over <paramref name="buffer"/> until it needs more data.</summary>
    public static ReadOutcome ReadAll(ReadOnlySequence<byte> buffer, bool verifyChecksum = true)
    {
        var scratch = new byte[Jt808FrameReader.MaxFrameLength];
        var frames = new List<DecodedFrame>();
        var errors = new List<Jt808Error>();
        while (true)
        {
            var before = buffer.Length;
            var status = Jt808FrameReader.TryReadFrame(ref buffer, scratch, out var frame, out var error, verifyChecksum);
            if (status == Jt808ReadStatus.NeedMoreData)
            {
                return new ReadOutcome(frames, errors, buffer.Length);
            }

            Assert.True(buffer.Length < before, "the reader must consume at least one byte per frame or error");
            if (status == Jt808ReadStatus.Error)
            {
                Assert.NotNull(error);
                errors.Add(error);
            }
            else
            {
                Assert.Null(error);
                frames.Add(new DecodedFrame(frame.Header, frame.Body.ToArray()));
            }
        }
    }

    public static ReadOutcome ReadAll(byte[] bytes, bool verifyChecksum = true) =>
        ReadAll(new ReadOnlySequence<byte>(bytes), verifyChecksum);

    /// <summary>A sequence made of the given segments, as a PipeReader hands them over.</summary>
    public static ReadOnlySequence<byte> Segments(params byte[][] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        Segment? first = null, last = null;
        foreach (var part in parts)
        {
            last = last is null ? first = new Segment(part, 0) : last.Append(part);
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    /// <summary>Splits <paramref name="bytes"/> into segments at the given offsets.</summary>
    public static ReadOnlySequence<byte> SplitAt(byte[] bytes, params int[] cuts)
    {
        ArgumentNullException.ThrowIfNull(cuts);
        var parts = new List<byte[]>();
        var start = 0;
        foreach (var cut in cuts)
        {
            parts.Add(bytes[start..cut]);
            start = cut;
        }

        parts.Add(bytes[start..]);
        return Segments([.. parts]);
    }

    /// <summary>Encodes a message with the production writer.</summary>
    public static byte[] Frame(Jt808Header header, ReadOnlySpan<byte> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Jt808FrameWriter.Write(buffer, header, body);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Wraps arbitrary unescaped header+body bytes (even inconsistent ones) as a frame: checksum, escaping,
    /// flags. <paramref name="checksumDelta"/> corrupts the checksum.
    /// </summary>
    public static byte[] RawFrame(ReadOnlySpan<byte> headerAndBody, byte checksumDelta = 0)
    {
        var unescaped = new byte[headerAndBody.Length + 1];
        headerAndBody.CopyTo(unescaped);
        unescaped[^1] = (byte)(Jt808FrameReader.ComputeChecksum(headerAndBody) ^ checksumDelta);
        var escaped = new byte[(2 * unescaped.Length) + 2];
        escaped[0] = Jt808FrameReader.Flag;
        var length = 1 + Jt808FrameWriter.Escape(unescaped, escaped.AsSpan(1));
        escaped[length++] = Jt808FrameReader.Flag;
        return escaped[..length];
    }

    public static Jt808TerminalPhone Phone(string digits, Jt808HeaderLayout layout = Jt808HeaderLayout.V2013)
    {
        var width = layout == Jt808HeaderLayout.V2019 ? Jt808TerminalPhone.Length2019 : Jt808TerminalPhone.Length2013;
        Assert.True(Jt808TerminalPhone.TryFromDigits(digits, width, out var phone));
        return phone;
    }

    public static Jt808Header Header(
        ushort messageId,
        Jt808HeaderLayout layout = Jt808HeaderLayout.V2013,
        string phone = "13800138000",
        ushort serial = 1) => new()
        {
            MessageId = messageId,
            Layout = layout,
            ProtocolVersion = layout == Jt808HeaderLayout.V2019 ? (byte)1 : (byte)0,
            Phone = Phone(phone, layout),
            SerialNumber = serial,
        };

    /// <summary>A 0x0200 body: basic information (time as BCD hex) plus raw item bytes.</summary>
    public static byte[] LocationBody(
        uint alarm = 0,
        uint status = 0x0000_0003,
        uint latitude = 31_230_416,
        uint longitude = 121_473_701,
        short altitude = 12,
        ushort speed = 605,
        ushort heading = 270,
        string timeBcd = "240315083000",
        string itemsHex = "")
    {
        var body = new byte[Jt808LocationDecoder.BasicInfoLength];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(body, alarm);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(4), status);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(8), latitude);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(12), longitude);
        System.Buffers.Binary.BinaryPrimitives.WriteInt16BigEndian(body.AsSpan(16), altitude);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(18), speed);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(20), heading);
        Hex(timeBcd).CopyTo(body, 22);
        return [.. body, .. Hex(itemsHex)];
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
