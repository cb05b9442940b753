using System.Buffers;

namespace HazChem.Transport.Telemetry.Jt808;

/// <summary>
/// Encodes frames: header + body, XOR checksum, escaping (0x7E → 0x7D 0x02, 0x7D → 0x7D 0x01), then the
/// 0x7E flags. Works on a <see cref="Span{T}"/> or any <see cref="IBufferWriter{T}"/> such as a <c>PipeWriter</c>.
/// </summary>
internal static class Jt808FrameWriter
{
    /// <summary>Worst-case encoded size (every byte escaped) of a message with a body of <paramref name="bodyLength"/> bytes.</summary>
    public static int GetMaxEncodedLength(int bodyLength) => (2 * (Jt808Header.Length2019 + bodyLength + 1)) + 2;

    /// <summary>Writes one frame into <paramref name="writer"/>.</summary>
    public static int Write(IBufferWriter<byte> writer, in Jt808Header header, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var written = Write(writer.GetSpan(GetMaxEncodedLength(body.Length)), header, body);
        writer.Advance(written);
        return written;
    }

    /// <summary>
    /// Writes one frame; the body properties are derived (length, bit 14 for the 2019 layout, plain, unsplit).
    /// Returns the number of bytes written.
    /// </summary>
    public static int Write(Span<byte> destination, in Jt808Header header, ReadOnlySpan<byte> body)
    {
        if (body.Length > Jt808Header.MaxBodyLength)
        {
            throw new ArgumentException(
                FormattableString.Invariant($"Body of {body.Length} bytes exceeds {Jt808Header.MaxBodyLength}; outgoing subpackaging is not supported."),
                nameof(body));
        }

        Span<byte> unescaped = stackalloc byte[Jt808Header.Length2019 + Jt808Header.MaxBodyLength + 1];
        var length = header.WriteOutgoing(unescaped, body.Length);
        body.CopyTo(unescaped[length..]);
        length += body.Length;
        unescaped[length] = Jt808FrameReader.ComputeChecksum(unescaped[..length]);
        length++;

        if (destination.Length < GetEscapedLength(unescaped[..length]) + 2)
        {
            throw new ArgumentException("Destination is too small for the encoded frame.", nameof(destination));
        }

        destination[0] = Jt808FrameReader.Flag;
        var written = 1 + Escape(unescaped[..length], destination[1..]);
        destination[written++] = Jt808FrameReader.Flag;
        return written;
    }

    /// <summary>Escapes <paramref name="source"/> into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Escape(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var written = 0;
        while (!source.IsEmpty)
        {
            var special = source.IndexOfAny(Jt808FrameReader.Flag, Jt808FrameReader.EscapeByte);
            var run = special < 0 ? source.Length : special;
            source[..run].CopyTo(destination[written..]);
            written += run;
            if (special < 0)
            {
                break;
            }

            destination[written++] = Jt808FrameReader.EscapeByte;
            destination[written++] = source[special] == Jt808FrameReader.Flag ? (byte)0x02 : (byte)0x01;
            source = source[(special + 1)..];
        }

        return written;
    }

    /// <summary>Length of <paramref name="source"/> once escaped.</summary>
    public static int GetEscapedLength(ReadOnlySpan<byte> source) =>
        source.Length + source.Count(Jt808FrameReader.Flag) + source.Count(Jt808FrameReader.EscapeByte);
}
