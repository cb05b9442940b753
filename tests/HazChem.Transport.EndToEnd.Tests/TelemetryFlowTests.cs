using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace HazChem.Transport.EndToEnd.Tests;

/// <summary>
/// GPS ingest through the running stack: a gateway's HTTP batch through the gateway, a JT/T 808 terminal over TCP,
/// then the latest position and the track as the police read them.
/// </summary>
[Collection(DevStackGroup.Name)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1861", Justification = "Test data.")]
public sealed class TelemetryFlowTests(DevStackFixture stack)
{
    [Fact]
    public async Task PositionsBatch_OneGoodTwoBad_LatestPositionAndTrackThroughTheGateway()
    {
        var suffix = Random.Shared.Next(10000, 99999).ToString(CultureInfo.InvariantCulture);
        var (plate, phone) = await RegisterVehicleAsync(suffix);
        var fixTime = Now().AddMinutes(-2);

        using var report = await stack.SendAsync(HttpMethod.Post, "api/v1/positions:batch", "gps", new
        {
            positions = new object[]
            {
                new { plate, fixTime = Rfc3339(fixTime), lat = 29.60, lon = 106.50, speedKmh = 48.0, headingDeg = 90.0, valid = true },
                new { plate, fixTime = Rfc3339(fixTime.AddSeconds(10)), lat = 95.0, lon = 106.50, valid = true },
                new { plate, fixTime = "2099-01-01T00:00:00Z", lat = 29.60, lon = 106.50, valid = true },
            },
        }, subject: phone); // the vehicle's own terminal reporting over HTTP
        var body = await Body(report);
        Assert.True(report.StatusCode == HttpStatusCode.OK, $"{(int)report.StatusCode} {body}");
        Assert.Equal(1, body.GetProperty("accepted").GetInt32());
        Assert.Equal(["T-RANGE", "T-FUTURE"], body.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("code").GetString()));

        using var position = await stack.SendAsync(HttpMethod.Get, $"api/v1/vehicles/{Uri.EscapeDataString(plate)}/position", "police");
        var positionBody = await Body(position);
        Assert.True(position.StatusCode == HttpStatusCode.OK, positionBody.ToString());
        Assert.Equal(29.60, positionBody.GetProperty("lat").GetDouble(), 6);
        Assert.Equal(fixTime, DateTimeOffset.Parse(positionBody.GetProperty("fixTime").GetString()!, CultureInfo.InvariantCulture));

        var track = await TrackAsync(plate, fixTime.AddMinutes(-1), fixTime.AddMinutes(1), count: 1);
        Assert.Equal(48.0, Assert.Single(track).GetProperty("speedKmh").GetDouble(), 1);
    }

    [Fact]
    public async Task PositionsBatch_GatewayNotBoundToTheVehicle_UnboundAndNotTheLatestPosition()
    {
        var suffix = Random.Shared.Next(10000, 99999).ToString(CultureInfo.InvariantCulture);
        var (plate, _) = await RegisterVehicleAsync(suffix);

        using var report = await stack.SendAsync(HttpMethod.Post, "api/v1/positions:batch", "gps", new
        {
            positions = new[] { new { plate, fixTime = Rfc3339(Now().AddMinutes(-1)), lat = 29.60, lon = 106.50, speedKmh = 30.0, headingDeg = 0.0, valid = true } },
        }, subject: "another-carriers-platform");
        var body = await Body(report);

        Assert.True(report.StatusCode == HttpStatusCode.OK, $"{(int)report.StatusCode} {body}");
        Assert.Equal(0, body.GetProperty("accepted").GetInt32());
        var rejected = Assert.Single(body.GetProperty("rejected").EnumerateArray());
        Assert.Equal("T-UNBOUND", rejected.GetProperty("code").GetString());
        Assert.Contains("not bound to gateway 'another-carriers-platform'", rejected.GetProperty("reason").GetString(), StringComparison.Ordinal);
        using var position = await stack.SendAsync(HttpMethod.Get, $"api/v1/vehicles/{Uri.EscapeDataString(plate)}/position", "police");
        Assert.Equal(HttpStatusCode.NotFound, position.StatusCode);
    }

    [Fact]
    public async Task Jt808Terminal_RegistersAuthenticatesAndReports_BecomesLatestPosition()
    {
        var suffix = Random.Shared.Next(10000, 99999).ToString(CultureInfo.InvariantCulture);
        var (plate, phone) = await RegisterVehicleAsync(suffix);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, stack.Stack.Jt808Port, TestContext.Current.CancellationToken);
        var stream = tcp.GetStream();

        await SendAsync(stream, 0x0100, phone, 1, RegistrationBody(plate));
        var registration = await ReceiveAsync(stream);
        Assert.Equal(0x8100, registration.MessageId);
        Assert.Equal(0, registration.Body[2]);
        var code = registration.Body[3..];

        await SendAsync(stream, 0x0102, phone, 2, code);
        var authentication = await ReceiveAsync(stream);
        Assert.Equal((0x8001, 0x0102, 0), (authentication.MessageId, BinaryPrimitives.ReadUInt16BigEndian(authentication.Body.AsSpan(2)), (int)authentication.Body[4]));

        var fixTime = Now().AddSeconds(-20);
        await SendAsync(stream, 0x0200, phone, 3, LocationBody(fixTime, 29.5631, 106.5516, speedKmh: 61.5));
        var location = await ReceiveAsync(stream);
        Assert.Equal((0x8001, 0x0200, 0), (location.MessageId, BinaryPrimitives.ReadUInt16BigEndian(location.Body.AsSpan(2)), (int)location.Body[4]));

        using var position = await stack.SendAsync(HttpMethod.Get, $"api/v1/vehicles/{Uri.EscapeDataString(plate)}/position", "police");
        var positionBody = await Body(position);
        Assert.True(position.StatusCode == HttpStatusCode.OK, positionBody.ToString());
        Assert.Equal(29.5631, positionBody.GetProperty("lat").GetDouble(), 6);
        Assert.Equal(106.5516, positionBody.GetProperty("lon").GetDouble(), 6);
        Assert.Equal(61.5, positionBody.GetProperty("speedKmh").GetDouble(), 1);
        Assert.Equal("JT808", positionBody.GetProperty("source").GetString());
        Assert.Equal(fixTime, DateTimeOffset.Parse(positionBody.GetProperty("fixTime").GetString()!, CultureInfo.InvariantCulture));
    }

    private async Task<List<JsonElement>> TrackAsync(string plate, DateTimeOffset from, DateTimeOffset to, int count)
    {
        var path = $"api/v1/vehicles/{Uri.EscapeDataString(plate)}/track?from={Uri.EscapeDataString(Rfc3339(from))}&to={Uri.EscapeDataString(Rfc3339(to))}";
        JsonElement last = default;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var response = await stack.SendAsync(HttpMethod.Get, path, "police");
            last = await Body(response);
            Assert.True(response.StatusCode == HttpStatusCode.OK, last.ToString());
            if (last.TryGetProperty("points", out var points) && points.GetArrayLength() >= count)
            {
                return [.. points.EnumerateArray()];
            }

            // The track writer consumes the positions topic asynchronously.
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"The track of {plate} did not reach {count} points: {last}{Environment.NewLine}{stack.Log}");
        return [];
    }

    private async Task<(string Plate, string Phone)> RegisterVehicleAsync(string suffix)
    {
        using var carrier = await stack.SendAsync(HttpMethod.Post, "api/v1/carriers", "admin", new
        {
            name = $"重庆危货运输{suffix}有限公司",
            creditCode = CreditCode("9150000" + suffix + "MA5U0"),
            permit = new { number = $"渝交运管许可字5000{suffix}号", validFrom = "2024-01-01", validUntil = "2028-12-31", scope = new[] { "3" } },
        });
        var carrierBody = await Body(carrier);
        Assert.True(carrier.IsSuccessStatusCode, carrierBody.ToString());
        var carrierId = carrierBody.GetProperty("id").GetString()!;

        var plate = "渝G" + suffix;
        var phone = "0139" + suffix + "123";
        using var vehicle = await stack.SendAsync(HttpMethod.Post, $"api/v1/carriers/{carrierId}/vehicles", "admin", new
        {
            plate,
            kind = "TANK_TRUCK",
            ratedLoadKg = 30000,
            roadTransportCert = new { number = "5000" + suffix, validUntil = "2027-06-30" },
            inspectionValidUntil = "2027-03-31",
            terminalPhone = phone,
        });
        Assert.True(vehicle.IsSuccessStatusCode, await vehicle.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return (plate, phone);
    }

    private static byte[] RegistrationBody(string plate)
    {
        // The plate field is informational (GBK); the binding that counts is the terminal phone's in the registry.
        var plateBytes = Encoding.ASCII.GetBytes(plate[1..]);
        var body = new byte[37 + plateBytes.Length];
        BinaryPrimitives.WriteUInt16BigEndian(body, 50);
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(2), 100);
        "HZE2E"u8.CopyTo(body.AsSpan(4));
        "MODEL1"u8.CopyTo(body.AsSpan(9));
        "T000001"u8.CopyTo(body.AsSpan(29));
        body[36] = 2;
        plateBytes.CopyTo(body, 37);
        return body;
    }

    /// <summary>A 0x0200 body: alarm, status (ACC on, positioned), lat, lon, altitude, speed, heading, BCD time in GMT+8.</summary>
    private static byte[] LocationBody(DateTimeOffset fixTimeUtc, double lat, double lon, double speedKmh)
    {
        var body = new byte[28];
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(4), 0x3);
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(8), (uint)Math.Round(lat * 1e6));
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(12), (uint)Math.Round(lon * 1e6));
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(16), 250);
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(18), (ushort)Math.Round(speedKmh * 10));
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(20), 90);
        Convert.FromHexString(fixTimeUtc.UtcDateTime.AddHours(8).ToString("yyMMddHHmmss", CultureInfo.InvariantCulture)).CopyTo(body, 22);
        return body;
    }

    /// <summary>One 2013-layout frame: header, body, XOR checksum, 0x7E/0x7D escaping, flags.</summary>
    private static async Task SendAsync(NetworkStream stream, ushort messageId, string phone, ushort serial, byte[] body)
    {
        var raw = new byte[12 + body.Length + 1];
        BinaryPrimitives.WriteUInt16BigEndian(raw, messageId);
        BinaryPrimitives.WriteUInt16BigEndian(raw.AsSpan(2), (ushort)body.Length);
        Convert.FromHexString(phone.PadLeft(12, '0')).CopyTo(raw, 4);
        BinaryPrimitives.WriteUInt16BigEndian(raw.AsSpan(10), serial);
        body.CopyTo(raw, 12);
        raw[^1] = raw.AsSpan(0, raw.Length - 1).ToArray().Aggregate((byte)0, (x, b) => (byte)(x ^ b));
        var frame = new List<byte> { 0x7E };
        foreach (var b in raw)
        {
            if (b is 0x7E or 0x7D)
            {
                frame.Add(0x7D);
                frame.Add(b == 0x7E ? (byte)0x02 : (byte)0x01);
            }
            else
            {
                frame.Add(b);
            }
        }

        frame.Add(0x7E);
        await stream.WriteAsync(frame.ToArray(), TestContext.Current.CancellationToken);
    }

    /// <summary>Reads one reply frame; returns its message id and unescaped body (checksum verified).</summary>
    private static async Task<(int MessageId, byte[] Body)> ReceiveAsync(NetworkStream stream)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var escaped = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            Assert.Equal(1, await stream.ReadAsync(one, timeout.Token));
            if (one[0] == 0x7E)
            {
                if (escaped.Count > 0)
                {
                    break;
                }

                continue;
            }

            escaped.Add(one[0]);
        }

        var raw = new List<byte>();
        for (var i = 0; i < escaped.Count; i++)
        {
            raw.Add(escaped[i] == 0x7D ? (byte)(escaped[++i] == 0x02 ? 0x7E : 0x7D) : escaped[i]);
        }

        var bytes = raw.ToArray();
        Assert.Equal(bytes[^1], bytes[..^1].Aggregate((byte)0, (x, b) => (byte)(x ^ b)));
        var length = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(2)) & 0x3FF;
        return (BinaryPrimitives.ReadUInt16BigEndian(bytes), bytes[12..(12 + length)]);
    }

    private static async Task<JsonElement> Body(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text);
    }

    private static string Rfc3339(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static DateTimeOffset Now()
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero);
    }

    /// <summary>GB 32100 check character.</summary>
    private static string CreditCode(string base17)
    {
        const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        int[] weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
        var sum = base17.Select((c, i) => Alphabet.IndexOf(c, StringComparison.Ordinal) * weights[i]).Sum();
        var check = 31 - (sum % 31);
        return base17 + Alphabet[check == 31 ? 0 : check];
    }
}
