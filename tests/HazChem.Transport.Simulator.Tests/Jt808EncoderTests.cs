using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using HazChem.Transport.Simulator.Jt808;

namespace HazChem.Transport.Simulator.Tests;

public sealed class Jt808EncoderTests
{
    private static readonly Jt808TerminalIdentity Terminal2013 = new("13800138000", Jt808Edition.V2013);
    private static readonly Jt808TerminalIdentity Terminal2019 = new("17299841738", Jt808Edition.V2019);

    private static readonly LocationFix Fix = new()
    {
        FixTime = new DateTimeOffset(2026, 11, 23, 2, 10, 10, TimeSpan.Zero),
        Lat = 29.556712,
        Lon = 106.577301,
        SpeedKmh = 62.4,
        HeadingDeg = 87,
        AltitudeM = 243,
        AlarmFlags = Jt808Bits.AlarmOverspeed | Jt808Bits.AlarmRouteDeviation,
        MileageKm = 12345.6,
        RecorderSpeedKmh = 62.4,
    };

    [Fact]
    public void Frame_Location2013_DecodesToTheSameFieldsWithGmt8Time()
    {
        var wire = Jt808Encoder.Frame(Jt808MessageId.Location, Terminal2013, 0x1234, Jt808Encoder.LocationBody(Fix));

        var frame = TestDecoder.Decode(wire);
        var location = TestDecoder.ReadLocation(frame.Body);

        Assert.Equal(0x0200, frame.MessageId);
        Assert.False(frame.Is2019);
        Assert.Equal("013800138000", frame.PhoneDigits);
        Assert.Equal(0x1234, frame.Serial);
        Assert.Equal(Fix.AlarmFlags, location.Alarm);
        Assert.Equal(Jt808Bits.StatusAccOn | Jt808Bits.StatusPositioned | Jt808Bits.StatusGps | Jt808Bits.StatusBeiDou, location.Status);
        Assert.Equal(29.556712, location.Lat, 6);
        Assert.Equal(106.577301, location.Lon, 6);
        Assert.Equal(243, location.Altitude);
        Assert.Equal(62.4, location.SpeedKmh, 1);
        Assert.Equal(87, location.Heading);
        Assert.Equal("261123101010", location.BcdTime); // 02:10:10 UTC is 10:10:10 in GMT+8
        Assert.Equal(123456u, BinaryPrimitives.ReadUInt32BigEndian(location.Items[0x01]));
        Assert.Equal(624, BinaryPrimitives.ReadUInt16BigEndian(location.Items[0x03]));
        Assert.False(location.Items.ContainsKey(0x02));
    }

    [Fact]
    public void Frame_2019Edition_HasVersionFlagVersionByteAndTwentyDigitPhone()
    {
        var wire = Jt808Encoder.Frame(Jt808MessageId.Heartbeat, Terminal2019, 0, []);

        var frame = TestDecoder.Decode(wire);

        Assert.True(frame.Is2019);
        Assert.Equal(1, frame.Version);
        Assert.Equal("00000000017299841738", frame.PhoneDigits);
        Assert.Equal(0, frame.BodyLength);

        // The 2019 heartbeat of JT808.md §3.2, byte for byte.
        Assert.Equal("7E000240000100000000017299841738000002" + "7E", Convert.ToHexString(wire));
    }

    [Fact]
    public void Frame_SerialAndChecksumHoldingFlagBytes_AreEscaped()
    {
        // JT808.md §1: 7E 0002 0000 040021679287 002B 7D02 7E — the checksum itself is 0x7E.
        var wire = Jt808Encoder.Frame(Jt808MessageId.Heartbeat, new Jt808TerminalIdentity("040021679287", Jt808Edition.V2013), 0x002B, []);
        Assert.Equal("7E00020000040021679287002B7D027E", Convert.ToHexString(wire));

        var escaped = Jt808Encoder.Frame(Jt808MessageId.Location, Terminal2013, 0x7E7D, Jt808Encoder.LocationBody(Fix));
        Assert.Contains("7D027D01", Convert.ToHexString(escaped), StringComparison.Ordinal);
        Assert.Equal(0x7E7D, TestDecoder.Decode(escaped).Serial);
    }

    [Fact]
    public void LocationBody_SouthWestCoordinates_AreMagnitudesWithStatusBits()
    {
        var body = Jt808Encoder.LocationBody(Fix with { Lat = -33.8688, Lon = -70.6693, MileageKm = null, RecorderSpeedKmh = null });

        var location = TestDecoder.ReadLocation(body);

        Assert.Equal(28, body.Length);
        Assert.Equal(33.8688, location.Lat, 6);
        Assert.Equal(70.6693, location.Lon, 6);
        Assert.NotEqual(0u, location.Status & Jt808Bits.StatusSouth);
        Assert.NotEqual(0u, location.Status & Jt808Bits.StatusWest);
    }

    [Fact]
    public void BatchBody_BlindArea_CountTypeAndLengthPrefixedItems()
    {
        var fixes = Enumerable.Range(0, 3).Select(i => Fix with { FixTime = Fix.FixTime.AddSeconds(i * 10), Late = true }).ToList();

        var body = Jt808Encoder.BatchBody(fixes, blindArea: true);

        Assert.Equal(3, BinaryPrimitives.ReadUInt16BigEndian(body));
        Assert.Equal(1, body[2]);
        var offset = 3;
        for (var i = 0; i < 3; i++)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(offset));
            var location = TestDecoder.ReadLocation(body.AsSpan(offset + 2, length));
            Assert.Equal(Fix.FixTime.AddSeconds(i * 10).ToOffset(TimeSpan.FromHours(8)).ToString("yyMMddHHmmss", CultureInfo.InvariantCulture), location.BcdTime);
            offset += 2 + length;
        }

        Assert.Equal(body.Length, offset);
    }

    [Fact]
    public void SplitForBatches_ManyFixes_EveryBatchBodyFitsOnePacket()
    {
        var fixes = Enumerable.Range(0, 200).Select(i => Fix with { FixTime = Fix.FixTime.AddSeconds(i) }).ToList();

        var batches = Jt808Encoder.SplitForBatches(fixes).ToList();

        Assert.Equal(200, batches.Sum(b => b.Count));
        Assert.All(batches, b => Assert.InRange(Jt808Encoder.BatchBody(b, true).Length, 1, Jt808Encoder.MaxBodyLength));
        Assert.True(batches.Count > 1);
    }

    [Fact]
    public void RegistrationBody_BothEditions_HaveTheFixedPartsAndGbkPlate()
    {
        var body2013 = Jt808Encoder.RegistrationBody(Terminal2013, "渝A12345");
        var body2019 = Jt808Encoder.RegistrationBody(Terminal2019, "渝A12345");

        // GBK 渝 is D3E5; 37 and 76 bytes of fixed part (JT808.md §3.4); plate colour 2 (yellow) just before it.
        Assert.Equal(37 + 8, body2013.Length);
        Assert.Equal(76 + 8, body2019.Length);
        Assert.EndsWith("02D3E5413132333435", Convert.ToHexString(body2013), StringComparison.Ordinal);
        Assert.EndsWith("02D3E5413132333435", Convert.ToHexString(body2019), StringComparison.Ordinal);
        Assert.Equal(50, BinaryPrimitives.ReadUInt16BigEndian(body2013));
    }

    [Fact]
    public void AuthenticationBody_2019_LengthCodeImeiAndVersion()
    {
        var body2013 = Jt808Encoder.AuthenticationBody(Terminal2013, "AUTH123");
        var body2019 = Jt808Encoder.AuthenticationBody(Terminal2019, "AUTH123");

        Assert.Equal("AUTH123"u8.ToArray(), body2013);
        Assert.Equal(1 + 7 + 15 + 20, body2019.Length);
        Assert.Equal(7, body2019[0]);
        Assert.Equal("AUTH123", System.Text.Encoding.ASCII.GetString(body2019, 1, 7));
        Assert.Matches("^[0-9]{15}$", System.Text.Encoding.ASCII.GetString(body2019, 8, 15));
    }

    [Fact]
    public void WriteBcd_TooManyOrNonDigits_Throws()
    {
        Assert.Throws<ArgumentException>(() => Jt808Encoder.WriteBcd(new byte[6], "1234567890123"));
        Assert.Throws<ArgumentException>(() => Jt808Encoder.WriteBcd(new byte[6], "13800A"));
    }

    public static TheoryData<string, string> PlainLocationVectors()
    {
        var data = new TheoryData<string, string>();
        var row = 1;
        foreach (var line in File.ReadLines(SharedData.Path("jt808", "vectors.tsv")).Skip(1))
        {
            row++;
            var columns = line.Split('\t');
            if (columns[2] is not ("0x0200" or "0x0704") || !columns[3].StartsWith("20", StringComparison.Ordinal) || columns[3].Contains('(', StringComparison.Ordinal))
            {
                continue;
            }

            var expected = Expected(columns[5]);
            if (!expected.TryGetProperty("frame", out var frame) || frame.ValueKind != JsonValueKind.Object || !frame.GetProperty("checksum_ok").GetBoolean()
                || !frame.GetProperty("length_ok").GetBoolean() || !expected.TryGetProperty("decoded", out var decoded))
            {
                continue;
            }

            var locations = columns[2] == "0x0704" ? decoded.GetProperty("items").EnumerateArray().ToList() : [decoded];
            if (locations.All(l => l.GetProperty("additional_ids").EnumerateArray().All(id => id.GetString() is "0x01" or "0x02")))
            {
                data.Add($"{columns[2]} {columns[3]} {columns[0]} row {row}", line);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PlainLocationVectors))]
    public void Frame_ExpectedValuesOfPlainVector_ReproduceTheRecordedFrame(string name, string line)
    {
        var columns = line.Split('\t');
        var expected = Expected(columns[5]);
        var frame = expected.GetProperty("frame");
        var decoded = expected.GetProperty("decoded");
        var terminal = frame.GetProperty("layout").GetString() == "2019"
            ? new Jt808TerminalIdentity(frame.GetProperty("phone_bcd").GetString()!, Jt808Edition.V2019, (byte)frame.GetProperty("protocol_version").GetInt32())
            : new Jt808TerminalIdentity(frame.GetProperty("phone_bcd").GetString()!, Jt808Edition.V2013);
        var serial = (ushort)frame.GetProperty("serial").GetInt32();

        byte[] wire;
        if (columns[2] == "0x0704")
        {
            var items = decoded.GetProperty("items").EnumerateArray().Select(ToFix).ToList();
            wire = Jt808Encoder.Frame(Jt808MessageId.LocationBatch, terminal, serial, Jt808Encoder.BatchBody(items, decoded.GetProperty("type_0normal_1blind").GetInt32() == 1));
        }
        else
        {
            wire = Jt808Encoder.Frame(Jt808MessageId.Location, terminal, serial, Jt808Encoder.LocationBody(ToFix(decoded)));
        }

        Assert.True(string.Equals(Convert.ToHexString(wire), columns[4], StringComparison.OrdinalIgnoreCase), $"{name}: encoded {Convert.ToHexString(wire)}, recorded {columns[4]}");
    }

    [Fact]
    public void PlainLocationVectors_CoverBothEditionsBatchesAndEscaping()
    {
        var names = PlainLocationVectors().Select(row => row.Data.Item1).ToList();

        Assert.Contains(names, n => n.Contains("0x0200 2019", StringComparison.Ordinal));
        Assert.Contains(names, n => n.Contains("0x0704 2019", StringComparison.Ordinal));
        Assert.Contains(names, n => n.Contains("0x0200 2013", StringComparison.Ordinal));
        Assert.True(names.Count >= 6, string.Join("; ", names));
    }

    // The TSV quotes the JSON column as CSV does: outer quotes, inner quotes doubled.
    private static JsonElement Expected(string column) =>
        JsonDocument.Parse(column.StartsWith('"') ? column[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : column).RootElement;

    private static LocationFix ToFix(JsonElement d)
    {
        var local = DateTime.ParseExact(d.GetProperty("time_bcd").GetString()!, "yyMMddHHmmss", CultureInfo.InvariantCulture);
        var std = d.TryGetProperty("additional_std", out var s) ? s : default;
        return new LocationFix
        {
            FixTime = new DateTimeOffset(local, TimeSpan.FromHours(8)),
            AlarmFlags = uint.Parse(d.GetProperty("alarm_hex").GetString()!, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            StatusFlags = uint.Parse(d.GetProperty("status_hex").GetString()!, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            Lat = d.GetProperty("lat").GetDouble(),
            Lon = d.GetProperty("lon").GetDouble(),
            AltitudeM = d.GetProperty("altitude_m").GetDouble(),
            SpeedKmh = d.GetProperty("speed_kmh").GetDouble(),
            HeadingDeg = d.GetProperty("direction_deg").GetDouble(),
            MileageKm = std.ValueKind == JsonValueKind.Object && std.TryGetProperty("0x01", out var m) ? m.GetProperty("mileage_km").GetDouble() : null,
            FuelLitres = std.ValueKind == JsonValueKind.Object && std.TryGetProperty("0x02", out var f) ? f.GetProperty("fuel_l").GetDouble() : null,
        };
    }
}
