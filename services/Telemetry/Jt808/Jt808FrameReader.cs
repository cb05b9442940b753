using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace HazChem.Transport.Telemetry.Jt808;

/// <summary>Outcome of <see cref="Jt808FrameReader.TryReadFrame"/>.</summary>
internal enum Jt808ReadStatus
{
    /// <summary>No complete frame in the buffer: wait for more bytes.</summary>
    NeedMoreData,

    /// <summary>A frame was read, unescaped and verified.</summary>
    Frame,

    /// <summary>A candidate frame was rejected; the error says why. Call again for the next frame.</summary>
    Error,
}

/// <summary>A verified frame: its header and its unescaped body.</summary>
/// <remarks><see cref="Body"/> lives in the scratch buffer passed to the reader and is valid until that buffer is reused.</remarks>
internal readonly struct Jt808Frame(Jt808Header header, ReadOnlyMemory<byte> body)
{
    public Jt808Header Header { get; } = header;

    public ReadOnlyMemory<byte> Body { get; } = body;
}

/// <summary>
/// Splits a TCP byte stream into JT/T 808 frames: <c>0x7E | header | body | checksum | 0x7E</c>, escaped
/// (0x7D 0x02 → 0x7E, 0x7D 0x01 → 0x7D), with an XOR checksum over the unescaped header and body.
/// </summary>
/// <remarks>
/// Built for a <c>PipeReader</c> loop, one scratch buffer per connection (or rented per read):
/// <code>
/// var buffer = result.Buffer;
/// while (true)
/// {
///     var status = Jt808FrameReader.TryReadFrame(ref buffer, scratch, out var frame, out var error);
///     if (status == Jt808ReadStatus.NeedMoreData) break;
///     if (status == Jt808ReadStatus.Error) { log error; continue; }
///     handle frame;
/// }
/// reader.AdvanceTo(buffer.Start, buffer.End); // consumed, examined
/// </code>
/// Bytes before a start flag are skipped. After a valid frame its end flag is consumed; after a rejected one
/// the closing 0x7E is kept as the possible start of the next frame, so a lost end flag costs one frame, not two.
/// Bytes without an end flag are held for at most <see cref="MaxEscapedFrameLength"/> bytes, then dropped.
/// </remarks>
internal static class Jt808FrameReader
{
    public const byte Flag = 0x7E;
    public const byte EscapeByte = 0x7D;

    /// <summary>Longest valid unescaped frame (2019 subpackage header + 1023-byte body + checksum): the scratch size.</summary>
    public const int MaxFrameLength = Jt808Header.Length2019 + 4 + Jt808Header.MaxBodyLength + 1;

    /// <summary>Longest valid escaped frame between its two flags.</summary>
    public const int MaxEscapedFrameLength = 2 * MaxFrameLength;

    /// <summary>Header (smallest layout) plus checksum.</summary>
    private const int MinFrameLength = Jt808Header.Length2013 + 1;

    /// <summary>
    /// Reads the next frame from <paramref name="buffer"/> and slices the buffer past what was consumed.
    /// <paramref name="error"/> is set exactly when the result is <see cref="Jt808ReadStatus.Error"/>.
    /// </summary>
    /// <param name="buffer">Unconsumed input; on return it starts at the first byte not consumed.</param>
    /// <param name="scratch">At least <see cref="MaxFrameLength"/> bytes; receives the unescaped frame.</param>
    /// <param name="frame">The frame when the result is <see cref="Jt808ReadStatus.Frame"/>.</param>
    /// <param name="error">Why the candidate frame was rejected.</param>
    /// <param name="verifyChecksum">False only to analyse captures whose checksum is known to be wrong.</param>
    public static Jt808ReadStatus TryReadFrame(
        ref ReadOnlySequence<byte> buffer,
        Memory<byte> scratch,
        out Jt808Frame frame,
        out Jt808Error? error,
        bool verifyChecksum = true)
    {
        if (scratch.Length < MaxFrameLength)
        {
            throw new ArgumentException(
                FormattableString.Invariant($"Scratch buffer needs {MaxFrameLength} bytes."), nameof(scratch));
        }

        frame = default;
        error = null;
        while (true)
        {
            var start = buffer.PositionOf(Flag);
            if (start is null)
            {
                buffer = buffer.Slice(buffer.End);
                return Jt808ReadStatus.NeedMoreData;
            }

            buffer = buffer.Slice(start.Value);
            var afterStart = buffer.Slice(1);
            var end = afterStart.PositionOf(Flag);
            if (end is null)
            {
                if (afterStart.Length <= MaxEscapedFrameLength)
                {
                    return Jt808ReadStatus.NeedMoreData;
                }

                error = new Jt808Error(
                    Jt808ErrorKind.FrameTooLong,
                    FormattableString.Invariant(
                        $"no end flag within {afterStart.Length} bytes after a start flag (a frame has at most {MaxEscapedFrameLength}); bytes dropped up to the next 0x7e"),
                    -1);
                buffer = afterStart;
                return Jt808ReadStatus.Error;
            }

            var content = afterStart.Slice(0, end.Value);
            var atEndFlag = afterStart.Slice(end.Value);
            if (content.IsEmpty)
            {
                // 0x7E 0x7E: the first was an end flag (or noise); the second may start a frame.
                buffer = afterStart;
                continue;
            }

            if (content.Length > MaxEscapedFrameLength)
            {
                error = new Jt808Error(
                    Jt808ErrorKind.FrameTooLong,
                    FormattableString.Invariant($"{content.Length} bytes between two 0x7e flags; a frame has at most {MaxEscapedFrameLength}"),
                    -1);
                buffer = atEndFlag;
                return Jt808ReadStatus.Error;
            }

            var unescaped = scratch.Span;
            if (!TryUnescape(content, unescaped, out var length, out error)
                || !TryDecodeUnescaped(unescaped[..length], out var header, out error, verifyChecksum))
            {
                buffer = atEndFlag;
                return Jt808ReadStatus.Error;
            }

            frame = new Jt808Frame(header, scratch.Slice(header.Length, header.BodyLength));
            buffer = atEndFlag.Slice(1);
            return Jt808ReadStatus.Frame;
        }
    }

    /// <summary>
    /// Verifies an unescaped frame (header, body, checksum; no flags) and parses its header. The body is
    /// <c>frame[header.Length..^1]</c>.
    /// </summary>
    public static bool TryDecodeUnescaped(
        ReadOnlySpan<byte> frame,
        out Jt808Header header,
        [NotNullWhen(false)] out Jt808Error? error,
        bool verifyChecksum = true)
    {
        header = default;
        if (frame.Length < MinFrameLength)
        {
            error = new Jt808Error(
                Jt808ErrorKind.TruncatedHeader,
                FormattableString.Invariant(
                    $"frame has {frame.Length} bytes after unescaping; the shortest header is {Jt808Header.Length2013} bytes plus 1 checksum byte"),
                frame.Length);
            return false;
        }

        var withoutChecksum = frame[..^1];
        if (verifyChecksum)
        {
            var computed = ComputeChecksum(withoutChecksum);
            if (computed != frame[^1])
            {
                error = new Jt808Error(
                    Jt808ErrorKind.BadChecksum,
                    FormattableString.Invariant(
                        $"checksum byte (unescaped offset {frame.Length - 1}) is 0x{frame[^1]:x2}, XOR of the {withoutChecksum.Length} header and body bytes is 0x{computed:x2}"),
                    frame.Length - 1);
                return false;
            }
        }

        var layout = Jt808Header.DetectLayout(withoutChecksum);
        if (!Jt808Header.TryParse(withoutChecksum, layout, out header, out error))
        {
            return false;
        }

        var actualBodyLength = withoutChecksum.Length - header.Length;
        if (actualBodyLength != header.BodyLength)
        {
            error = new Jt808Error(
                Jt808ErrorKind.BodyLengthMismatch,
                FormattableString.Invariant(
                    $"message 0x{header.MessageId:x4}: header declares a {header.BodyLength}-byte body, the frame carries {actualBodyLength} body bytes after the {header.Length}-byte {header.Layout} header"),
                header.Length);
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Unescapes the bytes between two flags into <paramref name="destination"/>.</summary>
    public static bool TryUnescape(
        in ReadOnlySequence<byte> escaped,
        Span<byte> destination,
        out int written,
        [NotNullWhen(false)] out Jt808Error? error)
    {
        if (escaped.IsSingleSegment)
        {
            return TryUnescape(escaped.FirstSpan, destination, out written, out error);
        }

        written = 0;
        var pendingEscape = false;
        var segmentOffset = 0;
        foreach (var segment in escaped)
        {
            if (!UnescapeSegment(segment.Span, destination, segmentOffset, ref written, ref pendingEscape, out error))
            {
                return false;
            }

            segmentOffset += segment.Length;
        }

        return CheckNoDanglingEscape(pendingEscape, segmentOffset, out error);
    }

    /// <summary>Unescapes the bytes between two flags into <paramref name="destination"/>.</summary>
    public static bool TryUnescape(
        ReadOnlySpan<byte> escaped,
        Span<byte> destination,
        out int written,
        [NotNullWhen(false)] out Jt808Error? error)
    {
        written = 0;
        var pendingEscape = false;
        return UnescapeSegment(escaped, destination, 0, ref written, ref pendingEscape, out error)
            && CheckNoDanglingEscape(pendingEscape, escaped.Length, out error);
    }

    /// <summary>XOR of all bytes.</summary>
    public static byte ComputeChecksum(ReadOnlySpan<byte> data)
    {
        ulong wide = 0;
        var i = 0;
        for (; i + sizeof(ulong) <= data.Length; i += sizeof(ulong))
        {
            wide ^= BinaryPrimitives.ReadUInt64LittleEndian(data[i..]);
        }

        wide ^= wide >> 32;
        wide ^= wide >> 16;
        wide ^= wide >> 8;
        var checksum = (byte)wide;
        for (; i < data.Length; i++)
        {
            checksum ^= data[i];
        }

        return checksum;
    }

    private static bool UnescapeSegment(
        ReadOnlySpan<byte> segment,
        Span<byte> destination,
        int segmentOffset,
        ref int written,
        ref bool pendingEscape,
        [NotNullWhen(false)] out Jt808Error? error)
    {
        var i = 0;
        if (pendingEscape && !segment.IsEmpty)
        {
            // An escape split across two segments: its 0x7D was the last byte of the previous one.
            if (!TryAppendEscaped(segment[0], segmentOffset - 1, destination, ref written, out error))
            {
                return false;
            }

            pendingEscape = false;
            i = 1;
        }

        while (i < segment.Length)
        {
            var rest = segment[i..];
            var escapeAt = rest.IndexOf(EscapeByte);
            var run = escapeAt < 0 ? rest.Length : escapeAt;
            if (run > destination.Length - written)
            {
                error = TooLong(destination.Length);
                return false;
            }

            rest[..run].CopyTo(destination[written..]);
            written += run;
            i += run;
            if (escapeAt < 0)
            {
                break;
            }

            if (i + 1 == segment.Length)
            {
                pendingEscape = true;
                break;
            }

            if (!TryAppendEscaped(segment[i + 1], segmentOffset + i, destination, ref written, out error))
            {
                return false;
            }

            i += 2;
        }

        error = null;
        return true;
    }

    private static bool TryAppendEscaped(
        byte second,
        int escapeOffset,
        Span<byte> destination,
        ref int written,
        [NotNullWhen(false)] out Jt808Error? error)
    {
        byte value;
        switch (second)
        {
            case 0x02:
                value = Flag;
                break;
            case 0x01:
                value = EscapeByte;
                break;
            default:
                // Wire offsets count the start flag as byte 0.
                error = new Jt808Error(
                    Jt808ErrorKind.BadEscape,
                    FormattableString.Invariant(
                        $"0x7d followed by 0x{second:x2} at frame byte {escapeOffset + 1} (start flag = byte 0); only 0x7d 0x01 and 0x7d 0x02 are escapes"),
                    escapeOffset + 1);
                return false;
        }

        if (written >= destination.Length)
        {
            error = TooLong(destination.Length);
            return false;
        }

        destination[written++] = value;
        error = null;
        return true;
    }

    private static bool CheckNoDanglingEscape(bool pendingEscape, int escapedLength, [NotNullWhen(false)] out Jt808Error? error)
    {
        if (pendingEscape)
        {
            error = new Jt808Error(
                Jt808ErrorKind.BadEscape,
                FormattableString.Invariant(
                    $"0x7d at frame byte {escapedLength} is the last byte before the end flag; an escape needs 0x01 or 0x02 after it"),
                escapedLength);
            return false;
        }

        error = null;
        return true;
    }

    private static Jt808Error TooLong(int limit) => new(
        Jt808ErrorKind.FrameTooLong,
        FormattableString.Invariant($"frame unescapes to more than {limit} bytes; a frame has at most {MaxFrameLength}"),
        -1);
}
