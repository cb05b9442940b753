using System.Buffers;
using System.Net;
using System.Net.Sockets;
using HazChem.Transport.Telemetry.Jt808;
using HazChem.Transport.Telemetry.Tcp;
using HazChem.Transport.Telemetry.Tests.Jt808;
using HazChem.Transport.Telemetry.Tests.Service;
using HazChem.Transport.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace HazChem.Transport.Telemetry.Tests.Tcp;

/// <summary>
/// How long the JT/T 808 server keeps a terminal's connection: silence for <c>Jt808:IdleTimeout</c> closes it,
/// traffic keeps it, and past <c>Jt808:MaxConnections</c> a new one is closed at once. Real loopback sockets against
/// the real listener of the real host. Waits have a generous bound (a safety net, not a speed assertion).
/// </summary>
public sealed class Jt808ConnectionLifetimeTests(PostgresFixture postgres, KafkaFixture kafka)
{
    private const string Phone = "13800138000";

    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Longest any wait may take before the test fails; far beyond every configured timeout.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Idle_ConnectionSendsNothing_ServerClosesItAfterIdleTimeout()
    {
        await using var host = await StartAsync(IdleTimeout);
        var started = TimeProvider.System.GetTimestamp();
        using var line = await RawLine.ConnectAsync(host.Jt808EndPoint);

        await line.WaitForServerCloseAsync();

        // Only a lower bound, to tell the idle close from a refusal (which closes at once): load can only make it later.
        Assert.True(TimeProvider.System.GetElapsedTime(started) >= IdleTimeout / 2, "closed before the idle timeout");
        await WaitUntilAsync(() => Listener(host).ConnectionCount == 0, "the closed connection is no longer counted");
    }

    [Fact]
    public async Task Idle_HeartbeatsMoreOftenThanIdleTimeout_StaysOpenAndEachIsAnsweredUntilSilenceClosesIt()
    {
        // Wider than the other tests' timeout so a stalled test process on a busy machine does not miss a beat.
        var idleTimeout = TimeSpan.FromSeconds(4);
        await using var host = await StartAsync(idleTimeout);
        using var line = await RawLine.ConnectAsync(host.Jt808EndPoint);
        var started = TimeProvider.System.GetTimestamp();
        ushort serial = 0;

        while (TimeProvider.System.GetElapsedTime(started) < 3 * idleTimeout)
        {
            serial++;
            await line.SendAsync(Heartbeat(serial));
            var reply = await line.ReceiveGeneralResponseAsync();
            Assert.Equal(new Jt808GeneralResponse(serial, Jt808MessageIds.Heartbeat, (int)Jt808ReplyResult.Success), reply);
            await Task.Delay(idleTimeout / 16, TestContext.Current.CancellationToken);
        }

        Assert.True(serial >= 3, $"only {serial} heartbeats were exchanged");
        Assert.Equal(1, Listener(host).ConnectionCount);

        await line.WaitForServerCloseAsync();
        await WaitUntilAsync(() => Listener(host).ConnectionCount == 0, "the closed connection is no longer counted");
    }

    [Fact]
    public async Task Accept_BeyondMaxConnections_NewOneClosedAtOnceOthersStayUsableAndAFreedSlotIsTakenAgain()
    {
        // The default idle timeout (minutes): any close seen within the test's patience is the refusal, not idleness.
        await using var host = await StartAsync(extra: new Dictionary<string, string?> { ["Jt808:MaxConnections"] = "3" });
        var listener = Listener(host);
        var terminals = new List<Jt808Terminal>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                terminals.Add(await Jt808Terminal.ConnectAsync(host.Jt808EndPoint, $"1380013800{i}"));
                await AssertHeartbeatAnsweredAsync(terminals[i]);
            }

            await WaitUntilAsync(() => listener.ConnectionCount == 3, "three connections are counted");

            using (var refused = await RawLine.ConnectAsync(host.Jt808EndPoint))
            {
                await refused.WaitForServerCloseAsync();
            }

            foreach (var terminal in terminals)
            {
                await AssertHeartbeatAnsweredAsync(terminal);
            }

            Assert.Equal(3, listener.ConnectionCount);

            await terminals[0].DisposeAsync();
            terminals.RemoveAt(0);
            await WaitUntilAsync(() => listener.ConnectionCount == 2, "the connection the terminal closed is no longer counted");

            terminals.Add(await Jt808Terminal.ConnectAsync(host.Jt808EndPoint, "13800138003"));
            await AssertHeartbeatAnsweredAsync(terminals[^1]);
            await WaitUntilAsync(() => listener.ConnectionCount == 3, "the new connection is counted");

            using (var refusedAgain = await RawLine.ConnectAsync(host.Jt808EndPoint))
            {
                await refusedAgain.WaitForServerCloseAsync();
            }

            foreach (var terminal in terminals)
            {
                await AssertHeartbeatAnsweredAsync(terminal);
            }
        }
        finally
        {
            foreach (var terminal in terminals)
            {
                await terminal.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Idle_MalformedFrameBetweenHeartbeats_NotAnsweredConnectionKeptAndSilenceStillClosesIt()
    {
        await using var host = await StartAsync(IdleTimeout);
        using var line = await RawLine.ConnectAsync(host.Jt808EndPoint);

        // Bytes are liveness (as Traccar's idle handler counts reads), but a bad frame is neither answered nor a
        // reason to drop the terminal: the next good frame is answered, and the idle timer keeps running after it.
        await line.SendAsync(Heartbeat(1, checksumDelta: 0x5A));
        await line.SendAsync(Heartbeat(2));
        Assert.Equal(new Jt808GeneralResponse(2, Jt808MessageIds.Heartbeat, (int)Jt808ReplyResult.Success), await line.ReceiveGeneralResponseAsync());

        await line.SendAsync([.. Heartbeat(3, checksumDelta: 0x5A), .. Heartbeat(4)]);
        Assert.Equal(new Jt808GeneralResponse(4, Jt808MessageIds.Heartbeat, (int)Jt808ReplyResult.Success), await line.ReceiveGeneralResponseAsync());

        await line.WaitForServerCloseAsync();
        await WaitUntilAsync(() => Listener(host).ConnectionCount == 0, "the closed connection is no longer counted");
    }

    [Fact]
    public async Task Idle_HalfAFrameThenSilence_ServerClosesItAfterIdleTimeout()
    {
        await using var host = await StartAsync(IdleTimeout);
        using var line = await RawLine.ConnectAsync(host.Jt808EndPoint);
        var frame = Heartbeat(1);

        // The server holds the partial frame waiting for the rest; waiting must not outlive the idle timeout.
        await line.SendAsync(frame[..(frame.Length / 2)]);

        await line.WaitForServerCloseAsync();
        await WaitUntilAsync(() => Listener(host).ConnectionCount == 0, "the closed connection is no longer counted");
    }

    private Task<TelemetryHost> StartAsync(TimeSpan? idleTimeout = null, Dictionary<string, string?>? extra = null)
    {
        var settings = extra ?? [];
        if (idleTimeout is { } timeout)
        {
            settings["Jt808:IdleTimeout"] = timeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        }

        return TelemetryHost.StartAsync(postgres, kafka, TestStorage.Sqlite, extra: settings);
    }

    private static Jt808Listener Listener(TelemetryHost host) => host.App.Services.GetRequiredService<Jt808Listener>();

    /// <summary>A 0x0002 of <see cref="Phone"/> (2013 layout), its checksum corrupted by <paramref name="checksumDelta"/>.</summary>
    private static byte[] Heartbeat(ushort serial, byte checksumDelta = 0)
    {
        if (checksumDelta == 0)
        {
            return Jt808TestSupport.Frame(Jt808TestSupport.Header(Jt808MessageIds.Heartbeat, phone: Phone, serial: serial), []);
        }

        var header = new byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(header, Jt808MessageIds.Heartbeat);
        Jt808TestSupport.Phone(Phone).CopyTo(header.AsSpan(4, 6));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(10), serial);
        return Jt808TestSupport.RawFrame(header, checksumDelta);
    }

    private static async Task AssertHeartbeatAnsweredAsync(Jt808Terminal terminal)
    {
        await terminal.SendAsync(terminal.Frame(Jt808MessageIds.Heartbeat, []));
        Assert.Equal(Jt808ReplyResult.Success, await terminal.ReceiveGeneralResponseAsync(Jt808MessageIds.Heartbeat));
    }

    /// <summary>Polls <paramref name="condition"/> (the listener counts connections asynchronously) up to <see cref="Patience"/>.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started) < Patience, $"still waiting for: {what}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// A bare loopback connection, for what <see cref="Jt808Terminal"/> hides: the server closing it. Frames are
    /// written by the caller (production writer via <see cref="Jt808TestSupport"/>); replies are read with the
    /// production frame reader and decoder.
    /// </summary>
    private sealed class RawLine : IDisposable
    {
        private readonly TcpClient _client = new();
        private readonly List<byte> _pending = [];
        private NetworkStream _stream = null!;

        public static async Task<RawLine> ConnectAsync(IPEndPoint endPoint)
        {
            var line = new RawLine();
            try
            {
                await line._client.ConnectAsync(endPoint, TestContext.Current.CancellationToken);
                line._stream = line._client.GetStream();
                return line;
            }
            catch
            {
                line.Dispose();
                throw;
            }
        }

        public async Task SendAsync(byte[] bytes)
        {
            await _stream.WriteAsync(bytes, TestContext.Current.CancellationToken);
            await _stream.FlushAsync(TestContext.Current.CancellationToken);
        }

        /// <summary>Reads the next frame, which must be a 0x8001.</summary>
        public async Task<Jt808GeneralResponse> ReceiveGeneralResponseAsync()
        {
            var scratch = new byte[Jt808FrameReader.MaxFrameLength];
            var chunk = new byte[256];
            using var timeout = Timeout();
            while (true)
            {
                var buffer = new ReadOnlySequence<byte>([.. _pending]);
                var status = Jt808FrameReader.TryReadFrame(ref buffer, scratch, out var frame, out var error);
                if (status != Jt808ReadStatus.NeedMoreData)
                {
                    _pending.RemoveRange(0, (int)(_pending.Count - buffer.Length));
                    Assert.Null(error);
                    Assert.Equal(Jt808MessageIds.PlatformGeneralResponse, frame.Header.MessageId);
                    return Assert.IsType<Jt808GeneralResponse>(new DecodedFrame(frame.Header, frame.Body.ToArray()).Decode());
                }

                var read = await _stream.ReadAsync(chunk, timeout.Token);
                Assert.True(read > 0, "the server closed the connection instead of answering");
                _pending.AddRange(chunk.AsSpan(0, read));
            }
        }

        /// <summary>Waits for the server's orderly close (a read returns 0) with nothing sent before it.</summary>
        public async Task WaitForServerCloseAsync()
        {
            Assert.Empty(_pending);
            var chunk = new byte[256];
            using var timeout = Timeout();
            int read;
            try
            {
                read = await _stream.ReadAsync(chunk, timeout.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                Assert.Fail($"the server did not close the connection within {Patience}");
                throw;
            }

            Assert.True(read == 0, $"expected the server to close the connection, got {Convert.ToHexString(chunk, 0, read)}");
        }

        public void Dispose()
        {
            _stream?.Dispose();
            _client.Dispose();
        }

        private static CancellationTokenSource Timeout()
        {
            var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(Patience);
            return timeout;
        }
    }
}
