using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace HazChem.Transport.Telemetry.Jt808;

/// <summary>Header layout. 2011 and 2013 share one; the editions differ only in some bodies.</summary>
internal enum Jt808HeaderLayout
{
    /// <summary>2011/2013: 12 bytes (16 with subpackage fields), BCD[6] phone.</summary>
    V2013,

    /// <summary>2019: 17 bytes (21 with subpackage fields), protocol-version byte, BCD[10] phone.</summary>
    V2019,
}

/// <summary>A decoded message header (or, for <see cref="Jt808FrameWriter"/>, the header of a message to send).</summary>
internal readonly record struct Jt808Header
{
    /// <summary>Header length of the 2011/2013 layout without subpackage fields.</summary>
    public const int Length2013 = 12;

    /// <summary>Header length of the 2019 layout without subpackage fields.</summary>
    public const int Length2019 = 17;

    /// <summary>Maximum body length of one packet (10-bit length field).</summary>
    public const int MaxBodyLength = 0x3FF;

    private const int SubpackageFieldsLength = 4;
    private const ushort EncryptionMask = 0x1C00;
    private const ushort SubpackageBit = 0x2000;
    private const ushort VersionBit = 0x4000;

    public ushort MessageId { get; init; }

    public Jt808HeaderLayout Layout { get; init; }

    /// <summary>2019 protocol-version byte (devices send 1); 0 for the 2013 layout.</summary>
    public byte ProtocolVersion { get; init; }

    public Jt808TerminalPhone Phone { get; init; }

    /// <summary>The sender's message serial number (流水号).</summary>
    public ushort SerialNumber { get; init; }

    /// <summary>Body length declared in the body properties (bits 0–9).</summary>
    public int BodyLength { get; init; }

    /// <summary>Encryption bits 10–12: 0 plain, 1 RSA, others reserved.</summary>
    public int Encryption { get; init; }

    /// <summary>Body properties bit 13: the header carries package total and index.</summary>
    public bool IsSubpackage { get; init; }

    /// <summary>Body properties bit 14 as sent; some 2013-layout devices set it (see <see cref="DetectLayout"/>).</summary>
    public bool HasVersionFlag { get; init; }

    public ushort PackageTotal { get; init; }

    /// <summary>1-based package index.</summary>
    public ushort PackageIndex { get; init; }

    /// <summary>Length of this header in bytes.</summary>
    public int Length => GetLength(Layout, IsSubpackage);

    public static int GetLength(Jt808HeaderLayout layout, bool subpackage) =>
        (layout == Jt808HeaderLayout.V2019 ? Length2019 : Length2013) + (subpackage ? SubpackageFieldsLength : 0);

    /// <summary>
    /// Chooses the layout of an unescaped frame without its checksum byte. Bit 14 means 2019 unless the frame
    /// length fits the 2013 layout and not the 2019 one: real devices set bit 14 and still send a 6-byte phone.
    /// </summary>
    public static Jt808HeaderLayout DetectLayout(ReadOnlySpan<byte> frameWithoutChecksum)
    {
        if (frameWithoutChecksum.Length < 4)
        {
            return Jt808HeaderLayout.V2013;
        }

        var properties = BinaryPrimitives.ReadUInt16BigEndian(frameWithoutChecksum[2..]);
        if ((properties & VersionBit) == 0)
        {
            return Jt808HeaderLayout.V2013;
        }

        var subpackage = (properties & SubpackageBit) != 0;
        var bodyLength = properties & MaxBodyLength;
        var length = frameWithoutChecksum.Length;
        return length == GetLength(Jt808HeaderLayout.V2013, subpackage) + bodyLength
            && length != GetLength(Jt808HeaderLayout.V2019, subpackage) + bodyLength
                ? Jt808HeaderLayout.V2013
                : Jt808HeaderLayout.V2019;
    }

    /// <summary>Parses a header laid out as <paramref name="layout"/> from the start of <paramref name="data"/>.</summary>
    public static bool TryParse(
        ReadOnlySpan<byte> data,
        Jt808HeaderLayout layout,
        out Jt808Header header,
        [NotNullWhen(false)] out Jt808Error? error)
    {
        header = default;
        if (data.Length < 4)
        {
            error = new Jt808Error(
                Jt808ErrorKind.TruncatedHeader,
                FormattableString.Invariant($"frame has {data.Length} header bytes; message id and body properties alone need 4"),
                data.Length);
            return false;
        }

        var messageId = BinaryPrimitives.ReadUInt16BigEndian(data);
        var properties = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        var subpackage = (properties & SubpackageBit) != 0;
        var length = GetLength(layout, subpackage);
        if (data.Length < length)
        {
            error = new Jt808Error(
                Jt808ErrorKind.TruncatedHeader,
                FormattableString.Invariant(
                    $"header of message 0x{messageId:x4} ({layout} layout{(subpackage ? ", subpackaged" : string.Empty)}) needs {length} bytes, frame has {data.Length}"),
                data.Length);
            return false;
        }

        var offset = 4;
        byte protocolVersion = 0;
        var phoneLength = Jt808TerminalPhone.Length2013;
        if (layout == Jt808HeaderLayout.V2019)
        {
            protocolVersion = data[offset++];
            phoneLength = Jt808TerminalPhone.Length2019;
        }

        var phone = new Jt808TerminalPhone(data.Slice(offset, phoneLength));
        offset += phoneLength;
        var serial = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
        offset += 2;
        ushort total = 0, index = 0;
        if (subpackage)
        {
            total = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            index = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
        }

        header = new Jt808Header
        {
            MessageId = messageId,
            Layout = layout,
            ProtocolVersion = protocolVersion,
            Phone = phone,
            SerialNumber = serial,
            BodyLength = properties & MaxBodyLength,
            Encryption = (properties & EncryptionMask) >> 10,
            IsSubpackage = subpackage,
            HasVersionFlag = (properties & VersionBit) != 0,
            PackageTotal = total,
            PackageIndex = index,
        };
        error = null;
        return true;
    }

    /// <summary>
    /// Header of a platform message to the terminal that sent this one: same layout, protocol version and
    /// phone bytes (terminals expect replies in their own edition), a plain unsplit body.
    /// </summary>
    public Jt808Header ForReply(ushort messageId, ushort platformSerial) => new()
    {
        MessageId = messageId,
        Layout = Layout,
        ProtocolVersion = ProtocolVersion,
        Phone = Phone,
        SerialNumber = platformSerial,
        HasVersionFlag = Layout == Jt808HeaderLayout.V2019,
    };

    /// <summary>Writes the header of an outgoing plain, unsplit message with a body of <paramref name="bodyLength"/> bytes.</summary>
    internal int WriteOutgoing(Span<byte> destination, int bodyLength)
    {
        var properties = (ushort)(bodyLength | (Layout == Jt808HeaderLayout.V2019 ? VersionBit : 0));
        BinaryPrimitives.WriteUInt16BigEndian(destination, MessageId);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], properties);
        var offset = 4;
        var phoneLength = Jt808TerminalPhone.Length2013;
        if (Layout == Jt808HeaderLayout.V2019)
        {
            destination[offset++] = ProtocolVersion;
            phoneLength = Jt808TerminalPhone.Length2019;
        }

        if (!Phone.TryWriteTo(destination.Slice(offset, phoneLength)))
        {
            throw new InvalidOperationException(
                FormattableString.Invariant($"Terminal phone {Phone.ToHex()} does not fit the {phoneLength}-byte field of the {Layout} layout."));
        }

        offset += phoneLength;
        BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], SerialNumber);
        return offset + 2;
    }
}
