using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace HazChem.Transport.Simulator.Jt808;

/// <summary>
/// Terminal-side JT/T 808 encoder (see ../shared/JT808.md): header + body, XOR checksum over the unescaped
/// bytes, then 0x7E/0x7D escaping, wrapped in 0x7E flags. Written for the simulator, independent of the
/// platform decoder in services/Telemetry, so each can check the other.
/// </summary>
internal static class Jt808Encoder
{
    /// <summary>The largest body of one packet (10-bit length field).</summary>
    public const int MaxBodyLength = 1023;

    private const byte Flag = 0x7E;
    private const byte Escape = 0x7D;
    private static readonly TimeSpan Gmt8 = TimeSpan.FromHours(8);

    /// <summary>GBK, the encoding of JT/T 808 STRING fields (plates such as 渝A12345).</summary>
    public static Encoding Gbk { get; } = GetGbk();

    /// <summary>A complete escaped frame: 0x7E header body checksum 0x7E.</summary>
    public static byte[] Frame(ushort messageId, Jt808TerminalIdentity terminal, ushort serial, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        if (body.Length > MaxBodyLength)
        {
            throw new ArgumentOutOfRangeException(nameof(body), body.Length, $"A JT/T 808 body is at most {MaxBodyLength} bytes; split it.");
        }

        var v2019 = terminal.Edition == Jt808Edition.V2019;
        var headerLength = v2019 ? 17 : 12;
        var plain = new byte[headerLength + body.Length + 1];
        BinaryPrimitives.WriteUInt16BigEndian(plain, messageId);
        BinaryPrimitives.WriteUInt16BigEndian(plain.AsSpan(2), (ushort)(body.Length | (v2019 ? 1 << 14 : 0)));
        if (v2019)
        {
            plain[4] = terminal.ProtocolVersion;
            WriteBcd(plain.AsSpan(5, 10), terminal.Phone);
        }
        else
        {
            WriteBcd(plain.AsSpan(4, 6), terminal.Phone);
        }

        BinaryPrimitives.WriteUInt16BigEndian(plain.AsSpan(headerLength - 2), serial);
        body.CopyTo(plain.AsSpan(headerLength));
        plain[^1] = Checksum(plain.AsSpan(0, plain.Length - 1));
        return Wrap(plain);
    }

    /// <summary>XOR of every byte.</summary>
    public static byte Checksum(ReadOnlySpan<byte> bytes)
    {
        byte x = 0;
        foreach (var b in bytes)
        {
            x ^= b;
        }

        return x;
    }

    /// <summary>Escapes 0x7E → 0x7D 0x02 and 0x7D → 0x7D 0x01 and adds the two flags.</summary>
    public static byte[] Wrap(ReadOnlySpan<byte> plain)
    {
        var extra = 0;
        foreach (var b in plain)
        {
            if (b is Flag or Escape)
            {
                extra++;
            }
        }

        var frame = new byte[plain.Length + extra + 2];
        var i = 0;
        frame[i++] = Flag;
        foreach (var b in plain)
        {
            if (b == Flag)
            {
                frame[i++] = Escape;
                frame[i++] = 0x02;
            }
            else if (b == Escape)
            {
                frame[i++] = Escape;
                frame[i++] = 0x01;
            }
            else
            {
                frame[i++] = b;
            }
        }

        frame[i] = Flag;
        return frame;
    }

    /// <summary>Writes <paramref name="digits"/> as BCD, left-padded with zeros to fill <paramref name="destination"/>.</summary>
    public static void WriteBcd(Span<byte> destination, string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        var width = destination.Length * 2;
        if (digits.Length > width || !digits.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"'{digits}' is not at most {width} decimal digits.", nameof(digits));
        }

        var padded = digits.PadLeft(width, '0');
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)(((padded[2 * i] - '0') << 4) | (padded[(2 * i) + 1] - '0'));
        }
    }

    /// <summary>The GMT+8 wall-clock time of <paramref name="time"/> as BCD[6] YYMMDDhhmmss.</summary>
    public static void WriteBcdTime(Span<byte> destination, DateTimeOffset time) =>
        WriteBcd(destination[..6], time.ToOffset(Gmt8).ToString("yyMMddHHmmss", CultureInfo.InvariantCulture));

    /// <summary>0x0200 body: 28 bytes of basic information, then items 0x01/0x02/0x03 when set.</summary>
    public static byte[] LocationBody(LocationFix fix)
    {
        ArgumentNullException.ThrowIfNull(fix);
        var length = 28 + (fix.MileageKm is null ? 0 : 6) + (fix.FuelLitres is null ? 0 : 4) + (fix.RecorderSpeedKmh is null ? 0 : 4);
        var body = new byte[length];
        var status = fix.StatusFlags | (fix.Lat < 0 ? Jt808Bits.StatusSouth : 0) | (fix.Lon < 0 ? Jt808Bits.StatusWest : 0);
        BinaryPrimitives.WriteUInt32BigEndian(body, fix.AlarmFlags);
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(4), status);
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(8), (uint)Math.Round(Math.Abs(fix.Lat) * 1e6));
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(12), (uint)Math.Round(Math.Abs(fix.Lon) * 1e6));
        BinaryPrimitives.WriteInt16BigEndian(body.AsSpan(16), (short)Math.Clamp(Math.Round(fix.AltitudeM), short.MinValue, short.MaxValue));
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(18), Tenths(fix.SpeedKmh));
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(20), (ushort)(((int)Math.Round(fix.HeadingDeg) % 360 + 360) % 360));
        WriteBcdTime(body.AsSpan(22, 6), fix.FixTime);
        var offset = 28;
        if (fix.MileageKm is { } mileage)
        {
            body[offset] = 0x01;
            body[offset + 1] = 4;
            BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(offset + 2), (uint)Math.Round(Math.Max(0, mileage) * 10));
            offset += 6;
        }

        if (fix.FuelLitres is { } fuel)
        {
            body[offset] = 0x02;
            body[offset + 1] = 2;
            BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(offset + 2), Tenths(fuel));
            offset += 4;
        }

        if (fix.RecorderSpeedKmh is { } recorder)
        {
            body[offset] = 0x03;
            body[offset + 1] = 2;
            BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(offset + 2), Tenths(recorder));
        }

        return body;
    }

    /// <summary>0x0704 body: count, type (0 normal, 1 blind-area back-fill), then each 0x0200 body with its length.</summary>
    public static byte[] BatchBody(IReadOnlyList<LocationFix> fixes, bool blindArea)
    {
        ArgumentNullException.ThrowIfNull(fixes);
        var items = fixes.Select(LocationBody).ToList();
        var body = new byte[3 + items.Sum(i => 2 + i.Length)];
        BinaryPrimitives.WriteUInt16BigEndian(body, (ushort)items.Count);
        body[2] = blindArea ? (byte)1 : (byte)0;
        var offset = 3;
        foreach (var item in items)
        {
            BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(offset), (ushort)item.Length);
            item.CopyTo(body, offset + 2);
            offset += 2 + item.Length;
        }

        return body;
    }

    /// <summary>Splits fixes into 0x0704 batches whose bodies fit one packet.</summary>
    public static IEnumerable<IReadOnlyList<LocationFix>> SplitForBatches(IReadOnlyList<LocationFix> fixes)
    {
        ArgumentNullException.ThrowIfNull(fixes);
        var current = new List<LocationFix>();
        var size = 3;
        foreach (var fix in fixes)
        {
            var itemSize = 2 + LocationBody(fix).Length;
            if (current.Count > 0 && size + itemSize > MaxBodyLength)
            {
                yield return current;
                current = [];
                size = 3;
            }

            current.Add(fix);
            size += itemSize;
        }

        if (current.Count > 0)
        {
            yield return current;
        }
    }

    /// <summary>
    /// 0x0100 body in the terminal's edition: province, city/county, manufacturer, model, terminal ID
    /// (0x00-padded), plate colour (2 = yellow, as on trucks) and the GBK plate.
    /// </summary>
    public static byte[] RegistrationBody(Jt808TerminalIdentity terminal, string plate, ushort province = 50, ushort city = 100)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        ArgumentNullException.ThrowIfNull(plate);
        var (manufacturerLength, modelLength, idLength) = terminal.Edition == Jt808Edition.V2019 ? (11, 30, 30) : (5, 20, 7);
        var plateBytes = Gbk.GetBytes(plate);
        var body = new byte[4 + manufacturerLength + modelLength + idLength + 1 + plateBytes.Length];
        BinaryPrimitives.WriteUInt16BigEndian(body, province);
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(2), city);
        var offset = 4;
        offset += Padded(body.AsSpan(offset, manufacturerLength), "HZSIM");
        offset += Padded(body.AsSpan(offset, modelLength), "HZ-T808");
        var id = terminal.Phone.Length > idLength ? terminal.Phone[^idLength..] : terminal.Phone;
        offset += Padded(body.AsSpan(offset, idLength), id);
        body[offset++] = 2;
        plateBytes.CopyTo(body, offset);
        return body;
    }

    /// <summary>0x0102 body: the code alone (2011/2013), or length, code, IMEI[15] and software version[20] (2019).</summary>
    public static byte[] AuthenticationBody(Jt808TerminalIdentity terminal, string authCode)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        ArgumentNullException.ThrowIfNull(authCode);
        var code = Gbk.GetBytes(authCode);
        if (terminal.Edition != Jt808Edition.V2019)
        {
            return code;
        }

        if (code.Length > byte.MaxValue)
        {
            throw new ArgumentException("A 2019 authentication code is at most 255 bytes.", nameof(authCode));
        }

        var body = new byte[1 + code.Length + 15 + 20];
        body[0] = (byte)code.Length;
        code.CopyTo(body, 1);
        Padded(body.AsSpan(1 + code.Length, 15), ("86" + terminal.Phone).PadLeft(15, '0')[^15..]);
        Padded(body.AsSpan(1 + code.Length + 15, 20), "HZSIM-1.0");
        return body;
    }

    private static ushort Tenths(double value) => (ushort)Math.Clamp(Math.Round(value * 10), 0, ushort.MaxValue);

    private static int Padded(Span<byte> destination, string ascii)
    {
        destination.Clear();
        Encoding.ASCII.GetBytes(ascii.AsSpan(0, Math.Min(ascii.Length, destination.Length)), destination);
        return destination.Length;
    }

    private static Encoding GetGbk()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(936);
    }
}
