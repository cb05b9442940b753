using System.Buffers.Binary;

namespace HazChem.Transport.Simulator.Jt808;

/// <summary>A decoded frame from the platform.</summary>
internal sealed record PlatformFrame(ushort MessageId, ushort Serial, byte[] Body);

/// <summary>0x8001: the platform's answer to one terminal message.</summary>
internal readonly record struct GeneralResponse(ushort ReplySerial, ushort ReplyMessageId, byte Result);

/// <summary>0x8100: the answer to a registration; the auth code only when <see cref="Result"/> is 0.</summary>
internal readonly record struct RegistrationResponse(ushort ReplySerial, byte Result, string AuthCode);

/// <summary>
/// The simulator's reader of platform frames: splits a TCP byte stream on 0x7E, unescapes, checks the
/// XOR checksum and the length, and parses the header (bit 14 → 2019 layout). Invalid candidates are
/// counted and skipped; reading resynchronises on the next flag.
/// </summary>
internal sealed class Jt808FrameSplitter
{
    private readonly List<byte> _pending = new(256);
    private bool _inFrame;

    /// <summary>Frames that failed their checksum, length or escaping.</summary>
    public int Invalid { get; private set; }

    /// <summary>Feeds bytes read from the socket; returns the complete, valid frames among them.</summary>
    public IReadOnlyList<PlatformFrame> Feed(ReadOnlySpan<byte> bytes)
    {
        List<PlatformFrame>? frames = null;
        foreach (var b in bytes)
        {
            if (b == 0x7E)
            {
                if (_inFrame && _pending.Count > 0)
                {
                    if (TryDecode(_pending.ToArray(), out var frame))
                    {
                        (frames ??= []).Add(frame);
                    }
                    else
                    {
                        Invalid++;
                    }

                    _pending.Clear();
                }

                // A flag both ends one frame and may start the next (…7E 7E…); an empty candidate is a start flag.
                _inFrame = true;
                continue;
            }

            if (_inFrame)
            {
                _pending.Add(b);
            }
        }

        return (IReadOnlyList<PlatformFrame>?)frames ?? [];
    }

    /// <summary>Decodes the content between two flags (still escaped).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> escaped, out PlatformFrame frame)
    {
        frame = null!;
        var plain = new byte[escaped.Length];
        var n = 0;
        for (var i = 0; i < escaped.Length; i++)
        {
            if (escaped[i] != 0x7D)
            {
                plain[n++] = escaped[i];
                continue;
            }

            if (i + 1 >= escaped.Length || escaped[i + 1] is not (0x01 or 0x02))
            {
                return false;
            }

            plain[n++] = escaped[++i] == 0x01 ? (byte)0x7D : (byte)0x7E;
        }

        if (n < 13 || Jt808Encoder.Checksum(plain.AsSpan(0, n - 1)) != plain[n - 1])
        {
            return false;
        }

        var properties = BinaryPrimitives.ReadUInt16BigEndian(plain.AsSpan(2));
        var bodyLength = properties & 0x3FF;
        var subpackage = (properties & (1 << 13)) != 0;
        var headerLength = ((properties & (1 << 14)) != 0 ? 17 : 12) + (subpackage ? 4 : 0);
        if (headerLength + bodyLength + 1 != n)
        {
            // The 2013-with-bit14 quirk of some devices (JT808.md §2.4): accept the 2013 layout when it fits.
            headerLength = 12 + (subpackage ? 4 : 0);
            if (headerLength + bodyLength + 1 != n)
            {
                return false;
            }
        }

        var serial = BinaryPrimitives.ReadUInt16BigEndian(plain.AsSpan(headerLength - (subpackage ? 6 : 2)));
        frame = new PlatformFrame(BinaryPrimitives.ReadUInt16BigEndian(plain), serial, plain.AsSpan(headerLength, bodyLength).ToArray());
        return true;
    }

    /// <summary>Parses a 0x8001 body.</summary>
    public static bool TryParseGeneral(PlatformFrame frame, out GeneralResponse response)
    {
        ArgumentNullException.ThrowIfNull(frame);
        response = default;
        if (frame.MessageId != Jt808MessageId.PlatformGeneralResponse || frame.Body.Length < 5)
        {
            return false;
        }

        response = new GeneralResponse(
            BinaryPrimitives.ReadUInt16BigEndian(frame.Body), BinaryPrimitives.ReadUInt16BigEndian(frame.Body.AsSpan(2)), frame.Body[4]);
        return true;
    }

    /// <summary>Parses a 0x8100 body.</summary>
    public static bool TryParseRegistration(PlatformFrame frame, out RegistrationResponse response)
    {
        ArgumentNullException.ThrowIfNull(frame);
        response = default;
        if (frame.MessageId != Jt808MessageId.RegistrationResponse || frame.Body.Length < 3)
        {
            return false;
        }

        var code = frame.Body[2] == 0 ? Jt808Encoder.Gbk.GetString(frame.Body, 3, frame.Body.Length - 3).TrimEnd('\0') : "";
        response = new RegistrationResponse(BinaryPrimitives.ReadUInt16BigEndian(frame.Body), frame.Body[2], code);
        return true;
    }
}
