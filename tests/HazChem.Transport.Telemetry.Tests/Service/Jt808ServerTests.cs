using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.ServiceDefaults.Auth;
using HazChem.Transport.Telemetry.Jt808;
using HazChem.Transport.Telemetry.Tests.Jt808;
using HazChem.Transport.TestSupport;

namespace HazChem.Transport.Telemetry.Tests.Service;

/// <summary>The JT/T 808 server over a real loopback socket, on PostgreSQL and the Kafka-protocol broker.</summary>
public sealed class Jt808ServerTests(PostgresFixture postgres, KafkaFixture kafka, HostPerClass hosts) : IClassFixture<HostPerClass>
{
    /// <summary>0x0200 vectors of other implementations that a strict platform must accept: positioned, in range, checksum right.</summary>
    public static TheoryData<int> AcceptableLocationVectors()
    {
        var data = new TheoryData<int>();
        foreach (var vector in Jt808Vectors.All ?? [])
        {
            var e = vector.Expected;
            if (vector.MessageId != "0x0200" || vector.InputForm != "wire"
                || !e.TryGetProperty("decoded", out var d) || !d.TryGetProperty("lat", out var lat) || !d.TryGetProperty("lon", out var lon)
                || !e.TryGetProperty("frame", out var f) || !f.GetProperty("checksum_ok").GetBoolean() || !f.GetProperty("length_ok").GetBoolean()
                || !d.GetProperty("status_bits").EnumerateArray().Any(b => b.GetString() == "positioned")
                || Math.Abs(lat.GetDouble()) > 90 || Math.Abs(lon.GetDouble()) > 180)
            {
                continue;
            }

            data.Add(new TheoryDataRow<int>(vector.Row).WithTestDisplayName($"JT808 location vector {vector}"));
        }

        if (data.Count == 0)
        {
            data.Add(Jt808Vectors.Absent);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AcceptableLocationVectors))]
    public async Task Location_RealDeviceFrameAfterRegistrationAndAuthentication_BecomesLatestPosition(int row)
    {
        var vector = Jt808Vectors.Get(row);
        var host = await hosts.GetAsync(postgres, kafka);
        var bytes = Convert.FromHexString(vector.Hex);
        var header = Jt808TestSupport.ReadAll(bytes).SingleFrame().Header;
        var phone = header.Phone.ToString();
        var plate = host.Registry.Register(terminalPhone: phone);

        await using var terminal = await Jt808Terminal.ConnectAsync(host.Jt808EndPoint, phone, header.Layout, header.ProtocolVersion);
        await terminal.RegisterAndAuthenticateAsync(plate);
        await terminal.SendAsync(bytes);
        Assert.Equal(Jt808ReplyResult.Success, await terminal.ReceiveGeneralResponseAsync(Jt808MessageIds.LocationReport));

        var position = (await host.Client.GetLatestPositionAsync(new GetLatestPositionRequest { Plate = plate }, host.As(Roles.Police))).Position;
        var decoded = vector.Expected.GetProperty("decoded");
        Assert.Equal(decoded.GetProperty("lat").GetDouble(), position.Lat, 6);
        Assert.Equal(decoded.GetProperty("lon").GetDouble(), position.Lon, 6);
        Assert.Equal(decoded.GetProperty("speed_kmh").GetDouble(), position.SpeedKmh, 1);
        var utc = DateTimeOffset.Parse(decoded.GetProperty("time_utc_if_gmt8").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.Equal(utc, position.FixTime.ToDateTimeOffset());
        Assert.Equal(PositionSource.Jt808, position.Source);
        Assert.NotEqual(position.FixTime, position.ReceivedTime);
    }

    [Fact]
    public async Task Registration_UnboundTerminal_RefusedAndItsLocationQuarantinedAsUnbound()
    {
        var host = await hosts.GetAsync(postgres, kafka);
        var phone = "0139" + Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
        await using var terminal = await Jt808Terminal.ConnectAsync(host.Jt808EndPoint, phone);

        Assert.Null(await terminal.RegisterAsync("渝A00000", Jt808RegistrationResult.TerminalNotInDatabase));
        Assert.Equal(Jt808ReplyResult.Failure, await terminal.AuthenticateAsync("guessed-code"));

        var fixTime = Now().AddMinutes(-1);
        await terminal.SendAsync(terminal.Frame(Jt808MessageIds.LocationReport, Jt808Terminal.LocationBody(fixTime, 29.56, 106.55)));
        Assert.Equal(Jt808ReplyResult.Failure, await terminal.ReceiveGeneralResponseAsync(Jt808MessageIds.LocationReport));

        var quarantined = await host.Client.ListQuarantinedFixesAsync(new ListQuarantinedFixesRequest { Code = "T-UNBOUND" }, host.As(Roles.Admin));
        var fix = Assert.Single(quarantined.Fixes, f => f.TerminalPhone == phone.TrimStart('0'));
        Assert.Equal(fixTime, fix.FixTime.ToDateTimeOffset());
        Assert.Equal(PositionSource.Jt808, fix.Source);
    }

    [Fact]
    public async Task Authentication_CodeOfAnotherTerminal_Refused()
    {
        var host = await hosts.GetAsync(postgres, kafka);
        var (phoneA, phoneB) = (NewPhone(), NewPhone());
        var plateA = host.Registry.Register(phoneA);
        host.Registry.Register(phoneB);
        await using var a = await Jt808Terminal.ConnectAsync(host.Jt808EndPoint, phoneA);
        var codeOfA = await a.RegisterAsync(plateA);

        await using var b = await Jt808Terminal.ConnectAsync(host.Jt808EndPoint, phoneB);
        Assert.Equal(Jt808ReplyResult.Failure, await b.AuthenticateAsync(codeOfA!));
    }

    [Fact]
    public async Task MalformedFrames_RejectedWhileTheConnectionSurvives_FollowingFramesDecode()
    {
        var host = await hosts.GetAsync(postgres, kafka);
        var phone = NewPhone();
        var plate = host.Registry.Register(phone);
        await using var terminal = await Jt808Terminal.ConnectAsync(host.Jt808EndPoint, phone);
        await terminal.RegisterAndAuthenticateAsync(plate);

        var good = Jt808Terminal.LocationBody(Now().AddSeconds(-30), 29.5630, 106.5510, speedKmh: 42.5);
        var badChecksum = terminal.Frame(Jt808MessageIds.LocationReport, Jt808Terminal.LocationBody(Now().AddSeconds(-40), 1, 1));
        badChecksum[^2] ^= 0x5A;
        if (badChecksum[^2] is 0x7E or 0x7D)
        {
            badChecksum[^2] ^= 0x01;
        }

        byte[] badEscape = [0x7E, 0x02, 0x00, 0x7D, 0x05, 0x01, 0x7E];
        byte[] garbage = [0x01, 0x02, 0x03];
        // A well-framed 0x0200 whose body is too short for the basic information: answered "message error".
        var truncatedBody = terminal.Frame(Jt808MessageIds.LocationReport, good.AsSpan(0, 10));
        await terminal.SendAsync([.. badChecksum, .. garbage, .. badEscape, .. truncatedBody, .. terminal.Frame(Jt808MessageIds.LocationReport, good)]);

        Assert.Equal(Jt808ReplyResult.MessageError, await terminal.ReceiveGeneralResponseAsync(Jt808MessageIds.LocationReport));
        Assert.Equal(Jt808ReplyResult.Success, await terminal.ReceiveGeneralResponseAsync(Jt808MessageIds.LocationReport));

        await terminal.SendAsync(terminal.Frame(Jt808MessageIds.Heartbeat, []));
        Assert.Equal(Jt808ReplyResult.Success, await terminal.ReceiveGeneralResponseAsync(Jt808MessageIds.Heartbeat));
        var position = (await host.Client.GetLatestPositionAsync(new GetLatestPositionRequest { Plate = plate }, host.As(Roles.Police))).Position;
        Assert.Equal(29.5630, position.Lat, 6);
        Assert.Equal(42.5, position.SpeedKmh, 1);
    }

    [Fact]
    public async Task BlindAreaUpload_LateFix_LandsInTrackButDoesNotReplaceNewerLatest()
    {
        var host = await hosts.GetAsync(postgres, kafka);
        var phone = NewPhone();
        var plate = host.Registry.Register(phone);
        await using var terminal = await Jt808Terminal.ConnectAsync(host.Jt808EndPoint, phone);
        await terminal.RegisterAndAuthenticateAsync(plate);
        var newest = Now().AddMinutes(-1);
        var late = Now().AddMinutes(-10);

        await terminal.SendAsync(terminal.Frame(Jt808MessageIds.LocationReport, Jt808Terminal.LocationBody(newest, 29.60, 106.50)));
        Assert.Equal(Jt808ReplyResult.Success, await terminal.ReceiveGeneralResponseAsync(Jt808MessageIds.LocationReport));
        await terminal.SendAsync(terminal.Frame(
            Jt808MessageIds.BatchLocationUpload,
            Jt808Terminal.BatchBody(1, Jt808Terminal.LocationBody(late, 29.58, 106.49, speedKmh: 30))));
        Assert.Equal(Jt808ReplyResult.Success, await terminal.ReceiveGeneralResponseAsync(Jt808MessageIds.BatchLocationUpload));

        var position = (await host.Client.GetLatestPositionAsync(new GetLatestPositionRequest { Plate = plate }, host.As(Roles.Police))).Position;
        Assert.Equal(newest, position.FixTime.ToDateTimeOffset());
        Assert.Equal(29.60, position.Lat, 6);

        var track = await host.WaitForTrackAsync(plate, Now().AddHours(-1), Now().AddMinutes(1), t => t.Points.Count >= 2);
        Assert.Equal(2, track.Points.Count);
        Assert.Equal(late, track.Points[0].FixTime.ToDateTimeOffset());
        Assert.True(track.Points[0].Late);
        Assert.Equal(newest, track.Points[1].FixTime.ToDateTimeOffset());
        Assert.False(track.Points[1].Late);
    }

    [Fact]
    public async Task Subpackages_BatchSplitInTwoPacketsArrivingOutOfOrder_Reassembled()
    {
        var host = await hosts.GetAsync(postgres, kafka);
        var phone = NewPhone();
        var plate = host.Registry.Register(phone);
        await using var terminal = await Jt808Terminal.ConnectAsync(host.Jt808EndPoint, phone);
        await terminal.RegisterAndAuthenticateAsync(plate);
        var fixTime = Now().AddMinutes(-2);
        var body = Jt808Terminal.BatchBody(0, Jt808Terminal.LocationBody(fixTime, 29.61, 106.52), Jt808Terminal.LocationBody(fixTime.AddSeconds(10), 29.611, 106.52));
        var half = body.Length / 2;

        await terminal.SendAsync(Packet(phone, 501, 2, 2, body[half..]), Packet(phone, 500, 2, 1, body[..half]));
        Assert.Equal(Jt808ReplyResult.Success, await terminal.ReceiveGeneralResponseAsync(Jt808MessageIds.BatchLocationUpload));
        Assert.Equal(Jt808ReplyResult.Success, await terminal.ReceiveGeneralResponseAsync(Jt808MessageIds.BatchLocationUpload));

        // The heartbeat's answer comes after the reassembled batch was ingested.
        await terminal.SendAsync(terminal.Frame(Jt808MessageIds.Heartbeat, []));
        Assert.Equal(Jt808ReplyResult.Success, await terminal.ReceiveGeneralResponseAsync(Jt808MessageIds.Heartbeat));
        var position = (await host.Client.GetLatestPositionAsync(new GetLatestPositionRequest { Plate = plate }, host.As(Roles.Police))).Position;
        Assert.Equal(fixTime.AddSeconds(10), position.FixTime.ToDateTimeOffset());
    }

    [Fact]
    public async Task Location_BeforeAuthentication_RefusedEvenForABoundTerminal()
    {
        var host = await hosts.GetAsync(postgres, kafka);
        var phone = NewPhone();
        var plate = host.Registry.Register(phone);
        await using var terminal = await Jt808Terminal.ConnectAsync(host.Jt808EndPoint, phone);

        await terminal.SendAsync(terminal.Frame(Jt808MessageIds.LocationReport, Jt808Terminal.LocationBody(Now().AddMinutes(-1), 29.56, 106.55)));
        Assert.Equal(Jt808ReplyResult.Failure, await terminal.ReceiveGeneralResponseAsync(Jt808MessageIds.LocationReport));
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await host.Client.GetLatestPositionAsync(new GetLatestPositionRequest { Plate = plate }, host.As(Roles.Police)));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    private static DateTimeOffset Now()
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero);
    }

    private static string NewPhone() => "013" + Random.Shared.Next(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture);

    /// <summary>One packet of a subpackaged 0x0704 (2013 layout): header with total and index, then the fragment.</summary>
    private static byte[] Packet(string phone, ushort serial, ushort total, ushort index, byte[] fragment)
    {
        var header = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(header, Jt808MessageIds.BatchLocationUpload);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)(0x2000 | fragment.Length));
        Jt808TestSupport.Phone(phone).CopyTo(header.AsSpan(4, 6));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(10), serial);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(12), total);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), index);
        return Jt808TestSupport.RawFrame([.. header, .. fragment]);
    }
}
