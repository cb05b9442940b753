using System.Buffers.Binary;

namespace HazChem.Transport.Simulator.Tests;

/// <summary>
/// A deliberately small, separate platform-side reading of a frame for checking the simulator's encoder:
/// flags, unescaping (rejecting stray 0x7D), XOR checksum, header layout by bit 14, 0x0200 basic fields.
/// </summary>
internal static class TestDecoder
{
    public sealed record Frame(ushort MessageId, int BodyLength, bool Is2019, byte Version, string PhoneDigits, ushort Serial, byte[] Body);

    public sealed record Location(uint Alarm, uint Status, double Lat, double Lon, short Altitude, double SpeedKmh, int Heading, string BcdTime, Dictionary<byte, byte[]> Items);

    public static Frame Decode(byte[] wire)
    {
        Assert.Equal(0x7E, wire[0]);
        Assert.Equal(0x7E, wire[^1]);
        var plain = new List<byte>();
        for (var i = 1; i < wire.Length - 1; i++)
        {
            Assert.NotEqual(0x7E, wire[i]);
            if (wire[i] == 0x7D)
            {
                i++;
                plain.Add(wire[i] switch
                {
                    0x01 => 0x7D,
                    0x02 => 0x7E,
                    _ => throw new InvalidDataException($"bad escape 7D {wire[i]:X2}"),
                });
            }
            else
            {
                plain.Add(wire[i]);
            }
        }

        var bytes = plain.ToArray();
        byte xor = 0;
        foreach (var b in bytes.AsSpan(0, bytes.Length - 1))
        {
            xor ^= b;
        }

        Assert.Equal(xor, bytes[^1]);
        var properties = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(2));
        var is2019 = (properties & 0x4000) != 0;
        var bodyLength = properties & 0x3FF;
        var header = is2019 ? 17 : 12;
        Assert.Equal(header + bodyLength + 1, bytes.Length);
        var phone = Convert.ToHexString(bytes, is2019 ? 5 : 4, is2019 ? 10 : 6);
        return new Frame(
            BinaryPrimitives.ReadUInt16BigEndian(bytes),
            bodyLength,
            is2019,
            is2019 ? bytes[4] : (byte)0,
            phone,
            BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(header - 2)),
            bytes.AsSpan(header, bodyLength).ToArray());
    }

    public static Location ReadLocation(ReadOnlySpan<byte> body)
    {
        var items = new Dictionary<byte, byte[]>();
        for (var i = 28; i < body.Length;)
        {
            var id = body[i];
            var length = body[i + 1];
            items[id] = body.Slice(i + 2, length).ToArray();
            i += 2 + length;
        }

        return new Location(
            BinaryPrimitives.ReadUInt32BigEndian(body),
            BinaryPrimitives.ReadUInt32BigEndian(body[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(body[8..]) / 1e6,
            BinaryPrimitives.ReadUInt32BigEndian(body[12..]) / 1e6,
            BinaryPrimitives.ReadInt16BigEndian(body[16..]),
            BinaryPrimitives.ReadUInt16BigEndian(body[18..]) / 10.0,
            BinaryPrimitives.ReadUInt16BigEndian(body[20..]),
            Convert.ToHexString(body.Slice(22, 6)),
            items);
    }
}
