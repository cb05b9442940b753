using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using HazChem.Transport.Telemetry.Jt808;
using HazChem.Transport.Telemetry.Tests.Jt808;

namespace HazChem.Transport.Telemetry.Tests.Service;

/// <summary>A terminal on a real TCP connection: sends frames, reads the platform's replies.</summary>
internal sealed class Jt808Terminal : IAsyncDisposable
{
    private readonly TcpClient _client = new();
    private readonly List<byte> _pending = [];
    private NetworkStream _stream = null!;
    private ushort _serial = 100;

    private Jt808Terminal(Jt808HeaderLayout layout, string phoneDigits, byte protocolVersion)
    {
        Layout = layout;
        PhoneDigits = phoneDigits;
        ProtocolVersion = protocolVersion;
    }

    public Jt808HeaderLayout Layout { get; }

    public string PhoneDigits { get; }

    public byte ProtocolVersion { get; }

    public static async Task<Jt808Terminal> ConnectAsync(IPEndPoint endPoint, string phoneDigits, Jt808HeaderLayout layout = Jt808HeaderLayout.V2013, byte protocolVersion = 1)
    {
        var terminal = new Jt808Terminal(layout, phoneDigits, layout == Jt808HeaderLayout.V2019 ? protocolVersion : (byte)0);
        await terminal._client.ConnectAsync(endPoint, TestContext.Current.CancellationToken);
        terminal._stream = terminal._client.GetStream();
        return terminal;
    }

    public Jt808Header Header(ushort messageId) => new()
    {
        MessageId = messageId,
        Layout = Layout,
        ProtocolVersion = ProtocolVersion,
        Phone = Jt808TestSupport.Phone(PhoneDigits, Layout),
        SerialNumber = _serial++,
    };

    public byte[] Frame(ushort messageId, ReadOnlySpan<byte> body) => Jt808TestSupport.Frame(Header(messageId), body);

    public async Task SendAsync(params byte[][] frames)
    {
        foreach (var frame in frames)
        {
            await _stream.WriteAsync(frame, TestContext.Current.CancellationToken);
        }

        await _stream.FlushAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Reads the next reply frame and decodes it.</summary>
    public async Task<(Jt808Header Header, Jt808Message Message)> ReceiveAsync()
    {
        var scratch = new byte[Jt808FrameReader.MaxFrameLength];
        var chunk = new byte[4096];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        // A safety net against a hang, not a timing assertion.
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var buffer = new ReadOnlySequence<byte>(_pending.ToArray());
            var status = Jt808FrameReader.TryReadFrame(ref buffer, scratch, out var frame, out var error);
            if (status != Jt808ReadStatus.NeedMoreData)
            {
                _pending.RemoveRange(0, (int)(_pending.Count - buffer.Length));
                Assert.Null(error);
                Assert.True(Jt808MessageDecoder.TryDecode(frame, Jt808TerminalProfile.Default, out var message, out var bodyError), bodyError?.ToString());
                return (frame.Header, message);
            }

            var read = await _stream.ReadAsync(chunk, timeout.Token);
            Assert.True(read > 0, "the platform closed the connection");
            _pending.AddRange(chunk.AsSpan(0, read));
        }
    }

    /// <summary>Reads the next reply, which must be a 0x8001 for <paramref name="messageId"/>; returns its result.</summary>
    public async Task<Jt808ReplyResult> ReceiveGeneralResponseAsync(ushort messageId)
    {
        var (header, message) = await ReceiveAsync();
        Assert.Equal(Jt808MessageIds.PlatformGeneralResponse, header.MessageId);
        var response = Assert.IsType<Jt808GeneralResponse>(message);
        Assert.Equal(messageId, response.ReplyMessageId);
        return (Jt808ReplyResult)response.Result;
    }

    /// <summary>0x0100 then 0x0102 with the code the platform gave; asserts both succeed.</summary>
    public async Task RegisterAndAuthenticateAsync(string plate)
    {
        var code = await RegisterAsync(plate);
        Assert.NotNull(code);
        Assert.Equal(Jt808ReplyResult.Success, await AuthenticateAsync(code));
    }

    /// <summary>Sends 0x0100; returns the auth code of a successful 0x8100, or null (asserting the refusal result).</summary>
    public async Task<string?> RegisterAsync(string plate, Jt808RegistrationResult expected = Jt808RegistrationResult.Success)
    {
        await SendAsync(Frame(Jt808MessageIds.Registration, RegistrationBody(plate)));
        var (header, message) = await ReceiveAsync();
        Assert.Equal(Jt808MessageIds.RegistrationResponse, header.MessageId);
        var response = Assert.IsType<Jt808RegistrationResponse>(message);
        Assert.Equal((int)expected, response.Result);
        return response.AuthCode;
    }

    public async Task<Jt808ReplyResult> AuthenticateAsync(string code)
    {
        await SendAsync(Frame(Jt808MessageIds.Authentication, AuthenticationBody(code)));
        return await ReceiveGeneralResponseAsync(Jt808MessageIds.Authentication);
    }

    /// <summary>A 0x0100 body in this terminal's edition (2013 widths on the 2013 layout, 2019 widths on 2019).</summary>
    public byte[] RegistrationBody(string plate)
    {
        var (manufacturer, model, terminalId) = Layout == Jt808HeaderLayout.V2019 ? (11, 30, 30) : (5, 20, 7);
        var plateBytes = Jt808Text.Gbk.GetBytes(plate);
        var body = new byte[4 + manufacturer + model + terminalId + 1 + plateBytes.Length];
        BinaryPrimitives.WriteUInt16BigEndian(body, 50);
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(2), 100);
        "HZTST"u8.CopyTo(body.AsSpan(4));
        "M1"u8.CopyTo(body.AsSpan(4 + manufacturer));
        "T0001"u8.CopyTo(body.AsSpan(4 + manufacturer + model));
        body[4 + manufacturer + model + terminalId] = 2;
        plateBytes.CopyTo(body, 4 + manufacturer + model + terminalId + 1);
        return body;
    }

    public byte[] AuthenticationBody(string code)
    {
        var codeBytes = Jt808Text.Gbk.GetBytes(code);
        if (Layout != Jt808HeaderLayout.V2019)
        {
            return codeBytes;
        }

        var body = new byte[1 + codeBytes.Length + 15 + 20];
        body[0] = (byte)codeBytes.Length;
        codeBytes.CopyTo(body, 1);
        "860000000000001"u8.CopyTo(body.AsSpan(1 + codeBytes.Length));
        "V1.0"u8.CopyTo(body.AsSpan(1 + codeBytes.Length + 15));
        return body;
    }

    /// <summary>A 0x0200 body at <paramref name="fixTimeUtc"/> (sent as GMT+8 BCD), positioned.</summary>
    public static byte[] LocationBody(DateTimeOffset fixTimeUtc, double lat, double lon, double speedKmh = 60, uint status = 0x0000_0003)
    {
        var local = fixTimeUtc.UtcDateTime.AddHours(8);
        var bcd = new byte[6];
        Jt808Bcd.WriteTime(local, bcd);
        return Jt808TestSupport.LocationBody(
            status: status,
            latitude: (uint)Math.Round(lat * 1e6),
            longitude: (uint)Math.Round(lon * 1e6),
            speed: (ushort)Math.Round(speedKmh * 10),
            timeBcd: Convert.ToHexString(bcd));
    }

    /// <summary>A 0x0704 body of the given 0x0200 bodies (type 1 = blind-area back-fill).</summary>
    public static byte[] BatchBody(byte type, params byte[][] items)
    {
        var body = new List<byte>();
        body.AddRange([(byte)(items.Length >> 8), (byte)items.Length, type]);
        foreach (var item in items)
        {
            body.AddRange([(byte)(item.Length >> 8), (byte)item.Length]);
            body.AddRange(item);
        }

        return [.. body];
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }
}
