using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using HazChem.Transport.Simulator.Jt808;

namespace HazChem.Transport.Simulator.Transport;

/// <summary>The platform refused a registration (0x8100 result ≠ 0) or an authentication (0x8001 result ≠ 0).</summary>
internal sealed class Jt808RefusedException(string message) : Exception(message);

/// <summary>
/// One terminal's TCP connection: frames out, a read loop that matches 0x8100/0x8001 replies to the serial
/// they answer, counts per-fix acknowledgements, and completes the registration/authentication handshake.
/// </summary>
internal sealed class Jt808Session : IAsyncDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(15);

    private readonly Socket _socket;
    private readonly Jt808TerminalIdentity _terminal;
    private readonly SimulatorStats _stats;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<ushort, int> _inflightFixes = new();
    private readonly ConcurrentDictionary<ushort, TaskCompletionSource<PlatformFrame>> _awaiting = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private int _serial = -1;
    private int _closed;
    private int _inFlight;

    private Jt808Session(Socket socket, Jt808TerminalIdentity terminal, SimulatorStats stats)
    {
        _socket = socket;
        _terminal = terminal;
        _stats = stats;
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>False once the platform or the network closed the connection.</summary>
    public bool IsOpen => Volatile.Read(ref _closed) == 0;

    public Jt808TerminalIdentity Terminal => _terminal;

    /// <summary>Opens the TCP connection (from <paramref name="localAddress"/> when given, e.g. 127.0.0.2 for more source ports).</summary>
    public static async Task<Jt808Session> ConnectAsync(EndPoint server, Jt808TerminalIdentity terminal, SimulatorStats stats, IPAddress? localAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(stats);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (localAddress is not null)
            {
                socket.Bind(new IPEndPoint(localAddress, 0));
            }

            await socket.ConnectAsync(server, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        stats.OnConnected();
        return new Jt808Session(socket, terminal, stats);
    }

    /// <summary>The next message serial (wraps at 0xFFFF).</summary>
    public ushort NextSerial() => (ushort)Interlocked.Increment(ref _serial);

    /// <summary>0x0100 → the auth code of a successful 0x8100; <see cref="Jt808RefusedException"/> otherwise.</summary>
    public async Task<string> RegisterAsync(string plate, CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(Jt808MessageId.Registration, Jt808Encoder.RegistrationBody(_terminal, plate), cancellationToken);
        if (!Jt808FrameSplitter.TryParseRegistration(reply, out var registration))
        {
            throw new Jt808RefusedException($"terminal {_terminal.Phone}: registration answered with 0x{reply.MessageId:X4}, not 0x8100");
        }

        if (registration.Result != 0)
        {
            var why = registration.Result switch
            {
                1 => "vehicle already registered",
                2 => "vehicle not in database",
                3 => "terminal already registered",
                4 => "terminal not in database",
                _ => "unknown result",
            };
            throw new Jt808RefusedException($"terminal {_terminal.Phone} ({plate}): registration refused, result {registration.Result} ({why})");
        }

        return registration.AuthCode;
    }

    /// <summary>0x0102 with the code; throws <see cref="Jt808RefusedException"/> unless 0x8001 result 0.</summary>
    public async Task AuthenticateAsync(string authCode, CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(Jt808MessageId.Authentication, Jt808Encoder.AuthenticationBody(_terminal, authCode), cancellationToken);
        if (!Jt808FrameSplitter.TryParseGeneral(reply, out var general) || general.Result != 0)
        {
            throw new Jt808RefusedException($"terminal {_terminal.Phone}: authentication refused (0x{reply.MessageId:X4} result {general.Result})");
        }

        _stats.OnAuthenticated();
    }

    /// <summary>Sends a frame whose 0x8001 acknowledges <paramref name="fixes"/> fixes (0 for heartbeats).</summary>
    public async Task SendAsync(ushort messageId, byte[] body, int fixes, CancellationToken cancellationToken)
    {
        var serial = NextSerial();
        if (fixes > 0)
        {
            _inflightFixes[serial] = fixes;
            Interlocked.Add(ref _inFlight, fixes);
        }

        await WriteAsync(Jt808Encoder.Frame(messageId, _terminal, serial, body), cancellationToken);
    }

    /// <summary>Writes pre-encoded frames; <paramref name="fixesBySerial"/> says which serials carry how many fixes.</summary>
    public async Task WriteFramesAsync(ReadOnlyMemory<byte> frames, IEnumerable<(ushort Serial, int Fixes)> fixesBySerial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fixesBySerial);
        foreach (var (serial, fixes) in fixesBySerial)
        {
            _inflightFixes[serial] = fixes;
            Interlocked.Add(ref _inFlight, fixes);
        }

        await WriteAsync(frames, cancellationToken);
    }

    /// <summary>Fixes sent and not yet acknowledged.</summary>
    public int Unacknowledged => Volatile.Read(ref _inFlight);

    public async ValueTask DisposeAsync()
    {
        Close();
        await _stop.CancelAsync();
        try
        {
            await _reader;
        }
        catch (OperationCanceledException)
        {
            // stopping
        }

        _socket.Dispose();
        _stop.Dispose();
        _writeLock.Dispose();
    }

    private async Task<PlatformFrame> RequestAsync(ushort messageId, byte[] body, CancellationToken cancellationToken)
    {
        var serial = NextSerial();
        var reply = new TaskCompletionSource<PlatformFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        _awaiting[serial] = reply;
        try
        {
            await WriteAsync(Jt808Encoder.Frame(messageId, _terminal, serial, body), cancellationToken);
            return await reply.Task.WaitAsync(ReplyTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new Jt808RefusedException($"terminal {_terminal.Phone}: no reply to 0x{messageId:X4} within {ReplyTimeout.TotalSeconds:0} s");
        }
        finally
        {
            _awaiting.TryRemove(serial, out _);
        }
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var sent = 0;
            while (sent < bytes.Length)
            {
                sent += await _socket.SendAsync(bytes[sent..], SocketFlags.None, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Close();
            throw new IOException($"terminal {_terminal.Phone}: connection lost ({ex.Message})", ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        var splitter = new Jt808FrameSplitter();
        var buffer = new byte[4096];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                foreach (var frame in splitter.Feed(buffer.AsSpan(0, read)))
                {
                    OnFrame(frame);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // closed by either side
        }
        finally
        {
            Close();
        }
    }

    private void OnFrame(PlatformFrame frame)
    {
        ushort replySerial;
        if (Jt808FrameSplitter.TryParseGeneral(frame, out var general))
        {
            replySerial = general.ReplySerial;
            if (_inflightFixes.TryRemove(replySerial, out var fixes))
            {
                Interlocked.Add(ref _inFlight, -fixes);
                if (general.Result == 0)
                {
                    _stats.OnAcked(fixes);
                }
                else
                {
                    _stats.OnFailed(fixes, $"terminal {_terminal.Phone}: 0x{general.ReplyMessageId:X4} answered with result {general.Result}");
                }

                return;
            }
        }
        else if (Jt808FrameSplitter.TryParseRegistration(frame, out var registration))
        {
            replySerial = registration.ReplySerial;
        }
        else
        {
            return;
        }

        if (_awaiting.TryRemove(replySerial, out var waiter))
        {
            waiter.TrySetResult(frame);
        }
    }

    private void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _stats.OnDisconnected();
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // already gone
            }

            foreach (var waiter in _awaiting.Values)
            {
                waiter.TrySetException(new IOException($"terminal {_terminal.Phone}: connection closed"));
            }

            var lost = _inflightFixes.Values.Sum();
            _inflightFixes.Clear();
            if (lost > 0)
            {
                _stats.OnFailed(lost, $"terminal {_terminal.Phone}: connection closed with {lost} fixes unacknowledged");
            }
        }
    }
}
