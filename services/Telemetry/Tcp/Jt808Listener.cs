using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using HazChem.Transport.Telemetry.Options;
using HazChem.Transport.Telemetry.Pipeline;
using HazChem.Transport.Telemetry.Registry;
using Microsoft.Extensions.Options;

namespace HazChem.Transport.Telemetry.Tcp;

/// <summary>
/// The JT/T 808 TCP server: binds at start (so the port is known when the host has started), accepts on one
/// async loop and runs each connection as an async task — no thread per connection; an idle connection costs a
/// socket and a few small objects.
/// </summary>
internal sealed partial class Jt808Listener(
    IOptions<Jt808Options> options,
    IngestPipeline pipeline,
    IVehicleDirectory vehicles,
    Jt808AuthCodes authCodes,
    Jt808Profiles profiles,
    TimeProvider time,
    ILogger<Jt808Listener> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private Socket? _socket;
    private Task? _acceptLoop;
    private long _nextId;

    /// <summary>Where the server listens (with the real port when configured as 0); null when disabled or not started.</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <summary>Connections open now.</summary>
    public int ConnectionCount => _connections.Count;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return Task.CompletedTask;
        }

        authCodes.EnsureConfigured();
        var address = IPAddress.Parse(settings.BindAddress);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (address.Equals(IPAddress.IPv6Any))
        {
            socket.DualMode = true;
        }

        socket.Bind(new IPEndPoint(address, settings.Port));
        socket.Listen(settings.Backlog);
        _socket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        LogListening(logger, LocalEndPoint);
        var shared = new Jt808ConnectionServices(pipeline, vehicles, authCodes, profiles, settings, time, logger);
        _acceptLoop = AcceptLoopAsync(socket, shared);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_socket is null)
        {
            return;
        }

        await _stopping.CancelAsync();
        _socket.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop;
        }

        try
        {
            await Task.WhenAll(_connections.Values).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout: the remaining sockets close with the process.
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _socket?.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener, Jt808ConnectionServices shared)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // e.g. the peer reset before accept completed, or too many open files: keep accepting.
                LogAcceptFailed(logger, ex.SocketErrorCode);
                continue;
            }

            client.NoDelay = true;
            var id = Interlocked.Increment(ref _nextId);
            var connection = new Jt808Connection(client, shared, id);
            var running = RunAsync(connection);
            _connections.TryAdd(id, running);
            if (running.IsCompleted)
            {
                _connections.TryRemove(id, out _);
            }
        }
    }

    private async Task RunAsync(Jt808Connection connection)
    {
        await Task.Yield();
        try
        {
            await connection.RunAsync(_stopping.Token);
        }
        catch (Exception ex)
        {
            LogConnectionFailed(logger, connection.Id, ex);
        }
        finally
        {
            _connections.TryRemove(connection.Id, out _);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "JT/T 808 server listening on {EndPoint}")]
    private static partial void LogListening(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "JT/T 808 accept failed: {Error}")]
    private static partial void LogAcceptFailed(ILogger logger, SocketError error);

    [LoggerMessage(Level = LogLevel.Error, Message = "JT/T 808 connection {Connection} failed")]
    private static partial void LogConnectionFailed(ILogger logger, long connection, Exception exception);
}
